"""The local check gives CI's answer: a group.yaml in the work tree, uncommitted files, a run
that checks nothing, and ``--author`` taken from git config. Through the public CLI, on a real
git repository with PDFs made by fpdf2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from tests.core.course_repo import CourseRepo, git, pdf_bytes

SLIDES = "submissions/g10/slides/2024-10-03.pdf"
AT = "2024-10-01T12:00:00-04:00"


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    r = CourseRepo(tmp_path / "course")
    r.open_pr_branch("submit")
    return r


def run(repo: CourseRepo, capsys: pytest.CaptureFixture[str], *args: str,
        fmt: str = "json") -> tuple[int, Any, str]:
    code = main(["check", "--root", str(repo.root), "--format", fmt, "--at", AT, *args])
    cap = capsys.readouterr()
    out: Any = json.loads(cap.out) if fmt == "json" and cap.out.startswith("{") else cap.out
    return code, out, cap.err


def rules(result: dict[str, Any]) -> dict[str, list[str]]:
    return {f["path"]: [x["rule"] for x in f["findings"]] for f in result["files"]}


@pytest.mark.parametrize("committed", [False, True])
def test_an_invalid_group_yaml_in_the_work_tree_is_judged_like_ci(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str], committed: bool) -> None:
    # g10 changes its declaration: a member missing its email (invalid), and a new group g05
    repo.write("submissions/g10/group.yaml", "members:\n  - {github: ada-lovelace}\n")
    repo.write("submissions/g05/group.yaml", "members: [oops\n")
    head: tuple[str, ...] = ()
    if committed:
        git(repo.root, "add", "-A")
        git(repo.root, "commit", "-q", "-m", "groups")
        head = ("--head", "HEAD")
    code, res, err = run(repo, capsys, "--base", "main", *head, "--author", "ada-lovelace")
    assert code == 1, err  # the submission needs fixing: not a configuration error (exit 2)
    assert "base branch" not in err
    assert "group.invalid" in rules(res)["submissions/g10/group.yaml"]
    assert "group.invalid" in rules(res)["submissions/g05/group.yaml"]


def test_a_valid_group_change_in_the_work_tree_passes(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo.root / "submissions/g10/group.yaml").read_text()
    repo.write("submissions/g10/group.yaml", text + "preferences: [2024-10-03]\n")
    code, res, err = run(repo, capsys, "--base", "main", "--author", "ada-lovelace",
                         "--at", "2024-09-01T12:00:00-04:00")  # before the groups' deadline
    assert (code, rules(res)) == (0, {"submissions/g10/group.yaml": []}), err


def test_uncommitted_files_are_named_as_not_part_of_the_push(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(SLIDES, pdf_bytes(12))
    git(repo.root, "add", SLIDES)
    git(repo.root, "commit", "-q", "-m", "slides")
    summary = "submissions/g11/summaries/2024-10-03.pdf"
    repo.write(summary, pdf_bytes(3))  # forgotten: never added
    code, res, _ = run(repo, capsys, "--base", "main", "--head", "HEAD",
                       "--author", "ada-lovelace")
    assert code == 0 and rules(res) == {SLIDES: []}
    [note] = res["findings"]
    assert note["rule"] == "push.uncommitted" and note["severity"] == "warning"
    assert f"{summary} (untracked)" in note["message"]
    assert "not part of the push" in note["message"] and f"git add {summary}" in note["hint"]
    code, out, _ = run(repo, capsys, "--base", "main", "--head", "HEAD",
                       "--author", "ada-lovelace", fmt="text")
    assert "push.uncommitted" in out and summary in out


def test_a_run_that_checks_nothing_says_so_and_never_pass(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(SLIDES, pdf_bytes(12))  # in the work tree only: the commit has nothing
    code, out, _ = run(repo, capsys, "--base", "main", "--head", "HEAD",
                       "--author", "ada-lovelace", fmt="text")
    assert code == 1
    assert out.startswith("NOTHING TO CHECK") and "nothing to check" in out and "PASS" not in out
    assert f"{SLIDES} (untracked)" in out and "not part of the push" in out
    git(repo.root, "checkout", "-q", "main")
    (repo.root / SLIDES).unlink()
    code, out, _ = run(repo, capsys, "--base", "main", "--author", "ada-lovelace", fmt="text")
    assert code == 1 and out.startswith("NOTHING TO CHECK") and "PASS" not in out


def test_author_from_git_config_github_user_then_email(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(SLIDES, pdf_bytes(12))
    git(repo.root, "config", "github.user", "alan-turing")
    code, res, err = run(repo, capsys, "--base", "main")
    assert code == 0 and res["author"] == "alan-turing"
    assert "author: alan-turing (from `git config github.user`" in err
    git(repo.root, "config", "--unset", "github.user")
    git(repo.root, "config", "user.email", "Grace-Hopper@UMich.edu")
    code, res, err = run(repo, capsys, "--base", "main")
    assert code == 0 and res["author"] == "grace-hopper"
    assert "the member of g10 whose email is `git config user.email`" in err
    git(repo.root, "config", "user.email", "someone@example.com")
    code, _, err = run(repo, capsys, "--base", "main")
    assert code == 2 and "--author LOGIN" in err and "someone@example.com" in err


@pytest.mark.parametrize("zone", ["EST", "EST5EDT", "Etc/GMT+5", "US/Eastern", "UTC"])
def test_validate_refuses_a_time_zone_that_is_not_a_region(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], zone: str) -> None:
    repo = CourseRepo(tmp_path / "course")
    schedule = repo.root / "schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    assert "timezone: America/Detroit" in text
    schedule.write_text(text.replace("timezone: America/Detroit", f"timezone: {zone}"))
    code = main(["validate", "--root", str(repo.root)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"'{zone}' is not an IANA region time zone such as America/Detroit" in out
    assert "daylight saving" in out
    schedule.write_text(text.replace("timezone: America/Detroit",
                                     "timezone: America/Indiana/Indianapolis"))
    assert main(["validate", "--root", str(repo.root)]) == 0
