"""A DOCX's page count without LibreOffice: the document laid out line by line, roughly.

What python-docx exposes is enough for an honest estimate: each run's font and size (direct,
character style, paragraph style, document defaults), line spacing (single, 1.5, double, a
multiple, exact, at least), spacing before and after paragraphs (contextual spacing too),
indents (lists included), page size, margins and columns of each section, section breaks
(next page, odd/even page, continuous), page and column breaks, page break before, keep with
next, widow and orphan control, tables (row by row, cell by cell, at their column widths) and
images (inline ones on their line, floating ones by the room they take). Words are wrapped
with the advance widths of the fonts LibreOffice uses (``checker.inspect.docxfonts``), in both
font environments a LibreOffice may have; the estimate is the metric-compatible one (as Word
lays the document out), and the span over both says how far the exact count may be.

Not modelled: headers and footers (they live in the margins), footnotes, text boxes' text,
equations, hyphenation, kerning, custom tab stops. ``bench/bench_docx_estimate.py`` measures
the error against LibreOffice; ``UNDER`` and ``OVER`` below come from it, and ``page_range``
turns an estimate into the range the exact count lies in.

Bounded: at most ``MAX_CHARS`` characters and ``MAX_BLOCKS`` paragraphs and table rows are
laid out (the rest is extrapolated from the laid-out density), tables nest at most
``MAX_TABLE_DEPTH`` deep, runs inside hyperlinks, fields and content controls at most
``MAX_NESTING`` deep.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checker.inspect.docxfonts import ENVIRONMENTS, METRIC, Font, font_for
from checker.inspect.docxstyles import (
    MAX_TWIPS,
    Numbering,
    Props,
    Styles,
    number,
    read_ppr,
    read_rpr,
    theme_fonts,
    w,
)

MAX_CHARS = 300_000  # characters laid out per font environment (about 100 pages of prose)
MAX_BLOCKS = 20_000  # paragraphs and table rows laid out
MAX_TABLE_DEPTH = 3
MAX_NESTING = 16
# The estimate's measured error against LibreOffice (bench/bench_docx_estimate.py, recorded in
# docs/performance.md): the exact length is at least (1 - UNDER) and at most (1 + OVER) times
# the estimated one, in each font environment.
UNDER = 0.10
OVER = 0.10

PAGE = -1.0  # in a paragraph's lines: a page break
COLUMN = -2.0  # a column break
EMU_PER_PT = 12_700
_CELL_MARGIN_TWIPS = 108  # Word's default left and right cell margins
_MIN_TEXT_PT = 18.0  # the narrowest line a hostile indent or margin leaves
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_CONTAINERS = frozenset(w(t) for t in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent",
                                       "fldSimple", "customXml", "moveTo", "dir", "bdo"))


@dataclass
class PageEstimate:
    """The estimated layout: pages as laid out with metric-compatible fonts; the spans are the
    lengths (in pages, fractional) over the font environments."""

    pages: int
    span: tuple[float, float]
    body_pages: int | None = None  # pages before the references heading (its page included
    body_span: tuple[float, float] | None = None  # unless it starts at the top of a page)
    references_page: int | None = None
    truncated: bool = False
    lengths: dict[str, float] = field(default_factory=dict)  # per font environment

    @property
    def range(self) -> tuple[int, int]:
        return page_range(self.span)

    @property
    def body_range(self) -> tuple[int, int] | None:
        return None if self.body_span is None else page_range(self.body_span)


def page_range(span: tuple[float, float]) -> tuple[int, int]:
    """The page counts LibreOffice may lay out, given the estimated lengths over the font
    environments and the measured error."""
    low, high = span
    return max(1, math.ceil(low * (1 - UNDER) - 1e-9)), max(1, math.ceil(high * (1 + OVER)))


@dataclass
class Geometry:
    width: float  # of one column, in points
    height: float
    columns: int = 1
    start: str = "nextPage"


def geometry(sect: Any) -> Geometry:
    """A section's text area (w:sectPr): page size less margins, split into columns."""
    size = sect.find(w("pgSz")) if sect is not None else None
    margins = sect.find(w("pgMar")) if sect is not None else None
    cols = sect.find(w("cols")) if sect is not None else None
    kind = sect.find(w("type")) if sect is not None else None

    def twips(element: Any, attr: str, default: int) -> float:
        value = number(element.get(w(attr)), -MAX_TWIPS) if element is not None else None
        return abs(value if value is not None else default) / 20

    width = twips(size, "w", 12_240) - twips(margins, "left", 1440) \
        - twips(margins, "right", 1440) - twips(margins, "gutter", 0)
    height = twips(size, "h", 15_840) - twips(margins, "top", 1440) \
        - twips(margins, "bottom", 1440)
    count = 1
    if cols is not None:
        count = number(cols.get(w("num")), 1, 16) or 1
    gap = twips(cols, "space", 720) if count > 1 else 0.0
    start = kind.get(w("val"), "nextPage") if kind is not None else "nextPage"
    return Geometry(max((width - gap * (count - 1)) / count, _MIN_TEXT_PT),
                    max(height, _MIN_TEXT_PT), count, start)


