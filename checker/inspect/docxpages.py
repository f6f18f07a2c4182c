"""A DOCX's page count without LibreOffice: the document laid out line by line.

What python-docx exposes is enough for an honest estimate: each run's font and size (direct,
character style, paragraph style, table style, document defaults, theme fonts), line spacing
(single, 1.15, 1.5, double, any multiple, exact, at least), spacing before and after
paragraphs (contextual spacing too), indents (lists included), page size, margins and columns
of each section, section breaks (next page, odd/even page, next column, continuous), page and
column breaks, page break before, keep with next, widow and orphan control, tables (row by
row, each cell at its column's width, rows splitting across pages), images (inline ones on
their line, floating ones by the room they take), footnotes (at the foot of their page) and
endnotes (on pages of their own, as LibreOffice puts them). Words are wrapped with the advance
widths of the fonts LibreOffice uses (``checker.inspect.docxfonts``) in both font sets a
LibreOffice may have: the estimate is the metric-compatible one (as Word lays the document
out), and the span over both, widened by the measured error, is the range the exact count
lies in (``page_range``).

Not modelled: headers and footers (they live in the margins), the text of text boxes,
equations, hyphenation, kerning, custom tab stops. ``bench/bench_docx_estimate.py`` measures
the error against LibreOffice; ``UNDER`` and ``OVER`` below come from it (docs/performance.md,
"DOCX page estimate").

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
from checker.inspect.docxlayout import COLUMN, MIN_TEXT_PT, PAGE, Block, Geometry, Liner, Pages
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
from checker.inspect.sections import is_references_heading

# What is laid out per font set (the rest is extrapolated): page limits are a few pages, and a
# hostile file of 20,000 empty paragraphs must leave LibreOffice its time (0.5 s of CPU here)
MAX_CHARS = 200_000  # characters (about 60 pages of prose)
MAX_BLOCKS = 5_000  # paragraphs and table rows
MAX_TABLE_DEPTH = 3
MAX_NESTING = 16
# The estimate's measured error against LibreOffice (bench/bench_docx_estimate.py, recorded in
# docs/performance.md): the exact count is at least ceil((1 - UNDER) x) and at most
# ceil((1 + OVER) x) for the estimated length x (in pages) in LibreOffice's font set. Measured
# on 319 documents (150 generated, held out from the tuning, and the 169 of the corpus), in
# both font sets, the largest ratios needed were 0.045 and 0.066; each is rounded up to the
# next whole percent, plus one percent.
UNDER = 0.06
OVER = 0.08

EMU_PER_PT = 12_700
_CELL_MARGIN_TWIPS = 108  # Word's default left and right cell margins
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
    return Geometry(max((width - gap * (count - 1)) / count, MIN_TEXT_PT),
                    max(height, MIN_TEXT_PT), count, start)


class Layout:
    """The document measured into blocks in one font environment."""

    def __init__(self, parts: Parts, environment: str) -> None:
        self.notes = parts.notes  # "footnote"/"endnote": id -> w:footnote/w:endnote
        self.endnotes: list[Any] = []  # the endnotes referenced, in order
        self.in_note = False
        self.styles = parts.styles
        self.numbering = parts.numbering
        self.environment = environment
        self.tab = parts.tab
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
        rest = max(width - max(left, 0) - max(right, 0), MIN_TEXT_PT)
        mark_size = (props.get("mark_size") or run_base.get("size") or 20) / 2
        mark_font = self.font(run_base.get("font"))
        liner = Liner(max(rest - first, MIN_TEXT_PT), rest,
                      (props.get("rule", "auto"), props.get("line", 240)),
                      mark_font.line * mark_size, self.tab)
        text: list[str] = []
        for run in _runs(p, 0):
            self._run(run, run_base, liner, text)
        lines = liner.finish()
        joined = "".join(text).strip()
        return Block(lines, props.get("before", 0) / 20, props.get("after", 0) / 20,
                     style_id, bool(props.get("keep_next")), bool(props.get("break_before")),
                     bool(props.get("widow")), bool(props.get("contextual")),
                     references=0 < len(joined) < 80 and is_references_heading(joined))

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
                value = (child.text or "")[:max(MAX_CHARS - self.chars, 0)]
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
            elif tag in (w("footnoteReference"), w("endnoteReference")) and not self.in_note:
                self._note(child, liner)
            elif tag == f"{{{_MC_NS}}}AlternateContent":
                choice = child.find(f"{{{_MC_NS}}}Choice")
                drawing = choice.find(w("drawing")) if choice is not None else None
                if drawing is not None:
                    self._drawing(drawing, liner)

    def _note(self, reference: Any, liner: Liner) -> None:
        """A footnote takes room at the foot of the page of its reference (counted with the
        referring paragraph); endnotes come after the text (LibreOffice: on pages of their
        own)."""
        kind = "footnote" if reference.tag == w("footnoteReference") else "endnote"
        note = self.notes.get(kind, {}).get(reference.get(w("id")) or "")
        if note is None:
            return
        if kind == "endnote":
            if len(self.endnotes) < MAX_BLOCKS:
                self.endnotes.append(note)
            return
        self.in_note = True
        try:
            for block in self.blocks_of(note, liner.rest, None, 1):
                liner.floats.extend(h for h in block.lines if h > 0)
        finally:
            self.in_note = False

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
                room = _float_room(shape, cx, cy, liner.rest)
                if room > 0:
                    liner.floats.append(room)

    # -- tables -------------------------------------------------------------------------------
    def table(self, tbl: Any, width: float, depth: int = 0) -> list[Block]:
        props = tbl.find(w("tblPr"))
        style_el = props.find(w("tblStyle")) if props is not None else None
        style = style_el.get(w("val")) if style_el is not None else self.styles.default_table
        grid_el = tbl.find(w("tblGrid"))
        grid = [(number(c.get(w("w")), 0) or 0) / 20
                for c in (grid_el.iterchildren(w("gridCol")) if grid_el is not None else ())]
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
            inner = max(cell_width - 2 * _CELL_MARGIN_TWIPS / 20, MIN_TEXT_PT)
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
class Parts:
    """What the layout reads besides the body: styles, list indents, settings, notes."""

    styles: Styles
    numbering: Numbering
    tab: float = 36.0  # default tab stops, in points
    add_spacing: bool = False  # see Pages.add_spacing
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)  # see Layout.notes


def _parts(document: Any) -> Parts:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    part = document.part
    try:
        theme = theme_fonts(parse_xml(part.part_related_by(RT.THEME).blob))
    except (KeyError, ValueError, SyntaxError):
        theme = {}
    parts = Parts(Styles(part.styles.element if _has(part, RT.STYLES) else None, theme),
                  Numbering(part.numbering_part.element if _has(part, RT.NUMBERING) else None))
    if _has(part, RT.SETTINGS):
        element = part.settings.element
        stop = element.find(w("defaultTabStop"))
        if stop is not None:
            parts.tab = max((number(stop.get(w("val")), 1) or 720) / 20, 6.0)
        parts.add_spacing = element.find(
            f"{w('compat')}/{w('doNotUseHTMLParagraphAutoSpacing')}") is not None
    parts.notes = {"footnote": _notes(part, RT.FOOTNOTES, "footnote"),
                   "endnote": _notes(part, RT.ENDNOTES, "endnote")}
    return parts


@dataclass
class Laid:
    """One font environment's layout."""

    length: float  # in pages, fractional
    body_length: float | None  # before the references heading
    references: tuple[int, bool] | None  # the heading's page index, and whether at its top
    truncated: bool


