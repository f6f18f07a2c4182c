"""Read a GitHub ``pull_request`` / ``pull_request_target`` event payload (untrusted data).

Only server-side facts are taken: the PR author, number, head SHA and the time GitHub
recorded the update. Commit dates in the payload or the commits are never read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from checker.errors import UsageError
from checker.timeutil import parse_instant

LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")
MAX_EVENT_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class PullRequestEvent:
    author: str
    number: int
    head_sha: str
    base_sha: str
    submitted_at: datetime
    head_ref: str | None = None  # the PR's branch, as its head repository names it
    head_repo: str | None = None  # OWNER/NAME of the head repository (None: fork deleted)
    repo: str | None = None  # OWNER/NAME of the course repository (the base)
    opened_at: datetime | None = None  # GitHub's created_at of the pull request
    base_ref: str | None = None  # the branch the pull request targets
    default_branch: str | None = None  # the course repository's default branch (the judge)

    @property
    def wrong_base(self) -> bool:
        """The pull request targets a branch other than the default one (only it judges)."""
        return bool(self.base_ref and self.default_branch and self.base_ref != self.default_branch)


def read_event(path: Path) -> PullRequestEvent:
    try:
        if path.stat().st_size > MAX_EVENT_BYTES:
            raise UsageError(f"{path}: event payload is larger than 25 MB")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read the event payload ({exc})") from None
    return parse_event(data, str(path))


def parse_event(data: Any, source: str = "event") -> PullRequestEvent:
    pr = data.get("pull_request") if isinstance(data, dict) else None
    if not isinstance(pr, dict):
        raise UsageError(f"{source}: not a pull_request event (no `pull_request` object)")

    def field(obj: Any, *keys: str) -> Any:
        for k in keys:
            if not isinstance(obj, dict) or k not in obj:
                raise UsageError(f"{source}: pull_request.{'.'.join(keys)} is missing")
            obj = obj[k]
        return obj

    login = field(pr, "user", "login")
    number = field(pr, "number")
    head = field(pr, "head", "sha")
    base = field(pr, "base", "sha")
    when = pr.get("updated_at") or pr.get("created_at")
    if not isinstance(login, str) or not LOGIN.match(login):
        raise UsageError(f"{source}: pull_request.user.login is not a GitHub login")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise UsageError(f"{source}: pull_request.number is not a positive integer")
    for name, sha in (("head.sha", head), ("base.sha", base)):
        if not isinstance(sha, str) or not SHA.match(sha):
            raise UsageError(f"{source}: pull_request.{name} is not a commit SHA")
    if not isinstance(when, str):
        raise UsageError(f"{source}: pull_request.updated_at is missing")
    try:
        at = parse_instant(when)
    except ValueError as exc:
        raise UsageError(f"{source}: pull_request.updated_at: {exc}") from None
    return PullRequestEvent(login, number, head, base, at, head_ref=_text(pr, "head", "ref"),
                            head_repo=_repo_name(pr, "head"),
                            repo=_repo_name(pr, "base") or _repo_name(data, "repository"),
                            opened_at=_instant(pr.get("created_at")),
                            base_ref=_text(pr, "base", "ref"),
                            default_branch=_text(data, "repository", "default_branch")
                            or _text(pr, "base", "repo", "default_branch"))


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        return None


def _text(obj: Any, *keys: str) -> str | None:
    for k in keys:
        obj = obj.get(k) if isinstance(obj, dict) else None
    return obj if isinstance(obj, str) and 0 < len(obj) <= 255 else None


def _repo_name(obj: Any, side: str) -> str | None:
    """``side.repo.full_name`` (or ``side.full_name`` for the payload's ``repository``)."""
    holder = obj.get(side) if isinstance(obj, dict) else None
    if isinstance(holder, dict) and "repo" in holder:
        holder = holder["repo"]
    name = holder.get("full_name") if isinstance(holder, dict) else None
    return name if isinstance(name, str) and REPO.fullmatch(name) else None
