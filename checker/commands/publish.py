"""``publish``: report a check result on the pull request (check run, comment, labels).

Runs in the workflow's ``publish`` job, which holds the write token and parses no submitted
file: its only input is the result JSON from the ``check`` job, validated against the schema
before use (``checker.result.load_result``) and matched against the event the run is for. A
missing, invalid or mismatched result, or a check job that crashed, is published as "the
checker failed" (a red ``submission-checker`` check run and a comment saying so), and the
per-file record of the last completed check is kept: never silence, never green.
PyGithub is imported inside ``run`` only, so other commands start fast.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.errors import UsageError
from checker.result import load_result, parse_time
from checker.sources import WRONG_BASE

DEFAULT_BOT = "github-actions[bot]"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "publish",
        help="publish a check result on the pull request (check run, comment, labels)",
        description="Publish RESULT.json (written by `check --format json`) on the pull request: "
        "the `submission-checker` check run with annotations on the PR head, one comment kept "
        "up to date and the checker's labels. Reads GITHUB_TOKEN and GITHUB_API_URL (default "
        "https://api.github.com).",
    )
    p.add_argument("result", metavar="RESULT.json", nargs="?",
                   help="the check result; missing or invalid means the checker failed "
                   "(required, except with --withdraw-stale)")
    p.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY"),
                   help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    p.add_argument("--pr", type=int, required=True, help="pull request number")
    p.add_argument("--sha", help="PR head commit the result is for (default: the event's, "
                   "else the result's head_sha)")
    p.add_argument("--event", default=os.environ.get("GITHUB_EVENT_PATH") or None,
                   metavar="FILE", help="the pull_request event this run is for (default: "
                   "$GITHUB_EVENT_PATH); the result's pr, head_sha and submitted_at must match "
                   "it. In CI ($GITHUB_ACTIONS) it is required and a null is a mismatch.")
    p.add_argument("--check-exit-code", default=None,
                   help="exit code of the check step: 0 or 1 is a verdict, anything else (or "
                   "empty) means the checker failed. Without it (by hand) the verdict is the "
                   "result's own.")
    p.add_argument("--commit-status", action="store_true",
                   help="also set the `submission-checker` commit status (off by default: "
                   "anyone with write access can set a status; the check run cannot be forged)")
    p.add_argument("--bot-login", default=DEFAULT_BOT,
                   help=f"login the token comments as (default: {DEFAULT_BOT}); only its "
                   "comment with the checker's marker is ever edited or trusted")
    p.add_argument("--run-url", help="link for the check run and comment (default: this run, "
                   "from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID)")
    p.add_argument("--withdraw-stale", action="store_true",
                   help="only remove the on-time and checks-passed labels when the checker's "
                   "last completed record is for another head than --sha (the start of a run, "
                   "so that claims never outlive their head when this run cannot publish); "
                   "RESULT.json is not read")
    p.set_defaults(run=run)


def mismatch(result: dict[str, Any], pr: int, sha: str | None, event: Any,
             strict: bool) -> str | None:
    """Why ``result`` is not the result this run is for (None if it is).

    ``strict`` (in CI): a result without a PR number or head commit is refused too.
    """
    for key, what, want in (("pr", "pull request", pr), ("head_sha", "head commit", sha)):
        got = result.get(key)
        if got is None:
            if strict:
                return f"the result names no {what} (in CI it must name the event's)"
        elif want is not None and got != want:
            return f"the result is for a different {what}"
    if event is not None:
        at = parse_time(result.get("submitted_at"))
        if at is None or at != event.submitted_at:
            return "the result's submission time is not the event's"
        says = any(isinstance(x, dict) and x.get("rule") == WRONG_BASE
                   for x in result.get("findings", []))
        if says != event.wrong_base:  # only the default branch judges: the result must agree
            return ("the result does not say that the pull request targets another branch"
                    if event.wrong_base else "the result says the pull request targets another "
                    "branch, and the event does not")
    return None


def run_url_from_env() -> str | None:
    server, repo, run_id = (os.environ.get(k) for k in
                            ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    if server and repo and run_id and re.fullmatch(r"\d+", run_id):
        return f"{server.rstrip('/')}/{repo}/actions/runs/{run_id}"
    return None


def run(args: argparse.Namespace) -> int:
    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        raise UsageError("GITHUB_TOKEN is not set")
    if not args.repo or not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", args.repo):
        raise UsageError("--repo OWNER/NAME is required (or GITHUB_REPOSITORY)")
    if args.pr < 1:
        raise UsageError("--pr must be a pull request number")
    if args.sha is not None and not re.fullmatch(r"[0-9a-f]{40}(?:[0-9a-f]{24})?", args.sha):
        raise UsageError("--sha must be a full commit SHA")
    ci = os.environ.get("GITHUB_ACTIONS") == "true"
    event = None
    if args.event:
        from checker.event import read_event

        event = read_event(Path(args.event))
        if event.number != args.pr:
            raise UsageError(f"--pr {args.pr} is not the event's pull request #{event.number}")
        if args.sha and args.sha != event.head_sha:
            raise UsageError("--sha is not the event's head commit")
    elif ci:
        raise UsageError("in CI, publish needs the event it runs for: GITHUB_EVENT_PATH "
                         "(or --event FILE)")
    api_url = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    run_url = args.run_url or run_url_from_env()
    if args.withdraw_stale:
        return withdraw(args, token, api_url, args.sha or (event.head_sha if event else None))

    if args.result is None:
        raise UsageError("RESULT.json is required (the check result to publish)")
    result, failure = load_result(Path(args.result))
    sha = args.sha or (event.head_sha if event else None)
    code = None if args.check_exit_code is None else str(args.check_exit_code).strip()
    if code is not None and code not in ("0", "1"):
        result, failure = None, (f"the check step ended with exit code {code[:40]}" if code
                                 else "the check job did not finish")
    elif result is not None:
        problem = mismatch(result, args.pr, sha, event, ci)
        if problem is None and code is not None and (result["verdict"] == "fail") != (
                code == "1"):
            problem = "the result's verdict does not match the check's exit code"
        if problem:
            result, failure = None, problem
        else:
            sha = sha or result["head_sha"]
    if not sha:
        raise UsageError("no head commit: pass --sha (the result has no head_sha)")

    from checker.github.client import Session, connect
    from checker.github.publisher import publish

    gh = connect(token, api_url)
    session = Session(gh)
    budget = os.environ.get("PUBLISH_RETRY_BUDGET", "")  # seconds of waiting allowed (300)
    if budget:
        try:
            session.policy.budget_seconds = max(0.0, float(budget))
        except ValueError:
            raise UsageError("PUBLISH_RETRY_BUDGET must be a number of seconds") from None
    report = publish(session, gh, args.repo, args.pr, sha, result, bot_login=args.bot_login,
                     run_url=run_url, failure=failure, commit_status=args.commit_status)
    if report.stale:
        print(f"publish: commit {sha} is no longer the head of #{args.pr} (now {report.stale}):"
              f" only its own check run{' and status' if args.commit_status else ''} "
              f"({report.conclusion}) were set; the comment and labels were left alone; "
              f"{report.requests} API requests")
    else:
        assert report.comment is not None
        print(f"publish: check run {report.conclusion} ({report.annotations} annotations); "
              f"comment {report.comment.action}; labels +{report.labels.added} "
              f"-{report.labels.removed}; {report.requests} API requests")
    if failure:
        print(f"publish: the checker failed: {failure}", file=sys.stderr)
        return 1
    return 0


def withdraw(args: argparse.Namespace, token: str, api_url: str, sha: str | None) -> int:
    if not sha:
        raise UsageError("--withdraw-stale needs the head commit: --sha or the event")
    from checker.github.client import Session, connect
    from checker.github.publisher import withdraw_stale

    gh = connect(token, api_url)
    session = Session(gh)
    change = withdraw_stale(session, gh, args.repo, args.pr, sha, bot_login=args.bot_login)
    if change is None:
        print(f"publish: nothing stale on #{args.pr} for {sha[:12]} ({session.calls} API "
              "requests)")
    else:
        print(f"publish: the last record of #{args.pr} is not for {sha[:12]}: removed "
              f"{change.removed or 'no'} claim label(s) until this head is checked "
              f"({session.calls} API requests)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry (``python -m checker.commands.publish``), same error boundary."""
    from checker.errors import CheckerError

    parser = argparse.ArgumentParser(prog="python -m checker")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["publish", *(argv if argv is not None else sys.argv[1:])])
    try:
        return int(args.run(args))
    except CheckerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
