"""Inspectors on real files written by other software: ../shared/corpus (read in place)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.facts import FileFacts
from checker.inspect import inspect_file
from checker.model import Deliverable, Limits
from checker.rules.document import document_findings

CORPUS_PDFS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pdf"


def _pdf_entries() -> list[dict[str, object]]:
    index = CORPUS_PDFS / "files.json"
    if not index.is_file():
        return []
    return list(json.loads(index.read_text())["data"])


def _rules(facts: FileFacts) -> list[str]:
    return [f.rule for f in facts.findings]


@pytest.mark.parametrize("entry", _pdf_entries(), ids=lambda e: str(e["path"]))
def test_corpus_pdf_page_counts(corpus: Path, entry: dict[str, object]) -> None:
    path = corpus / "pdf" / str(entry["path"])
    if not path.is_file():
        pytest.skip(f"files.json lists {entry['path']} but the corpus does not ship it")
    facts = inspect_file(path, f"submissions/g01/{path.name}", Limits(), "pdf")
    assert facts.kind == "pdf"
    if entry["encrypted"]:
        assert "file.encrypted" in _rules(facts)
        assert facts.pages is None
    elif path.name == "unreadablemetadata.pdf":
        assert _rules(facts) == ["file.unreadable"]
        message = facts.findings[0].message
        assert path.name in message and "damaged" in message
    else:
        assert facts.pages == entry["pages"]
        assert not [f for f in facts.findings if f.severity.value == "error"]


def test_corpus_pdf_index_lists_the_named_cases(corpus: Path) -> None:
    names = {str(e["path"]).split("/")[0] for e in _pdf_entries()}
    assert {"005-libreoffice-writer-password", "017-unreadable-meta-data"} <= names


def test_corpus_book_is_read_within_the_default_limits(corpus: Path) -> None:
    facts = inspect_file(corpus / "pdf/009-pdflatex-geotopo/GeoTopo-komprimiert.pdf",
                         "book.pdf", Limits(), "pdf")
    assert facts.pages == 117
    assert "pdf.text-partial" in _rules(facts)  # the text of the first pages only


def test_a_regular_font_pdfium_would_call_heavy_is_not_bold(corpus: Path) -> None:
    """PDFium estimates a weight from the stems of a font that declares none: 021's regular
    SFRM0900 and italic SFTI fonts come out at 600 or more. Bold is the font's name or its
    ForceBold flag, so the body text is not bold and the heading is the large title (the large
    date under it is no heading: ``checker.inspect.pdfblocks``)."""
    import ctypes

    from checker.inspect.pdfium import Document, lib
    from checker.inspect.pdflines import read_page

    weight = lib.FPDFText_GetFontWeight  # not one the checker declares: it does not use it
    weight.restype, weight.argtypes = ctypes.c_int, (ctypes.c_void_p, ctypes.c_int)
    path = corpus / "pdf/021-pdfa/crazyones-pdfa.pdf"
    with Document(path) as document, document.page(0) as page:
        with page.text() as textpage:
            weights = [weight(textpage, i) for i in range(lib.FPDFText_CountChars(textpage))]
        lines = read_page(page).lines
    assert max(weights) >= 600  # what a weight threshold would have taken for bold
    assert lines and not any(line.bold for line in lines)
    facts = inspect_file(path, "summary.pdf", Limits(), "pdf")
    assert facts.headings == ["The Crazy Ones"]


# Every hostile or odd archive ends in a clear finding, through inspect_file and the rules
# of a code deliverable (readonly-slip.zip is harmless: only its missing README is reported).
EXPECTED_ZIP = {
    "megamansec-zip-slip-symlink/abs-slip.zip": "zip.unsafe-path",
    "megamansec-zip-slip-symlink/backslash-slip.zip": "zip.unsafe-path",
    "megamansec-zip-slip-symlink/dotdot-slip.zip": "zip.unsafe-path",
    "megamansec-zip-slip-symlink/case-slip.zip": "zip.symlink",
    "megamansec-zip-slip-symlink/exfil-slip.zip": "zip.symlink",
    "megamansec-zip-slip-symlink/toctou-slip.zip": "zip.symlink",
    "megamansec-zip-slip-symlink/unicode-slip.zip": "zip.symlink",
    "megamansec-zip-slip-symlink/unicode-nfkc-slip.zip": "zip.symlink",
    "megamansec-zip-slip-symlink/readonly-slip.zip": "zip.readme-missing",
    "recursiveextractor/NestedFormatsTest.zip": "zip.nested",
    "recursiveextractor/TestData.zip": "zip.junk",
    "recursiveextractor/TestDataCorrupt.tar.zip": "zip.nested",
    "recursiveextractor/TestDataEncryptedAES.zip": "file.encrypted",
    "recursiveextractor/TestDataEncryptedZipCrypto.zip": "file.encrypted",
    "recursiveextractor/zbsm.zip": "zip.bomb",
    "snyk-zip-slip/zip-slip.zip": "zip.unsafe-path",
    "snyk-zip-slip/zip-slip-win.zip": "zip.unsafe-path",
}


def test_every_corpus_archive_is_listed(corpus: Path) -> None:
    found = {str(p.relative_to(corpus / "zip")) for p in (corpus / "zip").rglob("*.zip")}
    assert found == set(EXPECTED_ZIP)


@pytest.mark.parametrize("name", sorted(EXPECTED_ZIP))
def test_corpus_archive_ends_in_a_clear_finding(
    corpus: Path, name: str, code_deliverable: Deliverable
) -> None:
    facts = inspect_file(corpus / "zip" / name, f"submissions/g01/{Path(name).name}",
                         Limits(), "zip")
    findings = facts.findings + document_findings(facts, code_deliverable, ())
    assert EXPECTED_ZIP[name] in [f.rule for f in findings]
    for f in findings:
        assert Path(name).name in f.message and f.hint


def test_toctou_archive_also_reports_the_colliding_names(corpus: Path) -> None:
    facts = inspect_file(corpus / "zip/megamansec-zip-slip-symlink/toctou-slip.zip", "t.zip",
                         Limits(), "zip")
    assert _rules(facts).count("zip.unsafe-path") == 1


def _docx_index() -> dict[str, dict[str, object]]:
    index = CORPUS_PDFS.parent / "docx" / "INDEX.json"
    return json.loads(index.read_text()) if index.is_file() else {}


@pytest.mark.parametrize("name", sorted(_docx_index()))
def test_corpus_docx_headings_agree_with_index(corpus: Path, name: str) -> None:
    facts = inspect_file(corpus / "docx" / name, name, Limits(), "docx")
    entry = _docx_index()[name]
    # INDEX lists paragraphs whose style name starts with Heading/Title and the "Bibliography"
    # entry style; headings are the Heading N and Title styles with text.
    expected = [
        text.strip() for style, text in entry["headings"]  # type: ignore[attr-defined]
        if (style.startswith("Heading") or style == "Title") and text.strip()
    ]
    if facts.headings_source in ("bold", "lines"):  # no heading styles: other paragraphs
        assert expected == []
    else:
        assert facts.headings == expected, [f.message for f in facts.findings]


def _type3_pdf(path: Path, lines: tuple[str, ...] = ("hgohgohgo",)) -> Path:
    """A page of text in a Type 3 font whose glyphs are drawn in text-space units (as dvips
    bitmap fonts are): ``/F1 1 Tf`` scaled by 0.01, so the nominal size is 0.01 pt while the
    glyphs are those of a 10 pt font (ascender 6.94 pt, descender 1.94 pt)."""
    procs = {"h": "600 0 0 0 500 694 d1 0 0 500 694 re f",
             "g": "600 0 0 -194 500 450 d1 0 -194 500 644 re f",
             "o": "600 0 0 0 500 450 d1 0 0 500 450 re f"}
    content = " ".join(f"BT /F1 1 Tf 0.01 0 0 0.01 72 {700 - 20 * i} Tm ({text}) Tj ET"
                       for i, text in enumerate(lines))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 -194 500 694] /FontMatrix [1 0 0 1 0 0] "
        "/CharProcs << /h 6 0 R /g 7 0 R /o 8 0 R >> /FirstChar 103 /LastChar 111 "
        "/Widths [600 600 0 0 0 0 0 0 600] "
        "/Encoding << /Type /Encoding /Differences [103 /g /h 111 /o] >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        *(f"<< /Length {len(p)} >>\nstream\n{p}\nendstream" for p in procs.values()),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode("ascii")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode("ascii")
    path.write_bytes(bytes(out))
    return path


def test_a_type3_font_in_glyph_units_is_sized_from_its_glyphs(tmp_path: Path) -> None:
    from checker.inspect.pdfium import Document
    from checker.inspect.pdflines import read_page

    with Document(_type3_pdf(tmp_path / "dvips.pdf")) as document, document.page(0) as page:
        [line] = read_page(page).lines
    assert line.text == "hgohgohgo"
    # a third of its glyphs reach the ascender, 6.94 pt, 0.69 of an em: a 10 pt font, not 0.01
    assert line.size == 10.1
    assert (round(line.x), round(line.y)) == (72, 700)


def test_every_line_of_one_type3_font_gets_the_same_size(tmp_path: Path) -> None:
    """A line without ascenders ("ogo") is sized by its font's glyphs on the whole page, not
    by its own letters: the same style never reads as two sizes."""
    from checker.inspect.pdfium import Document
    from checker.inspect.pdflines import read_page

    path = _type3_pdf(tmp_path / "dvips.pdf", ("hgohgohgo", "ogoogo", "hhhh"))
    with Document(path) as document, document.page(0) as page:
        lines = read_page(page).lines
    assert [line.text for line in lines] == ["hgohgohgo", "ogoogo", "hhhh"]
    assert {line.size for line in lines} == {10.1}


def test_positions_are_measured_from_the_visible_box(tmp_path: Path) -> None:
    """A crop box that does not start at (0, 0): the page's size and the lines' positions are
    both taken in the crop box, so margins are what a reader sees."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    from checker.inspect.pdfium import Document
    from checker.inspect.pdflines import read_page

    pdf = FPDF(format="letter")
    pdf.set_margins(72, 72, 72)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 10, "Body text starts one inch from the paper's edge.")
    plain = tmp_path / "plain.pdf"
    pdf.output(str(plain))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.pages[0].cropbox = RectangleObject([50, 40, 562, 752])
    cropped = tmp_path / "cropped.pdf"
    writer.write(cropped)
    with Document(plain) as document, document.page(0) as page:
        before = read_page(page)
    with Document(cropped) as document, document.page(0) as page:
        after = read_page(page)
    assert (before.width, before.height) == (612, 792)
    assert (after.width, after.height) == (512, 712)
    assert round(before.lines[0].x - after.lines[0].x) == 50
    assert round(before.lines[0].y - after.lines[0].y) == 40


@pytest.mark.parametrize(("name", "bold"), [
    ("CMBX10", True), ("CMBXTI10", True), ("Mcmbx", True), ("ABCDEF+CMSSBX10", True),
    ("ecbx1000", True), ("SFBX1200", True),
    ("LinLibertineTB", True), ("LinLibertineTBI", True), ("LinBiolinumTB", True),
    ("rtxb", True), ("Times-Bold", True), ("NimbusRomNo9L-Medi", True),
    ("NimbusRomNo9L-MediItal", True), ("Arial,Bold", True),
    ("CMR10", False), ("CMSS10", False), ("LinLibertineT", False), ("LinLibertineTI", False),
    ("rtxr", False), ("Times-Roman", False), ("NimbusRomNo9L-Regu", False), ("", False),
])
def test_bold_is_read_from_the_font_name(name: str, bold: bool) -> None:
    """The names published papers use (acmart's Libertine, LaTeX's bx fonts, txfonts)."""
    from checker.inspect.pdflines import is_bold_font

    assert is_bold_font(name) is bold
