"""Hand-made result dicts that validate against checker/schemas/result.schema.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from checker.sources import default_source

SCHEMA = Path(__file__).resolve().parents[2] / "checker" / "schemas" / "result.schema.json"
HEAD = "c0ffee" + "0" * 34
BLOB_A = "a" * 40
BLOB_B = "b" * 40


def finding(rule: str, severity: str, message: str, hint: str = "") -> dict[str, Any]:
    return {"rule": rule, "severity": severity, "source": default_source(rule),
            "message": message, "hint": hint}


def file_entry(path: str = "submissions/g01/summary-2024-09-19.pdf", *, status: str = "on-time",
               late_seconds: int = 0, deliverable: str | None = "summary",
               group: str | None = "g01", blob: str | None = BLOB_A,
               due: str | None = "2024-09-19T23:59:59-04:00",
               findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "path": path, "deliverable": deliverable, "group": group, "student": None,
        "session": "2024-09-19", "due": due, "status": status, "late_seconds": late_seconds,
        "blob_sha": blob, "removed": False, "facts": {"pages": 2},
        "findings": findings or [],
    }


def result(files: list[dict[str, Any]] | None = None, *, pr: int = 7,
           submitted_at: str = "2024-09-19T20:00:00+00:00",
           findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    files = [file_entry()] if files is None else files
    out: dict[str, Any] = {
        "schema": "submission-checker/result/v1", "checker_version": "0.1.0",
        "course": "CSE 585", "verdict": "pass", "author": "student1",
        "submitted_at": submitted_at, "pr": pr, "head_sha": HEAD,
        "counts": {}, "files": files, "findings": findings or [],
    }
    return recount(out)


def recount(r: dict[str, Any]) -> dict[str, Any]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in [*r["findings"], *(x for file in r["files"] for x in file["findings"])]:
        counts[f["severity"]] += 1
    r["counts"] = counts
    r["verdict"] = "fail" if counts["error"] else "pass"
    return r


def late(seconds: int = 7200, **kw: Any) -> dict[str, Any]:
    return file_entry(status="late", late_seconds=seconds, findings=[
        finding("deadline.late", "warning", f"late by {seconds} s", "ask staff")], **kw)


def validate(r: dict[str, Any]) -> dict[str, Any]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(Draft202012Validator(schema).iter_errors(r))
    assert not errors, errors[0].message
    return r


def clone(r: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(r)
