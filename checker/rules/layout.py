"""The report's layout against the deliverable's ``layout:`` spec, as a format checker does.

Like HotCRP's format checker, every finding is a warning that gives the measured value and the
expected one: ``layout.paper``, ``layout.columns``, ``layout.body-font``, ``layout.margins``.
The measurements come from the PDF's own text positions and fonts
(``checker.inspect.pdflayout``); this module only compares them (pure).
"""

from __future__ import annotations

from typing import Any

from checker.facts import FileFacts
from checker.findings import Finding, warning
from checker.model import LayoutRule

PAPER_SIZES_PT = {  # width, height in points (1/72 in)
    "letter": (612.0, 792.0),
    "a4": (595.28, 841.89),
    "legal": (612.0, 1008.0),
}
PAPER_NAMES = {"letter": "US Letter (8.5 x 11 in)", "a4": "A4 (210 x 297 mm)",
               "legal": "US Legal (8.5 x 14 in)"}
PAPER_TOLERANCE_PT = 9.0  # HotCRP's tolerance for paper sizes
FONT_TOLERANCE_PT = 0.3  # 9.96 pt (LaTeX's 10 pt) is 10 pt
MARGIN_TOLERANCE_PT = 3.0
# the right margin is the least certain of the four (ragged-right text ends anywhere, a few
# lines overshoot): inspect shows it, the rule does not judge it; shrunk margins show on the
# left as well
CHECKED_MARGINS = ("left", "top", "bottom")
_COLUMN_WORDS = {1: "one column", 2: "two columns", 3: "three columns"}


def _columns(n: int) -> str:
    return _COLUMN_WORDS.get(n, f"{n} columns")


def _pt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _inches(points: float) -> str:
    return f"{points / 72:.2f}".rstrip("0").rstrip(".") + " in"


def paper_name(width: float, height: float) -> str | None:
    for name, (w, h) in PAPER_SIZES_PT.items():
        if abs(w - width) <= PAPER_TOLERANCE_PT and abs(h - height) <= PAPER_TOLERANCE_PT:
            return name
    return None


def layout_findings(facts: FileFacts, rule: LayoutRule) -> list[Finding]:
    measured: dict[str, Any] | None = facts.layout
    if facts.kind != "pdf" or not measured:
        return []
    path = facts.path
    out: list[Finding] = []
    width, height = (float(v) for v in measured.get("paper_pt", (0, 0)))
    if rule.paper and width and height:
        name = paper_name(width, height)
        if name not in rule.paper:
            found = PAPER_NAMES.get(name or "", f"{_inches(width)} x {_inches(height)}")
            expected = " or ".join(PAPER_NAMES.get(p, p) for p in rule.paper)
            out.append(warning(
                "layout.paper",
                f"{path}: the paper size is {found}, expected {expected}.",
                "Set the paper size of the document (LaTeX: the class option, e.g. "
                "letterpaper; Word or LibreOffice: Layout > Size) and export the PDF again.",
                path,
            ))
    columns = measured.get("columns")
    if rule.columns is not None and isinstance(columns, int) and columns != rule.columns:
        out.append(warning(
            "layout.columns",
            f"{path}: the body text is set in {_columns(columns)}, expected "
            f"{_columns(rule.columns)} like the papers of the course.",
            "Use a conference template (e.g. USENIX, ACM 'sigconf' or IEEE conference) with "
            f"{_columns(rule.columns)}.",
            path,
        ))
    body = measured.get("body_font_pt")
    if isinstance(body, (int, float)):
        if rule.body_font_max is not None and body > rule.body_font_max + FONT_TOLERANCE_PT:
            out.append(warning(
                "layout.body-font",
                f"{path}: body text {_pt(body)} pt, expected at most {_pt(rule.body_font_max)} pt.",
                f"Set the body text in {_pt(rule.body_font_max)} pt, as the conference "
                "templates do, instead of enlarging it to fill the pages.",
                path,
            ))
        if rule.body_font_min is not None and body < rule.body_font_min - FONT_TOLERANCE_PT:
            out.append(warning(
                "layout.body-font",
                f"{path}: body text {_pt(body)} pt, expected at least "
                f"{_pt(rule.body_font_min)} pt.",
                f"Set the body text in at least {_pt(rule.body_font_min)} pt instead of "
                "shrinking it to fit the page limit.",
                path,
            ))
    margins = measured.get("margins_pt") or {}
    if rule.min_margin_pt is not None:
        narrow = {side: value for side, value in margins.items()
                  if side in CHECKED_MARGINS and isinstance(value, (int, float))
                  and value < rule.min_margin_pt - MARGIN_TOLERANCE_PT}
        if narrow:
            sides = ", ".join(f"{side} {_inches(value)}" for side, value in narrow.items())
            out.append(warning(
                "layout.margins",
                f"{path}: margins too small: {sides}, expected at least "
                f"{_inches(rule.min_margin_pt)}.",
                "Keep the template's margins; shorten the text instead of widening it.",
                path,
            ))
    return out
