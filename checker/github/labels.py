"""Labels: the checker manages only its own set and never touches any other label.

Managed: ``late``, ``not-counted``, ``on-time``, ``needs-fix``, ``checks-passed``,
``deliverable: <id>`` and ``group: <id>``. Staff labels (``graded`` ...) are never removed.
Running twice changes nothing: labels are added with POST (add) and removed one by one with
DELETE, never replaced wholesale.
The definitions must match ``.github/labels.yml`` (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from github import GithubException
from github.Issue import Issue
from github.Repository import Repository

from checker.github.client import Session
from checker.sources import WRONG_BASE

LABELS: dict[str, tuple[str, str]] = {
    "late": ("d93f0b", "Submitted after the deadline (set by the submission checker)"),
    "not-counted": ("5c0000", "Late work the course does not count (set by the submission "
                    "checker)"),
    "on-time": ("0e8a16", "Submitted before the deadline (set by the submission checker)"),
    "needs-fix": ("b60205", "The submission checker found problems to fix"),
    "checks-passed": ("2da44e", "The submission checker found nothing to fix"),
}
PREFIXES: dict[str, tuple[str, str]] = {
    "deliverable: ": ("1d76db", "Submission of deliverable {id} (set by the submission checker)"),
    "group: ": ("5319e7", "Submission by group {id} (set by the submission checker)"),
}
MAX_NAME = 50  # GitHub's limit on label names


@dataclass
class LabelChange:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def is_managed(name: str) -> bool:
    return name in LABELS or any(name.startswith(p) for p in PREFIXES)


def definition(name: str) -> tuple[str, str]:
    if name in LABELS:
        return LABELS[name]
    for prefix, (color, desc) in PREFIXES.items():
        if name.startswith(prefix):
            return color, desc.format(id=name[len(prefix):])
    raise KeyError(name)


def desired(result: dict[str, Any]) -> list[str]:
    """The managed labels this result calls for (ids are schema-checked: safe as names)."""
    files = [f for f in result.get("files", []) if not f.get("removed")]
    if any(x.get("rule") == WRONG_BASE for x in result.get("findings", [])):
        return ["needs-fix"]  # not a submission: no time, no deliverable, no group
    out = ["needs-fix" if result.get("verdict") == "fail" else "checks-passed"]
    # on-time / late / not-counted only where the course chose them (labels.lateness)
    statuses = {f.get("status") for f in files} if result.get("lateness_labels", True) else set()
    if "late" in statuses:
        out.append("late")
        if any(f.get("status") == "late" and f.get("counted") is False for f in files):
            out.append("not-counted")
    elif "on-time" in statuses and "unverified" not in statuses:
        out.append("on-time")  # never while a file's time could not be established
    for key, prefix in (("deliverable", "deliverable: "), ("group", "group: ")):
        for value in sorted({f[key] for f in files if f.get(key)}):
            name = prefix + value
            if len(name) <= MAX_NAME:
                out.append(name)
    return out


def sync(session: Session, repo: Repository, issue: Issue, want: list[str]) -> LabelChange:
    change = LabelChange()
    current = session.call("list the PR labels", lambda: [x.name for x in issue.get_labels()])
    have = {n.casefold() for n in current}
    wanted = {n.casefold() for n in want}
    to_add = [n for n in want if n.casefold() not in have]
    to_remove = [n for n in current if is_managed(n) and n.casefold() not in wanted]
    if to_add:
        existing = session.call("list the repository labels",
                                lambda: {x.name.casefold() for x in repo.get_labels()})
        for name in to_add:
            if name.casefold() not in existing:
                color, desc = definition(name)
                _create(session, repo, name, color, desc)
                change.created.append(name)
        session.call("add labels to the PR", lambda: issue.add_to_labels(*to_add))
        change.added = to_add
    for name in to_remove:
        _remove(session, issue, name)
        change.removed.append(name)
    return change


def withdraw(session: Session, issue: Issue, names: tuple[str, ...]) -> LabelChange:
    """Remove these managed labels if the PR has them; leave every other label alone."""
    change = LabelChange()
    current = session.call("list the PR labels", lambda: [x.name for x in issue.get_labels()])
    wanted = {n.casefold() for n in names}
    for name in current:
        if name.casefold() in wanted:
            _remove(session, issue, name)
            change.removed.append(name)
    return change


def _create(session: Session, repo: Repository, name: str, color: str, desc: str) -> None:
    def create() -> None:
        try:
            repo.create_label(name, color, desc)
        except GithubException as e:  # created meanwhile (or by our own earlier attempt)
            if e.status != 422 or "already_exists" not in str(e.data):
                raise
    session.call(f"create the label {name!r}", create)


def _remove(session: Session, issue: Issue, name: str) -> None:
    def remove() -> None:
        try:
            issue.remove_from_labels(name)
        except GithubException as e:
            if e.status != 404:  # already gone
                raise
    session.call(f"remove the label {name!r}", remove)
