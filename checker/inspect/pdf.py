"""PDF facts with PDFium (``checker.inspect.pdfium``): pages, text per page, references,
headings, layout.

Each page is read once (``checker.inspect.pdflines``) and closed before the next is loaded, so
what one page decodes is freed before the next; headings come from the outline, else fonts,
else line shape (``checker.inspect.pdfheadings``); the references from
``checker.inspect.references``; the layout from ``checker.inspect.pdflayout``.

PDFium rather than pypdf (issue 12, ``bench/bench_pdf_backends.py`` and
``bench/RESULTS-headings-references.md``): the same page counts on the corpus and on 190
published papers, the text, fonts and positions of every page about 8 times faster than pypdf
reads the text alone, and a fraction of its import. PDFium is C++: a file that makes it fail
badly (an allocation over the memory limit aborts it) stops only the worker it runs in
(``checker.inspect.sandbox``), whose memory, processor time and wall clock are bounded, and the
file gets ``file.too-complex``.

PDFium, like Chrome and poppler, takes the page count a PDF's page tree declares. When the file
holds more page objects than that, pypdf walks the tree (:func:`page_tree_leaves`) and a
mismatch is ``pages.ambiguous``, judged on the larger count.
"""

from __future__ import annotations

import re
from pathlib import Path

from checker.facts import FileFacts
from checker.findings import Finding, error, info
from checker.inspect import pdflayout, readable, sections
from checker.inspect.common import empty_document, encrypted_finding, is_bad_file
from checker.inspect.pdfheadings import headings, outline_entries
from checker.inspect.pdfium import ERR_PASSWORD, ERR_SECURITY, Document, PdfiumError
from checker.inspect.pdflines import PageLines, read_page
from checker.inspect.pdftree import read_tree, read_tree_with_pypdf
from checker.inspect.references import find_references
from checker.limits import MAX_TEXT_CHARS, PDF_MAX_TEXT_PAGES, LimitExceeded
from checker.model import Limits

# A page dictionary written in the clear (not inside a compressed object stream)
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z0-9#])")


def looks_truncated(path: Path) -> bool:
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 2048))
        return b"%%EOF" not in f.read()


def open_document(path: Path, facts: FileFacts) -> Document | None:
    """The open document, or None after adding file.encrypted / file.unreadable to ``facts``.

    A PDF protected by an owner password only (restrictions on editing or printing) opens
    without one: anyone can read it, and so can the checker.
    """
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
    try:
        return Document(path)
    except PdfiumError as exc:
        if exc.code in (ERR_PASSWORD, ERR_SECURITY):
            facts.findings.append(encrypted_finding(
                repo_path, "Export or print it to PDF again without a password (no 'open' "
                "password; restrictions on editing are fine)."))
            return None
        raise


def visible_page_objects(data: bytes) -> int:
    """Page dictionaries written in the clear anywhere in the file, used or not."""
    return sum(1 for _ in _PAGE_OBJECT.finditer(data))


def page_tree_leaves(path: Path) -> int | None:
    """The pages pypdf finds walking the page tree; None when pypdf cannot read the file.

    PDFium takes a document's page count from the /Count its page tree declares, as most
    viewers do; pypdf counts the pages the tree lists. A file whose two counts differ shows a
    different number of pages in different viewers.
    """
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        return len(reader.pages)
    except Exception as exc:
        if not is_bad_file(exc):
            raise
        return None


def ambiguous_pages(facts: FileFacts, declared: int, listed: int) -> Finding:
    low, high = sorted((declared, listed))
    return error(
        "pages.ambiguous",
        f"{facts.path} gives two page counts: its page tree declares {declared} pages but "
        f"lists {listed}, so PDF viewers disagree on its length (some show {low}, others "
        f"{high}). The checker counts {high}.",
        "Export or print the PDF again from your editor; a file edited by hand or by a repair "
        "tool can end up like this.",
        facts.path,
    )


