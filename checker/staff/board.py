"""The course board: groups x deliverables, coloured by status (pure model + one HTML page).

The page is self-contained (inline CSS, no script, no external asset), readable on a phone
(the matrix scrolls sideways inside its box with the group column pinned), and every status
is written as a word and an icon as well as a colour. Everything printed is HTML-escaped; a
link is only made from an ``https://`` URL.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from checker.model import Course
from checker.staff.core import Row
from checker.staff.remind import slots
from checker.timeutil import describe_delay, format_local

UPCOMING = timedelta(days=7)
MAX_LINKS = 3  # PR links shown in one cell
ORDER = ("missing", "needs-fix", "unverified", "late", "on-time", "not-due")  # worst first
LABEL = {"on-time": "on time", "late": "late", "needs-fix": "needs fix", "missing": "missing",
         "not-due": "not yet due", "unverified": "unverified"}
ICON = {"on-time": "✓", "late": "!", "needs-fix": "✗", "missing": "—", "not-due": "…",
        "unverified": "?"}
COLOR = {  # background, text: colour-blind-safe pairs with enough contrast (WCAG AA)
    "on-time": ("#c7ecd0", "#0b3d1c"),
    "late": ("#ffe39a", "#4a3500"),
    "needs-fix": ("#ffc08a", "#4d1f00"),
    "missing": ("#f2a3a3", "#4a0a0a"),
    "not-due": ("#e8e8ea", "#333338"),
    "unverified": ("#d6d0f5", "#241a5c"),
}
# per-student work (questions): the share of the owed files that were submitted, in five steps
# from none to all (light backgrounds, dark text: readable, and the words say the share too)
SHARE_COLOR = ("#f2a3a3", "#f7c59f", "#ffe39a", "#dcedb0", "#c7ecd0")
SHARE_TEXT = "#1b1b1f"


def share_step(share: float) -> int:
    """0..4: <20 %, <40 %, <60 %, <80 %, >= 80 % (100 % is the last step too)."""
    return min(4, int(share * 5))
_URL = re.compile(r"https://[A-Za-z0-9.:\-]+(/[A-Za-z0-9._~\-/%#]*)?")


@dataclass(frozen=True)
class Link:
    number: int
    url: str | None


@dataclass(frozen=True)
class Cell:
    group: str
    deliverable: str
    status: str
    text: str  # "on time", "late by 2 h", "12/15 on time · 1 missing"
    detail: str  # the session date, when per session
    links: tuple[Link, ...] = ()
    share: float | None = None  # per-student work: submitted / owed so far (None: nothing due)


@dataclass(frozen=True)
class Upcoming:
    due: datetime
    what: str
    submitted: int
    total: int


@dataclass(frozen=True)
class Board:
    course: str
    generated: str
    columns: tuple[tuple[str, str], ...]  # (deliverable id, title)
    groups: tuple[str, ...]
    cells: dict[tuple[str, str], Cell]
    upcoming: tuple[Upcoming, ...]
    counts: dict[str, int]
    tz: str = "UTC"
    staff_set: frozenset[str] = frozenset()  # deliverables set by staff, not the course page
    notes: tuple[str, ...] = ()  # staff choices and why, for people
    classes: tuple[tuple[datetime, str], ...] = ()  # the next 7 days' sessions: start, label


def _worst(statuses: list[str]) -> str:
    due = [s for s in statuses if s != "not-due"]
    if not due:
        return "not-due"
    return min(due, key=ORDER.index)


def _links(rows: list[Row]) -> tuple[Link, ...]:
    seen: dict[int, Link] = {}
    for r in rows:
        if r.chosen is not None:
            url = r.chosen.pull.url if _URL.fullmatch(r.chosen.pull.url) else None
            seen.setdefault(r.chosen.pull.number, Link(r.chosen.pull.number, url))
    return tuple(sorted(seen.values(), key=lambda x: x.number))


def _cell(group: str, deliverable: str, rows: list[Row], roster_size: int) -> Cell:
    if not rows:
        return Cell(group, deliverable, "not-due", "no members declared", "")
    status = _worst([r.status for r in rows])
    if len(rows) == 1 and rows[0].target.student is None:
        r = rows[0]
        text = LABEL[r.status]
        if r.late_seconds:
            text += f" by {describe_delay(r.late_seconds)}" if r.status == "late" else \
                f" (late by {describe_delay(r.late_seconds)})"
        if r.late_seconds and r.chosen is not None and r.chosen.file.on_time_at is not None:
            text += " · an earlier version was on time"  # the gradebook says when and which
        return Cell(group, deliverable, status, text, r.session or "", _links(rows))
    due = [r for r in rows if r.status != "not-due"]
    counts = {s: sum(1 for r in due if r.status == s) for s in ORDER}
    share = None
    if not due:
        text = f"{len(rows)} not yet due"
    else:
        submitted = len(due) - counts["missing"]
        share = submitted / len(due)
        text = f"{submitted}/{len(due)} submitted ({round(share * 100)} %)" + "".join(
            f" · {counts[s]} {LABEL[s]}" for s in ("late", "needs-fix", "missing") if counts[s])
    return Cell(group, deliverable, status, text, f"{roster_size} students", _links(rows),
                share)


def build(course: Course, rows: list[Row], now: datetime,
          members: dict[str, frozenset[str]]) -> Board:
    """``members``: each group's student logins (from the roster)."""
    tz = course.timezone
    columns = tuple((d.id, d.title) for d in course.deliverables.values())
    cells: dict[tuple[str, str], Cell] = {}
    for g in course.groups:
        logins = members.get(g, frozenset())
        for d, _title in columns:
            if course.deliverables[d].owner == "student":
                mine = [r for r in rows if r.deliverable == d and r.target.student in logins]
            else:
                mine = [r for r in rows if r.deliverable == d and r.target.group == g]
            cells[(g, d)] = _cell(g, d, mine, len(logins))
    upcoming = []
    for slot in slots(rows):
        if now <= slot.due <= now + UPCOMING:
            t = slot.rows[0].target
            what = t.deliverable.title + (
                f" for {t.session.id} ({t.session.unit or t.session.topic})" if t.session else "")
            done = sum(1 for r in slot.rows if r.chosen is not None)
            upcoming.append(Upcoming(slot.due, what, done, len(slot.rows)))
    counts = {s: sum(1 for c in cells.values() if c.status == s) for s in ORDER}
    return Board(course.name, format_local(now, tz), columns, course.groups, cells,
                 tuple(upcoming), counts, tz.key,
                 frozenset(d.id for d in course.deliverables.values() if d.set_by == "staff"),
                 staff_notes(course),
                 tuple((s.start, s.label) for s in course.sessions
                       if now <= s.start <= now + UPCOMING and s.kind not in ("no-lecture",
                                                                               "break")))


