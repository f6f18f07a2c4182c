"""Turn a (validated) result into the few GitHub API calls: check run, comment, labels.

Steady state (comment exists, labels right): read the PR head, list comments, edit comment
(skipped when unchanged), list PR labels, create the check run (+ the commit status when the
course keeps it).

The record never regresses:

- a result for a commit that is no longer the PR's head (a re-run of an older run, a run
  delayed behind a newer push) sets that commit's own check run (and status) and nothing else;
- a failed check (``result is None``) keeps the previous per-file record (history state and
  files block, verbatim), marks it unverified in the state block (``complete: false``),
  removes ``checks-passed`` and ``on-time`` and sets the error verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from github import Github

from checker.github import checkrun, comment, labels, status
from checker.github.client import Session
from checker.github.history import apply_history, record_history
from checker.report.markdown import escape, render_markdown
from checker.staff.records import files_block
from checker.trailer import CheckMark

# a failed check leaves every label as it was except these, which would claim a verdict
CLAIMS = ("checks-passed", "on-time")


@dataclass
class Report:
    state: str = ""
    description: str = ""
    conclusion: str = ""
    check_run: int | None = None
    annotations: int = 0
    stale: str | None = None  # the PR's current head, when the result is for another commit
    comment: comment.Outcome | None = None
    labels: labels.LabelChange = field(default_factory=labels.LabelChange)
    requests: int = 0


def failure_markdown(reason: str, run_url: str | None) -> str:
    link = f"[the workflow run]({run_url})" if run_url else "the workflow run"
    return (
        "### ⚠️ Submission check: the checker itself failed\n\n"
        "This is not a verdict on your submission: the checker could not finish, so nothing "
        f"was judged. Course staff can see why in {link} and re-run it; you do not need to "
        "push again. What was recorded from the last completed check is kept.\n\n"
        f"<sub>reason: {escape(reason, 300)}</sub>\n"
    )


def current_head(session: Session, gh: Github, repo_name: str, pr: int) -> str:
    repo = gh.get_repo(repo_name)  # lazy: no request
    return session.call("read the pull request", lambda: str(repo.get_pull(pr).head.sha))


def publish(session: Session, gh: Github, repo_name: str, pr: int, sha: str,
            result: dict[str, Any] | None, *, bot_login: str, run_url: str | None,
            failure: str | None = None, commit_status: bool = False) -> Report:
    """Publish ``result`` (or, when it is None, that the checker failed because ``failure``)."""
    report = Report()
    repo = gh.get_repo(repo_name)  # lazy: no request
    head = current_head(session, gh, repo_name, pr)
    if head != sha:
        report.stale = head
        note = (f"This result is for commit {sha[:12]}, which is no longer the head of pull "
                f"request #{pr} (now {head[:12]}): the comment and labels follow the newest "
                "head and were left alone.")
        _verdict(session, repo, sha, result, failure, run_url, commit_status, report, note)
        report.requests = session.calls
        return report
    issue = repo.get_issue(pr)  # lazy: no request
    own = comment.find_own(session, issue, bot_login)
    previous = comment.decode_state(own.body) if own is not None else {}
    if result is None:
        before = comment.decode_mark(own.body) if own is not None else CheckMark()
        mark = CheckMark(before.record_head, sha, False)
        kept = comment.files_line(own.body) if own is not None else None
        body = comment.compose(failure_markdown(failure or "unknown", run_url), previous, mark,
                               kept)
    else:
        result = apply_history(result, previous)
        state = comment.fit_state(record_history(result, previous),
                                  [f["path"] for f in result["files"]])
        mark = CheckMark(sha, sha, True)
        hidden = comment.encode_state(state, mark)
        # per-file outcome (errors, pages) for the gradebook, next to the history state
        files = files_block(result)
        room = comment.GITHUB_MAX_BODY - len(hidden) - len(files) - len(comment.MARKER) - 200
        body = comment.compose(render_markdown(result, run_url=run_url, max_chars=room),
                               state, mark, files)
    report.comment = comment.upsert(session, issue, body, bot_login, own)
    if result is not None:
        report.labels = labels.sync(session, repo, issue, labels.desired(result))
    else:
        report.labels = labels.withdraw(session, issue, CLAIMS)
    _verdict(session, repo, sha, result, failure, run_url, commit_status, report)
    report.requests = session.calls
    return report


def withdraw_stale(session: Session, gh: Github, repo_name: str, pr: int, sha: str, *,
                   bot_login: str) -> labels.LabelChange | None:
    """At the start of a run for ``sha``: remove the claims (``on-time``, ``checks-passed``) the
    PR carries from an older head, so they never outlive it when this run cannot publish.

    Nothing happens for a run that is not for the PR's current head (a re-run of an older
    push), nor when the last completed record is already this head's. Returns the change, or
    None when nothing was to be done.
    """
    if current_head(session, gh, repo_name, pr) != sha:
        return None
    issue = gh.get_repo(repo_name).get_issue(pr)  # lazy: no request
    own = comment.find_own(session, issue, bot_login)
    mark = comment.decode_mark(own.body) if own is not None else CheckMark()
    if mark.complete and mark.record_head == sha:
        return None  # confirmed for this very head: nothing is stale
    return labels.withdraw(session, issue, CLAIMS)


def _verdict(session: Session, repo: Any, sha: str, result: dict[str, Any] | None,
             failure: str | None, run_url: str | None, commit_status: bool, report: Report,
             note: str | None = None) -> None:
    report.conclusion = checkrun.verdict(result)[0]
    report.check_run, report.annotations = checkrun.publish_check_run(
        session, repo, sha, result, failure=failure, run_url=run_url, note=note)
    report.state, report.description = status.describe(result)
    if commit_status:
        status.set_status(session, repo, sha, report.state, report.description, run_url)