@dataclass
class Block:
    """A paragraph or a table row, measured: its lines' heights (PAGE/COLUMN for breaks)."""

    lines: list[float]
    before: float = 0.0
    after: float = 0.0
    style: str | None = None
    keep_next: bool = False
    break_before: bool = False
    widow: bool = False
    contextual: bool = False
    splittable: bool = True
    references: bool = False

    def height(self) -> float:
        return self.before + sum(h for h in self.lines if h > 0) + self.after


class Liner:
    """Greedy line filling of one paragraph, as Word and LibreOffice wrap words."""

    def __init__(self, first: float, rest: float, spacing: tuple[str, int], mark: float,
                 tab: float) -> None:
        self.first, self.rest = first, rest
        self.rule, self.value = spacing
        self.mark = mark  # natural height of an empty line (the paragraph mark's font)
        self.tab = tab
        self.lines: list[float] = []
        self.x = 0.0  # width used on the current line
        self.text_h = 0.0  # tallest text on it
        self.image_h = 0.0  # tallest inline image on it
        self.word = 0.0  # the word being read (words may span runs)
        self.word_h = 0.0
        self.floats: list[float] = []  # room taken by floating images

    def available(self) -> float:
        return self.rest if self.lines else self.first

    def text(self, text: str, font: Font, size: float, bold: bool) -> None:
        scale = size * (font.bold if bold else 1.0)
        height = font.line * size
        for i, part in enumerate(text.split(" ")):
            if i:
                self._end_word()
                self.x += font.width(" ") * scale
            if not part:
                continue
            self.word_h = max(self.word_h, height)
            if "-" not in part:
                self.word += font.width(part) * scale
                continue
            pieces = part.split("-")  # a line may break after a hyphen
            for j, piece in enumerate(pieces):
                last = j == len(pieces) - 1
                self.word += font.width(piece if last else piece + "-") * scale
                if not last:
                    self._end_word()
                    self.word_h = height

    def _end_word(self) -> None:
        if not self.word and not self.word_h:
            return
        if self.x > 0 and self.x + self.word > self.available():
            self._close()
        while self.word > self.available():  # one word longer than the line
            self.text_h = max(self.text_h, self.word_h)
            self.word -= self.available()
            self._close()
        self.x += self.word
        self.text_h = max(self.text_h, self.word_h)
        self.word = self.word_h = 0.0

    def tabulate(self, font: Font, size: float) -> None:
        self._end_word()
        self.x = (math.floor(self.x / self.tab) + 1) * self.tab
        self.text_h = max(self.text_h, font.line * size)
        if self.x > self.available():
            self._close()

    def image(self, width: float, height: float) -> None:
        self._end_word()
        if self.x > 0 and self.x + width > self.available():
            self._close()
        self.x += width
        self.image_h = max(self.image_h, height)

    def line_break(self, font: Font, size: float) -> None:
        self._end_word()
        self.text_h = max(self.text_h, font.line * size)
        self._close()

    def page_break(self, marker: float) -> None:
        self._end_word()
        if self.x > 0 or self.text_h or self.image_h:
            self._close()
        self.lines.append(marker)

    def _close(self) -> None:
        text = self.text_h or self.mark
        if self.rule == "exact":
            height = self.value / 20
        elif self.rule == "atLeast":
            height = max(self.value / 20, self.text_h or (0.0 if self.image_h else text),
                         self.image_h)
        elif self.image_h > text * self.value / 240:
            # an image taller than the text: the spacing adds the text's share, not the image's
            height = self.image_h + text * max(self.value / 240 - 1, 0.0)
        else:
            height = text * self.value / 240
        self.lines.append(max(height, 1.0))
        self.x = self.text_h = self.image_h = 0.0

    def finish(self) -> list[float]:
        self._end_word()
        if not (self.lines and self.lines[-1] < 0) or self.x or self.text_h or self.image_h:
            self._close()  # a break that ends the paragraph moves the next one instead
        if self.floats:
            self.lines[1:1] = self.floats
        return self.lines


