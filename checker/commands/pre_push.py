"""``pre-push``: the hook's check of exactly what a push sends.

git runs a pre-push hook with the remote's name and URL as arguments and one line per ref on
stdin: ``<local ref> <local sha> <remote ref> <remote sha>``. pre-commit (stage pre-push)
passes no stdin but sets ``PRE_COMMIT_TO_REF`` (the commit pushed). Every pushed commit is
checked as the pull request's check will judge it: its changes against the course
repository's default branch (found among the remotes by ``checker.upstream``: a fork's
``upstream``, never its stale ``main``), or ``--base``. A commit that changes nothing there, and
a deletion, are let through; a commit that needs fixing (or that cannot be checked) refuses the
push, saying how to push anyway, and whether the pull request's check will say the same.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.upstream import Base

ZERO = "0" * 40


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "pre-push", help="the pre-push hook's check (reads the pushed refs on stdin)",
        description="Check every commit a push sends, as git passes the refs to a pre-push "
        "hook on stdin (or pre-commit in PRE_COMMIT_TO_REF). Exit 1 refuses the push.")
    p.add_argument("remote", nargs="?", help="the remote's name (from git)")
    p.add_argument("url", nargs="?", help="the remote's URL (from git)")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.add_argument("--base",
                   help="the branch pull requests go to (default: the course repository's "
                        "default branch, found among the remotes as `check` finds it)")
    p.set_defaults(run=run)


def pushed_commits(stdin_text: str, env_to_ref: str | None) -> list[tuple[str, str]]:
    """(ref, sha) of each commit the push sends; deletions (all-zero sha) are skipped."""
    if env_to_ref:
        return [(env_to_ref, env_to_ref)]
    out = []
    for line in stdin_text.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[1] != ZERO:
            out.append((parts[0], parts[1]))
    return out


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from pathlib import Path

    from checker import gitio
    from checker.cli import main
    from checker.upstream import Base

    root = Path(args.root)
    commits = pushed_commits("" if os.environ.get("PRE_COMMIT_TO_REF") else sys.stdin.read(),
                             os.environ.get("PRE_COMMIT_TO_REF"))
    if not commits:
        return 0
    if args.base:
        found = Base(args.base, args.base)
    else:
        from checker.config import load_course
        from checker.upstream import local_base

        found = local_base(root, load_course(root).repository)
    for note in found.notes:
        print(f"submission checker: {note}", file=sys.stderr)
    base = gitio.resolve_commit(root, found.rev)
    worst = 0
    for ref, sha in commits:
        if not gitio.changed_between(root, base, sha):
            continue  # nothing of this push differs from the base: nothing to judge
        print(f"submission checker: checking {ref} ({sha[:12]}) against {found.label}",
              file=sys.stderr)
        code = main(["check", "--root", str(root), "--base", base, "--head", sha])
        worst = max(worst, code)
    if worst:
        print(refusal(found), file=sys.stderr)
        return 1
    return 0


def refusal(found: Base) -> str:
    """Why the push is refused, and whether the pull request's check will say the same: only
    when the base is the course repository's branch as the remote has it now."""
    text = ("push refused by the submission checker: fix what is listed above, commit, and push "
            "again (`git push --no-verify` pushes anyway")
    if found.stale:
        return (text + "). But your copy of the course repository's branch is out of date, so "
                "files other groups merged since may be counted as yours: run "
                f"`{found.stale}` first and push again.")
    if found.verified:
        return (text + "; the pull request's check will say the same: it compares with the "
                "same commit of the course repository).")
    return (text + f"; the pull request's check compares with the course repository's default "
            f"branch, and says the same when {found.label} is up to date with it).")
