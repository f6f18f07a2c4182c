"""Plain-text report for a terminal or a log: one block per file, problems first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from checker.report.markdown import SEVERITY_ORDER, late_note
from checker.sources import STAFF_RULE
from checker.timeutil import describe_delay

MARK = {"error": "✗", "warning": "!", "info": "·"}


def clean(text: Any, *, lines: bool = False) -> str:
    """Submitted names can hold control characters (terminal escapes, newlines): show them
    inert. ``lines`` keeps newlines, for hints the checker itself wrote on several lines."""
    return "".join(ch if ch.isprintable() or (lines and ch == "\n") else repr(ch)[1:-1]
                   for ch in str(text))


def render_text(result: dict[str, Any]) -> str:
    counts = result["counts"]
    lines = []
    if result["verdict"] == "pass":
        head = "PASS: every file meets the rules"
    else:
        head = f"FAIL: {counts['error']} problem(s) to fix"
    extra = ", ".join(f"{counts[k]} {k}(s)" for k in ("warning", "info") if counts[k])
    note = late_note(result)
    lines.append(f"{head}{' (' + extra + ')' if extra else ''}{'; ' + note if note else ''}")
    lines.append(f"author {clean(result['author'])}, submitted {_when(result['submitted_at'])}")
    for finding in by_severity(result["findings"]):
        lines.extend(_finding(finding))
    for f in result["files"]:
        lines.append("")
        what = f["deliverable"] or "not a deliverable"
        owner = f["group"] or f["student"]
        if owner:
            what += f" of {clean(owner)}"
        if f["session"]:
            what += f" for {f['session']}"
        lines.append(f"{clean(f['path'])}  [{what}]")
        if f["due"]:
            when = "on time" if f["status"] == "on-time" else (
                f"LATE by {describe_delay(f['late_seconds'])}" if f["status"] == "late" else
                "UNVERIFIED (GitHub's record could not be read in full)"
                if f["status"] == "unverified" else "")
            if f["status"] == "late" and f.get("counted") is False:
                when += ", will not be counted"
            elif f.get("penalty_percent"):
                when += f", penalty {f['penalty_percent']:g} %"
            lines.append(f"  due {_when(f['due'])}: {when}".rstrip(": "))
        facts = f.get("facts") or {}
        if "pages" in facts:
            est = "" if facts.get("pages_exact", True) else " (ESTIMATED, not an exact count)"
            unit = "slide" if facts.get("kind") == "pptx" else "page"
            count = facts["pages"]
            lines.append(f"  {count} {unit}{'' if count == 1 else 's'}{est}")
        for finding in by_severity(f["findings"]):
            lines.extend(_finding(finding))
    return "\n".join(lines) + "\n"


def by_severity(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Errors (what to fix) first, then warnings, then notes; in order within each."""
    return sorted(findings, key=lambda x: SEVERITY_ORDER.get(x.get("severity", "info"), 3))


def _when(iso: str) -> str:
    """'2024-10-02T10:30:00-04:00' -> 'Wed 2024-10-02 10:30 (UTC-04:00)'."""
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return clean(iso)
    offset = value.strftime("%z")
    return f"{value:%a %Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def _finding(f: dict[str, Any]) -> list[str]:
    out = [f"  {MARK[f['severity']]} {f['severity']} {f['rule']}: {clean(f['message'])}"]
    if f.get("hint"):
        for i, line in enumerate(clean(f["hint"], lines=True).splitlines()):
            out.append(("      fix: " if i == 0 else "           ") + line)
    if f.get("source") == "staff":
        why = clean(f.get("staff_rule") or "")
        out.append(f"      {STAFF_RULE}" + (f": {why}" if why else ""))
    return out
