"""``receipts``: GitHub's own record of a pull request's pushes, written to a file for ``check``.

The record is the receipt runs of ``receipt.yml`` and the push log of the PR's head branch
(``checker.github.sources``); with ``--root`` every commit either names is fetched by id into
that repository (GitHub serves a commit by its id after a force-push took it off the branch),
so an on-time version cannot be erased. The ``check`` job runs this in a step of its own, the
only step of that job holding the (read-only) token, and hands the file to
``check --receipts FILE``: the step that parses submitted files then holds no token at all, so
even a parser taken over by a hostile file finds none in its process or its parent's
environment. A source that cannot be read is written as such (the check then says
``receipt.unavailable``); this command does not fail for it.
"""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "receipts", help="read GitHub's receipts of a PR's pushes into a file for check (CI)",
        description="With GITHUB_TOKEN (and GITHUB_API_URL, GITHUB_REPOSITORY) set, read GitHub's "
        "record of the pushes to the pull request of --event (the runs of receipt.yml and the "
        "push log of its head branch), fetch every commit it names by id into --root, and "
        "write the record to --output, for `check --receipts FILE`.")
    p.add_argument("--event", required=True,
                   help="the pull_request event payload (GITHUB_EVENT_PATH)")
    p.add_argument("--output", required=True, help="the JSON file to write")
    p.add_argument("--root", help="the repository to fetch the named commits into (from its "
                   "`origin`); without it nothing is fetched")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from checker import gitio
    from checker.commands.output import emit
    from checker.errors import UsageError
    from checker.event import read_event
    from checker.github import sources as src
    from checker.github.receipts import ReceiptsUnavailable, api_of_env, pull_of

    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        raise UsageError("receipts: GITHUB_TOKEN is not set (the workflow passes the job's "
                         "read-only token; `actions: read` lets it list the receipt runs)")
    event = read_event(Path(args.event))
    try:
        found = src.gather(api_of_env(), token, pull_of(event))
    except ReceiptsUnavailable as exc:
        found = src.Sources(problems=[f"{src.RECEIPTS}: {exc}"])
    if args.root:
        found.unfetched = gitio.fetch_commits(Path(args.root), found.shas(), token)
    emit(src.dump(found), args.output)
    print(f"receipts: {len(found.receipts)} receipt run(s) and {len(found.pushes)} push(es) of "
          f"pull request #{event.number}"
          + (f"; {len(found.unfetched)} commit(s) could not be fetched" if found.unfetched
             else ""))
    for problem in found.problems:
        print(f"receipts: not read in full: {problem}")
    return 0
