"""publish against the fake GitHub, through the real PyGithub client."""

from __future__ import annotations

import copy
import json
import re
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
from checker.staff.records import decode_files
from checker.trailer import CheckMark

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
        bot: str = BOT_LOGIN, commit_status: bool = False) -> Report:
    clock = clock or Clock(fake)
    gh = connect(ACTIONS_TOKEN, fake.url)
    session = Session(gh, policy or RetryPolicy(), sleep=clock.sleep, clock=clock,
                      log=lambda m: None)
    return publish(session, gh, REPO, 7, HEAD, validate(r) if r else None, bot_login=bot,
                   run_url=RUN, failure=failure, commit_status=commit_status)


def bot_comments(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [c for c in fake.comments_on(7) if c["user"]["login"] == BOT_LOGIN]


def status_of(fake: FakeGitHub) -> dict[str, Any]:
    return fake.statuses[HEAD][-1]


def check_of(fake: FakeGitHub, sha: str = HEAD) -> dict[str, Any]:
    """The newest `submission-checker` check run on ``sha``."""
    return fake.check_runs_on(sha, "submission-checker")[-1]


def failed(fake: FakeGitHub, sha: str = HEAD) -> bool:
    """The check run says the checker itself failed (red, never a verdict)."""
    run = check_of(fake, sha)
    return run["conclusion"] == "failure" and run["output"]["title"].startswith(
        "The checker failed")


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
    cr = check_of(fake)
    assert (cr["conclusion"], cr["status"], cr["details_url"]) == ("success", "completed", RUN)
    assert cr["app"]["slug"] == "github-actions"
    assert HEAD not in fake.statuses  # no commit status unless the course asks for it
    assert report.comment is not None and report.comment.action == "created"
    assert not any(r.path == "/user" for r in fake.log)  # never looks up its own login


def test_steady_state_at_most_six_requests_and_idempotent(fake: FakeGitHub) -> None:
    run(fake, result())
    fake.clear_log()
    before = (dict(fake.comments), list(fake.issue_labels[7]))
    report = run(fake, result())
    methods = [(r.method, r.path.rsplit("/", 2)[-2:][0]) for r in fake.log]
    assert len(fake.log) <= 6, methods
    # read the PR head, list comments, list labels, create the check run
    assert report.requests == len(fake.log) == 4
    assert report.comment is not None and report.comment.action == "unchanged"
    assert (dict(fake.comments), list(fake.issue_labels[7])) == before
    assert [r.path for r in fake.log if r.method != "GET"] == [
        "/repos/course/seminar/check-runs"]  # the check run only


def test_fix_push_edits_comment_and_swaps_labels_keeping_staff_labels(fake: FakeGitHub) -> None:
    bad = result([file_entry(findings=[finding("pages.max", "error", "3 pages", "cut one")])])
    run(fake, bad)
    fake.add_label("graded", "000000")
    fake.issue_labels[7].append("graded")
    assert "needs-fix" in fake.issue_labels[7] and check_of(fake)["conclusion"] == "failure"
    [first] = bot_comments(fake)
    assert "1 problem to fix" in first["body"]
    run(fake, result(submitted_at="2024-09-19T21:00:00+00:00"))
    [c] = bot_comments(fake)
    assert c["id"] == first["id"] and "all checks passed" in c["body"]
    assert "needs-fix" not in fake.issue_labels[7]
    assert {"checks-passed", "graded"} <= set(fake.issue_labels[7])
    assert check_of(fake)["conclusion"] == "success"


def test_late_and_then_back_on_time_label(fake: FakeGitHub) -> None:
    run(fake, result([late(blob="c" * 40)]))
    assert "late" in fake.issue_labels[7] and "on-time" not in fake.issue_labels[7]
    assert "late" in check_of(fake)["output"]["title"]
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


def test_checker_failure_keeps_the_record_and_withdraws_the_claims(fake: FakeGitHub) -> None:
    run(fake, result())
    fake.add_label("graded", "000000")
    fake.issue_labels[7].append("graded")
    before = copy.deepcopy(bot_comments(fake)[0])
    run(fake, None, failure="the check step ended with exit code 3", commit_status=True)
    [c] = bot_comments(fake)
    assert "the checker itself failed" in c["body"]
    # the per-file record of the last completed check is kept, verbatim
    assert comment.decode_state(c["body"]) == comment.decode_state(before["body"])
    assert comment.files_line(c["body"]) == comment.files_line(before["body"]) is not None
    assert decode_files(c["body"]) == decode_files(before["body"])
    # ... and marked unverified for the staff tools until a check completes
    assert comment.decode_mark(before["body"]) == CheckMark(HEAD, HEAD, True)
    assert comment.decode_mark(c["body"]) == CheckMark(HEAD, HEAD, False)
    assert failed(fake) and status_of(fake)["state"] == "error"
    # the labels that claim a verdict go; the others stay
    assert set(fake.issue_labels[7]) == {"deliverable: summary", "group: g01", "graded"}
    run(fake, result())  # the next completed check restores everything
    [c] = bot_comments(fake)
    assert comment.decode_mark(c["body"]).complete
    assert {"checks-passed", "on-time"} <= set(fake.issue_labels[7])


def test_result_for_an_older_head_touches_only_that_commit(fake: FakeGitHub) -> None:
    bad = result([file_entry(findings=[finding("pages.max", "error", "3 pages", "cut one")])])
    newer = "9" * 40
    run(fake, result())  # HEAD published
    fake.pulls[7]["head"]["sha"] = newer  # then the student pushed again
    comments_before, labels_before = copy.deepcopy(fake.comments), list(fake.issue_labels[7])
    fake.clear_log()
    report = run(fake, bad)  # a re-run of the run for HEAD, or one delayed behind the push
    assert report.stale == newer
    assert fake.comments == comments_before and fake.issue_labels[7] == labels_before
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.log] == [
        ("GET", "7"), ("POST", "check-runs")]
    cr = check_of(fake)
    assert cr["conclusion"] == "failure" and "no longer the head" in cr["output"]["summary"]
    assert fake.check_runs_on(newer) == []
    fake.clear_log()
    run(fake, None, failure="the check step ended with exit code 3")  # a stale crash as well
    assert fake.comments == comments_before and fake.issue_labels[7] == labels_before
    assert failed(fake) and fake.check_runs_on(newer) == []


