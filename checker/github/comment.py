"""The one PR comment: find it, create or edit it, and keep the hidden history state in it.

The comment is ours only if it carries ``MARKER`` *and* was written by the token's own user
(``bot_login``; for the Actions token ``github-actions[bot]``, which cannot call ``GET /user``).
A comment by anyone else that contains the marker, or a state block in it, is ignored.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from github.Issue import Issue
from github.IssueComment import IssueComment

from checker.github.client import Session, Uncertain
from checker.github.history import State, dump_state, parse_state

MARKER = "<!-- submission-checker:comment v1 -->"
_STATE = re.compile(r"^<!-- submission-checker:state ([A-Za-z0-9+/=]{1,60000}) -->$", re.M)
GITHUB_MAX_BODY = 65536
MAX_STATE_CHARS = 40000


@dataclass
class Outcome:
    action: str  # "created" | "edited" | "unchanged"
    comment_id: int
    url: str


def encode_state(state: State) -> str:
    raw = json.dumps(dump_state(state), separators=(",", ":"), sort_keys=True).encode()
    return f"<!-- submission-checker:state {base64.b64encode(raw).decode()} -->"


def fit_state(state: State, first: list[str], max_chars: int = MAX_STATE_CHARS) -> State:
    """The largest part of ``state`` whose encoding fits: ``first`` paths, then newest."""
    if len(encode_state(state)) <= max_chars:
        return state
    rank = {p: i for i, p in enumerate(first)}
    order = sorted(state, key=lambda p: (rank.get(p, len(rank)),
                                         [-ord(c) for c in max(state[p].values(), default="")]))
    lo, hi = 0, len(order)
    while lo < hi:  # binary search the number of paths that fit
        mid = (lo + hi + 1) // 2
        if len(encode_state({p: state[p] for p in order[:mid]})) <= max_chars:
            lo = mid
        else:
            hi = mid - 1
    return {p: state[p] for p in order[:lo]}


def decode_state(body: str) -> State:
    m = _STATE.search(body or "")
    if m is None:
        return {}
    try:
        return parse_state(json.loads(base64.b64decode(m.group(1), validate=True)))
    except (ValueError, binascii.Error):
        return {}


def compose(markdown: str, state: State) -> str:
    """Marker + visible report + hidden state (the caller keeps the total under the limit)."""
    return f"{MARKER}\n{markdown.rstrip()}\n\n{encode_state(state)}\n"


def is_ours(comment: Any, bot_login: str) -> bool:
    user = getattr(comment, "user", None)
    login = getattr(user, "login", None) if user is not None else None
    body = getattr(comment, "body", None) or ""
    return (isinstance(login, str) and login.casefold() == bot_login.casefold()
            and body.startswith(MARKER))


def find_own(session: Session, issue: Issue, bot_login: str) -> IssueComment | None:
    comments = session.call("list the PR comments", lambda: list(issue.get_comments()))
    ours = [c for c in comments if is_ours(c, bot_login)]
    return min(ours, key=lambda c: c.id) if ours else None


def upsert(session: Session, issue: Issue, body: str, bot_login: str,
           existing: IssueComment | None) -> Outcome:
    """Edit our comment in place, or create it; never post it twice."""
    if len(body) > GITHUB_MAX_BODY:
        raise ValueError(f"comment body of {len(body)} characters is over GitHub's limit")
    if existing is not None:
        return _edit(session, existing, body)
    for attempt in range(1, session.policy.max_attempts + 1):
        try:
            created = session.call("create the PR comment", lambda: issue.create_comment(body),
                                   idempotent=False)
            return Outcome("created", created.id, created.html_url)
        except Uncertain as e:
            if attempt == session.policy.max_attempts:
                from checker.github.client import PublishError
                raise PublishError(f"could not create the PR comment: {e.detail}") from None
            wait = session._backoff(attempt)
            session.sleep(wait)
            session.waited += wait
            found = find_own(session, issue, bot_login)
            if found is not None:
                session.log("github: the comment was created after all; not posting it again")
                return _edit(session, found, body)
    raise AssertionError("unreachable")


def _edit(session: Session, comment: IssueComment, body: str) -> Outcome:
    if comment.body == body:
        return Outcome("unchanged", comment.id, comment.html_url)
    session.call("edit the PR comment", lambda: comment.edit(body))
    return Outcome("edited", comment.id, comment.html_url)
