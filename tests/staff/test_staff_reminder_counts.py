"""In ``shared``, a reminder never tells how a single owner stands: the slides of a session
have one presenter group, so "Not submitted yet (1 of 1)" named it. Such a deadline gets the
same reminder whether or not the group has submitted (docs/privacy.md, "Topologies")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub
from test_staff_remind import SLIDES, SLIDES_DUE, World

from checker.staff.remind import LEAD


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with CourseGitHub() as fake:
        yield World(fake, semester.make_root(tmp_path))  # reminders name nobody (default)


def texts(world: World) -> tuple[str, str]:
    before = world.run(SLIDES_DUE - LEAD + timedelta(minutes=5))
    assert SLIDES in before["created"]
    first = str(world.issue(SLIDES)["body"])
    world.run(SLIDES_DUE + timedelta(hours=3))
    return first, str(world.issue(SLIDES)["body"])


def test_a_one_owner_deadline_gets_a_reminder_without_counts_whatever_was_submitted(
        world: World, tmp_path: Path) -> None:
    missing = texts(world)
    for text in missing:
        assert "Reminder: Lecture slides for 2024\\-10\\-03" in text
        assert " of 1" not in text and "Missing" not in text and "Everyone" not in text
        assert "@stu" not in text  # nobody mentioned (the path names the presenting group, as
        # schedule.yaml does; whether it submitted is what the issue never says)
    assert "was due" in missing[1] and "is due" in missing[0]

    # the same deadline in a course where g10 submitted early: word for word the same issues
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    other = tmp_path / "other"
    other.mkdir()
    with CourseGitHub() as fake:
        submitted = World(fake, semester.make_root(other))
        submitted.builder.pull("stu101", [("submissions/g10/slides/2024-10-03.pdf",
                                           SLIDES_DUE - LEAD - timedelta(hours=5), 0, 20)])
        assert texts(submitted) == missing
