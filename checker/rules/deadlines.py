"""Deadlines: when an instance is due, and how late a submission is (pure).

The submission time is always given from outside (the server-side time of the push, or
``--at``); commit dates are never an input here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from checker.findings import Finding, info, warning
from checker.model import Course, Extension
from checker.routing import Target
from checker.timeutil import describe_delay, format_local


@dataclass(frozen=True)
class Deadline:
    regular: datetime  # what schedule.yaml says
    due: datetime  # with any extension applied
    grace: timedelta
    extension: Extension | None = None


@dataclass(frozen=True)
class Lateness:
    status: str  # "on-time" | "late"
    late_seconds: int
    findings: tuple[Finding, ...]


def deadline(course: Course, target: Target) -> Deadline:
    d = target.deliverable
    regular = d.due.resolve(target.session)
    session_day = target.session.date if target.session else None
    due, used = regular, None
    for ext in course.extensions:
        if ext.applies(d.id, target.group, target.student, session_day):
            extended = ext.apply(regular)
            if extended > due:
                due, used = extended, ext
    return Deadline(regular, due, d.grace, used)


def lateness(course: Course, target: Target, path: str, at: datetime) -> Lateness:
    dl = deadline(course, target)
    tz = course.timezone
    findings: list[Finding] = []
    if dl.extension is not None:
        reason = f" ({dl.extension.reason})" if dl.extension.reason else ""
        findings.append(info(
            "deadline.extension",
            f"{path}: extension applied{reason}: due {format_local(dl.due, tz)} instead of "
            f"{format_local(dl.regular, tz)}.",
            path=path,
        ))
    over = (at - dl.due).total_seconds()
    if over <= 0:
        return Lateness("on-time", 0, tuple(findings))
    if over <= dl.grace.total_seconds():
        findings.append(info(
            "deadline.grace",
            f"{path}: submitted {describe_delay(over)} after the deadline "
            f"({format_local(dl.due, tz)}), within the {describe_delay(dl.grace.total_seconds())}"
            " grace period: counted on time.",
            path=path,
        ))
        return Lateness("on-time", 0, tuple(findings))
    findings.append(warning(
        "deadline.late",
        f"{path}: {describe_delay(over)} late. {target.deliverable.title} was due "
        f"{format_local(dl.due, tz)}; submitted {format_local(at, tz)}.",
        "Late work is recorded as late; nothing in the file can change that. If you have a "
        "reason for an extension, ask the course staff (they add it to schedule.yaml).",
        path=path,
    ))
    return Lateness("late", int(over), tuple(findings))
