"""remind: one issue per deadline on the shipped schedule.yaml, against the fake GitHub."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub

from checker.cli import main
from checker.config import load_course, load_roster
from checker.github.client import Session, connect
from checker.github.pulls import read_course
from checker.github.reminders import apply, own_issues
from checker.staff.core import build_rows
from checker.staff.remind import LEAD, key_in, plan

TOKEN = "ghs_actions_token"
EDT = timezone(timedelta(hours=-4))
SLIDES_DUE = datetime(2024, 10, 2, 10, 30, tzinfo=EDT)  # g10 presents 2024-10-03
QUESTIONS_DUE = datetime(2024, 10, 3, 10, 30, tzinfo=EDT)
SLIDES, QUESTIONS = "slides@2024-10-03", "questions@2024-10-03"


class World:
    def __init__(self, fake: CourseGitHub, root: Path) -> None:
        self.fake, self.root = fake, root
        self.course = load_course(root)
        self.roster, _ = load_roster(root, self.course)
        self.sem = semester.Semester(root, self.course, self.roster, SLIDES_DUE)
        self.builder = semester.Builder(fake, self.sem)

    def run(self, now: datetime) -> dict[str, list[str]]:
        """One cron run (the command's own steps, without re-reading schedule.yaml)."""
        session = Session(connect(TOKEN, self.fake.url), log=lambda _m: None)
        repo = session.gh.get_repo("course/seminar")
        rows = build_rows(self.course, self.roster, read_course(session, repo, semester.BOT), now)
        existing = own_issues(session, repo, semester.BOT)
        out = apply(session, repo, semester.BOT,
                    plan(self.course, self.roster, rows, now, set(existing)), existing)
        return {"created": out.created, "edited": out.edited}

    def issue(self, key: str) -> dict[str, object]:
        found = [i for i in self.fake.issues.values()
                 if key_in(str(i["body"])) == key and i["user"]["login"] == semester.BOT]
        assert len(found) == 1, (key, len(found))
        return found[0]

    def writes(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.fake.requests() if r.method != "GET"]


def mention_missing(root: Path) -> Path:
    """The course chose to @-mention who has not submitted (default: counts only)."""
    with (root / "schedule.yaml").open("a", encoding="utf-8") as f:
        f.write("\nreminders: {mention_missing: true}\n")
    return root


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with CourseGitHub() as fake:
        yield World(fake, mention_missing(semester.make_root(tmp_path)))


@pytest.fixture
def private_world(tmp_path: Path) -> Iterator[World]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with CourseGitHub() as fake:
        yield World(fake, semester.make_root(tmp_path))


def mentions(body: object) -> set[str]:
    return set(re.findall(r"(?<![\w`])@([A-Za-z0-9-]+)", str(body)))


def test_opens_once_mentions_only_who_has_not_submitted_then_reports(world: World) -> None:
    assert world.run(SLIDES_DUE - LEAD - timedelta(minutes=5))["created"].count(SLIDES) == 0
    first = world.run(SLIDES_DUE - LEAD + timedelta(minutes=5))
    assert SLIDES in first["created"]
    slides = world.issue(SLIDES)
    assert mentions(slides["body"]) == {"stu101", "stu102", "stu103"}  # g10's members only
    assert "Not submitted yet** (1 of 1)" in str(slides["body"])

    # an hour later nothing changed: not a single write
    world.fake.clear_log()
    assert world.run(SLIDES_DUE - LEAD + timedelta(hours=1, minutes=5)) == {"created": [],
                                                                           "edited": []}
    assert world.writes() == []

    # g10 submits on time: the issue is edited, nobody is mentioned any more
    world.builder.pull("stu101", [("submissions/g10/slides/2024-10-03.pdf",
                                   SLIDES_DUE - timedelta(hours=3), 0, 20)], merged=False)
    assert SLIDES in world.run(SLIDES_DUE - timedelta(hours=2))["edited"]
    assert mentions(world.issue(SLIDES)["body"]) == set()
    assert "Everyone has submitted" in str(world.issue(SLIDES)["body"])

    # questions: 36 students owe them (45 less g10, g11 and g02 on the Oct 3 panel);
    # two submit on time, one late, one submits a broken file
    world.run(QUESTIONS_DUE - timedelta(hours=30))
    q = world.issue(QUESTIONS)
    assert len(mentions(q["body"])) == 36
    assert not mentions(q["body"]) & {"stu101", "stu111", "stu021"}  # presenters etc.
    path = "submissions/questions/2024-10-03/{}.md"
    for login, at, errors in (("stu011", -5, 0), ("stu012", -1, 0), ("stu013", 2, 0),
                              ("stu031", -3, 1)):
        world.builder.pull(login, [(path.format(login), QUESTIONS_DUE + timedelta(hours=at),
                                    errors, None)])
    after = world.run(QUESTIONS_DUE + timedelta(hours=3))
    assert QUESTIONS in after["edited"] and QUESTIONS not in after["created"]
    body = str(world.issue(QUESTIONS)["body"])
    assert "was due" in body and "**Missing** (32 of 36)" in body
    panel = {2, 10, 11}  # reviewer, presenter and summary groups of Oct 3
    assert mentions(body) == {f"stu{g:02d}{m}" for g in range(1, 16) if g not in panel
                              for m in (1, 2, 3)} - {"stu011", "stu012", "stu013", "stu031"}
    # who was late, and by how much, is never published: stu013 is neither listed nor timed
    assert "stu013" not in body and "Late" not in body and "by 2 h" not in body
    assert "**Submitted, needs fixing** (1" in body


def test_by_default_reminders_name_nobody(private_world: World) -> None:
    world = private_world
    world.run(QUESTIONS_DUE - timedelta(hours=30))
    before = str(world.issue(QUESTIONS)["body"])
    assert "**Not submitted yet** (36 of 36)." in before and mentions(before) == set()
    path = "submissions/questions/2024-10-03/{}.md"
    for login, at, errors in (("stu011", -5, 0), ("stu013", 2, 0), ("stu031", -3, 1)):
        world.builder.pull(login, [(path.format(login), QUESTIONS_DUE + timedelta(hours=at),
                                    errors, None)])
    world.run(QUESTIONS_DUE + timedelta(hours=3))
    body = str(world.issue(QUESTIONS)["body"])
    assert "**Missing** (33 of 36)" in body and "Submitted: 3 of 36." in body
    assert mentions(body) == set() and not re.search(r"stu\d", body)  # no login at all
    assert "late by" not in body.lower() and "Late" not in body


def test_a_late_cron_reminds_late_but_never_twice(world: World) -> None:
    # no run at all in the 48 h window until 1 hour before the deadline
    out = world.run(SLIDES_DUE - timedelta(hours=1))
    assert SLIDES in out["created"]
    again = world.run(SLIDES_DUE - timedelta(minutes=10))
    assert again == {"created": [], "edited": []}
    # crossing the deadline edits it once (before -> after), and never opens a second one
    assert world.run(SLIDES_DUE + timedelta(minutes=1))["edited"].count(SLIDES) == 1
    assert world.run(SLIDES_DUE + timedelta(hours=1)) == {"created": [], "edited": []}
    world.issue(SLIDES)  # exactly one


def test_hourly_for_three_days_opens_each_deadline_once(world: World) -> None:
    start = SLIDES_DUE - timedelta(days=2, hours=3)
    created: list[str] = []
    edits = 0
    for hour in range(72):
        out = world.run(start + timedelta(hours=hour))
        created += out["created"]
        edits += len(out["edited"])
    assert len(created) == len(set(created)) >= 4
    assert {SLIDES, QUESTIONS} <= set(created)
    # nothing was submitted: the only edits are deadlines passing (before -> after), one each
    assert edits <= len(created)
    for key in created:
        world.issue(key)


def test_issues_by_others_with_the_marker_are_ignored(world: World) -> None:
    forged = "<!-- submission-checker:reminder slides@2024-10-03 -->\nalready done!"
    world.fake.add_issue("Due: slides", forged, "stu101")
    world.run(SLIDES_DUE - timedelta(hours=10))
    assert world.issue(SLIDES)["body"] != forged
    assert [i["body"] for i in world.fake.issues.values() if i["user"]["login"] == "stu101"] == [
        forged]


def test_a_create_that_failed_but_happened_is_not_repeated(world: World) -> None:
    world.fake.inject("POST", r".*/issues", 502, apply=True, times=1)
    world.run(SLIDES_DUE - timedelta(hours=10))
    world.issue(SLIDES)  # exactly one, although the first answer was a 502


def test_cli_dry_run_and_real_run(world: World, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", world.fake.url)
    argv = ["remind", "--repo", "course/seminar", "--root", str(world.root), "--now",
            (SLIDES_DUE - timedelta(hours=5)).isoformat()]
    assert main([*argv, "--dry-run"]) == 0
    assert SLIDES in capsys.readouterr().out and world.writes() == []
    assert main(argv) == 0
    assert "opened" in capsys.readouterr().err
    world.issue(SLIDES)
    assert main(["remind", "--repo", "x/y", "--root", str(world.root), "--now", "yesterday"]) == 2


def test_remind_help_says_what_remind_does(capsys: pytest.CaptureFixture[str]) -> None:
    """The help matches the tests above: counts by default, names only with mention_missing,
    never who was late (it used to promise '@-mentions' and 'who was late')."""
    with pytest.raises(SystemExit) as stop:
        main(["remind", "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "how many groups or students have not submitted" in text
    assert "only when schedule.yaml sets reminders: {mention_missing: true}" in text
    assert "never says who was late" in text and "who is missing and who was late" not in text
