"""Headings of PDFs in the styles papers are published in and students hand in (issue 16,
section 3): IEEE small capitals, where the title is the only large line, come from the shapes
of the lines; authors, affiliations, e-mail addresses, dates, captions, tables and contents
entries are no headings. The documents: ``paper_styles.py`` (fpdf2, LibreOffice)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from paper_styles import (
    AFFILIATION,
    AUTHORS,
    EMAILS,
    export_pdf,
    ieee_docx,
    ieee_fpdf,
    report_docx,
    summary_fpdf,
)
from test_headings_layout_cli import ON_TIME, SUMMARY, check, findings

from checker.facts import FileFacts
from checker.inspect import inspect_file
from checker.model import Deliverable, Limits
from checker.rules.document import document_findings
from tests.core.course_repo import CourseRepo

NOT_HEADINGS = {AUTHORS, AFFILIATION, EMAILS, "TABLE I", "THROUGHPUT OF THE THREE SYSTEMS",
                "Request Queue", "Orca 1210 61", "System Requests/s Latency (ms)"}


def inspect(path: Path) -> FileFacts:
    return inspect_file(path, f"submissions/g03/{path.name}", Limits(), "pdf")


def libreoffice_pdf(tmp_path: Path,
                    write: Callable[[Path], list[str]]) -> tuple[Path, list[str]]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    expected = write(tmp_path / "doc.docx")
    pdf = export_pdf(tmp_path / "doc.docx", soffice, tmp_path / "profile")
    assert pdf is not None, "LibreOffice wrote no PDF"
    return pdf, expected


def test_ieee_small_capitals_are_found_by_the_shape_of_the_lines(tmp_path: Path) -> None:
    """Title 24 pt, sections "I. INTRODUCTION" in 10/8 pt capitals, italic subsections: the
    fonts set apart the title alone, so the headings come from the lines' shapes, and they
    are exactly the paper's, without its authors, affiliation, e-mails, figure labels,
    caption or table."""
    expected = ieee_fpdf(tmp_path / "paper.pdf")
    facts = inspect(tmp_path / "paper.pdf")
    assert facts.headings_source == "lines"
    assert facts.headings == expected
    assert "II. BACKGROUND" in facts.headings and "B. Scheduling and Preemption" in facts.headings


def test_libreoffice_ieee_paper_without_bookmarks(tmp_path: Path) -> None:
    """The same paper from python-docx, headings formatted by hand (no Heading style, so no
    outline), exported by LibreOffice: its two-line title is one heading, its table and
    caption are none."""
    pdf, expected = libreoffice_pdf(tmp_path, ieee_docx)
    facts = inspect(pdf)
    assert facts.headings_source == "lines"
    assert facts.headings == expected
    assert not NOT_HEADINGS & set(facts.headings)


def test_typed_table_of_contents_entries_are_no_headings(tmp_path: Path) -> None:
    """A report whose headings are plain 12 pt lines (11 pt text), under a typed table of
    contents: each section once, its heading, not its entry ("1 Introduction ..... 2")."""
    pdf, expected = libreoffice_pdf(tmp_path, lambda path: report_docx(path, bold=False))
    facts = inspect(pdf)
    assert facts.headings_source == "lines"
    assert facts.headings == expected
    assert not [h for h in facts.headings if "...." in h]


def test_student_summary_title_authors_and_caption(
    tmp_path: Path, summary_deliverable: Deliverable
) -> None:
    """Plain 11 pt headings under a bold title, the authors' names, e-mails and a date; a
    figure caption in Title Case: the headings are the title and the five sections."""
    expected = summary_fpdf(tmp_path / "summary.pdf")
    facts = inspect(tmp_path / "summary.pdf")
    assert facts.headings == expected
    assert [f.rule for f in document_findings(facts, summary_deliverable, ())] == []


def test_a_missing_section_lists_the_small_capital_headings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through ``python -m checker check``: an IEEE-style summary without a Related Work
    section is told which headings were found, the paper's, not only its title."""
    repo = CourseRepo(tmp_path / "course")
    path = repo.root / SUMMARY
    path.parent.mkdir(parents=True)
    ieee_fpdf(path)
    [missing] = [f for f in findings(check(repo, capsys, SUMMARY, *ON_TIME))
                 if f["rule"] == "sections.missing"]
    message = missing["message"]
    assert "short lines shaped like titles" in message
    assert '"I. INTRODUCTION", "II. BACKGROUND"' in message
    assert AUTHORS not in message and "umich.edu" not in message
