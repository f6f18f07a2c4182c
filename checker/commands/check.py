"""``check``: judge the files a pull request adds or changes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import UsageError

if TYPE_CHECKING:
    from checker.collect import Source
    from checker.engine import Change, Submission
    from checker.event import PullRequestEvent
    from checker.findings import Finding
    from checker.github.sources import Sources
    from checker.model import Course, Roster
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
    p.add_argument("--base",
                   help="branch or commit to compare with when no PATH is given (default: the "
                        "course repository's default branch: the remote whose URL is "
                        "schedule.yaml's repository, else `upstream`, else `origin`)")
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
    from checker.collect import Source, changes_from_git, changes_from_paths
    from checker.commands.output import emit
    from checker.config import load_course
    from checker.engine import Submission
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
        base_label = args.base or "the course repository's branch"
        base_sha = None  # looked up below, only when a group.yaml is among the files
    else:
        base = args.base or (event.base_sha if event else None)
        if base is None:  # a student's machine: the course repository's branch, fresh or not
            from checker.upstream import local_base

            found = local_base(root, course.repository)
            base, base_label = found.rev, found.label
            for note in found.notes:
                print(note, file=sys.stderr)
        else:
            base_label = base
        if head:
            head, base_sha = gitio.resolve_commits(root, [head, base])
        else:
            base_sha = gitio.resolve_commit(root, base)
        changes = changes_from_git(root, base_sha, head)
        source = Source(root, from_git=head is not None, head=head)
    # a local check of a commit: git looks for uncommitted files while the files are read
    unpushed_later = local.not_pushed_later(root, course) if head and event is None else list
    if args.paths and local.changed_declarations(course, [c.path for c in changes]):
        base_sha = local.optional_commit(root, args.base or local.course_ref(root, course))
    # topology: private: the group is the one whose repository the event names
    group = topology.repository_group(course, event.repo) if event else None
    if group is not None:
        course, roster = topology.group_course_and_roster(root, course, group, base_sha)
    else:
        roster = base_roster(root, course, base_sha, changes)
    author = args.author or (event.author if event else None)
    if not author:
        author, how = local.author_from_git(root, course)
        print(f"author: {author} ({how}; --author LOGIN to choose another)", file=sys.stderr)
    from checker.model import is_login

    if not is_login(author.removesuffix("[bot]")):  # in full: "ada\n" is no login
        raise UsageError(f"{author!r} is not a GitHub login (letters, digits and hyphens, at "
                         "most 39)")
    if group is not None:
        roster = topology.grant_author(roster, course, group, author)
    received = (Dating() if event is None or not head
                else receipt_times(root, event, changes, at, args.receipts))
    submission = Submission(
        author=author,
        at=at.astimezone(course.timezone),
        changes=changes,
        pr=event.number if event else None,
        head_sha=head or (event.head_sha if event else None),
        received=received.times,
        versions=received.versions,
        ci=event is not None,
        uncertain=received.uncertain,
    )
    result = judge(course, roster, submission, source, received, event)
    unpushed = unpushed_later()
    if unpushed:
        result.findings.append(local.not_pushed_finding(unpushed, f"the check read commit "
                                                                  f"{head[:12] if head else ''}"))
    nothing = not changes and event is None
    if nothing and args.format == "text":
        emit(local.nothing_to_check(base_label, head, unpushed), args.output)
    else:
        emit(render(result, args.format), args.output)
    if args.json_output:
        emit(render(result, "json"), args.json_output)
    return 1 if result.verdict == "fail" or nothing else 0


def base_roster(root: Path, course: Course, base_sha: str | None,
                changes: list[Change]) -> Roster:
    """The groups as the base branch declares them. A group.yaml the change touches is judged
    as a change (group.* findings), never read as the base branch's declaration: the base
    roster takes the base commit's version of it."""
    from checker import local
    from checker.config import load_roster

    changed = local.changed_declarations(course, [c.path for c in changes])
    roster, problems = load_roster(root, course, instead=(
        local.base_declarations(root, base_sha, changed) if changed and base_sha else None))
    if problems:
        raise UsageError("the group declarations on the base branch are invalid (run `python -m "
                         "checker validate`):\n  " + "\n  ".join(map(str, problems)))
    return roster


def judge(course: Course, roster: Roster, submission: Submission, source: Source,
          received: Dating, event: PullRequestEvent | None) -> Result:
    """The rules on the read files, with what GitHub's record and the event add."""
    from checker.collect import read_contents
    from checker.engine import evaluate

    result = evaluate(course, roster, submission,
                      read_contents(course, source, submission.changes))
    if received.note is not None and (not received.note_if_unverified or any(
            f.status == "unverified" for f in result.files)):
        result.findings.append(received.note)
    if event is not None and event.wrong_base:
        result.findings.insert(0, wrong_base(event.base_ref or "", event.default_branch or ""))
    return result


def judge_pull(root: Path, course: Course, event: PullRequestEvent, found: Sources,
               roster: Roster | None = None) -> Result:
    """What the check job decides for ``event`` (its head, base and author, received at
    ``event.submitted_at``), with GitHub's record ``found`` already read: the same steps as
    ``check --event``, for ``gradebook --recheck``. ``roster``: the groups of ``root``, read
    once for many pull requests (used when the change touches no group declaration)."""
    from dataclasses import replace

    from checker import gitio, local
    from checker.collect import Source, changes_from_git
    from checker.engine import Submission

    # GitHub's answer names the commits; git takes them only as commits of this repository
    head, base = gitio.resolve_commits(root, [event.head_sha, event.base_sha or ""])
    event = replace(event, head_sha=head, base_sha=base)
    changes = changes_from_git(root, event.base_sha, event.head_sha)
    if roster is None or local.changed_declarations(course, [c.path for c in changes]):
        roster = base_roster(root, course, event.base_sha, changes)
    received = date_from(root, event, changes, event.submitted_at, found)
    submission = Submission(
        author=event.author, at=event.submitted_at.astimezone(course.timezone), changes=changes,
        pr=event.number, head_sha=event.head_sha, received=received.times,
        versions=received.versions, ci=True, uncertain=received.uncertain)
    return judge(course, roster, submission, Source(root, from_git=True, head=event.head_sha),
                 received, event)


