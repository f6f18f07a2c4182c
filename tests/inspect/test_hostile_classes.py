"""Issue 8 §5, hostile files second round: each class ends in a named finding, through the CLI.

Every file is made by real software (python-docx, pypdf, Python's zipfile; LibreOffice where
it matters) and, where the class is a lie inside the container, edited the way an attacker
would edit it: a few bytes patched in place, every offset kept. ``python -m checker inspect
--format json FILE`` runs in a fresh process, as a student would run it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    pptx_files,
    slide_xml,
    write_docx,
    write_encrypted_huge_names,
    write_pdf,
    write_zip,
)

from checker.model import Limits

ROOT = Path(__file__).resolve().parents[2]
BOUND = Limits().wall_seconds + 10.0  # the per-file wall clock, plus a process start


def inspect(path: Path) -> tuple[int, dict[str, Any]]:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "checker", "inspect", "--format", "json",
                           str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert time.monotonic() - start < BOUND, f"{path.name} took too long"
    assert proc.returncode in (0, 1), proc.stderr
    [facts] = json.loads(proc.stdout)["files"]
    for f in facts["findings"]:
        assert path.name in f["message"] and f["hint"], f
    return proc.returncode, facts


def rules(facts: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in facts["findings"]]


# --- symbolic links, whatever system made the archive ---------------------------------------

@pytest.mark.parametrize("made_by", [3, 5, 16, 30], ids=["unix", "atari", "beos", "atheos"])
def test_symlink_entries_whatever_the_made_by_system(tmp_path: Path, made_by: int) -> None:
    archive = tmp_path / "code.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("README.md", "# Build\n`make`\n# Run\n`./run`\n")
        link = zipfile.ZipInfo("passwd")
        link.create_system = made_by
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    if shutil.which("unzip"):  # why it matters: unzip makes it a link to /etc/passwd
        out = tmp_path / "unzipped"
        subprocess.run(["unzip", "-q", str(archive), "-d", str(out)], check=False,
                       capture_output=True)
        assert os.path.islink(out / "passwd")
    code, facts = inspect(archive)
    assert code == 1 and "zip.symlink" in rules(facts)


# --- names unsafe once normalised ------------------------------------------------------------

@pytest.mark.parametrize(("name", "why"), [
    ("\uff0e\uff0e/escape.txt", "'..'"),  # full-width dots
    ("src\uff0f\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fescape.txt", "'..'"),  # and solidus
    ("\uff0fetc/cron.d/job", "absolute path"),
    ("C\uff1a/Windows/evil.dll", "drive letter"),
    ("src\uff3c..\uff3cevil.txt", "backslashes"),
    ("src\\..\\evil.txt", "backslashes"),
    ("D:/evil.txt", "drive letter"),
])
def test_names_unsafe_after_nfkc_backslashes_drive_letters(tmp_path: Path, name: str,
                                                           why: str) -> None:
    archive = write_zip(tmp_path / "code.zip", {"README.md": "# Build\n`make`\n# Run\n`./r`\n",
                                                name: "x"})
    code, facts = inspect(archive)
    assert code == 1 and rules(facts) == ["zip.unsafe-path"]
    assert why in facts["findings"][0]["message"]


# --- local headers against the central directory --------------------------------------------

def _patched(path: Path, edit: Any) -> Path:
    data = bytearray(path.read_bytes())
    edit(data)
    path.write_bytes(bytes(data))
    return path


def _local(data: bytearray, name: bytes) -> int:
    at = data.index(b"PK\x03\x04" + data[4:8])  # first local header
    while data[at + 30:at + 30 + len(name)] != name:
        at = data.index(b"PK\x03\x04", at + 4)
    return at


@pytest.mark.parametrize("lie", ["method", "sizes", "name", "count"])
def test_local_headers_and_central_directory_disagree(tmp_path: Path, lie: str) -> None:
    archive = tmp_path / "code.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.md", "# Build\n`make`\n# Run\n`./run`\n")
        zf.writestr("main.py", "print('hello')\n" * 50)

    def edit(data: bytearray) -> None:
        at = _local(data, b"main.py")
        if lie == "method":
            struct.pack_into("<H", data, at + 8, 0)  # stored, says the local header
        elif lie == "sizes":
            usize = struct.unpack_from("<I", data, at + 22)[0]
            struct.pack_into("<I", data, at + 22, usize + 1000)
        elif lie == "name":
            data[at + 30:at + 37] = b"evil.py"
        else:
            end = data.rindex(b"PK\x05\x06")
            struct.pack_into("<HH", data, end + 8, 3, 3)

    _patched(archive, edit)
    code, facts = inspect(archive)
    assert code == 1 and "zip.inconsistent" in rules(facts), facts
    assert "disagree" in facts["findings"][0]["message"]


def test_a_consistent_archive_has_no_such_finding(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "code.zip", {"README.md": "# Build\n`make`\n# Run\n`./r`\n",
                                                "main.py": "print(1)\n"})
    code, facts = inspect(archive)
    assert code == 0 and rules(facts) == []


# --- DTDs in any Office XML part -------------------------------------------------------------

DTD = ('<?xml version="1.0" encoding="{enc}"?>\n<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
       '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n')


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                          zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, None) or src.read(info))
        for name, data in replace.items():
            dst.writestr(name, data)
    return target


@pytest.mark.parametrize(("part", "encoding"), [
    ("word/document.xml", "utf-16"),  # with a byte-order mark
    ("word/document.xml", "utf-16-be"),  # without
    ("word/document.xml", "utf-32-le"),
    ("customXml/item1.dat", "utf-8"),  # not named .xml
    ("word/glossary.bin", "utf-16-le"),
])
def test_dtd_in_any_office_xml_part_whatever_its_name_or_encoding(
        tmp_path: Path, part: str, encoding: str) -> None:
    clean = write_docx(tmp_path / "clean.docx", [("h1", "Problem"), ("p", "Text.")])
    with zipfile.ZipFile(clean) as zf:
        body = zf.read("word/document.xml").decode("utf-8").split("?>", 1)[1]
    label = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1]
    text = DTD.format(enc=label) + (body if part == "word/document.xml" else "<x>&b;</x>")
    docx = _rezip(clean, tmp_path / "proposal.docx", {part: text.encode(encoding)})
    code, facts = inspect(docx)
    assert code == 1 and rules(facts) == ["file.too-complex"]
    assert "DTD" in facts["findings"][0]["message"]


# --- a PDF with no pages ---------------------------------------------------------------------

def test_a_pdf_with_no_pages_is_never_a_clean_pass(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    path = tmp_path / "report.pdf"
    PdfWriter().write(str(path))
    code, facts = inspect(path)
    assert code == 1 and rules(facts) == ["file.empty"]
    assert facts["pages"] == 0


# --- a page tree whose declared count differs from the pages it lists ----------------------

def _recount(source: Path, target: Path, declared: int) -> Path:
    """``source`` with its page tree declaring ``declared`` pages (an edit by hand)."""
    import re

    data = source.read_bytes()
    edited, n = re.subn(rb"/Count \d+", b"/Count %d" % declared, data)
    assert n == 1  # a flat page tree: one /Count
    target.write_bytes(edited)
    return target


def test_a_pdf_declaring_fewer_pages_than_it_lists_counts_them_all(tmp_path: Path) -> None:
    """PDFium (and Chrome, poppler) believe the declared /Count; a viewer that walks the page
    tree shows every page. Hiding 2 of 3 pages from the page limit this way is an error."""
    three = write_pdf(tmp_path / "three.pdf", [("h", "Page 1"), ("break", ""), ("h", "Page 2"),
                                               ("break", ""), ("h", "Page 3")])
    path = _recount(three, tmp_path / "report.pdf", 1)
    code, facts = inspect(path)
    assert code == 1 and rules(facts) == ["pages.ambiguous"]
    assert facts["pages"] == 3
    message = facts["findings"][0]["message"]
    assert "declares 1 pages but lists 3" in message and "counts 3" in message


def test_a_pdf_declaring_more_pages_than_it_lists_is_unreadable(tmp_path: Path) -> None:
    three = write_pdf(tmp_path / "three.pdf", [("h", "Page 1"), ("break", ""), ("h", "Page 2"),
                                               ("break", ""), ("h", "Page 3")])
    code, facts = inspect(_recount(three, tmp_path / "report.pdf", 9))
    assert code == 1 and rules(facts) == ["file.unreadable"]


# --- PPTX: the slide list, every slide parsed ------------------------------------------------

def test_pptx_counts_the_slide_list_not_the_file_names(tmp_path: Path) -> None:
    deck = write_zip(tmp_path / "talk.pptx",
                     pptx_files([slide_xml(f"S{i}") for i in range(5)], listed=3))
    code, facts = inspect(deck)
    assert (code, facts["kind"], facts["pages"], rules(facts)) == (0, "pptx", 3, [])


@pytest.mark.parametrize("broken", ["empty", "not-xml", "not-a-slide"])
def test_pptx_whose_slides_are_not_slides_is_unreadable(tmp_path: Path, broken: str) -> None:
    bad = {"empty": "", "not-xml": "<p:sld><unclosed>",
           "not-a-slide": '<?xml version="1.0"?><html><body>hi</body></html>'}[broken]
    slides = [slide_xml("one"), *([bad] * (50 if broken == "empty" else 1))]
    deck = write_zip(tmp_path / "talk.pptx", pptx_files(slides))
    code, facts = inspect(deck)
    assert code == 1 and rules(facts) == ["file.unreadable"]
    assert "slide" in facts["findings"][0]["message"]


def test_pptx_with_an_empty_slide_list(tmp_path: Path) -> None:
    deck = write_zip(tmp_path / "talk.pptx", pptx_files([slide_xml("orphan")], listed=0))
    code, facts = inspect(deck)
    assert code == 1 and rules(facts) == ["file.empty"]


# --- the parent is bounded too ---------------------------------------------------------------

def test_huge_names_in_an_encrypted_archive_stay_bounded(tmp_path: Path) -> None:
    """400 entries flagged encrypted, each with a 64 KB name: 26 MB of names."""
    archive = write_encrypted_huge_names(tmp_path / "code.zip")
    assert archive.stat().st_size > 25 * 2**20
    proc = subprocess.run([sys.executable, "-m", "checker", "inspect", "--format", "json",
                           str(archive)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stdout) < 200_000
    assert "file.encrypted" in proc.stdout


# --- LibreOffice within the per-file limits ---------------------------------------------------

def test_libreoffice_stays_within_the_files_wall_clock(tmp_path: Path, soffice: str) -> None:
    """A 3 KB DOCX with 20,000 page breaks took LibreOffice 65 s and passed as an estimate."""
    docx = write_docx(tmp_path / "proposal.docx", [("h1", "Problem"), ("p", "Text.")]
                      + [("break", "")] * 20_000)
    assert docx.stat().st_size < 64 * 1024
    code, facts = inspect(docx)
    assert code == 1 and rules(facts) == ["file.too-complex"], facts
    assert "LibreOffice" in facts["findings"][0]["message"]
