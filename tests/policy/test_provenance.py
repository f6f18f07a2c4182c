"""Staff choices are marked as staff choices: deadlines (text, json, ics) and the board say
which rules come from the course page and which from the staff; sessions keep their topic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.config import parse_course
from checker.staff.board import share_step, staff_notes
from tests.core.course_repo import REPO_ROOT, CourseRepo


def test_deadlines_mark_staff_choices_and_topics(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = CourseRepo(tmp_path / "c")
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10"]) == 0
    text = capsys.readouterr().out
    assert "Mid-semester presentation slides [course staff rule] — g10" in text
    assert "Final poster [course staff rule] — g10" in text
    assert "Final report — g10" in text  # the page's own deliverable: no mark
    assert "(session 2024-10-03 · Inference)" in text
    assert "course staff rule: Final report, pages.references_count: The page says" in text
    assert "course staff rule (submission): The page says slides and summaries are e-mailed" \
        in text
    assert 'says "the following four questions" and lists five' in text
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10",
                 "--format", "json"]) == 0
    rows = {r["deliverable"]: r for r in json.loads(capsys.readouterr().out)}
    assert (rows["midterm"]["set_by"], rows["poster"]["set_by"]) == ("staff", "staff")
    assert rows["report"]["set_by"] == "page" and rows["slides"]["topic"] == "Inference"
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10",
                 "--format", "ics"]) == 0
    ics = capsys.readouterr().out.replace("\r\n ", "")
    assert "SUMMARY:Due: Lecture slides (g10) · Inference" in ics
    assert "Session 2024-10-03: Inference: PagedAttention\\, vAttention (presented by g10)" in ics
    assert "Set by the course staff\\, not the course page." in ics


def test_staff_led_sessions_keep_the_page_presenters() -> None:
    course = parse_course((REPO_ROOT / "schedule.yaml").read_text(encoding="utf-8"))
    by_day = {s.id: s for s in course.sessions}
    assert by_day["2024-09-03"].presenters == "Shiqi, Insu, Mosharaf"
    assert by_day["2024-09-05"].presenters == "Mosharaf, Insu"
    assert by_day["2024-12-03"].presenters == "Mosharaf"
    assert by_day["2024-09-17"].unit == "Pre-Training"
    assert by_day["2024-11-26"].unit == "Ethical Considerations"
    notes = staff_notes(course)
    assert any(n.startswith("course staff rule: Final poster is asked for by the staff")
               for n in notes)
    # the proposal is the page's; only its formats (the page gives none) are the staff's
    proposal = [n for n in notes if "Project proposal" in n]
    assert proposal == [n for n in notes if n.startswith("course staff rule: Project proposal, "
                                                         "formats: ")] and len(proposal) == 1


def test_share_steps() -> None:
    assert [share_step(x) for x in (0, 0.19, 0.2, 0.5, 0.79, 0.8, 1.0)] == [0, 0, 1, 2, 3, 4, 4]


def test_sessions_keep_topic_and_presenters_in_deadlines_ics_and_board(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime, timezone

    from checker.config import load_course
    from checker.staff.board import build, render_html

    repo = CourseRepo(tmp_path / "c")
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10", "--sessions"]) == 0
    text = capsys.readouterr().out
    assert ("Tue 2024-09-03 10:30 EDT (UTC-04:00)  GenAI Basics: The Illustrated Stable "
            "Diffusion, Multimodality and Large Multimodal Models (LMMs) (Shiqi, Insu, Mosharaf)"
            in text)
    assert "Thu 2024-10-03 10:30 EDT (UTC-04:00)  Inference: PagedAttention, vAttention " \
           "(presented by g10)" in text
    assert "No Lecture" not in text.split("Sessions:")[1]
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10", "--sessions",
                 "--format", "ics"]) == 0
    ics = capsys.readouterr().out.replace("\r\n ", "")
    assert "UID:session-2024-12-03@submission-checker" in ics
    assert "SUMMARY:Wrap Up: How to Write a Great Research Paper (Mosharaf)" in ics
    course = load_course(repo.root)
    now = datetime(2024, 9, 1, 12, tzinfo=timezone.utc)
    html = render_html(build(course, [], now, {}))
    assert "Classes in the next 7 days" in html
    assert "GenAI Basics: Outrageously Large Neural Networks" in html and "(Mosharaf, Insu)" in html


def test_validate_warns_of_an_extension_reason_in_the_public_schedule(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = CourseRepo(tmp_path / "c")
    schedule = repo.root / "schedule.yaml"
    schedule.write_text(schedule.read_text(encoding="utf-8").replace(
        "extensions: []",
        "extensions:\n  - {deliverable: summary, group: g03, session: 2024-11-21, "
        "until: \"2024-11-24 12:00\", reason: disability accommodation}"), encoding="utf-8")
    assert main(["validate", "--root", str(repo.root)]) == 0  # a warning, not a failure
    out = capsys.readouterr().out
    assert "extensions[0] (summary, g03) carries a reason" in out
    assert "readable by every student" in out
    schedule.write_text(schedule.read_text(encoding="utf-8").replace(
        ", reason: disability accommodation", ""), encoding="utf-8")
    assert main(["validate", "--root", str(repo.root)]) == 0
    assert "carries a reason" not in capsys.readouterr().out