class Layout:
    """The document measured into blocks in one font environment."""

    def __init__(self, styles: Styles, numbering: Numbering, environment: str,
                 tab: float) -> None:
        self.styles = styles
        self.numbering = numbering
        self.environment = environment
        self.tab = tab
        self.chars = 0
        self.blocks = 0
        self.truncated = False
        self._fonts: dict[str | None, Font] = {}

    def font(self, name: str | None) -> Font:
        if name not in self._fonts:
            self._fonts[name] = font_for(self.styles.font_name(name), self.environment)
        return self._fonts[name]

    def full(self) -> bool:
        if self.chars >= MAX_CHARS or self.blocks >= MAX_BLOCKS:
            self.truncated = True
        return self.truncated

    # -- paragraphs ---------------------------------------------------------------------------
    def paragraph(self, p: Any, width: float, table_style: str | None = None) -> Block:
        self.blocks += 1
        ppr = p.find(w("pPr"))
        direct = read_ppr(ppr)
        style_el = ppr.find(w("pStyle")) if ppr is not None else None
        style_id = style_el.get(w("val")) if style_el is not None else None
        base, run_base = self.styles.paragraph(style_id, table_style)
        props: Props = dict(base)
        num = direct.get("num", base.get("num"))
        if num is not None and num[0]:
            props.update(self.numbering.indent(*num))
        props.update(direct)
        left = props.get("left", 0) / 20
        right = props.get("right", 0) / 20
        first = props.get("first", 0) / 20 - props.get("hanging", 0) / 20
        rest = max(width - max(left, 0) - max(right, 0), _MIN_TEXT_PT)
        mark_size = props.get("mark_size", run_base.get("size", 20)) / 2
        mark_font = self.font(run_base.get("font"))
        liner = Liner(max(rest - first, _MIN_TEXT_PT), rest,
                      (props.get("rule", "auto"), props.get("line", 240)),
                      mark_font.line * mark_size, self.tab)
        text: list[str] = []
        for run in _runs(p, 0):
            self._run(run, run_base, liner, text)
        lines = liner.finish()
        from checker.inspect.sections import is_references_heading

        joined = "".join(text).strip()
        return Block(lines, props.get("before", 0) / 20, props.get("after", 0) / 20,
                     style_id, bool(props.get("keep_next")), bool(props.get("break_before")),
                     bool(props.get("widow")), bool(props.get("contextual")),
                     references=len(joined) < 80 and is_references_heading(joined))

    def _run(self, run: Any, run_base: Props, liner: Liner, text: list[str]) -> None:
        rpr = run.find(w("rPr"))
        props = dict(run_base)
        if rpr is not None:
            char_style = rpr.find(w("rStyle"))
            if char_style is not None:
                props.update(self.styles.style(char_style.get(w("val")))[1])
            props.update(read_rpr(rpr))
        if props.get("hidden"):
            return
        size = props.get("size", 20) / 2
        font = self.font(props.get("font"))
        bold = bool(props.get("bold"))
        for child in run:
            tag = child.tag
            if tag == w("t"):
                value = child.text or ""
                if props.get("caps"):
                    value = value.upper()
                self.chars += len(value)
                if len(text) < 8:
                    text.append(value)
                liner.text(value, font, size, bold)
            elif tag == w("tab"):
                liner.tabulate(font, size)
            elif tag == w("br"):
                kind = child.get(w("type"))
                if kind == "page":
                    liner.page_break(PAGE)
                elif kind == "column":
                    liner.page_break(COLUMN)
                else:
                    liner.line_break(font, size)
            elif tag == w("cr"):
                liner.line_break(font, size)
            elif tag in (w("noBreakHyphen"), w("sym")):
                liner.text("-", font, size, bold)
            elif tag == w("drawing"):
                self._drawing(child, liner)
            elif tag == f"{{{_MC_NS}}}AlternateContent":
                choice = child.find(f"{{{_MC_NS}}}Choice")
                drawing = choice.find(w("drawing")) if choice is not None else None
                if drawing is not None:
                    self._drawing(drawing, liner)

    def _drawing(self, drawing: Any, liner: Liner) -> None:
        for shape in drawing:
            extent = shape.find(f"{{{_WP_NS}}}extent")
            if extent is None:
                continue
            cx = (number(extent.get("cx"), 0, 10**9) or 0) / EMU_PER_PT
            cy = (number(extent.get("cy"), 0, 10**9) or 0) / EMU_PER_PT
            cx, cy = min(cx, 2 * MAX_TWIPS / 20), min(cy, 2 * MAX_TWIPS / 20)
            if shape.tag == f"{{{_WP_NS}}}inline":
                liner.image(cx, cy)
            elif shape.tag == f"{{{_WP_NS}}}anchor":
                liner.floats.append(_float_room(shape, cx, cy, liner.rest))

    # -- tables -------------------------------------------------------------------------------
    def table(self, tbl: Any, width: float, depth: int = 0) -> list[Block]:
        props = tbl.find(w("tblPr"))
        style_el = props.find(w("tblStyle")) if props is not None else None
        style = style_el.get(w("val")) if style_el is not None else self.styles.default_table
        grid_el = tbl.find(w("tblGrid"))
        grid = [(number(c.get(w("w")), 0) or 0) / 20
                for c in (grid_el.iterchildren(w("gridCol")) if grid_el is not None else ())]
        margin = 2 * _CELL_MARGIN_TWIPS / 20
        border = self.styles.table_border(props, style)
        rows: list[Block] = []
        for tr in tbl.iterchildren(w("tr")):
            if self.full():
                break
            self.blocks += 1
            rows.append(self._row(tr, grid, width, style, depth, border))
        return rows

    def _row(self, tr: Any, grid: list[float], width: float, style: str | None, depth: int,
             border: float) -> Block:
        """A table row: the lines of its tallest cell (a row breaks across pages between
        lines, unless it may not be split)."""
        cells = list(tr.iterchildren(w("tc")))
        trpr = tr.find(w("trPr"))
        col = 0
        if trpr is not None and trpr.find(w("gridBefore")) is not None:
            col = number(trpr.find(w("gridBefore")).get(w("val")), 0, 64) or 0
        tallest: list[float] = []
        for tc in cells:
            tcpr = tc.find(w("tcPr"))
            span = 1
            merged = False
            if tcpr is not None:
                span_el = tcpr.find(w("gridSpan"))
                if span_el is not None:
                    span = number(span_el.get(w("val")), 1, 64) or 1
                vmerge = tcpr.find(w("vMerge"))
                merged = vmerge is not None and vmerge.get(w("val")) != "restart"
            cell_width = sum(grid[col:col + span]) if grid else width / max(len(cells), 1)
            col += span
            if merged:
                continue
            inner = max(cell_width - 2 * _CELL_MARGIN_TWIPS / 20, _MIN_TEXT_PT)
            lines: list[float] = []
            for block in self.blocks_of(tc, inner, style, depth + 1):
                heights = [h for h in block.lines if h > 0] or [0.0]
                heights[0] += block.before
                heights[-1] += block.after
                lines += heights
            if sum(lines) > sum(tallest):
                tallest = lines
        tallest = tallest or [0.0]
        tallest[0] += border
        fixed = trpr.find(w("trHeight")) if trpr is not None else None
        if fixed is not None:
            value = (number(fixed.get(w("val")), 0) or 0) / 20
            if fixed.get(w("hRule")) == "exact":
                tallest = [value]
            elif sum(tallest) < value:
                tallest[-1] += value - sum(tallest)
        whole = trpr is not None and bool(trpr.find(w("cantSplit")) is not None)
        return Block(tallest, splittable=not whole)

    def blocks_of(self, parent: Any, width: float, table_style: str | None,
                  depth: int) -> Iterator[Block]:
        """The blocks of a table cell (or a content control's content)."""
        for child in parent:
            if self.full():
                return
            if child.tag == w("p"):
                yield self.paragraph(child, width, table_style)
            elif child.tag == w("tbl") and depth < MAX_TABLE_DEPTH:
                yield from self.table(child, width, depth)
            elif child.tag in (w("sdt"), w("sdtContent"), w("customXml")) \
                    and depth < MAX_NESTING:
                yield from self.blocks_of(child, width, table_style, depth + 1)