def staff_notes(course: Course) -> tuple[str, ...]:
    return course.provenance()


def _classes(board: Board) -> str:
    if not board.classes:
        return ""
    items = "".join(f"<li><time>{_e(format_local(start, ZoneInfo(board.tz)))}</time>: "
                    f"{_e(label)}</li>" for start, label in board.classes)
    return f'<h2>Classes in the next 7 days</h2><ul class="up">{items}</ul>'


def _provenance(board: Board) -> str:
    if not board.notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>" for n in board.notes)
    return ("<h2>Where the rules come from</h2><p>The course page, except the choices of the "
            f"course staff listed here:</p><ul class=\"up\">{items}</ul>")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


CSS = """
*{box-sizing:border-box}
body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;
color:#1b1b1f;background:#fff}
h1{font-size:1.25rem;margin:0 0 4px}h2{font-size:1.05rem;margin:18px 0 6px}
.meta{color:#55555c;font-size:.9rem;margin:0 0 10px}
.legend{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 10px;padding:0;list-style:none}
.legend li{padding:2px 8px;border-radius:10px;font-size:.85rem}
.wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid #ccc;border-radius:6px;
max-width:100%}
table{border-collapse:collapse;min-width:100%}
th,td{border:1px solid #d5d5da;padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:#f3f3f6;font-size:.85rem;white-space:nowrap;position:sticky;top:0}
th.g{position:sticky;left:0;background:#f3f3f6;z-index:1;white-space:nowrap}
td{min-width:7.5rem;font-size:.85rem}
td .st{font-weight:600;display:block}
td .d{display:block;opacity:.85;font-size:.78rem}
td a{color:inherit}
ul.up{padding-left:1.1rem;margin:0}ul.up li{margin:2px 0}
footer{margin-top:16px;color:#55555c;font-size:.8rem}
"""


