"""The rows of docs/privacy.md, "Topologies", that no other test holds: who can read what in
``shared`` and in ``private``, on the fake GitHub organisation (``fake_org.OrgGitHub``, GitHub's
access model: a private repository answers 404 to whoever cannot see it), and what the checker
itself never reads or writes."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_github import BOT_LOGIN
from fake_org import ADMIN_TOKEN, EXAMPLES, OrgGitHub, OrgRepo
from private_course import ORG, ROOT, SHIPPED_SCHEDULE, private_schedule

from checker import topology
from checker.config import parse_course
from checker.github import labels

STUDENTS = {"g01": ("stu011", "stu012"), "g02": ("stu021", "stu022")}
READS = ("", "/pulls", "/pulls/1", "/issues/comments", "/issues/1/labels",
         "/commits/" + "a" * 40 + "/check-runs", "/contents/submissions", "/actions/runs")


def call(org: OrgGitHub, path: str, token: str) -> int:
    req = urllib.request.Request(org.url + path, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def with_a_submission(repo: OrgRepo, author: str) -> None:
    """A pull request by ``author`` with the checker's comment and labels on it."""
    repo.add_pull(1, author=author, head_sha="a" * 40)
    repo.add_comment(1, "### Submission check: late by 2 h", BOT_LOGIN)
    repo.add_label("late")
    repo.issue_labels[1] = ["late"]
    repo.files["submissions/g01/proposal.pdf"] = b"%PDF-1.4\n"


@pytest.fixture
def org() -> Iterator[OrgGitHub]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with OrgGitHub(ORG) as fake:
        for logins in STUDENTS.values():
            for login in logins:
                fake.add_user(login, token=f"ghp_{login}")
        yield fake


def test_shared_a_classmate_reads_every_pull_request(org: OrgGitHub) -> None:
    course = org.add_repo("course")  # private, every student with read access
    for logins in STUDENTS.values():
        for login in logins:
            course.roles[login] = "read"
    with_a_submission(course, "stu011")
    for path in READS:
        assert call(org, f"/repos/{ORG}/course{path}", "ghp_stu021") == 200, path


def test_private_a_classmate_cannot_read_another_groups_repository(org: OrgGitHub) -> None:
    for group, logins in STUDENTS.items():
        repo = org.add_repo(f"cse585-{group}")
        for login in logins:
            repo.roles[login] = "write"
    with_a_submission(org.repository("cse585-g01"), "stu011")
    for path in READS:
        assert call(org, f"/repos/{ORG}/cse585-g01{path}", "ghp_stu012") == 200, path
        assert call(org, f"/repos/{ORG}/cse585-g01{path}", "ghp_stu021") == 404, path
        assert call(org, f"/repos/{ORG}/cse585-g01{path}", ADMIN_TOKEN) == 200, path  # staff
    listed = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{org.url}/orgs/{ORG}/repos", headers={"Authorization": "token ghp_stu021"})).read())
    assert [r["name"] for r in listed] == ["cse585-g02"]  # not even the other's name


def test_lateness_labels_only_when_the_course_opts_in() -> None:
    text = SHIPPED_SCHEDULE.read_text(encoding="utf-8")
    assert parse_course(text).lateness_labels  # the tests' course opted in
    default = parse_course(text.replace("labels: {lateness: true}", ""))
    assert default.lateness_labels is False
    late: dict[str, Any] = {"verdict": "pass", "files": [
        {"path": "submissions/g01/proposal.pdf", "status": "late", "counted": False,
         "deliverable": "proposal", "group": "g01"}]}
    assert {"late", "not-counted"} <= set(labels.desired({**late, "lateness_labels": True}))
    assert not {"late", "not-counted", "on-time"} & set(
        labels.desired({**late, "lateness_labels": False}))


def test_a_check_in_a_group_repository_knows_only_that_group(tmp_path: Path) -> None:
    """Even a group repository whose base holds another group's declaration gives the check
    that group's own only."""
    course = parse_course(private_schedule())
    repo = tmp_path / "repo"
    repo.mkdir()
    for group, (a, b) in STUDENTS.items():
        folder = repo / "submissions" / group
        folder.mkdir(parents=True)
        (folder / "group.yaml").write_text("members:\n" + "".join(
            f"  - {{github: {x}, name: {x}, email: {x}@umich.edu}}\n" for x in (a, b, a + "x")))
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=x", "-c", "user.email=x@example.invalid", "commit", "-qm",
                  "base"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    base = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    group = topology.repository_group(course, f"{ORG}/cse585-g01")
    roster, problems = topology.group_roster(repo, course, group or "", base)
    assert group == "g01" and problems == []
    assert set(roster.groups) == {"g01"}
    assert roster.groups_of("stu021") == [] and roster.members_of("g02") == frozenset()


def test_a_course_token_is_handed_to_a_workflow_the_group_controls() -> None:
    """The caller (a file of the group's own repository) passes the course token on, so the
    group can read it; the called workflow gives it only to the checkout of the course."""
    import yaml

    from checker.group_repos import caller_template

    assert "${{ secrets.COURSE_READ_TOKEN }}" in caller_template()
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "submission-private.yml").read_text())
    uses = [(step.get("uses", ""), json.dumps(step)) for job in wf["jobs"].values()
            for step in job["steps"] if "secrets." in json.dumps(step)]
    assert uses and all(u.startswith("actions/checkout@") for u, _ in uses)
    assert all('"token": "${{ secrets.course-token || github.token }}"' in s for _, s in uses)


def test_every_row_of_the_topology_tables_names_a_test_that_exists() -> None:
    import re

    text = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    section = text[text.index("## Topologies"):]
    rows = [line for line in section.splitlines()
            if line.startswith("| ") and not line.startswith(("| What", "|---"))]
    assert len(rows) >= 12
    for row in rows:
        named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", row)
        assert named, row
        for path, name in named:
            assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), (path, name)


def test_validate_warns_that_extensions_of_a_private_course_are_read_by_every_group(
        tmp_path: Path) -> None:
    from checker.cli import main

    text = private_schedule().replace(
        "extensions: []", "extensions:\n  - {deliverable: proposal, group: g03, extra: 2d}")
    (tmp_path / "schedule.yaml").write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "checker", "validate", "--root",
                           str(tmp_path)], capture_output=True, text=True, check=False)
    assert "topology: private, and 1 extension(s) listed" in proc.stdout + proc.stderr
    (tmp_path / "schedule.yaml").write_text(private_schedule(), encoding="utf-8")
    assert main(["validate", "--root", str(tmp_path)]) == 0


def test_validate_says_nothing_of_the_staffs_own_extensions_file(tmp_path: Path) -> None:
    (tmp_path / "schedule.yaml").write_text(private_schedule(), encoding="utf-8")
    (tmp_path / "extensions.yaml").write_text(
        "extensions:\n  - {deliverable: proposal, group: g03, extra: 2d, reason: surgery}\n")
    proc = subprocess.run([sys.executable, "-m", "checker", "validate", "--root",
                           str(tmp_path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "warning" not in proc.stdout, proc.stdout
