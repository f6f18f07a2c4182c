"""What the staff tools know about one pull request (pure, no PyGithub).

Per file, the facts come from the newest state the checker stored in the PR's bot comment:

- the *files block* (``<!-- submission-checker:files BASE64 -->``, written by ``files_block``
  from a published result): path, blob, when that content was first received, error count and
  page count; or, for comments written before that block existed,
- the *history state* (``checker.github.history``: path -> {blob: first-seen instant}): the
  newest blob of each path and its time; whether it needs fixing then comes from the PR's
  ``needs-fix`` label, and there is no page count.

Both are parsed strictly: anything not exactly our shape is ignored, never trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from checker import trailer
from checker.result import parse_time
from checker.trailer import CheckMark

FILES_VERSION = 1
MAX_FILES = 300
MAX_BLOCK_CHARS = 16_000  # of the 65,536 characters a comment may have
_BLOB = re.compile(r"[0-9a-f]{40,64}")


@dataclass(frozen=True)
class PullInfo:
    number: int
    url: str  # html_url
    author: str
    state: str  # "open" | "closed"
    merged_at: datetime | None
    title: str
    labels: tuple[str, ...] = ()
    head_sha: str | None = None  # the PR's head commit now
    base_ref: str | None = None  # the branch it targets
    default_branch: str | None = None  # the repository's default branch: the only judge
    # GitHub's facts for `gradebook --recheck` (from the same list; never state a bot wrote)
    base_sha: str | None = None
    head_ref: str | None = None
    head_repo: str | None = None  # OWNER/NAME; None when the fork is gone
    opened_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def wrong_base(self) -> bool:
        """Not into the default branch: not a submission (staff views leave it out)."""
        return bool(self.base_ref and self.default_branch and self.base_ref != self.default_branch)

    @property
    def merged(self) -> bool:
        return self.merged_at is not None

    @property
    def abandoned(self) -> bool:
        return self.state == "closed" and self.merged_at is None


@dataclass(frozen=True)
class FileRecord:
    path: str
    submitted_at: datetime  # aware: when GitHub first received this content
    errors: int | None = None  # None: unknown (history state only)
    pages: int | None = None
    blob: str | None = None
    denied: bool | None = None  # True: check found the author may not submit it; None: unknown
    # a late file: the last other version GitHub received on time (time, commit), from receipts
    on_time_at: datetime | None = None
    on_time_commit: str | None = None
    unverified: bool = False  # True: dated after the deadline by a record not read in full


@dataclass(frozen=True)
class PullRecord:
    pull: PullInfo
    files: tuple[FileRecord, ...] = ()
    mark: CheckMark = field(default_factory=CheckMark)  # last check published (see trailer)

    @property
    def verified(self) -> bool:
        """False while the last check did not complete or the head moved since the record."""
        if not self.mark.complete:
            return False
        head, recorded = self.pull.head_sha, self.mark.record_head
        return head is None or recorded is None or head == recorded

    @property
    def needs_fix_label(self) -> bool:
        return any(x.casefold() == "needs-fix" for x in self.pull.labels)


def _instant(value: object) -> datetime | None:
    return parse_time(value) if isinstance(value, str) and len(value) <= 40 else None


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def files_payload(result: dict[str, Any]) -> dict[str, Any]:
    """The per-file facts the staff tools need, from a (published, history-applied) result."""
    files = []
    for f in result.get("files", []):
        if f.get("removed") or not f.get("deliverable"):
            continue
        facts = f.get("facts") if isinstance(f.get("facts"), dict) else {}
        # when GitHub first received this content: receipts (received_at), the bot's own
        # record (first_seen_at), else the push
        times = [t for t in (_instant(f.get("received_at")),
                             _instant((facts or {}).get("first_seen_at")),
                             _instant(result.get("submitted_at"))) if t is not None]
        if not times:
            continue
        when = min(times)
        pages = (facts or {}).get("pages")
        # problems in the file; a file past its last moment (deadline.closed) is late and not
        # counted, not something to fix
        errors = sum(1 for x in f.get("findings", [])
                     if x.get("severity") == "error" and x.get("rule") != "deadline.closed")
        entry: dict[str, Any] = {"path": f["path"], "at": _iso(when), "errors": errors}
        if any(denies(x.get("rule")) for x in f.get("findings", [])):
            entry["denied"] = True  # the author was not allowed to submit it (then)
        if f.get("status") == "unverified":
            entry["unverified"] = True  # after the deadline by a record not read in full
        earlier = f.get("on_time_version")
        if isinstance(earlier, dict) and _instant(earlier.get("received_at")) is not None:
            entry["on_time"] = {"at": _iso(_instant(earlier["received_at"])),  # type: ignore[arg-type]
                                "commit": earlier.get("commit")}
        if isinstance(pages, int) and not isinstance(pages, bool):
            entry["pages"] = pages
        if isinstance(f.get("blob_sha"), str) and _BLOB.fullmatch(f["blob_sha"]):
            entry["blob"] = f["blob_sha"]
        files.append(entry)
    return {"v": FILES_VERSION, "files": files[:MAX_FILES]}


def denies(rule: object) -> bool:
    """A finding that says the author may not submit this file (``check``'s authorization)."""
    return isinstance(rule, str) and (rule.startswith("auth.") or rule == "path.protected")


def files_block(result: dict[str, Any], max_chars: int = MAX_BLOCK_CHARS) -> str:
    """A hidden line for the bot comment (the publisher appends it after the history state).

    A pull request with very many or very long paths keeps the first files that fit in
    ``max_chars``, so the comment stays under GitHub's size limit.
    """
    payload = files_payload(result)
    files = payload["files"]
    while True:
        block = trailer.encode("files", {**payload, "files": files})
        if len(block) <= max_chars or not files:
            return block
        files = files[: len(files) // 2]


def parse_files(raw: object) -> tuple[FileRecord, ...] | None:
    """Our exact shape -> records; anything else -> None."""
    if not isinstance(raw, dict) or raw.get("v") != FILES_VERSION:
        return None
    files = raw.get("files")
    if not isinstance(files, list) or len(files) > MAX_FILES:
        return None
    out = []
    for f in files:
        if not isinstance(f, dict):
            return None
        path, at, errors = f.get("path"), _instant(f.get("at")), f.get("errors")
        pages, blob = f.get("pages"), f.get("blob")
        if not isinstance(path, str) or not 0 < len(path) <= 1024 or at is None:
            return None
        if not isinstance(errors, int) or isinstance(errors, bool) or errors < 0:
            return None
        if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool)):
            return None
        if blob is not None and (not isinstance(blob, str) or not _BLOB.fullmatch(blob)):
            return None
        denied, unverified = f.get("denied", False), f.get("unverified", False)
        if not isinstance(denied, bool) or not isinstance(unverified, bool):
            return None
        on_time = f.get("on_time")
        on_at, on_commit = None, None
        if on_time is not None:
            on_at = _instant(on_time.get("at")) if isinstance(on_time, dict) else None
            on_commit = on_time.get("commit") if isinstance(on_time, dict) else None
            if on_at is None or not isinstance(on_commit, str) or not _BLOB.fullmatch(on_commit):
                return None
        out.append(FileRecord(path, at, errors, pages, blob, denied, on_at, on_commit,
                              unverified))
    return tuple(out)


def decode_files(body: str) -> tuple[FileRecord, ...] | None:
    """The files block at its fixed place in the bot comment (its last line), else None."""
    raw = trailer.files_payload(body)
    return None if raw is None else parse_files(raw)


def from_history(state: dict[str, dict[str, str]]) -> tuple[FileRecord, ...]:
    """Records from the history state alone: each path's newest content and its first time."""
    out = []
    for path, blobs in sorted(state.items()):
        timed = [(t, b) for b, s in blobs.items() if (t := _instant(s)) is not None]
        if timed:
            when, blob = max(timed)
            out.append(FileRecord(path, when, None, None, blob))
    return tuple(out)
