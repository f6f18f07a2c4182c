"""Receipts: every push counts at the time GitHub received it (receipt.yml + `check`).

The fake GitHub serves the receipt workflow's runs exactly as GitHub's REST API lists workflow
runs (shape checked against GitHub's schema, newest first, filters, Link pagination); the
submission workflow's steps run as written through the workflow harness.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_github import ACTIONS_TOKEN, FakeGitHub
from gh_schemas import errors
from test_gh_e2e import (
    PROPOSAL,
    REPO,
    WORKFLOW,
    Course,
    bot_comment,
    debug,
    env,  # noqa: F401  (fixture)
    event,
    git,
    proposal,
    run_workflow,
)
from test_gh_workflows import load

from checker.github import sources
from checker.github.receipts import PullRef, ReceiptsUnavailable, read_receipts

RECEIPT = WORKFLOW.parent / "receipt.yml"
MIDTERM = "submissions/g10/midterm.pdf"  # due 2024-10-22
BEFORE = "2024-09-20T03:59:30Z"  # 23:59:30 in Detroit; the proposal is due 23:59:59
AFTER = "2024-09-20T04:00:20Z"  # 00:00:20 the next day
PULL = PullRef(REPO, 12, "submission", REPO)


def result_of(course: Course) -> dict[str, Any]:
    runs = sorted(course.tmp.glob("run-*"), key=lambda p: int(p.name.split("-")[1]))
    data: dict[str, Any] = json.loads(
        (runs[-1] / "artifacts" / "check-result" / "result.json").read_text())
    return data


def file_of(result: dict[str, Any], path: str) -> dict[str, Any]:
    [f] = [f for f in result["files"] if f["path"] == path]
    return f


def rules(result: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in result["findings"]]


# -- the workflow --------------------------------------------------------------------------

def test_receipt_workflow_runs_nothing_from_the_pull_request() -> None:
    wf = load(RECEIPT)
    assert wf["on"] == {"pull_request": {"types": ["opened", "synchronize", "reopened"]}}
    assert wf["permissions"] == {}
    assert wf["concurrency"] == {"group": "receipt-${{ github.run_id }}",
                                 "cancel-in-progress": False}  # never a shared group
    [job] = wf["jobs"].values()
    assert job["permissions"] == {}
    [step] = job["steps"]
    assert "uses" not in step and "${{" not in step["run"] and "env" not in step
    check = load(WORKFLOW)["jobs"]["check"]
    assert check["permissions"]["actions"] == "read"


def test_only_the_receipts_step_holds_the_token_not_the_step_that_parses_files() -> None:
    """The check step parses submitted files, so it gets the receipts as a file and no token:
    a parser taken over by a hostile file finds none in its environment or its parent's."""
    steps = load(WORKFLOW)["jobs"]["check"]["steps"]
    [check] = [s for s in steps if "checker check" in s.get("run", "")]
    [receipts] = [s for s in steps if "checker receipts" in s.get("run", "")]
    assert "github.token" not in json.dumps(check) and "TOKEN" not in json.dumps(check)
    assert '--receipts "$RUNNER_TEMP/receipts.json"' in check["run"]
    assert receipts["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    assert steps.index(receipts) < steps.index(check)


def test_a_receipts_file_round_trips_and_a_tampered_one_is_unavailable(
        fake: FakeGitHub) -> None:
    for i in range(3):
        fake.receive_push(12, f"{i + 10:040x}", f"2024-09-20T0{i}:00:00Z")
        fake.log_push(f"{i + 10:040x}", f"2024-09-20T0{i}:00:00Z")
    got = sources.gather(fake.url, ACTIONS_TOKEN, PULL)
    assert len(got.receipts) == len(got.pushes) == 3 and got.problems == []
    assert sources.load(sources.dump(got)) == got
    down = sources.Sources(problems=["the receipt runs: GitHub answered HTTP 503"])
    assert sources.load(sources.dump(down)) == down and not down.receipts_complete
    good = json.loads(sources.dump(got))
    for bad in ("not json", "[]", json.dumps({"receipts": {}}),
                json.dumps({**good, "receipts": [{**good["receipts"][0], "head_sha": "HEAD"}]}),
                json.dumps({**good, "receipts": [{**good["receipts"][0],
                                                  "received_at": "2024-09-20 03:00"}]}),
                json.dumps({**good, "receipts": [{**good["receipts"][0], "run_id": True}]}),
                json.dumps({**good, "pushes": [{**good["pushes"][0], "head_sha": "x"}]})):
        broken = sources.load(bad)  # nothing of it is used, and it says so
        assert broken.receipts == broken.pushes == [] and not broken.receipts_complete


# -- reading receipts ----------------------------------------------------------------------

@pytest.fixture
def fake() -> Any:
    with FakeGitHub() as f:
        yield f


def test_runs_are_served_in_githubs_shape_and_paginated(fake: FakeGitHub) -> None:
    for i in range(250):
        fake.receive_push(12, f"{i:040x}", f"2024-09-20T{i // 60:02d}:{i % 60:02d}:00Z",
                          conclusion=random.Random(i).choice(
                              ["success", "cancelled", "failure", "action_required", None]))
    import urllib.request

    req = urllib.request.Request(
        f"{fake.url}/repos/{REPO}/actions/workflows/receipt.yml/runs?event=pull_request"
        "&branch=submission&per_page=100", headers={"Authorization": f"Bearer {ACTIONS_TOKEN}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        page = json.loads(resp.read())
        link = resp.headers["Link"]
    assert page["total_count"] == 250 and len(page["workflow_runs"]) == 100
    assert 'rel="next"' in link and "page=2" in link and "branch=submission" in link
    for run in page["workflow_runs"][:5]:
        assert errors("workflow-run", run) == []
    fake.clear_log()
    got = read_receipts(fake.url, ACTIONS_TOKEN, PULL)
    assert len(got) == 250  # three pages, every run, whatever its conclusion
    assert [r.received_at for r in got] == sorted(r.received_at for r in got)
    assert sum(1 for r in fake.requests("GET") if "/actions/workflows/" in r.path) == 3


def test_only_this_pull_requests_runs_are_receipts(fake: FakeGitHub) -> None:
    mine = fake.receive_push(12, "a" * 40, AFTER)
    fake.receive_push(13, "b" * 40, BEFORE, head_repo="mallory/seminar")  # a fork, same branch
    fake.receive_push(14, "c" * 40, BEFORE, head_branch="other")  # another branch
    other = fake.receive_push(15, "d" * 40, BEFORE)  # same branch, GitHub says: PR 15
    fake.receive_push(12, "e" * 40, BEFORE, event="push")  # not a pull_request run
    fake.receive_push(12, "f" * 40, BEFORE, workflow="tests.yml")  # another workflow
    assert other["pull_requests"][0]["number"] == 15
    got = read_receipts(fake.url, ACTIONS_TOKEN, PULL)
    assert [(r.head_sha, r.run_id) for r in got] == [("a" * 40, mine["id"])]
    fork = read_receipts(fake.url, ACTIONS_TOKEN, PullRef(REPO, 13, "submission",
                                                          "mallory/seminar"))
    assert [r.head_sha for r in fork] == ["b" * 40]


@pytest.mark.parametrize("status", [503, 403, 404, 200])
def test_unreadable_receipts_raise_one_error(fake: FakeGitHub, status: int) -> None:
    fake.receive_push(12, "a" * 40, AFTER)
    fake.inject("GET", r".*/actions/.*", status, message="nope", times=10)
    with pytest.raises(ReceiptsUnavailable):  # 200 here: an answer without workflow_runs
        read_receipts(fake.url, ACTIONS_TOKEN, PULL)


def test_unreachable_api_is_unavailable() -> None:
    with pytest.raises(ReceiptsUnavailable, match="could not be reached"):
        read_receipts("http://127.0.0.1:9", ACTIONS_TOKEN, PULL)


# -- through the submission workflow -------------------------------------------------------

def test_cancelled_run_before_the_deadline_keeps_the_unchanged_file_on_time(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head1 = course.push(12, {PROPOSAL: proposal(2)})
    fake.receive_push(12, head1, BEFORE, conclusion="cancelled")  # its check never ran
    head2 = course.push(12, {MIDTERM: proposal(2)})
    fake.receive_push(12, head2, AFTER)
    jobs = run_workflow(course, fake, 12, head2, AFTER)
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    prop, mid = file_of(result, PROPOSAL), file_of(result, MIDTERM)
    assert prop["status"] == "on-time" and prop["late_seconds"] == 0, prop
    assert prop["received_at"].startswith("2024-09-19T23:59:30")  # course time of the receipt
    assert mid["received_at"].startswith("2024-09-20T00:00:20")
    assert "late" not in fake.issue_labels[12]
    assert "receipt.unavailable" not in rules(result)
    # the check job asked for this PR's receipt runs, with its read-only token
    [req] = [r for r in fake.log if r.path.endswith("/actions/workflows/receipt.yml/runs")]
    assert "branch=submission" in req.query and req.user is not None


def test_file_changed_in_the_later_push_is_late(env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head1 = course.push(12, {PROPOSAL: proposal(2)})
    fake.receive_push(12, head1, BEFORE, conclusion="cancelled")
    head2 = course.push(12, {PROPOSAL: proposal(1)})  # new content after the deadline
    fake.receive_push(12, head2, AFTER)
    run_workflow(course, fake, 12, head2, AFTER)
    prop = file_of(result_of(course), PROPOSAL)
    assert prop["status"] == "late" and prop["late_seconds"] == 21, prop
    assert "late" in fake.issue_labels[12]


def test_another_prs_or_forks_receipt_lends_no_time(env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head = course.push(12, {PROPOSAL: proposal(2)})
    # the very same commit reached GitHub before the deadline, but in other pull requests
    fake.receive_push(13, head, BEFORE, head_repo="mallory/seminar")  # a fork's "submission"
    fake.receive_push(14, head, BEFORE, head_branch="copy")  # another branch of this repo
    fake.receive_push(15, head, BEFORE)  # same branch name, but GitHub lists PR 15
    fake.receive_push(12, head, AFTER)
    run_workflow(course, fake, 12, head, AFTER)
    prop = file_of(result_of(course), PROPOSAL)
    assert prop["status"] == "late" and prop["received_at"].startswith("2024-09-20T00:00:20")


def test_fork_receipt_counts_for_its_own_pull_request(env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head1 = course.push(16, {PROPOSAL: proposal(2)})
    # a first-time contributor's fork: the run waits for approval, the receipt still counts
    fake.receive_push(16, head1, BEFORE, head_repo="ada-lovelace/seminar",
                      conclusion="action_required")
    head2 = course.push(16, {MIDTERM: proposal(2)})
    fake.receive_push(16, head2, AFTER, head_repo="ada-lovelace/seminar")
    run_workflow(course, fake, 16, head2, AFTER, head_repo="ada-lovelace/seminar")
    assert file_of(result_of(course), PROPOSAL)["status"] == "on-time"


def test_outage_is_noted_and_the_comments_record_still_counts(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head1 = course.push(17, {PROPOSAL: proposal(2)})
    fake.receive_push(17, head1, BEFORE)
    jobs = run_workflow(course, fake, 17, head1, BEFORE, action="opened")
    assert jobs["publish"].result == "success", debug(jobs)
    head2 = course.push(17, {MIDTERM: proposal(2)})
    fake.receive_push(17, head2, AFTER)
    fake.inject("GET", r".*/actions/workflows/.*", 503, message="Service Unavailable",
                times=100)
    jobs = run_workflow(course, fake, 17, head2, AFTER)
    assert jobs["publish"].result == "success", debug(jobs)
    result = result_of(course)
    assert "receipt.unavailable" in rules(result)
    [note] = [f for f in result["findings"] if f["rule"] == "receipt.unavailable"]
    assert note["severity"] == "info" and "HTTP 503" in note["message"]
    # the check alone dates it from this push, by a record it could not read: never late
    # (unverified); publish's ledger (its own cache) moves it back to the first push
    assert file_of(result, PROPOSAL)["status"] == "unverified"
    assert "late" not in fake.issue_labels[17], fake.issue_labels[17]
    assert "first pushed 2024\\-09\\-20T03\\:59\\:30Z" in bot_comment(fake, 17)["body"]


def test_forged_commit_dates_change_nothing(env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head = course.push(18, {PROPOSAL: proposal(2)}, date="2024-09-01T12:00:00+00:00")
    fake.receive_push(18, head, AFTER)  # head_commit.timestamp in the run says 1999, too
    run_workflow(course, fake, 18, head, AFTER)
    assert file_of(result_of(course), PROPOSAL)["status"] == "late"


# -- many pushes ---------------------------------------------------------------------------

PUSHES = 300


def test_hundreds_of_pushes_with_cancelled_runs_lose_none(tmp_path: Path) -> None:
    """Random pushes (edits, reverts, force-pushes); most checker runs cancelled; one check."""
    rng = random.Random(8)
    course = Course(tmp_path)
    paths = [PROPOSAL, MIDTERM, *(f"submissions/g10/notes/n{i}.txt" for i in range(6))]
    contents = [b"v%d\n" % i for i in range(12)]
    with FakeGitHub() as fake:
        git(course.work, "checkout", "-q", "-b", "pr20", course.base)
        history: list[tuple[str, str, dict[str, bytes]]] = []  # commit, time, tree
        received: list[tuple[str, str, dict[str, bytes]]] = []  # every push, rewritten too
        completed: set[str] = set()  # pushes whose own check run completed (and published)
        tree: dict[str, bytes] = {}
        cancelled = 0
        for i in range(PUSHES):
            forced = False
            if history and rng.random() < 0.05:  # force-push: the last push is rewritten
                git(course.work, "reset", "-q", "--hard", "HEAD~1")
                history.pop()
                tree = dict(history[-1][2]) if history else {}
                forced = True
            for path in rng.sample(paths, rng.randint(1, 3)):
                tree[path] = rng.choice(contents)  # sometimes back to an earlier content
                course.write(path, tree[path])
            git(course.work, "add", "-A")
            git(course.work, "commit", "-q", "--allow-empty", "-m", f"push {i}",
                env={"GIT_COMMITTER_DATE": "2030-01-01T00:00:00Z",
                     "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z"})  # forged, both ways
            head = git(course.work, "rev-parse", "HEAD")
            at = f"2024-09-{10 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z"
            outcome = rng.choice(["cancelled"] * 6 + ["success", "failure", "action_required"])
            cancelled += outcome == "cancelled"
            if outcome != "cancelled":
                completed.add(head)
            fake.receive_push(20, head, at, conclusion=outcome)
            fake.log_push(head, at, kind="force_push" if forced else None)
            # GitHub has the commit from now on, even once a force-push takes it off the branch
            git(course.work, "push", "-q", "-f", str(course.origin), "HEAD:refs/pull/20/head")
            history.append((head, at, dict(tree)))
            received.append((head, at, dict(tree)))
        # what a careful record says: each file from the first push with its content, a push a
        # force-push later rewrote included (its commit is fetched by id)
        expected: dict[str, str] = {}
        ledger: dict[str, str | None] = {}  # what the comment's record alone would say
        surviving: dict[str, str] = {}  # what the head's history alone would say
        for path, data in tree.items():
            expected[path] = next(at for _, at, t in received if t.get(path) == data)
            surviving[path] = next(at for _, at, t in history if t.get(path) == data)
            ledger[path] = next((at for c, at, t in history
                                 if t.get(path) == data and c in completed), None)
        # the check job's view: a fresh clone with only the PR head fetched (commits dropped by a
        # force-push are not in it; --no-local: no copy of the origin's unreachable objects):
        # the check fetches each commit the record names by its id
        ci = tmp_path / "ci"
        git(tmp_path, "clone", "-q", "--no-local", "-b", "main", str(course.origin), str(ci))
        git(ci, "fetch", "-q", "origin", "+refs/pull/20/head:refs/remotes/pull/head")
        payload = event(course, 20, head, history[-1][1])
        (tmp_path / "event.json").write_text(json.dumps(payload))
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "checker", "check", "--root", str(ci),
             "--event",
             str(tmp_path / "event.json"), "--base", course.base, "--head", head,
             "--format", "json"], capture_output=True, text=True, timeout=300,
            env={**os.environ, "GITHUB_TOKEN": ACTIONS_TOKEN, "GITHUB_API_URL": fake.url,
                 "GITHUB_REPOSITORY": REPO})
        assert proc.returncode in (0, 1), proc.stderr
        result = json.loads(proc.stdout)
        # the receipts are read without the GitHub client: the check's install set has none
        imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                    if line.startswith("import time:")}
        assert "checker.github.receipts" in imported and "github" not in imported
    got = {f["path"]: f["received_at"] for f in result["files"]}
    from checker.timeutil import parse_instant

    lost = [p for p in expected if parse_instant(got[p]) != parse_instant(expected[p])]
    print(f"\nreceipts: {PUSHES} pushes ({PUSHES - len(history)} rewritten by force-pushes, "
          f"{cancelled} with their check run cancelled), {len(expected)} files dated, "
          f"{len(lost)} lost; the comment's record alone would date "
          f"{sum(1 for p in expected if ledger[p] != expected[p])} of them later, the head's "
          f"history alone {sum(1 for p in expected if surviving[p] != expected[p])}")
    assert len(history) > 250 and cancelled > 150
    assert lost == [], {p: (got[p], expected[p]) for p in lost}
    assert "receipt.unavailable" not in rules(result)


# -- staff re-run after a schedule change --------------------------------------------------

def test_staff_rerun_after_an_extension_uses_the_base_branch_now_and_the_same_receipts(
        env: tuple[Course, FakeGitHub]) -> None:  # noqa: F811
    course, fake = env
    head = course.push(21, {PROPOSAL: proposal(2)})
    fake.receive_push(21, head, AFTER)  # 21 s after the deadline
    jobs = run_workflow(course, fake, 21, head, AFTER)
    assert jobs["publish"].result == "success", debug(jobs)
    first = file_of(result_of(course), PROPOSAL)
    assert first["status"] == "late" and "late" in fake.issue_labels[21]
    # staff grant g10 an extension on main after the push; the event still names the old base
    old_base = course.base
    schedule = (course.work / "schedule.yaml").read_text()
    assert "\nextensions: []\n" in schedule
    granted = "\nextensions:\n  - {deliverable: proposal, group: g10, extra: 1h}\n"
    course.write("schedule.yaml", schedule.replace("\nextensions: []\n", granted))
    git(course.work, "commit", "-qam", "extension for g10")
    git(course.work, "push", "-q", str(course.origin), "main")
    assert course.base == old_base  # the re-run replays the original event payload
    jobs = run_workflow(course, fake, 21, head, AFTER)
    assert jobs["publish"].result == "success", debug(jobs)
    again = file_of(result_of(course), PROPOSAL)
    assert again["status"] == "on-time", again
    assert again["received_at"] == first["received_at"]  # the original receipt time
    assert again["due"] != first["due"]
    assert "late" not in fake.issue_labels[21]


# -- a file changed after the deadline: staff see the last on-time version too ---------------

def test_late_change_keeps_the_last_on_time_version_for_staff(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "staff"))
    from fake_course_github import CourseGitHub

    from checker.cli import main

    course = Course(tmp_path)
    with CourseGitHub() as fake:
        head1 = course.push(22, {PROPOSAL: proposal(2)})
        fake.receive_push(22, head1, "2024-09-19T20:00:00Z")
        head_mid = course.push(22, {PROPOSAL: proposal(1)})  # a second version, still on time
        fake.receive_push(22, head_mid, BEFORE, conclusion="cancelled")
        head2 = course.push(22, {PROPOSAL: proposal(2) + b"\n%late edit\n"})
        fake.receive_push(22, head2, AFTER)
        jobs = run_workflow(course, fake, 22, head2, AFTER)
        assert jobs["publish"].result == "success", debug(jobs)
        prop = file_of(result_of(course), PROPOSAL)
        assert prop["status"] == "late"
        earlier = prop["on_time_version"]
        assert earlier["commit"] == head_mid  # the last version received by the deadline
        assert earlier["received_at"].startswith("2024-09-20T03:59:30")
        assert earlier["blob_sha"] == git(course.work, "rev-parse", f"{head_mid}:{PROPOSAL}")
        # the group is told plainly which version is graded, by its commit
        [note] = [x for x in prop["findings"] if x["rule"] == "deadline.on-time-version"]
        assert f"commit {head_mid[:12]}" in note["message"]
        assert "is the one graded" in note["message"] and note["severity"] == "info"

        monkeypatch.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        out = tmp_path / "gb.json"
        assert main(["gradebook", "--repo", REPO, "--root", str(course.work), "--format",
                     "json", "--output", str(out), "--now", "2024-11-01T00:00:00Z"]) == 0
        [row] = [r for r in json.loads(out.read_text())["rows"]
                 if r["deliverable"] == "proposal" and r["group"] == "g10"]
        assert (row["status"], row["pr"], row["head_sha"]) == ("late", 22, head2)
        assert row["on_time_commit"] == head_mid
        assert row["on_time_at"].startswith("2024-09-19T23:59:30")  # course time
        assert row["submitted_at"].startswith("2024-09-20T00:00:20")  # the late version


def test_a_workflow_github_does_not_know_falls_back_to_the_repositorys_runs(
        fake: FakeGitHub) -> None:
    """GitHub answers 404 for receipt.yml before it is on the default branch: the
    repository's runs are listed instead, and only receipt.yml's count."""
    mine = fake.receive_push(12, "a" * 40, AFTER)
    fake.receive_push(12, "f" * 40, BEFORE, workflow="tests.yml")
    fake.inject("GET", r".*/actions/workflows/receipt\.yml/runs", 404, message="Not Found")
    got = read_receipts(fake.url, ACTIONS_TOKEN, PULL)
    assert [r.run_id for r in got] == [mine["id"]]
    assert [r.path for r in fake.requests("GET")] == [
        f"/repos/{REPO}/actions/workflows/receipt.yml/runs", f"/repos/{REPO}/actions/runs"]
