"""A DOCX's paragraph and run properties as Word resolves them, for the page estimate.

A property comes from the first place that sets it: the paragraph's (or run's) own formatting,
its style and the styles that one is based on, the table's style for text in a table, and the
document defaults (``w:docDefaults``). Only what the estimate needs is read: font size and
font, bold, hidden text; spacing before and after, line spacing and its rule, indents,
page break before, keep with next, widow control, contextual spacing, list numbering.

Every value is clamped (a hostile file may say a font is 10^9 points), style chains are cut at
``MAX_STYLE_DEPTH`` and cycles, and at most ``MAX_STYLES`` styles are read.
"""

from __future__ import annotations

from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
MAX_STYLE_DEPTH = 12
MAX_STYLES = 5_000
MAX_TWIPS = 31_680  # 22 inches, Word's largest page side
MAX_HALF_POINTS = 3_276  # 1638 pt, Word's largest font
DEFAULT_HALF_POINTS = 20  # 10 pt: the size when nothing in the document sets one

Props = dict[str, Any]


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def number(value: str | None, low: int = -MAX_TWIPS, high: int = MAX_TWIPS) -> int | None:
    """An integer attribute, clamped; None when absent or not a number."""
    if value is None or len(value) > 12:
        return None
    try:
        n = int(float(value))  # "240", and the odd "240.0"
    except (ValueError, OverflowError):  # "nan", "inf", "1e999"
        return None
    return max(low, min(high, n))


def _on(element: Any) -> bool | None:
    """An on/off property element: present means on, unless w:val says 0/false/off."""
    if element is None:
        return None
    return element.get(w("val"), "1").strip().lower() not in ("0", "false", "off", "none")


_FLAGS = {"pageBreakBefore": "break_before", "keepNext": "keep_next",
          "contextualSpacing": "contextual", "widowControl": "widow"}


def read_ppr(ppr: Any) -> Props:
    """The paragraph properties ``ppr`` (a w:pPr) sets itself."""
    out: Props = {}
    if ppr is None:
        return out
    spacing = ppr.find(w("spacing"))
    if spacing is not None:
        for attr in ("before", "after"):
            value = number(spacing.get(w(attr)), 0)
            if value is not None:
                out[attr] = value
            if _on_attr(spacing.get(w(f"{attr}Autospacing"))):
                out[attr] = 280  # HTML-style automatic spacing: 14 pt
        line = number(spacing.get(w("line")), 1)
        if line is not None:
            out["line"] = line
        rule = spacing.get(w("lineRule"))
        if rule in ("auto", "exact", "atLeast"):
            out["rule"] = rule
    ind = ppr.find(w("ind"))
    if ind is not None:
        for key, attrs in (("left", ("left", "start")), ("right", ("right", "end")),
                           ("first", ("firstLine",)), ("hanging", ("hanging",))):
            for attr in attrs:
                value = number(ind.get(w(attr)))
                if value is not None:
                    out[key] = value
                    break
    for tag, key in _FLAGS.items():
        flag = _on(ppr.find(w(tag)))
        if flag is not None:
            out[key] = flag
    num = ppr.find(w("numPr"))
    if num is not None:
        ident = num.find(w("numId"))
        level = num.find(w("ilvl"))
        out["num"] = (number(ident.get(w("val")) if ident is not None else None, 0) or 0,
                      number(level.get(w("val")) if level is not None else None, 0, 8) or 0)
    mark = ppr.find(w("rPr"))
    if mark is not None:
        size = read_rpr(mark).get("size")
        if size is not None:
            out["mark_size"] = size
    return out


