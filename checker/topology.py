"""The ``private`` topology in a check: which group a pull request's repository belongs to,
and the roster it is judged by.

In ``private`` (schedule.yaml ``topology: private``) every group has its own private
repository, named by ``repositories.pattern``; the submission workflow runs there but takes the
checker and schedule.yaml from the course repository (``--root``). The group's pull request and
its base commit are fetched into that checkout as git objects, as data. So:

- the group is the one whose repository the event names (GitHub writes the event payload; the
  group cannot change it), and a repository that is no group's is refused;
- its members are its declaration in the group repository's base commit, if it has one, plus
  the pull request's author: GitHub lets only the group's members (and staff) open a pull
  request in its private repository. No other group's declaration is read: a group repository
  never holds, and a check there never learns, who is in another group;
- extensions the staff keep out of schedule.yaml (their ``extensions.yaml``) reach the check
  as the group repository's variable COURSE_EXTENSIONS, which ``setup`` fills with that
  group's own and only an admin (staff) can change.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from checker import gitio
from checker.config import GROUP_FILE, load_course, load_roster
from checker.errors import UsageError
from checker.model import Course, Roster
from checker.yamlfile import Problem

EXTENSIONS_VARIABLE = "COURSE_EXTENSIONS"


def repository_group(course: Course, repo: str | None) -> str | None:
    """The group whose repository ``repo`` (OWNER/NAME) is, in a ``private`` course; None in
    ``shared``. A private course's check of a repository that is no group's is refused."""
    if course.topology != "private" or course.repositories is None:
        return None
    group = course.repositories.group_of(repo or "", course.groups)
    if group is None:
        raise UsageError(
            f"{repo or 'this repository'} is not a group repository of this course: "
            f"schedule.yaml says topology: private, each group's repository named "
            f"{course.repositories.full_name('{group}')} for a group of `groups:`")
    return group


def group_roster(root: Path, course: Course, group: str, base: str | None
                 ) -> tuple[Roster, list[Problem]]:
    """The declarations a check in ``group``'s repository knows: that group's own, as the base
    commit ``base`` of its repository has it (read from git objects, never the work tree),
    and no other group's."""
    paths = {f"{course.submissions_dir}/{g}/{GROUP_FILE}": g for g in course.groups}
    instead: dict[str, bytes | None] = {p: None for p in paths}
    own = f"{course.submissions_dir}/{group}/{GROUP_FILE}"
    instead[own] = gitio.file_at(root, base, own) if base else None
    return load_roster(root, course, instead=instead)


def group_course_and_roster(root: Path, course: Course, group: str, base: str | None
                            ) -> tuple[Course, Roster]:
    """What a check in ``group``'s repository judges by: the course, with the group's own
    extensions from the variable COURSE_EXTENSIONS (in the environment), and the roster of
    ``group_roster``."""
    roster, problems = group_roster(root, course, group, base)
    if problems:
        raise UsageError(
            f"{course.submissions_dir}/{group}/{GROUP_FILE} on the default branch of "
            f"{course.repository_of(group)} is invalid; fix it there (`python -m checker "
            "validate` lists the problems), then push again:\n  "
            + "\n  ".join(map(str, problems)))
    granted = os.environ.get(EXTENSIONS_VARIABLE)
    if granted:
        course = with_group_extensions(root, course, group, granted)
    return course, roster


def grant_author(roster: Roster, course: Course, group: str, author: str) -> Roster:
    """``author`` opened the pull request in ``group``'s private repository: a member (staff
    need no membership)."""
    return roster if course.is_staff(author) else roster.granting(group, author)


def with_group_extensions(root: Path, course: Course, group: str, text: str) -> Course:
    """``course`` with the group's own extensions from its repository variable (the text of
    an ``extensions.yaml`` holding that group's entries and its members')."""
    full = load_course(root, extensions=text,
                       extensions_source=f"the repository variable {EXTENSIONS_VARIABLE}")
    mine = tuple(e for e in full.extensions
                 if not e.spec or e.group == group or e.student is not None)
    return replace(course, extensions=mine)