def structure_findings(path: Path, data: bytes, facts: FileFacts, count: int,
                       judged: int) -> list[Finding]:
    """What a strict reader (poppler: Evince, Okular, pdftotext) finds where PDFium repaired:
    no catalog or page tree where the file says (``file.unreadable``: those viewers show
    nothing), or no valid page count (``pages.ambiguous``: they show no page, PDFium shows
    ``count``; the checker judges ``judged``, the larger of that and the pages listed)."""
    tree = read_tree(data)
    if tree.problem == "unknown":
        tree = read_tree_with_pypdf(path)
    if tree.problem in ("root", "pages"):
        where = ("its trailer names no document catalog" if tree.problem == "root" else
                 "its catalog names no page tree")
        return [error(
            "file.unreadable",
            f"{facts.path} is damaged: {where}. PDF viewers disagree on what it holds (Chrome "
            f"repairs it and shows {count} page(s); Evince, Okular and pdftotext, which "
            "follow the file's structure, show nothing), so a reviewer may see an empty file.",
            "Export or print the PDF again from your editor (not from a repair tool) and check "
            "that it opens in more than one viewer.",
            facts.path,
        )]
    if tree.problem == "count" and count > 0:  # none at all: file.empty says so
        what = "no page count" if tree.raw == "missing" else f"the page count {tree.raw}"
        return [error(
            "pages.ambiguous",
            f"{facts.path} gives no valid page count: its page tree declares {what}, so some "
            f"viewers (Evince, Okular) show no page while others (Chrome) show {count}. The "
            f"checker counts {judged}.",
            "Export or print the PDF again from your editor; a file edited by hand or by a "
            "repair tool can end up like this.",
            facts.path,
        )]
    return []


def inspect_pdf(path: Path, facts: FileFacts, lim: Limits) -> None:
    document = open_document(path, facts)
    if document is None:
        return
    with document:
        count = document.page_count()
        if count > lim.pdf_max_pages:
            raise LimitExceeded("pdf_pages", f"{count} pages (the limit is {lim.pdf_max_pages})")
        facts.pages = count
        facts.body_pages = count
        listed = None  # pages the tree lists, when it may hold more than PDFium counts
        if visible_page_objects(document.data) > count:  # more pages than declared, or unused ones
            listed = page_tree_leaves(path)
        judged = max(count, listed or 0)
        damaged = structure_findings(path, document.data, facts, count, judged)
        facts.findings.extend(damaged)
        if listed is not None and listed != count:
            if not damaged:
                facts.findings.append(ambiguous_pages(facts, count, listed))
            facts.pages = facts.body_pages = judged
        if facts.pages == 0:  # a valid PDF can have no page: never a clean pass
            facts.findings.append(empty_document(facts, "pages"))
            return
        pages: list[PageLines] = []
        used = 0
        for index in range(min(count, PDF_MAX_TEXT_PAGES)):
            with document.page(index) as page:
                read = read_page(page)
            read.text = read.text[: max(0, MAX_TEXT_CHARS - used)]
            used += len(read.text)
            pages.append(read)
        outline = outline_entries(document)
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
    """Fill text, headings, references, body pages and layout from what was read per page.

    Text that is not text (no text layer, or fonts without a Unicode map: ``readable``) is
    ``pdf.text-unreadable`` and is not kept: no heading, reference or name is read from it."""
    pages_text = [p.text for p in pages]
    reason = readable.assess(pages_text)
    if reason is not None:
        facts.findings.append(readable.finding(facts.path, reason, facts.pages or len(pages)))
        facts.headings, facts.headings_source = [], None
        facts.layout = pdflayout.measure(pages)
        return
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
    """The outline when there is one, else lines set apart by font, else by their shape
    (``pdfheadings.headings``); without the characters that did not decode
    (``readable.readable_headings``)."""
    if outline:
        return readable.readable_headings(title for title, _ in outline), "outline"
    found, source = headings(pages)
    return readable.readable_headings(found), source
