"""Lines of a PDF page with their position, font size and weight, read with PDFium.

One pass per page over PDFium's text page (``checker.inspect.pdfium``): the page's text comes
in one call (PDFium inserts ``\\r\\n`` between lines and marks a hyphen that ends a line with
U+FFFE, kept as a hyphen and a line break); each line keeps where its first character sits (x, y of
its origin, in points from the bottom left), where its last character's box ends, the size of
most of its characters and whether all of them are in a bold font. Size and weight are read for
at most ``SAMPLES_PER_LINE`` characters of a line, once per text object, so a page costs a few
hundred calls into PDFium rather than one per character. Headings by font size, references and
the report's layout (body font, columns, margins) are measured from these lines.

A character's size is the font size times the vertical scale of its matrix (text matrix and
transformations). A Type 3 font (dvips bitmap fonts) draws its glyphs in its own units, so that
figure is meaningless (0.24 pt for a 10 pt dvips font); below ``MIN_NOMINAL_PT`` the line's
size comes from its font's glyph boxes on the page instead (:meth:`_PageReader.finish`). Bold is
the font's name (``is_bold_font``) or its ForceBold flag. Positions are measured from the corner
of the page's visible box (its crop box, else media box), the box whose size is the page's.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from checker.inspect.pdfium import FS_MATRIX, Page, lib

MAX_LINES_PER_PAGE = 2_000  # a page with more lines is measured from its first ones
SAMPLES_PER_LINE = 4  # characters of a line whose font is read (first, last, two between)
MIN_NOMINAL_PT = 1.0  # below this, a font's size is in glyph units (Type 3): use its boxes
# Bold by name: the words, Computer Modern and EC "bx" (cmbx10, cmbxti10, Mcmbx, cmssbx10,
# ecbx1000, sfbx), Libertine and Biolinum's "TB"/"TZ" (acmart, PVLDB), txfonts' rtxb, URW's
# "Medi"/"MediItal" (NimbusRomNo9L-Medi is Times Bold), ",Bold"-style suffixes.
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|medi(?:ital)?\b|cmbx|bx\d|cmb\d|sfbx|sfsx|"
                   r"(?:libertine|biolinum)t[bz]|^rtxb|,b\b|-b\b", re.IGNORECASE)
# The font descriptor's ForceBold flag. Not PDFium's FPDFText_GetFontWeight: for a font that
# declares no weight it estimates one from the stems, and calls Times-Roman or CMR10 bold (744).
_FORCE_BOLD = 1 << 18
GLYPH_SPAN_CHARS = 60  # glyphs of a Type 3 line measured for its font's size
ASCENDER_EM = 0.69  # ascender height in ems: Computer Modern 0.694, Times 0.683, Helvetica 0.718
_LINE_BREAK = "\r\n"
_HYPHEN_BREAK = "\ufffe"  # PDFium: a hyphen at the end of a line, the word continues below
_BREAKS = re.compile("\r\n|\ufffe|[\r\n]")  # a lone CR or LF: a line of its own as well
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 units in PDFium's text
_FONT_NAME_BYTES = 256


@dataclass
class Line:
    text: str
    x: float
    y: float
    end: float | None  # x where the line's last character ends; None when unknown
    size: float  # effective font size in points of most of its characters
    bold: bool  # every character is in a bold font


@dataclass
class PageLines:
    text: str  # the page's text, one line of the page per line
    lines: list[Line]
    width: float
    height: float


def is_bold_font(name: str) -> bool:
    return bool(_BOLD.search(name.split("+", 1)[-1]))


def _spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, hyphenated) of each line of PDFium's page text, in string indices."""
    out: list[tuple[int, int, bool]] = []
    start = 0
    for brk in _BREAKS.finditer(text):
        out.append((start, brk.start(), brk.group() == _HYPHEN_BREAK))
        start = brk.end()
    out.append((start, len(text), False))
    return out


