"""A DOCX page count: exact with LibreOffice; without it, an estimate that says so loudly on a
student's machine, and never a pass of the page limit in the pull request's check (CI).
Files written by python-docx, laid out by the real LibreOffice where it is installed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.cli import main
from tests.core.course_repo import CourseRepo, summary_docx

SUMMARY = "submissions/g11/summaries/2024-10-03.docx"
AT = "2024-10-03T20:00:00Z"


def check(root: Path, capsys: pytest.CaptureFixture[str], fmt: str = "json") -> tuple[int, str]:
    code = main(["check", "--root", str(root), SUMMARY, "--author", "edsger-d", "--at", AT,
                 "--format", fmt])
    return code, capsys.readouterr().out


def test_an_estimate_says_so_loudly_and_how_to_get_the_exact_count(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKER_SOFFICE", "none")
    repo = CourseRepo(tmp_path / "course")
    repo.write(SUMMARY, summary_docx(20))  # 5 pages laid out; about 3 by estimate
    code, out = check(repo.root, capsys)
    res = json.loads(out)
    [f] = res["files"]
    assert f["facts"]["pages"] == 3 and f["facts"]["pages_exact"] is False
    [estimate] = [x for x in f["findings"] if x["rule"] == "pages.estimate"]
    assert estimate["severity"] == "warning"
    assert "ESTIMATED page count, about 3 pages" in estimate["message"]
    assert "LibreOffice" in estimate["message"] and "does not pass the page limit" in \
        estimate["message"]
    assert "install LibreOffice" in estimate["hint"] and "PDF" in estimate["hint"]
    assert code == 0  # locally a warning: the student is told, CI decides
    _, text = check(repo.root, capsys, "text")
    assert "3 pages (ESTIMATED, not an exact count)" in text
    assert "! warning pages.estimate" in text


def test_with_libreoffice_the_count_is_exact(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: exact DOCX page counts untested")
    repo = CourseRepo(tmp_path / "course")
    repo.write(SUMMARY, summary_docx(20))
    code, out = check(repo.root, capsys)
    [f] = json.loads(out)["files"]
    assert (f["facts"]["pages"], f["facts"]["pages_exact"]) == (5, True)
    assert [x["rule"] for x in f["findings"]] == ["pages.too-many"] and code == 1
