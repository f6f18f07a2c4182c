from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checker.config import ScheduleError, load_course, parse_course, parse_group
from checker.errors import ConfigError

# the shipped course, frozen for the tests (a TA edits the live schedule.yaml every term)
REPO = Path(__file__).resolve().parents[1] / "fixtures" / "course"
SHIPPED = (REPO / "schedule.yaml").read_text(encoding="utf-8")


def test_shipped_schedule_transcribes_the_course_page() -> None:
    course = load_course(REPO)
    assert course.timezone.key == "America/Detroit"
    assert len(course.sessions) == 30
    assert course.sessions[0].date == date(2024, 8, 27)
    assert course.sessions[-1].date == date(2024, 12, 5)
    assert course.groups == tuple(f"g{i:02d}" for i in range(1, 16))
    sep17 = course.session(date(2024, 9, 17))
    oct3 = course.session(date(2024, 10, 3))
    assert sep17 is not None and oct3 is not None
    assert (sep17.presenter, sep17.summary, sep17.reviewer) == ("g01", "g02", "g03")
    assert (oct3.presenter, oct3.summary, oct3.reviewer) == ("g10", "g11", "g02")
    assert [r.short for r in oct3.required_readings] == ["PagedAttention", "vAttention"]
    kinds = {s.id: s.kind for s in course.sessions}
    assert kinds["2024-10-15"] == "break" and kinds["2024-11-28"] == "break"
    assert kinds["2024-09-10"] == "no-lecture" and kinds["2024-10-22"] == "midterm"
    assert kinds["2024-12-05"] == "poster"
    # Lectures are 10:30-12:00 local; sessions after Nov 3 2024 are EST.
    assert sep17.start.isoformat() == "2024-09-17T10:30:00-04:00"
    nov7 = course.session(date(2024, 11, 7))
    assert nov7 is not None and nov7.end.isoformat() == "2024-11-07T12:00:00-05:00"
    assert len(course.presented_sessions) == 15


def test_groups_are_named_in_order_of_first_appearance() -> None:
    course = load_course(REPO)
    seen: list[str] = []
    for s in course.sessions:
        for g in (s.presenter, s.summary, s.reviewer):
            if g and g not in seen:
                seen.append(g)
    assert seen == list(course.groups)


def _broken(old: str, new: str) -> ScheduleError:
    assert old in SHIPPED
    with pytest.raises(ScheduleError) as info:
        parse_course(SHIPPED.replace(old, new, 1))
    return info.value


def _line_of(text: str, needle: str) -> int:
    lines = text.splitlines()
    return lines.index(next(x for x in lines if needle in x)) + 1


def test_wrong_type_names_file_path_line_and_expectation() -> None:
    err = _broken("pages: {max: 2, references_count: true}", "pages: {max: two}")
    line = _line_of(SHIPPED, "pages: {max: 2, references_count: true}")
    text = str(err)
    assert f"schedule.yaml:{line}: deliverables.proposal.pages.max: expected integer" in text


def test_every_group_presents_at_least_once() -> None:
    err = _broken("    presenter: g10\n    summary: g11", "    presenter: g01\n    summary: g11")
    text = str(err)
    assert "group g01" not in text  # a second presentation is allowed
    assert "group g10 has no session with the presenter role" in text


def test_unknown_key_bad_zone_and_wrong_weekday() -> None:
    assert "unknown key" in str(_broken("  members_named: true", "  member_named: true"))
    assert "not an IANA time zone" in str(_broken("America/Detroit", "Mars/Olympus"))
    assert "is a Wed, not a lecture day" in str(_broken("date: 2024-10-03", "date: 2024-10-02"))


def test_deadline_that_does_not_exist_is_an_error() -> None:
    err = _broken('due: "2024-12-05 10:30"', 'due: "2024-03-10 02:30"')
    assert "deliverables.poster.due" in str(err) and "does not exist" in str(err)


def test_overlapping_templates_are_refused() -> None:
    err = _broken("path: submissions/{group}/midterm.{ext}",
                  "path: submissions/{group}/proposal.{ext}")
    assert "same shape as deliverables.proposal.path" in str(err)


def test_yaml_syntax_error_and_aliases() -> None:
    with pytest.raises(ScheduleError, match=r"schedule.yaml:\d+: is not valid YAML"):
        parse_course(SHIPPED + "\n  - [unclosed\n")
    with pytest.raises(ScheduleError, match="aliases"):
        parse_course(SHIPPED.replace("staff: [mosharaf, insujang]",
                                     "staff: &s [mosharaf]\nx: *s"))


def test_missing_schedule_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_course(tmp_path)


def test_group_declaration_parses_and_reports_lines() -> None:
    decl, problems = parse_group(
        "members:\n  - {github: Ada-L, name: Ada, email: ada@umich.edu}\n"
        "preferences: [2024-10-03]\n", "g10", "submissions/g10/group.yaml")
    assert problems == [] and decl is not None
    assert decl.logins == {"ada-l"} and decl.preferences == (date(2024, 10, 3),)
    decl, problems = parse_group(
        "members:\n  - {github: ada, name: Ada}\n", "g10", "submissions/g10/group.yaml")
    assert decl is None
    assert str(problems[0]) == (
        "submissions/g10/group.yaml:2: members[0]: 'email' is required but missing"
    )
    decl, problems = parse_group("members:\n  - {github: 'a b', name: A, email: x@y.z}\n",
                                 "g10", "g.yaml")
    assert decl is None and "is not a GitHub login" in str(problems[0])


def test_limits_come_from_schedule_with_course_defaults() -> None:
    course = load_course(REPO)
    code, report = course.deliverables["code"].limits, course.deliverables["report"].limits
    # GitHub's own limit on one file (source: github); the code archive keeps its entry limit
    assert code.max_bytes == 100 * 2**20 and code.max_entries == 20000
    assert report.max_bytes == 100 * 2**20 and report.cpu_seconds == 10
    assert report.memory_bytes == 512 * 2**20 and report.max_entries == 10_000
