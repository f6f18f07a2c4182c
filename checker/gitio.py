"""The few git commands the checker needs: which files changed, and their bytes.

Everything from git here is data from the pull request: paths are treated as opaque
strings (read NUL-separated, never through a shell), blobs are read by SHA and never
checked out, and nothing is executed.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from checker.errors import UsageError

GIT_TIMEOUT = 120
ZERO_SHA = "0" * 40
MODES = {"100644": "file", "100755": "file", "120000": "symlink", "160000": "submodule"}


@dataclass(frozen=True)
class DiffEntry:
    path: str
    removed: bool
    blob_sha: str | None  # None: in the working tree, not yet hashed
    kind: str = "file"  # from the git mode: file, symlink, submodule


def git(root: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            input=input_bytes,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; pass the changed files as PATH arguments") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"`git {' '.join(args[:2])}` took more than {GIT_TIMEOUT} s") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"`git {' '.join(args[:3])}` failed in {root}: "
                         f"{msg[-1] if msg else 'exit ' + str(proc.returncode)}")
    return proc.stdout


def resolve_commit(root: Path, rev: str) -> str:
    """A branch, tag or SHA -> the commit's full SHA (never read as a git option)."""
    try:
        return git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                   rev + "^{commit}").decode().strip()
    except UsageError:
        raise UsageError(f"{rev!r} is not a commit in the repository at {root} (for "
                         "origin/main, run `git fetch origin` first)") from None


def parse_raw_diff(raw: bytes) -> list[DiffEntry]:
    """``git diff --raw -z --no-renames --no-abbrev`` -> entries."""
    out: list[DiffEntry] = []
    fields = raw.split(b"\0")
    i = 0
    while i + 1 < len(fields) and fields[i].startswith(b":"):
        meta = fields[i][1:].decode("ascii").split()
        path = fields[i + 1].decode("utf-8", "surrogateescape")
        i += 2
        if len(meta) < 5:
            continue
        new_mode, new_sha, status = meta[1], meta[3], meta[4][:1]
        removed = status == "D"
        sha = None if new_sha == ZERO_SHA or removed else new_sha
        out.append(DiffEntry(path, removed, sha, MODES.get(new_mode, "other") if not removed
                             else "file"))
    return out


def changed_between(root: Path, base: str, head: str) -> list[DiffEntry]:
    """Files the PR head changes relative to the merge base with ``base`` (like a PR's diff)."""
    raw = git(root, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-ext-diff",
              f"{base}...{head}", "--")
    return parse_raw_diff(raw)


def changed_in_worktree(root: Path, base: str) -> list[DiffEntry]:
    """Files the current branch (committed, staged, unstaged or untracked) changes vs base."""
    merge_base = git(root, "merge-base", base, "HEAD").decode().strip()
    entries = parse_raw_diff(git(root, "diff", "--raw", "-z", "--no-renames", "--no-abbrev",
                                 "--no-ext-diff", merge_base, "--"))
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "-z")
    for name in untracked.split(b"\0"):
        if name:
            entries.append(DiffEntry(name.decode("utf-8", "surrogateescape"), False, None))
    return entries


def blob_size(root: Path, sha: str) -> int:
    return int(git(root, "cat-file", "-s", sha).decode().strip())


def read_blob(root: Path, sha: str) -> bytes:
    return git(root, "cat-file", "blob", sha)


def blob_sha_of(data: bytes) -> str:
    """The SHA git gives these bytes as a blob (SHA-1 repositories)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def file_at(root: Path, rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` in commit ``rev`` (a full SHA), or None when it has no such file."""
    try:
        return git(root, "cat-file", "blob", f"{rev}:{path}")
    except UsageError:
        return None


def config_value(root: Path, key: str) -> str | None:
    """``git config KEY`` in the repository at ``root`` (None when unset or not a repository)."""
    try:
        value = git(root, "config", "--get", key).decode("utf-8", "replace").strip()
    except UsageError:
        return None
    return value or None


def uncommitted(root: Path, under: str) -> list[tuple[str, str]]:
    """Files under ``under`` whose work-tree state is not in HEAD: (path, what), what being
    "untracked", "modified", "staged" or "deleted" (git status, NUL-separated, no renames)."""
    raw = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames",
              "--", under)
    out = []
    for item in raw.split(b"\0"):
        if len(item) < 4:
            continue
        x, y, path = chr(item[0]), chr(item[1]), item[3:].decode("utf-8", "surrogateescape")
        what = ("untracked" if x == "?" else "deleted" if "D" in (x, y)
                else "modified" if y != " " else "staged")
        out.append((path, what))
    return out
