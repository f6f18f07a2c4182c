"""PDFs whose text cannot be read (issue 16, section 3): said so by ``pdf.text-unreadable``, a
warning naming what is not checked and how to fix it; never headings of control characters,
never a bare ``sections.missing``.

The files: the corpus' image-only PDFs (ImageMagick), a scan made here (a page of text drawn
by Pillow, placed as an image by fpdf2), and a Type 3 font written by hand (no producer at hand
writes one without a Unicode map; dvips does), with its twin that carries the map.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import LOREM
from test_headings_layout_cli import ON_TIME, SUMMARY
from test_headings_layout_cli import check as check_json
from test_headings_layout_cli import findings as file_findings

from checker.cli import main
from checker.facts import FileFacts
from checker.findings import Finding
from checker.inspect import inspect_file, readable
from checker.model import Deliverable, Limits
from checker.rules.document import document_findings
from tests.core.course_repo import CourseRepo

HEADINGS = ["Problem and Importance", "Related Work", "Proposed Solution and Key Insight",
            "Limitations", "Future Research Directions", "Class Discussion"]
WORDS = "".join(c for c in LOREM if c.isalpha() or c == " ").split()


@pytest.fixture
def course(tmp_path: Path) -> CourseRepo:
    return CourseRepo(tmp_path / "course")


def check(path: Path, d: Deliverable) -> tuple[FileFacts, list[Finding]]:
    facts = inspect_file(path, f"submissions/g03/{path.name}", Limits(), "pdf")
    return facts, facts.findings + document_findings(facts, d, ())


def rules(findings: Sequence[Finding]) -> list[str]:
    return [f.rule for f in findings]


# --- a Type 3 font, with and without a Unicode map ----------------------------------------
# Codes as dvips gives its bitmap fonts: a-z are 1-26 (control characters when read as they
# are), A-Z are 33-58 ("!" to ":"), the space 32. The glyphs are boxes.

def _code(ch: str) -> int:
    if ch == " ":
        return 32
    return ord(ch) - 96 if ch.islower() else ord(ch) - 64 + 32


def _show(text: str) -> str:
    return "<" + "".join(f"{_code(c):02X}" for c in text) + "> Tj"


def _lines(words: Sequence[str], per_line: int = 11) -> list[str]:
    return [" ".join(words[i:i + per_line]) for i in range(0, len(words), per_line)]


def type3_pdf(path: Path, unicode_map: bool, body_font: str = "F1") -> Path:
    """Two letter pages: each heading in 16 pt, then lines of 11 pt text, in the Type 3 font
    F1. ``unicode_map``: F1 has a ToUnicode CMap, as every producer of searchable text
    writes. ``body_font="F2"``: the text in Helvetica instead, and each heading followed by
    one symbol of F1 (as a paper set in Times writes a symbol of its math font)."""
    pages: list[list[str]] = [[], []]
    for i, heading in enumerate(HEADINGS):
        pages[i * 2 // len(HEADINGS)].append(heading)
    contents = []
    for heads in pages:
        ops, y = [], 740
        for heading in heads:
            if body_font == "F1":
                ops.append(f"BT /F1 16 Tf 72 {y} Td {_show(heading)} ET")
            else:
                ops.append(f"BT /F2 16 Tf 72 {y} Td ({heading} ) Tj /F1 16 Tf <01> Tj ET")
            y -= 24
            for line in _lines(WORDS * 2):
                shown = _show(line) if body_font == "F1" else f"({line}) Tj"
                ops.append(f"BT /{body_font} 11 Tf 72 {y} Td {shown} ET")
                y -= 14
            y -= 10
        contents.append("\n".join(ops).encode())
    glyphs = {f"g{n}": b"500 0 0 0 450 650 d1 0 0 450 650 re f" for n in range(1, 27)}
    glyphs.update({f"G{n}": b"600 0 0 0 550 650 d1 0 0 550 650 re f" for n in range(1, 27)})
    glyphs["space"] = b"250 0 d0"
    names = list(glyphs)
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: str = "") -> bytes:
        return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"

    procs = {name: add(stream(data)) for name, data in glyphs.items()}
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo "
            b"<< /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName "
            b"/Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <00> <FF> "
            b"endcodespacerange 3 beginbfrange <01> <1A> <0061> <20> <20> <0020> "
            b"<21> <3A> <0041> endbfrange endcmap CMapName currentdict /CMap defineresource "
            b"pop end end")
    to_unicode = f" /ToUnicode {add(stream(cmap))} 0 R" if unicode_map else ""
    widths = " ".join("500" if c <= 26 else "250" if c == 32 else "600" if c >= 33 else "0"
                      for c in range(1, 59))
    char_procs = " ".join(f"/{n} {procs[n]} 0 R" for n in names)
    differences = ("1 " + " ".join(f"/g{n}" for n in range(1, 27)) + " 32 /space "
                   + " ".join(f"/G{n}" for n in range(1, 27)))
    font = add((f"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 600 700] /FontMatrix "
                f"[0.001 0 0 0.001 0 0] /CharProcs << {char_procs} >> /Encoding << /Type "
                f"/Encoding /Differences [{differences}] >> /FirstChar 1 /LastChar 58 "
                f"/Widths [{widths}] /Resources << >>{to_unicode} >>").encode())
    helvetica = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    page_ids = []
    pages_id = len(objects) + 2 * len(contents) + 1
    for data in contents:
        content = add(stream(data))
        page_ids.append(add((f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 612 792] "
                             f"/Resources << /Font << /F1 {font} 0 R /F2 {helvetica} 0 R >> >> "
                             f"/Contents {content} 0 R >>").encode()))
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    assert add(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()) == pages_id
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    path.write_bytes(bytes(out))
    return path


def test_a_type3_font_without_unicode_map_is_said_unreadable(
    tmp_path: Path, summary_deliverable: Deliverable
) -> None:
    facts, findings = check(type3_pdf(tmp_path / "summary.pdf", unicode_map=False),
                            summary_deliverable)
    assert facts.pages == 2
    assert rules(findings) == ["pdf.text-unreadable"]  # no sections.missing, no page error
    [f] = findings
    assert f.severity.value == "warning" and f.path == "submissions/g03/summary.pdf"
    assert "submissions/g03/summary.pdf" in f.message and "cannot be decoded" in f.message
    assert "Unicode map" in f.message and "sections" in f.message and "references" in f.message
    assert "pdflatex" in f.hint and "ocrmypdf" in f.hint
    assert facts.headings == [] and facts.text == ""


def test_the_same_font_with_its_unicode_map_is_read(
    tmp_path: Path, summary_deliverable: Deliverable
) -> None:
    """The twin: the same glyphs and codes, plus a ToUnicode CMap. Read, and its sections
    are found; so it is the missing map, not the Type 3 font, that the checker reports."""
    facts, findings = check(type3_pdf(tmp_path / "summary.pdf", unicode_map=True),
                            summary_deliverable)
    assert rules(findings) == []
    assert {"Related Work", "Limitations"} <= set(facts.headings)
    assert "Large language model serving" in facts.text


def test_a_symbol_that_did_not_decode_is_left_out_of_its_heading(
    tmp_path: Path, summary_deliverable: Deliverable
) -> None:
    """Text in Helvetica, each heading ending in a symbol of the Type 3 font without a map
    (PDFium reads it as U+0001): the headings come without it."""
    path = type3_pdf(tmp_path / "summary.pdf", unicode_map=False, body_font="F2")
    facts, findings = check(path, summary_deliverable)
    assert rules(findings) == []
    assert facts.headings == HEADINGS
    assert "\x01" in facts.text  # the text keeps it: only headings are shown and matched


@pytest.mark.parametrize("name", ["007-imagemagick-images/imagemagick-lzw.pdf",
                                  "023-cmyk-image/cmyk-image.pdf",
                                  "019-grayscale-image/grayscale-image.pdf"])
def test_corpus_pdfs_of_images_only_have_no_text_layer(
    corpus: Path, name: str, summary_deliverable: Deliverable
) -> None:
    facts = inspect_file(corpus / "pdf" / name, "submissions/g03/summary.pdf", Limits(), "pdf")
    [f] = facts.findings
    assert (f.rule, f.severity.value) == ("pdf.text-unreadable", "warning")
    assert "no text layer" in f.message and "scan" in f.message and "ocrmypdf" in f.hint
    assert "sections.missing" not in rules(document_findings(facts, summary_deliverable, ()))


def test_a_pdf_with_text_is_not_reported(corpus: Path) -> None:
    for name in ("011-google-doc-document/google-doc-document.pdf",
                 "015-arabic/habibi.pdf", "004-pdflatex-4-pages/pdflatex-4-pages.pdf"):
        facts = inspect_file(corpus / "pdf" / name, "x.pdf", Limits(), "pdf")
        assert "pdf.text-unreadable" not in rules(facts.findings), name


# --- a scan, through the command line -----------------------------------------------------

def scan_pdf(path: Path, pages: int) -> Path:
    """Pages of typed text photographed: Pillow draws the text, fpdf2 places the picture."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=28)
    pdf = FPDF(format="letter")
    for number in range(pages):
        image = Image.new("L", (1275, 1650), 255)
        draw = ImageDraw.Draw(image)
        y = 120
        for heading in HEADINGS[number::pages]:
            draw.text((110, y), heading, fill=0, font=ImageFont.load_default(size=40))
            y += 70
            for line in _lines(WORDS, per_line=9)[:8]:
                draw.text((110, y), line, fill=0, font=font)
                y += 40
            y += 30
        pdf.add_page()
        pdf.image(image, x=0, y=0, w=pdf.w, h=pdf.h)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def check_scan(repo: CourseRepo, capsys: pytest.CaptureFixture[str], path: str, pages: int,
               *on_time: str) -> dict[str, Any]:
    """``python -m checker check`` of a scan of ``pages`` pages submitted at ``path``."""
    scan_pdf(repo.root / path, pages)
    return check_json(repo, capsys, path, *on_time)


