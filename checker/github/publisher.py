"""Turn a (validated) result into the few GitHub API calls: comment, labels, status.

Steady state (comment exists, labels right): list comments, edit comment (skipped when the
body is unchanged), list PR labels, set status: at most 4 requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from github import Github

from checker.github import comment, labels, status
from checker.github.client import Session
from checker.github.history import apply_history, record_history
from checker.report.markdown import render_markdown
from checker.staff.records import files_block


@dataclass
class Report:
    state: str = ""
    description: str = ""
    comment: comment.Outcome | None = None
    labels: labels.LabelChange = field(default_factory=labels.LabelChange)
    requests: int = 0


def failure_markdown(reason: str, run_url: str | None) -> str:
    link = f"[the workflow run]({run_url})" if run_url else "the workflow run"
    return (
        "### ⚠️ Submission check: the checker itself failed\n\n"
        "This is not a verdict on your submission: the checker could not finish, so nothing "
        f"was judged. Course staff can see why in {link} and re-run it; you do not need to "
        "push again.\n\n"
        f"<sub>reason: {reason}</sub>\n"
    )


def publish(session: Session, gh: Github, repo_name: str, pr: int, sha: str,
            result: dict[str, Any] | None, *, bot_login: str, run_url: str | None,
            failure: str | None = None) -> Report:
    """Publish ``result`` (or, when it is None, that the checker failed because ``failure``)."""
    report = Report()
    repo = gh.get_repo(repo_name)  # lazy: no request
    issue = repo.get_issue(pr)  # lazy: no request
    own = comment.find_own(session, issue, bot_login)
    previous = comment.decode_state(own.body) if own is not None else {}
    if result is None:
        body = comment.compose(failure_markdown(failure or "unknown", run_url), previous)
        report.state, report.description = status.describe(None)
    else:
        result = apply_history(result, previous)
        state = comment.fit_state(record_history(result, previous),
                                  [f["path"] for f in result["files"]])
        hidden = comment.encode_state(state)
        # per-file outcome (errors, pages) for the gradebook, next to the history state
        files = files_block(result)
        room = comment.GITHUB_MAX_BODY - len(hidden) - len(files) - len(comment.MARKER) - 200
        body = comment.compose(render_markdown(result, run_url=run_url, max_chars=room),
                               state) + files + "\n"
        report.state, report.description = status.describe(result)
    report.comment = comment.upsert(session, issue, body, bot_login, own)
    if result is not None:  # a failed checker leaves the labels as they were
        report.labels = labels.sync(session, repo, issue, labels.desired(result))
    status.set_status(session, repo, sha, report.state, report.description, run_url)
    report.requests = session.calls
    return report
