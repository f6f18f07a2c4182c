"""Documents in the styles students hand in and papers are published in, made by real
software: an IEEE-style paper (fpdf2, and python-docx exported by LibreOffice), a student's
summary with plain headings (fpdf2), a report with a typed table of contents (python-docx).
Each maker returns the headings a reader sees in the document, written by hand: the tests
(``test_heading_styles.py``) and ``bench/bench_headings.py`` both use them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from conftest import LOREM

TITLE = "Paging the Key-Value Cache of Language Model Servers"
AUTHORS = "Jane Doe, Bob Li and Maria Garcia"
AFFILIATION = "Department of Computer Science, University of Michigan"
EMAILS = "{jdoe, boblee, mgarcia}@umich.edu"

# (level, text) of the IEEE-style paper: 1 = "I. INTRODUCTION" in small capitals, 2 = "A. ..."
IEEE_OUTLINE = [
    (1, "Introduction"), (1, "Background"), (2, "Serving Language Models"),
    (2, "Memory of the Key-Value Cache"), (1, "Design"), (2, "Paged Attention"),
    (2, "Scheduling and Preemption"), (1, "Evaluation"), (2, "Throughput"),
    (2, "Latency Under Load"), (1, "Related Work"), (1, "Conclusion"),
]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


class _Columns:
    """Two columns of a letter page in points, filled top to bottom, page after page."""

    def __init__(self, pdf: Any, top: float = 72.0) -> None:
        self.pdf, self.col, self.top = pdf, 0, top  # top: of the columns on this page
        self.y = top

    @property
    def x(self) -> float:
        return 54.0 + self.col * 261.0

    width = 243.0

    def need(self, height: float) -> None:
        if self.y + height > 738:
            self.col += 1
            if self.col == 2:
                self.pdf.add_page()
                self.col, self.top = 0, 60.0
            self.y = self.top

    def text(self, line: str, size: float, style: str = "", align: str = "L",
             lead: float = 1.2) -> None:
        self.need(size * lead)
        self.pdf.set_font("Times", style, size)
        self.pdf.set_xy(self.x, self.y)
        self.pdf.cell(self.width, size * lead, line, align=align)
        self.y += size * lead

    def paragraph(self, text: str, size: float = 10, style: str = "") -> None:
        self.pdf.set_font("Times", style, size)
        for line in self.pdf.multi_cell(self.width, size * 1.2, text, dry_run=True,
                                        output="LINES"):  # in the font's encoding: back
            self.text(line.encode("latin-1").decode(self.pdf.core_fonts_encoding), size, style)

    def small_caps(self, text: str, size: float = 10) -> None:
        """IEEEtran's section heading: capitals, the first of each word at full size."""
        pieces: list[tuple[str, float]] = []
        for word in text.split(" "):
            if pieces:
                pieces.append((" ", size))
            if word[:1].isalpha():
                pieces += [(word[0].upper(), size), (word[1:].upper(), size * 0.8)]
            else:
                pieces.append((word, size))
        pdf = self.pdf
        width = 0.0
        for piece, pt in pieces:
            pdf.set_font("Times", "", pt)
            width += pdf.get_string_width(piece)
        self.y += size * 0.8
        self.need(size * 1.6)
        x = self.x + (self.width - width) / 2
        for piece, pt in pieces:
            pdf.set_font("Times", "", pt)
            pdf.set_xy(x, self.y + (size - pt) * 0.75)
            pdf.cell(pdf.get_string_width(piece), pt, piece)
            x += pdf.get_string_width(piece)
        self.y += size * 1.6