def test_state_block_is_read_only_at_its_fixed_place(fake: FakeGitHub) -> None:
    early = {"submissions/g01/summary-2024-09-19.pdf": {"a" * 40: "2000-01-01T00:00:00Z"}}
    block = comment.encode_state(early)
    # the bot's own comment, with a state block that is not at the end (e.g. quoted text)
    body = f"{comment.MARKER}\nreport\n{block}\nmore text\n"
    assert comment.decode_state(body) == {} and comment.decode_state(body + block) == early
    fake.add_comment(7, body, BOT_LOGIN)
    run(fake, result([late()], submitted_at="2024-09-21T20:00:00+00:00"))
    assert "late" in fake.issue_labels[7]  # the misplaced block lent no earlier time
    [c] = bot_comments(fake)
    assert "2000" not in str(comment.decode_state(c["body"]))


def test_502_on_create_that_still_created_is_not_posted_twice(fake: FakeGitHub) -> None:
    fake.inject("POST", r".*/issues/7/comments", 502, apply=True)
    clock = Clock(fake)
    report = run(fake, result(), clock=clock)
    assert len(bot_comments(fake)) == 1
    assert [r.method for r in fake.log[:4]] == ["GET", "GET", "POST", "GET"]
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
    with pytest.raises(PublishError, match="gave up trying to read the pull request"):
        run(fake, result(), clock=clock, policy=RetryPolicy(max_attempts=4))
    assert len(fake.log) == 4 and clock.slept == [2.0, 4.0, 8.0]
    assert sum(clock.slept) < 300


def test_permanent_error_is_not_retried(fake: FakeGitHub) -> None:
    fake.inject("POST", r".*/check-runs", 404, message="Not Found")
    with pytest.raises(PublishError, match="refused to create the check run"):
        run(fake, result())
    assert len([r for r in fake.log if "/check-runs" in r.path]) == 1


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
    for name in ("GITHUB_ACTIONS", "GITHUB_EVENT_PATH"):  # not in CI unless a test says so
        monkeypatch.delenv(name, raising=False)
    return publish_cmd.main([str(path), "--pr", "7", "--sha", HEAD, *extra])


