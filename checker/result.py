"""Result: the verdict on one pull request (or one local check), as JSON-ready values.

The JSON form is a public contract (``checker/schemas/result.schema.json``): the publish job
validates it before use, the gradebook reads it back from PR comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from checker import __version__
from checker.bounds import MAX_FINDINGS_PER_FILE, MAX_PATH_CHARS, MAX_PR_FINDINGS, clean_json, clip
from checker.findings import Finding, Severity, bound_findings

Status = Literal["on-time", "late", "n/a"]


@dataclass
class FileResult:
    path: str
    deliverable: str | None = None
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

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": clip(self.path, MAX_PATH_CHARS),
            "deliverable": self.deliverable,
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
