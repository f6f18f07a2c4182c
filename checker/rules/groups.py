"""Group declarations (pure): size, nobody in two groups, no changes after the deadline,
the course's email domain, and paper preferences (dates or titles) resolved to sessions."""

from __future__ import annotations

import re
from datetime import datetime

from checker.findings import Finding, error, warning
from checker.model import Course, GroupDeclaration, Roster, Session
from checker.timeutil import format_local


def _key(title: str) -> str:
    """'Efficient Memory Management ... PagedAttention' -> 'efficientmemorymanagement...'."""
    return re.sub(r"[^0-9a-z]+", "", title.casefold())


def paper_index(course: Course) -> dict[str, tuple[str, Session]]:
    """Every reading's title, its part before a colon and its short name -> (title, session)."""
    out: dict[str, tuple[str, Session]] = {}
    for s in course.sessions:
        for r in s.readings:
            names = [r.title, r.title.split(":")[0]] + ([r.short] if r.short else [])
            for name in names:
                k = _key(name)
                if len(k) >= 3:
                    out.setdefault(k, (r.title, s))
    return out


def resolve_preference(course: Course, title: str) -> tuple[str, Session] | None:
    """The paper a preference names (case, spacing and punctuation ignored), or None."""
    return paper_index(course).get(_key(title))


def preferred_sessions(course: Course, decl: GroupDeclaration) -> list[str]:
    """The group's preferences as sessions: dates as given, titles resolved (unknown ones left
    out), in the group's order, each once: ['2024-10-03 (PagedAttention)', ...]."""
    out: dict[str, str] = {str(d): str(d) for d in decl.preferences}
    index = paper_index(course) if decl.preference_titles else {}
    for title in decl.preference_titles:
        found = index.get(_key(title))
        if found is not None:
            out.setdefault(found[1].id, f"{found[1].id} ({title})")
    return list(out.values())


def email_in_domain(email: str, domain: str) -> bool:
    host = email.rpartition("@")[2].casefold().rstrip(".")
    return host == domain or host.endswith("." + domain)


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
    if course.email_domain:
        for m in decl.members:
            if not email_in_domain(m.email, course.email_domain):
                out.append(error(
                    "group.email-domain",
                    f"{path}: {m.github}'s email {m.email} is not an address at "
                    f"{course.email_domain}; the course asks for each member's "
                    f"{course.email_domain} address.",
                    f"Write {m.github}'s {course.email_domain} address (such as "
                    f"uniqname@{course.email_domain}) under `email:`.",
                    path=path,
                ))
    presented = {s.date for s in course.presented_sessions}
    index = paper_index(course) if decl.preference_titles else {}
    for title in decl.preference_titles:
        found = index.get(_key(title))
        if found is None:
            import difflib  # only for an unknown preference

            close = difflib.get_close_matches(_key(title), list(index), n=1, cutoff=0.6)
            maybe = f" Did you mean {index[close[0]][0]!r}?" if close else ""
            out.append(warning(
                "group.preference-unknown",
                f"{path}: preference {title!r} matches no paper of the reading list.{maybe}",
                "Write a paper's title as the reading list gives it (or its short name, such as "
                "PagedAttention), or the date of its session (YYYY-MM-DD).",
                path=path,
            ))
        elif found[1].date not in presented:
            out.append(warning(
                "group.preference",
                f"{path}: preference {title!r} is read on {found[1].id} ({found[1].topic}), "
                "which is not a session with a student presentation.",
                "Choose a paper of a presentation session (`python -m checker deadlines` lists "
                "them).",
                path=path,
            ))
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
