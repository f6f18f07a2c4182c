"""Durations and instants: parsing what schedule.yaml and the CLI say, and saying delays plainly."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

_DURATION = re.compile(r"(\d+)\s*(d|h|m|s)")
_DURATION_WHOLE = re.compile(r"^[+-]?\s*(?:\d+\s*[dhms]\s*)+$")
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """'24h', '-24h', '1d 2h', '90m', '0' -> timedelta. Raises ValueError otherwise."""
    raw = str(text).strip()
    if raw in {"0", "+0", "-0"}:
        return timedelta(0)
    if not _DURATION_WHOLE.match(raw):
        raise ValueError(f"{text!r} is not a duration such as '24h', '-24h', '1d 2h' or '30m'")
    sign = -1 if raw.startswith("-") else 1
    seconds = sum(int(n) * _UNIT[u] for n, u in _DURATION.findall(raw))
    return timedelta(seconds=sign * seconds)


def parse_local(text: str, tz: ZoneInfo) -> datetime:
    """'2024-09-19 23:59:59' (course-local) or ISO 8601 with an offset -> aware datetime.

    A local time that does not exist (skipped by a DST change) or is ambiguous (repeated) is
    an error rather than a silent guess: a deadline must mean one instant.
    """
    raw = str(text).strip()
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(raw), time(23, 59, 59))
        except ValueError:
            raise ValueError(
                f"{text!r} is not a date-time such as '2024-09-19 23:59:59' or "
                "'2024-09-19T23:59:59-04:00'"
            ) from None
    if value.tzinfo is not None:
        return value.astimezone(tz)
    return localize(value, tz)


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # fold only changes the offset for times in a gap or an overlap
        roundtrip = first.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None)
        if roundtrip != naive:
            raise ValueError(f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (clocks skip it)")
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} happens twice in {tz.key}; give an offset")
    return first


def parse_instant(text: str) -> datetime:
    """An instant from the command line or an event: ISO 8601 with an offset or 'Z'."""
    raw = str(text).strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 time such as 2024-10-02T10:30:00-04:00"
        ) from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; add one, e.g. -04:00 or Z")
    return value


def describe_delay(seconds: float) -> str:
    """3725 -> '1 h 2 min', 90061 -> '1 d 1 h 1 min', 42 -> '42 s' (seconds dropped past 1 min)."""
    total = int(seconds)
    if total < 60:
        return f"{total} s"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    return " ".join(parts) if parts else f"{days} d"


def format_local(value: datetime, tz: tzinfo) -> str:
    """'Wed 2024-10-02 10:30 EDT (UTC-04:00)' for people."""
    local = value.astimezone(tz)
    offset = local.strftime("%z")
    return f"{local:%a %Y-%m-%d %H:%M} {local.tzname()} (UTC{offset[:3]}:{offset[3:]})"
