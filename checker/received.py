"""When GitHub first received each changed file: dating files from GitHub's own record.

An entry of the record (a receipt run, ``checker.github.receipts``, or a push of the push log,
``checker.github.pushlog``) says "GitHub received head commit C at time T". ``combine`` merges
both sources (``docs/record.md``: the earliest time per commit wins; nothing counts from before
the pull request was opened). A changed file is dated from the earliest entry whose commit
holds the file's *current* blob at the same path (read from git objects, as data): the same
bytes at the same place were in GitHub's hands then, whatever happened to the check run of that
push. The check job fetches every commit an entry names by its id, so a force-push cannot take
an on-time version away; an entry whose commit is still not at hand cannot vouch for anything
(and makes the record incomplete). A file no entry vouches for is dated from the event (this
push). Never later than that.

``uncertain`` says which files the record could date too late because a source was not read
in full: for those, "late" is never concluded (the check says ``unverified``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from checker import gitio
from checker.errors import UsageError


class Dated(Protocol):
    @property
    def head_sha(self) -> str: ...

    @property
    def received_at(self) -> datetime: ...


TreeReader = Callable[[str, Sequence[str]], Mapping[str, str] | None]
MAX_VERSIONS = 50  # per path: each distinct content GitHub received there, first time only
MAX_HISTORY = 200  # commits of a pull request looked at for a version no entry names


@dataclass(frozen=True)
class Received:
    """One entry of the combined record: GitHub had commit ``head_sha`` at ``received_at``."""

    head_sha: str
    received_at: datetime
    source: str  # "receipt" or "push"


def combine(receipts: Iterable[Dated], pushes: Iterable[Dated],
            opened_at: datetime | None = None) -> list[Received]:
    """Both sources as one record, oldest first: per commit, the earliest time either gives
    (the push log's time is the push itself; a receipt run is created a moment later); no
    entry earlier than the pull request's opening (a push before it was not a submission)."""
    best: dict[str, Received] = {}
    for source, entries in (("push", pushes), ("receipt", receipts)):
        for e in entries:
            at = max(e.received_at, opened_at) if opened_at is not None else e.received_at
            old = best.get(e.head_sha)
            if old is None or at < old.received_at:
                best[e.head_sha] = Received(e.head_sha, at, source)
    return sorted(best.values(), key=lambda r: (r.received_at, r.head_sha))


@dataclass(frozen=True)
class Version:
    """A content of one path that GitHub received: when first, in which head commit."""

    received_at: datetime
    commit: str
    blob_sha: str


def versions(paths: Sequence[str], receipts: Iterable[Dated],
             tree: TreeReader) -> dict[str, list[Version]]:
    """path -> every distinct content received at that path, oldest first (from receipts).

    So staff can grade the last version that was on time when a later push changed the file.
    Receipts whose commit is not available vouch for nothing, as in ``date_files``.
    """
    out: dict[str, list[Version]] = {p: [] for p in paths}
    seen: dict[str, set[str]] = {p: set() for p in paths}
    if not paths:
        return out
    for r in sorted(receipts, key=lambda r: r.received_at):
        blobs = tree(r.head_sha, sorted(paths))
        for path, blob in (blobs or {}).items():
            if path in seen and blob not in seen[path] and len(out[path]) < MAX_VERSIONS:
                seen[path].add(blob)
                out[path].append(Version(r.received_at, r.head_sha, blob))
    return out


def date_files(wanted: Mapping[str, str], receipts: Iterable[Dated], fallback: datetime,
               tree: TreeReader) -> dict[str, datetime]:
    """``wanted`` (path -> current blob) -> path -> time of first receipt (pure but ``tree``).

    ``tree(commit, paths)`` gives the blob of each path in that commit, or None when the commit
    is not available. Receipts are tried oldest first; each commit is read at most once.
    """
    out: dict[str, datetime] = {}
    pending = dict(wanted)
    for r in sorted(receipts, key=lambda r: r.received_at):
        if not pending or r.received_at >= fallback:
            break
        blobs = tree(r.head_sha, sorted(pending))
        if blobs is None:
            continue
        for path in [p for p, blob in pending.items() if blobs.get(p) == blob]:
            out[path] = r.received_at
            del pending[path]
    for path in pending:
        out[path] = fallback
    return out


def git_tree(root: Path) -> TreeReader:
    """A TreeReader over the repository at ``root``: ``git ls-tree`` of literal paths."""

    def read(commit: str, paths: Sequence[str]) -> Mapping[str, str] | None:
        try:
            raw = gitio.git(root, "--literal-pathspecs", "ls-tree", "-z", "--full-tree",
                            "--end-of-options", commit + "^{commit}", "--", *paths)
        except UsageError:
            return None  # not in the local repository: cannot vouch
        out: dict[str, str] = {}
        for entry in raw.split(b"\0"):
            meta, _, name = entry.partition(b"\t")
            fields = meta.split()
            if len(fields) == 3 and fields[1] == b"blob":
                out[name.decode("utf-8", "surrogateescape")] = fields[2].decode("ascii")
        return out

    return read


def uncertain(wanted: Mapping[str, str], named: Iterable[str], history: Sequence[str] | None,
              tree: TreeReader) -> set[str]:
    """The paths of ``wanted`` (path -> current blob) whose content a commit of the pull
    request's ``history`` holds that no entry of the record names (``named``): GitHub may have
    received that commit, on its own, in a push the readable sources do not show (a push while
    the pull request had a merge conflict creates no receipt run). ``history`` None: not known
    (every path is uncertain)."""
    if history is None or len(history) > MAX_HISTORY:
        return set(wanted)
    known = set(named)
    out: set[str] = set()
    for commit in history:
        if commit in known or len(out) == len(wanted):
            continue
        blobs = tree(commit, sorted(p for p in wanted if p not in out))
        if blobs is None:
            return set(wanted)
        out.update(p for p, blob in blobs.items() if wanted.get(p) == blob)
    return out


def pr_history(root: Path, base: str, heads: Sequence[str]) -> list[str] | None:
    """The commits of the pull request: reachable from ``heads`` (its head and every commit the
    record names), not from ``base``; None when git cannot tell or there are too many."""
    if not heads:
        return []
    try:
        raw = gitio.git(root, "rev-list", f"--max-count={MAX_HISTORY + 1}", "--end-of-options",
                        *heads, f"^{base}")
    except UsageError:
        return None
    out = raw.decode("ascii", "replace").split()
    return out if len(out) <= MAX_HISTORY else None