def _lay_out(body: Any, parts: Parts, environment: str) -> Laid:
    geos = [geometry(s) for s in _sections(body)]
    layout = Layout(parts, environment)
    pages = Pages(parts.add_spacing)
    pages.section(geos[0], first=True)
    current = 0
    pending: tuple[int, Block] | None = None
    for item in _top_blocks(layout, body, geos):
        if pending is not None:
            current = _place(pages, pending, item[1], geos, current)
        pending = item
    if pending is not None:
        _place(pages, pending, None, geos, current)
    if layout.endnotes:
        pages.new_page()
        layout.in_note = True
        for note in layout.endnotes:
            for block in layout.blocks_of(note, pages.geo.width, None, 1):
                pages.place(block, None)
    length = max(pages.length(), 1e-3)
    if layout.truncated:  # the rest at the density laid out so far
        chars = sum(len(t.text or "") for t in body.iter(w("t")))
        blocks = sum(1 for _ in body.iter(w("p"), w("tr")))
        length *= max(1.0, chars / max(layout.chars, 1), blocks / max(layout.blocks, 1))
    return Laid(length, pages.references_length, pages.references, layout.truncated)


def _place(pages: Pages, item: tuple[int, Block], following: Block | None,
           geos: list[Geometry], current: int) -> int:
    section, block = item
    if section != current:
        pages.section(geos[min(section, len(geos) - 1)], first=False)
    pages.place(block, following)
    return section


def estimate_pages(document: Any) -> PageEstimate:
    """The page estimate of a python-docx Document."""
    parts = _parts(document)
    laid = {env: _lay_out(document.element.body, parts, env) for env in ENVIRONMENTS}
    lengths = {env: one.length for env, one in laid.items()}
    estimate = PageEstimate(math.ceil(lengths[METRIC] - 1e-9),
                            (min(lengths.values()), max(lengths.values())),
                            truncated=any(one.truncated for one in laid.values()),
                            lengths=lengths)
    references = laid[METRIC].references
    spans = [one.body_length for one in laid.values() if one.body_length is not None]
    if references is not None and spans:
        page, at_top = references
        estimate.references_page = page + 1
        estimate.body_pages = max(1, page if at_top else page + 1)
        estimate.body_span = (min(spans), max(spans))
    return estimate


def _notes(part: Any, reltype: str, kind: str) -> dict[str, Any]:
    """The document's footnotes or endnotes by id."""
    from docx.oxml.parser import parse_xml

    try:
        related = part.part_related_by(reltype)
        root = getattr(related, "element", None)
        if root is None:
            root = parse_xml(related.blob)
    except (KeyError, ValueError, SyntaxError):
        return {}
    out: dict[str, Any] = {}
    for count, note in enumerate(root.iterchildren(w(kind))):
        if count >= MAX_BLOCKS:
            break
        out.setdefault(note.get(w("id")) or "", note)
    return out


def _has(part: Any, reltype: str) -> bool:
    try:
        part.part_related_by(reltype)
    except KeyError:
        return False
    return True
