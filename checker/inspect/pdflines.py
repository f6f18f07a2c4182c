"""Lines of a PDF page with their position, font size and weight, from pypdf's text visitor.

One extraction pass per page: ``page.extract_text(visitor_text=...)`` returns the page's text and
calls the visitor for every piece of text with its matrices and font. Pieces are joined into
lines at pypdf's line breaks; a line keeps where it starts (x, y in points from the bottom left),
where it ends when the font gives its widths (/Widths of a simple font; None otherwise), the size
of most of its characters and whether all of them are bold. Headings by font size, references
and the report's layout (body font, columns, margins) are measured from these lines.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

MAX_LINES_PER_PAGE = 2_000  # a page with more lines is measured from its first ones
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|medi\b|cmbx|cmb\d|sfbx|sfsx|,b\b|-b\b",
                   re.IGNORECASE)


@dataclass
class Line:
    text: str
    x: float
    y: float
    end: float | None  # x where the line ends, None when a font gave no widths
    size: float  # effective font size in points of most of its characters
    bold: bool  # every character is in a bold font


@dataclass
class PageLines:
    text: str  # pypdf's text of the page
    lines: list[Line]
    width: float
    height: float


def is_bold_font(name: str) -> bool:
    return bool(_BOLD.search(name.split("+", 1)[-1]))


def _widths(font: Any) -> tuple[int, list[float]] | None:
    try:
        first = int(font.get("/FirstChar"))
        widths = [float(w) for w in font.get("/Widths")[:512]]
    except (TypeError, ValueError, AttributeError):
        return None
    return first, widths


def type3_scale(font: Any) -> float | None:
    """A Type 3 font's em in text space: its FontBBox height through its FontMatrix.

    Its glyphs are drawings in their own units (dvips bitmap fonts: size 1 and a FontMatrix
    of 1), so the nominal size says nothing; the box of all glyphs is about one em high."""
    try:
        matrix = [float(v) for v in font["/FontMatrix"]]
        box = [float(v) for v in font.get("/FontBBox", [])]
    except (KeyError, TypeError, ValueError):
        return None
    height = box[3] - box[1] if len(box) == 4 and box[3] > box[1] else 1000.0
    return abs(math.hypot(matrix[2], matrix[3])) * height or None


def text_width(text: str, font: Any, size: float) -> float | None:
    """Width of ``text`` at ``size`` from the font's /Widths; None without them."""
    if font is None or "/FontMatrix" in font:
        return None  # a Type 3 font's widths are in its own units
    table = _widths(font)
    if table is None:
        return None
    first, widths = table
    total = 0.0
    for ch in text:
        i = ord(ch) - first
        total += widths[i] if 0 <= i < len(widths) and widths[i] > 0 else 500.0
    return total / 1000.0 * size


class _Collector:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._parts: list[tuple[str, float, bool]] = []  # text, size, bold
        self._start: tuple[float, float] | None = None
        self._end: float | None = 0.0

    def visit(self, text: str, cm: Any, tm: Any, font: Any, font_size: float) -> None:
        if len(self.lines) >= MAX_LINES_PER_PAGE or not text:
            return
        _, _, c, d, e, f = (float(v) for v in tm)
        ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
        x = e * ca + f * cc + ce  # origin of the text matrix in page space
        y = e * cb + f * cd + cf
        scale = math.hypot(c * ca + d * cc, c * cb + d * cd) or 1.0
        if font is not None and "/FontMatrix" in font:
            scale *= type3_scale(font) or 1.0
        size = round(float(font_size) * scale, 1)
        bold = is_bold_font(str(font.get("/BaseFont", ""))) if font is not None else False
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                self._close()
            if piece.strip():
                if self._start is None:
                    self._start = (x, y)
                    self._end = x
                width = text_width(piece, font, size)
                if width is None or self._end is None:
                    self._end = None
                else:
                    self._end = max(self._end, x + width)
                self._parts.append((piece, size, bold))

    def _close(self) -> None:
        if self._start is not None and self._parts:
            text = "".join(p for p, _, _ in self._parts).strip()
            weights: Counter[float] = Counter()
            for piece, size, _ in self._parts:
                weights[size] += len(piece.strip())
            size = weights.most_common(1)[0][0]
            bold = all(b for p, _, b in self._parts if p.strip())
            if text:
                self.lines.append(Line(text, self._start[0], self._start[1], self._end, size,
                                       bold))
        self._parts = []
        self._start = None

    def finish(self) -> list[Line]:
        self._close()
        return self.lines


def read_page(page: Any) -> PageLines:
    collector = _Collector()
    text = page.extract_text(visitor_text=collector.visit) or ""
    box = page.mediabox
    width, height = abs(float(box.width)), abs(float(box.height))
    if int(page.get("/Rotate", 0) or 0) % 180 == 90:
        width, height = height, width
    return PageLines(text, collector.finish(), width, height)


def body_font_size(pages: list[PageLines]) -> float | None:
    """The size of most characters (HotCRP's "body font size": the mode by characters)."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            weights[round(line.size * 2) / 2] += len(line.text)
    if not weights:
        return None
    mode = weights.most_common(1)[0][0]
    exact: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            if abs(line.size - mode) <= 0.25:
                exact[line.size] += len(line.text)
    return exact.most_common(1)[0][0] if exact else mode