def _on_attr(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true", "on")


def read_rpr(rpr: Any) -> Props:
    """The run properties ``rpr`` (a w:rPr) sets itself."""
    out: Props = {}
    if rpr is None:
        return out
    size = rpr.find(w("sz"))
    if size is not None:
        half = number(size.get(w("val")), 1, MAX_HALF_POINTS)
        if half is not None:
            out["size"] = half
    fonts = rpr.find(w("rFonts"))
    if fonts is not None:
        theme = fonts.get(w("asciiTheme")) or fonts.get(w("hAnsiTheme"))
        name = fonts.get(w("ascii")) or fonts.get(w("hAnsi"))
        if theme:
            out["font"] = "@major" if theme.startswith("major") else "@minor"
        elif name:
            out["font"] = name[:100]
    for tag, key in (("b", "bold"), ("vanish", "hidden"), ("caps", "caps")):
        flag = _on(rpr.find(w(tag)))
        if flag is not None:
            out[key] = flag
    return out


def theme_fonts(theme: Any) -> dict[str, str]:
    """The theme's major (headings) and minor (body) Latin fonts: {"@major": ..., ...}."""
    out: dict[str, str] = {}
    if theme is None:
        return out
    for kind in ("major", "minor"):
        latin = theme.find(f".//{{{A_NS}}}{kind}Font/{{{A_NS}}}latin")
        if latin is not None and latin.get("typeface"):
            out[f"@{kind}"] = latin.get("typeface")[:100]
    return out


class Styles:
    """The document's styles, resolved through their ``basedOn`` chains (memoised)."""

    def __init__(self, styles: Any, theme: dict[str, str]) -> None:
        self.theme = theme
        self._by_id: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        self.default_table: str | None = None
        self.p_defaults: Props = {}
        self.r_defaults: Props = {"size": DEFAULT_HALF_POINTS}
        self._memo: dict[tuple[str, str], tuple[Props, Props]] = {}
        if styles is None:
            return
        defaults = styles.find(w("docDefaults"))
        if defaults is not None:
            self.p_defaults.update(read_ppr(defaults.find(f"{w('pPrDefault')}/{w('pPr')}")))
            self.r_defaults.update(read_rpr(defaults.find(f"{w('rPrDefault')}/{w('rPr')}")))
        for count, style in enumerate(styles.iterchildren(w("style"))):
            if count >= MAX_STYLES:
                break
            ident = style.get(w("styleId"))
            if ident is None or ident in self._by_id:
                continue
            self._by_id[ident] = style
            if _on_attr(style.get(w("default"))):
                kind = style.get(w("type"))
                if kind == "paragraph" and self.default_paragraph is None:
                    self.default_paragraph = ident
                elif kind == "table" and self.default_table is None:
                    self.default_table = ident

    def chain(self, ident: str | None) -> list[Any]:
        """The style ``ident`` and those it is based on, nearest first."""
        out: list[Any] = []
        seen: set[str] = set()
        while ident is not None and ident not in seen and len(out) < MAX_STYLE_DEPTH:
            seen.add(ident)
            element = self._by_id.get(ident)
            if element is None:
                break
            out.append(element)
            based = element.find(w("basedOn"))
            ident = based.get(w("val")) if based is not None else None
        return out

    def table_border(self, tblpr: Any, ident: str | None) -> float:
        """The width in points of a table's horizontal borders between rows (0: none)."""
        for props in [tblpr, *(s.find(w("tblPr")) for s in self.chain(ident))]:
            borders = props.find(w("tblBorders")) if props is not None else None
            line = borders.find(w("insideH")) if borders is not None else None
            if line is not None:
                if line.get(w("val")) in ("nil", "none"):
                    return 0.0
                return (number(line.get(w("sz")), 0, 96) or 4) / 8
        return 0.0

    def style(self, ident: str | None) -> tuple[Props, Props]:
        """(paragraph properties, run properties) a style sets, with those it is based on."""
        if ident is None:
            return {}, {}
        key = ("s", ident)
        if key not in self._memo:
            p: Props = {}
            r: Props = {}
            for element in reversed(self.chain(ident)):
                p.update(read_ppr(element.find(w("pPr"))))
                r.update(read_rpr(element.find(w("rPr"))))
            self._memo[key] = (p, r)
        return self._memo[key]

    def paragraph(self, style_id: str | None, table_style: str | None) -> tuple[Props, Props]:
        """A paragraph's properties from its style (or the default paragraph style), inside a
        table with ``table_style`` (None outside tables), over the document defaults."""
        key = (f"p:{table_style}", style_id or "")
        if key not in self._memo:
            p = dict(self.p_defaults)
            r = dict(self.r_defaults)
            if table_style is not None:
                tp, tr = self.style(table_style)
                p.update(tp)
                r.update(tr)
            sp, sr = self.style(style_id if style_id in self._by_id else self.default_paragraph)
            p.update(sp)
            r.update(sr)
            self._memo[key] = (p, r)
        return self._memo[key]

    def font_name(self, font: str | None) -> str | None:
        if font is not None and font.startswith("@"):
            return self.theme.get(font)
        return font


class Numbering:
    """The indents of list levels (numbering.xml): where a numbered paragraph's text starts."""

    def __init__(self, numbering: Any) -> None:
        self._abstract: dict[int, Any] = {}
        self._num: dict[int, int] = {}
        self._memo: dict[tuple[int, int], Props] = {}
        if numbering is None:
            return
        for count, element in enumerate(numbering.iterchildren(w("abstractNum"), w("num"))):
            if count >= MAX_STYLES:
                break
            if element.tag == w("abstractNum"):
                ident = number(element.get(w("abstractNumId")), 0)
                if ident is not None:
                    self._abstract.setdefault(ident, element)
            else:
                ident = number(element.get(w("numId")), 0)
                ref = element.find(w("abstractNumId"))
                target = number(ref.get(w("val")), 0) if ref is not None else None
                if ident is not None and target is not None:
                    self._num.setdefault(ident, target)

    def indent(self, num_id: int, level: int) -> Props:
        """The paragraph properties (indents) list ``num_id`` gives its level ``level``."""
        key = (num_id, level)
        if key not in self._memo:
            props: Props = {}
            abstract = self._abstract.get(self._num.get(num_id, -1))
            if abstract is not None:
                for lvl in abstract.iterchildren(w("lvl")):
                    if number(lvl.get(w("ilvl")), 0) == level:
                        found = read_ppr(lvl.find(w("pPr")))
                        props = {k: v for k, v in found.items()
                                 if k in ("left", "right", "first", "hanging")}
                        break
            self._memo[key] = props
        return self._memo[key]
