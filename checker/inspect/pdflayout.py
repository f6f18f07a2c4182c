"""A PDF's layout as a conference format checker measures it (pure over the read lines).

Modelled on HotCRP's format checker (``banal``): the body font size is the size of most
characters; columns come from where body lines start on each page (a second column is a
cluster of line starts right of the middle holding a good share of the lines), the number of
columns is the most common over the measured pages; margins are the distances from the paper's
edges to the text block: left at the 3rd percentile of line starts, right at the 80th of line
ends, top and bottom as the median over pages of each page's outermost line (a running header,
footer or page number set apart from the text is left out), so that a lone page number, a wide
figure label or a half-empty last page does not decide them; the right margin needs the
fonts' widths (simple fonts give them; standard and composite fonts may not) and is left out
when most lines lack them. Only body pages (before the
references) with enough text are measured.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from checker.inspect.pdflines import Line, PageLines, body_font_size, most_common

MIN_LINES = 12  # a page with fewer body lines (figures, title page) tells little about columns
MAX_MEASURED_PAGES = 30
_BIN_PT = 6.0
_CLUSTER_SHARE = 0.15  # a column holds at least this share of a page's body-line starts
_COLUMN_GAP = 0.25  # of the page width between the starts of two columns
_EDGE = 0.03  # percentile of line starts taken as the left edge of the text block
_RIGHT_EDGE = 0.2  # of line ends: justified lines reach the edge, a few overshoot in estimate
_RUNNING_GAP = 2.5  # body sizes between a running header or footer and the text block


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def page_columns(lines: Sequence[Line], width: float) -> int | None:
    """1, 2, 3...: clusters of body-line starts at least a quarter page apart; None if unclear."""
    if len(lines) < MIN_LINES:
        return None
    bins = Counter(round(line.x / _BIN_PT) for line in lines)
    counts: dict[int, int] = {}
    for b, n in bins.items():  # fold each bin with its neighbours: starts jitter by a point
        counts[b] = n + bins.get(b - 1, 0) + bins.get(b + 1, 0)
    strong = sorted(b for b, n in counts.items() if n >= _CLUSTER_SHARE * len(lines))
    if not strong:
        return 1
    columns = 1
    last = strong[0] * _BIN_PT
    for b in strong[1:]:
        x = b * _BIN_PT
        if x - last >= _COLUMN_GAP * width:
            columns += 1
            last = x
    return columns


def measure(pages: Sequence[PageLines]) -> dict[str, Any] | None:
    """Paper size, body font, columns and margins of ``pages``; None if there is no text."""
    measured = [p for p in pages[:MAX_MEASURED_PAGES] if p.lines]
    body = body_font_size(list(measured))
    if body is None or not measured:
        return None
    first = measured[0]
    columns: Counter[int] = Counter()
    lefts: list[float] = []
    rights: list[float] = []
    tops: list[float] = []  # per page
    bottoms: list[float] = []
    for page in measured:
        body_lines = [ln for ln in page.lines if abs(ln.size - body) <= 0.6]
        n = page_columns(body_lines, page.width)
        if n is not None:
            columns[n] += 1
        placed = [ln for ln in page.lines
                  if ln.size >= 0.8 * body and 0 <= ln.x <= page.width and 0 <= ln.y <= page.height]
        for line in placed:
            lefts.append(line.x)
            if line.end is not None:
                rights.append(page.width - min(line.end, page.width))
        if len(placed) >= 2:
            ys = sorted({round(ln.y, 1) for ln in placed})
            low, high = ys[0], ys[-1]
            if len(ys) > 2 and ys[1] - ys[0] > _RUNNING_GAP * body:
                low = ys[1]  # a running footer or page number, apart from the text block
            if len(ys) > 2 and ys[-1] - ys[-2] > _RUNNING_GAP * body:
                high = ys[-2]  # a running header
            tops.append(page.height - min(high + 0.75 * body, page.height))
            bottoms.append(low)
    out: dict[str, Any] = {
        "paper_pt": [round(first.width, 1), round(first.height, 1)],
        "body_font_pt": round(body, 1),
        "pages_measured": len(measured),
    }
    if columns:
        out["columns"] = most_common(columns)
    margins: dict[str, float] = {}
    if lefts:
        margins["left"] = round(_percentile(lefts, _EDGE), 1)
    if tops:
        margins["top"] = round(_percentile(tops, 0.5), 1)
        margins["bottom"] = round(_percentile(bottoms, 0.5), 1)
    if rights and len(rights) * 2 >= len(lefts):  # most lines in fonts giving their widths
        margins["right"] = round(_percentile(rights, _RIGHT_EDGE), 1)
    if margins:
        out["margins_pt"] = margins
    return out