def _status_css() -> str:
    return "".join(f".s-{s}{{background:{bg};color:{fg}}}" for s, (bg, fg) in COLOR.items()) + \
        "".join(f".q-{i}{{background:{bg};color:{SHARE_TEXT}}}" for i, bg in enumerate(SHARE_COLOR))


def render_html(board: Board) -> str:
    head = "".join(f"<th scope=\"col\">{_e(title)}"
                   + ("<br><small>course staff rule</small>" if d in board.staff_set else "")
                   + "</th>" for d, title in board.columns)
    body = []
    for g in board.groups:
        tds = []
        for d, _title in board.columns:
            c = board.cells[(g, d)]
            links = " ".join(
                f'<a href="{_e(x.url)}">#{x.number}</a>' if x.url else f"#{x.number}"
                for x in c.links[:MAX_LINKS])
            if len(c.links) > MAX_LINKS:
                links += f" +{len(c.links) - MAX_LINKS} more"
            detail = " · ".join(x for x in (_e(c.detail), links) if x)
            if c.share is None:
                klass, extra, icon = f"s-{c.status}", "", ICON[c.status] + " "
            else:  # coloured by the share submitted, not by the worst student
                klass, icon = f"q-{share_step(c.share)}", ""
                extra = f' data-share="{c.share:.3f}"'
            tds.append(
                f'<td class="{klass}" data-group="{_e(g)}" data-deliverable="{_e(d)}" '
                f'data-status="{_e(c.status)}"{extra}><span class="st">{icon}{_e(c.text)}'
                f'</span>{f"<span class=d>{detail}</span>" if detail else ""}</td>')
        body.append(f'<tr><th scope="row" class="g">{_e(g)}</th>{"".join(tds)}</tr>')
    legend = "".join(f'<li class="s-{s}">{ICON[s]} {LABEL[s]} ({board.counts.get(s, 0)})</li>'
                     for s in ORDER)
    legend += "".join(f'<li class="q-{i}">{lo} to {lo + 20} % submitted</li>'
                      for i, lo in enumerate(range(0, 100, 20)))
    if board.upcoming:
        up = "".join(
            f"<li><time>{_e(format_local(u.due, ZoneInfo(board.tz)))}</time>: {_e(u.what)} "
            f"({u.submitted} of {u.total} submitted)</li>" for u in board.upcoming)
        upcoming = f'<ul class="up">{up}</ul>'
    else:
        upcoming = "<p>No deadlines in the next 7 days.</p>"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        f"<title>{_e(board.course)}: submissions</title><style>{CSS}{_status_css()}</style>"
        "</head><body>"
        f"<h1>{_e(board.course)}</h1>"
        f"<p class=\"meta\">Submissions by group. Generated {_e(board.generated)}.</p>"
        f'<ul class="legend">{legend}</ul>'
        f'<div class="wrap"><table><thead><tr><th scope="col" class="g">Group</th>{head}</tr>'
        f'</thead><tbody>{"".join(body)}</tbody></table></div>'
        f"<h2>Deadlines in the next 7 days</h2>{upcoming}{_classes(board)}"
        f"{_provenance(board)}"
        "<footer>Each cell shows the pull request that counts for it (a merged one before an "
        "open one, else the newest). Per-student work (questions): the share of what the "
        "group's members owe so far that was submitted, coloured from none to all."
        "</footer></body></html>\n"
    )
