"""``validate``: schedule.yaml and every group declaration, with file, YAML path and line."""

from __future__ import annotations

import argparse
from pathlib import Path

from checker.config import ScheduleError, load_course, load_roster
from checker.model import Roster


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("validate", help="validate schedule.yaml and all group declarations")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        course = load_course(root)
    except ScheduleError as exc:
        print(exc)
        return 1
    roster, problems = load_roster(root, course)
    problems = [*problems, *cross_group_problems(roster)]
    for p in problems:
        print(p)
    sessions = len(course.sessions)
    print(f"{'FAIL' if problems else 'OK'}: schedule.yaml ({sessions} sessions, "
          f"{len(course.deliverables)} deliverables, {len(course.groups)} groups), "
          f"{len(roster.groups)} group declaration(s), {len(problems)} problem(s)")
    return 1 if problems else 0


def cross_group_problems(roster: Roster) -> list[str]:
    out = []
    seen: dict[str, str] = {}
    for group, decl in sorted(roster.groups.items()):
        logins = [m.login for m in decl.members]
        for login in sorted({x for x in logins if logins.count(x) > 1}):
            out.append(f"{decl.path}: {login} is listed twice")
        for login in sorted(set(logins)):
            if login in seen:
                out.append(f"{decl.path}: {login} is also a member of {seen[login]}; a student "
                           "belongs to one group")
            else:
                seen[login] = group
    return out
