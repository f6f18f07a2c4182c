"""Lines of a PDF that are no headings, whatever their font or shape (pure over read lines).

The heading methods (``checker.inspect.pdfheadings``) look at lines set apart by size, weight
or shape; so do the lines around the text that are not part of it. Left out here:
- the front matter of page 1: the lines above the first paragraph of body text, such as the
  authors, affiliations, e-mail addresses and dates. Kept from it: the title (its largest
  lines) and the headings (numbered, "Abstract", or a line right above a paragraph that names
  no person, place or address);
- captions ("Fig. 3.", "Figure 3:", "Table 2.", "TABLE II" and the lines of the caption or
  table set right under it in the same size);
- the entries of a table of contents (dot leaders and a page number, or a page of numbered
  lines ending in numbers);
- running heads and feet: a line at the top or bottom of at least three pages (page numbers
  aside, the same text);
- e-mail addresses and web addresses anywhere.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from checker.inspect import sections
from checker.inspect.pdflines import Line, PageLines

BODY_TOLERANCE_PT = 0.6  # a line this close to the body size is body text by its size
WIDE_SHARE = 0.6  # a paragraph line holds at least this share of a typical body line's chars
MIN_PARAGRAPH_WORDS = 6
RUNNING_PAGES = 3  # a line at the top or bottom of this many pages is a running head
CAPTION_GAP = 1.6  # lines of a caption (or the table under it) are this many sizes apart
TITLE_RATIO = 1.1  # a title is at least this much larger than the body text
LATE_TITLE_RATIO = 1.3  # a title read after the text: this much larger, in the page's top part
TOP_SHARE = 0.4

_CAPTION = re.compile(
    r"^(?i:fig(?:ure)?|table|tab|listing|algorithm|alg|chart|exhibit|scheme|plate)\b\.?\s*"
    r"(?:\d+[a-z]?|[IVXLC]+\b)(?:\s*[.:\u2013\u2014)|-]|\s*$|\s+[A-Z(\d])")
_ADDRESS = re.compile(r"@|https?://|www\.|\.(?:com|org|edu|net)\b", re.IGNORECASE)
_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_DATE = re.compile(rf"^(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}"
                   rf",?\s+\d{{4}}|{_MONTHS},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\W*$",
                   re.IGNORECASE)
# postal codes and the like: "40127 Bologna", "MA 02139", "Ithaca NY 14853"
_POSTAL = re.compile(r"^\d{4,6}\s+[A-Z]|\b[A-Z]{2}\s+\d{5}\b|^arxiv:", re.IGNORECASE)
_AFFILIATION = re.compile(
    r"\b(?:universit|institut|college|school\b|department|dept\b|laborator|labs?\b|faculty|"
    r"academy|research\b|inc\b|corp|ltd\b|gmbh|cent(?:er|re)\b|hospital|polytechn)",
    re.IGNORECASE)
# a person's name: capitalised words or initials ("Jane Q. Doe", "T. V. Lakshman"), with the
# marks that send the reader to an affiliation (digits, *, daggers)
_MARKS = "0123456789*\u2020\u2021\u2217\u00a7\u00b6\u2016,"
_INITIAL = re.compile(r"^(?:[A-Z]\.)+-?(?:[A-Z]\.)*$")
_LEADERS = re.compile(r"(?:\.\s*){4,}\d+\s*$|\u2026+\s*\d+\s*$")
_ENDS_IN_NUMBER = re.compile(r"\s\d{1,4}$")
# a page number before or after a running head's text ("2 \u00b7 Phil Bagwell", "Page 3 of 9")
_NUMBER = r"(?:page\s+)?(?:\d+|[ivxlc]{1,6}\b)(?:\s+of\s+\d+)?"
_PAGE_NUMBER = re.compile(rf"^{_NUMBER}\W*\s|\s\W*{_NUMBER}$|^\W*\d+\W*$")
_SENTENCE_END = (".", ":", "!", "?", ".\u201d", ".\"")


@dataclass
class Skipped:
    """What :func:`skipped` found: the lines to leave out, and the title's lines."""

    lines: set[tuple[int, int]] = field(default_factory=set)  # (page, line) indices
    title: list[tuple[int, int]] = field(default_factory=list)


