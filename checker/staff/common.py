"""What the three staff commands share: arguments, the course, the GitHub connection."""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import UsageError
from checker.model import Course, Roster
from checker.timeutil import parse_instant

if TYPE_CHECKING:
    from checker.github.client import Session
    from checker.staff.core import Row
    from checker.staff.orgread import OrgCourse
    from checker.staff.records import PullRecord

DEFAULT_BOT = "github-actions[bot]"
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY"),
                   help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    p.add_argument("--root", default=".", help="the course repository checkout (default: .)")
    p.add_argument("--bot-login", default=DEFAULT_BOT,
                   help=f"login of the bot whose comments carry the checker's state (default: "
                   f"{DEFAULT_BOT}); anyone else's comments are ignored")


def now_arg(text: str | None) -> datetime:
    if not text:
        return datetime.now(timezone.utc)
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise UsageError(f"--now: {exc}") from None


def course_and_roster(root: str) -> tuple[Course, Roster]:
    from checker.config import load_course, load_roster

    course = load_course(Path(root))
    roster, problems = load_roster(Path(root), course)
    for p in problems:
        print(f"warning: {p} (that group's members are left out)", file=sys.stderr)
    return course, roster


def connect_from_env(args: argparse.Namespace) -> tuple[Session, Any]:
    """(Session, the PyGithub repository object) from GITHUB_TOKEN / GITHUB_API_URL / --repo."""
    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        raise UsageError("GITHUB_TOKEN is not set")
    if not args.repo or not _REPO.fullmatch(args.repo):
        raise UsageError("--repo OWNER/NAME is required (or GITHUB_REPOSITORY)")
    from checker.github.client import Session, connect

    gh = connect(token, os.environ.get("GITHUB_API_URL") or "https://api.github.com")
    session = Session(gh)
    return session, gh.get_repo(args.repo)  # lazy client: no request


@dataclass
class CourseState:
    """What every staff command starts from: the course, its groups, the API and the rows."""

    course: Course
    roster: Roster
    session: Session
    repo: Any  # the course repository (shared); None in private
    now: datetime
    rows: list[Row]
    org: OrgCourse | None = None  # private: the group repositories read


def load_state(args: argparse.Namespace) -> CourseState:
    """--now, --root, --repo, GITHUB_TOKEN -> the course and one row per deliverable instance."""
    from checker.staff.core import build_rows

    now = now_arg(args.now)
    course, roster = course_and_roster(args.root)
    if course.topology == "private":
        return load_private(args, course, roster, now)
    session, repo = connect_from_env(args)
    rows = build_rows(course, roster, read_pulls(session, repo, args.bot_login), now)
    return CourseState(course, roster, session, repo, now, rows)


def read_pulls(session: Session, repo: Any, bot_login: str) -> list[PullRecord]:
    from checker.staff.ghread import read_course

    pulls = read_course(session, repo, bot_login)
    print(f"read {len(pulls)} pull requests in {session.calls} API requests", file=sys.stderr)
    return pulls


def load_private(args: argparse.Namespace, course: Course, roster: Roster,
                 now: datetime) -> CourseState:
    """``load_state`` for a ``private`` course: every group repository, read the same way."""
    from dataclasses import replace

    from checker.github.client import Session, connect
    from checker.staff.core import build_rows
    from checker.staff.orgread import read_org

    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        raise UsageError("GITHUB_TOKEN is not set (in a private course: a token that can read "
                         "every group repository, kept where students have no access)")
    session = Session(connect(token, os.environ.get("GITHUB_API_URL") or
                              "https://api.github.com"))
    org = read_org(session, session.gh, course, roster, args.bot_login,
                   caller=expected_caller(course, args.repo))
    print(f"read {len(org.pulls)} pull requests of {len(org.repos)} group repositories in "
          f"{session.calls} API requests", file=sys.stderr)
    rows = build_rows(course, roster, org.pulls, now)
    if org.drift:
        rows = [replace(r, flags=(*r.flags, org.drift[g])) if (g := row_group(r, roster))
                in org.drift else r for r in rows]
    return CourseState(course, roster, session, None, now, rows, org)


def row_group(row: Row, roster: Roster) -> str | None:
    """The group a row belongs to: its own, or its student's."""
    if row.target.student is None:
        return row.target.group
    groups = roster.groups_of(row.target.student)
    return groups[0] if groups else None


def expected_caller(course: Course, repo: str | None) -> tuple[str, str] | None:
    """(path, git blob SHA) of the caller workflow setup installs, when the course repository
    is known (``repositories.course``, or --repo)."""
    from checker import group_repos as gr

    course_repo = (course.repositories.course if course.repositories else None) or repo
    if not course_repo or course.repositories is None:
        return None
    text = gr.render_caller(gr.caller_template(), course_repo, course.repositories.ref)
    return gr.CALLER_PATH, gr.blob_sha(text)
