"""docs/development.md's worked example: a course adds a deliverable (a one-page project
checkpoint) by configuration alone. The fixture is the exact text the page shows; added to the
shipped course, it validates, has its deadline, and is checked like any other deliverable,
through the public CLI on PDFs made by fpdf2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from tests.core.course_repo import REPO_ROOT, CourseRepo, pdf_bytes

SNIPPET = REPO_ROOT / "tests" / "fixtures" / "worked-example" / "checkpoint.yaml"
PAGE = REPO_ROOT / "docs" / "development.md"
PATH = "submissions/g10/checkpoint.pdf"
BEFORE, AFTER = "2024-10-09T12:00:00-04:00", "2024-10-11T12:00:00-04:00"


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    repo = CourseRepo(tmp_path / "course")
    schedule = repo.root / "schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    assert "\ndeliverables:\n" in text
    schedule.write_text(text.replace("\ndeliverables:\n",
                                     "\ndeliverables:\n" + SNIPPET.read_text(encoding="utf-8")
                                     + "\n", 1), encoding="utf-8")
    return repo


def check(repo: CourseRepo, capsys: pytest.CaptureFixture[str], author: str, at: str
          ) -> tuple[int, list[str]]:
    code = main(["check", "--root", str(repo.root), PATH, "--author", author, "--at", at,
                 "--format", "json"])
    [found] = json.loads(capsys.readouterr().out)["files"]
    return code, sorted(f["rule"] for f in found["findings"])


def test_the_page_shows_the_fixture_as_it_is() -> None:
    assert f"```yaml\n{SNIPPET.read_text(encoding='utf-8')}```" in PAGE.read_text(
        encoding="utf-8")


def test_the_course_with_the_checkpoint_validates(repo: CourseRepo,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(repo.root)]) == 0, capsys.readouterr().out


def test_the_checkpoint_has_its_deadline_and_its_note(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10",
                 "--format", "json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["deliverable"] == "checkpoint"]
    assert rows == [{"deliverable": "checkpoint", "group": "g10", "session": None,
                     "topic": None, "set_by": "staff", "due": "2024-10-10T23:59:00-04:00"}]
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10"]) == 0
    text = capsys.readouterr().out
    assert "Project checkpoint [course staff rule] — g10" in text
    assert ("course staff rule: Project checkpoint is asked for by the staff, not the course "
            "page: A one-page progress report") in text


def test_a_complete_checkpoint_on_time_passes(repo: CourseRepo,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(PATH, pdf_bytes(1, ["Progress so far", "Next steps"]))
    assert check(repo, capsys, "ada-lovelace", BEFORE) == (0, [])


def test_a_long_incomplete_late_checkpoint_gets_each_finding(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(PATH, pdf_bytes(2, ["Progress so far"]))
    assert check(repo, capsys, "ada-lovelace", AFTER) == (
        1, ["deadline.late", "pages.too-many", "sections.missing"])


def test_another_groups_student_may_not_submit_it(repo: CourseRepo,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(PATH, pdf_bytes(1, ["Progress so far", "Next steps"]))
    code, rules = check(repo, capsys, "edsger-d", BEFORE)
    assert code == 1 and "auth.not-member" in rules
