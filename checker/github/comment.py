"""The one PR comment: find it, create or edit it, and keep the hidden record in it.

The comment is ours only if it carries ``MARKER`` on its first line *and* was written by the
token's own user (``bot_login``; for the Actions token ``github-actions[bot]``, which cannot
call ``GET /user``). A comment by anyone else that contains the marker, or a state block in
it, is ignored; in our own comment the state is read only at its fixed place at the end
(``checker.trailer``), never from the first match anywhere in the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from github.Issue import Issue
from github.IssueComment import IssueComment

from checker import trailer
from checker.github.client import Session, create_once
from checker.github.history import State, dump_state, parse_state
from checker.trailer import CheckMark

MARKER = "<!-- submission-checker:comment v1 -->"
GITHUB_MAX_BODY = 65536
MAX_STATE_CHARS = 40000


@dataclass
class Outcome:
    action: str  # "created" | "edited" | "unchanged"
    comment_id: int
    url: str


def encode_state(state: State, mark: CheckMark | None = None) -> str:
    return trailer.encode("state", {**dump_state(state), **(mark or CheckMark()).to_json()})


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
    """The history state from the state block at its fixed place (``trailer``), else empty."""
    return parse_state(trailer.state_payload(body))


def decode_mark(body: str) -> CheckMark:
    return trailer.decode_mark(body)


def files_line(body: str) -> str | None:
    """The files block line at its fixed place, kept verbatim when a check fails."""
    return trailer.lines(body)[1]


def compose(markdown: str, state: State, mark: CheckMark | None = None,
            files: str | None = None) -> str:
    """Marker + visible report + hidden state (+ files block): the fixed layout of ``trailer``.

    The caller keeps the total under GitHub's limit.
    """
    tail = f"{encode_state(state, mark)}\n" + (f"{files}\n" if files else "")
    return f"{MARKER}\n{markdown.rstrip()}\n\n{tail}"


def is_ours(comment: Any, bot_login: str) -> bool:
    user = getattr(comment, "user", None)
    login = getattr(user, "login", None) if user is not None else None
    body = getattr(comment, "body", None) or ""
    return (isinstance(login, str) and login.casefold() == bot_login.casefold()
            and body.split("\n", 1)[0].rstrip("\r") == MARKER)


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
    made, new = create_once(session, "create the PR comment",
                            lambda: issue.create_comment(body),
                            lambda: find_own(session, issue, bot_login))
    return Outcome("created", made.id, made.html_url) if new else _edit(session, made, body)


def _edit(session: Session, comment: IssueComment, body: str) -> Outcome:
    if comment.body == body:
        return Outcome("unchanged", comment.id, comment.html_url)
    session.call("edit the PR comment", lambda: comment.edit(body))
    return Outcome("edited", comment.id, comment.html_url)
