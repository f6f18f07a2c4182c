"""End to end: the submission workflow's steps, as written in the YAML, against the fake GitHub.

Each test builds a course repository (this project's checker, schedule.yaml and workflows on
``main``), pushes a pull request head to ``refs/pull/N/head`` of a bare "origin", builds the
event payload from a real webhook example, and runs both jobs with ``workflow_harness``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_github import ACTIONS_TOKEN, BOT_LOGIN, EXAMPLES, FakeGitHub
from gh_schemas import nullable_to_type_null
from jsonschema import Draft7Validator
from workflow_harness import JobRun, Runner

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from core.course_repo import (  # noqa: E402
    GROUPS,
    SHIPPED_SCHEDULE,
    group_yaml,
    pdf_bytes,
    write_file,
)

WEBHOOKS = ROOT.parent / "shared" / "corpus" / "webhooks" / "examples" / "pull_request"
WORKFLOW = ROOT / ".github" / "workflows" / "submission.yml"
REPO = "course/seminar"
PROPOSAL = "submissions/g10/proposal.pdf"
ON_TIME = "2024-09-19T20:00:00Z"  # the proposal is due 2024-09-19 23:59:59 America/Detroit
LATE = "2024-09-21T12:00:00Z"
CANARY = Path("/tmp/submission-checker-e2e-pwned")


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}).stdout.strip()


def proposal(pages: int = 2) -> bytes:
    members = [f"{name} {login}@umich.edu" for login, name in GROUPS["g10"]]
    return pdf_bytes(pages, ["Project proposal", *members])


class Course:
    """A course repository with a bare origin, and pull requests pushed to it."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.work = tmp / "course"
        self.origin = tmp / "origin.git"
        self.work.mkdir()
        for item in ("checker", "requirements", ".github", "pyproject.toml"):
            src = ROOT / item
            if src.is_dir():
                shutil.copytree(src, self.work / item,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(src, self.work / item)
        shutil.copy(SHIPPED_SCHEDULE, self.work / "schedule.yaml")
        for group, members in GROUPS.items():
            self.write(f"submissions/{group}/group.yaml", group_yaml(members))
        git(self.work, "init", "-q", "-b", "main")
        git(self.work, "config", "user.email", "staff@example.invalid")
        git(self.work, "config", "user.name", "Staff")
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", "course")
        self.base = git(self.work, "rev-parse", "HEAD")
        git(tmp, "init", "-q", "--bare", str(self.origin))
        # GitHub serves any commit of the repository by its id, reachable from a ref or not
        git(self.origin, "config", "uploadpack.allowAnySHA1InWant", "true")
        git(self.work, "push", "-q", str(self.origin), "main")

    def write(self, path: str, data: str | bytes) -> None:
        write_file(self.work, path, data)

    def push(self, pr: int, files: dict[str, str | bytes], *, branch: str = "submission",
             date: str | None = None) -> str:
        """Commit ``files`` on the PR branch and push it as refs/pull/<pr>/head."""
        branches = git(self.work, "branch", "--list", f"pr{pr}")
        git(self.work, "checkout", "-q", f"pr{pr}" if branches else "-b", *(
            [] if branches else [f"pr{pr}", self.base]))
        for path, data in files.items():
            self.write(path, data)
        git(self.work, "add", "-A")
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        git(self.work, "commit", "-q", "-m", "submit", env=env)
        head = git(self.work, "rev-parse", "HEAD")
        git(self.work, "push", "-q", "-f", str(self.origin), f"HEAD:refs/pull/{pr}/head")
        git(self.work, "checkout", "-q", "main")
        return head


def event(course: Course, pr: int, head: str, updated_at: str, *, action: str = "synchronize",
          author: str = "ada-lovelace", branch: str = "submission",
          title: str = "Proposal for g10", head_repo: str = REPO,
          base_ref: str = "main", opened_at: str | None = None) -> dict[str, Any]:
    name = "opened.payload.json" if action == "opened" else "synchronize.payload.json"
    payload: dict[str, Any] = json.loads((WEBHOOKS / name).read_text())
    pr_obj = payload["pull_request"]
    payload["number"] = pr_obj["number"] = pr
    pr_obj["user"]["login"] = payload["sender"]["login"] = author
    pr_obj["title"] = title
    pr_obj["head"]["sha"], pr_obj["head"]["ref"] = head, branch
    pr_obj["base"]["sha"], pr_obj["base"]["ref"] = course.base, base_ref
    pr_obj["updated_at"] = updated_at
    for side in ("base", "head"):  # the example predates this field of GitHub's schema
        pr_obj[side]["repo"].setdefault("has_discussions", False)
    if action == "opened":
        pr_obj["created_at"] = updated_at
    if opened_at:
        pr_obj["created_at"] = opened_at
    payload["repository"]["full_name"] = pr_obj["base"]["repo"]["full_name"] = REPO
    payload["repository"]["default_branch"] = "main"  # the course's: the only judge
    for side in ("base", "head"):
        pr_obj[side]["repo"]["default_branch"] = "main"
    pr_obj["head"]["repo"]["full_name"] = head_repo  # a branch of the course repo, or a fork
    if action == "synchronize":
        payload["after"] = head
    return payload


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[Course, FakeGitHub]]:
    if not EXAMPLES.is_dir() or not WEBHOOKS.is_dir():
        pytest.skip("../shared/corpus not found")
    with FakeGitHub() as fake:
        yield Course(tmp_path), fake


