"""Read a pull request's receipts: the runs of ``.github/workflows/receipt.yml``.

GitHub creates one run of the receipt workflow for every push to a pull request (``opened``,
``synchronize``, ``reopened``), whatever becomes of the checker's own run (cancelled, replaced
while pending, failed, or waiting for a first-time contributor's approval). A run's
``created_at`` is GitHub's time of receipt and its ``head_sha`` the PR head it received:
server-side facts the student cannot set (commit dates can be set to anything).

Only runs that belong to this pull request are receipts: event ``pull_request``, the PR's head
branch *and* head repository (a fork's branch of the same name, or the same commit pushed to
another pull request, lends nothing), and, when GitHub lists the run's pull requests, this one.

Plain ``urllib`` rather than PyGithub: the check job reads one paginated list, and its install
set need not carry the GitHub client (nor pay for importing it). Bounded: at most
``MAX_PAGES`` pages of 100 runs, each answer at most ``MAX_PAGE_BYTES``, ``TIMEOUT`` seconds
per request. Any failure raises ``ReceiptsUnavailable``; the caller falls back, never crashes.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from checker.timeutil import parse_instant

if TYPE_CHECKING:
    from checker.event import PullRequestEvent

RECEIPT_WORKFLOW = "receipt.yml"
RECEIPT_PATH = f".github/workflows/{RECEIPT_WORKFLOW}"  # a run's `path` (GitHub may add @ref)
PER_PAGE = 100
MAX_PAGES = 10  # GitHub answers at most 1,000 runs for a filtered list
MAX_PAGE_BYTES = 8 * 1024 * 1024
TIMEOUT = 20
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_NEXT = re.compile(r'<([^<>]+)>;\s*rel="next"')


class ReceiptsUnavailable(Exception):
    """The receipts could not be read (outage, permissions, an answer not in GitHub's shape)."""


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


def read_receipts(api_url: str, token: str, pull: PullRef) -> list[Receipt]:
    """Every receipt of ``pull``, oldest first. Raises ReceiptsUnavailable."""
    query = urllib.parse.urlencode({"event": "pull_request", "branch": pull.head_ref,
                                    "per_page": PER_PAGE})
    base = f"{api_url.rstrip('/')}/repos/{pull.repo}/actions"
    try:
        return _list(f"{base}/workflows/{RECEIPT_WORKFLOW}/runs?{query}", token, api_url, pull)
    except _NotFound:
        # GitHub answers 404 for a workflow it does not know (receipt.yml not yet on the
        # default branch): the repository's runs, keeping those of receipt.yml
        return _list(f"{base}/runs?{query}", token, api_url, pull)


def fetch_receipts(event: PullRequestEvent, token: str) -> list[Receipt]:
    """The receipts of the pull request of ``event``, read with ``token`` from the API named by
    GITHUB_API_URL (GITHUB_REPOSITORY names the course repository). Raises
    ReceiptsUnavailable."""
    repo = os.environ.get("GITHUB_REPOSITORY") or event.repo
    api_url = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    if not (repo and event.head_ref and event.head_repo):
        raise ReceiptsUnavailable("the event does not name the pull request's head branch and "
                                  "repository")
    return read_receipts(api_url, token, PullRef(repo, event.number, event.head_ref,
                                                 event.head_repo))


class _NotFound(ReceiptsUnavailable):
    pass


def _list(url: str | None, token: str, api_url: str, pull: PullRef) -> list[Receipt]:
    out: list[Receipt] = []
    for _ in range(MAX_PAGES):
        if url is None:
            break
        data, url = _get(url, token, api_url)
        runs = data.get("workflow_runs") if isinstance(data, dict) else None
        if not isinstance(runs, list):
            raise ReceiptsUnavailable("the answer has no `workflow_runs` list")
        out.extend(r for run in runs if (r := _receipt(run, pull)) is not None)
    return sorted(out, key=lambda r: (r.received_at, r.run_id))


def _get(url: str, token: str, api_url: str) -> tuple[Any, str | None]:
    target, api = urllib.parse.urlsplit(url), urllib.parse.urlsplit(api_url)
    if target.scheme not in ("http", "https") or (target.scheme, target.netloc) != (
            api.scheme, api.netloc):
        raise ReceiptsUnavailable("the page is not on the API's host")
    req = urllib.request.Request(url, headers={
        "Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "submission-checker"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            raw = resp.read(MAX_PAGE_BYTES + 1)
            link = resp.headers.get("Link") or ""
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise _NotFound("GitHub answered HTTP 404") from None
        raise ReceiptsUnavailable(f"GitHub answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ReceiptsUnavailable(f"GitHub could not be reached ({type(exc).__name__})") from None
    if len(raw) > MAX_PAGE_BYTES:
        raise ReceiptsUnavailable("the answer is too large")
    try:
        data = json.loads(raw)
    except ValueError:
        raise ReceiptsUnavailable("the answer is not JSON") from None
    m = _NEXT.search(link)
    return data, (m.group(1) if m else None)


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


# The receipts as a file: the `check` job reads them in a step of its own (the only one holding
# the token) and hands them to `check --receipts FILE`, so the step that parses submitted files
# holds no token at all. ``unavailable`` carries why they could not be read, if so.
RECEIPTS_FILE_MAX_BYTES = 4 * 1024 * 1024


def dump_receipts(receipts: list[Receipt] | None, unavailable: str | None) -> str:
    """The file ``receipts`` writes: JSON, oldest receipt first."""
    return json.dumps({
        "receipts": [{"head_sha": r.head_sha, "received_at": r.received_at.isoformat(),
                      "run_id": r.run_id} for r in receipts or []],
        "unavailable": unavailable,
    }, indent=1) + "\n"


def load_receipts(text: str) -> list[Receipt]:
    """The receipts of a file written by ``dump_receipts``. Raises ReceiptsUnavailable when it
    says they could not be read, or is not in that shape (nothing in it is taken on trust)."""
    try:
        data = json.loads(text)
    except ValueError:
        raise ReceiptsUnavailable("the receipts file is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("receipts"), list):
        raise ReceiptsUnavailable("the receipts file has no `receipts` list")
    if data.get("unavailable") is not None:
        raise ReceiptsUnavailable(str(data["unavailable"])[:300])
    out: list[Receipt] = []
    for item in data["receipts"]:
        sha = item.get("head_sha") if isinstance(item, dict) else None
        run_id = item.get("run_id") if isinstance(item, dict) else None
        when = item.get("received_at") if isinstance(item, dict) else None
        if (not isinstance(sha, str) or not _SHA.fullmatch(sha) or not isinstance(when, str)
                or not isinstance(run_id, int) or isinstance(run_id, bool)):
            raise ReceiptsUnavailable("the receipts file holds an entry not in its shape")
        try:
            out.append(Receipt(sha, parse_instant(when), run_id))
        except ValueError:
            raise ReceiptsUnavailable("the receipts file holds a time not in ISO 8601") from None
    return sorted(out, key=lambda r: (r.received_at, r.run_id))