def _float_room(anchor: Any, width: float, height: float, line: float) -> float:
    """The height of text a floating image pushes down: all of it when text wraps above and
    below, the share of the line it covers when text wraps around, none behind or in front."""
    if anchor.get("behindDoc") == "1" or anchor.find(f"{{{_WP_NS}}}wrapNone") is not None:
        return 0.0
    if anchor.find(f"{{{_WP_NS}}}wrapTopAndBottom") is not None:
        return height
    return height * min(1.0, width / max(line, 1.0))


def _runs(element: Any, depth: int) -> Iterator[Any]:
    """The runs of a paragraph in reading order, also inside hyperlinks, insertions, fields and
    content controls; not deleted text, nor the text of text boxes."""
    for child in element:
        if child.tag == w("r"):
            yield child
        elif child.tag in _CONTAINERS and depth < MAX_NESTING:
            yield from _runs(child, depth + 1)


class Pages:
    """Blocks placed onto pages and columns."""

    def __init__(self, add_spacing: bool = False) -> None:
        self.page = 0
        self.col = 0
        self.y = 0.0
        self.geo = Geometry(468.0, 648.0)
        self.pending_after = 0.0
        self.previous: Block | None = None
        self.references: tuple[int, bool] | None = None  # page index, at the top of it
        self.references_length: float | None = None
        self.break_pending: float | None = None  # a break that ended the previous paragraph
        # the space between two paragraphs: the larger of the one's after and the other's
        # before (Word's HTML-like default), or their sum (doNotUseHTMLParagraphAutoSpacing)
        self.add_spacing = add_spacing

    def length(self) -> float:
        """Pages used so far, fractional (2.5: two pages and half of the third)."""
        used = min(self.y, self.geo.height) / self.geo.height
        return self.page + (self.col + used) / self.geo.columns

    def section(self, geo: Geometry, first: bool) -> None:
        if not first and geo.start in ("nextPage", "oddPage", "evenPage"):
            self.new_page()
            if (geo.start == "oddPage" and self.page % 2) or \
                    (geo.start == "evenPage" and not self.page % 2):
                self.new_page()  # LibreOffice inserts a blank page
        elif not first and geo.columns != self.geo.columns:
            self.col = 0  # continuous: the new columns start under what is there
        self.geo = geo

    def new_page(self) -> None:
        self.page += 1
        self.col = 0
        self.y = 0.0
        self.pending_after = 0.0

    def new_column(self) -> None:
        self.col += 1
        self.y = 0.0
        self.pending_after = 0.0
        if self.col >= self.geo.columns:
            self.new_page()

    def place(self, block: Block, following: Block | None) -> None:
        height = self.geo.height
        if self.break_pending is not None:
            self._break(self.break_pending)
            self.break_pending = None
        if block.break_before and (self.y > 0 or self.col > 0):
            self.new_page()
        before, after = block.before, self.pending_after
        if self.previous is not None and self.previous.style == block.style:
            before = 0.0 if block.contextual else before
            after = 0.0 if self.previous.contextual else after
        gap = before + after if self.add_spacing else max(before, after)
        if block.keep_next and following is not None and self.y > 0:
            need = (gap + block.height() - block.before + following.before
                    + sum(h for h in following.lines[:2] if h > 0))
            if self.y + need > height >= need:
                self.new_column()
                gap = before
        self.y += gap
        self.pending_after = 0.0
        if block.references and self.references is None:
            self._mark_references(block, gap)
        segment: list[float] = []
        for i, h in enumerate(block.lines):
            if h > 0:
                segment.append(h)
                continue
            self._place_lines(segment, block)
            segment = []
            if i == len(block.lines) - 1:
                self.break_pending = h
            else:
                self._break(h)
        self._place_lines(segment, block)
        self.pending_after = block.after
        self.previous = block

    def _break(self, marker: float) -> None:
        if marker == COLUMN and self.geo.columns > 1:
            self.new_column()
        else:
            self.new_page()

    def _mark_references(self, block: Block, before: float) -> None:
        """Where the references start: their page, and the length of the text before them."""
        first = next((h for h in block.lines if h > 0), 0.0)
        if self.y + first > self.geo.height + 1e-6 and self.y > before:
            self.new_column()
            self.y = before
        at_top = self.col == 0 and self.y <= before + 1e-6
        self.references = (self.page, at_top)
        self.references_length = float(self.page) if at_top else self.length()

    def _place_lines(self, lines: list[float], block: Block) -> None:
        height = self.geo.height
        i, n = 0, len(lines)
        while i < n:
            room = height - self.y
            k, used = 0, 0.0
            while i + k < n and used + lines[i + k] <= room + 1e-6:
                used += lines[i + k]
                k += 1
            if i + k == n:
                self.y += used
                return
            if not block.splittable and self.y > 0:
                self.new_column()
                continue
            if block.widow and n >= 2:
                if i == 0 and k == 1:
                    k = 0  # a lone first line (an orphan) goes with the rest
                elif n - (i + k) == 1 and k >= 1:
                    k -= 1  # a lone last line (a widow) takes one more with it
                    if i == 0 and k == 1:
                        k = 0
            if k == 0 and self.y == 0:
                k = 1  # taller than a column: it goes here anyway
            self.y += sum(lines[i:i + k])
            i += k
            while self.y > height + 1e-6 and not block.splittable:
                self.y -= height  # a row taller than a page runs onto the next ones
                self.new_column()
            if i < n:
                self.new_column()