def ieee_fpdf(path: Path) -> list[str]:
    """An IEEE conference paper's layout, by fpdf2: 24 pt title, authors, affiliation and
    e-mails centered, a bold run-in abstract, small-capital section headings, italic
    subsections, a figure with labels inside and its caption, a table with its caption in
    capitals, references. Returns the expected headings."""
    from fpdf import FPDF

    pdf = FPDF(format="letter", unit="pt")
    pdf.core_fonts_encoding = "windows-1252"  # dashes and quotes, as Times has them
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Times", "", 24)
    pdf.set_xy(54, 56)
    pdf.cell(504, 28, TITLE, align="C")
    for y, size, style, text in ((96, 11, "", AUTHORS), (110, 10, "I", AFFILIATION),
                                 (123, 9, "", EMAILS)):
        pdf.set_font("Times", style, size)
        pdf.set_xy(54, y)
        pdf.cell(504, size * 1.2, text, align="C")
    flow = _Columns(pdf, top=150)
    flow.paragraph("Abstract\u2014" + LOREM * 2, size=9, style="B")
    flow.paragraph("Index Terms\u2014language models, serving, memory, paging", 9, "BI")
    expected = [TITLE]
    number = subsection = 0
    for level, heading in IEEE_OUTLINE:
        if level == 1:
            flow.small_caps(f"{ROMAN[number]}. {heading}")
            expected.append(f"{ROMAN[number]}. {heading.upper()}")
            number += 1
            subsection = 0
        else:
            flow.y += 6
            flow.text(f"{'ABCDEF'[subsection]}. {heading}", 10, "I")
            expected.append(f"{'ABCDEF'[subsection]}. {heading}")
            subsection += 1
        flow.paragraph(LOREM * (3 if level == 1 else 2))
        if heading == "Paged Attention":
            _figure(flow)
        if heading == "Throughput":
            _table(flow)
    flow.small_caps("Acknowledgment")
    expected.append("ACKNOWLEDGMENT")
    flow.paragraph("The authors thank the reviewers for their comments on an early draft.")
    flow.small_caps("References")
    expected.append("REFERENCES")
    for n in range(1, 13):
        flow.paragraph(f"[{n}] A. Author and B. Author, \u201cA study of caches, part {n},"
                       f"\u201d in Proc. of a Systems Conference, 2023, pp. {n}\u2013{n + 12}.",
                       size=8)
    pdf.output(str(path))
    return expected


def _figure(flow: _Columns) -> None:
    pdf = flow.pdf
    flow.need(120)
    top = flow.y + 6
    pdf.rect(flow.x + 10, top, flow.width - 20, 80)
    pdf.set_font("Helvetica", "", 7)
    for i, label in enumerate(("Request Queue", "Block Table", "Physical Blocks")):
        pdf.set_xy(flow.x + 20 + i * 75, top + 35)
        pdf.cell(60, 8, label)
    flow.y = top + 88
    flow.paragraph("Fig. 1. Logical blocks of a request mapped to physical blocks.", size=8)
    flow.y += 6


def _table(flow: _Columns) -> None:
    flow.y += 6
    flow.text("TABLE I", 8, align="C")
    flow.text("THROUGHPUT OF THE THREE SYSTEMS", 8, align="C")
    for row in ("System Requests/s Latency (ms)", "Orca 1210 61", "Static 980 75",
                "Paged 2150 45"):
        flow.text(row, 8, align="C")
    flow.y += 6


