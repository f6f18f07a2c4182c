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
