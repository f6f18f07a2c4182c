"""A PDF's headings, by three methods (pure over what PDFium read; benchmarked in bench/).

1. ``outline``: the document's bookmarks (LibreOffice and Word export them from Heading styles;
   LaTeX with hyperref from its sections). Exact when present.
2. ``fonts``: lines set larger than the body text (by ``HEADING_SIZE_RATIO``) or wholly in a
   bold font at body size; a heading wrapped over several lines is joined again.
3. ``lines``: short lines shaped like titles (numbered, Title Case or a question), from the text
   alone, for PDFs whose headings differ from the body in nothing but their shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from checker.inspect import sections
from checker.inspect.pdflines import Line, PageLines, body_font_size

if TYPE_CHECKING:
    from checker.inspect.pdfium import Document

MAX_HEADINGS = 200
MAX_HEADING_CHARS = 200
MAX_OUTLINE_DEPTH = 9
MAX_FONT_HEADING_WORDS = 30
HEADING_SIZE_RATIO = 1.12  # a heading is at least this much larger than the body text
_MERGE_GAP = 2.0  # a heading's next line is at most this many of its sizes below it


def outline_entries(document: Document) -> list[tuple[str, int | None]]:
    """(title, 1-based page or None) of the document's bookmarks, in order; [] if none.

    Nested at most ``MAX_OUTLINE_DEPTH`` deep; a bookmark that loops back is read once."""
    out: list[tuple[str, int | None]] = []
    for raw_title, index in document.outline(MAX_OUTLINE_DEPTH, MAX_HEADINGS * 4):
        title = " ".join(raw_title.split())[:MAX_HEADING_CHARS]
        if title:
            out.append((title, index + 1 if index is not None else None))
            if len(out) >= MAX_HEADINGS:
                break
    return out


def _is_font_heading(line: Line, body: float) -> bool:
    larger = line.size >= body * HEADING_SIZE_RATIO
    if not larger and not (line.bold and line.size >= body - 0.5):
        return False  # most lines: body text, decided without looking at their text
    text = line.text.strip()
    if len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_FONT_HEADING_WORDS:
        return False
    if sum(c.isalpha() for c in text) < 2:
        return False
    return larger or not text.endswith((".", ","))


def font_headings(pages: Sequence[PageLines], body: float | None = None) -> list[str]:
    """Lines set apart by size or weight; consecutive lines of one heading are joined."""
    if body is None:
        body = body_font_size(list(pages))
    if body is None:
        return []
    out: list[str] = []
    for page in pages:
        previous: Line | None = None
        for line in page.lines:
            if not _is_font_heading(line, body):
                previous = None
                continue
            joined = (previous is not None and abs(previous.size - line.size) <= 0.2
                      and previous.bold == line.bold
                      and 0 <= previous.y - line.y <= _MERGE_GAP * line.size
                      and not previous.text.rstrip().endswith(("?", ":", "\uff1f")))
            if joined and out:
                out[-1] = f"{out[-1]} {line.text.strip()}"[:MAX_HEADING_CHARS]
            elif len(out) < MAX_HEADINGS:
                out.append(line.text.strip())
            previous = line
    return out


def line_headings(pages_text: Sequence[str]) -> list[str]:
    """Lines shaped like headings (numbered, Title Case or a question), from text alone."""
    out: list[str] = []
    for text in pages_text:
        for line in text.splitlines():
            line = line.strip()
            if sections.looks_like_heading(line, strict=True):
                out.append(line)
                if len(out) >= MAX_HEADINGS:
                    return out
    return out
