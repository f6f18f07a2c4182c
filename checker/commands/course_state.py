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
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from checker.errors import UsageError
from checker.model import Course, Roster
from checker.staff.common import course_and_roster, now_arg

if TYPE_CHECKING:
    from checker.github.client import Session
    from checker.github.orgread import OrgCourse
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
    pulls: list[PullRecord] = field(default_factory=list)  # what the rows were built from
    org: OrgCourse | None = None  # topology private: the group repositories read (repo: None)


def load_state(args: argparse.Namespace) -> CourseState:
    """--now, --root, --repo, GITHUB_TOKEN -> the course and one row per deliverable instance."""
    from checker.staff.core import build_rows

    now = now_arg(args.now)
    course, roster = course_and_roster(args.root)
    if course.topology == "private":
        return load_private(args, course, roster, now)
    session, repo = connect_from_env(args)
    pulls = read_pulls(session, repo, args.bot_login)
    rows = build_rows(course, roster, pulls, now)
    return CourseState(course, roster, session, repo, now, rows, pulls)


def read_pulls(session: Session, repo: Any, bot_login: str) -> list[PullRecord]:
    from checker.github.pulls import read_course

    pulls = read_course(session, repo, bot_login)
    print(f"read {len(pulls)} pull requests in {session.calls} API requests", file=sys.stderr)
    return pulls


def load_private(args: argparse.Namespace, course: Course, roster: Roster,
                 now: datetime) -> CourseState:
    """``load_state`` for a ``private`` course: every group repository, read the same way
    (``checker.github.orgread``), with a token that reads them all."""
    from checker.github.client import Session, connect
    from checker.github.orgread import read_org
    from checker.staff.core import build_rows

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
    state = CourseState(course, roster, session, None, now, [], org.pulls, org)
    state.rows = flag_drift(state, build_rows(course, roster, org.pulls, now))
    return state


def flag_drift(state: CourseState, rows: list[Row]) -> list[Row]:
    """``rows`` with the flag of each group whose repository's caller differs from the
    course's (``private``; in ``shared`` the rows as they are)."""
    from dataclasses import replace

    from checker.staff.common import row_group

    drift = state.org.drift if state.org is not None else {}
    if not drift:
        return rows
    return [replace(r, flags=(*r.flags, drift[g])) if (g := row_group(r, state.roster))
            in drift else r for r in rows]


def server_url() -> str:
    """Where git fetches repositories from: GITHUB_SERVER_URL (set on GitHub's runners; a
    GitHub Enterprise server's address), default https://github.com."""
    url = os.environ.get("GITHUB_SERVER_URL") or "https://github.com"
    if not re.fullmatch(r"(https://|file:///)[^\s'\"]+", url):
        raise UsageError(f"GITHUB_SERVER_URL {url!r} is not an https:// address")
    return url


def expected_caller(course: Course, repo: str | None) -> tuple[str, str] | None:
    """(path, git blob SHA) of the caller workflow setup installs, when the course repository
    is known (``repositories.course``, schedule.yaml's ``repository``, or --repo)."""
    from checker import group_repos as gr

    if course.repositories is None:
        return None
    course_repo = course.repositories.course or course.repository or repo
    if not course_repo:
        return None
    text = gr.render_caller(gr.caller_template(), course_repo, course.repositories.ref)
    return gr.CALLER_PATH, gr.blob_sha(text)
