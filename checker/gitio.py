"""The few git commands the checker needs: which files changed, and their bytes.

Everything from git here is data from the pull request: paths are treated as opaque
strings (read NUL-separated, never through a shell), blobs are read by SHA and never
checked out, and nothing is executed.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checker.errors import UsageError

GIT_TIMEOUT = 120
ZERO_SHA = "0" * 40
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 object ids
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
        raise UsageError(f"{rev!r} is not a commit in the repository at {root} (for a "
                         "remote's branch such as upstream/main, run `git fetch upstream` "
                         "first)") from None


def resolve_commits(root: Path, revs: list[str]) -> list[str]:
    """Each of ``revs`` as a commit's full SHA, through one ``git rev-parse`` when all resolve
    (else the first that does not is named, as :func:`resolve_commit` names it)."""
    try:
        out = git(root, "rev-parse", "--end-of-options",
                  *(rev + "^{commit}" for rev in revs)).decode().split()
    except UsageError:
        out = []
    if len(out) == len(revs) and all(_SHA.fullmatch(sha) for sha in out):
        return out
    return [resolve_commit(root, rev) for rev in revs]


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
              "--end-of-options", f"{base}...{head}", "--")
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


class MissingObject(UsageError):
    """A git object the checker needs is not in the repository and could not be fetched: the
    repository (a partial clone without its network, a damaged clone) is at fault, never the
    submitted file, so the check stops (exit 2) instead of judging the file."""


def promisor_remote(root: Path) -> str | None:
    """The remote a partial clone fetches its missing objects from (None: a full clone)."""
    try:
        raw = git(root, "config", "--type=bool", "--get-regexp", r"^remote\..+\.promisor$")
    except UsageError:  # no such setting (exit 1), or not a repository
        raw = b""
    for line in raw.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if value == "true":
            return key[len("remote."):-len(".promisor")]
    return config_value(root, "extensions.partialclone")


def missing_blobs(root: Path, tip: str, shas: list[str]) -> list[str]:
    """Which of ``shas`` (blobs in commit ``tip``'s tree) this partial clone does not hold,
    from one ``git rev-list --missing=print`` that lists, and never fetches."""
    wanted = set(shas)
    if not wanted:
        return []
    out = git(root, "rev-list", "--objects", "--no-object-names", "--missing=print",
              "--no-walk", "--end-of-options", _checked_shas([tip]).decode().strip())
    found = {line[1:] for line in out.decode("ascii", "replace").splitlines()
             if line.startswith("?")}
    return sorted(found & wanted)


def fetch_blobs(root: Path, remote: str, shas: list[str]) -> None:
    """Fetch ``shas`` from the partial clone's ``remote`` in one request, as git itself fetches
    missing objects (no negotiation, no refs written), instead of one request per blob."""
    if not shas:
        return
    try:
        git(root, "-c", "fetch.negotiationAlgorithm=noop", "fetch", "--no-tags",
            "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none",
            "--stdin", "--end-of-options", remote, input_bytes=_checked_shas(shas))
    except UsageError as exc:
        raise MissingObject(
            f"{len(shas)} file(s) of this commit are not in the partial clone at {root}, and "
            f"fetching them from {remote!r} failed ({exc}); check the network (and that "
            f"`git fetch {remote}` works), then run the check again") from None


def prefetch_blobs(root: Path, tip: str, shas: list[str]) -> None:
    """In a partial clone, fetch the blobs among ``shas`` that are not here, in one request
    (a full clone holds them all: nothing to do)."""
    remote = promisor_remote(root) if shas else None
    if remote:
        fetch_blobs(root, remote, missing_blobs(root, tip, shas))


def _checked_shas(shas: list[str]) -> bytes:
    for sha in shas:
        if not _SHA.fullmatch(sha):
            raise UsageError(f"{sha!r} is not an object id")
    return "".join(f"{sha}\n" for sha in shas).encode("ascii")


def blob_sizes(root: Path, shas: list[str]) -> dict[str, int]:
    """The size of each blob, from one ``git cat-file --batch-check``; a missing one is left
    out."""
    if not shas:
        return {}
    out: dict[str, int] = {}
    for line in git(root, "cat-file", "--batch-check",
                    input_bytes=_checked_shas(shas)).decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob" and parts[2].isdigit():
            out[parts[0]] = int(parts[2])
    return out


class BlobStream:
    """Blobs by SHA through one ``git cat-file --batch`` process, one after another.

    ``copy(sha, target)`` writes a blob to ``target`` in chunks (a 50 MB file is never held
    whole); ``read(sha)`` returns a small one. Close it (or use it as a context manager).
    """

    def __init__(self, root: Path) -> None:
        try:
            self._proc = subprocess.Popen(["git", "-C", str(root), "cat-file", "--batch"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL)
        except FileNotFoundError:
            raise UsageError("git is not installed; pass the changed files as PATH "
                             "arguments") from None
        self.root = root

    def __enter__(self) -> BlobStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        proc = self._proc
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            proc.wait(timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _open(self, sha: str) -> int:
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(_checked_shas([sha]))
            stdin.flush()
        except OSError:
            raise UsageError(f"`git cat-file --batch` stopped in {self.root}") from None
        header = stdout.readline().decode("ascii", "replace").split()
        if len(header) != 3 or header[1] != "blob" or not header[2].isdigit():
            raise MissingObject(f"git has no blob {sha} in {self.root}, and could not fetch "
                                "it (a partial clone without its network?)")
        return int(header[2])

    def copy(self, sha: str, target: Path) -> None:
        size = self._open(sha)
        stdout = self._proc.stdout
        assert stdout is not None
        with target.open("wb") as out:
            left = size
            while left:
                chunk = stdout.read(min(left, 1 << 20))
                if not chunk:
                    raise UsageError(f"`git cat-file --batch` ended inside blob {sha}")
                out.write(chunk)
                left -= len(chunk)
        stdout.read(1)  # the newline after the contents

    def read(self, sha: str) -> bytes:
        size = self._open(sha)
        stdout = self._proc.stdout
        assert stdout is not None
        data = stdout.read(size)
        if len(data) != size:
            raise UsageError(f"`git cat-file --batch` ended inside blob {sha}")
        stdout.read(1)
        return data


def blob_sha_of(data: bytes) -> str:
    """The SHA git gives these bytes as a blob (SHA-1 repositories)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def file_at(root: Path, rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` in commit ``rev`` (a full SHA), or None when it has no such file.

    The tree says whether the file is there; its blob is then read (in a partial clone,
    fetched), and a blob that cannot be had raises :class:`MissingObject`, never None."""
    try:
        entry = git(root, "--literal-pathspecs", "ls-tree", "-z", "--full-tree",
                    "--end-of-options", rev, "--", path)
    except UsageError:
        return None
    meta, _, name = entry.rstrip(b"\0").partition(b"\t")
    fields = meta.decode("ascii", "replace").split()
    if name != path.encode("utf-8", "surrogateescape") or len(fields) != 3 \
            or fields[1] != "blob":
        return None
    sha = fields[2]
    try:
        return git(root, "cat-file", "blob", sha)
    except UsageError as exc:
        raise MissingObject(f"{path} in commit {rev[:12]}: git cannot read its blob {sha} "
                            f"({exc}); in a partial clone, check the network and run the "
                            "check again") from None


def config_value(root: Path, key: str) -> str | None:
    """``git config KEY`` in the repository at ``root`` (None when unset or not a repository)."""
    try:
        value = git(root, "config", "--get", key).decode("utf-8", "replace").strip()
    except UsageError:
        return None
    return value or None


def uncommitted_later(root: Path, under: str) -> Callable[[], list[tuple[str, str]]]:
    """Files under ``under`` whose work-tree state is not in HEAD: (path, what), what being
    "untracked", "modified", "staged" or "deleted" (git status, NUL-separated, no renames).
    git starts now and is read when the returned function is called, so it looks at the work
    tree while the checker does something else."""
    args = ["git", "-C", str(root), "status", "--porcelain=v1", "-z", "--untracked-files=all",
            "--no-renames", "--", under]
    try:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise UsageError("git is not installed") from None

    def result() -> list[tuple[str, str]]:
        try:
            raw, err = proc.communicate(timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise UsageError(f"`git status` took more than {GIT_TIMEOUT} s") from None
        if proc.returncode != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            raise UsageError(f"`git status` failed in {root}: "
                             f"{msg[-1] if msg else 'exit ' + str(proc.returncode)}")
        return _parse_status(raw)

    return result


def _parse_status(raw: bytes) -> list[tuple[str, str]]:
    out = []
    for item in raw.split(b"\0"):
        if len(item) < 4:
            continue
        x, y, path = chr(item[0]), chr(item[1]), item[3:].decode("utf-8", "surrogateescape")
        what = ("untracked" if x == "?" else "deleted" if "D" in (x, y)
                else "modified" if y != " " else "staged")
        out.append((path, what))
    return out


MAX_FETCHED = 200  # commits fetched by id in one git command


def missing_commits(root: Path, shas: list[str]) -> list[str]:
    """The commits of ``shas`` the repository at ``root`` does not have."""
    if not shas:
        return []
    out = git(root, "cat-file", "--batch-check=%(objectname) %(objecttype)",
              input_bytes=_checked_shas(shas))
    have = {line.split()[0] for line in out.decode("ascii", "replace").splitlines()
            if line.endswith(" commit")}
    return [s for s in shas if s not in have]


def _fetch_env(token: str | None) -> dict[str, str]:
    """git's environment for a fetch from GitHub: the token as a header, never on a command
    line, and no prompt."""
    import base64
    import os

    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    if token:
        auth = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraheader",
                   GIT_CONFIG_VALUE_0=f"AUTHORIZATION: basic {auth}")
    return env


def _fetch(root: Path, specs: list[str], env: dict[str, str], remote: str = "origin") -> bool:
    try:
        proc = subprocess.run(["git", "-C", str(root), "fetch", "-q", "--no-tags",
                               "--no-write-fetch-head", remote, *specs],
                              capture_output=True, timeout=GIT_TIMEOUT * 5, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def fetch_pull_heads(root: Path, token: str | None = None, *, remote: str = "origin",
                     into: str = "refs/checker/pull") -> bool:
    """Every pull request's head from ``remote`` (``refs/pull/N/head``) as ``INTO/N``; False
    if git could not fetch them. ``remote``: ``origin``, or the URL of another repository (a
    group repository of a ``private`` course, each under its own ``into``)."""
    return _fetch(root, [f"+refs/pull/*/head:{into}/*"], _fetch_env(token), remote)


def fetch_commits(root: Path, shas: list[str], token: str | None = None, *,
                  limit: int = 1000, remote: str = "origin") -> list[str]:
    """Fetch ``shas`` by id from ``remote`` (GitHub serves a commit by its id even after a
    force-push took it off the branch) under ``refs/checker/received/``; returns those still
    missing (at most ``limit`` are tried). The token, if any, goes to git in its environment,
    never on a command line."""
    wanted = missing_commits(root, sorted(set(shas)))
    env = _fetch_env(token)
    for start in range(0, min(len(wanted), limit), MAX_FETCHED):
        batch = wanted[start:start + MAX_FETCHED]
        # one the server does not serve fails the whole batch: then one at a time
        if not _fetch(root, [f"+{s}:refs/checker/received/{s}" for s in batch], env, remote):
            for sha in batch:
                _fetch(root, [f"+{sha}:refs/checker/received/{sha}"], env, remote)
    return missing_commits(root, wanted)
