"""Not a command: the record rebuilt from GitHub's own facts, for ``gradebook --recheck``.

What it reads, and nothing else (``docs/record.md``):

- the pull requests as GitHub lists them: number, author, base and head (branch, repository,
  commit), when opened, open / closed / merged;
- GitHub's record of when it received each push: the receipt runs of ``receipt.yml`` (one
  listing for the whole course), the push log of the course repository and of each fork a pull
  request comes from;
- the commits, by id, from ``origin`` (every pull request's head, and every commit the record
  names: a force-push cannot take an on-time version away);
- the checker, ``schedule.yaml`` and the group declarations of this checkout (the default
  branch).

It never reads a comment, a label, a check run or a commit status: state a bot or a student
wrote. Each pull request into the default branch is judged again by the trusted checker
exactly as the ``check`` job judges it (``checker.commands.check.judge_pull``); the rows built
from those results are compared with the rows built from the bot's comments
(``checker.staff.recheck``). The comment stays the students' view and a cache; this is the
authority. It composes ``checker.github`` (the API edge) with the pure staff view, like
``checker.commands.course_state``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from checker import gitio
from checker.errors import CheckerError
from checker.event import PullRequestEvent
from checker.github import sources as src
from checker.github.pushlog import Push, read_pushes
from checker.github.receipts import EPOCH, PullRef, ReceiptsUnavailable, list_runs, receipts_of
from checker.github.rest import Unavailable
from checker.model import Course, Roster
from checker.received import combine
from checker.staff.records import PullInfo, PullRecord, files_payload, parse_files
from checker.trailer import CheckMark


@dataclass
class Rebuilt:
    pulls: list[PullRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # sources or PRs not read in full
    judged: int = 0  # pull requests judged again


def rebuild(root: Path, course: Course, roster: Roster, pulls: list[PullInfo], repo: str,
            api_url: str, token: str, *, now: datetime | None = None,
            remote: str = "origin", into: str = "refs/checker/pull",
            log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> Rebuilt:
    """Every pull request into the default branch judged again from GitHub's facts.
    ``remote``: where git fetches ``repo``'s commits (``origin``, or a group repository's URL
    in a ``private`` course), its pull requests' heads kept under ``into``."""
    out = Rebuilt()
    wanted = [p for p in pulls if not p.wrong_base and not p.abandoned and p.head_sha]
    if not wanted:
        return out
    since = min((p.opened_at for p in wanted if p.opened_at), default=EPOCH)
    runs: list[Any] = []
    unread: list[str] = []  # the receipt runs, when they could not be listed in full
    try:
        runs = list_runs(api_url, token, repo, since - timedelta(minutes=1), now=now)
    except ReceiptsUnavailable as exc:
        unread.append(f"{src.RECEIPTS}: {exc}")
    logs = _PushLogs(api_url, token, repo)
    if not gitio.fetch_pull_heads(root, token, remote=remote, into=into):
        out.problems.append(f"git could not fetch the pull requests' heads of {repo}")
    named: dict[int, src.Sources] = {}
    for info in wanted:
        pushes, problems = logs.of(info)
        named[info.number] = src.Sources(receipts_of(runs, _pull_ref(info, repo)), pushes,
                                         [*unread, *problems])
    every = sorted({s for f in named.values() for s in f.shas()}
                   | {p.head_sha for p in wanted if p.head_sha})
    missing = set(gitio.fetch_commits(root, every, token, limit=len(every) + 1, remote=remote))
    log(f"recheck: {repo}: {len(wanted)} pull requests, {len(runs)} receipt runs, "
        f"{sum(len(f.pushes) for f in named.values())} pushes, {len(missing)} commit(s) "
        "missing")
    for info in wanted:
        found = named[info.number]
        found.unfetched = sorted(missing & set(found.shas()))
        try:
            out.pulls.append(_judge(root, course, roster, info, repo, found))
            out.judged += 1
        except CheckerError as exc:
            out.problems.append(f"{repo}#{info.number} could not be judged again: {exc}")
        out.problems += [p for p in found.problems if p not in out.problems]
    return out


