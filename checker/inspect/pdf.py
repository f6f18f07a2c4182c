"""PDF facts with pypdf: pages, text per page, where the references start, headings, layout.

Each page is read once (``checker.inspect.pdflines``); headings come from the outline, else
fonts, else line shape (``checker.inspect.pdfheadings``); the references from
``checker.inspect.references``; the layout from ``checker.inspect.pdflayout``.

pypdf bounds each stream (75 MB) but not their sum, so every decoded stream is counted here
against ``PDF_MAX_DECODED_BYTES`` for the whole file; the worker's RLIMIT_AS is the backstop.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from checker.facts import FileFacts
from checker.findings import error, info
from checker.inspect import pdflayout, sections
from checker.inspect.pdfheadings import font_headings, line_headings, outline_entries
from checker.inspect.pdflines import PageLines, read_page
from checker.inspect.references import find_references
from checker.inspect.worker import empty_document, is_bad_file
from checker.limits import MAX_TEXT_CHARS, PDF_MAX_TEXT_PAGES, LimitExceeded
from checker.model import Limits


@contextmanager
def decode_budget(max_bytes: int) -> Iterator[None]:
    """Count every stream pypdf decodes; raise LimitExceeded past ``max_bytes`` in total."""
    import pypdf.filters as filters

    original: Callable[..., bytes] | None = getattr(filters, "decode_stream_data", None)
    if original is None:  # another pypdf layout: RLIMIT_AS still bounds memory
        yield
        return
    used = [0]

    def counting(stream: Any) -> bytes:
        data = original(stream)
        used[0] += len(data)
        if used[0] > max_bytes:
            raise LimitExceeded(
                "pdf_decoded_bytes",
                f"its streams decode to more than {max_bytes // 2**20} MB in total",
            )
        return data

    filters.decode_stream_data = counting
    try:
        yield
    finally:
        filters.decode_stream_data = original


def _quiet() -> None:
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", module="pypdf")


def looks_truncated(path: Path) -> bool:
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 2048))
        return b"%%EOF" not in f.read()


def open_reader(path: Path, facts: FileFacts) -> Any | None:
    """A PdfReader, or None after adding file.encrypted / file.unreadable to ``facts``."""
    from pypdf import PdfReader

    repo_path = facts.path
    if looks_truncated(path):
        facts.findings.append(error(
            "file.unreadable",
            f"{repo_path} is incomplete: a PDF ends with an end-of-file marker (%%EOF) and this "
            "one does not, so it was probably cut short while uploading or exporting.",
            "Export the PDF again from your editor and check that it opens in a PDF viewer.",
            repo_path,
        ))
        return None
    reader = PdfReader(str(path), strict=False)
    if reader.is_encrypted:
        opened = False
        try:
            opened = bool(reader.decrypt(""))  # owner-password only: readable by anyone
        except Exception as exc:
            if not is_bad_file(exc):  # no AES provider installed: the checker's failure
                raise
            opened = False
        if not opened:
            facts.findings.append(error(
                "file.encrypted",
                f"{repo_path} is password-protected; the checker and the staff cannot open it.",
                "Export or print it to PDF again without a password (no 'open' password; "
                "restrictions on editing are fine).",
                repo_path,
            ))
            return None
    return reader


def inspect_pdf(path: Path, facts: FileFacts, lim: Limits) -> None:
    _quiet()
    with decode_budget(lim.pdf_max_decoded_bytes):
        reader = open_reader(path, facts)
        if reader is None:
            return
        count = len(reader.pages)
        if count > lim.pdf_max_pages:
            raise LimitExceeded("pdf_pages", f"{count} pages (the limit is {lim.pdf_max_pages})")
        facts.pages = count
        facts.body_pages = count
        if count == 0:  # a valid PDF can have no page: never a clean pass
            facts.findings.append(empty_document(facts, "pages"))
            return
        pages: list[PageLines] = []
        used = 0
        for page in reader.pages[: min(count, PDF_MAX_TEXT_PAGES)]:
            read = read_page(page)
            read.text = read.text[: max(0, MAX_TEXT_CHARS - used)]
            used += len(read.text)
            pages.append(read)
        outline = outline_entries(reader)
    if count > PDF_MAX_TEXT_PAGES:
        facts.findings.append(info(
            "pdf.text-partial",
            f"{facts.path}: only the text of the first {PDF_MAX_TEXT_PAGES} of {count} pages "
            "was read.",
            "",
            facts.path,
        ))
    apply_pages(facts, pages, outline)


def apply_pages(facts: FileFacts, pages: list[PageLines],
                outline: list[tuple[str, int | None]]) -> None:
    """Fill text, headings, references, body pages and layout from what was read per page."""
    pages_text = [p.text for p in pages]
    facts.text = "\f".join(pages_text)
    outline_refs = next((page for title, page in outline
                         if page is not None and sections.is_references_heading(title)), None)
    ref_page, at_top = find_references(pages_text, outline_refs)
    facts.references_page = ref_page
    if ref_page is not None and facts.pages is not None:
        facts.body_pages = ref_page - 1 if at_top else ref_page
    facts.headings, facts.headings_source = choose_headings(pages, outline)
    body = pages[: ref_page - 1] if ref_page is not None and ref_page > 1 else pages
    facts.layout = pdflayout.measure(body)


def choose_headings(pages: list[PageLines],
                    outline: list[tuple[str, int | None]]) -> tuple[list[str], str]:
    """The outline when there is one, else lines set apart by font, else by their shape."""
    if outline:
        return [title for title, _ in outline], "outline"
    by_font = font_headings(pages)
    if by_font:
        return by_font, "fonts"
    return line_headings([p.text for p in pages]), "lines"


def count_pages(path: Path, lim: Limits) -> int:
    """Page count only (for the PDF LibreOffice makes from a DOCX)."""
    from pypdf import PdfReader

    _quiet()
    with decode_budget(lim.pdf_max_decoded_bytes):
        return len(PdfReader(str(path), strict=False).pages)