class _PageReader:
    """The calls into PDFium for one text page, with the font of each text object cached."""

    def __init__(self, textpage: int, origin: tuple[float, float]) -> None:
        self.c = lib
        self.raw = textpage
        self.origin_x, self.origin_y = origin  # the visible box's corner, in page space
        self.text = ""
        self._shift: list[int] | None = None  # per string index: UTF-16 units before it, less
        self._identity = True  # string index == PDFium's character index
        self._fonts: dict[int, tuple[float, bool, tuple[int, float]]] = {}
        self._glyph_lines: list[tuple[Line, tuple[int, float]]] = []
        self._glyph_heights: dict[tuple[int, float], list[float]] = {}
        self._x, self._y = ctypes.c_double(), ctypes.c_double()
        self._box = [ctypes.c_double() for _ in range(4)]
        self._matrix = FS_MATRIX()
        self._name = ctypes.create_string_buffer(_FONT_NAME_BYTES)
        self._flags = ctypes.c_int()

    def read_text(self) -> str:
        count = self.c.FPDFText_CountChars(self.raw)
        if count <= 0:
            return ""
        units = 2 * count + 2  # room for surrogate pairs and the terminating NUL
        buffer = (ctypes.c_ushort * units)()
        written = max(0, self.c.FPDFText_GetText(self.raw, 0, count, buffer) - 1)
        text = bytes(memoryview(buffer).cast("B")[: written * 2]).decode("utf-16-le",
                                                                        errors="replace")
        if _ASTRAL.search(text):  # such a character is two UTF-16 units: shift later indices
            self._shift, shift = [], 0
            for ch in text:
                self._shift.append(shift)
                shift += ord(ch) > 0xFFFF
        # every character PDFium lists is in its text, once: indices agree
        self._identity = self._shift is None and written == count
        self.text = text
        return text

    def char_index(self, i: int) -> int:
        """PDFium's character index of the string index ``i`` of the page text."""
        if self._identity:
            return i
        unit = i + (self._shift[i] if self._shift is not None else 0)
        index = int(self.c.FPDFText_GetCharIndexFromTextIndex(self.raw, unit))
        return index if index >= 0 else unit

    def origin(self, index: int) -> tuple[float, float]:
        self.c.FPDFText_GetCharOrigin(self.raw, index, self._x, self._y)
        return self._x.value, self._y.value

    def box(self, index: int) -> tuple[float, float, float, float] | None:
        """(left, right, bottom, top) of a character's glyph, None if PDFium has none."""
        left, right, bottom, top = self._box
        if not self.c.FPDFText_GetCharBox(self.raw, index, left, right, bottom, top):
            return None
        return left.value, right.value, bottom.value, top.value

    def font(self, index: int) -> tuple[float, bool, tuple[int, float]]:
        """(effective size in points, 0 for a glyph-unit font; bold; the font's key: its
        handle and effective nominal size) of a character."""
        key = self.c.FPDFText_GetTextObject(self.raw, index) or 0
        cached = self._fonts.get(key) if key else None
        if cached is not None:
            return cached
        nominal = float(self.c.FPDFText_GetFontSize(self.raw, index))
        m = self._matrix
        scale = math.hypot(m.c, m.d) if self.c.FPDFText_GetMatrix(self.raw, index, m) else 1.0
        size = nominal * scale
        self._flags.value = 0
        self.c.FPDFText_GetFontInfo(self.raw, index, self._name, _FONT_NAME_BYTES, self._flags)
        name = self._name.value.decode("latin-1")
        font = (self.c.FPDFTextObj_GetFont(key) or 0) if key else 0
        found = (round(size, 1) if size >= MIN_NOMINAL_PT else 0.0,
                 is_bold_font(name) or bool(self._flags.value & _FORCE_BOLD),
                 (font, round(size, 6)))
        if key:
            self._fonts[key] = found
        return found

    def line(self, start: int, stop: int) -> Line | None:
        """The line of the page text ``[start, stop)``; None if it holds only spaces."""
        text = self.text
        part = text[start:stop]
        stripped = part.strip()
        if not stripped:
            return None
        first_s = start + len(part) - len(part.lstrip())
        last_s = start + len(part.rstrip()) - 1
        x, y = self.origin(self.char_index(first_s))
        box = self.box(self.char_index(last_s))
        sizes: list[float] = []
        glyph_fonts: list[tuple[int, float]] = []
        bold = True
        step = max(1, (last_s - first_s) // (SAMPLES_PER_LINE - 1))
        for s in range(first_s, last_s + 1, step):
            if text[s].isspace():
                continue
            size, is_bold, font = self.font(self.char_index(s))
            if size == 0.0:
                glyph_fonts.append(font)
            else:
                sizes.append(size)
            bold = bold and is_bold
        line = Line(stripped, x - self.origin_x, y - self.origin_y,
                    box[1] - self.origin_x if box else None,
                    max(sizes, key=sizes.count) if sizes else 0.0, bold)  # the most common
        if not sizes and glyph_fonts:  # sized by finish(), from its font's glyphs on the page
            self._glyph_lines.append((line, max(glyph_fonts, key=glyph_fonts.count)))
            self._measure_glyphs(first_s, last_s)
        return line

    def _measure_glyphs(self, first_s: int, last_s: int) -> None:
        """Record how far each glyph of a glyph-unit font reaches from its baseline (at most
        ``GLYPH_SPAN_CHARS`` of the line), per font: above it, or below it for a font that
        hangs its glyphs from their origin, as some dvips fonts do."""
        step = max(1, (last_s - first_s + 1) // GLYPH_SPAN_CHARS)
        for s in range(first_s, last_s + 1, step):
            if self.text[s].isspace():
                continue
            index = self.char_index(s)
            size, _, font = self.font(index)
            glyph = self.box(index) if size == 0.0 else None
            if glyph is not None and glyph[3] > glyph[2]:
                baseline = self.origin(index)[1]
                reach = max(glyph[3] - baseline, baseline - glyph[2])
                self._glyph_heights.setdefault(font, []).append(reach)

    def finish(self) -> None:
        """Size the lines set in glyph-unit (Type 3) fonts: each font's ascender is the height
        that a tenth of its glyphs on the page reach (letters with ascenders, capitals and
        digits are far more than a tenth of text; parentheses and big operators far fewer),
        and an ascender is ``ASCENDER_EM`` of an em; so every line of one font gets one size."""
        sizes: dict[tuple[int, float], float] = {}
        for font, heights in self._glyph_heights.items():
            ordered = sorted(heights)
            ascender = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
            sizes[font] = round(ascender / ASCENDER_EM, 1) if ascender > 0 else 0.0
        for line, font in self._glyph_lines:
            line.size = sizes.get(font, 0.0)


def _finite(*values: float | None) -> bool:
    return all(v is None or math.isfinite(v) for v in values)


def read_page(page: Page) -> PageLines:
    """The text and lines of a page (``checker.inspect.pdfium.Page``). A line whose position,
    end or size is not a finite number (a glyph PDFium placed at NaN or infinity) keeps its
    text but is not measured; so are all the lines of a page whose box is not finite."""
    left, bottom, width, height = page.box()
    measurable = _finite(left, bottom, width, height)
    if not measurable:
        left = bottom = width = height = 0.0
    with page.text() as textpage:
        reader = _PageReader(textpage, (left, bottom))
        text = reader.read_text()
        lines: list[Line] = []
        kept: list[str] = []
        for start, stop, hyphen in _spans(text):
            kept.append(text[start:stop] + ("-" if hyphen else ""))
            if len(lines) < MAX_LINES_PER_PAGE and measurable:
                line = reader.line(start, stop)
                if line is not None:
                    if hyphen:
                        line.text += "-"
                    lines.append(line)
        reader.finish()
    lines = [ln for ln in lines if _finite(ln.x, ln.y, ln.end, ln.size)]
    return PageLines("\n".join(kept), lines, width, height)


def most_common(counts: Counter[Any]) -> Any:
    """The key counted most (the first one counted, among equals): ``most_common(1)`` without
    the import of heapq it makes in every worker."""
    return max(counts.items(), key=lambda item: item[1])[0]


def body_font_size(pages: list[PageLines]) -> float | None:
    """The size of most characters (HotCRP's "body font size": the mode by characters)."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            weights[round(line.size * 2) / 2] += len(line.text)
    if not weights:
        return None
    mode = most_common(weights)
    exact: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            if abs(line.size - mode) <= 0.25:
                exact[line.size] += len(line.text)
    return most_common(exact) if exact else mode
