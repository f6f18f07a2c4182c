"""Every staff command reads a semester in one request per 100 PRs plus one per 100 comments
plus a constant, whatever the number of PRs, students or comments (issue 12 §3). The 300-
student figures are in bench/bench_course.py; here the count is asserted on a semester padded
past several pages of each listing."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub

from checker.cli import main

NOW = datetime(2024, 12, 20, 12, 0, tzinfo=timezone.utc)
REMIND_AT = datetime(2024, 12, 15, 12, 0, tzinfo=timezone.utc)  # report and code due soon
TOKEN = "ghs_actions_token"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[CourseGitHub, semester.Semester, Path]]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    tmp = tmp_path_factory.mktemp("budget")
    with CourseGitHub() as fake:
        sem = semester.build(fake, semester.make_root(tmp), NOW)
        numbers = sorted(fake.pulls)
        for i in range(1234 - sem.comment_count):  # replies on every PR, past 12 pages
            fake.add_comment(numbers[i % len(numbers)], f"Reply {i}", "stu011")
        sem.comment_count = 1234
        yield fake, sem, tmp


@pytest.mark.parametrize("command", ["gradebook", "board", "remind"])
def test_requests_grow_by_pages_not_by_pull_requests(
        world: tuple[CourseGitHub, semester.Semester, Path], command: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake, sem, tmp = world
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    argv = {"gradebook": ["--output", str(tmp / "gb.csv"), "--now", NOW.isoformat()],
            "board": ["--output", str(tmp / "site"), "--now", NOW.isoformat()],
            "remind": ["--now", (REMIND_AT - timedelta(hours=1)).isoformat()]}[command]
    fake.clear_log()
    assert main([command, "--repo", "course/seminar", "--root", str(sem.root), *argv]) == 0
    listings = math.ceil(sem.pr_count / 100) + math.ceil(sem.comment_count / 100)
    gets = [r for r in fake.requests("GET")
            if r.path in ("/repos/course/seminar/pulls", "/repos/course/seminar/issues/comments")]
    assert listings <= len(gets) <= listings + 2  # + an empty last page each
    others = len(fake.requests()) - len(gets)
    # remind: its own issues (one listing) and one write per reminder it opens or edits
    assert others <= (0 if command != "remind" else 1 + 20), [
        (r.method, r.path) for r in fake.requests()]
