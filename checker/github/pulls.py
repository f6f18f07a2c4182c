"""Read a whole course's pull requests and the checker's state in them (the API edge).

Two paginated listings, 100 per page, and nothing per pull request:

- ``GET /repos/{repo}/pulls?state=all`` (open, closed and merged; labels and ``merged_at``
  come with each item), and
- ``GET /repos/{repo}/issues/comments`` (every comment of the repository; only the bot's own
  comment, found as ``checker.github.comment.is_ours`` finds it, is read).

So a semester of P pull requests and C comments costs ceil(P/100) + ceil(C/100) requests
(plus one more when a count is an exact multiple of 100). Every page goes through
``checker.github.client.Session.call`` (bounded retry, waits on rate limits as GitHub asks).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from typing import Any

from checker.github.client import Session
from checker.github.comment import decode_mark, decode_state, is_ours
from checker.staff.records import PullInfo, PullRecord, decode_files, from_history

PER_PAGE = 100
MAX_PAGES = 200  # 20,000 items: far beyond a course; stops a runaway listing
_ISSUE_NUMBER = re.compile(r"/issues/(\d+)$")


@dataclass
class Progress:
    """One line on a terminal, nothing in CI logs (``stderr`` is not a terminal there)."""

    stream: Any = field(default_factory=lambda: sys.stderr)
    enabled: bool | None = None

    def __post_init__(self) -> None:
        if self.enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            self.enabled = bool(isatty and isatty())

    def show(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[K{text}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def each_page(session: Session, what: str, listing: Any,
              progress: Progress) -> Iterator[list[Any]]:
    """The listing's pages, one at a time: a caller that keeps only what it needs of each page
    holds one page of PyGithub objects at a time, whatever the size of the course."""
    seen = 0
    for page in range(MAX_PAGES):
        chunk: list[Any] = session.call(f"list {what} (page {page + 1})",
                                        partial(listing.get_page, page))
        seen += len(chunk)
        progress.show(f"reading {what}: page {page + 1}, {seen} so far")
        yield chunk
        if len(chunk) < PER_PAGE:
            break


def pages(session: Session, what: str, listing: Any, progress: Progress) -> list[Any]:
    return [item for chunk in each_page(session, what, listing, progress) for item in chunk]


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


def pull_info(p: Any) -> PullInfo:
    # only fields present in the list payload: reading any other would cost a request per PR
    return PullInfo(
        number=int(p.number), url=str(p.html_url or ""), author=str(p.user.login if p.user
                                                                   else ""),
        state=str(p.state), merged_at=_aware(p.merged_at), title=str(p.title or ""),
        labels=tuple(str(x.name) for x in (p.labels or [])),
        head_sha=str(p.head.sha) if p.head and p.head.sha else None,
        base_ref=str(p.base.ref) if p.base and p.base.ref else None,
        default_branch=str(p.base.repo.default_branch) if p.base and p.base.repo
        and p.base.repo.default_branch else None,
        base_sha=str(p.base.sha) if p.base and p.base.sha else None,
        head_ref=str(p.head.ref) if p.head and p.head.ref else None,
        head_repo=str(p.head.repo.full_name) if p.head and p.head.repo
        and p.head.repo.full_name else None,
        opened_at=_aware(p.created_at), updated_at=_aware(p.updated_at),
    )


def read_course(session: Session, repo: Any, bot_login: str,
                progress: Progress | None = None) -> list[PullRecord]:
    """Every pull request of ``repo`` with the files the checker recorded in its comment."""
    progress = progress or Progress()
    pulls = [pull_info(p) for chunk in each_page(
        session, "pull requests", repo.get_pulls(state="all", sort="created", direction="asc"),
        progress) for p in chunk]
    own: dict[int, tuple[int, str]] = {}  # PR number -> (id, body) of the bot's first comment
    for chunk in each_page(session, "comments", repo.get_issues_comments(
            sort="created", direction="asc"), progress):
        for c in chunk:
            m = _ISSUE_NUMBER.search(str(c.issue_url or ""))
            if m is None or not is_ours(c, bot_login):
                continue
            n = int(m.group(1))
            if n not in own or c.id < own[n][0]:  # the first one is ours, as publish finds it
                own[n] = (c.id, str(c.body or ""))
    progress.done()
    out = []
    for info in pulls:
        body = own[info.number][1] if info.number in own else ""
        files = decode_files(body)
        if files is None:
            files = from_history(decode_state(body))
        out.append(PullRecord(info, files, decode_mark(body)))
    return out
