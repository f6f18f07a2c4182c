"""Messages for the common mistakes, through the public CLI on a course repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from tests.core.course_repo import CourseRepo

QUESTIONS = "submissions/questions/2024-10-03/ken-t.md"  # g03 is not on the Oct 3 panel
BEFORE = "2024-10-02T12:00:00-04:00"


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    return CourseRepo(tmp_path / "course")


def check(repo: CourseRepo, capsys: pytest.CaptureFixture[str], *paths: str,
          author: str = "ken-t", at: str = BEFORE) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--root", str(repo.root), *paths, "--author", author, "--at", at,
                 "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def findings(result: dict[str, Any], path: str) -> list[dict[str, Any]]:
    return next(f["findings"] for f in result["files"] if f["path"] == path)


@pytest.mark.parametrize("text", [
    # full-width question marks, as Chinese and Japanese input methods type them
    "## PagedAttention\n- 为什么块大小是16\uff1f\n\n## vAttention\n- 需要修改驱动吗\uff1f\n",
    # setext headings (=== and --- underlines)
    "PagedAttention\n==============\n- Why 16 tokens a block?\n\n"
    "vAttention\n----------\n- Does it need driver changes?\n",
])
def test_full_width_question_marks_and_setext_headings_count(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str], text: str) -> None:
    repo.write(QUESTIONS, text)
    code, res = check(repo, capsys, QUESTIONS)
    assert (code, findings(res, QUESTIONS)) == (0, [])


def test_a_setext_heading_alone_is_not_a_question(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(QUESTIONS, "Why PagedAttention?\n===\n- no question here\n\n## vAttention\n- Ok?\n")
    code, res = check(repo, capsys, QUESTIONS)
    [f] = findings(res, QUESTIONS)
    assert code == 1 and f["rule"] == "questions.too-few" and "PagedAttention" in f["message"]
