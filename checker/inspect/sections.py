"""Headings in plain text, and matching them against configured section names (pure).

A heading line is short, may start with numbering ("2.", "2.1", "II.", "A)"), and does not end
like a sentence; a question ("What is the state of related works in this topic?") may be longer.
Matching ignores case, numbering, punctuation, plural endings and filler words, and tolerates
wording. A heading matches a section when every word of its name or of an alias (or of one part
of them, split at "and"/"or"/"/") appears in it and:
- those words make up at least half of the heading ("State of Related Works" matches "Related
  Work"; "Importance sampling reduces the" does not match "Importance"), or
- they are all the words of the heading's lead, the part before a colon, dash, parenthesis or
  "and" ("Background: How Serving Works", "The Problem and Why It Matters"), or
- the heading is a question (ends with "?"), as the course page words its summary questions
  ("What is one (or more) drawback or limitation of the proposal?").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_NUMBERING = re.compile(
    r"^\s*(?:(?:section|chapter|part)\s+)?"
    r"(?:\d+(?:\.\d+)*\.?|[ivxlc]+[.)]|[a-h][.)])\s+",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
STOPWORDS = frozenset({
    "a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "with", "its", "their",
    "our", "this", "that", "is", "are", "by", "from", "vs", "versus", "about", "into", "as",
    "at",
})
REFERENCE_TITLES = frozenset({
    "references", "reference", "bibliography", "works cited", "reference list",
    "literature cited", "cited literature", "references and notes", "literature",
    "citations", "sources",
})
CONTENTS_TITLES = frozenset({"contents", "table of contents"})
MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 10
MAX_QUESTION_CHARS = 200  # a question heading ("What is the problem ..., and why ...?")
MAX_QUESTION_WORDS = 30
_LEAD_END = re.compile(r"\s*(?::|\s[-\u2013\u2014]\s|[\u2013\u2014(]|\?)|\s+(?:and|&)\s+",
                       re.IGNORECASE)


def strip_numbering(line: str) -> str:
    return _NUMBERING.sub("", line, count=1).strip()


def normalize(line: str) -> str:
    text = unicodedata.normalize("NFKD", strip_numbering(line))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _NON_WORD.sub(" ", text.replace("_", " "))
    return _SPACE.sub(" ", text).strip()


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(line: str) -> list[str]:
    return [_stem(w) for w in normalize(line).split() if w not in STOPWORDS and not w.isdigit()]


def looks_like_heading(line: str, strict: bool = False) -> bool:
    """A short line that could be a heading; ``strict`` also wants numbering or Title Case."""
    text = line.strip()
    question = text.endswith(("?", "\uff1f"))
    if not text or len(text) > (MAX_QUESTION_CHARS if question else MAX_HEADING_CHARS):
        return False
    body = strip_numbering(text)
    words = body.split()
    if not words or len(words) > (MAX_QUESTION_WORDS if question else MAX_HEADING_WORDS):
        return False
    if not body[0].isalpha() or not body[0].isupper():
        return False
    if body.endswith((".", ",", ";")) or sum(c.isalpha() for c in body) < 3:
        return False
    if not strict:
        return True
    numbered = body != text
    if question:
        return True
    significant = [w for w in words if w.lower() not in STOPWORDS]
    title_case = all(w[0].isupper() or not w[0].isalpha() for w in significant)
    return numbered or title_case or body.isupper()


def is_references_heading(line: str) -> bool:
    """"References", "7. REFERENCES", "Bibliography", small capitals read as "R EFERENCES".

    Not the last word of a sentence left alone on its line ("sources."): lower case and a full
    stop make it prose (a paper's body ended there on page 9 of 12)."""
    if len(line) > 40:
        return False
    stripped = line.strip()
    if stripped.endswith(".") and stripped[:1].islower():
        return False
    text = normalize(line)
    return text in REFERENCE_TITLES or text.replace(" ", "") in REFERENCE_TITLES


def is_contents_heading(line: str) -> bool:
    return len(line) <= 40 and normalize(line) in CONTENTS_TITLES


def alternatives(name: str, aliases: Iterable[str] = ()) -> list[list[str]]:
    """The word sets that identify a section: its name, aliases, and their and/or parts."""
    out: list[list[str]] = []
    for phrase in (name, *aliases):
        parts = [phrase, *re.split(r"\s+(?:and|or|&)\s+|\s*/\s*|,\s*", phrase)]
        for part in parts:
            words = content_words(part)
            if words and words not in out:
                out.append(words)
    return out


def _names(words: Sequence[str], alts: Sequence[Sequence[str]]) -> bool:
    return bool(words) and any(set(alt) <= set(words) and len(alt) * 2 >= len(words)
                               for alt in alts)


def lead(line: str) -> str:
    """The part of a heading before a colon, dash, parenthesis, "and" or question mark."""
    body = strip_numbering(line.strip())
    return _LEAD_END.split(body, maxsplit=1)[0]


def is_question(line: str) -> bool:
    return line.strip().endswith(("?", "\uff1f"))


def matches(line: str, alts: Sequence[Sequence[str]]) -> bool:
    words = content_words(line)
    if not words:
        return False
    if _names(words, alts):
        return True
    first = set(content_words(lead(line)))
    if first and any(set(alt) == first for alt in alts):
        return True
    return is_question(line) and any(set(alt) <= set(words) for alt in alts)


def find_section(lines: Sequence[str], alts: Sequence[Sequence[str]]) -> int | None:
    """Index of the first line that is the section's heading, or None."""
    for i, line in enumerate(lines):
        if matches(line, alts):
            return i
    return None


def heading_lines(text: str, strict: bool = False) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if looks_like_heading(ln, strict)]