def is_body(line: Line, body: float, typical: int) -> bool:
    """A line of a paragraph: at the body size, long, and of several words."""
    text = line.text.strip()
    return (abs(line.size - body) <= BODY_TOLERANCE_PT and len(text) >= WIDE_SHARE * typical
            and len(text.split()) >= MIN_PARAGRAPH_WORDS)


def typical_chars(pages: Sequence[PageLines], body: float) -> int:
    """Characters of a full line of body text (the 75th percentile of body-size lines)."""
    lengths = sorted(len(line.text.strip()) for page in pages for line in page.lines
                     if abs(line.size - body) <= BODY_TOLERANCE_PT)
    return lengths[int(0.75 * (len(lengths) - 1))] if lengths else 60


def is_caption(text: str) -> bool:
    return bool(_CAPTION.match(text.strip()))


def is_address(text: str) -> bool:
    return bool(_ADDRESS.search(text))


def _name_words(part: str) -> list[str] | None:
    """The words of a part of a line if each is a capitalised name or an initial, else None."""
    words = [w for w in (w.strip(_MARKS) for w in part.split()) if w]
    if all(_INITIAL.match(w) or (w[0].isupper() and w[1:].replace("-", "").replace(
            "'", "").isalpha() and w.lower() not in sections.STOPWORDS) for w in words):
        return words
    return None


def is_names(text: str) -> bool:
    """Persons' names: two or more (separated by commas, "and" or wide spaces, or side by side
    with initials: "M. Kodialam T. V. Lakshman"), or one carrying an affiliation mark
    ("Sheng Di1", "Laszlo Szekeres\u2020")."""
    marked = any(c in "*\u2020\u2021\u2217\u00a7\u00b6" for c in text) or bool(
        re.search(r"[a-z]\d", text))
    parts = [p for p in re.split(r",|;|\s+and\s+|\s&\s|\s{2,}", text) if p.strip()]
    if not parts or len(parts) > 12:
        return False
    named = [_name_words(part) for part in parts]
    if any(words is None or not words for words in named):
        return False
    if len(parts) == 1:
        words = named[0] or []
        initials = any(_INITIAL.match(w) for w in words)
        return 2 <= len(words) <= 5 if marked else (4 <= len(words) <= 16 and initials)
    return all(2 <= len(words or []) <= 5 for words in named)


def is_person(text: str) -> bool:
    """One person's name: two to four capitalised words or initials, no other word."""
    words = [w.strip(_MARKS) for w in text.split()]
    return 2 <= len(words) <= 4 and all(
        w and (_INITIAL.match(w) or (w[0].isupper() and w[1:].replace("-", "").isalpha()
                                     and w.lower() not in sections.STOPWORDS)) for w in words)


def _where(text: str) -> bool:
    """An e-mail or web address, a postal code, an arXiv identifier, a date."""
    return bool(is_address(text) or _DATE.match(text) or _POSTAL.search(text))


def _credits(text: str) -> bool:
    """Who wrote it and where: :func:`_where`, affiliations, names of several persons."""
    return bool(_where(text) or _AFFILIATION.search(text) or is_names(text))


def _region_end(lines: Sequence[Line], start: int, body: float, typical: int) -> int:
    """Where the front matter that starts at ``start`` ends: at the first paragraph (two body
    lines) or the first numbered heading, "Abstract" or "Introduction"."""
    for i in range(start, len(lines)):
        line, text = lines[i], lines[i].text.strip()
        following = lines[i + 1] if i + 1 < len(lines) else None
        paragraph = (is_body(line, body, typical) and following is not None
                     and is_body(following, body, typical)
                     and 0 < line.y - following.y <= 1.5 * line.size)
        if i > start and (paragraph or sections.strip_numbering(text) != text
                          or sections.normalize(text) in ("abstract", "introduction")):
            return i
    return len(lines)


def _title(lines: Sequence[Line], region: Sequence[int], body: float) -> list[int]:
    """The title's lines: the largest of the region, if larger than the body text; else its
    first line, if shaped like a heading and no credit."""
    if not region:
        return []
    largest = max(lines[i].size for i in region)
    if largest >= TITLE_RATIO * body:
        title = [next(i for i in region if abs(lines[i].size - largest) <= 0.2)]
        while title[-1] + 1 in region and abs(lines[title[-1] + 1].size - largest) <= 0.2:
            title.append(title[-1] + 1)
        return title
    first = lines[region[0]].text.strip()
    return [region[0]] if sections.looks_like_heading(first, strict=True) \
        and not _credits(first) else []


