"""``deadlines --format ics`` is a valid RFC 5545 calendar, read back by an independent parser
(the ``icalendar`` library), for the whole shipped course with its class sessions."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from icalendar import Calendar

from checker.cli import main
from tests.core.course_repo import CourseRepo


@pytest.fixture
def calendar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Calendar:
    repo = CourseRepo(tmp_path / "course")
    assert main(["deadlines", "--root", str(repo.root), "--format", "ics", "--sessions"]) == 0
    text = capsys.readouterr().out
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded (3.1)
    return Calendar.from_ical(text)


def test_the_calendar_parses_without_errors(calendar: Calendar) -> None:
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")  # required (3.6)
    broken = [(c.name, c.errors) for c in calendar.walk() if c.errors]
    assert not broken, broken[:5]


def test_every_event_has_what_rfc_5545_requires(calendar: Calendar) -> None:
    events = calendar.walk("VEVENT")
    deadlines = [e for e in events if str(e["SUMMARY"]).startswith("Due: ")]
    sessions = [e for e in events if e not in deadlines]
    assert len(deadlines) > 100 and len(sessions) > 20
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)  # UID is unique and stable per deadline
    for e in events:
        assert e.get("DTSTAMP") is not None and e.get("DTSTART") is not None, e["UID"]
        assert isinstance(e.start, datetime) and e.start.tzinfo is not None, e["UID"]
        # DTEND and DURATION never both (3.6.1), and an end is after the start (3.8.2.2)
        assert not ("DTEND" in e and "DURATION" in e), e["UID"]
        if "DTEND" in e:
            assert e.DTEND > e.DTSTART, e["UID"]
    for e in deadlines:  # an instant: no DTEND, so it ends when it starts
        assert "DTEND" not in e and e.end == e.start, e["UID"]
    for e in sessions:  # a class has a length
        assert e.end > e.start, e["UID"]


def test_a_deadline_is_the_instant_the_course_gives(calendar: Calendar) -> None:
    proposal = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("proposal-g10-")]
    assert [e.start for e in proposal] == [datetime(2024, 9, 20, 3, 59, 59, tzinfo=timezone.utc)]
