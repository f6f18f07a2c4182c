"""What the three staff commands share: arguments, the course, the GitHub connection."""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import UsageError
from checker.model import Course, Roster
from checker.timeutil import parse_instant

if TYPE_CHECKING:
    from checker.github.client import Session
    from checker.staff.core import Row
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
    repo: Any
    now: datetime
    rows: list[Row]
    pulls: list[PullRecord] = field(default_factory=list)


def load_state(args: argparse.Namespace) -> CourseState:
    """--now, --root, --repo, GITHUB_TOKEN -> the course and one row per deliverable instance."""
    from checker.staff.core import build_rows

    now = now_arg(args.now)
    course, roster = course_and_roster(args.root)
    session, repo = connect_from_env(args)
    pulls = read_pulls(session, repo, args.bot_login)
    rows = build_rows(course, roster, pulls, now)
    return CourseState(course, roster, session, repo, now, rows, pulls)


def read_pulls(session: Session, repo: Any, bot_login: str) -> list[PullRecord]:
    from checker.staff.ghread import read_course

    pulls = read_course(session, repo, bot_login)
    print(f"read {len(pulls)} pull requests in {session.calls} API requests", file=sys.stderr)
    return pulls
