"""Which reminder issues should exist and what they say (pure).

One issue per deadline (a deliverable, for one session when it is per session), found again
by the hidden marker ``<!-- submission-checker:reminder KEY -->`` in an issue written by the
bot login. From ``LEAD`` (48 h) before the deadline the issue says how many have not
submitted; a course that sets ``reminders: {mention_missing: true}`` has it list and @-mention
them (the members' GitHub logins from their group.yaml, which the schema validated). A deadline
of a single owner (a session's presenter group) gets, in a course that names nobody, only a
reminder: no count, and opened whatever was submitted, since "1 of 1" would name it. After the
deadline it says how many are missing, until ``FOLLOW_UP`` after the deadline, when it is left
alone. It never says who was late, by how much, or who has an extension (docs/privacy.md).
The text depends only on the submissions and on which side of the deadline ``now`` is, never
on the clock itself, so an hourly run that finds nothing new writes nothing. A run that comes
late (a delayed or skipped cron) still opens the issue, once: an issue is only ever created
when none with its marker exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from checker.model import Course, Roster
from checker.report.markdown import code, escape
from checker.staff.core import Row
from checker.timeutil import format_local

LEAD = timedelta(hours=48)
FOLLOW_UP = timedelta(days=7)
MARKER = "<!-- submission-checker:reminder {key} -->"
_MARKER = re.compile(r"^<!-- submission-checker:reminder ([a-z0-9_@.-]{1,80}) -->$", re.M)
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
MAX_BODY = 60000


@dataclass(frozen=True)
class Reminder:
    key: str
    title: str
    body: str
    phase: str  # "before" | "after"


@dataclass(frozen=True)
class Slot:
    key: str
    rows: tuple[Row, ...]
    due: datetime  # the regular deadline (individual extensions may be later)

    @property
    def last_due(self) -> datetime:
        return max(r.due for r in self.rows)


def key_in(body: str | None) -> str | None:
    m = _MARKER.search(body or "")
    return m.group(1) if m else None


def slots(rows: list[Row]) -> list[Slot]:
    by: dict[str, list[Row]] = {}
    for r in rows:
        key = r.deliverable + (f"@{r.session}" if r.session else "")
        by.setdefault(key, []).append(r)
    out = []
    for key, rs in by.items():
        t = rs[0].target
        out.append(Slot(key, tuple(rs), t.deliverable.due.resolve(t.session)))
    return sorted(out, key=lambda s: (s.due, s.key))


def mention(login: str) -> str:
    return f"@{login}" if _LOGIN.fullmatch(login) else escape(login, 60)


def who(row: Row, roster: Roster, *, notify: bool) -> str:
    if row.target.student is not None:
        login = row.target.student
        return mention(login) if notify else code(login, 60)
    group = row.target.group or "?"
    members = sorted(roster.members_of(group))
    if not notify:
        return code(group, 40)
    if not members:
        return f"{code(group, 40)} (no group.yaml: nobody to mention)"
    return f"{code(group, 40)} ({' '.join(mention(m) for m in members)})"


def _pr(row: Row) -> str:
    return f" #{row.chosen.pull.number}" if row.chosen else ""


def _bullets(rows: list[Row], roster: Roster, *, notify: bool) -> list[str]:
    if rows and all(r.target.student for r in rows):  # students: one line
        return [", ".join(who(r, roster, notify=notify) + _pr(r) for r in rows)]
    return [f"- {who(r, roster, notify=notify)}{_pr(r)}" for r in rows]


def render(course: Course, roster: Roster, slot: Slot, now: datetime) -> Reminder:
    """The issue for one deadline. Everyone in the course reads it, so it names nobody who was
    late (nor by how much) and nobody with an extension; it names those who have not submitted
    (and @-mentions them) only where the course chose so (``reminders: {mention_missing:
    true}`` in schedule.yaml), else it gives counts."""
    t = slot.rows[0].target
    d = t.deliverable
    tz = course.timezone
    named = course.remind_mention_missing
    what = d.title + (f" for {t.session.id} ({t.session.topic})" if t.session else "")
    title = f"Due {slot.due.astimezone(tz):%a %b %d %H:%M}: {what}"[:200]
    after = now > slot.due
    missing = [r for r in slot.rows if r.status in ("missing", "not-due")
               and not r.due > slot.due]  # an extension is nobody else's business
    fix = [r for r in slot.rows if r.status == "needs-fix"]
    submitted = [r for r in slot.rows if r.status in ("on-time", "late", "needs-fix",
                                                      "unverified")]
    template = t.path()
    lines = [MARKER.format(key=slot.key)]
    if alone(course, slot):
        return _reminder_only(slot, what, title, template, tz, after)
    if not after:
        lines += [f"### ⏰ {escape(what, 200)} is due {escape(format_local(slot.due, tz), 80)}",
                  "", f"Submit it in a pull request that adds {code(template)}.", ""]
        if missing:
            lines.append(f"**Not submitted yet** ({len(missing)} of {len(slot.rows)})"
                         + (":" if named else "."))
            lines += _bullets(missing, roster, notify=True) if named else []
        else:
            lines.append(f"Everyone has submitted ({len(slot.rows)} of {len(slot.rows)}).")
    else:
        lines += [f"### {escape(what, 200)} was due {escape(format_local(slot.due, tz), 80)}",
                  ""]
        if missing:
            lines.append(f"**Missing** ({len(missing)} of {len(slot.rows)}): submit it now; "
                         "late work is recorded as late." + ("" if named else
                                                              " Staff have the list."))
            lines += _bullets(missing, roster, notify=True) if named else []
        else:
            lines.append("Nothing is missing.")
    if fix:
        lines += ["", f"**Submitted, needs fixing** ({len(fix)}; see the PR's comment)"
                  + (":" if named else ".")]
        lines += _bullets(fix, roster, notify=False) if named else []
    lines += ["", f"Submitted: {len(submitted)} of {len(slot.rows)}.", "",
              "<sub>Kept up to date by the submission checker's reminder workflow; staff can "
              "close this issue when it is no longer needed.</sub>"]
    body = "\n".join(lines) + "\n"
    if len(body) > MAX_BODY:
        body = body[: MAX_BODY - 40] + "\n\n… (list cut short)\n"
    return Reminder(slot.key, title, body, "after" if after else "before")


def alone(course: Course, slot: Slot) -> bool:
    """A deadline of one owner (a session's presenter group) in a course that names nobody: any
    count ("1 of 1 missing") would say how that owner stands, so the issue says none."""
    return len(slot.rows) == 1 and not course.remind_mention_missing


def _reminder_only(slot: Slot, what: str, title: str, template: str, tz: ZoneInfo,
                   after: bool) -> Reminder:
    """The issue of a one-owner deadline: when it is due and how to submit, nothing that
    depends on whether anyone has (the same text whatever was submitted)."""
    when = escape(format_local(slot.due, tz), 80)
    lines = [MARKER.format(key=slot.key),
             f"### ⏰ Reminder: {escape(what, 200)} {'was' if after else 'is'} due {when}", "",
             f"Submit it in a pull request that adds {code(template)}"
             + ("; late work is recorded as late." if after else "."), "",
             "<sub>Kept up to date by the submission checker's reminder workflow; staff can "
             "close this issue when it is no longer needed.</sub>"]
    return Reminder(slot.key, title, "\n".join(lines) + "\n", "after" if after else "before")


def plan(course: Course, roster: Roster, rows: list[Row], now: datetime,
         existing: set[str]) -> list[Reminder]:
    """The reminders to write now: every deadline in its window (48 h before it to 7 days
    after the last extended due) that has someone to name, or that already has an issue."""
    out = []
    for slot in slots(rows):
        if not slot.due - LEAD <= now <= slot.last_due + FOLLOW_UP:
            continue
        needs = any(r.status in ("missing", "late", "needs-fix") or
                    (r.status == "not-due" and now <= slot.due) for r in slot.rows)
        if alone(course, slot):  # whether it opens must not tell how the owner stands
            needs = now <= slot.due
        if slot.key in existing or needs:
            out.append(render(course, roster, slot, now))
    return out
