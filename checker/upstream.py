"""The branch a local check compares with: the course repository's default branch, whatever
the student's remotes are called (I/O: git).

The pull request's check judges the PR's diff against the course repository's default branch.
A student who works from a fork has two remotes: ``origin`` (the fork, whose ``main`` is as old
as the fork's last sync) and the course repository (usually ``upstream``). Comparing with the
fork's ``main`` counts every file other groups merged since as the student's own. So the local
check finds the course repository among the remotes:

1. the remote whose URL names ``schedule.yaml``'s ``repository:`` (``OWNER/NAME``);
2. else the remote called ``upstream``;
3. else ``origin`` (a clone of the course repository itself).

and its default branch (``refs/remotes/R/HEAD``, or what the remote says its HEAD is), and asks
the remote (``git ls-remote``, bounded, never prompting) whether that branch moved since the
last fetch. When it did and the new commit is already in the clone (a fork synced on GitHub and
pulled), that commit is the base; otherwise the check says the branch is stale and gives the
command that fetches it.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from checker import gitio
from checker.errors import UsageError

LS_REMOTE_SECONDS = 15  # a remote that does not answer in time is "could not be reached"
STALE_DAYS = 2  # offline: a course branch not updated for longer is said to be maybe stale
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class CourseBranch:
    """The course repository's default branch as this clone knows it."""

    remote: str  # the remote's name: upstream, origin, ...
    branch: str  # its default branch: main
    how: str  # why this remote: "the remote `upstream`"
    sha: str | None = None  # what the clone has (refs/remotes/REMOTE/BRANCH), None: missing
    current: str | None = None  # what the remote has now (ls-remote), None: not reachable

    @property
    def ref(self) -> str:
        return f"{self.remote}/{self.branch}"

    @property
    def fetch(self) -> str:
        return f"git fetch {self.remote}"

    @property
    def stale(self) -> bool:
        return self.current is not None and self.current != self.sha


def remotes(root: Path) -> dict[str, str]:
    """name -> fetch URL of every remote of the repository at ``root``."""
    try:
        raw = gitio.git(root, "config", "--get-regexp", r"^remote\..*\.url$")
    except UsageError:
        return {}  # no remote (git config exits 1), or not a repository
    out: dict[str, str] = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        key, _, url = line.partition(" ")
        name = key[len("remote."):-len(".url")]
        out.setdefault(name, url.strip())
    return out


def names_repository(url: str, repository: str) -> bool:
    """Whether a remote URL is the GitHub repository ``OWNER/NAME`` (https, ssh or scp-like
    URL, or a path whose last two parts are OWNER/NAME), ignoring case and a ``.git`` suffix."""
    tail = url.strip().rstrip("/").removesuffix(".git").lower()
    want = repository.strip().strip("/").removesuffix(".git").lower()
    return tail == want or tail.endswith(("/" + want, ":" + want))


def choose_remote(found: dict[str, str], repository: str | None) -> tuple[str, str] | None:
    """(remote, why) for the course repository among the remotes, or None when none is."""
    if repository:
        named = sorted(n for n, url in found.items() if names_repository(url, repository))
        for name in ("upstream", "origin", *named):
            if name in named:
                return name, f"the remote `{name}`, whose URL is the course repository {repository}"
    if "upstream" in found:
        return "upstream", "the remote `upstream`"
    if "origin" in found and not repository:
        return "origin", "the remote `origin` (no remote is called `upstream`)"
    return None


def find(root: Path, repository: str | None, *, ask_remote: bool = True) -> CourseBranch:
    """The course repository's default branch in the clone at ``root``; ``ask_remote``: also
    what the remote has now (one ``git ls-remote``). A usage error when no remote is the
    course repository."""
    found = remotes(root)
    chosen = choose_remote(found, repository)
    if chosen is None:
        raise UsageError(no_course_remote(found, repository))
    remote, how = chosen
    head, current = ls_remote_head(root, remote) if ask_remote else (None, None)
    branch = head or _remote_head(root, remote) or _first_existing(root, remote) or "main"
    sha = _local_sha(root, f"refs/remotes/{remote}/{branch}")
    return CourseBranch(remote, branch, how, sha, current)


def no_course_remote(found: dict[str, str], repository: str | None) -> str:
    url = f"https://github.com/{repository}.git" if repository else "COURSE-REPOSITORY-URL"
    have = ", ".join(sorted(found)) or "none"  # names only: a URL may hold a token
    which = f" {repository}" if repository else ""
    return (f"no remote of this clone is the course repository{which} (remotes: {have}), "
            "so there is nothing to compare your branch with as the pull "
            f"request's check does. Add it once: `git remote add upstream {url}` then "
            "`git fetch upstream` (or give --base REF)")


