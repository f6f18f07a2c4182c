"""Read a ``private`` course: every group repository's pull requests and the checker's state
in them (the API edge, as ``checker.github.pulls`` is for one course repository).

Per group repository the two paginated listings of ``pulls.read_course`` (pull requests, and
the repository's comments), so the budget is per repository what it is for the course
repository in ``shared``: ceil(P/100) + ceil(C/100) requests, at least one each. Only the files
a group may hold count from its repository: the group's own deliverables and its members'
own work (a ``submissions/g02/`` file in g01's repository is g01's mistake, never g02's
submission). A group repository that does not exist yet (setup not run for it) is reported
and left out. With the caller workflow the course installs, one more request per repository
reads its workflow folder and flags a caller that differs from the course's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from checker.github.client import PublishError, Session
from checker.github.pulls import Progress, read_course
from checker.model import Course, Roster
from checker.routing import route
from checker.staff.records import PullRecord

DRIFT_FLAG = ("the group repository's caller workflow ({path}) differs from the course's: "
              "its check may not be the course's (run setup --topology private to put it back)")


@dataclass
class OrgCourse:
    """What was read: every group's pull requests, the repositories, and what to flag."""

    pulls: list[PullRecord] = field(default_factory=list)
    repos: dict[str, Any] = field(default_factory=dict)  # group -> PyGithub repository
    by_group: dict[str, list[PullRecord]] = field(default_factory=dict)  # group -> its pulls
    missing: list[str] = field(default_factory=list)  # groups whose repository is not there
    drift: dict[str, str] = field(default_factory=dict)  # group -> flag


def owned(course: Course, roster: Roster, group: str) -> Callable[[str], bool]:
    """Whether a path is work ``group``'s repository may hold: its own, or its members'."""
    members = roster.members_of(group)

    def check(path: str) -> bool:
        t = route(course, path).target
        if t is None:
            return False
        return t.group == group if t.student is None else t.student in members
    return check


def own_files(pulls: list[PullRecord], mine: Callable[[str], bool]) -> list[PullRecord]:
    """``pulls`` with only the files their group repository may hold (``owned``)."""
    return [replace(p, files=tuple(f for f in p.files if mine(f.path))) for p in pulls]


def read_org(session: Session, gh: Any, course: Course, roster: Roster, bot_login: str,
             caller: tuple[str, str] | None = None,
             progress: Progress | None = None) -> OrgCourse:
    """Every group repository of ``course``; ``caller``: (path, git blob SHA) of the caller
    workflow the course installs, to flag a repository whose copy differs."""
    progress = progress or Progress()
    out = OrgCourse()
    groups = course.groups
    for i, g in enumerate(groups, 1):
        full = course.repository_of(g)
        assert full is not None
        progress.show(f"reading group repositories: {i}/{len(groups)} ({full})")
        repo = gh.get_repo(full)  # lazy: no request
        try:
            pulls = read_course(session, repo, bot_login, progress)
        except PublishError as exc:
            if "HTTP 404" not in str(exc):
                raise
            out.missing.append(g)
            continue
        out.repos[g] = repo
        mine = owned(course, roster, g)
        out.by_group[g] = own_files(pulls, mine)
        out.pulls += out.by_group[g]
        if caller is not None and _differs(session, gh, full, *caller):
            out.drift[g] = DRIFT_FLAG.format(path=caller[0])
    progress.done()
    for g in out.missing:
        print(f"warning: group {g}'s repository {course.repository_of(g)} was not found (or "
              "the token cannot read it): run `python -m checker setup --topology private`; "
              "its work is left out", file=sys.stderr)
    return out


def _differs(session: Session, gh: Any, full: str, path: str, sha: str) -> bool:
    from checker.github.orgrepos import OrgRepos

    return OrgRepos(session, gh, full.split("/", 1)[0]).file_sha(full, path) != sha
