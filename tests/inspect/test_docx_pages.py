"""The DOCX page estimate without LibreOffice (checker.inspect.docxpages): what python-docx
exposes moves it the way a layout engine would (spacing, font size, margins, breaks, sections,
tables, images, footnotes), it stays bounded on hostile documents, and, where LibreOffice is
installed, LibreOffice's page count lies within the estimate's range.

Documents written with python-docx, of real prose (tests/core/docx_prose.py)."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from checker.inspect import docxpages
from checker.inspect.docxpages import PageEstimate, estimate_pages, page_range
from tests.core.docx_prose import Variant, build, png, words


def estimate(data: bytes | Any) -> PageEstimate:
    if not isinstance(data, bytes):
        out = io.BytesIO()
        data.save(out)
        data = out.getvalue()
    return estimate_pages(docx.Document(io.BytesIO(data)))


def length(v: Variant) -> float:
    return estimate(build(v)).lengths["metric"]


def test_double_spacing_doubles_the_length_and_one_and_a_half_is_between() -> None:
    single = length(Variant("single", 1500))
    half = length(Variant("one and a half", 1500, spacing=1.5))
    double = length(Variant("double", 1500, spacing=2.0))
    assert 1.8 < double / single < 2.1
    assert 1.35 < half / single < 1.6


def test_the_font_size_and_the_margins_count() -> None:
    ten = length(Variant("10 pt", 2000, size=10))
    twelve = length(Variant("12 pt", 2000, size=12))
    fourteen = length(Variant("14 pt", 2000, size=14))
    assert ten < twelve < fourteen and 1.6 < fourteen / ten < 2.2  # lines and line height
    narrow = length(Variant("narrow", 2000, margins=0.5))
    wide = length(Variant("wide", 2000, margins=2.0))
    assert 1.8 < wide / narrow < 2.8


def test_paragraph_spacing_and_exact_line_heights() -> None:
    base = length(Variant("plain", 1200, paragraph_words=60))
    spaced = length(Variant("spaced", 1200, paragraph_words=60, after=12))
    assert spaced > base * 1.1  # 20 paragraphs, 12 pt after each
    exact = estimate(_lines(60, exact=24))  # 60 one-line paragraphs of exactly 24 pt
    assert exact.pages == 3 and abs(exact.lengths["metric"] - 2 - (1440 - 1296) / 648) < 0.05


def _lines(count: int, exact: float | None = None) -> Any:
    document = docx.Document()
    fmt = document.styles["Normal"].paragraph_format
    fmt.space_after = Pt(0)
    if exact is not None:
        fmt.line_spacing = Pt(exact)
    for i in range(count):
        document.add_paragraph(f"Line {i}")
    return document


def test_fonts_lay_out_in_both_font_environments() -> None:
    times = estimate(build(Variant("times", 1500)))
    assert times.lengths["dejavu"] > times.lengths["metric"] * 1.15  # DejaVu is wider
    aptos = estimate(build(Variant("aptos", 1500, font="Aptos")))  # no metric twin: DejaVu
    assert aptos.lengths["dejavu"] == aptos.lengths["metric"]
    low, high = times.range
    assert low <= times.pages <= high and high >= times.lengths["dejavu"]


def test_page_breaks_and_section_breaks_start_pages() -> None:
    document = docx.Document()
    for i in range(3):
        document.add_paragraph(" ".join(words(50, i)))
        document.add_page_break()  # the last one starts no page: nothing follows it
    assert estimate(document).pages == 3
    document = docx.Document()
    document.add_paragraph("Portrait")
    landscape = document.add_section(WD_SECTION.NEW_PAGE)
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Inches(11), Inches(8.5)
    document.add_paragraph("Landscape")
    document.add_section(WD_SECTION.CONTINUOUS)
    document.add_paragraph("Still on the second page")
    assert estimate(document).pages == 2


def test_tables_and_images_take_room() -> None:
    plain = length(Variant("plain", 800, sections=3))
    table = length(Variant("tables", 800, tables=3, sections=3))
    image = length(Variant("images", 800, images=2, sections=3))
    assert table > plain + 0.3  # 3 tables of 5 rows
    assert image > plain + 2 * 180 / 648  # two images 2.5 inches tall
    document = docx.Document()
    document.add_picture(io.BytesIO(png(20, 60)), width=Inches(3), height=Inches(9.5))
    document.add_paragraph("After the image")
    assert estimate(document).pages == 2  # a 9.5-inch image fills the 9-inch page


def test_a_long_table_row_splits_across_pages() -> None:
    document = docx.Document()
    document.add_paragraph("\n".join(f"Line {i}" for i in range(20)))  # a third of the page
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "\n".join(f"Cell line {i}" for i in range(60))
    est = estimate(document)  # 60 lines (1.35 pages) start under the paragraph, on page 1
    assert est.pages == 2 and 1.7 < est.lengths["metric"] < 2.0
    table.rows[0]._tr.get_or_add_trPr().append(
        table.rows[0]._tr.makeelement(qn("w:cantSplit"), {}))
    assert estimate(document).pages == 3  # a row that may not split starts on page 2


def test_references_start_the_free_pages() -> None:
    v = Variant("summary", 1200, spacing=2.0, references=30)
    est = estimate(build(v))
    assert est.references_page is not None and est.body_pages is not None
    assert est.body_pages < est.pages and est.body_pages in (est.references_page,
                                                             est.references_page - 1)
    assert est.body_range is not None and est.body_range[1] <= est.range[1]


def test_the_range_is_the_measured_error_around_both_environments() -> None:
    under, over = docxpages.UNDER, docxpages.OVER
    assert 0 < under < 0.2 and 0 < over < 0.2
    assert page_range((2.0, 2.0)) == (2, 3)  # two full pages may run onto a third
    assert page_range((5.4, 6.3)) == (math.ceil(5.4 * (1 - under)), math.ceil(6.3 * (1 + over)))
    assert page_range((0.01, 0.02)) == (1, 1)


def test_a_hostile_document_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    document = docx.Document()
    styles = document.styles.element
    normal = document.styles["Normal"].element
    based = normal.makeelement(normal.tag.replace("style", "basedOn"), {})
    based.set(normal.tag.replace("style", "val"), "Normal")  # a style based on itself
    normal.append(based)
    run = document.add_paragraph().add_run("x " * 50)
    run.font.size = Pt(1600)  # clamped, never a page per character
    assert styles is not None
    monkeypatch.setattr(docxpages, "MAX_BLOCKS", 50)
    for i in range(200):
        document.add_paragraph(f"Paragraph {i}")
    est = estimate(document)
    assert est.truncated and est.pages >= 10
    document = docx.Document()
    document.add_paragraph("x" * 1_000_000)  # one word of a million letters
    document.add_paragraph("a " * 500_000)
    est = estimate(document)  # laid out up to MAX_CHARS, the rest extrapolated
    assert est.truncated and est.pages > 300


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: the "
                    "estimate is compared with its layout only where it is")
def test_libreoffices_count_lies_in_the_estimates_range(tmp_path: Path) -> None:
    import pypdfium2

    variants = [
        Variant("double 12", 1500, spacing=2.0),
        Variant("calibri 11", 1400, font="Calibri", size=11, after=8, margins=1.25),
        Variant("arial 10 narrow", 2600, font="Arial", size=10, margins=0.5, tables=2),
        Variant("theme 14 wide", 900, font=None, size=14, spacing=1.5, margins=1.75, images=1),
        Variant("a4 breaks", 900, paper="a4", page_breaks=2, references=10, bullets=5),
    ]
    paths = []
    for i, v in enumerate(variants):
        paths.append(tmp_path / f"v{i}.docx")
        paths[-1].write_bytes(build(v))
    profile = tmp_path / "profile"
    subprocess.run([str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, paths)],
                   capture_output=True, timeout=600, check=False)
    for path, v in zip(paths, variants, strict=True):
        pdf = pypdfium2.PdfDocument(str(path.with_suffix(".pdf")))
        exact = len(pdf)
        pdf.close()
        low, high = estimate(path.read_bytes()).range
        assert low <= exact <= high, (v.name, exact, low, high)
