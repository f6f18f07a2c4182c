"""``check``: judge the files a pull request adds or changes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import UsageError

if TYPE_CHECKING:
    from checker.engine import Change
    from checker.event import PullRequestEvent
    from checker.findings import Finding
    from checker.received import Version
    from checker.result import Result


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check submitted files (exit 0 pass, 1 needs fixing, 2 usage error)",
        description="Check the files a pull request adds or changes. With no PATH, checks what "
        "the current branch changes against --base (or --head against --base).",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="repository-relative paths of changed files, read from --root")
    p.add_argument("--author", help="GitHub login of the person submitting")
    p.add_argument("--at", help="submission time, ISO 8601 with offset (default: now)")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.add_argument("--base", default="origin/main",
                   help="branch or commit to compare with when no PATH is given (default: "
                        "origin/main)")
    p.add_argument("--head", help="commit whose changes to check, read from git objects as data "
                   "(CI); default: the work tree")
    p.add_argument("--event", help="GitHub pull_request event payload (author, PR number, head "
                   "SHA and the server-side submission time come from it)")
    p.add_argument("--format", choices=["text", "json", "markdown", "github"], default="text")
    p.add_argument("--output", help="write the report to FILE instead of stdout")
    p.add_argument("--json", metavar="FILE", dest="json_output",
                   help="also write the result JSON to FILE (one run for a report and a record)")
    p.add_argument("--receipts", metavar="FILE",
                   help="GitHub's receipts of the PR's pushes, as written by `python -m checker "
                        "receipts` (CI: the step that parses files then needs no token); "
                        "default: read them with GITHUB_TOKEN when it is set")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from checker import gitio, local, topology
    from checker.collect import Source, changes_from_git, changes_from_paths, read_contents
    from checker.commands.output import emit
    from checker.config import load_course, load_roster
    from checker.engine import Submission, evaluate
    from checker.event import read_event
    from checker.timeutil import parse_instant

    root = Path(args.root)
    if not root.is_dir():
        raise UsageError(f"--root {root}: not a directory")
    course = load_course(root)
    event = read_event(Path(args.event)) if args.event else None
    if args.at:
        try:
            at = parse_instant(args.at)
        except ValueError as exc:
            raise UsageError(f"--at: {exc}") from None
    elif event:
        at = event.submitted_at
    else:
        at = datetime.now(timezone.utc)
    head = args.head or (event.head_sha if event and not args.paths else None)
    if args.paths:
        if args.head:
            raise UsageError("give PATHs or --head, not both")
        changes = changes_from_paths(root, args.paths)  # head is None: the work tree is read
        source = Source(root, from_git=False)
        base_sha = local.optional_commit(root, args.base)
    else:
        base = event.base_sha if event and args.base == "origin/main" else args.base
        if head:
            head, base_sha = gitio.resolve_commits(root, [head, base])
        else:
            base_sha = gitio.resolve_commit(root, base)
        changes = changes_from_git(root, base_sha, head)
        source = Source(root, from_git=head is not None)
    # a local check of a commit: git looks for uncommitted files while the files are read
    unpushed_later = local.not_pushed_later(root, course) if head and event is None else list
    # A group.yaml the change touches is judged as a change (group.* findings), never read as
    # the base branch's declaration: the base roster takes the base commit's version of it.
    # topology: private: the group is the one whose repository the event names
    group = topology.repository_group(course, event.repo) if event else None
    if group is not None:
        base_roster, problems = topology.group_roster(root, course, group, base_sha)
        granted = os.environ.get(topology.EXTENSIONS_VARIABLE)
        if granted:
            course = topology.with_group_extensions(root, course, group, granted)
    else:
        changed = local.changed_declarations(course, [c.path for c in changes])
        base_roster, problems = load_roster(root, course, instead=(
            local.base_declarations(root, base_sha, changed) if changed and base_sha else None))
    if problems:
        raise UsageError("the group declarations on the base branch are invalid (run `python -m "
                         "checker validate`):\n  " + "\n  ".join(map(str, problems)))
    author = args.author or (event.author if event else None)
    if not author:
        author, how = local.author_from_git(root, course)
        print(f"author: {author} ({how}; --author LOGIN to choose another)", file=sys.stderr)
    from checker.model import is_login

    if not is_login(author.removesuffix("[bot]")):  # in full: "ada\n" is no login
        raise UsageError(f"{author!r} is not a GitHub login (letters, digits and hyphens, at "
                         "most 39)")
    if group is not None:
        base_roster = topology.grant_author(base_roster, course, group, author)
    received, received_versions, unavailable = (
        ({}, {}, None) if event is None or not head
        else receipt_times(root, event, changes, at, args.receipts))
    submission = Submission(
        author=author,
        at=at.astimezone(course.timezone),
        changes=changes,
        pr=event.number if event else None,
        head_sha=head or (event.head_sha if event else None),
        received=received,
        versions=received_versions,
        ci=event is not None,
    )
    contents = read_contents(course, source, changes)
    result = evaluate(course, base_roster, submission, contents)
    if unavailable is not None:
        result.findings.append(unavailable)
    unpushed = unpushed_later()
    if unpushed:
        result.findings.append(local.not_pushed_finding(unpushed, f"the check read commit "
                                                                  f"{head[:12] if head else ''}"))
    nothing = not changes and event is None
    if nothing and args.format == "text":
        emit(local.nothing_to_check(args.base, head, unpushed), args.output)
    else:
        emit(render(result, args.format), args.output)
    if args.json_output:
        emit(render(result, "json"), args.json_output)
    return 1 if result.verdict == "fail" or nothing else 0


def receipt_times(root: Path, event: PullRequestEvent, changes: list[Change], at: datetime,
                  receipts_file: str | None = None
                  ) -> tuple[dict[str, datetime], dict[str, list[Version]], Finding | None]:
    """When GitHub first received each changed file, from the PR's receipt runs (CI only): read
    from ``receipts_file`` (written by the ``receipts`` command), else with GITHUB_TOKEN.

    With neither (a student's machine) nothing is read: every file counts from ``at``.
    When the receipts cannot be read, the same, plus a ``receipt.unavailable`` note: the
    publish job then still counts files from the checker's own record in its comment.
    """
    # Taken out of the environment before any submitted file is parsed: the workers that parse
    # them never inherit it (it is read-only, but a parser has no use for it).
    token = os.environ.pop("GITHUB_TOKEN", None)
    if not token and receipts_file is None:
        return {}, {}, None
    from checker.findings import info
    from checker.github.receipts import ReceiptsUnavailable, fetch_receipts, load_receipts
    from checker.received import date_files, git_tree, versions

    wanted = {c.path: c.blob_sha for c in changes if c.blob_sha and not c.removed}
    try:
        if receipts_file is not None:
            receipts = load_receipts(read_receipts_file(Path(receipts_file)))
        else:
            receipts = fetch_receipts(event, token or "")
    except ReceiptsUnavailable as exc:
        return {}, {}, info(
            "receipt.unavailable",
            f"GitHub's receipts of the pushes to this pull request could not be read ({exc}), "
            "so each file counts from this push, or from an earlier push of the same content "
            "that the checker recorded in its comment.",
            "Nothing to do for you. Course staff can re-run the check later: files are then "
            "dated from GitHub's receipts again.")
    tree = git_tree(root)
    return (date_files(wanted, receipts, at, tree), versions(sorted(wanted), receipts, tree),
            None)


def read_receipts_file(path: Path) -> str:
    """The text of a receipts file; a missing, unreadable or oversized one is unavailable."""
    from checker.github.receipts import RECEIPTS_FILE_MAX_BYTES, ReceiptsUnavailable

    try:
        with path.open("rb") as f:
            raw = f.read(RECEIPTS_FILE_MAX_BYTES + 1)
    except OSError as exc:
        raise ReceiptsUnavailable(f"the receipts file cannot be read: {exc.strerror}") from None
    if len(raw) > RECEIPTS_FILE_MAX_BYTES:
        raise ReceiptsUnavailable("the receipts file is too large")
    return raw.decode("utf-8", errors="replace")


def render(result: Result, fmt: str) -> str:
    data = result.to_json()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        from checker.report.annotations import render_annotations

        return render_annotations(data)
    if fmt == "markdown":
        from checker.report.markdown import render_markdown

        return render_markdown(data)
    from checker.report.text import render_text

    return render_text(data)
