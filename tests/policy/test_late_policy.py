"""The per-deliverable late policy (schedule.yaml ``late:``), through the public CLI on a course
repository with fpdf2 PDFs, and the pure rules with plain values."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.github import checkrun, labels, status
from checker.model import LatePolicy
from checker.report.markdown import headline, render_markdown
from checker.rules.deadlines import late_effect, penalty_percent
from tests.core.course_repo import CourseRepo, pdf_bytes

SUMMARY = "submissions/g11/summaries/2024-10-03.pdf"  # due Fri 2024-10-04 12:00 EDT
SLIDES = "submissions/g10/slides/2024-10-03.pdf"  # due Wed 2024-10-02 10:30 EDT
SECTIONS = ["1. Problem and Importance", "2. Related Work", "3. Proposed Solution and Key Insight",
            "4. Drawbacks and Limitations", "5. Future Research Directions",
            "6. Key Observations from the Class Discussion"]


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["check", "--root", str(root), "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def set_slides_policy(repo: CourseRepo, policy: str) -> None:
    path = repo.root / "schedule.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    due: {from: start, offset: -24h}\n"
    assert old in text
    path.write_text(text.replace(old, old + f"    late: {policy}\n", 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    r = CourseRepo(tmp_path / "course")
    r.write(SUMMARY, pdf_bytes(3, SECTIONS))
    r.write(SLIDES, pdf_bytes(12))
    return r


def test_a_late_summary_is_not_counted_and_everything_says_so(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, res = check(repo.root, capsys, SUMMARY, "--author", "edsger-d",
                      "--at", "2024-10-04T13:00:00-04:00")
    assert code == 0 and res["verdict"] == "pass"  # nothing in the file can be fixed
    [f] = res["files"]
    assert (f["status"], f["late_seconds"], f["counted"]) == ("late", 3600, False)
    assert [x["rule"] for x in f["findings"]] == ["deadline.not-counted"]
    assert f["findings"][0]["severity"] == "warning"
    assert "will not be counted" in f["findings"][0]["message"]
    first_line = render_markdown(res).splitlines()[0]
    assert "will not be counted" in first_line and "✅" not in first_line
    state, description = status.describe(res)
    assert state == "success" and "will not be counted" in description
    conclusion, title = checkrun.verdict(res)  # the submission-checker check run
    assert conclusion == "success" and title.endswith("1 late file will not be counted")
    assert "not-counted" in labels.desired(res) and "late" in labels.desired(res)
    code = main(["check", "--root", str(repo.root), SUMMARY, "--author", "edsger-d",
                 "--at", "2024-10-04T13:00:00-04:00"])
    assert "1 late file will not be counted" in capsys.readouterr().out.splitlines()[0]


def test_an_on_time_summary_is_counted(repo: CourseRepo,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, res = check(repo.root, capsys, SUMMARY, "--author", "edsger-d",
                      "--at", "2024-10-04T11:59:00-04:00")
    [f] = res["files"]
    assert (code, f["status"], f["counted"], f["findings"]) == (0, "on-time", True, [])
    assert "not-counted" not in labels.desired(res)
    assert headline(res).startswith("### ✅")


def test_penalty_per_started_day_and_the_last_moment(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    set_slides_policy(repo, "{closes: 72h, penalty_per_day: 10, max_penalty: 25}")
    code, res = check(repo.root, capsys, SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-03T11:30:00-04:00")  # 25 h late: 2 started days
    [f] = res["files"]
    assert (code, f["counted"], f["penalty_percent"]) == (0, True, 20)
    assert [x["rule"] for x in f["findings"]] == ["deadline.late"]
    assert "Late penalty: 20 %" in f["findings"][0]["message"]
    assert "penalty 20 %" in render_markdown(res)
    code, res = check(repo.root, capsys, SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-05T09:00:00-04:00")  # 70 h 30 min: capped at 25 %
    assert res["files"][0]["penalty_percent"] == 25
    code, res = check(repo.root, capsys, SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-05T10:30:01-04:00")  # one second after the last moment
    [f] = res["files"]
    assert code == 1 and res["verdict"] == "fail"
    assert [x["rule"] for x in f["findings"]] == ["deadline.closed"]
    assert f["findings"][0]["severity"] == "error" and f["counted"] is False
    assert "Sat 2024-10-05 10:30" in f["findings"][0]["message"]


def test_an_absolute_last_moment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = CourseRepo(tmp_path / "course")
    text = (r.root / "schedule.yaml").read_text(encoding="utf-8")
    old = '    due: "2024-09-19 23:59:59"\n'
    text = text.replace(old, old + '    late: {closes: "2024-09-21 23:59"}\n', 1)
    (r.root / "schedule.yaml").write_text(text, encoding="utf-8")
    path = "submissions/g10/proposal.pdf"
    r.write(path, pdf_bytes(2))
    _, res = check(r.root, capsys, path, "--author", "ada-lovelace",
                   "--at", "2024-09-21T23:58:00-04:00")
    assert [x["rule"] for x in res["files"][0]["findings"]][:1] == ["deadline.late"]
    _, res = check(r.root, capsys, path, "--author", "ada-lovelace",
                   "--at", "2024-09-22T00:00:00-04:00")
    assert "deadline.closed" in [x["rule"] for x in res["files"][0]["findings"]]


@pytest.mark.parametrize(("policy", "where", "says"), [
    ("{counted: false, penalty_per_day: 5}", "deliverables.slides.late.penalty_per_day",
     "cannot also have a penalty"),
    ('{closes: "2024-10-30 10:00"}', "deliverables.slides.late.closes", "needs a duration"),
    ("{closes: 0h}", "deliverables.slides.late.closes", "positive duration"),
    ("{max_penalty: 50}", "deliverables.slides.late.max_penalty", "needs penalty_per_day"),
    ("{counted: no-way}", "deliverables.slides.late.counted", "boolean"),
    ("{penalty_per_day: 150}", "deliverables.slides.late.penalty_per_day", "150"),
    ("{cutoff: 48h}", "deliverables.slides.late", "cutoff"),
])
def test_a_broken_late_policy_names_file_line_and_key(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str], policy: str, where: str,
        says: str) -> None:
    set_slides_policy(repo, policy)
    code = main(["validate", "--root", str(repo.root)])
    err = capsys.readouterr().out
    line = next(i for i, x in enumerate(
        (repo.root / "schedule.yaml").read_text().splitlines(), 1) if x.startswith("    late:"))
    assert code == 1, err
    assert f"schedule.yaml:{line}: {where}" in err and says in err, err


# ----------------------------------------------------------------- the pure rules


def test_deadlines_say_the_late_policy(repo: CourseRepo,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    set_slides_policy(repo, "{closes: 72h, penalty_per_day: 10, max_penalty: 25}")
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10"]) == 0
    text = capsys.readouterr().out
    assert ("Lecture slides [late: 10 % per started day, at most 25 %; nothing accepted 72 h "
            "after the deadline] — g10") in text
    assert main(["deadlines", "--root", str(repo.root), "--student", "edsger-d"]) == 0
    assert "Paper summary [late work not counted] — g11" in capsys.readouterr().out
    assert main(["deadlines", "--root", str(repo.root), "--group", "g11", "--format",
                 "ics"]) == 0
    assert "Late work not counted." in capsys.readouterr().out.replace("\r\n ", "")


def test_penalty_is_per_started_day_and_capped() -> None:
    p = LatePolicy(penalty_per_day=10, max_penalty=25)
    assert [penalty_percent(p, s) for s in (0, 1, 86400, 86401, 10 * 86400)] == [0, 10, 10, 20, 25]
    assert penalty_percent(LatePolicy(), 5 * 86400) == 0


def test_late_effect() -> None:
    due = datetime(2024, 10, 2, 14, 30, tzinfo=timezone.utc)
    closing = LatePolicy(closes_after=timedelta(hours=48), penalty_per_day=5)
    assert late_effect(closing, due, due, 0) == (True, 0)
    assert late_effect(closing, due, due + timedelta(hours=47), 47 * 3600) == (True, 10)
    assert late_effect(closing, due, due + timedelta(hours=49), 49 * 3600) == (False, 0)
    assert late_effect(LatePolicy(counted=False), due, due + timedelta(seconds=1), 1) == (False, 0)
    assert LatePolicy(closes_at=due - timedelta(days=1)).closes(due) == due  # never before it


def test_a_file_after_the_last_moment_is_late_and_not_counted_in_the_records(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    from checker.staff.records import files_payload

    set_slides_policy(repo, "{closes: 24h}")
    _, res = check(repo.root, capsys, SLIDES, "--author", "ada-lovelace",
                   "--at", "2024-10-05T10:30:01-04:00")
    assert res["verdict"] == "fail" and res["files"][0]["counted"] is False
    [entry] = files_payload(res)["files"]
    assert entry["errors"] == 0  # the gradebook shows it late and not counted, not needs-fix
