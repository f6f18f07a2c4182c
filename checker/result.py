"""Result: the verdict on one pull request (or one local check), as JSON-ready values.

The JSON form is a public contract (``checker/schemas/result.schema.json``): the publish job
validates it before use (``load_result``), the reporters and staff tools read its times with
``parse_time``. Loading, validating and reading times live here, with the type, so that
``publish``, the markdown reporter and the staff records import them from one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from checker import __version__
from checker.bounds import MAX_FINDINGS_PER_FILE, MAX_PATH_CHARS, MAX_PR_FINDINGS, clean_json, clip
from checker.findings import Finding, Severity, bound_findings

Status = Literal["on-time", "late", "unverified", "n/a"]


@dataclass
class FileResult:
    path: str
    deliverable: str | None = None
    title: str | None = None  # the deliverable's title ("Paper summary"), for people
    group: str | None = None
    student: str | None = None
    session: str | None = None  # YYYY-MM-DD
    due: datetime | None = None  # effective deadline (extensions applied), aware
    status: Status = "n/a"
    late_seconds: int = 0
    grace_seconds: int = 0
    counted: bool = True  # False: late work the course does not count (or no longer accepts)
    penalty_percent: float = 0.0  # the late penalty, percent of the grade
    late_policy: dict[str, Any] | None = None  # the deliverable's LatePolicy (to judge again)
    findings: list[Finding] = field(default_factory=list)
    blob_sha: str | None = None
    removed: bool = False
    facts: dict[str, Any] | None = None
    received_at: datetime | None = None  # when GitHub first received this content (receipts)
    # a late file: the last other version GitHub received on time (received_at, commit, blob)
    on_time_version: dict[str, str] | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def to_json(self) -> dict[str, Any]:
        out = self._json()
        if self.on_time_version is not None:
            out["on_time_version"] = dict(self.on_time_version)
        return out

    def _json(self) -> dict[str, Any]:
        return {
            "path": clip(self.path, MAX_PATH_CHARS),
            "deliverable": self.deliverable,
            "title": clip(self.title, 200) if self.title else None,
            "group": self.group,
            "student": self.student,
            "session": self.session,
            "due": self.due.isoformat() if self.due else None,
            "received_at": self.received_at.isoformat() if self.received_at else None,
            "status": self.status,
            "late_seconds": self.late_seconds,
            "grace_seconds": self.grace_seconds,
            "counted": self.counted,
            "penalty_percent": self.penalty_percent,
            "late_policy": self.late_policy,
            "blob_sha": self.blob_sha,
            "removed": self.removed,
            "facts": self.facts,
            "findings": [f.to_json() for f in
                         bound_findings(self.findings, MAX_FINDINGS_PER_FILE, self.path)],
        }


@dataclass
class Result:
    author: str
    submitted_at: datetime
    files: list[FileResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # PR-level
    pr: int | None = None
    head_sha: str | None = None
    course: str | None = None
    # the course's choice (schedule.yaml labels.lateness): label the PR on-time / late /
    # not-counted; None (a result from before the choice existed): as before, labelled
    lateness_labels: bool | None = None

    @property
    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for f in self.files:
            out.extend(f.findings)
        return out

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.all_findings if f.severity is Severity.ERROR)

    @property
    def verdict(self) -> Literal["pass", "fail"]:
        return "fail" if self.error_count else "pass"

    def to_json(self) -> dict[str, Any]:
        out = self._to_json()
        if self.lateness_labels is not None:
            out["lateness_labels"] = self.lateness_labels
        return out

    def _to_json(self) -> dict[str, Any]:
        """The result as JSON values, within the schema's bounds whatever was submitted.

        Every string is valid Unicode (lone surrogates from PDF text or file names replaced),
        paths and messages are clipped and findings cut with a count (``checker.bounds``);
        ``counts`` and the verdict still count every finding.
        """
        return clean_json({
            "schema": "submission-checker/result/v1",
            "checker_version": __version__,
            "course": self.course,
            "verdict": self.verdict,
            "author": self.author,
            "submitted_at": self.submitted_at.isoformat(),
            "pr": self.pr,
            "head_sha": self.head_sha,
            "counts": {
                sev.value: sum(1 for f in self.all_findings if f.severity is sev)
                for sev in Severity
            },
            "files": [f.to_json() for f in self.files],
            "findings": [f.to_json() for f in
                         bound_findings(self.findings, MAX_PR_FINDINGS, None)],
        })


MAX_RESULT_BYTES = 20 * 1024 * 1024


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 instant with a UTC offset -> aware datetime; anything else -> None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else None


def validate_result(data: object) -> str | None:
    """None if ``data`` is a schema-valid result whose times all carry an offset, else why not."""
    from jsonschema import Draft202012Validator

    schema = json.loads(Path(__file__).resolve().parent.joinpath("schemas/result.schema.json")
                        .read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: e.path)
    if errors:
        where = "/".join(map(str, errors[0].absolute_path)) or "(top)"
        return f"the result does not match its schema ({len(errors)} errors, first at {where})"
    assert isinstance(data, dict)
    times = [data["submitted_at"], *(f["due"] for f in data["files"] if f["due"])]
    if any(parse_time(t) is None for t in times):
        return "the result has a time without a UTC offset"
    return None


def load_result(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(result, None) if the file is a schema-valid result, else (None, why not)."""
    try:
        if path.stat().st_size > MAX_RESULT_BYTES:
            return None, "the result file is too large"
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "the check job produced no result"
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"the result file is not valid JSON ({type(exc).__name__})"
    problem = validate_result(data)
    return (None, problem) if problem else (data, None)
