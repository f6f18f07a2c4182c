"""Routing: which deliverable instance a repository path is (pure, no I/O).

A path template such as ``submissions/{group}/slides/{session}.{ext}`` becomes a regular
expression; a path that matches names a group (or student), a session and an extension.
Whether that group may submit it, and whether the extension is allowed, is for the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from checker.model import Course, Deliverable, Roster, Session, is_login, login_key, parse_day

MAX_PATH_CHARS = 1024


@dataclass(frozen=True)
class Target:
    """One deliverable instance: the proposal of g03, the slides of g10 for 2024-10-03, ..."""

    deliverable: Deliverable
    group: str | None = None
    student: str | None = None  # casefolded login
    session: Session | None = None
    ext: str | None = None

    @property
    def owner(self) -> str:
        return self.group or self.student or "?"

    def path(self, ext: str | None = None) -> str:
        return render(self.deliverable, self.group, self.student, self.session, ext or self.ext)


@dataclass(frozen=True)
class Route:
    path: str
    target: Target | None = None
    # When the path has a deliverable's shape but names something that does not exist:
    unknown: str | None = None  # e.g. "g99 is not a group of this course"


@lru_cache(maxsize=64)
def _pattern(template: str) -> re.Pattern[str]:
    out = ""
    for part in re.split(r"({[a-z]+})", template):
        if part == "{ext}":
            out += r"(?P<ext>[^/]+)"
        elif part.startswith("{") and part.endswith("}"):
            out += rf"(?P<{part[1:-1]}>[^/.]+)"
        else:
            out += re.escape(part)
    return re.compile(out)


def render(
    d: Deliverable,
    group: str | None,
    student: str | None,
    session: Session | None,
    ext: str | None,
) -> str:
    values = {
        "group": group or "<group>",
        "student": student or "<login>",
        "session": session.id if session else "<YYYY-MM-DD>",
        "ext": ext or (d.formats[0] if len(d.formats) == 1 else "(" + "|".join(d.formats) + ")"),
    }
    # one pass: a submitted name that looks like a placeholder stays as it is
    return re.sub(r"{([a-z]+)}", lambda m: values.get(m.group(1), m.group(0)), d.path)


def route(course: Course, path: str) -> Route:
    if len(path) > MAX_PATH_CHARS:
        return Route(path[:MAX_PATH_CHARS], unknown="the path is too long")
    for d in course.deliverables.values():
        m = _pattern(d.path).fullmatch(path)
        if not m:
            continue
        parts = m.groupdict()
        group = parts.get("group")
        if group is not None and group not in course.groups:
            return Route(path, unknown=f"{group!r} is not a group of this course "
                         f"({course.groups[0]}..{course.groups[-1]})")
        session = None
        if "session" in parts:
            session, why = _session(course, d, parts["session"])
            if session is None:
                return Route(path, unknown=why)
        if d.due.group_session is not None:
            session = course.group_session(d.due.group_session, group)
        ext = parts.get("ext") or (d.formats[0] if "{ext}" not in d.path else None)
        student = parts.get("student")
        if student is not None and not is_login(student):
            return Route(path, unknown=f"{student!r} is not a GitHub login (letters, digits and "
                         "hyphens, at most 39)")
        return Route(path, Target(d, group, login_key(student) if student else None, session,
                                  ext))
    return Route(path)


def _session(course: Course, d: Deliverable, text: str) -> tuple[Session | None, str]:
    day = parse_day(text)  # exactly YYYY-MM-DD: no week dates (2024-W40-4), no 20241003
    if day is None:
        return None, f"{text!r} is not a date in the form YYYY-MM-DD"
    session = course.session(day)
    if session is None:
        return None, f"there is no class on {day}"
    if d.sessions == "presented" and session.presenter is None:
        return None, f"there is no student presentation on {day} ({session.topic})"
    if d.sessions in ("presenter", "summary", "reviewer") and session.group_for(d.sessions) is None:
        return None, f"there is no student presentation on {day} ({session.topic})"
    return session, ""


def instances(course: Course, roster: Roster, *, group: str | None = None,
              student: str | None = None) -> list[Target]:
    """Every deliverable instance that applies, optionally for one group or one student.

    With neither filter: group deliverables for every group, session deliverables for the
    group assigned to each session, and student deliverables once per session (student None).
    """
    groups = list(course.groups)
    login = login_key(student) if student else None
    if login is not None:
        groups = roster.groups_of(login)
    elif group is not None:
        groups = [group]
    out: list[Target] = []
    for d in course.deliverables.values():
        if d.owner == "student":
            students: list[str | None] = [None]
            if login is not None:
                students = [login]
            elif group is not None:
                students = [*sorted(roster.members_of(group))]
            sessions = [s for s in course.sessions if _applies(d, s)] if d.per_session else [None]
            out.extend(Target(d, None, who, s) for s in sessions for who in students
                       if who is None or not exempt(d, s, roster.groups_of(who)))
            continue
        for g in groups:
            if not d.per_session:
                own = course.group_session(d.due.group_session, g) if d.due.group_session \
                    else None
                out.append(Target(d, g, None, own))
                continue
            for s in course.sessions:
                if _applies(d, s) and (d.sessions == "presented" or s.group_for(d.sessions) == g):  # type: ignore[arg-type]
                    out.append(Target(d, g, None, s))
    return sorted(out, key=lambda t: (t.deliverable.due.resolve(t.session), t.owner))


def exempt(d: Deliverable, s: Session | None, groups: list[str]) -> bool:
    """Whether a student in ``groups`` does not owe ``d`` for session ``s`` (their group has
    one of the deliverable's exempt roles in that session)."""
    return s is not None and any(s.group_for(role) in groups for role in d.exempt)


def _applies(d: Deliverable, s: Session) -> bool:
    if d.sessions == "presented":
        return s.presenter is not None
    return d.sessions is not None and s.group_for(d.sessions) is not None
