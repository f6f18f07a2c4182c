"""``remind``: one issue per deadline, from 48 h before it: how many have not submitted."""

from __future__ import annotations

import argparse
import sys

from checker.staff.common import add_common


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "remind", help="open or update one reminder issue per upcoming deadline (staff, cron)",
        description="From 48 hours before each deadline, opens (once) or updates one issue that "
        "says how many groups or students have not submitted (it names and @-mentions them only "
        "when schedule.yaml sets reminders: {mention_missing: true}); after the deadline it says "
        "how many are missing, for 7 days, then leaves the issue alone. It never says who was "
        "late, by how much, or who has an extension. Running it again when nothing changed "
        "writes nothing. Reads GITHUB_TOKEN and GITHUB_API_URL; needs issues: write.")
    add_common(p)
    p.add_argument("--now", help="the time to act as if it were (ISO 8601; default now)")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be written; write nothing")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from checker.commands.course_state import load_state
    from checker.github.reminders import apply, own_issues
    from checker.staff.remind import plan

    st = load_state(args)
    session = st.session
    existing = own_issues(session, st.repo, args.bot_login)
    reminders = plan(st.course, st.roster, st.rows, st.now, set(existing))
    if args.dry_run:
        for r in reminders:
            print(f"--- {r.key} ({'update' if r.key in existing else 'open'}): {r.title}\n"
                  f"{r.body}")
        return 0
    out = apply(session, st.repo, args.bot_login, reminders, existing)
    print(f"remind: {len(out.created)} opened {out.created}, {len(out.edited)} updated "
          f"{out.edited}, {len(out.unchanged)} unchanged; {session.calls} API requests",
          file=sys.stderr)
    return 0
