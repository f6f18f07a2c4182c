"""Render a result (the JSON dict of ``checker.result``) as the PR comment / markdown report.

Every string in a result may come from a student (file names, text extracted from their
files): it is escaped so it cannot add markdown, HTML, links or @-mentions to the comment.
Only this module's own fixed strings are markup.
"""

from __future__ import annotations

import re
from typing import Any

from checker.result import parse_time
from checker.sources import STAFF_RULE
from checker.timeutil import describe_delay

# GitHub refuses comment bodies over 65,536 characters; leave room for the hidden state.
DEFAULT_MAX_CHARS = 60000
MAX_CELL = 600  # characters of one message or hint shown in a table cell
MAX_PATH = 200
MAX_FINDINGS_PER_FILE = 30

_INVISIBLE = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&\"'=:$^%;,?/])")
_WJ = "\u2060"  # WORD JOINER: invisible, breaks @mentions and autolinks
DASH = "\u2013"  # en dash: an empty cell
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}  # a file's errors (what to fix) first
ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}  # noqa: RUF001


def escape(text: object, limit: int = MAX_CELL) -> str:
    """Untrusted text -> inert inline markdown (safe in a table cell)."""
    s = _INVISIBLE.sub(" ", str(text))
    s = " ".join(s.split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    # break @mentions, URL and www autolinks before escaping the punctuation
    s = s.replace("@", "@" + _WJ).replace("://", ":" + _WJ + "//")
    s = re.sub(r"(?i)www\.", lambda m: m.group(0)[:3] + _WJ + ".", s)
    return _PUNCT.sub(r"\\\1", s)


def code(text: object, limit: int = MAX_PATH) -> str:
    """Untrusted text shown as-is but inert: escaped, in a fixed-width <code> span."""
    return f"<code>{escape(text, limit)}</code>"


def fmt_time(value: object, like: object = None) -> str:
    """An ISO instant as ``2024-09-19 23:59 UTC-04:00``, in ``like``'s offset if given."""
    dt = parse_time(value)
    if dt is None:
        return DASH
    ref = parse_time(like)
    if ref is not None and ref.tzinfo is not None:
        dt = dt.astimezone(ref.tzinfo)
    off = dt.strftime("%z")
    zone = "UTC" if off in ("+0000", "") else f"UTC{off[:3]}:{off[3:]}"
    return f"{dt:%Y-%m-%d %H:%M} {zone}"


def time_left(result: dict[str, Any], f: dict[str, Any]) -> str:
    """``, 20 h 59 min before the deadline`` for a file on time (from its submission time)."""
    due, at = parse_time(f.get("due")), parse_time(_submitted(result, f))
    if due is None or at is None or at >= due:
        return ""
    return f", {describe_delay((due - at).total_seconds())} before the deadline"


def deliverable_cell(f: dict[str, Any]) -> str:
    """``Paper summary · 3 pages`` (the title, and the page or slide count measured)."""
    if not f.get("deliverable"):
        return "not a known deliverable"
    name = escape(f.get("title") or f["deliverable"], 80)
    facts: dict[str, Any] = f["facts"] if isinstance(f.get("facts"), dict) else {}
    pages = facts.get("pages")
    if isinstance(pages, int) and not isinstance(pages, bool):
        unit = "slide" if facts.get("kind") == "pptx" else "page"
        about = "" if facts.get("pages_exact", True) else "about "
        name += f" · {about}{pages} {unit}{'' if pages == 1 else 's'}"
    return name


def status_text(f: dict[str, Any], result: dict[str, Any] | None = None) -> str:
    if f.get("removed"):
        return "removed"
    if f.get("status") == "late":
        text = f"⏰ late by {describe_delay(int(f.get('late_seconds') or 0))}"
        if f.get("counted") is False:
            return text + ": will not be counted"
        penalty = f.get("penalty_percent")
        if isinstance(penalty, (int, float)) and penalty > 0:
            return text + f" (penalty {penalty:g} %)"
        return text
    if f.get("status") == "on-time":
        return "✅ on time" + (time_left(result, f) if result is not None else "")
    if f.get("status") == "unverified":
        return "❔ unverified: GitHub's record could not be read in full"
    return DASH


def problem_count(result: dict[str, Any]) -> int:
    return int(result.get("counts", {}).get("error", 0))


def late_counts(result: dict[str, Any]) -> tuple[int, int]:
    """(late files, late files that will not be counted), removed files left out."""
    late = [f for f in result.get("files", [])
            if f.get("status") == "late" and not f.get("removed")]
    return len(late), sum(1 for f in late if f.get("counted") is False)


def late_note(result: dict[str, Any]) -> str:
    """``1 file late`` / ``1 late file will not be counted`` / ``2 files late, 1 will not be
    counted``: the same words in the comment's first line and the commit status."""
    late, uncounted = late_counts(result)
    if not late:
        return ""
    if uncounted == late:
        return (f"{late} late file{'s' if late != 1 else ''} will not be counted")
    text = f"{late} file{'s' if late != 1 else ''} late"
    return text + (f", {uncounted} will not be counted" if uncounted else "")


def headline(result: dict[str, Any]) -> str:
    n = problem_count(result)
    note = late_note(result)
    if n == 0 and late_counts(result)[1]:
        return f"### ⚠️ Submission check: all checks passed, but {note}"
    late_note_text = f" ({note})" if note else ""
    if n == 0:
        return f"### ✅ Submission check: all checks passed{late_note_text}"
    return f"### ❌ Submission check: {n} problem{'s' if n != 1 else ''} to fix{late_note_text}"


def _submitted(result: dict[str, Any], f: dict[str, Any]) -> object:
    facts = f.get("facts") if isinstance(f.get("facts"), dict) else {}
    first = facts.get("first_seen_at") if facts else None  # set by checker.github.history
    return first if parse_time(first) else result.get("submitted_at")


def hint_cell(text: object, limit: int = MAX_CELL) -> str:
    """A hint: the checker's own text, whose `code spans` (commands, paths to type) stay code
    spans. Every part is escaped like untrusted text (a hint quotes submitted paths), so only
    the checker's backticks make formatting, and they make nothing but <code>."""
    s = str(text)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    parts = s.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code spans at all
        return escape(s, limit)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(code(part, limit))
        elif part.strip():  # escape() trims: keep the spaces around the code spans
            out.append((" " if part[0].isspace() else "") + escape(part, limit)
                       + (" " if part[-1].isspace() else ""))
        else:
            out.append(" " if part else "")
    return "".join(out).strip()


def _findings_table(findings: list[dict[str, Any]]) -> list[str]:
    rows = sorted(findings, key=lambda x: SEVERITY_ORDER.get(x.get("severity", "info"), 3))
    out = ["| | Problem | How to fix |", "|---|---|---|"]
    for x in rows[:MAX_FINDINGS_PER_FILE]:
        sev = x.get("severity", "info")
        where = f" (line {int(x['line'])})" if isinstance(x.get("line"), int) else ""
        out.append(
            f"| {ICON.get(sev, '')} {escape(sev, 10)} | {escape(x.get('message', ''))}{where} "
            f"<sub>{code(x.get('rule', ''), 80)}</sub>{staff_note(x)} "
            f"| {hint_cell(x.get('hint', '')) or DASH} |"
        )
    if len(rows) > MAX_FINDINGS_PER_FILE:
        out.append(f"| | … and {len(rows) - MAX_FINDINGS_PER_FILE} more (see the job summary) | |")
    return out


def staff_note(x: dict[str, Any], limit: int = 300, sep: str = "<br>") -> str:
    """'<br>course staff rule: why': a rule the staff chose where the course page is silent."""
    if x.get("source") != "staff":
        return ""
    why = x.get("staff_rule")
    return f"{sep}_{STAFF_RULE}_" + (f": {escape(why, limit)}" if why else "")


def _file_section(result: dict[str, Any], f: dict[str, Any]) -> list[str]:
    errs = sum(1 for x in f.get("findings", []) if x.get("severity") == "error")
    mark = "❌" if errs else "✅"
    who = f.get("group") or f.get("student")
    out = [
        "",
        f"#### {mark} {code(f.get('path', ''))}",
        "",
        "| Deliverable | For | Due | Submitted | Status |",
        "|---|---|---|---|---|",
        f"| {deliverable_cell(f)} "
        f"| {escape(who, 60) if who else DASH} | {fmt_time(f.get('due'))} "
        f"| {fmt_time(_submitted(result, f), f.get('due'))} | {status_text(f, result)} |",
    ]
    if f.get("findings"):
        out += ["", *_findings_table(f["findings"])]
    return out


def local_command(result: dict[str, Any]) -> list[str]:
    author = result.get("author", "")
    login = author if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}", str(author)) else "YOUR-LOGIN"
    return [
        "",
        "<details><summary>Run the same check on your computer</summary>",
        "",
        "On this branch, in your clone (from a fork: with the course repository added once as "
        "the remote <code>upstream</code>, see <code>submissions/README.md</code>):",
        "",
        "```sh",
        "git fetch --all",
        f"python -m checker check --author {login} --head HEAD",
        "```",
        "",
        "</details>",
    ]


