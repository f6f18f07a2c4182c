"""What ``check`` works out on a student's machine, so that its answer is CI's answer.

- The base roster: the work tree holds the student's own changed ``group.yaml``; it is a change
  of the pull request (judged by the group rules, exit 1), so the base branch's version (or
  none) is what the base roster reads for it, exactly as CI reads the base checkout.
- The author, when ``--author`` is left out: ``git config github.user``, else the member of a
  ``group.yaml`` whose email is ``git config user.email``.
- Files under ``submissions/`` that are not committed, when the check reads a commit
  (``--head``): they are not part of the push, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from checker import gitio
from checker.config import GROUP_FILE, load_roster
from checker.errors import UsageError
from checker.findings import Finding, warning
from checker.model import Course, Roster
from checker.shell import sh

MAX_LISTED = 10


def changed_declarations(course: Course, paths: Iterable[str]) -> list[str]:
    """The changed paths that are group declarations (``submissions/<group>/group.yaml``)."""
    wanted = {f"{course.submissions_dir}/{g}/{GROUP_FILE}" for g in course.groups}
    return [p for p in paths if p in wanted]


def base_declarations(root: Path, base: str | None, paths: list[str]) -> dict[str, bytes | None]:
    """The base branch's bytes of each changed declaration (None: the base has none).

    ``base`` is a full commit SHA, or None when there is no git history to ask (then the
    changed declarations are new ones, as in a pull request that adds them)."""
    return {p: gitio.file_at(root, base, p) if base else None for p in paths}


def author_from_git(root: Path, course: Course) -> tuple[str, str]:
    """(login, how it was found) for a check run without ``--author``."""
    login = gitio.config_value(root, "github.user")
    if login:
        return login, "from `git config github.user`"
    email = gitio.config_value(root, "user.email")
    # the work tree's declarations, the student's own new or changed one included
    roster, _ = load_roster(root, course)
    matches = _members_with_email(roster, email) if email else []
    if len(matches) == 1:
        group, login = matches[0]
        return login, (f"the member of {group} whose email is `git config user.email` "
                       f"({email})")
    why = ("`git config user.email` is not set" if not email else
           f"no group.yaml member has the email {email} (`git config user.email`)"
           if not matches else
           f"{len(matches)} group.yaml members have the email {email}")
    raise UsageError(f"say who submits: --author LOGIN, or once `git config github.user LOGIN` "
                     f"(your GitHub login); {why}")


def _members_with_email(roster: Roster, email: str) -> list[tuple[str, str]]:
    key = email.strip().lower()
    return [(d.group, m.github) for d in roster.groups.values() for m in d.members
            if m.email.strip().lower() == key]


def not_pushed_later(root: Path, course: Course) -> Callable[[], list[tuple[str, str]]]:
    """Files under submissions/ that are not committed (so not part of a push of HEAD), with
    git started now and read when the returned function is called."""
    try:
        later = gitio.uncommitted_later(root, course.submissions_dir)
    except UsageError:
        return list

    def result() -> list[tuple[str, str]]:
        try:
            return later()
        except UsageError:
            return []  # not a work tree (a bare clone or a CI checkout without one)

    return result


def not_pushed_finding(files: list[tuple[str, str]], checked: str) -> Finding:
    listed = ", ".join(f"{path} ({what})" for path, what in files[:MAX_LISTED])
    more = f" and {len(files) - MAX_LISTED} more" if len(files) > MAX_LISTED else ""
    paths = " ".join(sh(p) for p, _ in files[:MAX_LISTED])
    return warning(
        "push.uncommitted",
        f"{len(files)} file(s) under submissions/ are not committed, so they are not part of "
        f"the push and were not checked ({checked}): {listed}{more}.",
        f"Commit them and check again: `git add {paths}` then `git commit -m \"Submit\"`; "
        "they reach the pull request only when you push the commit.",
    )


def course_ref(root: Path, course: Course) -> str:
    """The course repository's default branch as this clone names it (upstream/main), without
    asking the remote; origin/main when no remote is the course repository."""
    from checker.upstream import find

    try:
        return find(root, course.repository, ask_remote=False).ref
    except UsageError:
        return "origin/main"


def optional_commit(root: Path, rev: str) -> str | None:
    """``rev`` as a commit SHA, or None when ``root`` has no such commit (or no git at all)."""
    try:
        return gitio.resolve_commit(root, rev)
    except UsageError:
        return None


def nothing_to_check(base: str, head: str | None, unpushed: list[tuple[str, str]]) -> str:
    """The report of a run that found no changed file: never a PASS."""
    against = f"commit {head[:12]}" if head else "your work tree"
    lines = [f"NOTHING TO CHECK: there is nothing to check between {base} and {against} (no "
             "file changes), so nothing was checked; this is not a pass."]
    if unpushed:
        lines.append(not_pushed_finding(unpushed, f"the check read {against}").message)
        lines.append("  fix: commit them (`git add` then `git commit`) and run the check again.")
    else:
        lines.append("  fix: put your files under submissions/ (see submissions/README.md), "
                     "commit them, and run the check again.")
    return "\n".join(lines) + "\n"
