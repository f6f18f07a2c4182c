"""Issue 19 (hostile files, round 3) and issue 17 item 6: each class through the public CLI.

Every file is built by ``hostile_files`` (zipfile, python-docx, python-pptx, fpdf2, then the
attacker's few patched bytes) and inspected by ``python -m checker inspect --format json`` in
a fresh process, as a student would run it; where it matters, ``unzip`` or poppler shows why
the class matters (what another tool makes of the same bytes).
"""

from __future__ import annotations

import http.server
import io
import math
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hostile_files as hf
import pytest
from test_hostile_classes import inspect, rules

from checker.model import Limits

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


def built(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def unzip_test(path: Path) -> int | None:
    """``unzip -t``'s exit status (0: no error), or None without unzip."""
    if shutil.which("unzip") is None:
        return None
    return subprocess.run(["unzip", "-t", str(path)], capture_output=True,
                          check=False).returncode


def seeds(n: int) -> list[random.Random]:
    return [random.Random(f"issue19-{n}-{i}") for i in range(n)]


# --- crashes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rng", seeds(4))
def test_c1_a_docx_part_that_is_not_well_formed_is_unreadable(tmp_path: Path,
                                                             rng: random.Random) -> None:
    code, facts = inspect(built(tmp_path, "summary.docx", hf.c1_malformed_part(rng, tmp_path)))
    assert code == 1 and rules(facts) == ["file.unreadable"], facts


@pytest.mark.parametrize("rng", seeds(3))
def test_c2_a_directory_offset_putting_entries_before_byte_0(tmp_path: Path,
                                                             rng: random.Random) -> None:
    archive = built(tmp_path, "code.zip", hf.c2_directory_before_start(rng))
    code, facts = inspect(archive)
    assert code == 1 and rules(facts) == ["file.unreadable"], facts
    assert "outside the file" in facts["findings"][0]["message"]


def test_c3_a_glyph_placed_at_nan_is_not_measured(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFium gave one generated file a NaN glyph origin; the layout measure rounded it
    (ValueError, exit 3). Here PDFium's answer for every other line is made NaN."""
    from checker.inspect import pdflines
    from checker.inspect.worker import run_inspection

    pdf = built(tmp_path, "report.pdf", hf.pdf_pages(random.Random(3), 2))
    real = pdflines._PageReader.origin
    calls = iter(range(10**6))

    def origin(self: Any, index: int) -> tuple[float, float]:
        x, y = real(self, index)
        return (math.nan, y) if next(calls) % 2 else (x, y)

    monkeypatch.setattr(pdflines._PageReader, "origin", origin)
    facts = run_inspection(pdf, "report.pdf", Limits(), "pdf")
    assert facts.pages == 2 and not facts.findings
    assert facts.layout is not None and math.isfinite(facts.layout["margins_pt"]["left"])


@pytest.mark.parametrize("rng", seeds(6))
def test_c3_text_and_boxes_at_extreme_coordinates_never_crash(tmp_path: Path,
                                                              rng: random.Random) -> None:
    code, facts = inspect(built(tmp_path, "report.pdf", hf.extreme_numbers_pdf(rng)))
    assert code in (0, 1) and facts["kind"] == "pdf"


# --- hostile archives ------------------------------------------------------------------------

@pytest.mark.parametrize("rng", seeds(3))
def test_h1_a_link_marked_only_in_the_asi_extra_field(tmp_path: Path, rng: random.Random) -> None:
    archive = built(tmp_path, "code.zip", hf.h1_asi_symlink(rng))
    if shutil.which("unzip"):  # why it matters: unzip makes the link
        out = tmp_path / "unzipped"
        subprocess.run(["unzip", "-q", str(archive), "-d", str(out)], capture_output=True,
                       check=False)
        assert any(p.is_symlink() for p in out.rglob("*"))
    code, facts = inspect(archive)
    assert code == 1 and rules(facts) == ["zip.symlink"], facts


@pytest.mark.parametrize("hidden", ["../escape.py", "/etc/cron.d/job", "README.md"])
def test_h2_the_unicode_path_field_is_the_name_judged(tmp_path: Path, hidden: str) -> None:
    entry = zipfile.ZipInfo("notes.txt")
    entry.extra = hf.unicode_path_extra(b"notes.txt", hidden)
    archive = built(tmp_path, "code.zip", bytes(hf.zip_bytes([("README.md", hf.README),
                                                              (entry, "x")])))
    if shutil.which("unzip"):  # unzip lists (and writes) the Unicode Path name
        listing = subprocess.run(["unzip", "-Z1", str(archive)], capture_output=True,
                                 text=True, check=False).stdout.split()
        assert hidden in listing
    code, facts = inspect(archive)
    assert code == 1 and rules(facts) == ["zip.unsafe-path"], facts
    assert repr(hidden) in facts["findings"][0]["message"]


@pytest.mark.parametrize("rng", seeds(3))
def test_h3_utf8_full_width_dots_not_flagged_utf8(tmp_path: Path, rng: random.Random) -> None:
    """Issue 17 and issue 19 H3: zipfile reads such a name as CP437 mojibake; unzip writes the
    bytes, which a normalising file system turns into ``../``."""
    code, facts = inspect(built(tmp_path, "code.zip", hf.h3_fullwidth_utf8(rng)))
    assert code == 1 and rules(facts) == ["zip.unsafe-path"], facts
    message = facts["findings"][0]["message"]
    assert "UTF-8" in message and "NFKC" in message


@pytest.mark.parametrize("rng", seeds(4))
def test_h4_end_record_counts_0xffff_or_zip64_lies(tmp_path: Path, rng: random.Random) -> None:
    archive = built(tmp_path, "code.zip", hf.h4_end_record_counts(rng))
    assert unzip_test(archive) in (None, 1, 2, 3)  # unzip -t reports it
    code, facts = inspect(archive)
    assert code == 1 and rules(facts) == ["zip.inconsistent"], facts


@pytest.mark.parametrize("rng", seeds(3))
def test_issue17_an_office_file_whose_end_record_count_lies(tmp_path: Path,
                                                            rng: random.Random) -> None:
    document = built(tmp_path, "summary.docx", hf.office_count_lie(rng, tmp_path))
    assert unzip_test(document) in (None, 1, 2, 3)
    code, facts = inspect(document)
    assert code == 1 and rules(facts) == ["zip.inconsistent"], facts


@pytest.mark.parametrize("rng", seeds(4))
def test_h10_local_headers_disagree_on_flags_or_zip64_sizes(tmp_path: Path,
                                                            rng: random.Random) -> None:
    code, facts = inspect(built(tmp_path, "code.zip", hf.h10_local_flags(rng)))
    assert code == 1 and "zip.inconsistent" in rules(facts), facts


@pytest.mark.parametrize("rng", seeds(2))
def test_h12_a_multi_disk_end_record(tmp_path: Path, rng: random.Random) -> None:
    code, facts = inspect(built(tmp_path, "code.zip", hf.h12_multi_disk(rng)))
    assert code == 1 and rules(facts) == ["zip.inconsistent"], facts
    assert "disk" in facts["findings"][0]["message"]


@pytest.mark.parametrize("rng", seeds(2))
def test_h13_a_nul_in_a_name(tmp_path: Path, rng: random.Random) -> None:
    code, facts = inspect(built(tmp_path, "code.zip", hf.h13_nul_name(rng)))
    assert code == 1 and rules(facts) == ["zip.unsafe-path"], facts
    assert "NUL" in facts["findings"][0]["message"]


# --- hostile Office files --------------------------------------------------------------------

@pytest.mark.parametrize("rng", seeds(3))
def test_h5_a_dtd_hidden_by_utf7_is_refused(tmp_path: Path, rng: random.Random) -> None:
    code, facts = inspect(built(tmp_path, "summary.docx", hf.h5_utf7_dtd(rng, tmp_path)))
    assert code == 1 and rules(facts) == ["file.too-complex"], facts
    assert "character encoding" in facts["findings"][0]["message"]


@pytest.mark.parametrize("rng", seeds(4))
def test_h8_a_deck_without_content_types_or_with_macros(tmp_path: Path,
                                                        rng: random.Random) -> None:
    data = hf.h8_not_a_deck(rng)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    macro = "[Content_Types].xml" in names  # the deck kept its types: a macro-enabled one
    code, facts = inspect(built(tmp_path, "talk.pptx", data))
    assert code == 1 and rules(facts) == ["format.mismatch" if macro else "file.unreadable"]


@pytest.mark.parametrize("rng", seeds(4))
def test_h9_office_parts_office_cannot_unpack(tmp_path: Path, rng: random.Random) -> None:
    document = built(tmp_path, "summary.docx", hf.h9_office_method(rng, tmp_path))
    code, facts = inspect(document)
    assert code == 1 and rules(facts) == ["file.unreadable"], facts
    assert "LibreOffice" in facts["findings"][0]["message"]


# --- hostile PDFs ----------------------------------------------------------------------------

@pytest.mark.parametrize("rng", seeds(5))
def test_h6_a_page_tree_without_a_valid_count(tmp_path: Path, rng: random.Random) -> None:
    pdf = built(tmp_path, "report.pdf", hf.h6_page_count(rng))
    pages = len(re.findall(rb"/Type /Page\b(?!s)", pdf.read_bytes()))
    code, facts = inspect(pdf)
    assert code == 1 and rules(facts) == ["pages.ambiguous"], facts
    assert facts["pages"] == pages  # what the page tree lists, which PDFium shows
    if shutil.which("pdfinfo"):  # poppler: a refusal, or another count
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                              check=False)
        assert info.returncode != 0 or f"Pages:           {pages}\n" not in info.stdout


@pytest.mark.parametrize("rng", seeds(3))
def test_h7_a_trailer_naming_no_catalog(tmp_path: Path, rng: random.Random) -> None:
    pdf = built(tmp_path, "report.pdf", hf.h7_no_catalog(rng))
    if shutil.which("pdftotext"):  # poppler shows nothing
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=False)
        assert text.returncode != 0 or not text.stdout.strip()
    code, facts = inspect(pdf)
    assert code == 1 and "file.unreadable" in rules(facts), facts
    assert "damaged" in facts["findings"][0]["message"]


