"""The comment renderer escapes everything from the PR; history is a pure function."""

from __future__ import annotations

import re

from gh_results import BLOB_A, file_entry, finding, late, result, validate

from checker.github import comment
from checker.github.history import apply_history, parse_state, record_history
from checker.report.markdown import escape, render_markdown

HOSTILE = ("submissions/g01/@octocat <img src=x onerror=alert(1)> [click](https://evil.example)"
           " | **bold** `tick` ![i](http://x/y.png) #1 www.evil.example \u202egnp.pdf\n# Heading")


def test_escape_leaves_no_live_markup() -> None:
    out = escape(HOSTILE)
    assert "\n" not in out and "\u202e" not in out
    assert not re.search(r"(?<!\\)[<>\[\]()|*`#!]", out)  # every special is backslash-escaped
    assert not re.search(r"@[A-Za-z0-9]", out)  # mentions broken by an invisible joiner
    assert "://" not in out and "www." not in out.lower()
    assert escape("a" * 1000, 10) == "a" * 9 + "…"


def test_comment_with_hostile_names_and_text() -> None:
    r = validate(result([file_entry(HOSTILE[:1024], findings=[
        finding("pages.max", "error", HOSTILE, "@staff please " + HOSTILE)])]))
    md = render_markdown(r, run_url="https://github.com/o/r/actions/runs/1")
    assert not re.search(r"(?<!\\)<img", md) and "](https://evil" not in md
    assert "@octocat" not in md and "@staff" not in md
    # the only lines starting with markdown block syntax are our own
    for line in md.splitlines():
        if line.startswith("#"):
            assert line.startswith(("### ", "#### ")), line
    assert md.splitlines()[0] == "### ❌ Submission check: 1 problem to fix"
    assert "python -m checker check --author student1" in md
    assert "[the workflow run](https://github.com/o/r/actions/runs/1)" in md


def test_comment_shows_due_submitted_and_lateness() -> None:
    md = render_markdown(validate(result([late(93784)])))
    assert "all checks passed (1 file late)" in md.splitlines()[0]
    assert "2024-09-19 23:59 UTC-04:00" in md and "late by 1 d 2 h 3 min" in md
    assert "ask staff" in md  # the hint


def test_hostile_run_url_is_not_linked() -> None:
    md = render_markdown(validate(result()), run_url="javascript:alert(1)")
    assert "javascript" not in md


def test_apply_history_keeps_on_time_content_on_time() -> None:
    first = validate(result(submitted_at="2024-09-19T20:00:00+00:00"))
    state = record_history(first, {})
    assert state == {first["files"][0]["path"]: {BLOB_A: "2024-09-19T20:00:00Z"}}
    second = validate(result([late(3600, blob=BLOB_A), late(60, path="submissions/g01/b.pdf",
                                                            blob="e" * 40)],
                             submitted_at="2024-09-20T05:00:00+00:00"))
    out = apply_history(second, state)
    assert second["files"][0]["status"] == "late"  # pure: input untouched
    a, b = out["files"]
    assert (a["status"], a["late_seconds"]) == ("on-time", 0)
    assert [x["rule"] for x in a["findings"]] == ["deadline.history"]
    assert a["facts"]["first_seen_at"] == "2024-09-19T20:00:00Z"
    assert b["status"] == "late"  # new content: no history
    assert out["counts"] == {"error": 0, "warning": 1, "info": 1}
    validate(out)


def test_apply_history_reduces_lateness_to_first_push() -> None:
    state = {"submissions/g01/summary-2024-09-19.pdf": {BLOB_A: "2024-09-20T05:00:00Z"}}
    r = validate(result([late(10 * 3600)], submitted_at="2024-09-20T13:59:59+00:00"))
    out = apply_history(r, state)
    f = out["files"][0]
    assert f["status"] == "late" and f["late_seconds"] == 3600 + 1  # due 03:59:59Z
    assert any("first pushed 2024-09-20T05:00:00Z" in x["message"] for x in f["findings"])


def test_history_only_moves_earlier_and_other_content_is_not_affected() -> None:
    state = {"submissions/g01/summary-2024-09-19.pdf": {"f" * 40: "2000-01-01T00:00:00Z"}}
    r = validate(result([late()]))
    assert apply_history(r, state)["files"][0]["status"] == "late"
    later = {"submissions/g01/summary-2024-09-19.pdf": {BLOB_A: "2030-01-01T00:00:00Z"}}
    assert apply_history(r, later)["files"][0]["status"] == "late"


def test_state_round_trip_and_malformed_states_are_empty() -> None:
    state = {"submissions/a.pdf": {BLOB_A: "2024-09-19T20:00:00Z"}}
    body = comment.compose("x", state)
    assert comment.decode_state(body) == state
    assert comment.decode_state(body.replace("state ", "state !")) == {}
    for raw in [None, [], {"v": 2, "files": {}}, {"v": 1, "files": {"a": {"zz": "x"}}},
                {"v": 1, "files": {"a": {BLOB_A: "yesterday"}}},
                {"v": 1, "files": {"a": {BLOB_A: "2024-01-01T00:00:00"}}}]:  # naive time
        assert parse_state(raw) == {}


def test_fit_state_keeps_current_paths() -> None:
    state = {f"p{i:04d}" + "x" * 200: {BLOB_A: f"2024-09-{1 + i % 28:02d}T00:00:00Z"}
             for i in range(400)}
    current = ["p0399" + "x" * 200]
    fitted = comment.fit_state(state, current, 20000)
    assert current[0] in fitted and 0 < len(fitted) < 400
    assert len(comment.encode_state(fitted)) <= 20000


def test_result_loading_lives_with_the_result_type() -> None:
    """No import circle: the reporter and the staff records take loading, validation and time
    parsing from checker.result, not from the publish command or the reporter."""
    import subprocess
    import sys

    code = ("import sys, checker.report.markdown, checker.staff.records; "
            "bad = {'checker.commands.publish', 'checker.commands'} & set(sys.modules); "
            "from checker.result import load_result, parse_time, validate_result; "
            "print(sorted(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
    import checker.staff.records as records
    assert records.parse_time.__module__ == "checker.result"