def run_workflow(course: Course, fake: FakeGitHub, pr: int, head: str, updated_at: str,
                 **kw: Any) -> dict[str, JobRun]:
    extra = kw.pop("extra_env", None)
    variables = kw.pop("variables", None)
    never = frozenset(kw.pop("never", ()))
    current = kw.pop("current_head", None) or head  # the PR's head on GitHub now
    payload = event(course, pr, head, updated_at, **kw)
    if pr not in fake.pulls:
        side = payload["pull_request"]
        fake.add_pull(pr, author=side["user"]["login"], head_sha=head,
                      head_ref=side["head"]["ref"], head_repo=side["head"]["repo"]["full_name"],
                      base_ref=side["base"]["ref"], base_sha=side["base"]["sha"])
        fake.pulls[pr]["created_at"] = side["created_at"]
    fake.pulls[pr]["head"]["sha"] = current
    run_dir = course.tmp / f"run-{len(list(course.tmp.glob('run-*')))}"
    run_dir.mkdir()
    runner = Runner(WORKFLOW, origin=course.origin, event=payload,
                    event_name="pull_request_target", api_url=fake.url, token=ACTIONS_TOKEN,
                    tmp=run_dir, repository=REPO, extra_env=extra, variables=variables,
                    never=never)
    return runner.run()


def bot_comment(fake: FakeGitHub, pr: int) -> dict[str, Any]:
    [c] = [c for c in fake.comments_on(pr) if c["user"]["login"] == BOT_LOGIN]
    return c


def check_run(fake: FakeGitHub, sha: str) -> dict[str, Any]:
    """The newest `submission-checker` check run on ``sha``."""
    return fake.check_runs_on(sha, "submission-checker")[-1]


def debug(jobs: dict[str, JobRun]) -> str:
    return "\n".join(f"[{j}:{s.name}:{s.outcome}]\n{s.stdout[-1500:]}\n{s.stderr[-2500:]}"
                     for j, r in jobs.items() for s in r.steps)


def test_payloads_match_the_webhook_schema(tmp_path: Path) -> None:
    if not WEBHOOKS.is_dir():
        pytest.skip("../shared/corpus not found")
    schema = json.loads((EXAMPLES.parent / "schemas" /
                         "webhook-pull-request-synchronize.deref.schema.json").read_text())
    course = type("C", (), {"base": "b" * 40})()
    payload = event(course, 3, "a" * 40, ON_TIME,  # type: ignore[arg-type]
                    branch="x$(id)", title="`id`")
    errors = [e.message for e in Draft7Validator(nullable_to_type_null(schema))
              .iter_errors(payload)]
    assert errors == []


