"""validate: each group presents and summarises at least once and reviews exactly once; a
sixteenth presentation session may have no reviewer group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from tests.core.course_repo import CourseRepo, pdf_bytes

EXTRA = """
  - date: 2024-12-10
    kind: presentation
    unit: Extra
    presenter: g10
    summary: g03
    readings:
      - {title: "An Extra Paper: With a Subtitle", short: Extra Paper, required: true}
"""


def add_session(repo: CourseRepo, text: str) -> None:
    path = repo.root / "schedule.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_second_presentation_without_a_reviewer(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo = CourseRepo(tmp_path / "c")
    add_session(repo, EXTRA)
    assert main(["validate", "--root", str(repo.root)]) == 0, capsys.readouterr().out
    capsys.readouterr()
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10",
                 "--format", "json"]) == 0
    slides = [r["session"] for r in json.loads(capsys.readouterr().out)
              if r["deliverable"] == "slides"]
    assert slides == ["2024-10-03", "2024-12-10"]
    path = "submissions/g03/summaries/2024-12-10.pdf"  # g03's second summary
    repo.write(path, pdf_bytes(2, ["Problem and importance", "Related work",
                                   "Proposed solution and key insight",
                                   "Drawbacks or limitations", "Future research directions"]))
    assert main(["check", "--root", str(repo.root), path, "--author", "ken-t",
                 "--at", "2024-12-10T13:00:00-05:00", "--format", "json"]) == 0
    [f] = json.loads(capsys.readouterr().out)["files"]
    assert (f["deliverable"], f["session"], f["status"]) == ("summary", "2024-12-10", "on-time")


def test_a_group_reviewing_twice_is_refused(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    repo = CourseRepo(tmp_path / "c")
    add_session(repo, EXTRA + "    reviewer: g01\n")
    assert main(["validate", "--root", str(repo.root)]) == 1
    out = capsys.readouterr().out
    assert "group g01 has the reviewer role 2 times (2024-09-26, 2024-12-10); every group " \
           "reviews exactly once" in out
