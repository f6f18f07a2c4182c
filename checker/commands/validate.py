"""``validate``: schedule.yaml and every group declaration, with file, YAML path and line."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("validate", help="validate schedule.yaml and all group declarations")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from checker.config import ScheduleError, load_course, load_roster
    from checker.routing import Target
    from checker.rules.deadlines import deadline
    from checker.rules.groups import declaration_findings, preferred_sessions

    root = Path(args.root)
    try:
        course = load_course(root, cached=False)  # validate always validates
    except ScheduleError as exc:
        print(exc)
        return 1
    roster, problems = load_roster(root, course, cached=False)
    messages = [str(p) for p in problems]
    group_deliverable = next((d for d in course.deliverables.values()
                              if d.path.endswith("/group.yaml")), None)
    for decl in roster.groups.values():
        if group_deliverable is None:
            break
        due = deadline(course, Target(group_deliverable, decl.group)).due
        # the same rules a pull request meets, as of the deadline (no late change)
        for f in declaration_findings(course, decl, roster, [], due, due, "validate"):
            messages.append(f"{f.severity.value}: {f.message}")
    remind = root / ".github" / "workflows" / "remind.yml"
    if remind.is_file():
        from checker.staff.cron import stale_workflow

        if stale_workflow(remind.read_text(encoding="utf-8"), course):
            messages.append("warning: .github/workflows/remind.yml: its reminder times are out "
                            "of date with schedule.yaml: run `python -m checker remind-cron "
                            "--write` and commit the workflow")
    print("\n".join(messages) + ("\n" if messages else ""), end="")
    for decl in roster.groups.values():  # for the staff assigning sessions
        prefs = preferred_sessions(course, decl)
        if prefs:
            print(f"info: group {decl.group} prefers {', '.join(prefs)}")
    errors = sum(1 for m in messages if not m.startswith("warning:"))
    print(f"{'FAIL' if errors else 'OK'}: schedule.yaml ({len(course.sessions)} sessions, "
          f"{len(course.deliverables)} deliverables, {len(course.groups)} groups), "
          f"{len(roster.groups)} group declaration(s), {len(messages)} problem(s)")
    return 1 if errors else 0
