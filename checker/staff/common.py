"""What the staff commands share: their arguments and the course (no GitHub: the commands
connect, in ``checker.commands.course_state``)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import UsageError
from checker.model import Course, Roster
from checker.timeutil import parse_instant

if TYPE_CHECKING:
    from checker.staff.core import Row

DEFAULT_BOT = "github-actions[bot]"


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


def row_group(row: Row, roster: Roster) -> str | None:
    """The group a row belongs to: its own, or its student's (``private``: whose repository)."""
    if row.target.student is None:
        return row.target.group
    groups = roster.groups_of(row.target.student)
    return groups[0] if groups else None
