"""Read a pull request's receipts: the runs of ``.github/workflows/receipt.yml``.

GitHub creates one run of the receipt workflow for every push to a pull request (``opened``,
``synchronize``, ``reopened``), whatever becomes of the checker's own run (cancelled, replaced
while pending, failed, or waiting for a first-time contributor's approval). A run's
``created_at`` is GitHub's time of receipt and its ``head_sha`` the PR head it received:
server-side facts the student cannot set (commit dates can be set to anything).

Only runs that belong to this pull request are receipts: event ``pull_request``, the PR's head
branch *and* head repository (a fork's branch of the same name, or the same commit pushed to
another pull request, lends nothing), and, when GitHub lists the run's pull requests, this one.

Runs are listed by the PR's branch name from the PR's creation on, in time windows that each
hold fewer than the 1,000 runs GitHub answers for a filtered list (another fork's branch of the
same name cannot push this PR's runs out of the list), and kept by head repository and PR.

Plain ``urllib`` (``checker.github.rest``) rather than PyGithub: the check job's install set
need not carry the GitHub client (nor pay for importing it). Bounded: at most
``MAX_REQUESTS`` pages of 100 runs in all. Any failure, or a listing that would need more,
raises ``ReceiptsUnavailable``: reported as such (``receipt.unavailable``), never read as a
complete record.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from checker.github.rest import NotFound, Unavailable, get_json
from checker.timeutil import parse_instant

if TYPE_CHECKING:
    from checker.event import PullRequestEvent

RECEIPT_WORKFLOW = "receipt.yml"
RECEIPT_PATH = f".github/workflows/{RECEIPT_WORKFLOW}"  # a run's `path` (GitHub may add @ref)
PER_PAGE = 100
SEARCH_CAP = 1000  # GitHub answers at most 1,000 runs for each filtered search
MAX_REQUESTS = 60  # pages in all, across the time windows of one pull request's receipts
EPOCH = datetime(2008, 1, 1, tzinfo=timezone.utc)  # before any run GitHub ever created
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


class ReceiptsUnavailable(Unavailable):
    """The receipts could not be read (outage, permissions, an answer not in GitHub's shape,
    or more runs than the bounded listing reads: truncated)."""


@dataclass(frozen=True)
class Receipt:
    head_sha: str
    received_at: datetime  # the run's created_at: when GitHub received this head
    run_id: int


@dataclass(frozen=True)
class PullRef:
    repo: str  # OWNER/NAME of the course repository (where the receipt runs live)
    number: int
    head_ref: str  # the PR's branch name
    head_repo: str  # OWNER/NAME of the repository the branch lives in
    opened_at: datetime | None = None  # GitHub's created_at of the PR: no receipt is older


def read_receipts(api_url: str, token: str, pull: PullRef, *,
                  now: datetime | None = None) -> list[Receipt]:
    """Every receipt of ``pull``, oldest first. Raises ReceiptsUnavailable.

    The runs of the PR's branch name are listed only from the PR's creation on, and in time
    windows of fewer than GitHub's 1,000 results each (halved until they fit): another fork's
    branch of the same name cannot push this PR's receipts out of the list. A listing that
    would need more than ``MAX_REQUESTS`` pages is truncated, and says so.
    """
    lister = _Lister(api_url, token, pull.repo, pull.head_ref)
    lo = (pull.opened_at - timedelta(minutes=1)) if pull.opened_at else EPOCH
    hi = (now or datetime.now(timezone.utc)) + timedelta(days=1)
    try:
        runs = lister.window("workflows/" + RECEIPT_WORKFLOW, lo, hi)
    except NotFound:
        # GitHub answers 404 for a workflow it does not know (receipt.yml not yet on the
        # default branch): the repository's runs, keeping those of receipt.yml
        try:
            runs = lister.window("", lo, hi)
        except NotFound:
            raise ReceiptsUnavailable("GitHub answered HTTP 404") from None
    except Unavailable as exc:
        raise ReceiptsUnavailable(str(exc)) from None
    return receipts_of(runs, pull)


def receipts_of(runs: list[Any], pull: PullRef) -> list[Receipt]:
    """The receipts of ``pull`` among listed runs (any others left out), oldest first."""
    out = {r.run_id: r for run in runs if (r := _receipt(run, pull)) is not None}
    return sorted(out.values(), key=lambda r: (r.received_at, r.run_id))


def list_runs(api_url: str, token: str, repo: str, since: datetime, *,
              now: datetime | None = None, max_requests: int = 2000) -> list[Any]:
    """Every ``pull_request`` run of receipt.yml in ``repo`` created since ``since``, for a
    whole course at once (``receipts_of`` sorts them by pull request). Raises
    ReceiptsUnavailable, also when it would need more than ``max_requests`` pages."""
    lister = _Lister(api_url, token, repo, None, max_requests)
    hi = (now or datetime.now(timezone.utc)) + timedelta(days=1)
    try:
        return lister.window("workflows/" + RECEIPT_WORKFLOW, since, hi)
    except ReceiptsUnavailable:
        raise
    except Unavailable as exc:
        raise ReceiptsUnavailable(str(exc)) from None


def api_of_env() -> str:
    return os.environ.get("GITHUB_API_URL") or "https://api.github.com"


def pull_of(event: PullRequestEvent) -> PullRef:
    repo = os.environ.get("GITHUB_REPOSITORY") or event.repo
    if not (repo and event.head_ref and event.head_repo):
        raise ReceiptsUnavailable("the event does not name the pull request's head branch and "
                                  "repository")
    return PullRef(repo, event.number, event.head_ref, event.head_repo, event.opened_at)


def _stamp(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Lister:
    """The runs of one branch name (or all), window by window, within a budget of requests."""

    def __init__(self, api_url: str, token: str, repo: str, branch: str | None,
                 max_requests: int | None = None) -> None:
        self.api_url, self.token, self.repo, self.branch = api_url, token, repo, branch
        self.max_requests = MAX_REQUESTS if max_requests is None else max_requests
        self.requests = 0
        self.what = f"of the branch {branch!r}" if branch is not None else f"of {repo}"

    def _page(self, url: str) -> tuple[list[Any], int, str | None]:
        if self.requests >= self.max_requests:
            raise ReceiptsUnavailable(
                f"more receipt runs {self.what} than {self.max_requests} pages hold "
                "(truncated)")
        self.requests += 1
        data, nxt = get_json(url, self.token, self.api_url)
        runs = data.get("workflow_runs") if isinstance(data, dict) else None
        total = data.get("total_count") if isinstance(data, dict) else None
        if not isinstance(runs, list) or not isinstance(total, int) or isinstance(total, bool):
            raise ReceiptsUnavailable("the answer has no `workflow_runs` list and count")
        return runs, total, nxt

    def window(self, where: str, lo: datetime, hi: datetime) -> list[Any]:
        """Every run created in [lo, hi] (whole seconds), splitting a window GitHub caps."""
        query = urllib.parse.urlencode({
            "event": "pull_request", **({"branch": self.branch} if self.branch else {}),
            "per_page": PER_PAGE, "created": f"{_stamp(lo)}..{_stamp(hi)}"})
        base = f"{self.api_url.rstrip('/')}/repos/{self.repo}/actions"
        path = f"{base}/{where}/runs" if where else f"{base}/runs"
        runs, total, nxt = self._page(f"{path}?{query}")
        if total >= SEARCH_CAP:
            if hi - lo < timedelta(seconds=2):
                raise ReceiptsUnavailable(
                    f"{total} receipt runs {self.what} within one second, more than GitHub "
                    "lists (truncated)")
            mid = lo + (hi - lo) / 2
            mid = mid.replace(microsecond=0)
            return [*self.window(where, lo, mid), *self.window(where, mid + timedelta(
                seconds=1), hi)]
        out = list(runs)
        while nxt is not None:
            runs, _, nxt = self._page(nxt)
            out.extend(runs)
        if len(out) < total:
            raise ReceiptsUnavailable(f"GitHub listed {len(out)} of {total} receipt runs "
                                      "(truncated)")
        return out


def _receipt(run: Any, pull: PullRef) -> Receipt | None:
    """A run of this pull request -> its receipt; anything else (or malformed) -> None."""
    if not isinstance(run, dict) or run.get("event") != "pull_request":
        return None
    path = run.get("path")
    if not isinstance(path, str) or path.split("@", 1)[0] != RECEIPT_PATH:
        return None  # another workflow's run
    head_repo = run.get("head_repository")
    name = head_repo.get("full_name") if isinstance(head_repo, dict) else None
    if not isinstance(name, str) or name.casefold() != pull.head_repo.casefold():
        return None
    if run.get("head_branch") != pull.head_ref:
        return None
    prs = run.get("pull_requests")
    if isinstance(prs, list) and prs and not any(
            isinstance(p, dict) and p.get("number") == pull.number for p in prs):
        return None  # GitHub says which pull requests the run was for: not this one
    sha, created, run_id = run.get("head_sha"), run.get("created_at"), run.get("id")
    if not isinstance(sha, str) or not _SHA.fullmatch(sha) or not isinstance(created, str):
        return None
    if not isinstance(run_id, int) or isinstance(run_id, bool):
        return None
    try:
        when = parse_instant(created)
    except ValueError:
        return None
    return Receipt(sha, when, run_id)
