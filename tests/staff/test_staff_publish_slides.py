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


TEMPLATE = Path(__file__).resolve().parents[2] / "checker" / "templates" / "publish-slides.yml"
READER_TOKEN = "ghp_staff_reader"


def test_only_the_job_that_parses_no_file_holds_the_writing_token() -> None:
    import yaml

    jobs = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["jobs"]
    assert "COURSE_WRITE_TOKEN" not in yaml.safe_dump(jobs["judge"])
    publish = yaml.safe_dump(jobs["publish"])
    assert "COURSE_WRITE_TOKEN" in publish and "STAFF_TOKEN" not in publish
    assert "requirements/check.txt" not in publish  # no document parser is even installed
    assert "--from" in publish and "--output" in yaml.safe_dump(jobs["judge"])


def test_the_staff_workflow_publishes_from_the_staff_repository(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The template, run as a runner runs it in the staff repository: the course repository's
    checker and schedule.yaml, the staff repository's roster laid over them, the staff's
    token; g10's slides reach the course repository, g04's do not."""
    from private_course import Repo
    from private_course import course_repo as make_course_repo
    from workflow_harness import Runner

    course = make_course_repo(world.server, world.tmp)  # the checker, schedule.yaml; no roster
    staff = Repo(world.server, world.tmp / "staff-repo", "course-org/staff", {
        f"submissions/{g}/group.yaml": (world.staff / "submissions" / g / "group.yaml")
        .read_bytes() for g in ("g03", "g04", "g10", "g11")})
    runner = Runner(TEMPLATE, origin=staff.bare, event={}, event_name="schedule",
                    api_url=world.org.url, token="ghs_staff_repository_token",
                    tmp=world.tmp / "run", repository="course-org/staff",
                    variables={"COURSE_REPOSITORY": "course-org/course"},
                    secrets={"STAFF_TOKEN": READER_TOKEN, "COURSE_WRITE_TOKEN": ADMIN_TOKEN},
                    repositories={"course-org/course": course.bare,
                                  "course-org/staff": staff.bare},
                    server_url=f"file://{world.server}")
    world.org.add_user("staff-reader", token=READER_TOKEN)  # reads every group, writes none
    for g in ("g03", "g04", "g10", "g11"):
        world.org_repo(g).roles["staff-reader"] = "read"
    jobs = runner.run()
    assert jobs["judge"].result == "success", jobs["judge"]
    job = jobs["publish"]
    assert job.result == "success", job
    step = job.step("Publish them to the course repository (writing token; parses no "
                    "submitted file)")
    assert "add     slides/2024-10-03-g10.pdf" in step.stdout, step
    files = course_repo(world).files
    assert "slides/2024-10-03-g10.pdf" in files and "slides/README.md" in files
    assert not any("g04" in p for p in files)


def test_the_staff_workflow_passes_zizmor_and_githubs_schema() -> None:
    import json
    import subprocess

    from test_gh_workflows import tool, zizmor

    assert json.loads(zizmor(TEMPLATE).stdout) == []
    proc = subprocess.run([tool("check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", str(TEMPLATE)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_writing_half_takes_only_files_the_judge_planned(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``--output`` judges and writes nothing to GitHub; ``--from`` writes only files named as
    a group's slides for a session, with the bytes the plan names."""
    import json

    out = tmp_path / "plan"
    world.org.clear_log()
    assert publish(world, monkeypatch, "--output", str(out)) == 0
    assert world.org.writes() == []
    plan = json.loads((out / "plan.json").read_text())
    assert [e["name"] for e in plan["slides"]] == ["2024-10-03-g10.pdf"]

    def refused(change: dict[str, str], data: bytes | None = None) -> str:
        bad = tmp_path / f"bad-{len(list(tmp_path.glob('bad-*')))}"
        bad.mkdir()
        entry = {**plan["slides"][0], **change}
        (bad / "plan.json").write_text(json.dumps({"slides": [entry]}))
        if "/" not in entry["name"]:
            (bad / entry["name"]).write_bytes(
                data or (out / "2024-10-03-g10.pdf").read_bytes())
        assert publish(world, monkeypatch, "--from", str(bad), "--apply") == 2
        return capsys.readouterr().err

    assert "bytes are not the ones the plan names" in refused({}, b"%PDF-1.4 swapped")
    assert "not <session>-<group>.<ext>" in refused({"name": "../../checker/cli.py"})
    assert "session or group" in refused({"name": "2024-10-04-g10.pdf"})
    assert "formats" in refused({"name": "2024-10-03-g10.sh"})
    assert world.org.writes() == []
    assert publish(world, monkeypatch, "--from", str(out), "--apply") == 0
    assert "slides/2024-10-03-g10.pdf" in course_repo(world).files
