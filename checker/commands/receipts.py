"""``receipts``: GitHub's receipts of a pull request's pushes, written to a file for ``check``.

The ``check`` job reads them in a step of its own, the only step of that job holding the
(read-only) token, and hands the file to ``check --receipts FILE``: the step that parses
submitted files then holds no token at all, so even a parser taken over by a hostile file
finds none in its process or its parent's environment. Receipts that cannot be read are
written as such (the check then says ``receipt.unavailable``); this command does not fail
for them.
"""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "receipts", help="read GitHub's receipts of a PR's pushes into a file for check (CI)",
        description="With GITHUB_TOKEN (and GITHUB_API_URL, GITHUB_REPOSITORY) set, list the "
        "runs of receipt.yml for the pull request of --event and write them to --output, for "
        "`check --receipts FILE`.")
    p.add_argument("--event", required=True,
                   help="the pull_request event payload (GITHUB_EVENT_PATH)")
    p.add_argument("--output", required=True, help="the JSON file to write")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from checker.commands.output import emit
    from checker.errors import UsageError
    from checker.event import read_event
    from checker.github.receipts import ReceiptsUnavailable, dump_receipts, fetch_receipts

    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        raise UsageError("receipts: GITHUB_TOKEN is not set (the workflow passes the job's "
                         "read-only token; `actions: read` lets it list the receipt runs)")
    event = read_event(Path(args.event))
    try:
        receipts, unavailable = fetch_receipts(event, token), None
    except ReceiptsUnavailable as exc:
        receipts, unavailable = None, str(exc)
    emit(dump_receipts(receipts, unavailable), args.output)
    if unavailable:
        print(f"receipts: could not be read ({unavailable}); the check will say "
              "receipt.unavailable")
    else:
        print(f"receipts: {len(receipts or [])} receipt(s) of pull request #{event.number}")
    return 0
