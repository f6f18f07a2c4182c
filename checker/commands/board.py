"""``board``: one self-contained HTML page of the whole course (for GitHub Pages)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checker.errors import UsageError
from checker.staff.common import (
    add_common,
    connect_from_env,
    course_and_roster,
    now_arg,
    read_pulls,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "board", help="write the course board: groups x deliverables as one HTML page (staff)",
        description="Writes DIR/index.html: a matrix of groups by deliverables coloured by "
        "status (on time, late, needs fix, missing, not yet due) with links to the pull "
        "requests, and the deadlines of the next 7 days. No script, no external asset. Reads "
        "GITHUB_TOKEN and GITHUB_API_URL.")
    add_common(p)
    p.add_argument("--output", required=True, metavar="DIR", help="directory to write into")
    p.add_argument("--now", help="the time the board is for (ISO 8601; default now)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from checker.staff.board import build, render_html
    from checker.staff.core import build_rows

    now = now_arg(args.now)
    course, roster = course_and_roster(args.root)
    session, repo = connect_from_env(args)
    rows = build_rows(course, roster, read_pulls(session, repo, args.bot_login), now)
    members = {g: roster.members_of(g) for g in course.groups}
    page = render_html(build(course, rows, now, members))
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out / 'index.html'}: {exc.strerror or exc}") from None
    print(f"board: wrote {out / 'index.html'} ({len(page)} bytes)", file=sys.stderr)
    return 0
