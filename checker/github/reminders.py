"""Keep the reminder issues (the API edge): find each by its marker, create or edit it.

Only issues written by the bot login whose body carries the reminder marker are ours; an issue
by anyone else with the same marker is ignored. A create that may have happened (5xx, dropped
connection) is never repeated blindly: the issues are listed again first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from checker.github.client import PublishError, Session, Uncertain
from checker.github.pulls import Progress, pages
from checker.staff.remind import Reminder, key_in


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def own_issues(session: Session, repo: Any, bot_login: str) -> dict[str, Any]:
    items = pages(session, "the bot's issues", repo.get_issues(state="all", creator=bot_login),
                  Progress())
    out: dict[str, Any] = {}
    for issue in sorted(items, key=lambda i: i.number):
        login = getattr(issue.user, "login", None)
        key = key_in(issue.body)
        if key and isinstance(login, str) and login.casefold() == bot_login.casefold():
            out.setdefault(key, issue)  # the first one is the one; never a second
    return out


def apply(session: Session, repo: Any, bot_login: str, reminders: list[Reminder],
          existing: dict[str, Any]) -> Outcome:
    done = Outcome()
    for r in reminders:
        issue = existing.get(r.key)
        if issue is None:
            issue = _create(session, repo, bot_login, r)
            if issue is None:
                done.created.append(r.key)
                continue
        if issue.body == r.body and issue.title == r.title:
            done.unchanged.append(r.key)
            continue
        session.call(f"edit the reminder issue #{issue.number}",
                     partial(issue.edit, title=r.title, body=r.body))
        done.edited.append(r.key)
    return done


def _create(session: Session, repo: Any, bot_login: str, r: Reminder) -> Any:
    """None when created; the issue when it turned out to exist already (then edit it)."""
    for _attempt in range(2):
        try:
            session.call(f"open the reminder issue {r.key}",
                         lambda: repo.create_issue(title=r.title, body=r.body), idempotent=False)
            return None
        except Uncertain:
            found = own_issues(session, repo, bot_login).get(r.key)
            if found is not None:
                session.log(f"github: the reminder {r.key} was created after all")
                return found
    raise PublishError(f"could not open the reminder issue {r.key}")
