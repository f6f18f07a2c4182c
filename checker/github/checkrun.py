"""The verdict as a check run named ``submission-checker`` on the PR head (Checks API).

Created with the workflow's token, the check run belongs to the GitHub Actions app, so a
ruleset can require ``submission-checker`` from that app alone (a commit status, which anyone
with write access can set, is only kept when the course asks: ``publish --commit-status``).
Its output carries the verdict (conclusion and title), the comment's summary and one annotation
per problem (error or warning) on its file. GitHub takes at most 50 annotations per request:
the first 50 come with the create request, the rest in PATCH requests of 50 that append them.

Conclusions: ``success`` (nothing to fix), ``failure`` (problems to fix, or the checker itself
failed: the title says which; never green without a verdict).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from github.CheckRun import CheckRun
from github.Repository import Repository

from checker.github.client import Session, create_once
from checker.report.markdown import escape, late_note, render_markdown

NAME = "submission-checker"
MAX_ANNOTATIONS_PER_REQUEST = 50  # GitHub's limit per create/update request
MAX_ANNOTATIONS = 1000  # beyond this the summary still lists everything
MAX_TITLE = 255
MAX_SUMMARY = 60000  # GitHub allows 65,535 characters
MAX_MESSAGE = 4000  # annotation message (GitHub allows 64 KB)
LEVEL = {"error": "failure", "warning": "warning"}
_CONTROL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


def plain(text: object, limit: int) -> str:
    """Untrusted text for an annotation (shown by GitHub as plain text): no control or
    bidirectional characters, bounded."""
    s = _CONTROL.sub(" ", str(text))
    return s if len(s) <= limit else s[: limit - 1] + "…"


def problem_annotations(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One annotation per problem (error or warning) on the file it is about."""
    out: list[dict[str, Any]] = []
    for f in result.get("files", []):
        for x in f.get("findings", []):
            level = LEVEL.get(x.get("severity", ""))
            if level is None:
                continue
            line = x.get("line") if isinstance(x.get("line"), int) and x["line"] > 0 else 1
            hint = x.get("hint") or ""
            out.append({
                "path": f["path"], "start_line": line, "end_line": line,
                "annotation_level": level,
                "title": plain(f"{x.get('rule', '')}", MAX_TITLE),
                "message": plain(x.get("message", "") + (f"\n{hint}" if hint else ""),
                                 MAX_MESSAGE),
            })
    return out


def verdict(result: dict[str, Any] | None) -> tuple[str, str]:
    """(conclusion, title) for a result; None means the checker itself failed."""
    if result is None:
        return "failure", "The checker failed: not a verdict on this submission"
    errors = int(result["counts"]["error"])
    note = late_note(result)
    note = f"; {note}" if note else ""
    if errors:
        return "failure", f"{errors} problem{'s' if errors != 1 else ''} to fix{note}"
    return "success", f"All checks passed{note}"


def summary(result: dict[str, Any] | None, failure: str | None, run_url: str | None,
            note: str | None = None) -> str:
    head = f"> {note}\n\n" if note else ""
    if result is None:
        return head + ("The checker could not finish, so nothing was judged. Course staff can "
                       "see why in the workflow run and re-run it.\n\n"
                       f"Reason: {escape(failure or 'unknown', 300)}\n")
    return head + render_markdown(result, run_url=run_url, max_chars=MAX_SUMMARY - len(head))


def publish_check_run(session: Session, repo: Repository, sha: str,
                      result: dict[str, Any] | None, *, failure: str | None,
                      run_url: str | None, note: str | None = None) -> tuple[int, int]:
    """Create the completed check run on ``sha``; (check run id, annotations sent)."""
    conclusion, title = verdict(result)
    notes = problem_annotations(result) if result is not None else []
    kept = notes[:MAX_ANNOTATIONS]
    text = summary(result, failure, run_url, note)
    if len(kept) < len(notes):
        text += (f"\n\n{len(notes) - len(kept)} more problems are not shown as annotations; "
                 "the report above lists them.\n")
    output: dict[str, Any] = {"title": title[:MAX_TITLE], "summary": text,
                              "annotations": kept[:MAX_ANNOTATIONS_PER_REQUEST]}
    kwargs: dict[str, Any] = {"status": "completed", "conclusion": conclusion,
                              "completed_at": datetime.now(timezone.utc), "output": output}
    if run_url:
        kwargs["details_url"] = run_url
    run = _create(session, repo, sha, kwargs)
    for start in range(MAX_ANNOTATIONS_PER_REQUEST, len(kept), MAX_ANNOTATIONS_PER_REQUEST):
        batch = kept[start:start + MAX_ANNOTATIONS_PER_REQUEST]
        more = {"title": output["title"], "summary": text, "annotations": batch}
        session.call(f"add annotations {start + 1}-{start + len(batch)} to the check run",
                     lambda more=more: run.edit(output=more))  # type: ignore[misc]
    return run.id, len(kept)


def _create(session: Session, repo: Repository, sha: str, kwargs: dict[str, Any]) -> CheckRun:
    """Create the check run once: after an uncertain failure, look for it (by its
    ``external_id``) before trying again."""
    external_id = f"{sha[:12]}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}"
    commit = repo.get_commit(sha)  # lazy: no request

    def find() -> CheckRun | None:
        runs = session.call("list the commit's check runs", lambda: [
            r for r in commit.get_check_runs(check_name=NAME) if r.external_id == external_id])
        return runs[0] if runs else None

    return create_once(session, "create the check run", lambda: repo.create_check_run(
        NAME, sha, external_id=external_id, **kwargs), find)[0]
