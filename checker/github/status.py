"""The commit status on the PR head, context ``submission-checker``: only for a course that
asks for it (``publish --commit-status``). Anyone with write access can set a status, so the
check run (``checker.github.checkrun``) is what a ruleset should require."""

from __future__ import annotations

from typing import Any

from github.Repository import Repository

from checker.github.checkrun import verdict
from checker.github.client import Session

CONTEXT = "submission-checker"
MAX_DESCRIPTION = 140  # GitHub's limit


def describe(result: dict[str, Any] | None) -> tuple[str, str]:
    """(state, description) for a result; None means the checker itself failed."""
    if result is None:
        return "error", "The checker failed before it could judge this submission; see the run."
    conclusion, title = verdict(result)
    return conclusion, title[:MAX_DESCRIPTION]


def set_status(session: Session, repo: Repository, sha: str, state: str, description: str,
               target_url: str | None) -> None:
    commit = repo.get_commit(sha)
    kwargs: dict[str, str] = {"context": CONTEXT, "description": description[:MAX_DESCRIPTION]}
    if target_url:
        kwargs["target_url"] = target_url
    session.call("set the commit status", lambda: commit.create_status(state, **kwargs))
