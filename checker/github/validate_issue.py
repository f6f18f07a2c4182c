"""One issue for staff that says whether the course configuration on main is valid (API edge).

The ``validate`` workflow (``.github/workflows/validate.yml``) runs ``validate --issue`` on
every push to the default branch. While ``validate`` finds problems (a student claimed by two
groups, a schedule that does not load, ...), one issue lists them, edited in place when they
change and reopened if it was closed; when ``validate`` passes again, that issue says so and is
closed. Only issues the bot opened, whose body starts with the marker, are ours: never a second
one, never anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from checker.github.client import PublishError, Session, Uncertain
from checker.github.pulls import Progress, pages
from checker.report.markdown import escape

MARKER = "<!-- submission-checker:validate -->"
TITLE = "Course configuration: `validate` finds problems on the default branch"
MAX_LINES = 200


@dataclass(frozen=True)
class Outcome:
    action: str  # created, edited, reopened, closed, unchanged, none
    number: int | None = None


def body_for(lines: list[str], ok: bool, commit: str | None) -> str:
    at = f" as of commit {escape(commit[:12], 20)}" if commit else ""
    if ok:
        return (f"{MARKER}\n### ✅ `validate` passes again{at}\n\nNothing to do: schedule.yaml "
                "and every group declaration are valid. This issue reopens if that changes.\n")
    shown = lines[:MAX_LINES]
    more = (f"\n…and {len(lines) - MAX_LINES} more: run `python -m checker validate` to see "
            "all.\n" if len(lines) > MAX_LINES else "")
    items = "\n".join(f"- {escape(x, 1000)}" for x in shown)
    # no commit here: an unchanged list of problems leaves the issue untouched
    return (f"{MARKER}\n### ⚠️ `python -m checker validate` finds problems\n\n{items}\n{more}\n"
            "Fix them on the default branch (edit `schedule.yaml`, or the group declarations "
            "under `submissions/`; a student belongs to one group only). This issue is updated "
            "on every push and closes itself once `validate` passes.\n")


def find_own(session: Session, repo: Any, bot_login: str) -> Any:
    items = pages(session, "the bot's issues", repo.get_issues(state="all", creator=bot_login),
                  Progress())
    for issue in sorted(items, key=lambda i: i.number):  # the first one is the one
        login = getattr(issue.user, "login", None)
        if (isinstance(login, str) and login.casefold() == bot_login.casefold()
                and (issue.body or "").startswith(MARKER + "\n")
                and getattr(issue, "pull_request", None) is None):
            return issue
    return None


def sync(session: Session, repo: Any, bot_login: str, lines: list[str], ok: bool,
         commit: str | None) -> Outcome:
    issue = find_own(session, repo, bot_login)
    body = body_for(lines, ok, commit)
    if ok:
        if issue is None or issue.state == "closed":
            return Outcome("none", issue.number if issue is not None else None)
        session.call(f"close the validate issue #{issue.number}",
                     partial(issue.edit, body=body, state="closed"))
        return Outcome("closed", issue.number)
    if issue is None:
        return _create(session, repo, bot_login, body)
    if issue.state == "open" and issue.body == body:
        return Outcome("unchanged", issue.number)
    action = "reopened" if issue.state == "closed" else "edited"
    session.call(f"update the validate issue #{issue.number}",
                 partial(issue.edit, title=TITLE, body=body, state="open"))
    return Outcome(action, issue.number)


def _create(session: Session, repo: Any, bot_login: str, body: str) -> Outcome:
    for _attempt in range(2):
        try:
            issue = session.call("open the validate issue",
                                 lambda: repo.create_issue(title=TITLE, body=body),
                                 idempotent=False)
            return Outcome("created", issue.number)
        except Uncertain:
            found = find_own(session, repo, bot_login)
            if found is not None:  # it was created after all
                session.call(f"update the validate issue #{found.number}",
                             partial(found.edit, title=TITLE, body=body, state="open"))
                return Outcome("edited", found.number)
    raise PublishError("could not open the validate issue")