def _sections(body: Any) -> list[Any]:
    """The w:sectPr of each section in order: in the paragraphs that end them, then the
    body's own (the last section's)."""
    found = [p.find(f"{w('pPr')}/{w('sectPr')}") for p in body.iterchildren(w("p"))]
    ends = [s for s in found if s is not None]
    return [*ends[: MAX_BLOCKS], body.find(w("sectPr"))]


def _top_blocks(layout: Layout, body: Any, geos: list[Geometry], depth: int = 0,
                index: list[int] | None = None) -> Iterator[tuple[int, Block]]:
    """(section index, block) for the body's paragraphs and table rows, in order."""
    index = index if index is not None else [0]
    for child in body:
        if layout.full():
            return
        geo = geos[min(index[0], len(geos) - 1)]
        if child.tag == w("p"):
            yield index[0], layout.paragraph(child, geo.width)
            ppr = child.find(w("pPr"))
            if ppr is not None and ppr.find(w("sectPr")) is not None:
                index[0] += 1
        elif child.tag == w("tbl"):
            for row in layout.table(child, geo.width):
                yield index[0], row
        elif child.tag in (w("sdt"), w("sdtContent"), w("customXml")) and depth < MAX_NESTING:
            yield from _top_blocks(layout, child, geos, depth + 1, index)