def _footer(result: dict[str, Any], run_url: str | None) -> list[str]:
    out = [""]
    version = escape(result.get("checker_version", ""), 40)
    link = "the workflow run"
    if run_url and _safe_url(run_url):
        link = f"[the workflow run]({run_url})"
    out.append(f"<sub>submission-checker {version} · details and annotations in {link} · "
               "this comment is updated on every push</sub>")
    return out


def _safe_url(url: str) -> bool:
    return re.fullmatch(r"https?://[A-Za-z0-9.:\-]+(/[A-Za-z0-9._~\-/%]*)?", url) is not None


def render_markdown(result: dict[str, Any], *, run_url: str | None = None,
                    max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The PR comment for a (schema-valid) result, at most ``max_chars`` characters."""
    full = _render(result, run_url, detailed=True)
    if len(full) <= max_chars:
        return full
    short = _render(result, run_url, detailed=False)
    if len(short) <= max_chars:
        return short
    return _render(result, run_url, detailed=False, budget=max_chars)


def _render(result: dict[str, Any], run_url: str | None, *, detailed: bool,
            budget: int | None = None) -> str:
    files = [f for f in result.get("files", []) if isinstance(f, dict)]
    lines = [headline(result), ""]
    lines.append(
        f"Checked {len(files)} file{'s' if len(files) != 1 else ''} submitted by "
        f"{code(result.get('author', ''), 60)}; submission time (when GitHub received the push): "
        f"{fmt_time(result.get('submitted_at'))}."
    )
    pr_findings = result.get("findings", [])
    if pr_findings:
        lines += ["", "#### Pull request", "", *_findings_table(pr_findings)]
    if detailed:
        for f in files:
            lines += _file_section(result, f)
    else:
        # many files: what to fix leads, then the files, those with problems first
        files = sorted(files, key=lambda f: -_errors(f))
        first = [(f, x) for f in files for x in f.get("findings", [])
                 if x.get("severity") == "error"][:MAX_FIRST_FIXES]
        if first:
            lines += ["", "#### What to fix first", ""]
            lines += [f"- {code(f.get('path', ''))}: {escape(x.get('message', ''), 300)} "
                      f"**Fix:** {hint_cell(x.get('hint', ''), 300)}{staff_note(x, 200, ' ')}"
                      for f, x in first]
        lines += ["", "This report is too long for one comment: it lists each file's status; "
                  "every problem and its fix is in the job summary and the Files tab annotations.",
                  "", "| File | Deliverable | Status | Problems |", "|---|---|---|---|"]
        tail = local_command(result) + _footer(result, run_url)
        used = sum(len(x) + 1 for x in lines + tail) + 200
        for i, f in enumerate(files):
            row = (f"| {code(f.get('path', ''))} | {deliverable_cell(f)} "
                   f"| {status_text(f, result)} | {_errors(f)} |")
            if budget is not None and used + len(row) + 1 > budget:
                lines.append(f"| … and {len(files) - i} more files | | | |")
                break
            lines.append(row)
            used += len(row) + 1
    lines += local_command(result)
    lines += _footer(result, run_url)
    return "\n".join(lines) + "\n"


MAX_FIRST_FIXES = 10  # problems listed first when the comment cannot show every file


def _errors(f: dict[str, Any]) -> int:
    return sum(1 for x in f.get("findings", []) if x.get("severity") == "error")


def main(argv: list[str] | None = None) -> int:
    """``python -m checker.report.markdown RESULT.json``: the job summary, from the result file.

    Used by the check job (so the files are parsed once); the result is validated first.
    """
    import sys
    from pathlib import Path

    from checker.result import load_result

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m checker.report.markdown RESULT.json", file=sys.stderr)
        return 2
    result, problem = load_result(Path(args[0]))
    if result is None:
        print(f"The checker produced no usable result: {problem}.")
        return 1
    sys.stdout.write(render_markdown(result, max_chars=1_000_000))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