def test_a_scanned_summary_is_a_warning_not_a_missing_section(
    course: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    result = check_scan(course, capsys, SUMMARY, 3, *ON_TIME)
    [f] = file_findings(result)
    assert (f["rule"], f["severity"]) == ("pdf.text-unreadable", "warning")
    assert f"{SUMMARY} has no text the checker can read" in f["message"]
    assert "3 pages" in f["message"] and "required sections" in f["message"]
    assert "`ocrmypdf in.pdf out.pdf`" in f["hint"]
    assert result["verdict"] == "pass"


def test_a_scanned_proposal_does_not_lack_its_members(
    course: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    result = check_scan(course, capsys, "submissions/g10/proposal.pdf", 1,
                        "--author", "ada-lovelace", "--at", "2024-09-10T12:00:00Z")
    assert [f["rule"] for f in file_findings(result)] == ["pdf.text-unreadable"]
    assert "members' names are not checked" in file_findings(result)[0]["message"]


def test_a_scanned_report_counts_every_page_and_says_why(
    course: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    result = check_scan(course, capsys, "submissions/g10/final/report.pdf", 9,
                        "--author", "ada-lovelace", "--at", "2024-12-10T12:00:00Z")
    by_rule = {f["rule"]: f for f in file_findings(result)}
    assert by_rule["pdf.text-unreadable"]["severity"] == "warning"
    too_many = by_rule["pages.too-many"]
    assert "9 pages (its text cannot be read, so no References heading could be found, so " \
           "every page counts)" in too_many["message"]


def test_inspect_shows_why_the_text_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = type3_pdf(tmp_path / "paper.pdf", unicode_map=False)
    assert main(["inspect", str(path)]) == 0  # a warning: exit 0
    out = capsys.readouterr().out
    assert "pdf.text-unreadable" in out and "cannot be decoded" in out
    assert not any(readable.is_unreadable_char(c) for c in out)


# --- the measure itself -------------------------------------------------------------------

def test_words_in_any_script_are_text_and_codes_are_not() -> None:
    assert readable.assess(["Les résumés sont lus; die Übersicht wird geprüft."]) is None
    assert readable.assess(["本文提出了一种新的方法\uff0c它可以减少内存的浪费\u3002"]) is None
    assert readable.assess(["حبيبي يبيبح هذا نص عربي"]) is None
    assert readable.assess(["PG\x08\t\x134% P \x08\t\x13 0 G \"4G5 K \"%\"\""]) == "undecodable"
    assert readable.assess(["A B C D E F G D ^ R v W a W O Q R T U W ~ N T"]) == "undecodable"
    assert readable.assess(["\ue000\ue001\ue002 \ue003\ue004"]) == "undecodable"
    assert readable.assess(["", " 1 ", "2"]) == "no-text"
    assert not readable.readable_heading("\x01\x04\x01 Related")
    assert readable.readable_heading("2.1 Related Work")
