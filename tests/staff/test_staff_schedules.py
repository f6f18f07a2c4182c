"""Reminder times computed from the schedule (remind-cron) and the Actions minutes (minutes)."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from checker.cli import main
from checker.config import load_course
from checker.staff import cron
from checker.staff.minutes import cron_runs, job_runs

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "course" / "schedule.yaml"
HOURLY_REMIND = '''on:
  schedule:
    - cron: "23 * * * *"
jobs:
  remind: {runs-on: ubuntu-latest, steps: [{run: "true"}]}
'''
HOURLY_BOARD = '''on:
  schedule:
    - cron: "17 * * * *"
jobs:
  build: {runs-on: ubuntu-latest, steps: [{run: "true"}]}
  deploy: {runs-on: ubuntu-latest, steps: [{run: "true"}]}
'''


@pytest.fixture
def course_root(tmp_path: Path) -> Path:
    shutil.copy(FIXTURE, tmp_path / "schedule.yaml")
    shutil.copytree(ROOT / ".github" / "workflows", tmp_path / ".github" / "workflows")
    return tmp_path


def test_cron_runs_counts_firings() -> None:
    assert cron_runs("23 * * * *", 2024, 9) == 30 * 24
    assert cron_runs("17 6 * * *", 2024, 10) == 31
    assert cron_runs("0 4 4,5,18,19 9 *", 2024, 9) == 4
    assert cron_runs("0 4 4,5,18,19 9 *", 2024, 10) == 0
    assert cron_runs("*/15 9-10 * * 1-5", 2024, 9) == 4 * 2 * 21  # weekdays of Sep 2024
    with pytest.raises(ValueError):
        cron_runs("0 4 *", 2024, 9)


def test_job_conditions_on_repository_variables() -> None:
    pages = {"if": "${{ vars.BOARD_PAGES == 'true' }}"}
    assert not job_runs(pages, {}) and job_runs(pages, {"BOARD_PAGES": "true"})
    assert job_runs({"if": "${{ !cancelled() }}"}, {}) and job_runs({}, {})


def test_moments_are_around_each_deadline_and_the_lines_fire_exactly_then() -> None:
    course = load_course(FIXTURE.parent)
    ms = cron.moments(course)
    at = {m.at for m in ms}
    # the group declaration: due 2024-09-05 23:59:59 EDT = 2024-09-06 03:59:59 UTC
    due = datetime(2024, 9, 6, 4, 0, tzinfo=timezone.utc)
    assert due.replace(day=4) in at and due.replace(day=5) in at  # 48 h and 24 h before
    assert due.replace(minute=10) in at  # after it (+ 10 min; no grace)
    lines = cron.cron_lines(ms)
    by_month = cron.runs_per_month(ms)
    for month, runs in by_month.items():
        year, mon = map(int, month.split("-"))
        assert sum(cron_runs(line, year, mon) for line in lines) == runs
    assert sum(by_month.values()) == len(ms) < 200  # instead of 24 a day


def test_an_extension_adds_its_own_moment(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert "\nextensions: []\n" in text
    base = {m.at for m in cron.moments(load_course(FIXTURE.parent))}
    (tmp_path / "schedule.yaml").write_text(text.replace(
        "\nextensions: []\n", '\nextensions:\n  - {deliverable: proposal, group: g03, '
        'until: "2024-09-23 12:00"}\n'), encoding="utf-8")
    extended = {m.at for m in cron.moments(load_course(tmp_path))}
    assert extended - base == {datetime(2024, 9, 23, 16, 10, tzinfo=timezone.utc)}  # EDT + 10 min


def test_remind_cron_check_write_and_check_again(course_root: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    workflow = course_root / ".github" / "workflows" / "remind.yml"
    text = workflow.read_text(encoding="utf-8")
    schedule = course_root / "schedule.yaml"
    # staff move the group declaration's deadline by a day: the workflow is out of date
    schedule.write_text(schedule.read_text(encoding="utf-8").replace(
        '"2024-09-05 23:59:59"', '"2024-09-06 23:59:59"'), encoding="utf-8")
    assert main(["remind-cron", "--root", str(course_root), "--check"]) == 1
    assert "out of date with schedule.yaml: run `python -m checker remind-cron --write`" in (
        capsys.readouterr().out)
    assert main(["validate", "--root", str(course_root)]) == 0  # a warning, not an error
    assert "warning: .github/workflows/remind.yml: its reminder times are out of date" in (
        capsys.readouterr().out)
    assert main(["remind-cron", "--root", str(course_root), "--write"]) == 0
    new = workflow.read_text(encoding="utf-8")
    assert new != text and '- cron: "0 4 5,6,18,19 9 *"' in new
    outside = cron.replace_block(new, [])
    assert outside == cron.replace_block(text, [])  # nothing else in the file changed
    assert main(["remind-cron", "--root", str(course_root), "--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["validate", "--root", str(course_root)]) == 0
    assert "remind.yml" not in capsys.readouterr().out


def test_remind_cron_without_markers_is_one_clear_line(course_root: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    (course_root / ".github" / "workflows" / "remind.yml").write_text(HOURLY_REMIND)
    assert main(["remind-cron", "--root", str(course_root), "--write"]) == 2
    assert "no `# BEGIN reminder times" in capsys.readouterr().err


def test_the_shipped_remind_yml_is_up_to_date_with_the_shipped_schedule(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Fails when schedule.yaml changed and remind.yml was not regenerated: run
    `python -m checker remind-cron --write` and commit .github/workflows/remind.yml."""
    assert main(["remind-cron", "--root", str(ROOT), "--check"]) == 0, capsys.readouterr().out


def _minutes(root: Path, capsys: pytest.CaptureFixture[str], *extra: str
             ) -> dict[str, list[str]]:
    assert main(["minutes", "--root", str(root), *extra]) == 0
    out = capsys.readouterr().out
    return {line.split()[0]: line.split() for line in out.splitlines()
            if line[:4].isdigit()}


def test_minutes_before_and_after(course_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    after = _minutes(course_root, capsys)
    with_pages = _minutes(course_root, capsys, "--var", "BOARD_PAGES=true")
    wf = course_root / ".github" / "workflows"
    (wf / "remind.yml").write_text(HOURLY_REMIND)
    (wf / "board.yml").write_text(HOURLY_BOARD)
    before = _minutes(course_root, capsys)
    # month submissions runs scheduled merges pushes total
    assert before["2024-09"][3] == str(30 * 24 * 3) == "2160"  # the figure
    course = load_course(course_root)
    reminders = cron.runs_per_month(cron.moments(course))["2024-09"]
    for month, board_jobs in ((after, 1), (with_pages, 2)):  # deploy only with Pages on
        assert month["2024-09"][3] == str(reminders + 30 * board_jobs)
        assert int(month["2024-09"][4]) == int(month["2024-09"][1]) * board_jobs  # per merge
    assert before["2024-09"][4] == "0"
    assert before["2024-09"][5] == after["2024-09"][5]  # PR pushes: unchanged
