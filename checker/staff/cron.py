"""When the reminder workflow has something to do, as cron lines computed from the course (pure).

A reminder issue changes with time only at a few moments of each deadline (``remind.py``): it
opens ``LEAD`` (48 h) before; it is refreshed ``REFRESH`` (24 h) before, so the list of who has
not submitted is current on the last day; and once the deadline and its grace have passed (plus
``MARGIN`` for a cron run that starts early in its minute), it says who is missing or late. An
extended deadline (``extensions:``) adds its own "after" moment. Between those moments nothing
that ``remind`` writes depends on the clock, so hourly runs only cost minutes.

GitHub's cron has no year and runs in UTC: each moment becomes minute, hour, day and month in
UTC, and moments at the same minute, hour and month share a line (``17 14 3,17 10 *``), so a
line fires at exactly its moments (and again a year later, when the workflow should have been
regenerated for the next term).

The lines live in ``.github/workflows/remind.yml`` between ``BEGIN``/``END`` marker comments;
``python -m checker remind-cron --write`` rewrites them, ``--check`` says whether they are
current.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from checker.model import Course, Roster
from checker.routing import Target, instances
from checker.rules.deadlines import deadline

LEAD = timedelta(hours=48)  # as checker.staff.remind.LEAD: the issue opens
REFRESH = timedelta(hours=24)
MARGIN = timedelta(minutes=10)
BEGIN = ("# BEGIN reminder times: generated from schedule.yaml by "
         "`python -m checker remind-cron --write`")
END = "# END reminder times"


@dataclass(frozen=True)
class Moment:
    at: datetime  # UTC, whole minutes
    why: str


def _targets(course: Course) -> list[Target]:
    """Every deliverable instance, plus per-student ones of students with an extension."""
    out = instances(course, Roster())
    for login in sorted({e.student for e in course.extensions if e.student}):
        out += [t for t in instances(course, Roster(), student=login)
                if t.deliverable.owner == "student"]
    return out


def _minute_up(t: datetime) -> datetime:
    t = t.astimezone(timezone.utc)
    whole = t.replace(second=0, microsecond=0)
    return whole if whole == t else whole + timedelta(minutes=1)


def moments(course: Course) -> list[Moment]:
    """The moments the reminder workflow must run, earliest first (one per minute)."""
    found: dict[datetime, str] = {}

    def add(t: datetime, why: str) -> None:
        found.setdefault(_minute_up(t), why)

    for t in _targets(course):
        dl = deadline(course, t)
        what = t.deliverable.id + (f" {t.session.date}" if t.session else "")
        add(dl.regular - LEAD, f"{what}: 48 h before")
        add(dl.regular - REFRESH, f"{what}: 24 h before")
        add(dl.regular + dl.grace + MARGIN, f"{what}: due")
        if dl.due > dl.regular:
            add(dl.due + dl.grace + MARGIN, f"{what}: extended due")
    return [Moment(t, why) for t, why in sorted(found.items())]


def cron_lines(ms: list[Moment]) -> list[str]:
    """``M H D[,D...] MON *`` lines, one per minute, hour and month."""
    days: dict[tuple[int, int, int], set[int]] = {}
    for m in ms:
        days.setdefault((m.at.month, m.at.hour, m.at.minute), set()).add(m.at.day)
    return [f"{mi} {h} {','.join(map(str, sorted(ds)))} {mo} *"
            for (mo, h, mi), ds in sorted(days.items())]


def block(lines: list[str], indent: str = "    ") -> str:
    body = "".join(f'{indent}- cron: "{line}"\n' for line in lines)
    return f"{indent}{BEGIN}\n{body}{indent}{END}\n"


_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}\n.*?^[ \t]*{re.escape(END)}\n",
                    re.M | re.S)


def replace_block(workflow: str, lines: list[str]) -> str | None:
    """``workflow`` with its generated block replaced (None: the file has no markers)."""
    m = _BLOCK.search(workflow)
    if m is None:
        return None
    return workflow[:m.start()] + block(lines, m.group(1)) + workflow[m.end():]


def runs_per_month(ms: list[Moment]) -> Counter[str]:
    """Scheduled runs by ``YYYY-MM`` (the cron lines fire exactly at the moments)."""
    return Counter(f"{m.at:%Y-%m}" for m in ms)


def days_in(month: str) -> int:
    year, mon = map(int, month.split("-"))
    return calendar.monthrange(year, mon)[1]


def stale_workflow(workflow_text: str, course: Course) -> bool:
    """Whether a workflow with the generated block lists other times than ``course`` makes
    due (False when it has no block: nothing generated to go stale)."""
    new = replace_block(workflow_text, cron_lines(moments(course)))
    return new is not None and new != workflow_text
