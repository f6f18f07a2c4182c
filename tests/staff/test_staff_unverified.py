"""The staff tools see a PR as unverified while its last check failed or its head moved.

``publish`` (the real publisher, through PyGithub) writes the bot comment on the fake course
GitHub; ``read_course`` (what the gradebook, board and reminders read) reads it back.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
from gh_results import HEAD, file_entry, result, validate

from checker.cli import main
from checker.github.client import Session, connect
from checker.github.publisher import publish
from checker.github.pulls import read_course

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
    """g01's proposal, pushed on time (2024-09-19 16:00 in Detroit), or a failed check."""
    proposal = file_entry("submissions/g01/proposal.pdf", deliverable="proposal")
    s = session(fake)
    publish(s, s.gh, "course/seminar", 7, HEAD, None if failure else validate(result([proposal])),
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


def test_gradebook_shows_the_unverified_row_until_a_check_completes(
        fake: CourseGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Through the CLI: an on-time summary whose PR's last check crashed is not on time."""
    root = semester.make_root(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)

    def status() -> str:
        assert main(["gradebook", "--repo", "course/seminar", "--root", str(root),
                     "--format", "json", "--now", "2024-10-01T00:00:00Z"]) == 0
        rows = json.loads(capsys.readouterr().out)["rows"]
        [row] = [r for r in rows if r["pr"] == 7]
        return str(row["status"])

    def board_cell() -> str:
        out = tmp_path / "site"
        assert main(["board", "--repo", "course/seminar", "--root", str(root), "--output",
                     str(out), "--now", "2024-10-01T00:00:00Z"]) == 0
        page = (out / "index.html").read_text(encoding="utf-8")
        [cell] = re.findall(r'data-group="g01" data-deliverable="proposal" '
                            r'data-status="([a-z-]+)"', page)
        return str(cell)

    publish_once(fake)
    assert status() == "on-time" and board_cell() == "on-time"
    publish_once(fake, failure="the check step ended with exit code 3")
    assert status() == "unverified" and board_cell() == "unverified"
    publish_once(fake)
    assert status() == "on-time" and board_cell() == "on-time"