@dataclass
class Settings:
    """What the document's settings.xml says about its layout."""

    tab: float = 36.0  # default tab stops, in points
    add_spacing: bool = False  # see Pages.add_spacing


def _lay_out(document: Any, styles: Styles, numbering: Numbering, settings: Settings,
             environment: str) -> tuple[float, float | None, tuple[int, bool] | None, bool]:
    """(length in pages, length before the references, references page/at top, truncated)."""
    body = document.element.body
    geos = [geometry(s) for s in _sections(body)]
    layout = Layout(styles, numbering, environment, settings.tab)
    pages = Pages(settings.add_spacing)
    pages.section(geos[0], first=True)
    current = 0
    pending: tuple[int, Block] | None = None
    for item in _top_blocks(layout, body, geos):
        if pending is not None:
            current = _place(pages, pending, item[1], geos, current)
        pending = item
    if pending is not None:
        _place(pages, pending, None, geos, current)
    length = max(pages.length(), 1e-3)
    if layout.truncated and layout.chars:
        total = sum(len(t.text or "") for t in body.iter(w("t")))
        length *= max(1.0, total / layout.chars)
    return length, pages.references_length, pages.references, layout.truncated


def _place(pages: Pages, item: tuple[int, Block], following: Block | None,
           geos: list[Geometry], current: int) -> int:
    section, block = item
    if section != current:
        pages.section(geos[min(section, len(geos) - 1)], first=False)
    pages.place(block, following)
    return section


