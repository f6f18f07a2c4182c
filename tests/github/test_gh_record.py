"""Issue 17's attacks on the record, each replayed end to end: the submission workflow's steps as
written in the YAML (workflow harness) against the fake GitHub, which serves only the objects
reachable from the origin's refs to a clone, any commit by its id to a fetch (as GitHub does),
the receipt runs and the push log (``GET /repos/{owner}/{repo}/activity``).

Each test is one way a hostile student (or a classmate) tried to change what the record says;
each holds.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_github import ACTIONS_TOKEN, FakeGitHub
from test_gh_e2e import (
    PROPOSAL,
    Course,
    check_run,
    debug,
    env,  # noqa: F401  (fixture)
    git,
    proposal,
    run_workflow,
)
from test_gh_receipts import AFTER, BEFORE, MIDTERM, file_of, result_of, rules

from checker.github import receipts
from checker.github.receipts import PullRef, ReceiptsUnavailable, read_receipts

FORK = "ada-lovelace/seminar"
CLAIMS = {"on-time", "checks-passed"}


def force_push(course: Course, pr: int, files: dict[str, bytes] | None = None) -> str:
    """Rewrite the PR's last commit (same tree unless ``files``) and force-push it."""
    git(course.work, "checkout", "-q", f"pr{pr}")
    for path, data in (files or {}).items():
        course.write(path, data)
    git(course.work, "add", "-A")
    git(course.work, "commit", "-q", "--amend", "-m", "submit (rewritten)")
    head = git(course.work, "rev-parse", "HEAD")
    git(course.work, "push", "-q", "-f", str(course.origin), f"HEAD:refs/pull/{pr}/head")
    git(course.work, "checkout", "-q", "main")
    return head


def labels(fake: FakeGitHub, pr: int) -> set[str]:
    return set(fake.issue_labels[pr])


# -- a force-push right after an on-time push ------------------------------------------------

