"""The gradebook by student (pure): every deliverable's status for each declared student, group
work credited to each member, late penalties applied, columns grouped by the course's grading
weights (schedule.yaml ``grading:``), and the CSV that Canvas's gradebook import takes as it is.

The checker does not grade content: a deliverable's *credit* is a submission credit out of 100
for the staff to start from: on time 100; late 100 minus the penalty (0 when the late policy
does not count it, or it came after the last moment); missing 0; needs-fix and not-yet-due
blank (for the staff to decide; a blank cell changes nothing when Canvas imports it).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from checker.model import Course, Deliverable, GradeCategory, Member, Roster
from checker.staff.core import Row
from checker.staff.gradebook import csv_cell
from checker.timeutil import describe_delay

# Canvas's gradebook import: these five columns identify the student, then one column per
# assignment (a new name creates an assignment), and an optional "Points Possible" row.
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"


@dataclass(frozen=True)
class StudentRow:
    member: Member
    group: str
    rows: dict[str, tuple[Row, ...]]  # deliverable id -> the instances this student owes


def student_rows(course: Course, roster: Roster, rows: list[Row]) -> list[StudentRow]:
    """One row per declared student, in group order, with every instance that applies."""
    out = []
    for g in course.groups:
        decl = roster.groups.get(g)
        if decl is None:
            continue
        for m in decl.members:
            mine: dict[str, list[Row]] = {d: [] for d in course.deliverables}
            for r in rows:
                if r.target.student is not None:
                    if r.target.student == m.login:
                        mine[r.deliverable].append(r)
                elif r.target.group == g:
                    mine[r.deliverable].append(r)  # group work: credited to each member
            out.append(StudentRow(m, g, {d: tuple(v) for d, v in mine.items()}))
    return out


def credit(row: Row) -> float | None:
    if row.status == "on-time":
        return 100.0
    if row.status == "late":
        return 100.0 - row.penalty_percent if row.counted else 0.0
    if row.status == "missing":
        return 0.0
    return None  # needs-fix, not-due: for the staff


def mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


def weighted_mean(values: list[tuple[float | None, float]]) -> float | None:
    """The mean of the known values, each by its weight (a deliverable's share)."""
    known = [(v, w) for v, w in values if v is not None]
    total = sum(w for _, w in known)
    return round(sum(v * w for v, w in known) / total, 1) if total else None


def describe(rows: tuple[Row, ...]) -> str:
    """'on-time', 'late 2 h (penalty 10 %)', 'late: not counted', or, for several instances,
    '2024-10-03 on-time; 2024-12-10 missing' (questions: '10/12 submitted · 1 late')."""
    if not rows:
        return "n/a"
    if len(rows) > 4:
        due = [r for r in rows if r.status != "not-due"]
        done = sum(1 for r in due if r.status != "missing")
        late = sum(1 for r in due if r.status == "late")
        return f"{done}/{len(due)} submitted" + (f" · {late} late" if late else "")
    parts = []
    for r in rows:
        text = r.status
        if r.status == "late":
            text += f" {describe_delay(r.late_seconds)}"
            if not r.counted:
                text += ": not counted"
            elif r.penalty_percent:
                text += f" (penalty {r.penalty_percent:g} %)"
        parts.append(f"{r.session} {text}" if len(rows) > 1 and r.session else text)
    return "; ".join(parts)


def categories(course: Course) -> list[tuple[GradeCategory | None, list[Deliverable]]]:
    """The grading categories with their deliverables, then the ungraded ones (None)."""
    out: list[tuple[GradeCategory | None, list[Deliverable]]] = [
        (c, [course.deliverables[d] for d in c.deliverables]) for c in course.grading]
    placed = {d for c in course.grading for d in c.deliverables}
    rest = [d for d in course.deliverables.values() if d.id not in placed]
    if rest:
        out.append((None, rest))
    return out


def category_header(c: GradeCategory) -> str:
    return f"{c.name} ({c.weight:g} %)"


def record(course: Course, s: StudentRow) -> dict[str, Any]:
    cats: dict[str, Any] = {}
    weighted, weights = 0.0, 0.0
    for c, ds in categories(course):
        per: dict[str, dict[str, Any]] = {d.id: {"status": describe(s.rows[d.id]),
                      "credit": mean([credit(r) for r in s.rows[d.id]])} for d in ds}
        if c is None:
            cats["ungraded"] = {"weight": None, "credit": None, "deliverables": per}
            continue
        value = weighted_mean([(v["credit"], c.share(d)) for d, v in per.items()])
        if value is not None:
            weighted, weights = weighted + c.weight * value, weights + c.weight
        cats[c.name] = {"weight": c.weight, "credit": value, "deliverables": per}
    return {
        "student": s.member.github, "name": s.member.name, "email": s.member.email,
        "group": s.group, "categories": cats,
        # over the categories with a known credit so far, by their weights
        "weighted_credit": round(weighted / weights, 1) if weights else None,
    }


def columns(course: Course) -> list[tuple[str, str, str | None]]:
    """(header, category key, deliverable id or None for the category's own credit)."""
    out: list[tuple[str, str, str | None]] = []
    for c, ds in categories(course):
        head = category_header(c) if c else "Not graded"
        key = c.name if c else "ungraded"
        for d in ds:
            out.append((f"{head}: {d.title}", key, d.id))
            out.append((f"{head}: {d.title} credit", key, d.id + "\0credit"))
        if c is not None:
            out.append((f"{head} credit", key, None))
    return out


def to_json(course: Course, students: list[StudentRow], tz: ZoneInfo,
            generated: datetime) -> str:
    doc = {"course": course.name, "generated_at": generated.astimezone(tz).isoformat(),
           "grading": [{"name": c.name, "weight": c.weight, "deliverables": list(c.deliverables),
                        "note": c.note} for c in course.grading],
           "students": [record(course, s) for s in students]}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def _cell(rec: dict[str, Any], key: str, which: str | None) -> Any:
    cat = rec["categories"][key]
    if which is None:
        return cat["credit"]
    if which.endswith("\0credit"):
        return cat["deliverables"][which[:-7]]["credit"]
    return cat["deliverables"][which]["status"]


def to_csv(course: Course, students: list[StudentRow]) -> str:
    cols = columns(course)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "name", "email", "group", *(h for h, _k, _d in cols),
                "weighted credit"])
    for s in students:
        rec = record(course, s)
        w.writerow([csv_cell(x) for x in (rec["student"], rec["name"], rec["email"],
                                            rec["group"], *(_cell(rec, k, d) for _h, k, d in cols),
                                            rec["weighted_credit"])])
    return buf.getvalue()


def sis_login(course: Course, member: Member) -> str:
    """The SIS login Canvas matches on: the email's local part at the course's domain (the
    uniqname at umich.edu); blank when the email is elsewhere."""
    local, _, host = member.email.rpartition("@")
    domain = course.email_domain
    if domain and (host.casefold() == domain or host.casefold().endswith("." + domain)):
        return local
    return ""


def canvas_csv(course: Course, students: list[StudentRow]) -> str:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one
    assignment column per grading category (its submission credit out of 100; blank: no
    change), after a "Points Possible" row."""
    cats = list(course.grading)
    names = [f"{c.name} (submissions)" for c in cats]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([*CANVAS_IDENTITY, *names])
    w.writerow([POINTS_POSSIBLE, "", "", "", "", *("100" for _ in cats)])
    for s in students:
        rec = record(course, s)
        name = _canvas_name(s.member.name)
        values = [rec["categories"][c.name]["credit"] for c in cats]
        w.writerow([csv_cell(name), "", "", csv_cell(sis_login(course, s.member)), "",
                    *("" if v is None else f"{v:g}" for v in values)])
    return buf.getvalue()


def _canvas_name(name: str) -> str:
    """Canvas lists students as 'Last, First'."""
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name
