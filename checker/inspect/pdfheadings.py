"""A PDF's headings, by three methods (pure over what PDFium read; benchmarked in bench/).

1. ``outline``: the document's bookmarks (LibreOffice and Word export them from Heading styles;
   LaTeX with hyperref from its sections). Exact when present.
2. ``fonts``: lines set larger than the body text (by ``HEADING_SIZE_RATIO``) or wholly in a
   bold font at body size; a heading wrapped over several lines is joined again.
3. ``lines``: lines shaped like titles (numbered, Title Case, capitals or a question) that stand
   apart from the paragraphs: not the continuation of a paragraph's line, not in the small
   print of figures and tables (under ``MIN_LINE_SIZE_RATIO`` of the body), not in the
   references (but an appendix after them); a heading wrapped over two lines is joined. For
   PDFs whose headings differ from the body in nothing but their shape, or are set smaller
   (IEEE's small capitals), when the fonts set apart the title alone.

Neither method takes the lines ``checker.inspect.pdfblocks`` leaves out: authors,
affiliations, e-mail addresses and dates above the first paragraph, captions, contents
entries, running heads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from checker.inspect import pdfblocks, sections
from checker.inspect.pdflines import Line, PageLines, body_font_size

if TYPE_CHECKING:
    from checker.inspect.pdfium import Document

MAX_HEADINGS = 200
MAX_HEADING_CHARS = 200
MAX_OUTLINE_DEPTH = 9
MAX_FONT_HEADING_WORDS = 30
HEADING_SIZE_RATIO = 1.12  # a heading is at least this much larger than the body text
_MERGE_GAP = 2.0  # a heading's next line is at most this many of its sizes below it
MIN_LINE_SIZE_RATIO = 0.75  # smaller lines are the print of figures and tables
_WRAP_GAP = 1.3  # a shape heading's next line this close (in sizes) continues it
MIN_FONT_SECTIONS = 2  # fewer font headings besides the title: the fonts set apart the title
_FORMULA = re.compile(r"[=<>|\u2264\u2265\u2208\u2211\u220f\u00b1\u2192\u21d2]")
_FIGURE = re.compile(r"^[(\[]?[-+\u2212]?\d[\d.,:/%\u00d7x]*[)\]%]?$")  # 1221, 5.39%, (0.3)


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


def _prepared(pages: Sequence[PageLines], body: float | None,
              skip: pdfblocks.Skipped | None) -> tuple[float, pdfblocks.Skipped] | None:
    """The body size and the lines to leave out, as given or measured; None without text."""
    if body is None:
        body = body_font_size(list(pages))
    if body is None:
        return None
    return body, (skip if skip is not None else pdfblocks.skipped(pages, body))


def font_headings(pages: Sequence[PageLines], body: float | None = None,
                  skip: pdfblocks.Skipped | None = None) -> list[str]:
    """Lines set apart by size or weight; consecutive lines of one heading are joined."""
    prepared = _prepared(pages, body, skip)
    if prepared is None:
        return []
    body, skip = prepared
    out: list[str] = []
    for p, page in enumerate(pages):
        previous: Line | None = None
        for i, line in enumerate(page.lines):
            if (p, i) in skip.lines or not _is_font_heading(line, body):
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


def _pitch(pages: Sequence[PageLines], body: float) -> float:
    """The distance between the baselines of two lines of one paragraph (the most common)."""
    gaps: dict[float, int] = {}
    for page in pages:
        for above, line in zip(page.lines, page.lines[1:], strict=False):
            gap = above.y - line.y
            if (abs(line.size - body) <= pdfblocks.BODY_TOLERANCE_PT
                    and abs(above.size - body) <= pdfblocks.BODY_TOLERANCE_PT
                    and 0.8 * body <= gap <= 2 * body):
                key = round(gap * 2) / 2
                gaps[key] = gaps.get(key, 0) + 1
    return max(gaps, key=lambda g: gaps[g]) if gaps else 1.2 * body


def _continues(above: Line | None, line: Line, pitch: float, typical: int) -> bool:
    """``line`` is the next line of the paragraph ``above`` ends: one pitch below a full
    line of the same size that ends no sentence."""
    if above is None:
        return False
    gap = above.y - line.y
    return (0.8 * pitch <= gap <= 1.2 * pitch and abs(above.size - line.size) <= 0.6
            and len(above.text.strip()) >= pdfblocks.WIDE_SHARE * typical
            and not pdfblocks.ends_sentence(above.text))


def line_headings(pages: Sequence[PageLines], body: float | None = None,
                  skip: pdfblocks.Skipped | None = None) -> list[str]:
    """Lines shaped like headings that stand apart from the text around them."""
    prepared = _prepared(pages, body, skip)
    if prepared is None:
        return []
    body, skip = prepared
    pitch, typical = _pitch(pages, body), pdfblocks.typical_chars(pages, body)
    out: list[str] = []
    if skip.title:
        out.append(" ".join(pages[p].lines[i].text.strip()
                            for p, i in skip.title)[:MAX_HEADING_CHARS])
    references = False
    for p, page in enumerate(pages):
        lines = page.lines
        i = 0
        while i < len(lines) and len(out) < MAX_HEADINGS:
            line, text = lines[i], lines[i].text.strip()
            i += 1
            if (p, i - 1) in skip.lines or (p, i - 1) in skip.title \
                    or not _shaped(line, text, body) \
                    or _continues(lines[i - 2] if i >= 2 else None, line, pitch, typical) \
                    or (i < len(lines) and _continues(line, lines[i], pitch, typical)
                        and not _wraps(line, lines[i], text, body)):
                continue
            if references and not (text.lower().startswith(("appendi", "supplement"))
                                   or line.size >= HEADING_SIZE_RATIO * body):
                continue
            while i < len(lines) and _wraps(line, lines[i], text, body) \
                    and (p, i) not in skip.lines:
                text = f"{text} {lines[i].text.strip()}"[:MAX_HEADING_CHARS]
                line = lines[i]
                i += 1
            references = references or sections.is_references_heading(text)
            out.append(text)
    return out


def _shaped(line: Line, text: str, body: float) -> bool:
    """Shaped like a heading: title-like (``sections.looks_like_heading``), no formula, not a
    row of figures, and set smaller than the body text only in capitals (small capitals)."""
    if line.size < MIN_LINE_SIZE_RATIO * body or _FORMULA.search(text):
        return False
    if line.size < body - pdfblocks.BODY_TOLERANCE_PT and not text.isupper():
        return False
    words = sections.strip_numbering(text).split()
    figures = [w for w in words if _FIGURE.match(w)]
    if figures and (len(figures) > 1 or _FIGURE.match(words[-1])):
        return False
    return sections.looks_like_heading(text, strict=True)


def _wraps(line: Line, following: Line, text: str, body: float) -> bool:
    """``following`` is the rest of the heading ``text`` wrapped onto the next line."""
    rest = following.text.strip()
    return (abs(following.size - line.size) <= 0.3 and following.bold == line.bold
            and 0 < line.y - following.y <= _WRAP_GAP * max(line.size, body)
            and not text.endswith((".", ":", "?", "!", "\uff1f"))
            and sections.strip_numbering(rest) == rest
            and _shaped(following, rest, body))


def headings(pages: Sequence[PageLines]) -> tuple[list[str], str]:
    """(headings, "fonts" or "lines"): the lines set apart by their font, unless the fonts set
    apart fewer than ``MIN_FONT_SECTIONS`` lines besides the title (an IEEE paper: the title
    alone is large, its headings are small capitals) and the shapes of the lines find more."""
    body = body_font_size(list(pages))
    if body is None:
        return [], "lines"
    skip = pdfblocks.skipped(pages, body)
    by_font = font_headings(pages, body, skip)
    title = [pages[p].lines[i] for p, i in skip.title]
    beyond = len(by_font) - (1 if title and _is_font_heading(title[0], body) else 0)
    if by_font and beyond >= MIN_FONT_SECTIONS:
        return by_font, "fonts"
    by_shape = line_headings(pages, body, skip)
    if len(by_shape) > len(by_font):
        return by_shape, "lines"
    return by_font, ("fonts" if by_font else "lines")
