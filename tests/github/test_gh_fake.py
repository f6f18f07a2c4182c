"""The fake GitHub answers in GitHub's own shapes, keeps state and injects faults."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from fake_github import ACTIONS_TOKEN, BOT_LOGIN, EXAMPLES, FakeGitHub
from gh_schemas import errors, nullable_to_type_null

SHA = "a" * 40


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with FakeGitHub() as f:
        f.add_pull(7, author="student1", head_sha=SHA,
                   files=[{"sha": "b" * 40, "filename": "submissions/g1/report.pdf",
                           "status": "added", "additions": 0, "deletions": 0, "changes": 0,
                           "blob_url": "https://github.com/x/y/blob/1/a",
                           "raw_url": "https://github.com/x/y/raw/1/a",
                           "contents_url": "https://api.github.com/repos/x/y/contents/a"}])
        yield f


def call(fake: FakeGitHub, method: str, path: str, body: Any = None,
         token: str = ACTIONS_TOKEN) -> tuple[int, Any, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(fake.url + path, data=data, method=method,
                                 headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read() or b"null"), resp.headers
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null"), e.headers


R = "/repos/course/seminar"


def test_nullable_conversion() -> None:
    schema = {"type": "object", "properties": {
        "a": {"type": "string", "nullable": True},
        "b": {"allOf": [{"type": "object"}], "nullable": True},
        "c": {"type": "string", "enum": ["x"], "nullable": True}}}
    out = nullable_to_type_null(schema)
    assert out["properties"]["a"]["type"] == ["string", "null"]
    assert out["properties"]["b"] == {"anyOf": [{"allOf": [{"type": "object"}]},
                                                {"type": "null"}]}
    assert out["properties"]["c"]["enum"] == ["x", None]


def test_labels_match_schema(fake: FakeGitHub) -> None:
    status, label, _ = call(fake, "POST", f"{R}/labels",
                            {"name": "late", "color": "d73a4a", "description": None})
    assert status == 201
    assert errors("label", label) == []
    status, items, _ = call(fake, "POST", f"{R}/issues/7/labels", ["late", "graded"])
    assert status == 200 and [x["name"] for x in items] == ["late", "graded"]
    for item in items:
        assert errors("label", item) == []
    # the schema test can fail: a label without a colour is not a GitHub label
    broken = dict(label)
    del broken["color"]
    assert errors("label", broken)


def test_pull_files_run_match_schema(fake: FakeGitHub) -> None:
    status, pr, _ = call(fake, "GET", f"{R}/pulls/7")
    assert status == 200 and pr["user"]["login"] == "student1" and pr["head"]["sha"] == SHA
    assert errors("pull-request", pr) == []
    status, files, _ = call(fake, "GET", f"{R}/pulls/7/files")
    assert errors("diff-entry-items", files) == []
    status, run, _ = call(fake, "GET", f"{R}/actions/runs/42")
    assert run["id"] == 42 and errors("workflow-run", run) == []


def test_comment_and_status_shapes(fake: FakeGitHub) -> None:
    example = json.loads((EXAMPLES / "issue-comment.json").read_text())
    status, c, _ = call(fake, "POST", f"{R}/issues/7/comments", {"body": "hi"})
    assert status == 201 and set(c) == set(example)
    assert c["user"]["login"] == BOT_LOGIN and c["user"]["type"] == "Bot"
    assert set(c["user"]) == set(example["user"])
    status, c2, _ = call(fake, "PATCH", f"{R}/issues/comments/{c['id']}", {"body": "edited"})
    assert status == 200 and c2["body"] == "edited"
    st_example = json.loads((EXAMPLES / "combined-commit-status.json").read_text())["statuses"][0]
    status, st, _ = call(fake, "POST", f"{R}/statuses/{SHA}",
                         {"state": "success", "context": "submission-checker"})
    assert status == 201 and set(st_example) <= set(st)
    status, _, _ = call(fake, "POST", f"{R}/statuses/{SHA}", {"state": "green"})
    assert status == 422


def test_others_cannot_edit_bot_comment_and_user_is_refused(fake: FakeGitHub) -> None:
    fake.tokens["student-token"] = "student1"
    _, c, _ = call(fake, "POST", f"{R}/issues/7/comments", {"body": "bot"})
    status, _, _ = call(fake, "PATCH", f"{R}/issues/comments/{c['id']}", {"body": "x"},
                        token="student-token")
    assert status == 403
    assert call(fake, "GET", "/user")[0] == 403
    assert call(fake, "GET", "/user", token="student-token")[0] == 200
    assert call(fake, "GET", "/user", token="nope")[0] == 401


def test_pagination(fake: FakeGitHub) -> None:
    for i in range(5):
        fake.add_comment(7, f"c{i}", "student1")
    _status, page1, headers = call(fake, "GET", f"{R}/issues/7/comments?per_page=2")
    assert [c["body"] for c in page1] == ["c0", "c1"] and 'rel="next"' in headers["Link"]


def test_faults(fake: FakeGitHub) -> None:
    fake.inject("POST", r".*/comments", 502, apply=True)
    status, _, _ = call(fake, "POST", f"{R}/issues/7/comments", {"body": "x"})
    assert status == 502 and len(fake.comments_on(7)) == 1  # it still happened
    fake.inject("GET", ".*", 403, headers={"Retry-After": "30"},
                message="You have exceeded a secondary rate limit")
    status, body, headers = call(fake, "GET", f"{R}/labels")
    assert status == 403 and headers["Retry-After"] == "30" and "secondary" in body["message"]
    fake.inject("GET", ".*", 403, headers={"x-ratelimit-remaining": "0",
                                           "x-ratelimit-reset": "1760000100"})
    status, _, headers = call(fake, "GET", f"{R}/labels")
    assert status == 403 and headers["x-ratelimit-remaining"] == "0"
    fake.inject("GET", ".*", 429)
    assert call(fake, "GET", f"{R}/labels")[0] == 429
    assert call(fake, "GET", f"{R}/labels")[0] == 200
    assert [r.status for r in fake.log] == [502, 403, 403, 429, 200]


def test_check_runs_match_githubs_schema_and_rules(fake: FakeGitHub) -> None:
    note = {"path": "submissions/g1/report.pdf", "start_line": 1, "end_line": 1,
            "annotation_level": "failure", "message": "3 pages; the limit is 2"}
    body = {"name": "submission-checker", "head_sha": SHA, "status": "completed",
            "conclusion": "failure", "output": {"title": "1 problem to fix", "summary": "s",
                                                 "annotations": [note] * 50}}
    status, run, _ = call(fake, "POST", f"{R}/check-runs", body)
    assert status == 201 and errors("check-run", run) == []
    assert (run["name"], run["head_sha"], run["conclusion"]) == ("submission-checker", SHA,
                                                                 "failure")
    assert run["app"]["slug"] == "github-actions" and run["output"]["annotations_count"] == 50
    # PATCH appends annotations; GET answers the same shape
    status, run, _ = call(fake, "PATCH", f"{R}/check-runs/{run['id']}", {
        "output": {"title": "t", "summary": "s", "annotations": [note] * 3}})
    assert status == 200 and run["output"]["annotations_count"] == 53
    status, got, _ = call(fake, "GET", f"{R}/check-runs/{run['id']}")
    assert status == 200 and errors("check-run", got) == []
    status, notes, _ = call(fake, "GET", f"{R}/check-runs/{run['id']}/annotations?per_page=100")
    assert status == 200 and len(notes) == 53
    assert set(notes[0]) == {"path", "start_line", "end_line", "start_column", "end_column",
                             "annotation_level", "title", "message", "raw_details",
                             "blob_href"}
    status, listing, _ = call(fake, "GET", f"{R}/commits/{SHA}/check-runs?check_name="
                                           "submission-checker")
    assert status == 200 and listing["total_count"] == 1
    assert all(errors("check-run", r) == [] for r in listing["check_runs"])
    # GitHub's rules: at most 50 annotations per request; a completed run has a conclusion
    assert call(fake, "POST", f"{R}/check-runs", {**body, "output": {
        **body["output"], "annotations": [note] * 51}})[0] == 422
    assert call(fake, "POST", f"{R}/check-runs", {**body, "conclusion": None})[0] == 422
    assert call(fake, "POST", f"{R}/check-runs", {**body, "conclusion": "error"})[0] == 422
    # the schema test can fail: a check run without a head commit is not a check run
    broken = dict(got)
    del broken["head_sha"]
    assert errors("check-run", broken)


def test_the_push_log_is_served_in_githubs_shape_newest_first_with_cursor_pages(
        fake: FakeGitHub) -> None:
    from fake_repo_settings import rest_errors

    for i in range(150):
        fake.log_push(f"{i + 1:040x}", f"2024-09-20T0{i // 60}:{i % 60:02d}:00Z")
    fake.log_push("f" * 40, "2024-09-21T00:00:00Z", branch="other")
    fake.log_push("e" * 40, "2024-09-21T00:00:00Z", repo="ada/seminar")
    status, page, headers = call(fake, "GET", f"{R}/activity?ref=submission&per_page=100")
    assert status == 200 and len(page) == 100 and rest_errors("activity-items", page) == []
    assert page[0]["after"] == f"{150:040x}" and page[0]["before"] == f"{149:040x}"
    assert page[-1]["activity_type"] == "push"
    nxt = headers["Link"].split(">")[0].lstrip("<").removeprefix(fake.url)
    assert "after=" in nxt and "ref=submission" in nxt
    status, rest, headers = call(fake, "GET", nxt)
    assert len(rest) == 50 and rest[-1]["activity_type"] == "branch_creation"
    assert "Link" not in headers
    assert [a["after"] for a in call(fake, "GET", "/repos/ada/seminar/activity")[1]] == [
        "e" * 40]  # a fork's own log
    fake.private_forks.add("ada/seminar")
    assert call(fake, "GET", "/repos/ada/seminar/activity")[0] == 404
    assert call(fake, "GET", "/repos/nobody/else/activity")[0] == 404


def test_filtered_run_lists_stop_at_githubs_1000_and_filter_by_creation_time(
        fake: FakeGitHub) -> None:
    for i in range(1100):
        fake.receive_push(7, f"{i + 1:040x}", f"2024-09-2{i // 1000}T{i % 1000 // 60:02d}:"
                          f"{i % 60:02d}:00Z")
    runs = f"{R}/actions/workflows/receipt.yml/runs?event=pull_request&per_page=100"
    _, page, _ = call(fake, "GET", f"{runs}&page=10")
    assert page["total_count"] == 1100 and len(page["workflow_runs"]) == 100
    _, page, _ = call(fake, "GET", f"{runs}&page=11")
    assert page["workflow_runs"] == []  # the 1,001st run and on are never served
    _, page, _ = call(fake, "GET", f"{runs}&created=2024-09-21T00:00:00Z..*")
    assert page["total_count"] == 100
    _, page, _ = call(fake, "GET", f"{runs}&created=>=2024-09-21")
    assert page["total_count"] == 100
    assert call(fake, "GET", f"{runs}&created=yesterday")[0] == 422
