"""``publish``: report a check result on the pull request (comment, labels, commit status).

Runs in the workflow's ``publish`` job, which holds the write token and parses no submitted
file: its only input is the result JSON from the ``check`` job, validated against the schema
before use. A missing or invalid result, or a check job that crashed, is published as an
``error`` status and a comment saying the checker failed: never silence, never green.
PyGithub is imported inside ``run`` only, so other commands start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from checker.errors import UsageError

DEFAULT_BOT = "github-actions[bot]"
MAX_RESULT_BYTES = 20 * 1024 * 1024


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "publish",
        help="publish a check result on the pull request (comment, labels, status)",
        description="Publish RESULT.json (written by `check --format json`) on the pull request: "
        "one comment kept up to date, the checker's labels and the `submission-checker` commit "
        "status. Reads GITHUB_TOKEN and GITHUB_API_URL (default https://api.github.com).",
    )
    p.add_argument("result", metavar="RESULT.json",
                   help="the check result; missing or invalid means the checker failed")
    p.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY"),
                   help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    p.add_argument("--pr", type=int, required=True, help="pull request number")
    p.add_argument("--sha", help="PR head commit from the event (default: the result's head_sha)")
    p.add_argument("--check-exit-code", default="",
                   help="exit code of the check step: 0 or 1 is a verdict, anything else (or "
                   "empty) means the checker failed")
    p.add_argument("--bot-login", default=DEFAULT_BOT,
                   help=f"login the token comments as (default: {DEFAULT_BOT}); only its "
                   "comment with the checker's marker is ever edited or trusted")
    p.add_argument("--run-url", help="link for the status and comment (default: this run, from "
                   "GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID)")
    p.set_defaults(run=run)


def load_result(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(result, None) if the file is a schema-valid result, else (None, why not)."""
    from jsonschema import Draft202012Validator

    try:
        if path.stat().st_size > MAX_RESULT_BYTES:
            return None, "the result file is too large"
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "the check job produced no result"
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"the result file is not valid JSON ({type(exc).__name__})"
    schema = json.loads(resources.files("checker").joinpath("schemas/result.schema.json")
                        .read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: e.path)
    if errors:
        where = "/".join(map(str, errors[0].absolute_path)) or "(top)"
        return None, (f"the result does not match its schema ({len(errors)} errors, first at "
                      f"{where})")
    from checker.report.markdown import parse_time

    times = [data["submitted_at"], *(f["due"] for f in data["files"] if f["due"])]
    if any(parse_time(t) is None for t in times):
        return None, "the result has a time without a UTC offset"
    return data, None


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
    if args.sha is not None and not re.fullmatch(r"[0-9a-f]{40,64}", args.sha):
        raise UsageError("--sha must be a full commit SHA")
    api_url = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    run_url = args.run_url or run_url_from_env()

    result, failure = load_result(Path(args.result))
    code = str(args.check_exit_code).strip()
    if code not in ("0", "1"):
        result, failure = None, (f"the check step ended with exit code {code}" if code
                                 else "the check job did not finish")
    elif result is not None:
        if result["pr"] not in (None, args.pr):
            result, failure = None, "the result is for a different pull request"
        elif args.sha and result["head_sha"] not in (None, args.sha):
            result, failure = None, "the result is for a different commit"
        elif (result["verdict"] == "fail") != (code == "1"):
            result, failure = None, "the result's verdict does not match the check's exit code"
    sha = args.sha or (result or {}).get("head_sha")
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
                     run_url=run_url, failure=failure)
    assert report.comment is not None
    print(f"publish: status {report.state} ({report.description}); comment "
          f"{report.comment.action}; labels +{report.labels.added} -{report.labels.removed}; "
          f"{report.requests} API requests")
    if failure:
        print(f"publish: the checker failed: {failure}", file=sys.stderr)
        return 1
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
