"""validate.yml: on every push to main, `validate` keeps one staff issue up to date (opened,
edited, closed when fixed, reopened), run as a runner would against the fake GitHub; and the
gradebook flags both groups that claim the same student.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
from workflow_harness import JobRun, Runner

from checker.cli import main

ROOT = Path(__file__).resolve().parents[2]
VALIDATE = ROOT / ".github" / "workflows" / "validate.yml"
TOKEN = "ghs_actions_token"
MARKER = "<!-- submission-checker:validate -->"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[CourseGitHub, Path]]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    root = semester.make_root(tmp_path)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "staff@example.invalid")
    git(root, "config", "user.name", "Staff")
    commit(root, "course")
    with CourseGitHub() as fake:
        yield fake, root


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD")


def push_and_run(fake: CourseGitHub, root: Path, message: str) -> JobRun:
    sha = commit(root, message)
    run_dir = root.parent / f"run-{len(list(root.parent.glob('run-*')))}"
    run_dir.mkdir()
    runner = Runner(VALIDATE, origin=root, event={"ref": "refs/heads/main", "after": sha},
                    event_name="push", api_url=fake.url, token=TOKEN, tmp=run_dir,
                    repository="course/seminar", extra_env={"GITHUB_SHA": sha})
    return runner.run()["validate"]


def claim(root: Path, group: str, login: str) -> None:
    """``group``'s declaration lists ``login`` (in place of its last member)."""
    path = root / "submissions" / group / "group.yaml"
    lines = path.read_text().splitlines()
    old = lines[-3].split(": ", 1)[1]
    path.write_text("\n".join(lines[:-3]).rstrip("\n") + "\n"
                    + "\n".join(x.replace(old, login) for x in lines[-3:]) + "\n")


def ours(fake: CourseGitHub) -> list[dict[str, Any]]:
    return [i for i in fake.issues.values() if i["body"].startswith(MARKER)]


def test_workflow_runs_validate_on_pushes_to_main_only() -> None:
    import yaml

    wf = yaml.safe_load(VALIDATE.read_text())
    on = wf[True]
    assert set(on) == {"push", "workflow_dispatch"} and on["push"]["branches"] == ["main"]
    assert wf["permissions"] == {}
    [job] = wf["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    assert "checker validate --root . --issue" in job["steps"][-1]["run"]


def test_one_issue_opened_updated_closed_and_reopened(world: tuple[CourseGitHub, Path]) -> None:
    fake, root = world
    job = push_and_run(fake, root, "valid")
    assert job.result == "success", job.steps[-1].stderr
    assert "validate issue: none" in job.stdout and ours(fake) == []

    claim(root, "g02", "stu011")  # g01's student, claimed by g02 too
    job = push_and_run(fake, root, "g02 claims stu011")
    assert job.result == "failure"  # the run is red, and staff get the issue
    [issue] = ours(fake)
    assert issue["state"] == "open" and issue["user"]["login"] == semester.BOT
    assert "stu011" in issue["body"] and "g01" in issue["body"] and "g02" in issue["body"]
    number = issue["number"]

    job = push_and_run(fake, root, "unrelated push")
    assert f"validate issue #{number}: unchanged" in job.stdout
    assert len(ours(fake)) == 1

    claim(root, "g03", "stu012")
    job = push_and_run(fake, root, "another")
    assert f"validate issue #{number}: edited" in job.stdout
    [issue] = ours(fake)
    assert "stu012" in issue["body"]

    semester.write_roster(root, semester.load_course(root))  # staff fix the declarations
    job = push_and_run(fake, root, "fixed")
    assert job.result == "success"
    [issue] = ours(fake)
    assert issue["state"] == "closed" and "passes again" in issue["body"]

    claim(root, "g04", "stu011")
    job = push_and_run(fake, root, "broken again")
    [issue] = ours(fake)  # the same issue, reopened: never a second one
    assert issue["number"] == number and issue["state"] == "open"
    assert f"validate issue #{number}: reopened" in job.stdout


def test_someone_elses_issue_with_the_marker_is_never_ours(
        world: tuple[CourseGitHub, Path]) -> None:
    fake, root = world
    forged = fake.add_issue("fake", MARKER + "\nall good", "mallory")
    claim(root, "g02", "stu011")
    push_and_run(fake, root, "g02 claims stu011")
    assert forged["body"] == MARKER + "\nall good" and forged["state"] == "open"
    assert [i["user"]["login"] for i in ours(fake)] == ["mallory", semester.BOT]


def test_gradebook_flags_both_groups_of_a_student_claimed_twice(
        world: tuple[CourseGitHub, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake, root = world
    claim(root, "g02", "stu011")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    out = tmp_path / "gb.json"
    assert main(["gradebook", "--repo", "course/seminar", "--root", str(root), "--format",
                 "json", "--output", str(out), "--now", "2024-11-15T12:00:00Z"]) == 0
    rows = json.loads(out.read_text())["rows"]
    flagged = {r["group"] for r in rows if r["flags"]}
    assert flagged == {"g01", "g02"}
    assert all(r["flags"] == ["stu011 is claimed by groups g01 and g02"]
               for r in rows if r["group"] in flagged)
    md = tmp_path / "gb.md"
    main(["gradebook", "--repo", "course/seminar", "--root", str(root), "--format",
          "markdown", "--output", str(md), "--now", "2024-11-15T12:00:00Z"])
    assert "⚠️ stu011 is claimed by groups g01 and g02" in md.read_text()
