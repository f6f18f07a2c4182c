from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from checker.timeutil import (
    describe_delay,
    format_local,
    parse_duration,
    parse_instant,
    parse_local,
)

TZ = ZoneInfo("America/Detroit")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("24h", timedelta(hours=24)), ("-24h", timedelta(hours=-24)), ("0", timedelta(0)),
     ("1d 2h", timedelta(days=1, hours=2)), ("90m", timedelta(minutes=90)), ("0h", timedelta(0))],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "24", "h", "24 hours", "1x", "--2h"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_local_times_follow_dst() -> None:
    assert parse_local("2024-09-19 23:59:59", TZ).isoformat() == "2024-09-19T23:59:59-04:00"
    assert parse_local("2024-12-16 18:00", TZ).isoformat() == "2024-12-16T18:00:00-05:00"


def test_nonexistent_and_ambiguous_local_times_are_errors() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        parse_local("2024-03-10 02:30", TZ)
    with pytest.raises(ValueError, match="happens twice"):
        parse_local("2024-11-03 01:30", TZ)


def test_instants_need_an_offset() -> None:
    assert parse_instant("2024-10-02T14:30:00Z").utcoffset() == timedelta(0)
    with pytest.raises(ValueError, match="offset"):
        parse_instant("2024-10-02T10:30:00")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 s"), (59, "59 s"), (60, "1 min"), (8040, "2 h 14 min"), (7200, "2 h"),
     (90061, "1 d 1 h 1 min"), (86400 * 3, "3 d")],
)
def test_describe_delay(seconds: int, text: str) -> None:
    assert describe_delay(seconds) == text


def test_format_local_names_zone_and_offset() -> None:
    assert format_local(parse_instant("2024-12-16T23:00:00Z"), TZ) == (
        "Mon 2024-12-16 18:00 EST (UTC-05:00)"
    )
