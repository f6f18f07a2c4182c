"""Deadlines: when an instance is due, and how late a submission is (pure).

The submission time is always given from outside (the server-side time of the push, or
``--at``); commit dates are never an input here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from checker.findings import Finding, error, info, warning
from checker.model import Course, Extension, LatePolicy
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
    status: str  # "on-time" | "late" | "unverified" (after the deadline by an incomplete record)
    late_seconds: int
    findings: tuple[Finding, ...]
    counted: bool = True  # False: late work the policy does not count, or past the last moment
    penalty_percent: float = 0.0


LATE_RULES = ("deadline.late", "deadline.not-counted", "deadline.closed")
EXTENSION_HINT = ("If you have a reason for an extension, ask the course staff (they add it to "
                  "schedule.yaml).")


def penalty_percent(policy: LatePolicy, late_seconds: int) -> float:
    """The deduction for work ``late_seconds`` late: per started day, capped (Canvas's rule)."""
    if late_seconds <= 0 or not policy.penalty_per_day:
        return 0.0
    days = math.ceil(late_seconds / 86400)
    return float(min(days * policy.penalty_per_day, policy.max_penalty))


def late_effect(policy: LatePolicy, due: datetime, at: datetime,
                late_seconds: int) -> tuple[bool, float]:
    """(counted, penalty percent) of work submitted at ``at``, ``late_seconds`` late (0: on
    time or within grace)."""
    if late_seconds <= 0:
        return True, 0.0
    closes = policy.closes(due)
    if (closes is not None and at > closes) or not policy.counted:
        return False, 0.0
    return True, penalty_percent(policy, late_seconds)


def judge_late(policy: LatePolicy, title: str, path: str, due: datetime, at: datetime,
               over: int, tz: tzinfo) -> Lateness:
    """Work ``over`` seconds past ``due`` (grace already exceeded): what the policy makes of it."""
    late = describe_delay(over)
    when = f"{title} was due {format_local(due, tz)}; submitted {format_local(at, tz)}."
    closes = policy.closes(due)
    if closes is not None and at > closes:
        return Lateness("late", over, (error(
            "deadline.closed",
            f"{path}: {late} late, after the last moment submissions were accepted "
            f"({format_local(closes, tz)}). {when} It will not be accepted.",
            "Nothing can be submitted for this any more; take the file out of the pull request. "
            + EXTENSION_HINT,
            path=path,
        ),), counted=False)
    if not policy.counted:
        return Lateness("late", over, (warning(
            "deadline.not-counted",
            f"{path}: {late} late; a late {title.lower()} will not be counted (the course's "
            f"late rule). {when}",
            "It is recorded as submitted late and will not count towards the grade. "
            + EXTENSION_HINT,
            path=path,
        ),), counted=False)
    penalty = penalty_percent(policy, over)
    cost = ""
    if penalty:
        cost = (f" Late penalty: {penalty:g} % ({policy.penalty_per_day:g} % per started day"
                + (f", at most {policy.max_penalty:g} %" if policy.max_penalty < 100 else "")
                + ").")
    closing = f" Nothing is accepted after {format_local(closes, tz)}." if closes else ""
    return Lateness("late", over, (warning(
        "deadline.late",
        f"{path}: {late} late. {when}{cost}{closing}",
        "Late work is recorded as late; nothing in the file can change that. " + EXTENSION_HINT,
        path=path,
    ),), penalty_percent=penalty)


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


def lateness(course: Course, target: Target, path: str, at: datetime, *,
             confirmed: bool = True) -> Lateness:
    """How late work received at ``at`` is. ``confirmed`` False: ``at`` may be later than GitHub
    really received it (a source of its record could not be read in full), so work past the
    deadline is ``unverified``, never late."""
    dl = deadline(course, target)
    tz = course.timezone
    findings: list[Finding] = []
    if dl.extension is not None:  # its reason is staff's note: never published
        findings.append(info(
            "deadline.extension",
            f"{path}: extension applied: due {format_local(dl.due, tz)} instead of "
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
    if not confirmed:
        return Lateness("unverified", int(over), (*findings, unverified(path, dl.due, at, tz)))
    judged = judge_late(target.deliverable.late, target.deliverable.title, path, dl.due, at,
                        int(over), tz)
    return Lateness("late", judged.late_seconds, (*findings, *judged.findings), judged.counted,
                    judged.penalty_percent)


def unverified(path: str, due: datetime, at: datetime, tz: tzinfo) -> Finding:
    """Work dated after the deadline by a record that could not be read in full."""
    return info(
        "deadline.unverified",
        f"{path}: by the part of GitHub's record that could be read, this content was first "
        f"received {format_local(at, tz)}, {describe_delay((at - due).total_seconds())} after "
        f"the deadline ({format_local(due, tz)}); the record is incomplete (see "
        "receipt.unavailable), so it is not counted late: whether it was on time is unverified.",
        "Nothing to do for you. Course staff confirm it from GitHub's own record "
        "(`python -m checker gradebook --recheck`).",
        path=path,
    )


def which_version_counts(path: str, title: str, counted: bool, version: dict[str, str] | None,
                         tz: tzinfo) -> Finding | None:
    """Said plainly to a group that changed a file after its deadline: which version counts.

    ``version``: the last other content GitHub received on time (``on_time_version``)."""
    if version is None:
        return None
    commit = version["commit"][:12]
    try:
        when = format_local(datetime.fromisoformat(version["received_at"]), tz)
    except ValueError:
        when = version["received_at"]
    if counted:
        return info(
            "deadline.on-time-version",
            f"{path}: this version came after the deadline. The version GitHub received on "
            f"time (commit {commit}, received {when}) is the one graded; this one is recorded "
            "as late.",
            "Nothing to do if the on-time version is the one you want graded; if you want this "
            "later one graded instead, ask the course staff.",
            path=path,
        )
    return info(
        "deadline.on-time-version",
        f"{path}: this change came after the deadline, so it will not be counted: the "
        f"{title.lower()} that counts is the version GitHub received on time (commit {commit}, "
        f"received {when}).",
        "Nothing to do: the on-time version stands. Fixes pushed after the deadline are kept "
        "in the pull request's history but do not count.",
        path=path,
    )
