"""The gradebook: rows as CSV, JSON or Markdown (pure; every cell from a PR is escaped)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from checker.report.markdown import escape
from checker.staff.core import Key, Row, key_of
from checker.timeutil import describe_delay

COLUMNS = ("deliverable", "group", "student", "session", "due", "status", "delay",
           "late_seconds", "counted", "penalty_percent", "pr", "pr_url", "submitted_at", "merged",
           "pages", "errors", "path", "superseded", "flags", "head_sha",
           "on_time_at", "on_time_commit")


def _iso(dt: datetime | None, tz: ZoneInfo) -> str | None:
    return dt.astimezone(tz).isoformat() if dt is not None else None


def record(row: Row, tz: ZoneInfo) -> dict[str, Any]:
    c = row.chosen
    return {
        "deliverable": row.deliverable,
        "group": row.target.group,
        "student": row.target.student,
        "session": row.session,
        "due": _iso(row.due, tz),
        "status": row.status,
        "delay": describe_delay(row.late_seconds) if row.late_seconds else None,
        "late_seconds": row.late_seconds,
        "counted": row.counted if c else None,
        "penalty_percent": row.penalty_percent,
        "pr": c.pull.number if c else None,
        "pr_url": c.pull.url if c else None,
        "submitted_at": _iso(c.file.submitted_at, tz) if c else None,
        "merged": c.pull.merged if c else None,
        "pages": c.file.pages if c else None,
        "errors": c.file.errors if c else None,
        "path": c.file.path if c else None,
        "superseded": list(row.superseded),
        "flags": list(row.flags),
        "head_sha": row.head_sha,
        # a late file that had an earlier version on time: that version too, to grade from
        "on_time_at": _iso(c.file.on_time_at, tz) if c and c.file.on_time_at else None,
        "on_time_commit": c.file.on_time_commit if c else None,
    }


def to_json(rows: list[Row], tz: ZoneInfo, *, course: str, generated: datetime) -> str:
    doc = {"course": course, "generated_at": generated.astimezone(tz).isoformat(),
           "columns": list(COLUMNS), "rows": [record(r, tz) for r in rows]}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(x, int) for x in value):
        return " ".join(f"#{x}" for x in value)
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    text = str(value)
    # a spreadsheet must not run a formula from a file name
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: list[Row], tz: ZoneInfo, notes: dict[Key, str] | None = None) -> str:
    """The rows as CSV; with ``notes`` (``gradebook --recheck``), a last column ``recheck``:
    where the bot's comment disagrees with GitHub's facts, how."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*COLUMNS, *(["recheck"] if notes is not None else [])])
    for r in rows:
        rec = record(r, tz)
        extra = [csv_cell(notes.get(key_of(r.target), ""))] if notes is not None else []
        w.writerow([*(csv_cell(rec[c]) for c in COLUMNS), *extra])
    return buf.getvalue()


STATUS_TEXT = {"on-time": "✅ on time", "late": "⏰ late", "needs-fix": "❌ needs fix",
               "missing": "⛔ missing", "not-due": "· not yet due",
               "unverified": "❔ unverified (last check did not complete)"}


def to_markdown(rows: list[Row], tz: ZoneInfo, *, course: str, generated: datetime) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines = [f"## Gradebook: {escape(course, 200)}", "",
             f"Generated {generated.astimezone(tz):%Y-%m-%d %H:%M %Z}; "
             + ", ".join(f"{STATUS_TEXT[s]}: {counts[s]}" for s in STATUS_TEXT if s in counts),
             "", "| Deliverable | For | Session | Due | Status | PR | Submitted | Merged | Pages |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rec = record(r, tz)
        status = STATUS_TEXT[r.status]
        if rec["delay"]:
            status += f" ({escape(rec['delay'], 40)})"
        if note := _late_note(r):
            status += f" {note}"
        if r.chosen is not None and r.chosen.file.on_time_at is not None:
            on = r.chosen.file.on_time_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            status += (f" · on time until then: version of {on}, commit "
                       f"{escape((r.chosen.file.on_time_commit or '')[:12], 20)}")
        for flag in r.flags:
            status += f" ⚠️ {escape(flag, 200)}"
        pr = f"[#{rec['pr']}]({rec['pr_url']})" if rec["pr"] and _safe(rec["pr_url"]) else (
            f"#{rec['pr']}" if rec["pr"] else "")
        sub = r.chosen.file.submitted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if r.chosen \
            else ""
        merged = "" if rec["merged"] is None else ("yes" if rec["merged"] else "no")
        lines.append(
            f"| {escape(r.deliverable, 60)} | {escape(r.owner, 60)} | {escape(r.session or '', 20)}"
            f" | {r.due.astimezone(tz):%Y-%m-%d %H:%M} | {status} | {pr} | {sub} | {merged} "
            f"| {'' if rec['pages'] is None else int(rec['pages'])} |")
    return "\n".join(lines) + "\n"


def _late_note(r: Row) -> str:
    if r.chosen is not None and not r.counted:
        return "· not counted"
    return f"· penalty {r.penalty_percent:g} %" if r.penalty_percent else ""


def _safe(url: object) -> bool:
    import re

    return isinstance(url, str) and re.fullmatch(
        r"https?://[A-Za-z0-9.:\-]+(/[A-Za-z0-9._~\-/%#]*)?", url) is not None


def recheck_markdown(disagreements: list[str], problems: list[str]) -> str:
    """The section ``gradebook --recheck --format markdown`` adds (every line escaped)."""
    lines = ["", "### Recheck: the record rebuilt from GitHub's own facts", ""]
    if not disagreements:
        lines.append("The bot's comments agree with GitHub's facts on every row.")
    for text in disagreements:
        lines.append(f"- {escape(text, 1000)}")
    for text in problems:
        lines.append(f"- not read in full: {escape(text, 500)}")
    return "\n".join(lines) + "\n"