def _env(root: Path) -> dict[str, str]:
    """git's environment for asking a remote: never prompt for a password or a host key (the
    student's own ssh settings, when they have some, stay in charge)."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    if not any(k in env for k in ("GIT_SSH_COMMAND", "GIT_SSH")) and not gitio.config_value(
            root, "core.sshCommand"):
        env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
    return env


def ls_remote_head(root: Path, remote: str) -> tuple[str | None, str | None]:
    """(default branch, its commit) as the remote says now; (None, None) when it cannot be
    reached within LS_REMOTE_SECONDS."""
    try:
        proc = subprocess.run(["git", "-C", str(root), "ls-remote", "--symref", "--", remote,
                               "HEAD"], capture_output=True, timeout=LS_REMOTE_SECONDS,
                              check=False, stdin=subprocess.DEVNULL, env=_env(root))
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    if proc.returncode != 0:
        return None, None
    branch = sha = None
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        left, _, right = line.partition("\t")
        if left.startswith("ref: refs/heads/") and right == "HEAD":
            branch = left[len("ref: refs/heads/"):]
        elif right == "HEAD" and _SHA.fullmatch(left):
            sha = left
    return (branch, sha) if branch and sha else (None, None)


def _remote_head(root: Path, remote: str) -> str | None:
    try:
        ref = gitio.git(root, "symbolic-ref", "-q", f"refs/remotes/{remote}/HEAD").decode().strip()
    except UsageError:
        return None
    prefix = f"refs/remotes/{remote}/"
    return ref[len(prefix):] if ref.startswith(prefix) else None


def _first_existing(root: Path, remote: str) -> str | None:
    for branch in ("main", "master"):
        if _local_sha(root, f"refs/remotes/{remote}/{branch}"):
            return branch
    return None


def _local_sha(root: Path, ref: str) -> str | None:
    try:
        out = gitio.git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                        ref + "^{commit}").decode().strip()
    except UsageError:
        return None
    return out if _SHA.fullmatch(out) else None


def has_commit(root: Path, sha: str) -> bool:
    return _local_sha(root, sha) is not None


def last_update_days(root: Path, cb: CourseBranch) -> float | None:
    """Days since the clone's copy of the course branch last changed (its reflog), or None."""
    try:
        out = gitio.git(root, "reflog", "show", "-n", "1", "--format=%ct",
                        f"refs/remotes/{cb.ref}", "--").decode().strip()
    except UsageError:
        return None
    return (time.time() - int(out)) / 86400 if out.isdigit() else None


@dataclass(frozen=True)
class Base:
    """What a local check compares with, and what it tells the student about it."""

    rev: str  # a ref or SHA for git
    label: str  # how reports name it: upstream/main
    notes: tuple[str, ...] = ()  # printed to stderr before the report
    verified: bool = False  # the course branch was seen on the remote and is what is compared
    stale: str | None = None  # when the clone's copy is known to be behind: the fetch command


def local_base(root: Path, repository: str | None) -> Base:
    """The base of a local check with no --base: the course repository's current default
    branch when the clone has it, else the clone's copy with a note that it is stale."""
    cb = find(root, repository)
    said = f"comparing with {cb.ref}, the course repository's default branch ({cb.how})"
    if cb.stale and cb.current and has_commit(root, cb.current):
        # the course's newer commit came in another way (a fork synced on GitHub, pulled)
        return Base(cb.current, f"{cb.ref} as the course repository has it now",
                    (f"{said}. Your {cb.ref} is behind the course repository; its current "
                     f"commit {cb.current[:12]} is in your clone, so the check uses it. Update "
                     f"{cb.ref} with `{cb.fetch}`.",), verified=True)
    if cb.sha is None:
        raise UsageError(f"{cb.ref} is not in this clone ({cb.how}): fetch it first with "
                         f"`{cb.fetch}`, then check again")
    if cb.stale:
        return Base(cb.ref, cb.ref, (
            f"{said}. {cb.ref} IS OUT OF DATE: the course repository's {cb.branch} is at "
            f"{(cb.current or '')[:12]}, your {cb.ref} at {cb.sha[:12]}. Files other groups "
            f"merged since count as yours until you fetch it: run `{cb.fetch}` and check "
            "again.",), stale=cb.fetch)
    if cb.current is None:
        days = last_update_days(root, cb)
        old = (f" and your {cb.ref} last changed {days:.0f} days ago" if days is not None
               and days > STALE_DAYS else "")
        return Base(cb.ref, cb.ref, (
            f"{said}. The remote `{cb.remote}` could not be reached to see whether {cb.ref} is "
            f"up to date{old}: run `{cb.fetch}` when you are online.",))
    return Base(cb.ref, cb.ref, (f"{said}, up to date.",), verified=True)