def estimate_pages(document: Any) -> PageEstimate:
    """The page estimate of a python-docx Document."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    part = document.part
    try:
        theme = theme_fonts(parse_xml(part.part_related_by(RT.THEME).blob))
    except (KeyError, ValueError, SyntaxError):
        theme = {}
    styles = Styles(part.styles.element if _has(part, RT.STYLES) else None, theme)
    numbering = Numbering(part.numbering_part.element if _has(part, RT.NUMBERING) else None)
    settings = Settings()
    if _has(part, RT.SETTINGS):
        element = part.settings.element
        stop = element.find(w("defaultTabStop"))
        if stop is not None:
            settings.tab = max((number(stop.get(w("val")), 1) or 720) / 20, 6.0)
        settings.add_spacing = element.find(
            f"{w('compat')}/{w('doNotUseHTMLParagraphAutoSpacing')}") is not None
    lengths: dict[str, float] = {}
    body: dict[str, float | None] = {}
    references: tuple[int, bool] | None = None
    truncated = False
    for environment in ENVIRONMENTS:
        length, before_refs, refs, cut = _lay_out(document, styles, numbering, settings,
                                                  environment)
        lengths[environment], body[environment] = length, before_refs
        truncated = truncated or cut
        if environment == METRIC:
            references = refs
    pages = math.ceil(lengths[METRIC] - 1e-9)
    estimate = PageEstimate(pages, (min(lengths.values()), max(lengths.values())),
                            truncated=truncated, lengths=lengths)
    spans = [b for b in body.values() if b is not None]
    if references is not None and spans:
        page, at_top = references
        estimate.references_page = page + 1
        estimate.body_pages = max(1, page if at_top else page + 1)
        estimate.body_span = (min(spans), max(spans))
    return estimate


def _has(part: Any, reltype: str) -> bool:
    try:
        part.part_related_by(reltype)
    except KeyError:
        return False
    return True
