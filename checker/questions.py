"""Pre-class questions in Markdown: which paper each question is about (pure text parsing).

Expected shape (also in submissions/README.md)::

    ## PagedAttention
    - Why not ...?

    ## vAttention
    1. How does ...?

Headings are ATX (``## Title``) or setext (a line underlined with ``===`` or ``---``). A line
with a question mark (``?`` or the full-width U+FF1F) is a question. It counts for the paper its
heading names (the title, a recognisable part of it, or its short name), or else for a paper it
names itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.model import Reading

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Question:
    heading: str | None
    text: str
    line: int


@dataclass
class QuestionSheet:
    questions: list[Question] = field(default_factory=list)


def parse(text: str) -> QuestionSheet:
    sheet = QuestionSheet()
    heading: str | None = None
    in_code = False
    lines = text.splitlines()
    underline = -1  # index of a setext underline already used
    for index, line in enumerate(lines):
        number = index + 1
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or index == underline:
            continue
        m = _HEADING.match(line)
        if m:
            heading = m.group(2)
        elif _is_setext_heading(line, lines[index + 1] if index + 1 < len(lines) else ""):
            heading, underline = line.strip(), index + 1
        elif any(mark in line for mark in QUESTION_MARKS):
            sheet.questions.append(Question(heading, line.strip(), number))
    return sheet


# "?" and the full-width question mark that Chinese and Japanese input methods type
QUESTION_MARKS = ("?", "\uff1f")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s")


def _is_setext_heading(line: str, following: str) -> bool:
    """A text line underlined by ``===`` or ``---`` (a setext heading, as GitHub renders it)."""
    return (bool(line.strip()) and not _LIST_ITEM.match(line)
            and not _SETEXT_UNDERLINE.match(line) and bool(_SETEXT_UNDERLINE.match(following)))


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _names(reading: Reading) -> list[str]:
    names = [_norm(reading.title)]
    if reading.short:
        names.append(_norm(reading.short))
    if ":" in reading.title:  # "Oobleck: Resilient ..." is known by what comes before the colon
        names.append(_norm(reading.title.split(":", 1)[0]))
    return [n for n in names if n]


def heading_names(heading: str, reading: Reading) -> bool:
    h = _norm(heading)
    if len(h) < 3:
        return False
    return any(
        h == name or f" {name} " in f" {h} " or (len(h) >= 8 and f" {h} " in f" {name} ")
        for name in _names(reading)
    )


def text_names(text: str, reading: Reading) -> bool:
    t = f" {_norm(text)} "
    return any(f" {name} " in t for name in _names(reading)[1:] or _names(reading))


def count_per_reading(sheet: QuestionSheet, readings: tuple[Reading, ...]) -> dict[str, int]:
    counts = {r.title: 0 for r in readings}
    for q in sheet.questions:
        by_heading = [r for r in readings if q.heading and heading_names(q.heading, r)]
        chosen = by_heading[:1] or [r for r in readings if text_names(q.text, r)][:1]
        for r in chosen:
            counts[r.title] += 1
    return counts
