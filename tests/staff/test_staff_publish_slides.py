"""``publish-slides``: in a ``private`` course, the slides that pass go from the presenting
group's own repository to the course repository's ``slides/`` folder, where the class reads
them; judged again from GitHub's facts first, so a comment a group edited publishes nothing,
and nothing of a group's standing but its passed slides reaches a surface classmates read."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_course_github import EXAMPLES
from private_world import World, make_world, semester, slides, tamper

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
from fake_org import ADMIN_TOKEN, OrgGitHub, OrgRepo

from checker.cli import main

NOW = "2024-11-01T00:00:00Z"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus not found")
    with OrgGitHub() as org:
        org.add_repo("course", private=False, files={"schedule.yaml": b"topology: private\n"})
        w = make_world(tmp_path, org)
        semester(w)
        yield w


def course_repo(w: World) -> OrgRepo:
    return w.org.repository("course")


def publish(w: World, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("GITHUB_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", w.org.url)
    monkeypatch.setenv("GITHUB_SERVER_URL", f"file://{w.server}")
    return main(["publish-slides", "--repo", "course-org/course", "--root", str(w.staff),
                 "--now", NOW, *args])


def test_the_slides_that_pass_are_planned_then_published_once(
        world: World, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    world.org.clear_log()
    assert publish(world, monkeypatch) == 0
    out = capsys.readouterr().out
    assert "add     slides/2024-10-03-g10.pdf" in out
    assert "add     slides/README.md" in out
    assert "g04" not in out  # its slides are not a PDF: they do not pass
    assert "(a plan: add --apply to write)" in out
    assert world.org.writes() == []  # a plan writes nothing

    assert publish(world, monkeypatch, "--apply") == 0
    files = course_repo(world).files
    [g10] = [p.files["submissions/g10/slides/2024-10-03.pdf"] for p in world.pulls
             if (p.group, p.number) == ("g10", 2)]
    assert files["slides/2024-10-03-g10.pdf"] == g10  # g10's, not g03's stray copy
    assert sorted(p for p in files if p.startswith("slides/")) == [
        "slides/2024-10-03-g10.pdf", "slides/README.md"]
    readme = files["slides/README.md"].decode()
    assert "| Oct 3 | PagedAttention" in readme and "[2024-10-03-g10.pdf]" in readme
    for standing in ("late", "on-time", "needs-fix", "g04", "g11", "g03"):
        assert standing not in readme  # classmates read only the passed slides

    world.org.clear_log()
    assert publish(world, monkeypatch, "--apply") == 0
    assert world.org.writes() == []  # idempotent
    assert "same    slides/2024-10-03-g10.pdf" in capsys.readouterr().out


def test_a_new_version_that_passes_replaces_the_published_one(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert publish(world, monkeypatch, "--apply") == 0
    newer = slides("g10") + b"\n% revised\n"
    world.submit("g10", 3, "grace-hopper", {"submissions/g10/slides/2024-10-03.pdf": newer},
                 "2024-10-01T18:00:00Z")
    world.org.clear_log()
    assert publish(world, monkeypatch, "--apply") == 0
    assert course_repo(world).files["slides/2024-10-03-g10.pdf"] == newer
    assert [w.split(" ", 1)[1] for w in world.org.writes()] == [
        "/repos/course-org/course/contents/slides/2024-10-03-g10.pdf"]  # the README is the same


def test_a_comment_a_group_edits_to_pass_publishes_nothing(
        world: World, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    tamper(world.org_repo("g04"), 1, errors=0)  # "our slides have no error"
    assert publish(world, monkeypatch, "--apply") == 1
    err = capsys.readouterr().err
    assert "not published: the slides of g04 for 2024-09-19" in err
    assert "GitHub's facts" in err and "gradebook --recheck" in err
    assert not any("g04" in p for p in course_repo(world).files)
    assert "slides/2024-10-03-g10.pdf" in course_repo(world).files  # the others still go


def test_only_a_private_course_and_a_plain_folder(
        world: World, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    world.org.clear_log()
    assert publish(world, monkeypatch, "--folder", "../.github/workflows") == 2
    assert "--folder" in capsys.readouterr().err
    assert publish(world, monkeypatch, "--deliverable", "nonsense") == 2
    shared = (world.staff / "schedule.yaml").read_text(encoding="utf-8").split(
        "\ntopology: private")[0]
    (world.staff / "schedule.yaml").write_text(shared, encoding="utf-8")
    assert publish(world, monkeypatch) == 2
    assert "already reads every group's slides" in capsys.readouterr().err
    assert world.org.writes() == []
