"""publish against the fake GitHub, through the real PyGithub client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_github import ACTIONS_TOKEN, BOT_LOGIN, EXAMPLES, FakeGitHub
from gh_results import HEAD, file_entry, finding, late, recount, result, validate

from checker.commands import publish as publish_cmd
from checker.github import comment, labels
from checker.github.client import PublishError, RetryPolicy, Session, connect
from checker.github.publisher import Report, publish

REPO = "course/seminar"
RUN = "https://github.com/course/seminar/actions/runs/99"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with FakeGitHub() as f:
        f.add_pull(7, author="student1", head_sha=HEAD)
        yield f


class Clock:
    def __init__(self, fake: FakeGitHub) -> None:
        self.now = fake.clock()
        self.slept: list[float] = []

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s

    def __call__(self) -> float:
        return self.now


def run(fake: FakeGitHub, r: dict[str, Any] | None, *, failure: str | None = None,
        clock: Clock | None = None, policy: RetryPolicy | None = None,
        bot: str = BOT_LOGIN) -> Report:
    clock = clock or Clock(fake)
    gh = connect(ACTIONS_TOKEN, fake.url)
    session = Session(gh, policy or RetryPolicy(), sleep=clock.sleep, clock=clock,
                      log=lambda m: None)
    return publish(session, gh, REPO, 7, HEAD, validate(r) if r else None, bot_login=bot,
                   run_url=RUN, failure=failure)


def bot_comments(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [c for c in fake.comments_on(7) if c["user"]["login"] == BOT_LOGIN]


def status_of(fake: FakeGitHub) -> dict[str, Any]:
    return fake.statuses[HEAD][-1]


def test_first_publish_creates_comment_labels_status(fake: FakeGitHub) -> None:
    report = run(fake, result())
    [c] = bot_comments(fake)
    assert c["body"].startswith(comment.MARKER)
    assert "all checks passed" in c["body"].splitlines()[1]
    assert sorted(fake.issue_labels[7]) == ["checks-passed", "deliverable: summary",
                                            "group: g01", "on-time"]
    for name in fake.issue_labels[7]:  # created with our colour and description
        assert fake.labels[name.lower()]["color"] == labels.definition(name)[0]
        assert fake.labels[name.lower()]["description"]
    st = status_of(fake)
    assert (st["state"], st["context"], st["target_url"]) == ("success", "submission-checker", RUN)
    assert report.comment is not None and report.comment.action == "created"
    assert not any(r.path == "/user" for r in fake.log)  # never looks up its own login


def test_steady_state_at_most_six_requests_and_idempotent(fake: FakeGitHub) -> None:
    run(fake, result())
    fake.clear_log()
    before = (dict(fake.comments), list(fake.issue_labels[7]))
    report = run(fake, result())
    methods = [(r.method, r.path.rsplit("/", 2)[-2:][0]) for r in fake.log]
    assert len(fake.log) <= 6, methods
    assert report.requests == len(fake.log) == 3  # list comments, list labels, set status
    assert report.comment is not None and report.comment.action == "unchanged"
    assert (dict(fake.comments), list(fake.issue_labels[7])) == before
    assert [r.method for r in fake.log if r.method != "GET"] == ["POST"]  # the status only


def test_fix_push_edits_comment_and_swaps_labels_keeping_staff_labels(fake: FakeGitHub) -> None:
    bad = result([file_entry(findings=[finding("pages.max", "error", "3 pages", "cut one")])])
    run(fake, bad)
    fake.add_label("graded", "000000")
    fake.issue_labels[7].append("graded")
    assert "needs-fix" in fake.issue_labels[7] and status_of(fake)["state"] == "failure"
    [first] = bot_comments(fake)
    assert "1 problem to fix" in first["body"]
    run(fake, result(submitted_at="2024-09-19T21:00:00+00:00"))
    [c] = bot_comments(fake)
    assert c["id"] == first["id"] and "all checks passed" in c["body"]
    assert "needs-fix" not in fake.issue_labels[7]
    assert {"checks-passed", "graded"} <= set(fake.issue_labels[7])
    assert status_of(fake)["state"] == "success"


def test_late_and_then_back_on_time_label(fake: FakeGitHub) -> None:
    run(fake, result([late(blob="c" * 40)]))
    assert "late" in fake.issue_labels[7] and "on-time" not in fake.issue_labels[7]
    assert "late" in status_of(fake)["description"]
    run(fake, result())
    assert "on-time" in fake.issue_labels[7] and "late" not in fake.issue_labels[7]


def test_history_keeps_content_seen_on_time(fake: FakeGitHub) -> None:
    run(fake, result(submitted_at="2024-09-19T20:00:00+00:00"))  # on time, blob A
    second = result([late(blob="a" * 40), file_entry("submissions/g01/other.pdf", blob="d" * 40)],
                    submitted_at="2024-09-21T20:00:00+00:00")
    run(fake, second)
    [c] = bot_comments(fake)
    assert "late" not in fake.issue_labels[7] and "on-time" in fake.issue_labels[7]
    assert "first pushed 2024\\-09\\-19T20" in c["body"]


def test_forged_state_in_someone_elses_comment_is_ignored(fake: FakeGitHub) -> None:
    forged = comment.compose("fake", {"submissions/g01/summary-2024-09-19.pdf":
                                      {"a" * 40: "2000-01-01T00:00:00Z"}})
    fake.add_comment(7, forged, "student1")
    report = run(fake, result([late()], submitted_at="2024-09-21T20:00:00+00:00"))
    assert report.comment is not None and report.comment.action == "created"
    assert "late" in fake.issue_labels[7]
    assert len(bot_comments(fake)) == 1
    assert fake.comments_on(7)[0]["body"] == forged  # theirs untouched


def test_bot_login_is_configurable(fake: FakeGitHub) -> None:
    fake.tokens[ACTIONS_TOKEN] = "course-bot"
    run(fake, result(), bot="course-bot")
    run(fake, result(), bot="course-bot")
    assert len(fake.comments_on(7)) == 1


def test_checker_failure_is_error_never_silence(fake: FakeGitHub) -> None:
    run(fake, result())
    labels_before = list(fake.issue_labels[7])
    run(fake, None, failure="the check step ended with exit code 3")
    [c] = bot_comments(fake)
    assert "the checker itself failed" in c["body"]
    assert comment.decode_state(c["body"])  # history kept for the next run
    assert status_of(fake)["state"] == "error"
    assert fake.issue_labels[7] == labels_before


def test_502_on_create_that_still_created_is_not_posted_twice(fake: FakeGitHub) -> None:
    fake.inject("POST", r".*/issues/7/comments", 502, apply=True)
    clock = Clock(fake)
    report = run(fake, result(), clock=clock)
    assert len(bot_comments(fake)) == 1
    assert [r.method for r in fake.log[:3]] == ["GET", "POST", "GET"]
    assert report.comment is not None and report.comment.action == "unchanged"
    assert clock.slept  # it waited before looking


def test_502_on_create_that_did_not_create_is_retried(fake: FakeGitHub) -> None:
    fake.inject("POST", r".*/issues/7/comments", 502, apply=False)
    run(fake, result())
    assert len(bot_comments(fake)) == 1
    posts = [r.status for r in fake.log if r.method == "POST" and r.path.endswith("/comments")]
    assert posts == [502, 201]


@pytest.mark.parametrize(("status", "headers", "expected_wait"), [
    (403, {"Retry-After": "30"}, 30.0),
    (429, {"Retry-After": "5"}, 5.0),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1760000100"}, 101.0),
])
def test_rate_limits_are_honoured(fake: FakeGitHub, status: int, headers: dict[str, str],
                                  expected_wait: float) -> None:
    fake.inject("GET", r".*/labels", status, headers=headers,
                message="You have exceeded a secondary rate limit")
    clock = Clock(fake)
    run(fake, result(), clock=clock)
    assert clock.slept == [expected_wait]
    assert "checks-passed" in fake.issue_labels[7]


def test_gives_up_within_budget_with_clear_message(fake: FakeGitHub) -> None:
    fake.inject("GET", ".*", 403, headers={"x-ratelimit-remaining": "0",
                                           "x-ratelimit-reset": str(int(fake.clock()) + 3600)},
                message="API rate limit exceeded for installation", times=10)
    clock = Clock(fake)
    with pytest.raises(PublishError, match=r"wait 3601 s, more than the 300 s left"):
        run(fake, result(), clock=clock)
    assert clock.slept == [] and len(fake.log) == 1


def test_outage_gives_up_after_bounded_attempts(fake: FakeGitHub) -> None:
    fake.outage()
    clock = Clock(fake)
    with pytest.raises(PublishError, match="gave up trying to list the PR comments"):
        run(fake, result(), clock=clock, policy=RetryPolicy(max_attempts=4))
    assert len(fake.log) == 4 and clock.slept == [2.0, 4.0, 8.0]
    assert sum(clock.slept) < 300


def test_permanent_error_is_not_retried(fake: FakeGitHub) -> None:
    fake.inject("POST", r".*/statuses/.*", 404, message="Not Found")
    with pytest.raises(PublishError, match="refused to set the commit status"):
        run(fake, result())
    assert len([r for r in fake.log if "/statuses/" in r.path]) == 1


def test_long_result_stays_under_githubs_limit(fake: FakeGitHub) -> None:
    files = [file_entry(f"submissions/g01/f{i:04d}-{'x' * 150}.pdf", blob=f"{i:040x}", findings=[
        finding("pages.max", "error", "m" * 3000, "h" * 3000)]) for i in range(400)]
    r = recount(result(files))
    run(fake, r)
    [c] = bot_comments(fake)
    assert len(c["body"]) <= 65536
    assert "too long for one comment" in c["body"]
    assert comment.decode_state(c["body"])


# -- the command line --------------------------------------------------------------------------

def cli(fake: FakeGitHub, tmp_path: Path, r: dict[str, Any] | None, *extra: str,
        monkeypatch: pytest.MonkeyPatch) -> int:
    path = tmp_path / "result.json"
    if r is not None:
        path.write_text(json.dumps(r))
    monkeypatch.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    return publish_cmd.main([str(path), "--pr", "7", "--sha", HEAD, *extra])


def test_cli_publishes_a_valid_result(fake: FakeGitHub, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(fake, tmp_path, result(), "--check-exit-code", "0",
               monkeypatch=monkeypatch) == 0
    assert status_of(fake)["state"] == "success"


@pytest.mark.parametrize(("mutate", "code"), [
    (lambda r: None, "3"),  # check crashed
    (lambda r: None, ""),  # check job never finished
    (lambda r: r.update(verdict="maybe"), "0"),  # schema-invalid
    (lambda r: r.update(pr=8), "0"),  # someone else's result
    (lambda r: r["files"][0].update(path="x" * 2000), "0"),
    (lambda r: r.update(verdict="pass"), "1"),  # exit code and verdict disagree
])
def test_cli_invalid_or_crashed_is_an_error_status(fake: FakeGitHub, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   mutate: Any, code: str) -> None:
    r = result()
    mutate(r)
    assert cli(fake, tmp_path, r, "--check-exit-code", code, monkeypatch=monkeypatch) == 1
    assert status_of(fake)["state"] == "error"
    [c] = bot_comments(fake)
    assert "the checker itself failed" in c["body"]


def test_cli_missing_result_file(fake: FakeGitHub, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(fake, tmp_path, None, "--check-exit-code", "0", monkeypatch=monkeypatch) == 1
    assert status_of(fake)["state"] == "error"


def test_cli_without_token_is_a_usage_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert publish_cmd.main([str(tmp_path / "r.json"), "--pr", "7", "--repo", REPO]) == 2
