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
    p.add_argument("--recheck", action="store_true",
                   help="rebuild the record from GitHub's own facts (the pull requests, the "
                   "receipt runs, the push logs, the commits by id) with the trusted checker of "
                   "--root, never from a comment or a label, write that gradebook, and report "
                   "every row where the bot's comments disagree (exit 1 if any). --root must be "
                   "a clone of the course repository: git fetches the commits from its origin; "
                   "in a private course, from each group repository at GITHUB_SERVER_URL "
                   "(default https://github.com) into --root, the staff's checkout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from checker.commands.course_state import load_state
    from checker.staff import gradebook

    if args.by == "student" and args.format == "markdown":
        raise UsageError("--by student: use --format csv, json or canvas")
    if args.recheck:
        return recheck(args)
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


def recheck(args: argparse.Namespace) -> int:
    """``--recheck``: the gradebook from GitHub's facts, and every row the comments disagree on."""
    import json
    import os
    import sys
    from pathlib import Path

    from checker.commands.course_state import flag_drift, load_state, server_url
    from checker.commands.rebuild import rebuild, rebuild_org
    from checker.staff import gradebook
    from checker.staff.core import build_rows
    from checker.staff.recheck import compare

    if args.by != "instance" or args.format == "canvas":
        raise UsageError("--recheck: one row per deliverable instance (--by instance), "
                         "--format csv, json or markdown")
    st = load_state(args)  # the published record: the bot's comments, only to compare with
    tz = st.course.timezone
    token = os.environ.get("GITHUB_TOKEN") or ""
    api_url = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    if st.org is not None:  # private: every group repository, from its own facts
        done = rebuild_org(Path(args.root), st.course, st.roster,
                           {g: [p.pull for p in ps] for g, ps in st.org.by_group.items()},
                           api_url, token, server_url(), now=st.now)
    else:
        done = rebuild(Path(args.root), st.course, st.roster, [p.pull for p in st.pulls],
                       args.repo, api_url, token, now=st.now)
    rows = flag_drift(st, build_rows(st.course, st.roster, done.pulls, st.now))
    diffs = compare(st.rows, rows, tz)
    for problem in done.problems:
        print(f"recheck: not read in full: {problem}", file=sys.stderr)
    for d in diffs:
        print(f"recheck: {d.describe()}", file=sys.stderr)
    print(f"recheck: {done.judged} pull requests judged again from GitHub's facts; {len(rows)} "
          f"rows, {len(diffs)} where the bot's comments disagree", file=sys.stderr)
    notes = {d.key: d.describe() for d in diffs}
    if args.format == "json":
        doc = json.loads(gradebook.to_json(rows, tz, course=st.course.name, generated=st.now))
        doc["recheck"] = {
            "judged": done.judged, "problems": done.problems,
            "disagreements": [{"deliverable": d.key[0], "group": d.key[1],
                               "student": d.key[2], "session": d.key[3],
                               "fields": {name: {"comment": old, "facts": new}
                                          for name, old, new in d.fields},
                               "text": d.describe()} for d in diffs]}
        text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    elif args.format == "markdown":
        text = gradebook.to_markdown(rows, tz, course=st.course.name, generated=st.now)
        text += gradebook.recheck_markdown([d.describe() for d in diffs], done.problems)
    else:
        text = gradebook.to_csv(rows, tz, notes)
    emit(text, args.output)
    return 1 if diffs else 0
