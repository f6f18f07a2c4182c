"""Midterm slides are due at the group's own midterm session (schedule.yaml assigns groups to
the Oct 22 and Oct 24 sessions; unassigned groups are due at the first one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from tests.core.course_repo import CourseRepo, pdf_bytes


def assign(repo: CourseRepo, oct22: str, oct24: str) -> None:
    path = repo.root / "schedule.yaml"
    text = path.read_text(encoding="utf-8")
    for day, groups in (("2024-10-22", oct22), ("2024-10-24", oct24)):
        old = f"  - date: {day}\n    kind: midterm\n    title: Mid-Semester Presentations\n"
        i = text.index(old) + len(old)
        j = text.index("\n", i) + 1
        assert text[i:j].startswith("    groups:")
        text = text[:i] + f"    groups: {groups}\n" + text[j:]
    path.write_text(text, encoding="utf-8")


def midterm_due(repo: CourseRepo, group: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["deadlines", "--root", str(repo.root), "--group", group,
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    return [(r["due"], r["session"]) for r in rows if r["deliverable"] == "midterm"]


def test_each_group_is_due_at_its_own_midterm_session(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = CourseRepo(tmp_path / "c")
    assign(repo, "[g01, g02]", "[g10, g11]")
    assert midterm_due(repo, "g10", capsys) == [("2024-10-24T10:30:00-04:00", "2024-10-24")]
    assert midterm_due(repo, "g01", capsys) == [("2024-10-22T10:30:00-04:00", "2024-10-22")]
    # not assigned yet: the first midterm session
    assert midterm_due(repo, "g05", capsys) == [("2024-10-22T10:30:00-04:00", "2024-10-22")]
    path = "submissions/g10/midterm.pdf"
    repo.write(path, pdf_bytes(5))
    assert main(["check", "--root", str(repo.root), path, "--author", "ada-lovelace",
                 "--at", "2024-10-23T09:00:00-04:00", "--format", "json"]) == 0
    [f] = json.loads(capsys.readouterr().out)["files"]
    assert (f["status"], f["session"], f["due"]) == ("on-time", "2024-10-24",
                                                     "2024-10-24T10:30:00-04:00")


def test_a_group_in_two_midterm_sessions_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = CourseRepo(tmp_path / "c")
    assign(repo, "[g01, g02]", "[g02, g99]")
    assert main(["validate", "--root", str(repo.root)]) == 1
    out = capsys.readouterr().out
    line = (repo.root / "schedule.yaml").read_text().splitlines().index(
        "    groups: [g02, g99]") + 1
    assert f"schedule.yaml:{line}: sessions[17].groups[0]: group g02 is already assigned to " \
           "the midterm session on 2024-10-22" in out, out
    assert f"schedule.yaml:{line}: sessions[17].groups[1]: 'g99' is not in `groups:`" in out
