"""``needs``: what the check of a change needs installed, as ``key=value`` lines for CI.

The ``check`` job asks this before checking (``>> "$GITHUB_OUTPUT"``) and installs LibreOffice
only when the pull request carries a DOCX: its page count is exact only once LibreOffice lays
it out, and the runner image does not ship it. Only file names are read (git's diff).

``--blobs FILE`` also writes the ids of the changed files' contents that the repository does not
hold (CI's blobless partial clone holds none), one a line, for the job to fetch in one request
with its read-only token; the check step, which has no token, then finds them all.
"""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "needs", help="what a check of a change needs installed (LibreOffice for a DOCX), for CI",
        description="Print key=value lines: libreoffice=true when the change carries a DOCX "
        "file (its exact page count needs LibreOffice), docx=N the number of DOCX files.")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.add_argument("--base", default="origin/main", help="base commit (default: origin/main)")
    p.add_argument("--head", required=True, help="the pull request's head commit")
    p.add_argument("--blobs", metavar="FILE",
                   help="write the ids of the changed files' contents this partial clone does "
                        "not hold (one a line; empty in a full clone), for `git fetch --stdin`")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from checker import gitio
    from checker.engine import MAX_FILES

    root = Path(args.root)
    head = gitio.resolve_commit(root, args.head)
    entries = gitio.changed_between(root, gitio.resolve_commit(root, args.base),
                                    head)[:MAX_FILES]
    if args.blobs:
        shas = sorted({e.blob_sha for e in entries if e.blob_sha and e.kind == "file"})
        missing = gitio.missing_blobs(root, head, shas) if gitio.promisor_remote(root) else []
        Path(args.blobs).write_text("".join(f"{sha}\n" for sha in missing), encoding="ascii")
    docx = sum(1 for e in entries if not e.removed and e.path.lower().endswith(".docx"))
    print(f"libreoffice={'true' if docx else 'false'}")
    print(f"docx={docx}")
    return 0