# --- healthy files that were refused ---------------------------------------------------------

@pytest.mark.parametrize("rng", seeds(3))
def test_r1_decks_python_pptx_makes_are_read(tmp_path: Path, rng: random.Random) -> None:
    deck = built(tmp_path, "talk.pptx", hf.pptx_bytes(rng))
    code, facts = inspect(deck)
    assert (code, rules(facts), facts["kind"]) == (0, [], "pptx")


@pytest.mark.parametrize("rng", seeds(3))
def test_r1_word_files_with_mac_printer_settings_are_read(tmp_path: Path,
                                                          rng: random.Random) -> None:
    data = hf.with_printer_settings(hf.docx_bytes(rng, tmp_path), rng, "docx")
    assert b"<!DOCTYPE plist" in hf.part(data, "word/printerSettings/printerSettings1.bin")
    code, facts = inspect(built(tmp_path, "summary.docx", data))
    assert (code, rules(facts)) == (0, []), facts


def test_r1_the_corpus_word_file_made_on_a_mac(tmp_path: Path) -> None:
    path = CORPUS / "docx/features/steps/test_files/sct-section-props.docx"
    if not path.is_file():
        pytest.skip("the corpus is not at ../shared/corpus")
    copy = tmp_path / "summary.docx"
    shutil.copyfile(path, copy)
    code, facts = inspect(copy)
    assert "file.too-complex" not in rules(facts) and code == 0, facts


