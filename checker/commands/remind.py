"""``remind``: one issue per deadline, from 48 h before it: how many have not submitted.

In a ``private`` course each group's reminders go to an issue in its own repository (only the
group and staff see it), naming the group's own members who have not submitted."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from checker.staff.common import add_common

if TYPE_CHECKING:
    from checker.commands.course_state import CourseState


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
    if st.org is not None:
        return remind_groups(args, st)
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


def remind_groups(args: argparse.Namespace, st: CourseState) -> int:
    """``private``: each group's deadlines, in an issue of the group's own repository."""
    from dataclasses import replace

    from checker.github.reminders import apply, own_issues
    from checker.staff.common import row_group
    from checker.staff.remind import plan

    assert st.org is not None
    session = st.session
    # the group's own repository: naming and @-mentioning its own members tells nobody else
    course = replace(st.course, remind_mention_missing=True)
    counts = {"opened": 0, "updated": 0, "unchanged": 0}
    author = token_login(session, args.bot_login)  # staff's token writes these issues
    for group, repo in st.org.repos.items():
        rows = [r for r in st.rows if row_group(r, st.roster) == group]
        existing = own_issues(session, repo, author)
        reminders = plan(course, st.roster, rows, st.now, set(existing))
        if args.dry_run:
            for r in reminders:
                print(f"--- {st.course.repository_of(group)} {r.key} "
                      f"({'update' if r.key in existing else 'open'}): {r.title}\n{r.body}")
            continue
        out = apply(session, repo, author, reminders, existing)
        counts["opened"] += len(out.created)
        counts["updated"] += len(out.edited)
        counts["unchanged"] += len(out.unchanged)
    if not args.dry_run:
        print(f"remind: in {len(st.org.repos)} group repositories {counts['opened']} opened, "
              f"{counts['updated']} updated, {counts['unchanged']} unchanged; {session.calls} "
              "API requests", file=sys.stderr)
    return 0


def token_login(session: Any, fallback: str) -> str:
    """The login the token writes as (its issues are the reminders to find again); a
    workflow's token cannot ask (403): then the bot's login."""
    from checker.github.client import PublishError

    try:
        return str(session.call("read the token's login", lambda: session.gh.get_user().login))
    except PublishError:
        return fallback
