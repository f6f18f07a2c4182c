"""Group declarations (pure): size, nobody in two groups, no changes after the deadline."""

from __future__ import annotations

from datetime import datetime

from checker.findings import Finding, error, warning
from checker.model import Course, GroupDeclaration, Roster
from checker.timeutil import format_local


def declaration_findings(
    course: Course,
    decl: GroupDeclaration,
    base: Roster,
    others_in_pr: list[GroupDeclaration],
    at: datetime,
    due: datetime,
    author: str,
) -> list[Finding]:
    path = decl.path
    out: list[Finding] = []
    low, high = course.group_size
    n = len(decl.members)
    if not low <= n <= high:
        out.append(error(
            "group.size",
            f"{path}: group {decl.group} lists {n} member(s); groups have {low} to {high}.",
            f"List between {low} and {high} members under `members:`; if you cannot find a full "
            "group, ask the course staff.",
            path=path,
        ))
    seen: set[str] = set()
    for m in decl.members:
        if m.login in seen:
            out.append(error(
                "group.duplicate-member",
                f"{path}: {m.github} is listed twice.",
                "List each member once.",
                path=path,
            ))
        seen.add(m.login)
    # Everyone else's declaration: the base branch, updated by the other files in this PR.
    current = dict(base.groups)
    for other in others_in_pr:
        current[other.group] = other
    for group, other in sorted(current.items()):
        if group == decl.group:
            continue
        for login in sorted(decl.logins & other.logins):
            out.append(error(
                "group.duplicate-member",
                f"{path}: {login} is already a member of group {group} ({other.path}).",
                f"A student belongs to one group. Remove {login} from one of the two "
                "declarations, or ask staff to move them.",
                path=path,
            ))
    old = base.groups.get(decl.group)
    if old is not None and old.logins != decl.logins and at > due and not course.is_staff(author):
        out.append(error(
            "group.late-change",
            f"{path}: group membership was fixed on {format_local(due, course.timezone)}; "
            "this change adds or removes members after that.",
            "Undo the membership change; ask the course staff to change groups after the "
            "deadline.",
            path=path,
        ))
    presented = {s.date for s in course.presented_sessions}
    for day in decl.preferences:
        if day not in presented:
            out.append(warning(
                "group.preference",
                f"{path}: preference {day} is not a session with a student presentation.",
                "Use dates of presentation sessions from schedule.yaml (`python -m checker "
                "deadlines` lists them).",
                path=path,
            ))
    return out
