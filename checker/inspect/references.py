"""Where the references start, from the text lines of each page (pure).

A "References" (or "Bibliography", ...) line counts only where reference entries follow it: at
least ``MIN_ENTRIES`` of the next ``ENTRY_WINDOW`` lines (one, when the document ends within
three lines) carry a year or start with a label such
as "[12]", "[Smi20]" or "12.". A match on a table-of-contents page never counts, nor one on page 1
of a longer document (a heading scan that stops there would pass any page limit). When the
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
_LABEL = re.compile(r"^\s*(?:\[[^\]\s]{1,15}\]|\d{1,3}\.\s|\(\d{1,3}\)\s)")


def page_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def is_contents_page(lines: Sequence[str]) -> bool:
    return any(sections.is_contents_heading(ln) for ln in lines[:5])


def entries_follow(following: Sequence[str]) -> bool:
    window = following[:ENTRY_WINDOW]
    hits = sum(1 for ln in window if _YEAR.search(ln) or _LABEL.match(ln))
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
