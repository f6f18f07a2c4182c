"""Submission history across pushes (pure: values in, values out; no I/O, no PyGithub).

A pull request's diff lists every file it changed, so a file pushed on time is checked again,
with the newer push time, whenever a later push changes another file. The record of when each
exact content (path + git blob SHA) was first received lets it keep its first time:
``apply_history(result, state)`` counts each file from the earliest push that carried the same
bytes, and ``record_history(result, state)`` returns the state to store for next time.

The state lives in the bot's own PR comment (``checker.github.comment``); a state found anywhere
else is ignored before it gets here. ``parse_state`` accepts only the exact shape written here.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime, timezone
from typing import Any

from checker.model import LatePolicy
from checker.result import parse_time
from checker.rules.deadlines import LATE_RULES, judge_late
from checker.timeutil import describe_delay

STATE_VERSION = 1
MAX_STATE_PATHS = 300
MAX_BLOBS_PER_PATH = 5
_BLOB = re.compile(r"[0-9a-f]{40,64}")

State = dict[str, dict[str, str]]  # path -> {blob_sha: first-seen ISO instant (UTC)}


_instant = parse_time


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_state(raw: object) -> State:
    """The stored JSON -> State. Anything not exactly our shape yields an empty state."""
    if not isinstance(raw, dict) or raw.get("v") != STATE_VERSION:
        return {}
    files = raw.get("files")
    if not isinstance(files, dict) or len(files) > MAX_STATE_PATHS:
        return {}
    out: State = {}
    for path, blobs in files.items():
        if not isinstance(path, str) or not 0 < len(path) <= 1024 or not isinstance(blobs, dict):
            return {}
        if len(blobs) > MAX_BLOBS_PER_PATH:
            return {}
        entry: dict[str, str] = {}
        for blob, when in blobs.items():
            dt = _instant(when)
            if not isinstance(blob, str) or not _BLOB.fullmatch(blob) or dt is None:
                return {}
            entry[blob] = _iso(dt)
        out[path] = entry
    return out


def dump_state(state: State) -> dict[str, Any]:
    return {"v": STATE_VERSION, "files": state}


def _counts(result: dict[str, Any]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in [*result.get("findings", []),
              *(x for file in result.get("files", []) for x in file.get("findings", []))]:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    return counts


def apply_history(result: dict[str, Any], state: State) -> dict[str, Any]:
    """Count every file whose exact content was seen before from that earlier time.

    Returns a new result (the input is not modified). Only ever moves a file's submission time
    earlier, to a time this bot itself recorded; files without a blob SHA or due date, and
    removed files, are left alone.
    """
    out = copy.deepcopy(result)
    submitted = _instant(out.get("submitted_at"))
    for f in out.get("files", []):
        blob, due = f.get("blob_sha"), _instant(f.get("due"))
        if not blob or due is None or f.get("removed") or submitted is None:
            continue
        seen = _instant(state.get(f["path"], {}).get(blob))
        if seen is None or seen >= submitted:
            continue
        facts = dict(f.get("facts") or {})
        facts["first_seen_at"] = _iso(seen)
        f["facts"] = facts
        if f.get("received_at") is not None:
            f["received_at"] = _iso(seen)  # the checker's record has an earlier receipt
        grace = int(f.get("grace_seconds") or 0)
        over = int((seen - due).total_seconds())
        if f.get("status") not in ("late", "unverified"):
            continue  # already on time: nothing to improve
        unverified = f.get("status") == "unverified"
        kept = [x for x in f["findings"]
                if x["rule"] not in (*LATE_RULES, "deadline.unverified") or (
                    unverified and over > grace)]
        if over <= grace:
            f["status"], f["late_seconds"] = "on-time", 0
            f["counted"], f["penalty_percent"] = True, 0
            note = "counted on time" if over <= 0 else "within the grace period: counted on time"
        elif unverified:  # the bot's record is no more complete than GitHub's: still open
            f["late_seconds"] = min(int(f.get("late_seconds") or over), over)
            note = "whether it was on time is still unverified"
        else:
            f["late_seconds"] = min(int(f.get("late_seconds") or over), over)
            note = f"counted {describe_delay(f['late_seconds'])} late from then"
            # the deliverable's late policy, as the check recorded it, judged from the first push
            judged = judge_late(LatePolicy.from_json(f.get("late_policy")),
                                str(f.get("deliverable") or "the deliverable"), f["path"], due,
                                seen, f["late_seconds"], due.tzinfo or timezone.utc)
            f["counted"], f["penalty_percent"] = judged.counted, judged.penalty_percent
            # a late rule keeps the source the check gave it (a staff deliverable's deadline)
            was = {x["rule"]: x for x in f["findings"] if x["rule"] in LATE_RULES}
            kept.extend({**x.to_json(), **_source_of(was.get(x.rule))} for x in judged.findings)
        kept.append({
            "rule": "deadline.history", "severity": "info", "source": "checker",
            "message": f"{f['path']}: this exact content was first pushed {_iso(seen)}, before "
                       f"the latest push; {note}.",
            "hint": "",
        })
        f["findings"] = kept
    out["counts"] = _counts(out)
    out["verdict"] = "fail" if out["counts"]["error"] else "pass"
    return out


def record_history(result: dict[str, Any], state: State) -> State:
    """The state to store after this run: every (path, blob) with its earliest push time."""
    submitted = _instant(result.get("submitted_at"))
    new: State = {p: dict(b) for p, b in state.items()}
    if submitted is None:
        return new
    current: list[str] = []
    for f in result.get("files", []):
        blob = f.get("blob_sha")
        if not blob or f.get("removed"):
            continue
        entry = new.setdefault(f["path"], {})
        seen = _instant(entry.get(blob))
        received = min(_instant(f.get("received_at")) or submitted, submitted)  # receipts
        entry[blob] = _iso(min(seen, received) if seen else received)
        if len(entry) > MAX_BLOBS_PER_PATH:  # keep the newest contents
            for old in sorted(entry, key=lambda b: entry[b])[: len(entry) - MAX_BLOBS_PER_PATH]:
                del entry[old]
        current.append(f["path"])
    if len(new) > MAX_STATE_PATHS:  # files of this push first, then the most recent others
        keep = set(current[:MAX_STATE_PATHS])
        rest = sorted((p for p in new if p not in keep),
                      key=lambda p: max(new[p].values(), default=""), reverse=True)
        keep.update(rest[: MAX_STATE_PATHS - len(keep)])
        new = {p: b for p, b in new.items() if p in keep}
    return new


def _source_of(finding: dict[str, Any] | None) -> dict[str, Any]:
    if finding is None or "source" not in finding:
        return {}
    return {k: finding[k] for k in ("source", "staff_rule") if k in finding}