def test_passing_pr(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    head = course.push(1, {PROPOSAL: proposal(2)})
    jobs = run_workflow(course, fake, 1, head, ON_TIME, action="opened")
    assert jobs["check"].result == "success", debug(jobs)
    assert jobs["publish"].result == "success", debug(jobs)
    run = check_run(fake, head)
    assert (run["conclusion"], run["details_url"]) == (
        "success", "https://github.com/course/seminar/actions/runs/4242")
    assert head not in fake.statuses  # no commit status unless the course asks for it
    assert {"checks-passed", "on-time", "deliverable: proposal", "group: g10"} == set(
        fake.issue_labels[1])
    assert "all checks passed" in bot_comment(fake, 1)["body"]
    assert "Submission check" in jobs["check"].summary  # the job summary


def test_late_pr_and_forged_commit_dates(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    # the commits claim to be from before the deadline; the push reached GitHub after it
    head = course.push(2, {PROPOSAL: proposal(2)}, date="2024-09-01T12:00:00+00:00")
    jobs = run_workflow(course, fake, 2, head, LATE)
    assert jobs["publish"].result == "success", debug(jobs)
    assert "late" in fake.issue_labels[2] and "on-time" not in fake.issue_labels[2]
    assert "late" in check_run(fake, head)["output"]["title"]
    assert "late by" in bot_comment(fake, 2)["body"]


def test_second_push_fixes_it_and_staff_label_stays(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    head1 = course.push(3, {PROPOSAL: proposal(3)})  # over the 2-page limit
    jobs = run_workflow(course, fake, 3, head1, ON_TIME, action="opened")
    # one verdict: the check job is green (the checker worked), the check run is red
    assert jobs["check"].result == "success" and jobs["publish"].result == "success", debug(jobs)
    assert check_run(fake, head1)["conclusion"] == "failure"
    assert "needs-fix" in fake.issue_labels[3]
    first = bot_comment(fake, 3)
    assert "to fix" in first["body"].splitlines()[1]
    assert "::error file=submissions/g10/proposal.pdf" in jobs["check"].stdout  # annotations
    fake.add_label("graded", "000000")
    fake.issue_labels[3].append("graded")

    head2 = course.push(3, {PROPOSAL: proposal(2)})
    jobs = run_workflow(course, fake, 3, head2, "2024-09-19T21:00:00Z")
    assert jobs["publish"].result == "success", debug(jobs)
    again = bot_comment(fake, 3)
    assert again["id"] == first["id"] and "all checks passed" in again["body"]
    assert "needs-fix" not in fake.issue_labels[3]
    assert {"checks-passed", "graded"} <= set(fake.issue_labels[3])
    assert check_run(fake, head2)["conclusion"] == "success"


def test_pr_that_rewrites_the_checker_schedule_and_workflow_still_fails(
        env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    result_py = (course.work / "checker" / "result.py").read_text()
    schedule = (course.work / "schedule.yaml").read_text()
    workflow = WORKFLOW.read_text()
    head = course.push(4, {
        PROPOSAL: proposal(3),
        "checker/result.py": result_py.replace('return "fail" if self.error_count else "pass"',
                                               'return "pass"'),
        "schedule.yaml": schedule.replace("pages: {max: 2, references_count: true}",
                                          "pages: {max: 20}"),
        ".github/workflows/submission.yml": workflow.replace(
            "python -m checker check", "true || python -m checker check"),
    })
    jobs = run_workflow(course, fake, 4, head, ON_TIME)
    assert jobs["check"].result == "success", debug(jobs)  # the checker worked: one verdict
    assert check_run(fake, head)["conclusion"] == "failure"
    body = bot_comment(fake, 4)["body"]
    assert "problems to fix" in body.splitlines()[1]
    assert "schedule\\.yaml" in body and "checker" in body  # changes outside submissions/


def test_shell_metacharacters_in_branch_and_title(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    CANARY.unlink(missing_ok=True)
    nasty = f'x";touch {CANARY};echo "$(touch {CANARY})`touch {CANARY}`'
    head = course.push(5, {PROPOSAL: proposal(2)})
    jobs = run_workflow(course, fake, 5, head, ON_TIME, branch=nasty, title=nasty)
    assert jobs["publish"].result == "success", debug(jobs)
    assert not CANARY.exists()
    assert check_run(fake, head)["conclusion"] == "success"


def test_api_outage_is_never_green(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    head = course.push(6, {PROPOSAL: proposal(2)})
    fake.outage()
    jobs = run_workflow(course, fake, 6, head, ON_TIME,
                        extra_env={"PUBLISH_RETRY_BUDGET": "0"})
    assert jobs["check"].result == "success", debug(jobs)
    publish = jobs["publish"]
    assert publish.result == "failure"
    assert "gave up trying to read the pull request" in publish.steps[-1].stderr
    assert fake.check_runs == {} and fake.comments_on(6) == []


def test_crashed_check_is_an_error_status(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    head = course.push(7, {PROPOSAL: proposal(2)})
    # break the base branch's configuration: the check exits 2
    (course.work / "schedule.yaml").write_text("course: [broken\n")
    git(course.work, "commit", "-qam", "break")
    git(course.work, "push", "-q", str(course.origin), "main")
    course.base = git(course.work, "rev-parse", "HEAD")
    jobs = run_workflow(course, fake, 7, head, ON_TIME)
    assert jobs["check"].result == "failure"
    assert jobs["publish"].result == "failure"
    run = check_run(fake, head)
    assert run["conclusion"] == "failure" and run["output"]["title"].startswith(
        "The checker failed")
    assert "the checker itself failed" in bot_comment(fake, 7)["body"]


def test_needs_fixing_is_one_red_check_with_annotations_on_the_head(
        env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    head = course.push(8, {PROPOSAL: proposal(3)})  # over the 2-page limit
    jobs = run_workflow(course, fake, 8, head, ON_TIME, action="opened")
    # the checker worked: the `check` job is green; the verdict is the one red check run
    assert jobs["check"].result == "success" and jobs["publish"].result == "success", debug(jobs)
    [run] = fake.check_runs_on(head)
    assert (run["name"], run["conclusion"], run["head_sha"]) == (
        "submission-checker", "failure", head)
    assert run["app"]["slug"] == "github-actions"
    notes = fake.check_annotations[run["id"]]
    assert any(n["path"] == PROPOSAL and n["annotation_level"] == "failure"
               and "page" in n["message"] for n in notes), notes
    assert all(n["blob_href"].split("/blob/")[1].startswith(head) for n in notes)
    assert "to fix" in run["output"]["title"] and "Submission check" in run["output"]["summary"]
    assert fake.statuses == {}  # no second, forgeable verdict unless the course asks


def test_course_that_asks_for_the_commit_status_gets_it(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    head = course.push(9, {PROPOSAL: proposal(2)})
    payload_vars = {"SUBMISSION_COMMIT_STATUS": "true"}
    jobs = run_workflow(course, fake, 9, head, ON_TIME, variables=payload_vars)
    assert jobs["publish"].result == "success", debug(jobs)
    assert fake.statuses[head][-1]["state"] == "success"
    assert check_run(fake, head)["conclusion"] == "success"


def test_rerun_for_an_older_head_leaves_the_newer_record_alone(
        env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    old = course.push(10, {PROPOSAL: proposal(3)})  # needs fixing
    run_workflow(course, fake, 10, old, ON_TIME, action="opened")
    new = course.push(10, {PROPOSAL: proposal(2)})  # fixed
    run_workflow(course, fake, 10, new, "2024-09-19T21:00:00Z")
    body, labels = bot_comment(fake, 10)["body"], list(fake.issue_labels[10])
    assert "all checks passed" in body and "checks-passed" in labels
    # staff re-run the first run (its event still names the old head), or it was delayed
    jobs = run_workflow(course, fake, 10, old, ON_TIME, action="opened", current_head=new)
    assert jobs["publish"].result == "success", debug(jobs)
    assert "no longer the head" in jobs["publish"].stdout
    assert bot_comment(fake, 10)["body"] == body and fake.issue_labels[10] == labels
    assert [r["conclusion"] for r in fake.check_runs_on(old)] == ["failure", "failure"]
    assert "no longer the head" in check_run(fake, old)["output"]["summary"]
    assert [r["conclusion"] for r in fake.check_runs_on(new)] == ["success"]


def test_forged_state_in_a_student_comment_lends_no_time(env: tuple[Course, FakeGitHub]) -> None:
    from checker.github import comment as bot

    course, fake = env
    head = course.push(11, {PROPOSAL: proposal(2)})
    blob = git(course.work, "rev-parse", f"{head}:{PROPOSAL}")
    early = {PROPOSAL: {blob: "2024-09-01T00:00:00Z"}}
    fake.add_pull(11, author="ada-lovelace", head_sha=head)
    fake.add_comment(11, bot.compose("### ✅ Submission check: all checks passed", early),
                     "ada-lovelace")  # marker and state block, but not the bot's
    jobs = run_workflow(course, fake, 11, head, LATE)
    assert jobs["publish"].result == "success", debug(jobs)
    assert "late" in fake.issue_labels[11] and "on-time" not in fake.issue_labels[11]
    assert "late by" in bot_comment(fake, 11)["body"]


def test_extension_reason_is_never_published(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    schedule = (course.work / "schedule.yaml").read_text(encoding="utf-8")
    assert "extensions: []" in schedule
    (course.work / "schedule.yaml").write_text(schedule.replace(
        "extensions: []", "extensions:\n  - {deliverable: proposal, group: g10, extra: 3d, "
        'reason: "surgery recovery"}'), encoding="utf-8")
    git(course.work, "commit", "-qam", "extension for g10")
    git(course.work, "push", "-q", str(course.origin), "main")
    course.base = git(course.work, "rev-parse", "HEAD")
    head = course.push(12, {PROPOSAL: proposal(2)})
    jobs = run_workflow(course, fake, 12, head, LATE, variables={
        "SUBMISSION_COMMIT_STATUS": "true"})
    assert jobs["publish"].result == "success", debug(jobs)
    body = bot_comment(fake, 12)["body"]
    assert "extension applied" in body and "on time" in body
    run = check_run(fake, head)
    published = [body, json.dumps(run), json.dumps(fake.check_annotations.get(run["id"], [])),
                 json.dumps(fake.issue_labels[12]), json.dumps(fake.statuses[head]),
                 jobs["check"].summary, jobs["check"].stdout, jobs["publish"].stdout]
    for text in published:
        assert "surgery" not in text.lower()