def test_a_dtd_in_an_xml_part_is_still_refused_beside_mac_printer_settings(
        tmp_path: Path) -> None:
    rng = random.Random(5)
    data = hf.with_printer_settings(hf.docx_bytes(rng, tmp_path), rng, "docx")
    styles = hf.part(data, "word/styles.xml").replace(
        b"?>", b'?><!DOCTYPE w:styles [<!ENTITY a "aaaa">]>', 1)
    code, facts = inspect(built(tmp_path, "summary.docx", hf.rezip(data, {
        "word/styles.xml": styles})))
    assert code == 1 and rules(facts) == ["file.too-complex"]


@pytest.mark.parametrize("rng", seeds(4))
def test_r2_code_zips_holding_a_stored_pdf_first_or_odf_names(tmp_path: Path,
                                                              rng: random.Random) -> None:
    code, facts = inspect(built(tmp_path, "code.zip", hf.r2_code_zip(rng)))
    assert (code, facts["kind"], rules(facts)) == (0, "zip", []), facts


def test_a_real_odf_document_named_zip_is_still_a_mismatch(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    code, facts = inspect(built(tmp_path, "code.zip", buffer.getvalue()))
    assert code == 1 and "format.mismatch" in rules(facts)


# --- H11: LibreOffice never reaches the network ----------------------------------------------

@pytest.fixture
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _record(self) -> None:
            seen.append(f"{self.command} {self.path}")
            self.send_response(404)
            self.end_headers()

        do_GET = do_HEAD = do_OPTIONS = do_PROPFIND = do_POST = _record

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("bypass", ["quotes", "hyperlink", "megabyte"])
def test_h11_links_past_the_old_guard_are_not_fetched(
        tmp_path: Path, soffice: str, recording_server: tuple[str, list[str]],
        bypass: str) -> None:
    url, seen = recording_server
    document = built(tmp_path, "summary.docx",
                     hf.linked_picture_docx(random.Random(bypass), tmp_path, url, bypass))
    code, facts = inspect(document)
    assert code == 0 and rules(facts) == ["docx.estimate"], facts
    assert "outside resource" in facts["findings"][0]["message"]
    assert seen == []


def test_h11_libreoffice_itself_reaches_no_server(
        tmp_path: Path, soffice: str, recording_server: tuple[str, list[str]]) -> None:
    """Past every guard (the conversion called directly), LibreOffice fetches the linked
    picture; in its sandbox the request never arrives (network namespace, else the closed
    proxy), and the conversion still gives the pages."""
    from checker.inspect import convert

    url, seen = recording_server
    document = built(tmp_path, "in.docx",
                     hf.linked_picture_docx(random.Random(1), tmp_path, url, "quotes"))
    out = tmp_path / "out"
    out.mkdir()
    pdf, why, _ = convert.to_pdf(document, out, 60.0, Limits())
    assert pdf is not None, why
    assert seen == []


def test_h11_libreoffice_sees_no_home_folder(tmp_path: Path, soffice: str) -> None:
    """A picture linked from the home folder: embedded by an unconfined LibreOffice, absent
    from the page when the mount namespace hides the home folders."""
    from pypdf import PdfReader

    from checker.inspect import convert

    if "files" not in convert.isolation():
        pytest.skip("no mount namespace here (user namespaces refused): only the network "
                    "is guarded")
    home = Path.home()
    if not any(str(home).startswith(d) for d in ("/home", "/root")):
        pytest.skip(f"the home folder {home} is not one the sandbox hides")
    secret = Path(os.path.realpath(home)) / f".checker-test-{os.getpid()}"
    secret.mkdir()
    try:
        from PIL import Image

        Image.new("RGB", (40, 40), "red").save(secret / "secret.png")
        document = built(tmp_path, "in.docx", hf.linked_picture_docx(
            random.Random(2), tmp_path, "file://" + str(secret), "quotes").replace(
            b"/figure.png", b"/secret.png"))
        out = tmp_path / "out"
        out.mkdir()
        pdf, why, _ = convert.to_pdf(document, out, 60.0, Limits())
        assert pdf is not None, why
        assert sum(len(page.images) for page in PdfReader(pdf).pages) == 0
    finally:
        shutil.rmtree(secret, ignore_errors=True)


def test_h11_isolation_is_probed_and_reported() -> None:
    from checker.inspect import convert

    found = convert.isolation()
    assert set(found) <= {"network", "files"}
    if sys.platform.startswith("linux") and shutil.which("unshare") and subprocess.run(
            ["unshare", "--map-root-user", "--net", "true"], capture_output=True,
            check=False).returncode == 0:
        assert "network" in found


# --- M1, M2: what a file puts in a message ---------------------------------------------------

HOSTILE = "".join(hf.CONTROLS) + hf.MARKUP_NAME  # one token: a file name, a command's word


def _assert_inert(text: str) -> None:
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "<img"):
        assert raw not in text, (raw, text[:2000])


