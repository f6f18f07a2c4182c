"""Where the references start, from the text lines of each page (pure).

A "References" (or "Bibliography", ...) line counts only where reference entries follow it: at
least ``MIN_ENTRIES`` of the next ``ENTRY_WINDOW`` lines (one, when the document ends within
three lines) carry a year, a venue word ("Proceedings", "Journal", "et al.", "arXiv", ...) or
start with a label such as "[12]", "[Smi20]" or "12.". A match on a table-of-contents page
never counts, nor one on page 1 of a longer document (a heading scan that stops there would
pass any page limit). When the
outline (bookmarks) has a references entry past page 1, its page is used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checker.inspect import sections

ENTRY_WINDOW = 15
MIN_ENTRIES = 2
TOP_LINES = 3  # a references heading among a page's first lines starts on a fresh page
_YEAR = re.compile(r"(?<!\d)(?:19[5-9]\d|20[0-4]\d)[a-z]?(?!\d)")
# "[12]", "[Smi20]", "12.", "(12)"; "[2ﬁ" too: old fonts garble the closing bracket
_LABEL = re.compile(r"^\s*(?:\[[^\]\s]{1,15}[\]\s]|\d{1,3}\.\s|\(\d{1,3}\)\s)")
_CUE = re.compile(r"\b(?:proceedings|proc\.|conference|journal|symposium|transactions|vol\.|"
                  r"pp\.|et al\.|arxiv|doi|press|technical report|tech\. rep)", re.IGNORECASE)
# pypdf shows glyphs of some old Type 1 fonts by name ("/1/9/9/3", "#5B" for "[")
_GLYPH_NOISE = str.maketrans({"/": None})
_ESCAPES = (("#5B", "["), ("#5D", "]"), ("#28", "("), ("#29", ")"))


def page_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def is_contents_page(lines: Sequence[str]) -> bool:
    return any(sections.is_contents_heading(ln) for ln in lines[:5])


def looks_like_entry(line: str) -> bool:
    for code, char in _ESCAPES:
        line = line.replace(code, char)
    line = line.translate(_GLYPH_NOISE)
    return bool(_YEAR.search(line) or _LABEL.match(line) or _CUE.search(line))


def entries_follow(following: Sequence[str]) -> bool:
    window = following[:ENTRY_WINDOW]
    hits = sum(1 for ln in window if looks_like_entry(ln))
    return hits >= (MIN_ENTRIES if len(window) > 3 else 1)  # a short list at the very end


def find_references(pages_text: Sequence[str],
                    outline_page: int | None = None) -> tuple[int | None, bool]:
    """(1-based page where the references start or None, whether they start at its top)."""
    pages = [page_lines(t) for t in pages_text]
    longer = len(pages) > 2
    if outline_page is not None and (outline_page > 1 or not longer):
        lines = pages[outline_page - 1] if outline_page <= len(pages) else []
        at = next((i for i, ln in enumerate(lines) if sections.is_references_heading(ln)), None)
        return outline_page, at is not None and at < TOP_LINES
    for number, lines in enumerate(pages, start=1):
        if is_contents_page(lines) or (number == 1 and longer):
            continue
        for index, line in enumerate(lines):
            if not sections.is_references_heading(line):
                continue
            following = lines[index + 1:]
            for later in pages[number:number + 1]:
                following = following + later
            if entries_follow(following):
                return number, index < TOP_LINES
    return None, False
