"""Headings, references and the report's layout through ``python -m checker check`` and
``inspect``, on PDFs made by fpdf2 and by LibreOffice from python-docx documents."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import LOREM, QUESTIONS, write_docx

from checker.cli import main
from tests.core.course_repo import CourseRepo

SUMMARY = "submissions/g03/summaries/2024-11-21.pdf"
ON_TIME = ("--author", "ken-t", "--at", "2024-11-22T17:00:00Z")
REPORT = "submissions/g10/final/report.pdf"
REPORT_ON_TIME = ("--author", "ada-lovelace", "--at", "2024-12-10T12:00:00Z")
DISCUSSION = "Key Observations from the Class Discussion"


def summary_pdf(path: Path, headings: Sequence[str], heading_style: str = "B",
                heading_size: float = 13, paragraphs: int = 2) -> Path:
    """A summary from fpdf2: each heading, then paragraphs of body text in 11 pt."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for heading in headings:
        pdf.set_font("Helvetica", heading_style, heading_size)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for _ in range(paragraphs):
            pdf.multi_cell(0, 5.5, LOREM * 2, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def report_pdf(path: Path, columns: int, body_pt: float, pages: int = 6,
               paper: str = "letter", refs_on_first_page: bool = False) -> Path:
    """A report from fpdf2 with a known body font size, columns and paper; references last."""
    from fpdf import FPDF

    pdf = FPDF(format=paper)
    pdf.set_auto_page_break(False)
    margin = 54.0 / 72 * 25.4  # 0.75 in
    width = pdf.w - 2 * margin
    gap = 8.0
    col_w = (width - gap * (columns - 1)) / columns
    line_h = body_pt * 1.2 * 25.4 / 72
    for page in range(1, pages + 1):
        pdf.add_page()
        for col in range(columns):
            x = margin + col * (col_w + gap)
            pdf.set_xy(x, margin)
            if col == 0:
                pdf.set_font("Times", "B", body_pt + 2)
                title = f"{page}. Section {page}"
                if page == 1 and refs_on_first_page:
                    title = "References"  # a heading with body text after it, not entries
                pdf.multi_cell(col_w, line_h * 1.4, title, new_x="LEFT", new_y="NEXT")
            pdf.set_font("Times", "", body_pt)
            while pdf.get_y() < pdf.h - margin - 2 * line_h:
                pdf.multi_cell(col_w, line_h, LOREM, new_x="LEFT", new_y="NEXT")
    pdf.add_page()
    pdf.set_xy(margin, margin)
    pdf.set_font("Times", "B", body_pt + 2)
    pdf.cell(0, line_h * 1.4, "References", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Times", "", body_pt - 1)
    for n in range(1, 15):
        pdf.multi_cell(width, line_h, f"[{n}] A. Author and B. Author. Caching keys and values, "
                       f"part {n}. In Proceedings of a Systems Conference, 2023.",
                       new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    return CourseRepo(tmp_path / "course")


def check(repo: CourseRepo, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    main(["check", "--root", str(repo.root), "--format", "json", *args])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def findings(result: dict[str, Any]) -> list[dict[str, Any]]:
    [f] = result["files"]
    return f["findings"]  # type: ignore[no-any-return]


def rules(result: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in findings(result)]


def inspect_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main(["inspect", "--format", "json", str(path)])
    [facts] = json.loads(capsys.readouterr().out)["files"]
    return facts  # type: ignore[no-any-return]


# --- headings ----------------------------------------------------------------------------

@pytest.mark.parametrize(("style", "size"), [("B", 13), ("", 11)])
def test_the_course_pages_five_questions_as_headings_pass(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str], style: str, size: float
) -> None:
    """Bold 13 pt headings (found by font) and plain 11 pt ones (found by their shape)."""
    summary_pdf(repo.root / SUMMARY, [*QUESTIONS, DISCUSSION], style, size, paragraphs=2)
    result = check(repo, capsys, SUMMARY, *ON_TIME)
    assert rules(result) == [], findings(result)
    facts = inspect_json(repo.root / SUMMARY, capsys)
    assert facts["headings_source"] == ("fonts" if style else "lines")


@pytest.mark.parametrize("kind", ["h1", "bold"])
def test_the_five_questions_in_a_docx_pass(repo: CourseRepo, capsys: pytest.CaptureFixture[str],
                                           kind: str) -> None:
    """python-docx: the questions as Heading 1 paragraphs, or as bold paragraphs."""
    path = SUMMARY.replace(".pdf", ".docx")
    blocks = [("title", "Summary: PagedAttention")] if kind == "h1" else []
    for question in [*QUESTIONS, DISCUSSION]:
        blocks += [(kind, question), ("p", LOREM * 2)]
    (repo.root / path).parent.mkdir(parents=True, exist_ok=True)
    write_docx(repo.root / path, blocks)
    result = check(repo, capsys, path, *ON_TIME)
    assert [r for r in rules(result) if r.startswith("sections.")] == [], findings(result)
    facts = inspect_json(repo.root / path, capsys)
    assert facts["headings_source"] == ("styles" if kind == "h1" else "bold")
    assert QUESTIONS[0] in facts["headings"]


def test_headings_that_add_words_match_and_body_sentences_do_not(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    headings = ["The Problem and Why It Matters", "Background: How LLM Serving Works",
                "Proposed Solution (PagedAttention)", "Limitations - Memory and Latency",
                "Future Work and Open Questions", "Class Discussion"]
    summary_pdf(repo.root / SUMMARY, headings, paragraphs=2)
    assert rules(check(repo, capsys, SUMMARY, *ON_TIME)) == []
    # the same words in body sentences are no headings: every section is reported missing
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    for words in ("the problem", "related work", "the proposed solution", "its limitations",
                  "future work"):
        pdf.multi_cell(0, 5.5, f"In this paragraph we discuss {words} of the paper at some "
                       "length, as the instructions ask. " + LOREM * 3, new_x="LMARGIN",
                       new_y="NEXT")
    pdf.output(str(repo.root / SUMMARY))
    result = check(repo, capsys, SUMMARY, *ON_TIME)
    [missing] = [f for f in findings(result) if f["rule"] == "sections.missing"]
    assert "Related work" in missing["message"] and "no headings were found" in missing["message"]


def test_missing_section_says_did_you_mean_and_lists_the_headings(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    headings = ["1. Problem and Importance", "2. Realted Wrok", "3. Proposed Solution",
                "4. Limitations", "5. Future Work", "6. Class Discussion"]
    summary_pdf(repo.root / SUMMARY, headings, paragraphs=2)
    result = check(repo, capsys, SUMMARY, *ON_TIME)
    [missing] = findings(result)
    assert missing["rule"] == "sections.missing"
    message = missing["message"]
    assert "For \"Related work\": did you mean '2. Realted Wrok'?" in message
    assert '"1. Problem and Importance", "2. Realted Wrok"' in message  # the headings found
    assert "lines set larger or in bold" in message  # and how they were found


def test_key_observations_section_is_optional(repo: CourseRepo,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    summary_pdf(repo.root / SUMMARY, QUESTIONS, paragraphs=2)
    result = check(repo, capsys, SUMMARY, *ON_TIME)
    [optional] = findings(result)
    assert (optional["rule"], optional["severity"]) == ("sections.optional-missing", "warning")
    assert "Key observations from the class discussion" in optional["message"]
    assert result["verdict"] == "pass"


def test_inspect_shows_the_headings_and_their_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = summary_pdf(tmp_path / "summary.pdf", ["Problem", "Related Work"])
    main(["inspect", str(path)])
    out = capsys.readouterr().out
    assert "headings (fonts): Problem | Related Work" in out


# --- LibreOffice exports: outline, two columns, table of contents ------------------------

def libreoffice_pdf(docx: Path, soffice: str) -> Path:
    import subprocess

    profile = (docx.parent / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                   check=True, capture_output=True, timeout=120)
    return docx.with_suffix(".pdf")


def paper_docx(path: Path, columns: int, toc: bool, body_pt: float = 10) -> Path:
    """A paper in python-docx: optional table of contents field, N columns, references."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(body_pt)
    document.add_heading("Paging the Key-Value Cache", level=0)
    if toc:
        document.add_paragraph("Contents", style="TOC Heading") if "TOC Heading" in [
            s.name for s in document.styles] else document.add_paragraph("Contents")
        run = document.add_paragraph().add_run()
        for kind, text in (("begin", None), (None, 'TOC \\o "1-3" \\h'), ("separate", None)):
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            else:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
        for title in ("1. Introduction", "2. Design", "3. Evaluation", "References"):
            document.add_paragraph(f"{title}\t{1 if title[0] == '1' else 2}")
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        document.add_paragraph().add_run()._r.append(end)
        document.add_page_break()
    if columns > 1:
        cols = document.sections[0]._sectPr.xpath("./w:cols")
        element = cols[0] if cols else OxmlElement("w:cols")
        element.set(qn("w:num"), str(columns))
        element.set(qn("w:space"), "432")
        if not cols:
            document.sections[0]._sectPr.append(element)
    for title in ("1. Introduction", "2. Design", "3. Evaluation"):
        document.add_heading(title, level=1)
        for _ in range(6):
            document.add_paragraph(LOREM * 2)
    document.add_heading("References", level=1)
    for n in range(1, 9):
        document.add_paragraph(f"[{n}] W. Kwon et al. Efficient memory management for large "
                               f"language model serving, part {n}. In SOSP, 2023.")
    document.save(str(path))
    return path


def test_libreoffice_export_headings_come_from_the_outline(
    tmp_path: Path, soffice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    docx_path = write_docx(tmp_path / "summary.docx", [
        *[block for q in [*QUESTIONS, DISCUSSION] for block in (("h1", q), ("p", LOREM * 3))]])
    facts = inspect_json(libreoffice_pdf(docx_path, soffice), capsys)
    assert facts["headings_source"] == "outline"
    assert facts["headings"] == [*QUESTIONS, DISCUSSION]


@pytest.mark.parametrize("columns", [1, 2])
def test_libreoffice_paper_with_contents_references_and_columns(
    repo: CourseRepo, soffice: str, capsys: pytest.CaptureFixture[str], columns: int
) -> None:
    work = repo.root.parent / "word"
    work.mkdir()
    pdf = libreoffice_pdf(paper_docx(work / "paper.docx", columns, toc=True), soffice)
    facts = inspect_json(pdf, capsys)
    assert facts["headings_source"] == "outline"
    assert facts["layout"]["columns"] == columns
    assert facts["layout"]["body_font_pt"] == 10
    # the table of contents on page 1 names "References": the body does not end there
    assert facts["references_page"] is not None and facts["references_page"] > 1
    assert facts["body_pages"] >= facts["references_page"] - 1 >= 1
    repo.write(REPORT, pdf.read_bytes())
    result = check(repo, capsys, REPORT, *REPORT_ON_TIME)
    assert rules(result) == ([] if columns == 2 else ["layout.columns"])


# --- references on page 1 and without entries --------------------------------------------

def test_a_references_heading_on_page_1_does_not_end_the_body(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    report_pdf(repo.root / REPORT, columns=2, body_pt=10, pages=9, refs_on_first_page=True)
    result = check(repo, capsys, REPORT, *REPORT_ON_TIME)
    facts = inspect_json(repo.root / REPORT, capsys)
    assert (facts["pages"], facts["references_page"], facts["body_pages"]) == (10, 10, 9)
    assert rules(result) == ["pages.too-many"]
    assert "9 pages before the references" in findings(result)[0]["message"]


# --- layout ------------------------------------------------------------------------------

def test_one_column_12_pt_report_gets_layout_warnings_with_the_measured_values(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    report_pdf(repo.root / REPORT, columns=1, body_pt=12)
    result = check(repo, capsys, REPORT, *REPORT_ON_TIME)
    by_rule = {f["rule"]: f for f in findings(result)}
    assert set(by_rule) == {"layout.columns", "layout.body-font"}
    assert all(f["severity"] == "warning" for f in by_rule.values())
    assert "body text 12 pt, expected at most 10 pt" in by_rule["layout.body-font"]["message"]
    assert "one column" in by_rule["layout.columns"]["message"]
    assert result["verdict"] == "pass"


def test_two_column_10_pt_letter_report_has_no_layout_warning(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    report_pdf(repo.root / REPORT, columns=2, body_pt=10)
    assert rules(check(repo, capsys, REPORT, *REPORT_ON_TIME)) == []
    facts = inspect_json(repo.root / REPORT, capsys)
    layout = facts["layout"]
    assert (layout["columns"], layout["body_font_pt"], layout["paper_pt"]) == (
        2, 10, [612, 792])
    margins = layout["margins_pt"]  # 0.75 in (54 pt), plus fpdf2's cell padding of 1 mm
    assert abs(margins["left"] - 54 - 2.8) < 1 and abs(margins["top"] - 54) < 6


def test_small_font_on_legal_paper_and_narrow_margins(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="legal")
    pdf.set_margins(5, 5, 5)
    pdf.set_auto_page_break(True, margin=5)
    for _ in range(3):
        pdf.add_page()
        pdf.set_font("Times", "", 7)
        pdf.multi_cell(0, 3, LOREM * 12, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(repo.write(REPORT, b"")))
    by_rule = {f["rule"]: f["message"] for f in findings(check(repo, capsys, REPORT,
                                                               *REPORT_ON_TIME))}
    assert "US Legal (8.5 x 14 in), expected US Letter" in by_rule["layout.paper"]
    assert "body text 7 pt, expected at least 9 pt" in by_rule["layout.body-font"]
    assert "margins too small: left 0.24 in" in by_rule["layout.margins"]
