"""Hostile input: every file ends in a clear finding, within its bound, and the rest is checked.

The bound asserted is the sandbox's own wall-clock limit (a generous ceiling, not a timing
benchmark): a file that hangs or exhausts memory would exceed it or crash the test run.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import LOREM, code_files, summary_blocks, write_docx, write_pdf

from checker.facts import FileFacts
from checker.inspect import inspect_file
from checker.model import Limits

BOUND = Limits().wall_seconds + 5.0


def timed(path: Path, ext: str, limits: Limits | None = None) -> FileFacts:
    start = time.monotonic()
    facts = inspect_file(path, f"submissions/g07/{path.name}", limits or Limits(), ext)
    elapsed = time.monotonic() - start
    assert elapsed < BOUND, f"{path.name} took {elapsed:.1f} s"
    for f in facts.findings:
        assert path.name in f.message and f.hint, f
    return facts


def rules(facts: FileFacts) -> list[str]:
    return [f.rule for f in facts.findings]


def zombies() -> list[str]:
    """Zombie processes among this process's descendants (Linux /proc)."""
    if not Path("/proc/self/stat").exists():
        return []
    parents: dict[int, int] = {}
    states: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid = int(text.split(" ", 1)[0])
        fields = text.rsplit(")", 1)[1].split()
        states[pid], parents[pid] = fields[0], int(fields[1])
    me = os.getpid()

    def descends(pid: int) -> bool:
        seen = set()
        while pid in parents and pid not in seen:
            seen.add(pid)
            pid = parents[pid]
            if pid == me:
                return True
        return False

    return [f"{pid}" for pid, state in states.items() if state == "Z" and descends(pid)]


