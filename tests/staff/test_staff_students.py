"""gradebook --by student and --format canvas: a semester through real PyGithub on the fake
server, and the penalty and credit rules with plain values."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import semester
import test_staff_gradebook
from fake_course_github import CourseGitHub

from checker.cli import main
from checker.config import load_course, load_roster, parse_course
from checker.staff.core import build_rows
from checker.staff.records import FileRecord, PullInfo, PullRecord
from checker.staff.students import CANVAS_IDENTITY, POINTS_POSSIBLE, record, student_rows

NOW, TOKEN = test_staff_gradebook.NOW, test_staff_gradebook.TOKEN
WEIGHTS = {"Paper Presentation": 15, "Paper Summary": 15, "Participation": 10,
           "Project Report": 40, "Project Presentations": 20}


def gradebook(world: tuple[CourseGitHub, semester.Semester], tmp: Path,
              monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    fake, sem = world
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    out = tmp / "out"
    assert main(["gradebook", "--repo", "course/seminar", "--root", str(sem.root),
                 "--output", str(out), "--now", NOW.isoformat(), *args]) == 0
    return out.read_text(encoding="utf-8")


def test_one_row_per_student_with_group_work_credited_to_each_member(
        world: tuple[CourseGitHub, semester.Semester], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, sem = world
    doc = json.loads(gradebook(world, tmp_path, monkeypatch, "--by", "student", "--format",
                               "json"))
    by_instance = json.loads(gradebook(world, tmp_path, monkeypatch, "--format", "json"))["rows"]
    assert {(c["name"], c["weight"]) for c in doc["grading"]} == set(WEIGHTS.items())
    people = doc["students"]
    assert len(people) == sum(len(d.members) for d in sem.roster.groups.values()) == 45
    for person in people:
        assert {k: v["weight"] for k, v in person["categories"].items()
                if k != "ungraded"} == WEIGHTS
        g = person["group"]
        proposal = next(r for r in by_instance
                        if r["deliverable"] == "proposal" and r["group"] == g)
        mine = person["categories"]["Project Report"]["deliverables"]["proposal"]
        assert mine["status"].split(" ")[0] == proposal["status"], (person["student"], g)
        # questions: this student's own, not the group's
        owed = [r for r in by_instance if r["deliverable"] == "questions"
                and r["student"] == person["student"].casefold() and r["status"] != "not-due"]
        q = person["categories"]["Participation"]["deliverables"]["questions"]["status"]
        done = sum(1 for r in owed if r["status"] != "missing")
        assert q.startswith(f"{done}/{len(owed)} submitted"), (person["student"], q)
    # a late summary is not counted: no credit, and the status says so
    late = [r for r in by_instance if r["deliverable"] == "summary" and r["status"] == "late"]
    assert late  # the known semester has late summaries
    for r in late:
        assert r["counted"] is False
        for person in (p for p in people if p["group"] == r["group"]):
            summary = person["categories"]["Paper Summary"]
            assert "not counted" in summary["deliverables"]["summary"]["status"]
            assert summary["deliverables"]["summary"]["credit"] == 0
    csv_rows = list(csv.reader(io.StringIO(gradebook(world, tmp_path, monkeypatch,
                                                     "--by", "student"))))
    assert csv_rows[0][:4] == ["student", "name", "email", "group"]
    assert "Paper Summary (15 %): Paper summary" in csv_rows[0]
    assert "Project Report (40 %) credit" in csv_rows[0] and len(csv_rows) == 46


def test_canvas_csv_imports_as_it_is(world: tuple[CourseGitHub, semester.Semester],
                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, sem = world
    text = gradebook(world, tmp_path, monkeypatch, "--format", "canvas")
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0][:5]) == CANVAS_IDENTITY == (
        "Student", "ID", "SIS User ID", "SIS Login ID", "Section")
    assert table[0][5:] == [f"{name} (submissions)" for name in WEIGHTS]
    assert table[1] == [POINTS_POSSIBLE, "", "", "", "", *(["100"] * 5)]
    assert len(table) == 2 + 45
    logins = {m.email.split("@")[0] for d in sem.roster.groups.values() for m in d.members}
    for row in table[2:]:
        assert len(row) == 10 and ", " in row[0]  # "Last, First"
        assert row[3] in logins  # the uniqname Canvas matches on
        for value in row[5:]:
            assert value == "" or 0 <= float(value) <= 100


def test_penalties_and_credits_with_plain_values(tmp_path: Path) -> None:
    root = semester.make_root(tmp_path)
    text = (root / "schedule.yaml").read_text(encoding="utf-8")
    old = '    due: "2024-09-19 23:59:59"\n'
    course = parse_course(text.replace(old, old + "    late: {penalty_per_day: 10}\n", 1))
    roster, _ = load_roster(root, load_course(root))
    due = datetime(2024, 9, 20, 3, 59, 59, tzinfo=timezone.utc)
    pull = PullInfo(1, "https://github.com/o/r/pull/1", "stu011", "open", None, "t")
    late = FileRecord("submissions/g01/proposal.pdf", due + timedelta(hours=30), 0, 2)
    rows = build_rows(course, roster, [PullRecord(pull, (late,))], NOW)
    [proposal] = [r for r in rows if r.deliverable == "proposal" and r.target.group == "g01"]
    assert (proposal.status, proposal.counted, proposal.penalty_percent) == ("late", True, 20)
    people = student_rows(course, roster, rows)
    first = next(p for p in people if p.group == "g01")
    rec = record(course, first)
    report = rec["categories"]["Project Report"]
    assert report["deliverables"]["proposal"] == {"status": "late 1 d 6 h (penalty 20 %)",
                                                  "credit": 80}
    # the report and code are not due yet: the category credit is the proposal's alone
    assert report["credit"] == 80
