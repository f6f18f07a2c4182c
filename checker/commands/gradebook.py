"""``gradebook``: one row per deliverable instance, from every PR of the course repository."""

from __future__ import annotations

import argparse

from checker.commands.output import emit
from checker.errors import UsageError
from checker.staff.common import add_common


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gradebook", help="who submitted what, when: every deliverable instance (staff)",
        description="Reads every pull request of the repository (open, closed, merged) and the "
        "checker's state in its bot comment, and writes one row per deliverable instance that "
        "applies: on-time, late (with the delay), needs-fix, missing or not-due, the PR, when "
        "it was submitted, whether it is merged and its page count. Reads GITHUB_TOKEN and "
        "GITHUB_API_URL.")
    add_common(p)
    p.add_argument("--by", choices=["instance", "student"], default="instance",
                   help="one row per deliverable instance (default) or per student: every "
                   "deliverable's status and submission credit, grouped by the grading weights")
    p.add_argument("--format", choices=["csv", "json", "markdown", "canvas"], default="csv",
                   help="canvas: the CSV Canvas's gradebook import takes as it is (per student, "
                   "one assignment column per grading category)")
    p.add_argument("--output", help="write to FILE instead of stdout")
    p.add_argument("--now", help="the time to judge 'missing' against (ISO 8601; default now)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from checker.commands.course_state import load_state
    from checker.staff import gradebook

    if args.by == "student" and args.format == "markdown":
        raise UsageError("--by student: use --format csv, json or canvas")
    st = load_state(args)
    tz = st.course.timezone
    if args.format == "canvas" or args.by == "student":
        from checker.staff import students

        people = students.student_rows(st.course, st.roster, st.rows)
        if args.format == "canvas":
            text = students.canvas_csv(st.course, people)
        elif args.format == "json":
            text = students.to_json(st.course, people, tz, st.now)
        else:
            text = students.to_csv(st.course, people)
        emit(text, args.output)
        return 0
    if args.format == "json":
        text = gradebook.to_json(st.rows, tz, course=st.course.name, generated=st.now)
    elif args.format == "markdown":
        text = gradebook.to_markdown(st.rows, tz, course=st.course.name, generated=st.now)
    else:
        text = gradebook.to_csv(st.rows, tz)
    emit(text, args.output)
    return 0