def _messages(findings: list[dict[str, Any]]) -> str:
    """The messages and hints of findings (the facts beside them are data, names as they are:
    a consumer of names escapes them as names)."""
    return "\n".join(f"{f['message']}\n{f['hint']}" for f in findings)


def test_m1_m2_names_from_an_archive_reach_no_output_raw(tmp_path: Path) -> None:
    names = {f"keys/{HOSTILE}/.env": "TOKEN=1", f"data/{HOSTILE}.zip": b"PK\x05\x06" + b"\0" * 18,
             "README.md": f"# Build\n`make`\n# Run\n`python {HOSTILE}.py`\n", "main.py": "1\n"}
    archive = built(tmp_path, "code.zip", bytes(hf.zip_bytes(list(names.items()))))
    code, facts = inspect(archive)
    assert code == 0 and {"zip.secret", "zip.nested"} <= set(rules(facts))
    _assert_inert(_messages(facts["findings"]))
    text = subprocess.run([sys.executable, "-m", "checker", "inspect", str(archive)],
                          capture_output=True, text=True, cwd=ROOT, check=False).stdout
    assert "zip.secret" in text
    _assert_inert(text)


def test_m1_m2_check_annotations_json_and_text(tmp_path: Path) -> None:
    from tests.core.course_repo import CourseRepo
    from tests.core.test_hostile_cli import SUMMARY, run_check

    repo = CourseRepo(tmp_path / "course")
    headings = [f"Introduction {hf.CONTROLS[0]}{hf.CONTROLS[1]} {hf.MARKUP}", "Related Work"]
    repo.write(SUMMARY, hf.pdf_pages(random.Random(1), 2, headings))
    code_zip = "submissions/g10/final/code.zip"
    repo.write(code_zip, bytes(hf.zip_bytes([
        ("README.md", f"# Build\n`make`\n# Run\n`python {HOSTILE}.py`\n"),
        (f"{HOSTILE}/.env", "SECRET=1"), ("main.py", "print(1)\n")])))
    proc, result = run_check(repo, SUMMARY, code_zip)
    assert proc.returncode == 1, proc.stderr
    assert result is not None
    found = {f["rule"] for entry in result["files"] for f in entry["findings"]}
    assert {"sections.missing", "zip.secret", "zip.readme-missing-file"} <= found
    _assert_inert(proc.stdout)  # ::error annotations
    _assert_inert(_messages([f for entry in result["files"] for f in entry["findings"]]))
    text = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--root", str(repo.root), "--author",
         "ada-lovelace", "--at", "2024-11-25T10:00:00-05:00", SUMMARY, code_zip],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**os.environ, "CHECKER_SOFFICE": "none"})
    assert "sections.missing" in text.stdout
    _assert_inert(text.stdout)