def rezip(source: Path, target: Path, replace: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                          zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = replace.pop(info.filename, None)
            dst.writestr(info.filename, data if data is not None else src.read(info))
        for name, data in replace.items():
            dst.writestr(name, data)
    return target


# --- every file ----------------------------------------------------------------------------

def test_zero_byte_file(tmp_path: Path) -> None:
    empty = tmp_path / "summary.pdf"
    empty.write_bytes(b"")
    assert rules(timed(empty, "pdf")) == ["file.empty"]


def test_png_named_pdf(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "report.pdf"
    Image.new("RGB", (64, 64), "white").save(path, format="PNG")
    facts = timed(path, "pdf")
    assert rules(facts) == ["format.mismatch"]
    assert "a PNG image, not a PDF document" in facts.findings[0].message


def test_docx_named_pdf_is_a_mismatch_but_still_read(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "report.pdf", [("h1", "Introduction"), ("p", LOREM)])
    facts = timed(path, "pdf")
    assert rules(facts) == ["format.mismatch"] and facts.headings == ["Introduction"]


def test_too_large_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    with path.open("wb") as f:
        f.truncate(3 * 2**20)
    facts = timed(path, "pdf", Limits(max_bytes=2 * 2**20))
    assert rules(facts) == ["file.too-large"]
    assert "100 MB" in facts.findings[0].message


def test_invalid_utf8_markdown_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "questions.md"
    path.write_bytes(b"# Questions\n\n1. Why?\n" + b"2. caf\xe9\n")
    facts = timed(path, "md")
    assert rules(facts) == ["file.unreadable"] and facts.findings[0].line == 4


# --- PDF -----------------------------------------------------------------------------------

def test_truncated_pdf(tmp_path: Path) -> None:
    whole = write_pdf(tmp_path / "whole.pdf", summary_blocks(["1. Problem"]))
    cut = tmp_path / "summary.pdf"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    facts = timed(cut, "pdf")
    assert rules(facts) == ["file.unreadable"]
    assert "cut short" in facts.findings[0].message


def _large_streams_pdf(path: Path, streams: int = 10, each: int = 70 * 2**20,
                       one_page: bool = False) -> Path:
    """Pages whose content streams decode to ``each`` bytes (under pypdf's own 75 MB limit
    per stream, together far beyond any sane document); with ``one_page`` the streams form
    one page's /Contents array."""
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

    packed = zlib.compress(b" " * each, 9)
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    refs = ArrayObject()
    for i in range(streams):
        stream = StreamObject()
        stream._data = packed
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        refs.append(writer._add_object(stream))
        if not one_page or i == 0:
            page = writer.add_blank_page(612, 792)
            page[NameObject("/Resources")] = resources
        if not one_page:
            page[NameObject("/Contents")] = refs[-1]
    if one_page:
        page[NameObject("/Contents")] = refs
    with path.open("wb") as f:
        writer.write(f)
    return path


def test_pdf_pages_that_decode_to_700_mb_are_read_one_page_at_a_time(tmp_path: Path) -> None:
    """PDFium frees what a page decoded before the next page is loaded: ten pages of 70 MB each
    fit in a worker allowed 160 MB, and the file is what it is, ten blank pages (no text: the
    warning pdf.text-unreadable)."""
    path = _large_streams_pdf(tmp_path / "report.pdf")
    assert path.stat().st_size < 2 * 2**20
    facts = timed(path, "pdf", Limits(memory_bytes=160 * 2**20))
    assert facts.pages == 10 and rules(facts) == ["pdf.text-unreadable"]


def test_pdf_page_with_an_array_of_large_streams(tmp_path: Path) -> None:
    facts = timed(_large_streams_pdf(tmp_path / "report.pdf", one_page=True), "pdf")
    assert rules(facts) == ["file.too-complex"]


def test_memory_limit_gives_too_complex(tmp_path: Path) -> None:
    path = _large_streams_pdf(tmp_path / "report.pdf", streams=3, one_page=True)
    facts = timed(path, "pdf", Limits(memory_bytes=160 * 2**20))
    assert rules(facts) == ["file.too-complex"]
    assert "memory" in facts.findings[0].message


def test_cpu_limit_kills_the_worker_and_the_next_file_is_checked(tmp_path: Path) -> None:
    """60 pages of 70 MB of content each: about 6 s of PDFium's time here, far over 1 s."""
    slow = timed(_large_streams_pdf(tmp_path / "slow.pdf", streams=60), "pdf",
                 Limits(cpu_seconds=1))
    assert rules(slow) == ["file.too-complex"]
    assert "processor time" in slow.findings[0].message
    fine = timed(write_pdf(tmp_path / "summary.pdf", summary_blocks(["1. Problem"])), "pdf")
    assert fine.pages == 1 and fine.findings == []
    assert zombies() == []


# --- DOCX ----------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY xxe SYSTEM "file://{secret}">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>
</w:body></w:document>"""


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-MARKER")
    return path


def test_billion_laughs_docx_is_refused(tmp_path: Path, secret_file: Path) -> None:
    base = write_docx(tmp_path / "base.docx", [("h1", "Intro"), ("p", LOREM)])
    bomb = rezip(base, tmp_path / "summary.docx",
                 {"word/document.xml": BILLION_LAUGHS.format(secret=secret_file)})
    facts = timed(bomb, "docx")
    assert rules(facts) == ["file.too-complex"]
    assert "<!DOCTYPE>" in facts.findings[0].message
    assert "TOP-SECRET-MARKER" not in facts.text


def test_docx_xml_parser_never_expands_entities(secret_file: Path) -> None:
    """Fails if python-docx's parser ever resolves entities or enables huge_tree."""
    from docx.oxml.parser import parse_xml
    from lxml import etree

    doc = BILLION_LAUGHS.format(secret=secret_file).encode()
    try:
        root = parse_xml(doc)
    except etree.XMLSyntaxError:
        pass  # refusing the document outright is just as good
    else:
        text = "".join(root.itertext())
        assert "TOP-SECRET-MARKER" not in text
        assert len(text) < 1000  # &lol9; would be 3 GB
    # Without huge_tree, libxml2 refuses nesting deeper than 256 levels.
    deep = b"<a>" * 5000 + b"</a>" * 5000
    with pytest.raises(etree.XMLSyntaxError):
        parse_xml(deep)


def test_oversized_document_xml_compressed_small(tmp_path: Path) -> None:
    base = write_docx(tmp_path / "base.docx", [("p", "x")])
    bomb = tmp_path / "report.docx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, src.read(info))
        run = b"<w:p><w:r><w:t>" + b"a" * 4000 + b"</w:t></w:r></w:p>"
        with dst.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxml'
                      b'formats.org/wordprocessingml/2006/main"><w:body>')
            for _ in range(300 * 2**20 // len(run)):
                out.write(run)
            out.write(b"</w:body></w:document>")
    assert bomb.stat().st_size < 2 * 2**20
    facts = timed(bomb, "docx")
    assert rules(facts) == ["file.too-complex"]
    assert "word/document.xml' is larger than 32 MB" in facts.findings[0].message
    assert facts.headings == [] and facts.text == ""  # python-docx never ran


def test_docx_with_traversal_entry_is_not_parsed(tmp_path: Path) -> None:
    base = write_docx(tmp_path / "base.docx", [("h1", "Intro")])
    evil = rezip(base, tmp_path / "summary.docx", {"../../evil.txt": "x"})
    facts = timed(evil, "docx")
    assert rules(facts) == ["zip.unsafe-path"] and facts.headings == []


# --- ZIP -----------------------------------------------------------------------------------

def test_zip_ratio_bomb(tmp_path: Path) -> None:
    path = tmp_path / "code.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.md", "# x")
        with zf.open("data.bin", "w", force_zip64=True) as out:
            block = b"\x00" * 2**20
            for _ in range(200):
                out.write(block)
    facts = timed(path, "zip")
    assert rules(facts) == ["zip.bomb"] and "expands more than" in facts.findings[0].message


def test_zip_with_too_many_entries(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(10_001):
            zf.writestr(f"f/{i}.txt", b"")
    path = tmp_path / "code.zip"
    path.write_bytes(buf.getvalue())
    facts = timed(path, "zip")
    assert rules(facts) == ["zip.bomb"] and "10001 entries" in facts.findings[0].message


def test_corrupt_zip(tmp_path: Path, make_zip: Callable[..., Path]) -> None:
    good = make_zip("good.zip", code_files())
    bad = tmp_path / "code.zip"
    bad.write_bytes(good.read_bytes()[:-30])
    facts = timed(bad, "zip")
    assert rules(facts) == ["file.unreadable"]
    assert "not a valid ZIP" in facts.findings[0].message


def test_a_pull_request_of_hostile_files_is_checked_to_the_end(
    corpus: Path, tmp_path: Path
) -> None:
    files = [(corpus / "zip/recursiveextractor/zbsm.zip", "zip"),
             (corpus / "pdf/017-unreadable-meta-data/unreadablemetadata.pdf", "pdf"),
             (corpus / "zip/snyk-zip-slip/zip-slip.zip", "zip"),
             (write_pdf(tmp_path / "summary.pdf", summary_blocks(["1. Problem"])), "pdf")]
    results = [timed(p, ext) for p, ext in files]
    assert [rules(r) for r in results] == [["zip.bomb"], ["file.unreadable"],
                                           ["zip.unsafe-path"], []]
