"""Collect: turn command-line input into a Submission and read each changed file (I/O).

Submitted bytes are copied to a private temporary folder under names we choose (never the
submitted file name), then handed to the inspectors, which are the only code that parses
them. Reads are bounded by the deliverable's size limit before any byte is read.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from checker import gitio
from checker.engine import MAX_FILES, Change, Content
from checker.errors import UsageError
from checker.facts import FileFacts
from checker.findings import error
from checker.model import Course, Limits
from checker.routing import route

TEXT_LIMIT = 256 * 1024  # group.yaml and questions: plenty for text, tiny for a bomb
GITHUB_HARD_LIMIT = 100 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """Where the bytes of changed files come from: the work tree, or git objects."""

    root: Path
    from_git: bool  # True: read blobs by SHA (the PR head fetched as data)

    def size(self, change: Change) -> int:
        if self.from_git and change.blob_sha:
            return gitio.blob_size(self.root, change.blob_sha)
        return (self.root / change.path).stat().st_size

    def read(self, change: Change) -> bytes:
        if self.from_git and change.blob_sha:
            return gitio.read_blob(self.root, change.blob_sha)
        return (self.root / change.path).read_bytes()


def changes_from_paths(root: Path, paths: Iterable[str]) -> list[Change]:
    out = []
    for raw in paths:
        path = raw.replace(os.sep, "/").removeprefix("./")
        full = root / path
        if full.is_symlink():
            out.append(Change(path, False, None, kind="symlink"))
        elif full.is_file():
            out.append(Change(path, False, None))  # hashed when read, after the size check
        elif full.exists():
            out.append(Change(path, False, None, kind="other"))
        else:
            out.append(Change(path, removed=True))
    return out


def changes_from_git(root: Path, base: str, head: str | None) -> list[Change]:
    if head:
        entries = gitio.changed_between(root, base, head)
    else:
        entries = gitio.changed_in_worktree(root, base)
    out = []
    for e in entries:
        sha, kind = e.blob_sha, e.kind
        if not head and not e.removed:  # the work tree: what is on disk now
            full = root / e.path
            kind = "symlink" if full.is_symlink() else "file" if full.is_file() else "other"
        out.append(Change(e.path, e.removed, sha if kind == "file" else None, kind))
    return out


@contextmanager
def private_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="submission-checker-") as tmp:
        os.chmod(tmp, 0o700)
        yield Path(tmp)


def read_contents(course: Course, source: Source, changes: list[Change]) -> dict[str, Content]:
    contents: dict[str, Content] = {}
    with private_dir() as tmp:
        for index, change in enumerate(changes[:MAX_FILES]):  # the engine judges no more
            if change.removed:
                continue
            target = route(course, change.path).target
            if target is None:
                continue  # not a deliverable: only access rules apply
            contents[change.path] = _read_one(source, change, target.ext or "", tmp, index,
                                              target.deliverable.limits,
                                              text=target.deliverable.formats[0] in {"md", "yaml"})
    return contents


def _unreadable(path: str, why: str) -> Content:
    return Content(FileFacts(path, "unknown", 0, findings=[error(
        "file.unreadable", f"{path}: {why}.",
        "Commit the file itself: a regular file, not a symbolic link, a submodule or a folder.",
        path=path)]))


def _read_one(source: Source, change: Change, ext: str, tmp: Path, index: int,
              limits: Limits, *, text: bool) -> Content:
    path = change.path
    if change.kind != "file":
        what = {"symlink": "a symbolic link", "submodule": "a git submodule"}.get(
            change.kind, "not a regular file")
        return _unreadable(path, f"is {what}, so there is nothing to check")
    try:
        size = source.size(change)
    except (OSError, UsageError) as exc:
        return _unreadable(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})")
    cap = min(limits.max_bytes, TEXT_LIMIT) if text else limits.max_bytes
    if size > cap:
        mb = size / 2**20
        hard = (" GitHub itself refuses files over 100 MB." if size > GITHUB_HARD_LIMIT else "")
        return Content(FileFacts(path, "unknown", size, findings=[error(
            "file.too-large",
            f"{path}: {mb:.1f} MB is more than the {cap / 2**20:.1f} MB this deliverable allows."
            + hard,
            "Make it smaller (compress images, leave out data sets and build outputs) and push "
            "it again.", path=path)]))
    try:
        data = source.read(change)
    except (OSError, UsageError) as exc:
        return _unreadable(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})")
    blob = change.blob_sha or gitio.blob_sha_of(data)  # work-tree files: hashed once, here
    if text:
        return replace(_read_text(path, ext, data), blob_sha=blob)
    # Documents are parsed only by the inspectors, in a worker process under limits.
    from checker.inspect import inspect_file

    safe_ext = ext if ext.isalnum() and len(ext) <= 8 else "bin"
    local = tmp / f"{index}.{safe_ext}"
    local.write_bytes(data)
    try:
        return Content(inspect_file(local, path, limits, ext.lower() or None), blob_sha=blob)
    finally:
        local.unlink()


def _read_text(path: str, ext: str, data: bytes) -> Content:
    """Small text deliverables (group.yaml, questions): decoded here, parsed by pure code."""
    facts = FileFacts(path, {"md": "markdown", "yaml": "yaml"}.get(ext, "text"), len(data))
    if not data.strip():
        facts.findings.append(error(
            "file.empty", f"{path}: the file is empty.",
            "Write the content and push again; see submissions/README.md for the format.",
            path=path))
        return Content(facts)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        facts.findings.append(error(
            "file.unreadable", f"{path}: is not UTF-8 text (bad byte at offset {exc.start}).",
            "Save it as plain UTF-8 text and push it again.", path=path))
        return Content(facts)
    if "\0" in text:
        facts.findings.append(error(
            "file.unreadable", f"{path}: contains NUL bytes, so it is not a text file.",
            "Save it as plain UTF-8 text and push it again.", path=path))
        return Content(facts)
    facts.text = text
    return Content(facts, text)
