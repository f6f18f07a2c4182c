"""Issue 8 §6: group.yaml logins match in full and compare by ASCII case only; deliverable
paths name a session exactly YYYY-MM-DD. Through the CLI on a temporary course repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.model import is_login, login_key, parse_day
from tests.core.course_repo import CourseRepo, pdf_bytes

KELVIN = "\u212a"  # KELVIN SIGN: casefold() makes it "k", GitHub does not
SLIDES = "submissions/g10/slides/2024-10-03.pdf"


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    return CourseRepo(tmp_path / "course")


def check(repo: CourseRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["check", "--root", str(repo.root), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def file_rules(result: dict[str, Any]) -> dict[str, list[str]]:
    return {f["path"]: [x["rule"] for x in f["findings"]] for f in result["files"]}


def test_a_login_with_a_trailing_newline_is_refused(repo: CourseRepo,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("submissions/g12/group.yaml",
               'members:\n  - {github: "ana-b\\n", name: Ana, email: ana@umich.edu}\n'
               "  - {github: bo-c, name: Bo, email: bo@umich.edu}\n"
               "  - {github: cy-d, name: Cy, email: cy@umich.edu}\n")
    assert main(["validate", "--root", str(repo.root)]) == 1
    out = capsys.readouterr().out
    assert "submissions/g12/group.yaml:2" in out
    assert "'ana-b\\n' is not a GitHub login" in out


def test_a_session_is_yyyy_mm_dd_exactly(repo: CourseRepo,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    week = "submissions/g10/slides/2024-W40-4.pdf"  # ISO week date of 2024-10-03
    repo.write(week, pdf_bytes(12))
    repo.write(SLIDES, pdf_bytes(12))
    code, res = check(repo, capsys, week, SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-01T00:00:00Z")
    assert code == 1
    rules = file_rules(res)
    assert rules[week] == ["path.unknown"]
    assert rules[SLIDES] == []
    message = res["files"][0]["findings"][0]["message"]
    assert "'2024-W40-4' is not a date in the form YYYY-MM-DD" in message


def test_logins_compare_by_ascii_case_only(repo: CourseRepo,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(SLIDES, pdf_bytes(12))
    code, res = check(repo, capsys, SLIDES, "--author", "ADA-Lovelace",
                      "--at", "2024-10-01T00:00:00Z")
    assert code == 0, res  # GitHub logins are case-insensitive in ASCII
    # "\u212aen-t".casefold() == "ken-t", a member of g03: never the same login
    assert login_key(f"{KELVIN}en-t") != login_key("ken-t")
    question = f"submissions/questions/2024-10-03/{KELVIN}en-t.md"
    repo.write(question, "## PagedAttention\n- why?\n")
    code, res = check(repo, capsys, question, "--author", "ken-t",
                      "--at", "2024-10-01T00:00:00Z")
    assert file_rules(res)[question] == ["path.unknown"]


def test_login_and_day_rules() -> None:
    assert is_login("a" * 39) and not is_login("a" * 40)
    assert not is_login("ada\n") and not is_login(f"{KELVIN}en") and not is_login("-ada")
    assert login_key(f"Ada-{KELVIN}") == f"ada-{KELVIN}" and login_key("ÄDA") == "Äda"
    assert parse_day("2024-10-03") is not None
    full_width = "\uff12\uff10\uff12\uff14-10-03"
    for text in ("2024-W40-4", "20241003", "2024-10-03\n", full_width, "2024-02-30"):
        assert parse_day(text) is None, text


def test_an_author_that_is_not_a_login_in_full_is_a_usage_error(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(SLIDES, pdf_bytes(12))
    for author in ("ada-lovelace\n", f"{KELVIN}en-t", "a" * 40):
        assert main(["check", "--root", str(repo.root), SLIDES, "--author", author,
                     "--at", "2024-10-01T00:00:00Z"]) == 2
        assert "is not a GitHub login" in capsys.readouterr().err