def test_cli_publishes_a_valid_result(fake: FakeGitHub, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(fake, tmp_path, result(), "--check-exit-code", "0",
               monkeypatch=monkeypatch) == 0
    assert check_of(fake)["conclusion"] == "success"


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
    assert failed(fake)
    [c] = bot_comments(fake)
    assert "the checker itself failed" in c["body"]


def test_cli_missing_result_file(fake: FakeGitHub, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(fake, tmp_path, None, "--check-exit-code", "0", monkeypatch=monkeypatch) == 1
    assert failed(fake)


def test_cli_without_token_is_a_usage_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert publish_cmd.main([str(tmp_path / "r.json"), "--pr", "7", "--repo", REPO]) == 2


WEBHOOK = (EXAMPLES.parents[1] / "webhooks" / "examples" / "pull_request" /
           "synchronize.payload.json")


def event_file(tmp_path: Path, *, pr: int = 7, head: str = HEAD,
               updated_at: str = "2024-09-19T20:00:00Z") -> Path:
    """A real synchronize payload for PR ``pr`` at ``head``, received at ``updated_at``."""
    payload = json.loads(WEBHOOK.read_text(encoding="utf-8"))
    payload["number"] = payload["pull_request"]["number"] = pr
    payload["pull_request"]["head"]["sha"] = head
    payload["pull_request"]["updated_at"] = updated_at
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def in_ci(monkeypatch: pytest.MonkeyPatch, event: Path | None) -> None:
    """What the runner sets in the publish job (cli() clears both first)."""
    real = publish_cmd.main

    def main(argv: list[str]) -> int:
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        if event is not None:
            monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
        return real(argv)
    monkeypatch.setattr(publish_cmd, "main", main)


def test_cli_result_matching_its_event_is_published(fake: FakeGitHub, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    in_ci(monkeypatch, event_file(tmp_path))
    assert cli(fake, tmp_path, result(), "--check-exit-code", "0", monkeypatch=monkeypatch) == 0
    assert check_of(fake)["conclusion"] == "success"


@pytest.mark.parametrize(("mutate", "event_kw", "why"), [
    (lambda r: None, {"updated_at": "2024-09-19T19:00:00Z"}, "submission time"),
    (lambda r: r.update(submitted_at="2024-09-19T16:00:00-05:00"), {}, "submission time"),
    (lambda r: r.update(pr=None), {}, "names no pull request"),
    (lambda r: r.update(head_sha=None), {}, "names no head commit"),
    (lambda r: r.update(head_sha="d" * 40), {}, "different head commit"),
])
def test_cli_in_ci_refuses_a_result_not_for_its_event(
        fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], mutate: Any, event_kw: dict[str, Any],
        why: str) -> None:
    r = result()
    mutate(r)
    in_ci(monkeypatch, event_file(tmp_path, **event_kw))
    assert cli(fake, tmp_path, r, "--check-exit-code", "0", monkeypatch=monkeypatch) == 1
    assert why in capsys.readouterr().err
    assert failed(fake) and "checks-passed" not in fake.issue_labels[7]


def test_cli_in_ci_without_the_event_is_a_usage_error(fake: FakeGitHub, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    in_ci(monkeypatch, None)
    assert cli(fake, tmp_path, result(), "--check-exit-code", "0", monkeypatch=monkeypatch) == 2
    assert fake.check_runs == {} and fake.comments_on(7) == []


def test_cli_event_for_another_pr_is_a_usage_error(fake: FakeGitHub, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(fake, tmp_path, result(), "--event", str(event_file(tmp_path, pr=8)),
               monkeypatch=monkeypatch) == 2
    assert fake.check_runs == {}


def test_cli_by_hand_takes_the_verdict_from_the_result(fake: FakeGitHub, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    bad = result([file_entry(findings=[finding("pages.max", "error", "3 pages", "cut one")])])
    path = tmp_path / "result.json"
    path.write_text(json.dumps(bad))
    monkeypatch.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    for name in ("GITHUB_ACTIONS", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    # no --sha, no --check-exit-code: the head and the verdict are the result's
    assert publish_cmd.main([str(path), "--repo", REPO, "--pr", "7"]) == 0
    assert check_of(fake)["conclusion"] == "failure" and not failed(fake)
    assert "needs-fix" in fake.issue_labels[7]


def test_cli_exit_code_text_is_escaped(fake: FakeGitHub, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    code = "3 <img src=x onerror=alert(1)> @staff [x](https://evil.example)"
    assert cli(fake, tmp_path, result(), "--check-exit-code", code, monkeypatch=monkeypatch) == 1
    for text in (bot_comments(fake)[0]["body"], check_of(fake)["output"]["summary"]):
        assert "exit code 3" in text
        assert not re.search(r"(?<!\\)<img", text)  # only as escaped text
        assert "@staff" not in text and "](https" not in text


def test_cli_commit_status_only_when_asked(fake: FakeGitHub, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(fake, tmp_path, result(), "--check-exit-code", "0", monkeypatch=monkeypatch) == 0
    assert HEAD not in fake.statuses
    assert cli(fake, tmp_path, result(), "--check-exit-code", "0", "--commit-status",
               monkeypatch=monkeypatch) == 0
    st = status_of(fake)
    assert (st["state"], st["context"], st["target_url"]) == ("success", "submission-checker",
                                                               None)


def test_one_annotation_per_problem_in_batches_of_50(fake: FakeGitHub) -> None:
    files = [file_entry(f"submissions/g01/f{i}.pdf", blob=f"{i:040x}", findings=[
        finding("pages.max", "error", f"f{i}: 3 pages", "cut one"),
        finding("sections.missing", "warning", f"f{i}: no Summary", ""),
        finding("deadline.extension", "info", "extension applied", "")]) for i in range(60)]
    run(fake, recount(result(files)))
    cr = check_of(fake)
    notes = fake.check_annotations[cr["id"]]
    assert cr["output"]["annotations_count"] == len(notes) == 120  # errors and warnings
    assert [n["annotation_level"] for n in notes[:2]] == ["failure", "warning"]
    assert notes[0]["path"] == "submissions/g01/f0.pdf" and notes[0]["message"].startswith(
        "f0: 3 pages\ncut one")
    writes = [r for r in fake.log if "/check-runs" in r.path]
    assert [(r.method, len(r.body["output"]["annotations"])) for r in writes] == [
        ("POST", 50), ("PATCH", 50), ("PATCH", 20)]