def rebuild_org(root: Path, course: Course, roster: Roster, by_group: dict[str, list[PullInfo]],
                api_url: str, token: str, server_url: str, *, now: datetime | None = None,
                log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> Rebuilt:
    """``rebuild`` for a ``private`` course: each group repository's pull requests judged again
    from that repository's own facts (its receipt runs and push log; its commits fetched by id
    from ``SERVER_URL/OWNER/NAME.git`` into ``root``, under refs of the group's own), by the
    checker, ``schedule.yaml`` and roster of ``root`` (the staff's checkout), never the group's.
    From a group's repository only what it may hold counts, as in the staff views."""
    from checker.github.orgread import own_files, owned

    out = Rebuilt()
    for group, pulls in sorted(by_group.items()):
        full = course.repository_of(group)
        if full is None:
            continue
        done = rebuild(root, course, roster, pulls, full, api_url, token, now=now,
                       remote=f"{server_url.rstrip('/')}/{full}.git",
                       into=f"refs/checker/groups/{group}/pull", log=log)
        out.pulls += own_files(done.pulls, owned(course, roster, group))
        out.problems += done.problems
        out.judged += done.judged
    return out


def _pull_ref(info: PullInfo, repo: str) -> PullRef:
    return PullRef(repo, info.number, info.head_ref or "", info.head_repo or "", info.opened_at)


class _PushLogs:
    """The course repository's push log (one listing), and each fork's, per branch."""

    def __init__(self, api_url: str, token: str, repo: str) -> None:
        self.api_url, self.token, self.repo = api_url, token, repo
        self.course: list[Push] | None = None
        self.problem: str | None = None

    def of(self, info: PullInfo) -> tuple[list[Push], list[str]]:
        if not info.head_repo or not info.head_ref:
            return [], [f"{src.PUSH_LOG} of #{info.number}: its head repository is gone"]
        ref = f"refs/heads/{info.head_ref}"
        if info.head_repo.casefold() != self.repo.casefold():
            try:
                return read_pushes(self.api_url, self.token, info.head_repo, info.head_ref), []
            except Unavailable as exc:
                return [], [f"{src.PUSH_LOG} of {info.head_repo} ({info.head_ref}): {exc}"]
        if self.course is None and self.problem is None:
            try:
                self.course = read_pushes(self.api_url, self.token, self.repo, None,
                                          max_pages=500)
            except Unavailable as exc:
                self.problem = f"{src.PUSH_LOG} of {self.repo}: {exc}"
        if self.problem is not None:
            return [], [self.problem]
        return [p for p in self.course or [] if p.ref == ref], []


def _judge(root: Path, course: Course, roster: Roster, info: PullInfo, repo: str,
           found: src.Sources) -> PullRecord:
    """One pull request judged by the trusted checker from its received versions."""
    from checker.commands.check import judge_pull

    assert info.head_sha is not None and info.base_sha is not None
    record_ = combine(found.receipts, found.pushes, info.opened_at)
    heads = [r.received_at for r in record_ if r.head_sha == info.head_sha]
    if heads:
        at = heads[0]  # when GitHub first had the head: the check ran for that push
    else:  # no entry names the head: the PR's last update is the latest it can have come
        at = info.updated_at or datetime.now(timezone.utc)
        found.problems.append(f"{src.RECEIPTS}: no entry of GitHub's record names the head "
                              f"commit {info.head_sha[:12]} of #{info.number}")
    event = PullRequestEvent(
        info.author, info.number, info.head_sha, info.base_sha, at, head_ref=info.head_ref,
        head_repo=info.head_repo, repo=repo, opened_at=info.opened_at, base_ref=info.base_ref,
        default_branch=info.default_branch)
    result = judge_pull(root, course, event, found, roster).to_json()
    files = parse_files(files_payload(result)) or ()
    # labels are state a bot wrote: the rebuilt record carries none
    return PullRecord(replace(info, labels=()), files,
                      CheckMark(info.head_sha, info.head_sha, True))
