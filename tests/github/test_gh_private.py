"""The ``private`` topology end to end: the reusable workflow
(.github/workflows/submission-private.yml), run as a runner runs it for a group repository's
pull request, against the fake GitHub of that repository.

The checker and schedule.yaml come from the course repository named by the repository variable
COURSE_REPOSITORY; the group repository's own files (a schedule.yaml, a checker, an edited
caller workflow on its default branch) change nothing, and without the variable nothing runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_github import ACTIONS_TOKEN, BOT_LOGIN, EXAMPLES, FakeGitHub
from private_course import (
    COURSE_REPO,
    ROOT,
    Repo,
    caller_workflow,
    course_repo,
    group_repo,
    group_repo_name,
    private_schedule,
)
from test_gh_e2e import LATE, ON_TIME, PROPOSAL, WEBHOOKS, debug, event, proposal
from workflow_harness import JobRun, Runner

from checker.staff.records import decode_files

WORKFLOW = ROOT / ".github" / "workflows" / "submission-private.yml"
GROUP = "g10"
REPO = group_repo_name(GROUP)  # course-org/cse585-g10
DECLARATION = ("members:\n"
               "  - {github: ada-lovelace, name: Ada Lovelace, email: ada-lovelace@umich.edu}\n"
               "  - {github: alan-turing, name: Alan Turing, email: alan-turing@umich.edu}\n"
               "  - {github: grace-hopper, name: Grace Hopper, email: grace-hopper@umich.edu}\n")
CANARY_CODE = ('import pathlib\npathlib.Path({path!r}).write_text("the group\'s own checker '
               'ran")\n')


class World:
    def __init__(self, tmp: Path, fake: FakeGitHub) -> None:
        self.tmp, self.fake = tmp, fake
        self.server = tmp / "server"
        self.course = course_repo(self.server, tmp)
        self.group = group_repo(self.server, tmp, GROUP,
                                {f"submissions/{GROUP}/group.yaml": DECLARATION})
        self.repos = {COURSE_REPO: self.course.bare, REPO: self.group.bare}

    def run(self, pr: int, head: str, updated_at: str, *, repo: Repo | None = None,
            variables: dict[str, str] | None = None, author: str = "ada-lovelace"
            ) -> dict[str, JobRun]:
        repo = repo or self.group
        payload = private_event(repo, pr, head, updated_at, author)
        if pr not in self.fake.pulls:
            self.fake.add_pull(pr, author=author, head_sha=head)
        self.fake.pulls[pr]["head"]["sha"] = head
        run_dir = self.tmp / f"run-{len(list(self.tmp.glob('run-*')))}"
        runner = Runner(WORKFLOW, origin=self.course.bare, event=payload,
                        event_name="pull_request_target", api_url=self.fake.url,
                        token=ACTIONS_TOKEN, tmp=run_dir, repository=repo.full_name,
                        variables={"COURSE_REPOSITORY": COURSE_REPO} if variables is None
                        else variables,
                        repositories=self.repos, server_url=f"file://{self.server}")
        return runner.run()


def private_event(repo: Repo, pr: int, head: str, updated_at: str, author: str
                  ) -> dict[str, Any]:
    """The pull_request event GitHub sends the group repository (a real webhook example)."""
    payload = event(repo, pr, head, updated_at, author=author,  # type: ignore[arg-type]
                    title="Proposal", head_repo=repo.full_name)
    payload["repository"]["full_name"] = repo.full_name
    payload["pull_request"]["base"]["repo"]["full_name"] = repo.full_name
    return payload


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    if not EXAMPLES.is_dir() or not WEBHOOKS.is_dir():
        pytest.skip("../shared/corpus not found")
    with FakeGitHub("course-org", "cse585-g10") as fake:
        yield World(tmp_path, fake)


def bot_comment(fake: FakeGitHub, pr: int) -> dict[str, Any]:
    [c] = [c for c in fake.comments_on(pr) if c["user"]["login"] == BOT_LOGIN]
    return c


def verdict(fake: FakeGitHub, pr: int, head: str) -> dict[str, Any]:
    """What the group sees and what staff read back: the check run's conclusion and title,
    the labels, and the record in the bot comment (per file: path, time, errors)."""
    run = fake.check_runs_on(head, "submission-checker")[-1]
    files = decode_files(bot_comment(fake, pr)["body"])
    return {"conclusion": run["conclusion"], "title": run["output"]["title"],
            "labels": sorted(fake.issue_labels[pr]),
            "record": [(f.path, f.submitted_at.isoformat(), f.errors, f.pages)
                       for f in files or ()]}


def test_a_group_pull_request_is_checked_by_the_course_checker(world: World) -> None:
    head = world.group.push(1, {PROPOSAL: proposal(2)})
    jobs = world.run(1, head, ON_TIME)
    assert jobs["check"].result == "success", debug(jobs)
    assert jobs["publish"].result == "success", debug(jobs)
    seen = verdict(world.fake, 1, head)
    assert seen["conclusion"] == "success"
    assert {"checks-passed", "on-time", "deliverable: proposal", "group: g10"} == set(
        seen["labels"])
    assert seen["record"] == [(PROPOSAL, "2024-09-19T20:00:00+00:00", 0, 2)]
    run = world.fake.check_runs_on(head, "submission-checker")[-1]
    assert run["details_url"].endswith(f"/{REPO}/actions/runs/4242")  # the group's own run


def test_a_late_pull_request_is_late_by_the_course_rules(world: World) -> None:
    head = world.group.push(2, {PROPOSAL: proposal(2)}, date="2024-09-01T12:00:00+00:00")
    jobs = world.run(2, head, LATE)
    assert jobs["publish"].result == "success", debug(jobs)
    assert "late" in world.fake.issue_labels[2]


def test_the_groups_own_schedule_checker_and_caller_move_neither_verdict_nor_record(
        tmp_path: Path) -> None:
    """Two group repositories get the same late pull request; one first rewrote, on its own
    default branch, schedule.yaml (a week more for the proposal), the checker (always
    pass) and its caller workflow. Both are judged alike, and nothing of theirs runs."""
    if not EXAMPLES.is_dir() or not WEBHOOKS.is_dir():
        pytest.skip("../shared/corpus not found")
    canary = tmp_path / "canary"
    outcomes = []
    for edited in (False, True):
        with FakeGitHub("course-org", "cse585-g10") as fake:
            world = World(tmp_path / f"edited-{edited}", fake)
            if edited:
                schedule = private_schedule().replace('due: "2024-09-19 23:59:59"',
                                                      'due: "2024-09-26 23:59:59"')
                assert schedule != private_schedule()
                world.group.commit_main({
                    "schedule.yaml": schedule,
                    "checker/__init__.py": CANARY_CODE.format(path=str(canary)),
                    "checker/__main__.py": CANARY_CODE.format(path=str(canary)),
                    "pyproject.toml": "[project]\nname = 'checker'\n",
                    ".github/workflows/submission.yml": caller_workflow("my-own-branch")
                    .replace("checks: write", "checks: write\n      id-token: write"),
                }, "our own rules")
            head = world.group.push(3, {PROPOSAL: proposal(2)})
            jobs = world.run(3, head, LATE)
            assert jobs["publish"].result == "success", debug(jobs)
            outcomes.append(verdict(fake, 3, head))
    assert not canary.exists()
    assert outcomes[0] == outcomes[1]
    assert "late" in outcomes[0]["labels"] and "late" in outcomes[0]["title"]


def test_without_the_course_repository_variable_nothing_of_the_group_runs(
        world: World) -> None:
    canary = world.tmp / "canary"
    world.group.commit_main({
        "checker/__init__.py": CANARY_CODE.format(path=str(canary)),
        "checker/__main__.py": CANARY_CODE.format(path=str(canary))}, "a checker of our own")
    head = world.group.push(4, {PROPOSAL: proposal(2)})
    for variables in ({}, {"COURSE_REPOSITORY": REPO.upper()}):  # unset, or the group's own
        jobs = world.run(4, head, ON_TIME, variables=variables)
        assert jobs["check"].result == "failure" and jobs["publish"].result == "failure"
        for job in jobs.values():
            assert job.steps[0].outcome == "failure"
            assert "COURSE_REPOSITORY must name the course repository" in job.steps[0].stdout
            # only the always() steps (summary, upload) run after it, in an empty workspace
            ran = [s.name for s in job.steps[1:] if s.outcome != "skipped"]
            assert ran in ([], ["Write the job summary", "Upload the result for the publish "
                                                          "job"]), debug(jobs)
    assert not canary.exists()
    assert world.fake.check_runs == {} and world.fake.comments_on(4) == []


def test_the_groups_own_extension_comes_from_its_repository_variable(world: World) -> None:
    """Staff keep the extension out of schedule.yaml; setup puts the group's own in its
    repository variable COURSE_EXTENSIONS (only admins can change it)."""
    head = world.group.push(7, {PROPOSAL: proposal(2)})
    own = "extensions:\n  - {deliverable: proposal, group: g10, extra: 3d}\n"
    jobs = world.run(7, head, LATE, variables={"COURSE_REPOSITORY": COURSE_REPO,
                                               "COURSE_EXTENSIONS": own})
    assert jobs["publish"].result == "success", debug(jobs)
    assert "on-time" in world.fake.issue_labels[7]
    assert "extension applied" in bot_comment(world.fake, 7)["body"]
    other = "extensions:\n  - {deliverable: proposal, group: g11, extra: 3d}\n"
    head = world.group.push(8, {PROPOSAL: proposal(2)})
    jobs = world.run(8, head, LATE, variables={"COURSE_REPOSITORY": COURSE_REPO,
                                               "COURSE_EXTENSIONS": other})
    assert "late" in world.fake.issue_labels[8]  # another group's extension is not this one's


def test_files_of_another_group_in_a_group_repository_are_refused(world: World) -> None:
    head = world.group.push(5, {"submissions/g11/proposal.pdf": proposal(2)})
    jobs = world.run(5, head, ON_TIME)
    assert jobs["publish"].result == "success", debug(jobs)
    assert world.fake.check_runs_on(head)[-1]["conclusion"] == "failure"
    body = bot_comment(world.fake, 5)["body"]
    assert "not a member of group g11" in body


def test_a_repository_that_is_no_groups_is_refused(world: World, tmp_path: Path) -> None:
    stray = Repo(world.server, tmp_path / "stray", "course-org/scratch",
                 {".github/workflows/submission.yml": caller_workflow()})
    world.repos[stray.full_name] = stray.bare
    head = stray.push(6, {PROPOSAL: proposal(2)})
    jobs = world.run(6, head, ON_TIME, repo=stray)
    assert jobs["check"].result == "failure"
    step = jobs["check"].step(
        "Check the submission (annotations on stdout, result JSON for publish)")
    assert "course-org/scratch is not a group repository of this course" in step.stderr


def test_the_caller_template_passes_zizmor_and_githubs_schema(tmp_path: Path) -> None:
    from test_gh_workflows import tool, zizmor

    rendered = tmp_path / "caller.yml"
    rendered.write_text(caller_workflow("11bd71901bbe5b1630ceea73d27597364c9af683"))
    findings = json.loads(zizmor(rendered).stdout)
    assert findings == []
    import subprocess

    proc = subprocess.run([tool("check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", str(rendered)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
