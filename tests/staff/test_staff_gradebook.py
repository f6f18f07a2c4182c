"""gradebook: a semester of 200+ PRs on the shipped schedule.yaml, through real PyGithub."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import semester
from fake_course_github import CourseGitHub

from checker.cli import main
from checker.staff.core import build_rows
from checker.staff.gradebook import COLUMNS
from checker.staff.records import FileRecord, PullInfo, PullRecord

NOW = datetime(2024, 11, 15, 12, 0, tzinfo=timezone.utc)
TOKEN = "ghs_actions_token"


def run_gradebook(fake: CourseGitHub, sem: semester.Semester, tmp: Path, fmt: str,
                  monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    out = tmp / f"gradebook.{fmt}"
    code = main(["gradebook", "--repo", "course/seminar", "--root", str(sem.root), "--format",
                 fmt, "--output", str(out), "--now", NOW.isoformat()])
    assert code == 0
    return out.read_text(encoding="utf-8")


def test_semester_rows_match_what_was_submitted(world: tuple[CourseGitHub, semester.Semester],
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    fake, sem = world
    assert sem.pr_count >= 200
    fake.clear_log()
    doc = json.loads(run_gradebook(fake, sem, tmp_path, "json", monkeypatch))
    # budget: one request per page of 100, two listings, nothing per pull request
    budget = math.ceil(sem.pr_count / 100) + math.ceil(sem.comment_count / 100)
    gets = fake.requests("GET")
    assert len(fake.requests()) == len(gets) <= budget + 2  # + an empty last page each
    assert len(gets) == budget, [(r.path, r.query) for r in gets]
    assert {r.path for r in gets} == {"/repos/course/seminar/pulls",
                                      "/repos/course/seminar/issues/comments"}
    assert all("per_page=100" in r.query for r in gets)
    assert all("state=all" in r.query for r in gets if r.path.endswith("/pulls"))
    err = capsys.readouterr().err
    assert f"in {budget} API requests" in err and "\r" not in err  # no progress when not a tty

    rows = doc["rows"]
    assert doc["columns"] == list(COLUMNS)
    # 8 group deliverables each; each of 45 students owes questions for the 12 presented
    # sessions where their group is not on the panel (presenter, summary, reviewer)
    assert len(rows) == len(sem.expected) == 15 * 8 + 45 * 12
    got = {(r["deliverable"], r["group"], r["student"], r["session"]): r for r in rows}
    assert set(got) == set(sem.expected)
    wrong = []
    for key, want in sem.expected.items():
        r = got[key]
        have = (r["status"], r["pr"], r["late_seconds"], tuple(r["superseded"]))
        if have != (want.status, want.pr, want.late_seconds, want.superseded):
            wrong.append((key, have, want))
        if want.pr is not None and want.pages is not None:
            assert r["pages"] == want.pages, key
    assert not wrong, wrong[:5]
    statuses = {r["status"] for r in rows}
    assert statuses == {"on-time", "late", "needs-fix", "missing", "not-due"}
    late = next(r for r in rows if r["status"] == "late")
    assert late["delay"] and late["submitted_at"].endswith(("-04:00", "-05:00"))
    merged = {r["merged"] for r in rows if r["pr"]}
    assert merged == {True, False}
    assert all(r["pr_url"].startswith("https://github.com/") for r in rows if r["pr"])


def test_csv_and_markdown_escape_hostile_text(world: tuple[CourseGitHub, semester.Semester],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    fake, sem = world
    text = run_gradebook(fake, sem, tmp_path, "csv", monkeypatch)
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == COLUMNS and len(table) == len(sem.expected) + 1
    md = run_gradebook(fake, sem, tmp_path, "markdown", monkeypatch)
    assert md.count("\n| ") == len(sem.expected) + 1
    assert "<img" not in md and "@everyone" not in md


def test_progress_is_shown_on_a_terminal_only() -> None:
    from checker.github.pulls import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, log = Tty(), io.StringIO()
    for stream in (tty, log):
        p = Progress(stream)
        p.show("reading pull requests: page 1")
        p.done()
    assert "page 1" in tty.getvalue() and log.getvalue() == ""


def test_rate_limit_is_waited_out_without_sleeping(world: tuple[CourseGitHub,
                                                                semester.Semester]) -> None:
    from checker.github.client import Session, connect
    from checker.github.pulls import read_course

    fake, sem = world
    reset = int(fake.clock()) + 30
    fake.inject("GET", r".*/issues/comments", 403, message="API rate limit exceeded",
                headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)})
    slept: list[float] = []
    session = Session(connect(TOKEN, fake.url), sleep=slept.append, clock=fake.clock,
                      log=lambda _m: None)
    pulls = read_course(session, session.gh.get_repo("course/seminar"),
                        semester.BOT)
    assert len(pulls) == sem.pr_count and slept == [31.0]


# -- the rule, with plain values ----------------------------------------------------------------

def _pr(n: int, *, merged: bool = False, closed: bool = False, labels: tuple[str, ...] = ()
        ) -> PullInfo:
    at = datetime(2024, 9, 30, tzinfo=timezone.utc) if merged else None
    return PullInfo(n, f"https://github.com/o/r/pull/{n}", "stu011",
                    "closed" if merged or closed else "open", at, "t", labels)


def test_rule_merged_beats_open_newest_beats_older_withdrawn_ignored(tmp_path: Path) -> None:
    root = semester.make_root(tmp_path)
    from checker.config import load_course, load_roster

    course = load_course(root)
    roster, _ = load_roster(root, course)
    due = datetime(2024, 9, 20, 3, 59, 59, tzinfo=timezone.utc)  # 2024-09-19 23:59:59 EDT
    path = "submissions/g01/proposal.pdf"

    def rows(*prs: PullRecord) -> dict[str, object]:
        r = next(x for x in build_rows(course, roster, prs, NOW)
                 if x.deliverable == "proposal" and x.target.group == "g01")
        return {"status": r.status, "pr": r.chosen.pull.number if r.chosen else None,
                "late": r.late_seconds, "superseded": r.superseded}

    on_time = FileRecord(path, due - timedelta(hours=1), 0, 2)
    late = FileRecord(path, due + timedelta(minutes=90), 0, 2)
    assert rows()["status"] == "missing"
    assert rows(PullRecord(_pr(1), (on_time,)), PullRecord(_pr(2), (late,))) == {
        "status": "late", "pr": 2, "late": 5400, "superseded": (1,)}
    assert rows(PullRecord(_pr(1, merged=True), (on_time,)),
                PullRecord(_pr(2), (late,)))["pr"] == 1
    assert rows(PullRecord(_pr(1, closed=True), (on_time,)))["status"] == "missing"
    # an exact deadline is on time; errors make it needs-fix; unknown errors read the label
    exact = FileRecord(path, due, 0, 2)
    assert rows(PullRecord(_pr(3), (exact,)))["status"] == "on-time"
    assert rows(PullRecord(_pr(3), (FileRecord(path, due, 2, 9),)))["status"] == "needs-fix"
    legacy = FileRecord(path, due, None, None)
    assert rows(PullRecord(_pr(4, labels=("needs-fix",)), (legacy,)))["status"] == "needs-fix"
    assert rows(PullRecord(_pr(4, labels=("checks-passed",)), (legacy,)))["status"] == "on-time"
    # not a deliverable, or a group that does not exist: no row is touched
    other = FileRecord("submissions/g99/proposal.pdf", due, 0, 2)
    assert rows(PullRecord(_pr(5), (other,)))["status"] == "missing"
