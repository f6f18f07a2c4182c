"""Staff views show what was really submitted: only files the author was allowed to submit
count, another person's PR never supersedes them, every row names the head SHA it was computed
for, and a PR whose head moved or whose last check failed is `unverified`, never `on-time`.

``publish`` (the real publisher, through PyGithub) writes the bot comments on the fake course
GitHub; the gradebook is run through the CLI.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
from gh_results import HEAD, file_entry, finding, recount, result, validate

from checker.cli import main
from checker.config import load_course, load_roster
from checker.github.client import Session, connect
from checker.github.publisher import publish
from checker.staff.core import build_rows
from checker.staff.records import FileRecord, PullInfo, PullRecord

BOT = "github-actions[bot]"
TOKEN = "ghs_actions_token"
PROPOSAL = "submissions/g01/proposal.pdf"
DUE = "2024-09-19T23:59:59-04:00"
OTHER_HEAD = "d" * 40


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[CourseGitHub, Path]]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with CourseGitHub() as fake:
        yield fake, semester.make_root(tmp_path)


def submit(fake: CourseGitHub, number: int, author: str, at: str, *,
           findings: list[dict[str, Any]] | None = None, head: str = HEAD,
           failure: str | None = None) -> None:
    """A pull request for g01's proposal by ``author``, checked and published."""
    if number not in fake.pulls:
        fake.add_pull(number, author=author, head_sha=head)
    entry = file_entry(PROPOSAL, deliverable="proposal", group="g01", due=DUE,
                       findings=findings)
    entry["session"] = None
    res = result([entry], pr=number, submitted_at=at)
    res["author"], res["head_sha"] = author, head
    s = Session(connect(TOKEN, fake.url), sleep=lambda x: None, log=lambda m: None)
    publish(s, s.gh, "course/seminar", number, head, None if failure else validate(recount(res)),
            bot_login=BOT, run_url=None, failure=failure)


def proposal_row(fake: CourseGitHub, root: Path, tmp: Path,
                 monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    out = tmp / "gb.json"
    assert main(["gradebook", "--repo", "course/seminar", "--root", str(root), "--format",
                 "json", "--output", str(out), "--now", "2024-11-15T12:00:00Z"]) == 0
    [row] = [r for r in json.loads(out.read_text())["rows"]
             if r["deliverable"] == "proposal" and r["group"] == "g01"]
    return row


def test_another_persons_pr_never_supersedes_the_groups_own(
        world: tuple[CourseGitHub, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake, root = world
    submit(fake, 1, "stu011", "2024-09-19T20:00:00Z")  # a member of g01, on time
    # later, a member of g02 submits "for" g01: check said auth.not-member
    submit(fake, 2, "stu021", "2024-09-19T21:00:00Z", findings=[finding(
        "auth.not-member", "error", f"{PROPOSAL}: stu021 is not a member of group g01.")])
    row = proposal_row(fake, root, tmp_path, monkeypatch)
    assert (row["pr"], row["status"], row["superseded"]) == (1, "on-time", [])
    assert row["head_sha"] == HEAD


def test_legacy_records_use_the_same_authorization() -> None:
    """A record from before ``denied`` was kept: the rules are applied to today's groups."""
    course = load_course(semester.SHIPPED_SCHEDULE.parent)
    roster = semester_roster(course)
    at = datetime(2024, 9, 19, 22, tzinfo=timezone.utc)
    mine = PullRecord(PullInfo(1, "u1", "stu011", "open", None, "t"),
                      (FileRecord(PROPOSAL, at, 0, 2),))
    theirs = PullRecord(PullInfo(2, "u2", "stu021", "open", None, "t"),
                        (FileRecord(PROPOSAL, at.replace(hour=23), 0, 2),))
    rows = build_rows(course, roster, [mine, theirs], at.replace(month=11))
    [row] = [r for r in rows if r.deliverable == "proposal" and r.target.group == "g01"]
    assert row.chosen is not None and row.chosen.pull.number == 1 and row.superseded == ()


def semester_roster(course: Any) -> Any:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "schedule.yaml").write_text(semester.SHIPPED_SCHEDULE.read_text())
        semester.write_roster(root, course)
        return load_roster(root, load_course(root))[0]


def test_head_moved_since_is_unverified_never_on_time(
        world: tuple[CourseGitHub, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake, root = world
    submit(fake, 1, "stu011", "2024-09-19T20:00:00Z")
    assert proposal_row(fake, root, tmp_path, monkeypatch)["status"] == "on-time"
    fake.pulls[1]["head"]["sha"] = OTHER_HEAD  # pushed again; no check has completed since
    row = proposal_row(fake, root, tmp_path, monkeypatch)
    assert row["status"] == "unverified" and row["head_sha"] == HEAD  # the record's head


def test_failed_last_check_is_unverified_until_one_completes(
        world: tuple[CourseGitHub, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake, root = world
    submit(fake, 1, "stu011", "2024-09-19T20:00:00Z")
    submit(fake, 1, "stu011", "2024-09-19T20:00:00Z", failure="the check step ended with exit 3")
    assert proposal_row(fake, root, tmp_path, monkeypatch)["status"] == "unverified"
    submit(fake, 1, "stu011", "2024-09-19T20:00:00Z")
    assert proposal_row(fake, root, tmp_path, monkeypatch)["status"] == "on-time"


def test_a_late_change_shows_the_on_time_version_in_the_gradebook_and_board() -> None:
    from checker.staff.board import build as build_board
    from checker.staff.gradebook import record as gradebook_record

    course = load_course(semester.SHIPPED_SCHEDULE.parent)
    roster = semester_roster(course)
    on_time = datetime(2024, 9, 20, 3, 59, 30, tzinfo=timezone.utc)
    late = FileRecord(PROPOSAL, on_time.replace(hour=5), 0, 2, "b" * 40, False,
                      on_time, "c" * 40)
    pr = PullRecord(PullInfo(1, "https://github.com/course/seminar/pull/1", "stu011", "open",
                             None, "t"), (late,))
    rows = build_rows(course, roster, [pr], on_time.replace(month=11))
    [row] = [r for r in rows if r.deliverable == "proposal" and r.target.group == "g01"]
    rec = gradebook_record(row, course.timezone)
    assert rec["status"] == "late" and rec["on_time_commit"] == "c" * 40
    assert rec["on_time_at"] == "2024-09-19T23:59:30-04:00"
    board = build_board(course, rows, on_time.replace(month=11), {})
    [cell] = [c for c in board.cells.values() if c.group == "g01" and c.deliverable == "proposal"]
    assert "an earlier version was on time" in cell.text


def test_a_pr_into_another_branch_is_left_out_of_the_staff_views(
        world: tuple[CourseGitHub, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the default branch judges: a later PR into a staff draft branch, published (with
    the check's pr.wrong-base), neither counts nor supersedes the group's own submission."""
    fake, root = world
    submit(fake, 1, "stu011", "2024-09-19T20:00:00Z")  # g01's proposal into main, on time
    fake.add_pull(2, author="stu012", head_sha=OTHER_HEAD, base_ref="draft")
    submit(fake, 2, "stu012", "2024-09-25T20:00:00Z", head=OTHER_HEAD)  # later, into draft
    row = proposal_row(fake, root, tmp_path, monkeypatch)
    assert (row["pr"], row["status"], row["superseded"]) == (1, "on-time", [])
    fake.pulls[2]["base"]["ref"] = "main"  # the same PR into the default branch would count
    row = proposal_row(fake, root, tmp_path, monkeypatch)
    assert (row["pr"], row["superseded"]) == (2, [1])