def test_a_force_push_after_an_on_time_push_cannot_make_the_file_late(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head1 = course.push(31, {PROPOSAL: proposal(2)})
    fake.receive_push(31, head1, BEFORE, conclusion="cancelled")
    fake.log_push(head1, BEFORE)
    head2 = force_push(course, 31)  # the identical proposal, in a commit of its own
    fake.receive_push(31, head2, AFTER)
    fake.log_push(head2, AFTER, before=head1, kind="force_push")
    assert head1 != head2
    jobs = run_workflow(course, fake, 31, head2, AFTER)
    assert jobs["publish"].result == "success", debug(jobs)
    prop = file_of(result_of(course), PROPOSAL)
    assert prop["status"] == "on-time" and prop["received_at"].startswith("2024-09-19T23:59:30")
    assert "receipt.unavailable" not in rules(result_of(course))
    assert "on-time" in labels(fake, 31) and "late" not in labels(fake, 31)
    # the check job's clone never had head1 (no ref reaches it): it was fetched by its id


def test_a_commit_github_cannot_serve_makes_the_record_incomplete_never_late(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head = course.push(32, {PROPOSAL: proposal(2)})
    lost = "e" * 40  # a receipt of a commit the origin does not have (GitHub lost it)
    fake.receive_push(32, lost, BEFORE)
    fake.receive_push(32, head, AFTER)
    jobs = run_workflow(course, fake, 32, head, AFTER)
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    [note] = [f for f in result["findings"] if f["rule"] == "receipt.unavailable"]
    assert "could not be fetched" in note["message"] and lost[:12] in note["message"]
    prop = file_of(result, PROPOSAL)
    assert prop["status"] == "unverified" and "deadline.unverified" in [
        f["rule"] for f in prop["findings"]]
    assert not labels(fake, 32) & {"late", "on-time", "not-counted"}


# -- receipts pushed out of the 1,000-run window -----------------------------------------------

def crowd(fake: FakeGitHub, n: int, at: str | None = None) -> None:
    """Another fork's pull request from a branch also named `main`: ``n`` receipt runs,
    all after the victim's first push (or all within the second ``at``)."""
    for i in range(n):
        when = at or f"2024-09-2{1 + i // 1440}T{i // 60 % 24:02d}:{i % 60:02d}:00Z"
        fake.receive_push(99, f"{i + 1:040x}", when, head_branch="main",
                          head_repo="mallory/seminar")


def test_another_forks_runs_cannot_push_the_receipts_out_of_the_window(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    fake.private_forks.add(FORK)  # its push log is out of the workflow token's reach
    head1 = course.push(33, {PROPOSAL: proposal(2)}, branch="main")
    fake.receive_push(33, head1, BEFORE, head_branch="main", head_repo=FORK)
    head2 = course.push(33, {MIDTERM: proposal(2)}, branch="main")
    fake.receive_push(33, head2, AFTER, head_branch="main", head_repo=FORK)
    crowd(fake, 1100)  # newer than both: the newest 1,000 runs of `main` are all mallory's
    # a staff re-run after the window filled
    jobs = run_workflow(course, fake, 33, head2, AFTER, branch="main", head_repo=FORK,
                        opened_at=BEFORE)
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    assert file_of(result, PROPOSAL)["status"] == "on-time"
    assert "receipt.unavailable" not in rules(result)  # the unread fork log changes nothing
    listed = [r for r in fake.log if r.path.endswith("/actions/workflows/receipt.yml/runs")]
    assert len(listed) > 3 and all("created=" in r.query for r in listed)


def test_a_listing_github_truncates_is_reported_and_never_read_as_late(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    fake.private_forks.add(FORK)
    head1 = course.push(34, {PROPOSAL: proposal(2)}, branch="main")
    fake.receive_push(34, head1, BEFORE, head_branch="main", head_repo=FORK)
    head2 = course.push(34, {MIDTERM: proposal(2)}, branch="main")
    fake.receive_push(34, head2, AFTER, head_branch="main", head_repo=FORK)
    crowd(fake, 1001, at="2024-09-21T08:00:00Z")  # more than GitHub lists, in one second
    jobs = run_workflow(course, fake, 34, head2, AFTER, branch="main", head_repo=FORK,
                        opened_at=BEFORE)
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    [note] = [f for f in result["findings"] if f["rule"] == "receipt.unavailable"]
    assert "truncated" in note["message"]
    assert file_of(result, PROPOSAL)["status"] == "unverified"  # never "late"
    assert not labels(fake, 34) & {"late", "on-time"}


def test_the_receipt_listing_is_bounded_and_says_when_it_stops(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeGitHub() as fake:
        for i in range(450):
            fake.receive_push(12, f"{i + 1:040x}", f"2024-09-20T0{i // 60 % 6}:{i % 60:02d}:00Z")
        pull = PullRef("course/seminar", 12, "submission", "course/seminar")
        assert len(read_receipts(fake.url, ACTIONS_TOKEN, pull)) == 450  # 5 pages
        monkeypatch.setattr(receipts, "MAX_REQUESTS", 4)
        with pytest.raises(ReceiptsUnavailable, match="truncated"):
            read_receipts(fake.url, ACTIONS_TOKEN, pull)


# -- a push while the pull request has a merge conflict ------------------------------------------

@pytest.mark.parametrize("head_repo", ["course/seminar", FORK], ids=["branch", "public-fork"])
def test_a_push_while_the_pr_has_a_merge_conflict_is_received(
        env: tuple[Course, FakeGitHub], head_repo: str) -> None:  # noqa: F811
    course, fake = env
    head1 = course.push(35, {PROPOSAL: proposal(2)})
    # GitHub runs no pull_request workflow while the PR cannot be merged: no receipt run;
    # the push is in the head repository's push log all the same
    fake.log_push(head1, BEFORE, repo=head_repo)
    head2 = course.push(35, {MIDTERM: proposal(2)})
    fake.receive_push(35, head2, AFTER, head_repo=head_repo)
    fake.log_push(head2, AFTER, repo=head_repo)
    jobs = run_workflow(course, fake, 35, head2, AFTER, head_repo=head_repo, opened_at=BEFORE)
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    prop = file_of(result, PROPOSAL)
    assert prop["status"] == "on-time" and prop["received_at"].startswith("2024-09-19T23:59:30")
    assert "receipt.unavailable" not in rules(result)
    asked = {r.path for r in fake.log if r.path.endswith("/activity")}
    assert asked == {f"/repos/{head_repo}/activity"}


def test_a_private_forks_conflicted_push_is_unverified_never_late(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    """The workflow's token cannot read a private fork's push log. A commit no receipt names
    may have been received on its own while the PR had a conflict: the file it holds is not
    late on the receipts' word (staff settle it with `gradebook --recheck`)."""
    course, fake = env
    fake.private_forks.add(FORK)
    head1 = course.push(36, {PROPOSAL: proposal(2)})  # no receipt: the PR had a conflict
    head2 = course.push(36, {MIDTERM: proposal(2)})
    fake.receive_push(36, head2, AFTER, head_repo=FORK)
    jobs = run_workflow(course, fake, 36, head2, AFTER, head_repo=FORK, opened_at=BEFORE)
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    assert head1 != head2 and file_of(result, PROPOSAL)["status"] == "unverified"
    [note] = [f for f in result["findings"] if f["rule"] == "receipt.unavailable"]
    assert f"the push log of {FORK}" in note["message"] and "HTTP 404" in note["message"]
    assert "late" not in labels(fake, 36) and "on-time" not in labels(fake, 36)


def test_the_same_private_fork_with_one_push_per_commit_is_late_on_the_receipts_word(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    fake.private_forks.add(FORK)
    head1 = course.push(37, {MIDTERM: proposal(2)})
    fake.receive_push(37, head1, BEFORE, head_repo=FORK)
    head2 = course.push(37, {PROPOSAL: proposal(2)})
    fake.receive_push(37, head2, AFTER, head_repo=FORK)
    jobs = run_workflow(course, fake, 37, head2, AFTER, head_repo=FORK, opened_at=BEFORE)
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    assert file_of(result, PROPOSAL)["status"] == "late"  # every commit holding it has a receipt
    assert "receipt.unavailable" not in rules(result)
    assert "late" in labels(fake, 37)


# -- a receipt run deleted (write access) --------------------------------------------------------

def test_a_deleted_receipt_run_is_still_in_the_push_log(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head1 = course.push(38, {PROPOSAL: proposal(2)})
    run = fake.receive_push(38, head1, BEFORE)
    fake.log_push(head1, BEFORE)
    head2 = course.push(38, {MIDTERM: proposal(2)})
    fake.receive_push(38, head2, AFTER)
    fake.log_push(head2, AFTER)
    del fake.runs[run["id"]]  # DELETE /actions/runs/{id} by someone with write access
    jobs = run_workflow(course, fake, 38, head2, AFTER)
    assert jobs["publish"].result == "success", debug(jobs)
    assert file_of(result_of(course), PROPOSAL)["status"] == "on-time"


# -- the base branch picks the rules -------------------------------------------------------------

def test_a_pr_into_another_branch_is_judged_by_the_default_branch_and_counts_for_nothing(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    # a staff draft branch with looser rules: 5 pages, due a year later
    git(course.work, "checkout", "-q", "-b", "draft")
    schedule = (course.work / "schedule.yaml").read_text()
    loose = schedule.replace('due: "2024-09-19 23:59:59"\n    pages: {max: 2,',
                             'due: "2025-09-19 23:59:59"\n    pages: {max: 5,')
    assert loose != schedule
    course.write("schedule.yaml", loose)
    git(course.work, "commit", "-qam", "draft rules")
    draft = git(course.work, "rev-parse", "HEAD")
    git(course.work, "push", "-q", str(course.origin), "draft")
    git(course.work, "checkout", "-q", "-b", "pr39", "draft")
    course.write(PROPOSAL, proposal(3))
    git(course.work, "add", "-A")
    git(course.work, "commit", "-qm", "submit")
    head = git(course.work, "rev-parse", "HEAD")
    git(course.work, "push", "-q", str(course.origin), "HEAD:refs/pull/39/head")
    git(course.work, "checkout", "-q", "main")
    fake.receive_push(39, head, AFTER)
    base_sha, course.base = course.base, draft  # the event names the draft branch's commit
    try:
        jobs = run_workflow(course, fake, 39, head, AFTER, base_ref="draft")
    finally:
        course.base = base_sha
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    assert rules(result)[0] == "pr.wrong-base" and result["verdict"] == "fail"
    prop = file_of(result, PROPOSAL)
    # judged by main's rules (2 pages, due 2024-09-19), not the draft branch's
    assert prop["status"] == "late"
    assert "pages.too-many" in [f["rule"] for f in prop["findings"]]
    assert labels(fake, 39) == {"needs-fix"}  # no on-time, no checks-passed, no group
    assert check_run(fake, head)["conclusion"] == "failure"


# -- labels that could be stale --------------------------------------------------------------------

def test_claims_of_an_older_head_go_when_publish_never_runs_for_the_new_one(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head1 = course.push(40, {PROPOSAL: proposal(2)})
    fake.receive_push(40, head1, BEFORE)
    jobs = run_workflow(course, fake, 40, head1, BEFORE, action="opened")
    assert jobs["publish"].result == "success", debug(jobs)
    assert labels(fake, 40) >= CLAIMS
    head2 = course.push(40, {PROPOSAL: proposal(3)})  # 3 pages, after the deadline
    fake.receive_push(40, head2, AFTER)
    jobs = run_workflow(course, fake, 40, head2, AFTER, never={"publish"})
    assert jobs["publish"].result == "cancelled" and jobs["withdraw"].result == "success"
    assert not labels(fake, 40) & CLAIMS, labels(fake, 40)
    assert {"deliverable: proposal", "group: g10"} <= labels(fake, 40)  # not claims: kept
    # the record says so too: the head moved since the last completed check
    # a re-run of the old push's run withdraws nothing (the head it is for is not current)
    fake.issue_labels[40].append("checks-passed")
    jobs = run_workflow(course, fake, 40, head1, BEFORE, current_head=head2, never={"publish"})
    assert "nothing stale" in jobs["withdraw"].stdout and "checks-passed" in labels(fake, 40)


def test_a_run_for_the_head_already_confirmed_withdraws_nothing(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head = course.push(41, {PROPOSAL: proposal(2)})
    fake.receive_push(41, head, BEFORE)
    run_workflow(course, fake, 41, head, BEFORE, action="opened")
    assert labels(fake, 41) >= CLAIMS
    jobs = run_workflow(course, fake, 41, head, BEFORE, never={"publish"})  # a re-run
    assert "nothing stale" in jobs["withdraw"].stdout and labels(fake, 41) >= CLAIMS


# -- a fork's own `submission-checker` job ------------------------------------------------------

@pytest.fixture
def staff_env(tmp_path: Path) -> Iterator[tuple[Course, FakeGitHub]]:
    """The e2e course, served by the fake that also lists pull requests and comments."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "staff"))
    from fake_course_github import EXAMPLES, CourseGitHub

    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus not found")
    with CourseGitHub() as fake:
        yield Course(tmp_path), fake


def test_a_fork_jobs_green_submission_checker_does_not_change_the_record(
        staff_env: tuple[Course, FakeGitHub], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    course, fake = staff_env
    head = course.push(42, {PROPOSAL: proposal(3)}, branch="main")
    fake.receive_push(42, head, BEFORE, head_branch="main", head_repo=FORK)
    jobs = run_workflow(course, fake, 42, head, BEFORE, branch="main", head_repo=FORK,
                        action="opened")
    assert jobs["publish"].result == "success", debug(jobs)
    assert check_run(fake, head)["conclusion"] == "failure"
    # the fork's added workflow: a job named submission-checker finishes later, green; its
    # check run comes from the same GitHub Actions app (what the merge gate cannot tell apart)
    impostor = impostor_check_run(fake, head)
    assert check_run(fake, head)["id"] == impostor["id"]
    assert impostor["app"]["id"] == fake.check_runs_on(head)[0]["app"]["id"]
    # the record is not fooled: labels, comment and gradebook still say needs-fix
    assert labels(fake, 42) >= {"needs-fix"} and "checks-passed" not in labels(fake, 42)
    row = gradebook_row(fake, course, tmp_path, monkeypatch, "proposal", "g10")
    assert (row["status"], row["pr"]) == ("needs-fix", 42)


def impostor_check_run(fake: FakeGitHub, sha: str) -> dict[str, Any]:
    import urllib.request

    body = json.dumps({"name": "submission-checker", "head_sha": sha, "status": "completed",
                       "conclusion": "success",
                       "output": {"title": "All checks passed", "summary": "ok"}}).encode()
    req = urllib.request.Request(f"{fake.url}/repos/course/seminar/check-runs", data=body,
                                 method="POST",
                                 headers={"Authorization": f"token {ACTIONS_TOKEN}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        run: dict[str, Any] = json.loads(resp.read())
    return run


def gradebook_row(fake: FakeGitHub, course: Course, tmp: Path, monkeypatch: pytest.MonkeyPatch,
                  deliverable: str, group: str) -> dict[str, Any]:
    from checker.cli import main

    monkeypatch.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    out = tmp / "gb.json"
    assert main(["gradebook", "--repo", "course/seminar", "--root", str(course.work),
                 "--format", "json", "--output", str(out), "--now",
                 "2024-11-01T00:00:00Z"]) == 0
    [row] = [r for r in json.loads(out.read_text())["rows"]
             if r["deliverable"] == deliverable and r["group"] == group]
    return row
