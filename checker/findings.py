"""Finding: one problem (or note) about one file or about the whole pull request.

Rule ids are a public contract: staff filter on them, labels and the gradebook use them.
Every finding says which file, what is wrong (``message``) and how to fix it (``hint``).
Both are made inert where the finding is made (``checker.bounds.inert``): a file name or a
heading quoted in them reaches no terminal, annotation or page as a control sequence or markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from checker.bounds import MAX_MESSAGE_CHARS, clip, inert
from checker.sources import default_source


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
    # where the rule comes from (page, staff, github, checker: checker.sources); filled in by
    # the engine from the course, else the rule's default
    source: str | None = None
    staff_rule: str | None = None  # the staff's reason, for a rule whose source is staff
    # a summary of other findings (file.findings-truncated): the rule whose source is its own
    of_rule: str | None = None

    def __post_init__(self) -> None:
        # One escaping rule for every message, at the point it is made: whatever text from a
        # file (a name, a heading, a README command) a message quotes.
        object.__setattr__(self, "message", inert(self.message))
        object.__setattr__(self, "hint", inert(self.hint, lines=True))

    def to_json(self) -> dict[str, Any]:
        source = self.source or default_source(self.of_rule or self.rule)
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "source": source,
            "message": clip(self.message, MAX_MESSAGE_CHARS),
            "hint": clip(self.hint, MAX_MESSAGE_CHARS),
        }
        if self.line is not None:
            out["line"] = self.line
        if source == "staff" and self.staff_rule:
            out["staff_rule"] = clip(self.staff_rule, MAX_MESSAGE_CHARS)
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
            source=data.get("source"),
            staff_rule=data.get("staff_rule"),
        )


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def bound_findings(findings: Sequence[Finding], limit: int, path: str | None) -> list[Finding]:
    """At most ``limit`` findings: the most severe first kept, the rest counted in one finding.

    The summary finding has the severity of the most severe one left out, so the verdict
    (any error fails) is the same as with all of them.
    """
    if len(findings) <= limit:
        return list(findings)
    order = sorted(range(len(findings)), key=lambda i: _SEVERITY_ORDER[findings[i].severity])
    kept_idx = sorted(order[: limit - 1])
    left = [findings[i] for i in order[limit - 1:]]
    worst_left = min(left, key=lambda f: _SEVERITY_ORDER[f.severity])
    worst = worst_left.severity
    rules = sorted({f.rule for f in left})
    where = f"{path}: " if path else ""
    summary = Finding(
        "file.findings-truncated", worst,
        f"{where}{len(left)} more problem(s) are not listed ({len(findings)} in all; rules: "
        f"{', '.join(rules[:20])}{', ...' if len(rules) > 20 else ''}).",
        "Fix the problems listed, then run the check again to see the rest.",
        path,
        # the verdict is that of the worst finding left out, and so is the rule's source
        # (with the staff's reason, when the engine stamps it for the file's deliverable)
        source=worst_left.source, staff_rule=worst_left.staff_rule,
        of_rule=worst_left.of_rule or worst_left.rule,
    )
    return [findings[i] for i in kept_idx] + [summary]


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
