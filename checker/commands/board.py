"""``board``: one self-contained HTML page of the whole course (for GitHub Pages)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checker.commands.output import emit
from checker.errors import UsageError
from checker.staff.common import add_common


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
    from checker.commands.course_state import load_state
    from checker.staff.board import build, render_html

    st = load_state(args)
    members = {g: st.roster.members_of(g) for g in st.course.groups}
    page = render_html(build(st.course, st.rows, st.now, members))
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror or exc}") from None
    emit(page, str(out / "index.html"))
    print(f"board: wrote {out / 'index.html'} ({len(page)} bytes)", file=sys.stderr)
    return 0
