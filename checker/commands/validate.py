"""``validate``: schedule.yaml and every group declaration, with file, YAML path and line."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("validate", help="validate schedule.yaml and all group declarations")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.add_argument("--issue", action="store_true",
                   help="also keep one issue for staff up to date (open while there are "
                   "problems, closed when they are fixed); reads GITHUB_TOKEN, GITHUB_API_URL")
    p.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY"),
                   help="with --issue: OWNER/NAME (default: $GITHUB_REPOSITORY)")
    p.add_argument("--bot-login", default="github-actions[bot]",
                   help="with --issue: the login the token writes as; only its issue is edited")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lines, failed = check(Path(args.root))
    print("\n".join(lines))
    if args.issue:
        from checker.commands.course_state import connect_from_env
        from checker.github.validate_issue import sync

        session, repo = connect_from_env(args)
        problems = [x for x in lines if not x.startswith(("info:", "OK:", "FAIL:"))]
        done = sync(session, repo, args.bot_login, problems, not failed,
                    os.environ.get("GITHUB_SHA"))
        where = f" #{done.number}" if done.number else ""
        print(f"validate issue{where}: {done.action}")
    return 1 if failed else 0


def check(root: Path) -> tuple[list[str], bool]:
    """The lines ``validate`` prints, and whether it failed."""
    from checker.config import ScheduleError, load_course, load_roster
    from checker.routing import Target
    from checker.rules.deadlines import deadline
    from checker.rules.groups import declaration_findings, preferred_sessions

    try:
        course = load_course(root, cached=False)  # validate always validates
    except ScheduleError as exc:
        return str(exc).splitlines(), True
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
    public = [e for e in course.extensions if not e.spec]  # schedule.yaml's, not the staff's
    for i, ext in enumerate(public):
        if ext.reason:
            who = ext.group or ext.student or "?"
            messages.append(
                f"warning: schedule.yaml: extensions[{i}] ({ext.deliverable}, {who}) carries a "
                "reason; schedule.yaml is readable by every student of the course, so keep the "
                "reason (illness, accommodation, ...) where only staff read it and remove "
                "`reason:` here (docs/privacy.md)")
    if course.topology == "private" and public:
        messages.append(
            f"warning: schedule.yaml: topology: private, and {len(public)} "
            "extension(s) listed: every group's check reads this file from the course "
            "repository, so every student can read who has an extension; leave out any whose "
            "existence must stay between a student and the staff: keep those in the staff's "
            "extensions.yaml (docs/topology.md)")
    out = list(messages)
    for decl in roster.groups.values():  # for the staff assigning sessions
        prefs = preferred_sessions(course, decl)
        if prefs:
            out.append(f"info: group {decl.group} prefers {', '.join(prefs)}")
    errors = sum(1 for m in messages if not m.startswith("warning:"))
    out.append(f"{'FAIL' if errors else 'OK'}: schedule.yaml ({len(course.sessions)} sessions, "
               f"{len(course.deliverables)} deliverables, {len(course.groups)} groups), "
               f"{len(roster.groups)} group declaration(s), {len(messages)} problem(s)")
    return out, errors > 0
