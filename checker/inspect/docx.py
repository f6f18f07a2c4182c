"""DOCX facts with python-docx, after the ZIP safety scan: headings, text, a page estimate.

Headings are paragraphs in a Heading style (any level) or the Title style; when a document has
none, short all-bold paragraphs (or bold questions) count instead (what Google Docs exports
when a writer bolds a line instead of choosing a heading). The exact page count needs a layout
engine: the caller converts with LibreOffice when it is installed (see
``checker.inspect.convert``); here the page count is estimated from the
layout python-docx exposes (``checker.inspect.docxpages``): fonts, spacing, margins, breaks,
tables and images, with a range from its measured error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from checker.facts import FileFacts
from checker.inspect import sections
from checker.inspect.archive import scan_zip
from checker.inspect.common import DamagedFile, encrypted_finding
from checker.inspect.docxlinks import document_links, relationship_links
from checker.limits import MAX_TEXT_CHARS
from checker.model import Limits

_HEADING_STYLE = re.compile(r"^(heading\s*\d+|title)$", re.IGNORECASE)
_BOLD_MAX_CHARS = 80


def is_heading_style(name: str | None) -> bool:
    return bool(name) and bool(_HEADING_STYLE.match(name.strip()))  # type: ignore[union-attr]


def _is_bold_heading(paragraph: Any) -> bool:
    text = paragraph.text.strip()
    longest = sections.MAX_QUESTION_CHARS if sections.is_question(text) else _BOLD_MAX_CHARS
    if not text or len(text) > longest or text.endswith((".", ",", ";", ":")):
        return False
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def inspect_docx(path: Path, facts: FileFacts, lim: Limits) -> None:
    scan = scan_zip(path, facts.path, lim, keep=lambda n: n.endswith(".rels"),
                    keep_bytes=1 << 20, ooxml=True)
    facts.findings.extend(scan.findings)
    if scan.encrypted:
        facts.findings.append(encrypted_finding(
            facts.path, "Save it again without a password (File > Info > Protect Document)."))
        return
    if scan.unsafe:
        return
    import docx
    from lxml import etree

    try:
        document = docx.Document(str(path))
    except etree.XMLSyntaxError as exc:  # a SyntaxError to Python: said to be the file's here
        raise DamagedFile(f"one of its XML parts is not well-formed ({exc})") from None
    styled: list[str] = []
    bold: list[str] = []
    texts: list[str] = []
    used = 0
    style_names: dict[str | None, str | None] = {}
    for paragraph in document.paragraphs:
        text = paragraph.text
        if used < MAX_TEXT_CHARS:
            texts.append(text[: MAX_TEXT_CHARS - used])
            used += len(text)
        # python-docx looks the default style up anew for every paragraph (a scan of all
        # styles): 20,000 paragraphs took 5 s of CPU. Each style id is resolved once.
        style_id = paragraph._p.style
        if style_id not in style_names:
            found = paragraph.style
            style_names[style_id] = found.name if found is not None else None
        style = style_names[style_id]
        if is_heading_style(style) and text.strip():
            styled.append(text.strip())
        elif _is_bold_heading(paragraph):
            bold.append(text.strip())
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if used < MAX_TEXT_CHARS:
                    texts.append(cell.text[: MAX_TEXT_CHARS - used])
                    used += len(cell.text)
    facts.text = "\n".join(texts)
    if styled:
        facts.headings, facts.headings_source = styled, "styles"
    elif bold:
        facts.headings, facts.headings_source = bold, "bold"
    else:  # what the section rules fall back on: short paragraphs shaped like titles
        facts.headings = sections.heading_lines(facts.text)[:200]
        facts.headings_source = "lines" if facts.headings else None
    _estimate_pages(document, facts)
    # What LibreOffice would fetch: it is not run on the file when there is any (docxlinks).
    facts.external_links = document_links(document) + sum(
        relationship_links(e.content or b"", len(e.content or b"") >= e.size)
        for e in scan.entries if e.name.endswith(".rels"))


def _estimate_pages(document: Any, facts: FileFacts) -> None:
    """The page count without LibreOffice: an estimate, with the range the exact count lies
    in (``checker.inspect.docxpages``)."""
    from checker.inspect.docxpages import estimate_pages

    estimate = estimate_pages(document)
    facts.pages = estimate.pages
    facts.pages_exact = False
    facts.pages_range = list(estimate.range)
    facts.body_pages = min(estimate.body_pages or estimate.pages, estimate.pages)
    facts.body_pages_range = list(estimate.body_range or estimate.range)
    facts.references_page = estimate.references_page