def _front_matter(pages: Sequence[PageLines], body: float, typical: int, out: Skipped) -> None:
    """Page 1 above the first paragraph (or the first numbered heading, "Abstract",
    "Introduction"): its largest lines are the title; the lines naming persons, places,
    addresses and dates, and the small print, are left out; a line right above the first
    paragraph or heading is a heading if it names no one. A title that PDFium reads after
    the text (a two-column page whose title block was written last) starts front matter of
    its own: the largest line of the page's top part, if no title was found before it."""
    if not pages or not pages[0].lines:
        return
    page, lines = pages[0], pages[0].lines
    end = _region_end(lines, 0, body, typical)
    regions = [(0, end)]
    title = _title(lines, [i for i in range(end) if not _where(lines[i].text.strip())], body)
    if not title:
        late = [i for i in range(end, len(lines)) if lines[i].size >= LATE_TITLE_RATIO * body
                and lines[i].y >= (1 - TOP_SHARE) * page.height
                and sections.looks_like_heading(lines[i].text.strip())]
        if late:
            first = max(late, key=lambda i: lines[i].size)
            regions.append((first, _region_end(lines, first, body, typical)))
            title = _title(lines, [i for i in late if i >= first], body)
    out.title = [(0, i) for i in title]
    for start, stop in regions:
        for i in range(start, stop):
            text = lines[i].text.strip()
            following = lines[i + 1] if i + 1 < len(lines) else None
            above = i + 1 == stop or (following is not None and is_body(following, body, typical))
            if i in title or (above and sections.looks_like_heading(text, strict=True)
                              and not _credits(text)):
                continue
            if _credits(text) or is_person(text) or lines[i].size < body - BODY_TOLERANCE_PT:
                out.lines.add((0, i))  # who and where, an author's name, small print


def _running(pages: Sequence[PageLines], out: Skipped) -> None:
    edges: Counter[str] = Counter()
    keys: list[list[tuple[int, str]]] = []
    for page in pages:
        n = len(page.lines)
        ends = sorted({0, 1, n - 2, n - 1} & set(range(n)))
        found = [(i, _PAGE_NUMBER.sub("", page.lines[i].text.strip().lower())) for i in ends]
        keys.append(found)
        edges.update({key for _, key in found})
    needed = max(RUNNING_PAGES, len(pages) // 3)
    for p, found in enumerate(keys):
        for i, key in found:
            if edges[key] >= needed and key:
                out.lines.add((p, i))


def _captions_contents_addresses(pages: Sequence[PageLines], out: Skipped) -> None:
    for p, page in enumerate(pages):
        numbered_ends = sum(1 for line in page.lines if _ENDS_IN_NUMBER.search(line.text.strip())
                            and sections.strip_numbering(line.text.strip()) != line.text.strip())
        caption: Line | None = None
        for i, line in enumerate(page.lines):
            text = line.text.strip()
            if caption is not None and abs(line.size - caption.size) <= 0.3 \
                    and 0 < caption.y - line.y <= CAPTION_GAP * max(line.size, 1.0):
                caption = line  # the caption goes on, or the table under it
                out.lines.add((p, i))
                continue
            caption = line if is_caption(text) else None
            contents = bool(_LEADERS.search(text)) or (
                numbered_ends >= 3 and bool(_ENDS_IN_NUMBER.search(text))
                and sections.strip_numbering(text) != text)
            if caption is not None or contents or is_address(text) or _DATE.match(text):
                out.lines.add((p, i))


def skipped(pages: Sequence[PageLines], body: float) -> Skipped:
    """The lines that are no headings (``(page, line)`` indices), and the title's."""
    out = Skipped()
    typical = typical_chars(pages, body)
    _front_matter(pages, body, typical, out)
    _running(pages, out)
    _captions_contents_addresses(pages, out)
    out.lines.difference_update(out.title)
    return out


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)
