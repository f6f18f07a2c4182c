"""``deadlines``: every deadline that applies, as text, JSON or an iCalendar file."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from checker.commands.output import emit
from checker.config import load_course, load_roster
from checker.errors import UsageError
from checker.model import Course, Deliverable, Session
from checker.routing import Target, instances
from checker.rules.deadlines import deadline
from checker.timeutil import format_local


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("deadlines", help="list deadlines (text, json or ics calendar)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--group", help="only this group's deadlines")
    who.add_argument("--student", help="only this student's deadlines (their group's and own)")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.add_argument("--format", choices=["text", "json", "ics"], default="text")
    p.add_argument("--output", help="write to FILE instead of stdout")
    p.add_argument("--sessions", action="store_true",
                   help="also list the class sessions (text and ics): the topic heading, the "
                   "required papers and who presents")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    course = load_course(Path(args.root))
    roster, _problems = load_roster(Path(args.root), course)
    if args.group and args.group not in course.groups:
        raise UsageError(f"--group {args.group}: not a group of this course "
                         f"({', '.join(course.groups)})")
    if args.student and not roster.groups_of(args.student):
        raise UsageError(f"--student {args.student}: not a member of any declared group "
                         "(declare your group in submissions/<group>/group.yaml first)")
    targets = instances(course, roster, group=args.group, student=args.student)
    if args.group:  # one row per session for the members' own deliverables, not one each
        targets = list({(t.deliverable.id, t.group, t.session and t.session.id):
                        (replace(t, student=None) if t.student else t) for t in targets}.values())
    rows = [_row(course, t) for t in targets]
    shown = {t.deliverable.id for t in targets}
    staff_set = [d for d in course.deliverables.values()
                 if d.id in shown and (d.set_by == "staff" or d.staff_choices or d.note)]
    if args.format == "json":
        text = json.dumps([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
                          indent=2) + "\n"
    elif args.format == "ics":
        text = to_ics(course, rows, course.sessions if args.sessions else ())
    else:
        text = "".join(
            f"{format_local(r['_due'], course.timezone)}  {r['_title']}"
            f"{' [course staff rule]' if r['set_by'] == 'staff' else ''}"
            f"{' [' + r['_late'] + ']' if r['_late'] else ''}"
            f"{' — ' + r['_owner'] if r['_owner'] else ''}"
            f"{' (session ' + r['session'] + _topic(r) + ')' if r['session'] else ''}"
            f"\n    {r['_path']}\n"
            for r in rows
        ) + provenance(course, staff_set) + (schedule(course) if args.sessions else "")
    emit(text, args.output)
    return 0


def _row(course: Course, t: Target) -> dict[str, Any]:
    due = deadline(course, t).due
    row: dict[str, Any] = {"deliverable": t.deliverable.id}
    if t.deliverable.owner == "student":
        row["student"] = t.student
    else:
        row["group"] = t.group
    s = t.session
    row.update({
        "session": s.id if s else None,
        "topic": (s.unit or s.title) if s else None,  # the page's heading (Pre-Training, ...)
        "set_by": t.deliverable.set_by,
        "due": due.isoformat(),
        "_due": due,
        "_title": t.deliverable.title,
        "_owner": t.group or t.student or ("each student" if t.deliverable.owner == "student"
                                           else ""),
        "_path": t.path(),
        "_session": s.label if s else None,
        "_late": t.deliverable.late.describe(),
    })
    return row


def _topic(r: dict[str, Any]) -> str:
    return f" · {r['topic']}" if r.get("topic") else ""


def provenance(course: Course, staff_set: list[Deliverable]) -> str:
    """Which rules are the staff's choices rather than the course page's (for people)."""
    lines = course.provenance({d.id for d in staff_set})
    if not lines:
        return ""
    out = ["", "Rules come from the course page, except the choices of the course staff "
           "marked here:"]
    out.extend(f"  - {line}" for line in lines)
    return "\n".join(out) + "\n"


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on lines starting with a space."""
    out: list[str] = []
    current = b""
    for ch in line:
        enc = ch.encode("utf-8")
        if len(current) + len(enc) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += enc
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def schedule(course: Course) -> str:
    out = ["", "Sessions:"]
    out.extend(f"{format_local(s.start, course.timezone)}  {s.label}" for s in course.sessions
               if s.kind not in ("no-lecture", "break"))
    return "\n".join(out) + "\n"


def _session_event(s: Session, stamp: str) -> list[str]:
    fmt = "%Y%m%dT%H%M%SZ"
    out = ["BEGIN:VEVENT", f"UID:session-{s.id}@submission-checker", f"DTSTAMP:{stamp}",
           f"DTSTART:{s.start.astimezone(timezone.utc).strftime(fmt)}",
           f"DTEND:{s.end.astimezone(timezone.utc).strftime(fmt)}",
           f"SUMMARY:{_ics_text(s.label)}"]
    if s.location:
        out.append(f"LOCATION:{_ics_text(s.location)}")
    return [*out, "END:VEVENT"]


def to_ics(course: Course, rows: list[dict[str, Any]],
           sessions: tuple[Session, ...] = ()) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//submission-checker//deadlines//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_ics_text(course.name + ' deadlines')}"]
    for r in rows:
        due_utc = r["_due"].astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        owner = r.get("group") or r.get("student") or "all"
        uid = f"{r['deliverable']}-{owner}-{r['session'] or 'once'}@submission-checker"
        summary = f"Due: {r['_title']}" + (f" ({r['_owner']})" if r["_owner"] else "") + (
            f" · {r['topic']}" if r.get("topic") else "")
        origin = " Set by the course staff, not the course page." if r["set_by"] == "staff" \
            else ""
        if r["_late"]:
            origin += f" {r['_late'][0].upper()}{r['_late'][1:]}."
        lines += ["BEGIN:VEVENT", f"UID:{_ics_text(uid)}", f"DTSTAMP:{stamp}",
                  # a deadline is an instant: no DTEND (RFC 5545 3.6.1: the event then ends
                  # when it starts; a DTEND equal to DTSTART is not allowed, 3.8.2.2)
                  f"DTSTART:{due_utc}", f"SUMMARY:{_ics_text(summary)}",
                  "DESCRIPTION:" + _ics_text(
                      (f"Session {r['session']}: {r['_session']}. " if r["_session"] else "")
                      + 'Submit ' + r['_path'] + ' by a pull request.' + origin),
                  "TRANSP:TRANSPARENT", "END:VEVENT"]

    for s in sessions:
        if s.kind not in ("no-lecture", "break"):
            lines += _session_event(s, stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
