"""When GitHub first received each changed file: dating files from the PR's receipts.

A receipt (``checker.github.receipts``) says "GitHub received head commit C at time T". A
changed file is dated from the earliest receipt whose commit holds the file's *current* blob at
the same path (read from git objects, as data): the same bytes at the same place were in
GitHub's hands then, whatever happened to the check run of that push. A receipt whose commit is
not in the local repository (a force-push dropped it) cannot vouch for anything. A file no
receipt vouches for is dated from the event (this push). Never later than that.
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
