"""The staff tools see a PR as unverified while its last check failed or its head moved.

``publish`` (the real publisher, through PyGithub) writes the bot comment on the fake course
GitHub; ``read_course`` (what the gradebook, board and reminders read) reads it back.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_course_github import EXAMPLES, CourseGitHub

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
from gh_results import HEAD, result, validate

from checker.github.client import Session, connect
from checker.github.publisher import publish
from checker.staff.ghread import read_course

BOT = "github-actions[bot]"
TOKEN = "ghs_actions_token"


@pytest.fixture
def fake() -> Iterator[CourseGitHub]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with CourseGitHub() as f:
        f.add_pull(7, author="student1", head_sha=HEAD)
        yield f


def session(fake: CourseGitHub) -> Session:
    return Session(connect(TOKEN, fake.url), sleep=lambda s: None, log=lambda m: None)


def publish_once(fake: CourseGitHub, failure: str | None = None) -> None:
    s = session(fake)
    publish(s, s.gh, "course/seminar", 7, HEAD, None if failure else validate(result()),
            bot_login=BOT, run_url=None, failure=failure)


def record(fake: CourseGitHub) -> tuple[bool, int]:
    s = session(fake)
    [pr] = read_course(s, s.gh.get_repo("course/seminar"), BOT)
    return pr.verified, len(pr.files)


def test_failed_check_is_unverified_until_a_check_completes(fake: CourseGitHub) -> None:
    publish_once(fake)
    assert record(fake) == (True, 1)
    publish_once(fake, failure="the check step ended with exit code 3")
    assert record(fake) == (False, 1)  # the per-file record is kept, but not verified
    publish_once(fake)
    assert record(fake) == (True, 1)


def test_head_moved_since_the_record_is_unverified(fake: CourseGitHub) -> None:
    publish_once(fake)
    fake.pulls[7]["head"]["sha"] = "9" * 40  # pushed again; its check has not completed
    assert record(fake) == (False, 1)
