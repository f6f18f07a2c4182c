"""GitHub's push log of one branch: the REST "list repository activities" endpoint.

``GET /repos/{owner}/{repo}/activity?ref=refs/heads/BRANCH`` lists every push, force-push and
branch creation with GitHub's own ``timestamp`` and the commit the branch then pointed to
(``after``). Nobody can edit or delete an entry, and a force-push is an entry of its own: the
commit it replaced stays in the log (``before``), with the time it was received.

The log only covers a repository's own branches. A pull request from a fork is pushed to in
the fork, so its pushes are in the *fork's* log (read through the head repository); whether
that log can be read depends on the token (a private fork: not with the course workflow's
token). ``docs/record.md`` says how the push log and the receipt runs combine.

Bounded like the receipts: at most ``MAX_PAGES`` pages of 100 entries; more raises
``Unavailable`` (a truncated log is reported, never read as complete).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from checker.github.rest import Unavailable, get_json
from checker.timeutil import parse_instant

PER_PAGE = 100
MAX_PAGES = 20
# every activity after which the branch points at ``after``, a commit GitHub received
RECEIVING = frozenset({"push", "force_push", "branch_creation", "pr_merge", "merge_queue_merge"})
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")


@dataclass(frozen=True)
class Push:
    head_sha: str  # ``after``: the commit the branch pointed to once GitHub received the push
    received_at: datetime  # GitHub's ``timestamp`` of the push
    activity_id: int
    kind: str  # push, force_push, branch_creation, ...
    before: str | None = None  # the commit it replaced (a force-push's is kept by GitHub too)
    ref: str = ""  # refs/heads/BRANCH


def read_pushes(api_url: str, token: str, repo: str, branch: str | None, *,
                max_pages: int = MAX_PAGES) -> list[Push]:
    """Every push to ``branch`` of ``repo`` (OWNER/NAME), or to any branch when ``branch`` is
    None, oldest first. Raises Unavailable."""
    if not _REPO.fullmatch(repo) or branch == "":
        raise Unavailable("no repository and branch to read the push log of")
    ref = f"refs/heads/{branch}" if branch is not None else None
    query = urllib.parse.urlencode({**({"ref": ref} if ref else {}), "per_page": PER_PAGE})
    url: str | None = f"{api_url.rstrip('/')}/repos/{repo}/activity?{query}"
    out: list[Push] = []
    for _ in range(max_pages):
        if url is None:
            break
        data, url = get_json(url, token, api_url)
        if not isinstance(data, list):
            raise Unavailable("the push log is not a list of activities")
        out.extend(p for item in data if (p := _push(item, ref)) is not None)
    else:
        if url is not None:
            raise Unavailable(f"the push log of {branch or repo!r} has more than "
                              f"{max_pages * PER_PAGE} entries (truncated)")
    return sorted(out, key=lambda p: (p.received_at, p.activity_id))


def _push(item: Any, ref: str | None) -> Push | None:
    """An activity (of ``ref``, if given) that left a received commit at a branch's tip ->
    Push, else None."""
    if not isinstance(item, dict) or not isinstance(item.get("ref"), str):
        return None
    if (ref is not None and item["ref"] != ref) or not item["ref"].startswith("refs/heads/"):
        return None
    kind, after, when, aid = (item.get(k) for k in ("activity_type", "after", "timestamp", "id"))
    if kind not in RECEIVING or not isinstance(after, str) or not _SHA.fullmatch(after):
        return None
    if set(after) == {"0"} or not isinstance(when, str):
        return None
    if not isinstance(aid, int) or isinstance(aid, bool):
        return None
    try:
        at = parse_instant(when)
    except ValueError:
        return None
    before = item.get("before")
    return Push(after, at, aid, str(kind),
                before if isinstance(before, str) and _SHA.fullmatch(before) else None,
                item["ref"])