def test_the_escaping_rule_is_applied_where_a_finding_is_made() -> None:
    from checker.findings import Finding, error

    made = error("zip.secret", f"code.zip holds {HOSTILE}; see submissions/<group>/x",
                 "Remove it.\nThen push again.")
    assert "\\x1b[31m" in made.message and "\\u202e" in made.message
    assert "submissions/<group>/x" in made.message  # the checker's own placeholders stay
    assert made.hint == "Remove it.\nThen push again."  # hints keep their lines
    _assert_inert(made.message)
    again = Finding.from_json(made.to_json(), "code.zip")
    assert again.message == made.message  # applying it twice changes nothing


# --- numbers a parser cannot hold: a finding or a pass, never the checker's crash ----------------

def test_a_zip64_locator_pointing_past_any_file_size(tmp_path: Path) -> None:
    import struct

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("README.md", "# Run\n1. `python main.py`\n")
        zf.writestr("main.py", "print('hi')\n")
    data = buf.getvalue()
    at = data.rfind(b"PK\x05\x06")
    _, _, entries, _, size_cd, offset_cd = struct.unpack_from("<HHHHII", data, at + 4)
    # a real ZIP64 end record where zipfile looks for it, and a locator naming 2**63 + 5
    record = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, entries, entries,
                                          size_cd, offset_cd)
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, 2**63 + 5, 1)
    archive = built(tmp_path, "code.zip", data[:at] + record + locator + data[at:])
    with zipfile.ZipFile(archive) as zf:  # zipfile reads it
        assert zf.testzip() is None
    code, facts = inspect(archive)
    assert code == 1 and rules(facts) == ["zip.inconsistent"], facts


def test_a_word_file_with_an_infinite_line_spacing(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    doc = docx.Document()
    for _ in range(3):
        doc.add_paragraph("Body text of the summary. " * 20)
    source = tmp_path / "made.docx"
    doc.save(str(source))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:p>", b'<w:p><w:pPr><w:spacing w:line="1e999" '
                                    b'w:after="inf"/></w:pPr>', 1)
            zout.writestr(item, data)
    monkeypatch.setenv("CHECKER_SOFFICE", "none")  # the estimate, as on a student's laptop
    code, _ = inspect(built(tmp_path, "summary.docx", out.getvalue()))
    assert code in (0, 1)


def test_an_object_stream_whose_header_holds_no_numbers(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "core"))
    from course_repo import pdf_bytes

    pdf = pdf_bytes(2).rstrip()
    assert pdf.endswith(b"%%EOF")
    body = b"x y 1234 abcdefghij"
    extra = (b"\n9 0 obj\n<< /Type /ObjStm /N 1 /First 9 /Length %d >>\nstream\n%s\nendstream"
             b"\nendobj\n%% /Root 99 0 R\n%%%%EOF\n" % (len(body), body))
    code, facts = inspect(built(tmp_path, "slides.pdf", pdf[:-len(b"%%EOF")] + extra))
    assert code in (0, 1), facts
