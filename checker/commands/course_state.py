"""Not a command: what the staff commands (gradebook, board, remind; setup and validate
--issue for the connection) share: the GitHub connection from the environment, and the course
with one row per deliverable instance read from every pull request.

It composes ``checker.staff`` (pure: the course's rows) with ``checker.github`` (the API edge),
so that ``staff/`` never imports ``github/``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from checker.errors import UsageError
from checker.model import Course, Roster
from checker.staff.common import course_and_roster, now_arg

if TYPE_CHECKING:
    from checker.github.client import Session
    from checker.staff.core import Row
    from checker.staff.records import PullRecord

_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


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


def load_state(args: argparse.Namespace) -> CourseState:
    """--now, --root, --repo, GITHUB_TOKEN -> the course and one row per deliverable instance."""
    from checker.staff.core import build_rows

    now = now_arg(args.now)
    course, roster = course_and_roster(args.root)
    session, repo = connect_from_env(args)
    rows = build_rows(course, roster, read_pulls(session, repo, args.bot_login), now)
    return CourseState(course, roster, session, repo, now, rows)


def read_pulls(session: Session, repo: Any, bot_login: str) -> list[PullRecord]:
    from checker.github.pulls import read_course

    pulls = read_course(session, repo, bot_login)
    print(f"read {len(pulls)} pull requests in {session.calls} API requests", file=sys.stderr)
    return pulls
