"""``gradebook --recheck`` across a ``private`` course's organisation: each group repository's
record rebuilt from its own facts (its pull requests, receipt runs, push log and commits by
id, fetched from the group repository) with the staff's checker, schedule and roster. It
equals the record the groups' checks published, and finds a comment a group edited in its own
repository; a group's own copy of ``schedule.yaml`` moves nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_course_github import EXAMPLES
from private_world import World, make_world, semester, tamper

from checker.cli import main

NOW = "2024-11-01T00:00:00Z"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus not found")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
    from fake_org import OrgGitHub

    with OrgGitHub() as org:
        w = make_world(tmp_path_factory.mktemp("private-recheck"), org)
        semester(w)
        yield w


def recheck(w: World, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, Any]]:
    from fake_org import ADMIN_TOKEN

    monkeypatch.setenv("GITHUB_TOKEN", ADMIN_TOKEN)  # the staff's token: reads every group
    monkeypatch.setenv("GITHUB_API_URL", w.org.url)
    monkeypatch.setenv("GITHUB_SERVER_URL", f"file://{w.server}")
    code = main(["gradebook", "--recheck", "--repo", "course-org/course", "--root",
                 str(w.staff), "--format", "json", "--output", str(out), "--now", NOW])
    return code, json.loads(out.read_text())


def rows_of(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["deliverable"], r["group"] or r["student"], r["session"] or ""): r
            for r in data["rows"] if r["pr"]}


def test_the_organisation_rebuilt_from_facts_equals_what_the_groups_checks_published(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, data = recheck(world, tmp_path / "a.json", monkeypatch)
    err = capsys.readouterr().err
    assert data["recheck"]["problems"] == [], data["recheck"]
    assert data["recheck"]["disagreements"] == [] and code == 0, data["recheck"]
    # every pull request of every group repository was judged again: 6 in 4 repositories
    assert data["recheck"]["judged"] == len(world.pulls) == 6
    for g in ("g10", "g11", "g03", "g04"):
        assert f"recheck: course-org/cse585-{g}:" in err
    rows = rows_of(data)
    assert rows["proposal", "g10", ""]["status"] == "on-time"
    assert rows["proposal", "g11", ""]["status"] == "late"
    assert rows["proposal", "g03", ""]["status"] == "on-time"
    assert rows["slides", "g10", "2024-10-03"]["status"] == "on-time"
    assert rows["slides", "g04", "2024-09-19"]["status"] == "needs-fix"
    # the copy of g10's slides in g03's repository is not g10's submission
    assert rows["slides", "g10", "2024-10-03"]["pr_url"].startswith(
        "https://github.com/course-org/cse585-g10/pull/")


def test_a_comment_a_group_edits_in_its_own_repository_is_found(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = world.org_repo("g11")
    before = json.loads(json.dumps(fake.comments))
    tamper(fake, 1, at="2024-09-19T12:00:00Z")  # "our late proposal came on time"
    try:
        code, data = recheck(world, tmp_path / "b.json", monkeypatch)
    finally:
        fake.comments.clear()
        fake.comments.update({int(k): v for k, v in before.items()})
    assert code == 1
    [d] = data["recheck"]["disagreements"]
    assert (d["deliverable"], d["group"]) == ("proposal", "g11")
    assert d["fields"]["status"] == {"comment": "on-time", "facts": "late"}
    assert rows_of(data)["proposal", "g11", ""]["status"] == "late"


def test_a_groups_own_schedule_moves_nothing_the_staff_rebuild(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """g11 puts a schedule.yaml with a week more for the proposal on its default branch: the
    rebuild reads the staff's schedule.yaml, never a group's."""
    repo = world.repos["g11"]
    ours = (world.staff / "schedule.yaml").read_text(encoding="utf-8")
    assert "2024-09-19" in ours
    repo.commit_main({"schedule.yaml": ours.replace("2024-09-19", "2024-09-26")},
                     "our own deadline")
    code, data = recheck(world, tmp_path / "c.json", monkeypatch)
    assert rows_of(data)["proposal", "g11", ""]["status"] == "late"
    assert code == 0, data["recheck"]


def test_recheck_needs_an_address_git_can_fetch_from(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "ext::sh -c touch% /tmp/pwned")
    from fake_org import ADMIN_TOKEN

    monkeypatch.setenv("GITHUB_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", world.org.url)
    code = main(["gradebook", "--recheck", "--repo", "course-org/course", "--root",
                 str(world.staff), "--format", "json", "--output", str(tmp_path / "d.json")])
    assert code == 2
    assert "GITHUB_SERVER_URL" in capsys.readouterr().err


def test_a_commit_id_from_githubs_answer_is_only_ever_a_commit_to_git(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer naming an option instead of a base commit writes no file: git is asked for
    that commit, finds none, and the pull request is reported as not judged again."""
    pr = world.org_repo("g03").pulls[1]
    target = tmp_path / "written"
    before = pr["base"]["sha"]
    pr["base"]["sha"] = f"--output={target}"
    try:
        _, data = recheck(world, tmp_path / "e.json", monkeypatch)
    finally:
        pr["base"]["sha"] = before
    assert not target.exists() and not list(tmp_path.glob("written*"))
    assert any("course-org/cse585-g03#1 could not be judged again" in p
               and "is not a commit" in p for p in data["recheck"]["problems"])