def receipt_times(root: Path, event: PullRequestEvent, changes: list[Change], at: datetime,
                  receipts_file: str | None = None) -> Dating:
    """When GitHub first received each changed file, from its own record of the PR's pushes
    (the receipt runs and the push log, CI only): read from ``receipts_file`` (written by the
    ``receipts`` command), else with GITHUB_TOKEN.

    With neither (a student's machine) nothing is read: every file counts from ``at``. A source
    that could not be read in full is reported (``receipt.unavailable``) when it matters, and
    the files it could date too late are ``uncertain``: never counted late on its account.
    """
    # Taken out of the environment before any submitted file is parsed: the workers that parse
    # them never inherit it (it is read-only, but a parser has no use for it).
    token = os.environ.pop("GITHUB_TOKEN", None)
    if not token and receipts_file is None:
        return Dating()
    from checker import gitio
    from checker.github import sources as src
    from checker.github.receipts import ReceiptsUnavailable, api_of_env, pull_of

    if receipts_file is not None:
        try:
            found = src.load(read_receipts_file(Path(receipts_file)))
        except ReceiptsUnavailable as exc:
            found = src.Sources(problems=[f"{src.RECEIPTS}: {exc}"])
        # the file says what its step fetched; what this checkout lacks is looked up here
        found.unfetched = sorted(set(found.unfetched)
                                 | set(gitio.missing_commits(root, found.shas())))
    else:
        try:
            found = src.gather(api_of_env(), token or "", pull_of(event))
        except ReceiptsUnavailable as exc:
            found = src.Sources(problems=[f"{src.RECEIPTS}: {exc}"])
        found.unfetched = gitio.fetch_commits(root, found.shas(), token)  # those still missing
    return date_from(root, event, changes, at, found)


@dataclass
class Dating:
    """What ``check`` learns from GitHub's record: path -> first received, path -> versions,
    the paths it may date too late, and the ``receipt.unavailable`` note if there is one."""

    times: dict[str, datetime] = field(default_factory=dict)
    versions: dict[str, list[Version]] = field(default_factory=dict)
    uncertain: frozenset[str] = frozenset()
    note: Finding | None = None
    note_if_unverified: bool = False  # only the push log was missing: say so only if it mattered


def date_from(root: Path, event: PullRequestEvent, changes: list[Change], at: datetime,
              found: Sources) -> Dating:
    from checker.findings import info
    from checker.received import combine, date_files, git_tree, pr_history, uncertain, versions

    wanted = {c.path: c.blob_sha for c in changes if c.blob_sha and not c.removed}
    record = [r for r in combine(found.receipts, found.pushes, event.opened_at)
              if r.head_sha not in found.unfetched]
    tree = git_tree(root)
    out = Dating(date_files(wanted, record, at, tree), versions(sorted(wanted), record, tree))
    if not (found.problems or found.unfetched):
        return out
    if found.receipts_complete:  # only the push log: a commit no entry names may hide a push
        heads = [event.head_sha, *(r.head_sha for r in record)]
        out.uncertain = frozenset(uncertain(wanted, [r.head_sha for r in record],
                                            pr_history(root, event.base_sha, heads), tree))
        if not out.uncertain:
            return out  # nothing the unread source could show would date a file earlier
        out.note_if_unverified = True
    else:
        out.uncertain = frozenset(wanted)
    why = list(found.problems)
    if found.unfetched:
        why.append(f"{len(found.unfetched)} commit(s) GitHub received could not be fetched by "
                   f"id ({', '.join(s[:12] for s in found.unfetched[:5])})")
    out.note = info(
        "receipt.unavailable",
        "GitHub's record of when it received this pull request's pushes could not be read in "
        f"full ({'; '.join(why)}). A file that would count as late by the part that could be "
        "read is marked unverified, never late; a file on time by it is on time.",
        "Nothing to do for you. Course staff can re-run the check later, or confirm the record "
        "from GitHub's own facts with `python -m checker gradebook --recheck`.")
    return out



def wrong_base(base: str, default: str) -> Finding:
    """Only the course's default branch judges: a PR into any other branch counts for nothing."""
    from checker.findings import error
    from checker.sources import WRONG_BASE

    return error(
        WRONG_BASE,
        f"This pull request targets the branch `{base[:100]}`, not the course's default branch "
        f"`{default[:100]}`. Only pull requests into `{default[:100]}` are submissions: this "
        "one is judged by the default branch's rules for your information, but nothing in it "
        "counts (it is never on time and never passes).",
        f"Change the base branch to `{default[:100]}` (Edit, next to the pull request's "
        "title), or close this pull request and open a new one into it.")


def read_receipts_file(path: Path) -> str:
    """The text of a receipts file; a missing, unreadable or oversized one is unavailable."""
    from checker.github.receipts import ReceiptsUnavailable
    from checker.github.sources import FILE_MAX_BYTES

    try:
        with path.open("rb") as f:
            raw = f.read(FILE_MAX_BYTES + 1)
    except OSError as exc:
        raise ReceiptsUnavailable(f"the receipts file cannot be read: {exc.strerror}") from None
    if len(raw) > FILE_MAX_BYTES:
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