def summary_fpdf(path: Path) -> list[str]:
    """A student's summary by fpdf2: a bold title, the authors and their e-mails, plain 11 pt
    headings (the course's five sections), a figure caption. Returns the expected headings."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, "Summary: Efficient Memory Management for LLM Serving",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for line in ("Jane Doe, Bob Li, Maria Garcia", EMAILS, "November 21, 2024"):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    headings = ["Problem and Importance", "Related Work", "Proposed Solution and Key Insight",
                "Drawbacks and Limitations", "Future Research Directions"]
    for heading in headings:
        pdf.ln(3)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 5.5, LOREM * 2, new_x="LMARGIN", new_y="NEXT")
        if heading == "Proposed Solution and Key Insight":
            pdf.rect(pdf.l_margin + 30, pdf.get_y() + 3, 120, 30)
            pdf.set_y(pdf.get_y() + 36)
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(0, 5, "Figure 1: Key Value Blocks Mapped to Physical Memory",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 11)
    pdf.output(str(path))
    return ["Summary: Efficient Memory Management for LLM Serving", *headings]


def _docx_run(paragraph: Any, text: str, size: float, *, bold: bool = False,
              italic: bool = False, small_caps: bool = False) -> None:
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    run.font.small_caps = small_caps
    run.font.name = "Times New Roman"


def ieee_docx(path: Path) -> list[str]:
    """The IEEE-style paper written with python-docx, every heading formatted by hand (centered
    small capitals, italic subsections; no Heading style, so no bookmarks), two columns after
    the title block; exported by LibreOffice. Returns the expected headings."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    center = WD_ALIGN_PARAGRAPH.CENTER
    for text, size, italic in ((TITLE, 24, False), (AUTHORS, 11, False),
                               (AFFILIATION, 10, True), (EMAILS, 9, False)):
        paragraph = document.add_paragraph()
        paragraph.alignment = center
        _docx_run(paragraph, text, size, italic=italic)
    body = document.add_section(WD_SECTION.CONTINUOUS)
    cols = body._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = body._sectPr.makeelement(qn("w:cols"), {})
        body._sectPr.append(cols)
    cols.set(qn("w:num"), "2")
    abstract = document.add_paragraph()
    _docx_run(abstract, "Abstract\u2014", 9, bold=True, italic=True)
    _docx_run(abstract, LOREM * 2, 9, bold=True)
    expected = [TITLE]
    number = subsection = 0
    for level, heading in IEEE_OUTLINE:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(10 if level == 1 else 6)
        if level == 1:
            paragraph.alignment = center
            _docx_run(paragraph, f"{ROMAN[number]}. {heading}", 10, small_caps=True)
            expected.append(f"{ROMAN[number]}. {heading.upper()}")  # as LibreOffice writes it
            number, subsection = number + 1, 0
        else:
            _docx_run(paragraph, f"{'ABCDEF'[subsection]}. {heading}", 10, italic=True)
            expected.append(f"{'ABCDEF'[subsection]}. {heading}")
            subsection += 1
        for _ in range(2):
            _docx_run(document.add_paragraph(), LOREM * 2, 10)
        if heading == "Throughput":
            caption = document.add_paragraph()
            caption.alignment = center
            _docx_run(caption, "TABLE I", 8)
            caption = document.add_paragraph()
            caption.alignment = center
            _docx_run(caption, "Throughput of the Three Systems", 8, small_caps=True)
            table = document.add_table(rows=4, cols=3)
            for r, row in enumerate((("System", "Requests/s", "Latency (ms)"),
                                     ("Orca", "1210", "61"), ("Static", "980", "75"),
                                     ("Paged", "2150", "45"))):
                for c, cell in enumerate(row):
                    _docx_run(table.cell(r, c).paragraphs[0], cell, 8)
        if heading == "Paged Attention":
            _docx_run(document.add_paragraph(), "Fig. 1. Logical Blocks Mapped to Physical "
                      "Blocks", 8)
    paragraph = document.add_paragraph()
    paragraph.alignment = center
    _docx_run(paragraph, "References", 10, small_caps=True)
    expected.append("REFERENCES")
    for n in range(1, 9):
        _docx_run(document.add_paragraph(), f"[{n}] A. Author and B. Author, \u201cA study of "
                  f"caches, part {n},\u201d in Proc. of a Systems Conference, 2023.", 8)
    document.save(str(path))
    return expected


def report_docx(path: Path, bold: bool = True) -> list[str]:
    """A student report with a typed table of contents (entries with dot leaders and page
    numbers) and headings in 12 pt typed by hand (no Heading style), bold or not. Returns the
    expected headings."""
    import docx
    from docx.enum.text import WD_BREAK

    sections = ["1 Introduction", "2 Background and Related Work", "3 System Design",
                "3.1 The Block Table", "3.2 Scheduling", "4 Evaluation", "5 Conclusion"]
    document = docx.Document()
    paragraph = document.add_paragraph()
    _docx_run(paragraph, "Final Report: A Paged Cache for Model Serving", 20, bold=True)
    _docx_run(document.add_paragraph(), "Group g10: Ada Lovelace, Alan Turing, Grace Hopper", 11)
    _docx_run(document.add_paragraph(), "Table of Contents", 14, bold=True)
    for page, entry in enumerate(sections, start=2):
        _docx_run(document.add_paragraph(), f"{entry} {'.' * (60 - len(entry))} {page}", 11)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for entry in sections:
        _docx_run(document.add_paragraph(), entry, 12, bold=bold)
        for _ in range(2):
            _docx_run(document.add_paragraph(), LOREM * 2, 11)
        if entry == "4 Evaluation":
            _docx_run(document.add_paragraph(), "Table 2. Requests per Second and Latency", 9)
    _docx_run(document.add_paragraph(), "References", 12, bold=bold)
    for n in range(1, 6):
        _docx_run(document.add_paragraph(), f"[{n}] A. Author. Caching keys and values, part "
                  f"{n}. In Proceedings of a Systems Conference, 2023.", 10)
    document.save(str(path))
    return ["Final Report: A Paged Cache for Model Serving", "Table of Contents", *sections,
            "References"]


def export_pdf(docx_path: Path, soffice: str, profile: Path) -> Path | None:
    """LibreOffice's PDF of a DOCX (``soffice --headless --convert-to pdf``), None if none."""
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(docx_path.parent), str(docx_path)],
                   capture_output=True, timeout=180)
    out = docx_path.with_suffix(".pdf")
    return out if out.is_file() else None
