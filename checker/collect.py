"""Collect: turn command-line input into a Submission and read each changed file (I/O).

Submitted bytes are copied to a private temporary folder under names we choose (never the
submitted file name), then handed to the inspectors, which are the only code that parses
them. Reads are bounded by the deliverable's size limit before any byte is read.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from checker import gitio, limits
from checker.bounds import shown
from checker.engine import MAX_FILES, Change, Content
from checker.errors import UsageError
from checker.facts import FileFacts
from checker.findings import error
from checker.model import Course, Limits

if TYPE_CHECKING:
    from checker.inspect import Budget, Item
from checker.routing import Target, route

TEXT_LIMIT = 256 * 1024  # group.yaml and questions: plenty for text, tiny for a bomb
GITHUB_HARD_LIMIT = 100 * 1024 * 1024
BATCH_BYTES = 512 * 1024 * 1024  # private copies held on disk at once, awaiting inspection


@dataclass(frozen=True)
class Source:
    """Where the bytes of changed files come from: the work tree, or git objects."""

    root: Path
    from_git: bool  # True: read blobs by SHA (the PR head fetched as data)
    head: str | None = None  # the commit read (a partial clone fetches its missing blobs)

    def in_git(self, change: Change) -> bool:
        return self.from_git and change.blob_sha is not None


class _Reader:
    """Sizes and bytes of changed files: git blobs through two git processes in all (sizes
    from one ``--batch-check``, contents from one ``--batch``), work-tree files from disk.

    In a partial clone (CI's blobless checkout, a student's sparse clone) the blobs it does not
    hold are fetched first, in one request; a blob that cannot be had stops the check
    (:class:`gitio.MissingObject`, exit 2): it is never reported as a damaged file."""

    def __init__(self, source: Source, changes: list[Change],
                 meanwhile: Callable[[], None] = lambda: None) -> None:
        """``meanwhile`` runs while the ``git cat-file --batch`` process starts."""
        self.source = source
        shas = sorted({c.blob_sha for c in changes if c.blob_sha and source.in_git(c)})
        self._blobs: gitio.BlobStream | None = (gitio.BlobStream(source.root) if shas
                                                 else None)
        try:
            meanwhile()
            if shas and source.head:
                gitio.prefetch_blobs(source.root, source.head, shas)
            self._sizes = gitio.blob_sizes(source.root, shas) if shas else {}
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._blobs is not None:
            self._blobs.close()

    def _stream(self) -> gitio.BlobStream:
        if self._blobs is None:
            self._blobs = gitio.BlobStream(self.source.root)
        return self._blobs

    def size(self, change: Change) -> int:
        if self.source.in_git(change):
            assert change.blob_sha is not None
            if change.blob_sha not in self._sizes:
                raise gitio.MissingObject(
                    f"{shown(change.path)}: git has no blob {change.blob_sha} in "
                    f"{self.source.root} "
                    "and could not fetch it; in a partial clone, check the network (`git "
                    "fetch` works?) and run the check again")
            return self._sizes[change.blob_sha]
        return (self.source.root / change.path).stat().st_size

    def read(self, change: Change) -> bytes:
        if self.source.in_git(change):
            assert change.blob_sha is not None
            return self._stream().read(change.blob_sha)
        return (self.source.root / change.path).read_bytes()

    def copy(self, change: Change, target: Path) -> str:
        """Write the file's bytes to ``target``; returns git's id of them."""
        if self.source.in_git(change):
            assert change.blob_sha is not None
            self._stream().copy(change.blob_sha, target)
            return change.blob_sha
        data = (self.source.root / change.path).read_bytes()
        target.write_bytes(data)
        return gitio.blob_sha_of(data)  # work-tree files: hashed once, here


def changes_from_paths(root: Path, paths: Iterable[str]) -> list[Change]:
    """The files named on the command line, by their path in the repository at ``root``.

    A PATH must be a file of the repository: one that does not exist is a usage error (never
    read as a deletion), and so is one outside the repository (``inspect`` reads any file)."""
    out = []
    missing = []
    for raw in paths:
        path = repository_path(root, raw)
        full = root / path
        if full.is_symlink():
            out.append(Change(path, False, None, kind="symlink"))
        elif full.is_file():
            out.append(Change(path, False, None))  # hashed when read, after the size check
        elif full.exists():
            out.append(Change(path, False, None, kind="other"))
        else:
            missing.append(raw)
    if missing:
        raise UsageError("no such file: " + ", ".join(missing) + f" (in the repository at "
                         f"{root}); give the path of a file you changed, e.g. "
                         "submissions/<group>/proposal.pdf, or no PATH to check what your "
                         "branch changes")
    return out


def repository_path(root: Path, raw: str) -> str:
    """``raw`` (relative to ``root``, or absolute) as a path in the repository, '/'-separated;
    a usage error pointing to ``inspect`` when it is outside the repository."""
    top = os.path.abspath(root)
    full = os.path.normpath(os.path.join(top, raw))  # an absolute raw stays itself
    rel = os.path.relpath(full, top) if os.path.splitdrive(full)[0] == \
        os.path.splitdrive(top)[0] else os.pardir
    if rel == os.curdir:
        raise UsageError(f"{raw} is the repository itself: give the files to check (e.g. "
                         "submissions/<group>/proposal.pdf), or no PATH to check what your "
                         "branch changes")
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        raise UsageError(f"{raw} is outside the repository at {root}: `check` judges the files "
                         "of the course repository by their path in it (submissions/...). To "
                         f"see what the checker reads in any file: python -m checker inspect "
                         f"{shlex.quote(raw)}")
    return rel.replace(os.sep, "/")


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
    """What each changed deliverable file is: small text files decoded here, documents parsed
    by the inspectors in workers, several at once (``checker.inspect.inspect_files``)."""
    from checker.inspect import Budget

    routed = []
    for index, change in enumerate(changes[:MAX_FILES]):  # the engine judges no more
        if change.removed:
            continue
        target = route(course, change.path).target
        if target is not None:  # else not a deliverable: only access rules apply
            routed.append((index, change, target))
    contents: dict[str, Content | None] = {change.path: None for _, change, _ in routed}
    # Archives last (the order of ``contents`` stays the PR's): copying a large ZIP out of git
    # is the slowest read and parsing it is quick, so it is copied while the documents parse.
    routed.sort(key=lambda item: (item[2].ext or "").lower() == "zip")
    reader = _Reader(source, [change for _, change, _ in routed],
                     meanwhile=lambda: _preload_for(target.ext for _, _, target in routed))
    remaining = iter(routed)
    budget = Budget(limits.PR_REPLY_MAX_BYTES)  # the facts this pull request's files bring back
    try:
        with private_dir() as tmp:
            while True:
                batch: list[_Document] = []
                finished: list[bool] = []
                items = _documents(reader, remaining, tmp, contents, batch, finished)
                contents.update(_inspect_batch(batch, items, budget))
                if finished:
                    break
    finally:
        reader.close()
    return {path: content for path, content in contents.items() if content is not None}


def _documents(reader: _Reader, remaining: Iterator[tuple[int, Change, Target]], tmp: Path,
               contents: dict[str, Content | None], batch: list[_Document],
               finished: list[bool]) -> Iterator[Item]:
    """The next documents for the inspectors, each copied only when a worker is free to read
    it (into ``batch``), until BATCH_BYTES of copies (the disk they hold at once); every other
    change is decided into ``contents``. ``finished`` gets True once ``remaining`` is empty."""
    held = 0
    for index, change, target in remaining:
        document = _read_change(reader, change, target, tmp, index, contents)
        if document is None:
            continue
        batch.append(document)
        yield (document.local, document.path, document.limits, document.ext.lower() or None)
        held += document.size
        if held >= BATCH_BYTES:
            return
    finished.append(True)


def _read_change(reader: _Reader, change: Change, target: Target, tmp: Path, index: int,
                 contents: dict[str, Content | None]) -> _Document | None:
    """A document's private copy for the inspectors; anything else is decided here, into
    ``contents`` (refused, small text, unreadable), and None is returned."""
    deliverable = target.deliverable
    text = deliverable.formats[0] in {"md", "yaml"}
    early = _refused(reader, change, deliverable.limits, text=text)
    if early is not None:
        contents[change.path] = early
        return None
    if text:
        contents[change.path] = _read_small_text(reader, change, target.ext or "")
        return None
    document = _copy_document(reader, change, target.ext or "", tmp, index, deliverable.limits)
    if isinstance(document, Content):
        contents[change.path] = document
        return None
    return document


def _preload_for(extensions: Iterable[str | None]) -> None:
    """Import the parsers the documents' extensions call for, while git starts (the bytes
    decide later which parser each file gets; this only moves the import earlier)."""
    from checker.inspect import preload

    for ext in sorted({(e or "").lower() for e in extensions} & {"pdf", "docx", "pptx", "zip"}):
        preload(ext)


@dataclass(frozen=True)
class _Document:
    path: str  # in the repository
    local: Path  # the private copy the inspector reads
    ext: str
    limits: Limits
    blob_sha: str
    size: int


def _inspect_batch(batch: list[_Document], items: Iterator[Item],
                   budget: Budget) -> dict[str, Content | None]:
    """Inspect ``items`` (which fill ``batch`` as they are produced); delete their copies."""
    # Documents are parsed only by the inspectors, in worker processes under limits.
    from checker.inspect import inspect_files

    try:
        facts = inspect_files(items, budget)
    finally:
        for d in batch:
            d.local.unlink(missing_ok=True)
    return {d.path: Content(f, blob_sha=d.blob_sha) for d, f in zip(batch, facts, strict=True)}


def _refused(reader: _Reader, change: Change, limits: Limits, *, text: bool) -> Content | None:
    """A Content for a change that is not read at all (not a file, too large), else None."""
    path = change.path
    if change.kind != "file":
        what = {"symlink": "a symbolic link", "submodule": "a git submodule"}.get(
            change.kind, "not a regular file")
        return _unreadable(path, f"is {what}, so there is nothing to check")
    try:
        size = reader.size(change)
    except gitio.MissingObject:
        raise
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
    return None


def _read_small_text(reader: _Reader, change: Change, ext: str) -> Content:
    try:
        data = reader.read(change)
    except gitio.MissingObject:
        raise
    except (OSError, UsageError) as exc:
        return _unreadable(change.path,
                           f"cannot be read ({getattr(exc, 'strerror', None) or exc})")
    blob = change.blob_sha or gitio.blob_sha_of(data)  # work-tree files: hashed once, here
    return replace(_read_text(change.path, ext, data), blob_sha=blob)


def _copy_document(reader: _Reader, change: Change, ext: str, tmp: Path, index: int,
                   limits: Limits) -> _Document | Content:
    """A private copy of the document under a name we choose, or why it cannot be read."""
    safe_ext = ext if ext.isalnum() and len(ext) <= 8 else "bin"
    local = tmp / f"{index}.{safe_ext}"
    try:
        blob = reader.copy(change, local)
    except gitio.MissingObject:
        local.unlink(missing_ok=True)
        raise
    except (OSError, UsageError) as exc:
        local.unlink(missing_ok=True)
        return _unreadable(change.path,
                           f"cannot be read ({getattr(exc, 'strerror', None) or exc})")
    return _Document(change.path, local, ext, limits, blob, local.stat().st_size)


def _unreadable(path: str, why: str) -> Content:
    return Content(FileFacts(path, "unknown", 0, findings=[error(
        "file.unreadable", f"{path}: {why}.",
        "Commit the file itself: a regular file, not a symbolic link, a submodule or a folder.",
        path=path)]))


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
