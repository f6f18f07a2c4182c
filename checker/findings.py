"""Finding: one problem (or note) about one file or about the whole pull request.

Rule ids are a public contract: staff filter on them, labels and the gradebook use them.
Every finding says which file, what is wrong (``message``) and how to fix it (``hint``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"  # the submission must be fixed: verdict fails
    WARNING = "warning"  # worth a look, does not fail the check
    INFO = "info"  # for the record (grace period used, extension applied, ...)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    hint: str
    path: str | None = None  # repository-relative path, None for PR-level findings
    line: int | None = None  # 1-based line in the file, when the finding has a place

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }
        if self.line is not None:
            out["line"] = self.line
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], path: str | None = None) -> Finding:
        return cls(
            rule=data["rule"],
            severity=Severity(data["severity"]),
            message=data["message"],
            hint=data["hint"],
            path=path,
            line=data.get("line"),
        )


def error(
    rule: str, message: str, hint: str, path: str | None = None, line: int | None = None
) -> Finding:
    return Finding(rule, Severity.ERROR, message, hint, path, line)


def warning(
    rule: str, message: str, hint: str, path: str | None = None, line: int | None = None
) -> Finding:
    return Finding(rule, Severity.WARNING, message, hint, path, line)


def info(
    rule: str, message: str, hint: str = "", path: str | None = None, line: int | None = None
) -> Finding:
    return Finding(rule, Severity.INFO, message, hint, path, line)
