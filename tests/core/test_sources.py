"""Every finding says where its rule comes from (issue 16 §1): the course page, a staff choice
written in schedule.yaml, a GitHub limit, or the checker's own hygiene, never above a warning.
Every choice the page leaves to the staff is marked in the shipped schedule.yaml, with a
reason the comment shows as "course staff rule: ..."."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from checker.config import parse_course
from checker.findings import Severity, error, warning
from checker.report.markdown import render_markdown
from checker.report.text import render_text
from checker.rules.provenance import resolve, stamp
from checker.sources import RULES, SOURCES
from tests.core.course_repo import SHIPPED_SCHEDULE, CourseRepo
from tests.policy.test_course_rules_doc import rule_ids_in_checker

COURSE = parse_course(SHIPPED_SCHEDULE.read_text(encoding="utf-8"))
NOT_RULES = re.compile(r".*\.(ya?ml|md|json|txt|dll|so|dylib|html|db|ini|py|pdf|docx|xml|sha)$")
PREFIXES = {r.split(".")[0] for r in RULES}


def emitted_rule_ids() -> set[str]:
    return {r for r in rule_ids_in_checker()
            if r.split(".")[0] in PREFIXES and not NOT_RULES.fullmatch(r)
            and r not in {"github.user", "user.email", "head.sha", "base.sha", "zip.readme"}}


def test_every_rule_the_checker_emits_has_a_source() -> None:
    missing = sorted(emitted_rule_ids() - set(RULES))
    assert not missing, f"add these rules to checker/sources.py RULES: {missing}"
    assert {o.default for o in RULES.values()} <= set(SOURCES)


def test_a_staff_rule_names_a_reason_the_shipped_course_gives() -> None:
    for rule, o in RULES.items():
        if o.default == "staff" and o.choice is not None:
            source, why = resolve(rule, COURSE, None)
            assert source == "staff" and why, (rule, o.choice)


def test_the_checkers_own_hygiene_never_fails_a_check() -> None:
    f = stamp(error("zip.junk", "m", "h"), COURSE, None)
    assert (f.source, f.severity) == ("checker", Severity.WARNING)
    f = stamp(error("pages.too-many", "m", "h"), COURSE, COURSE.deliverables["report"])
    assert (f.source, f.severity) == ("page", Severity.ERROR)


def test_a_cut_list_of_findings_keeps_the_source_and_reason_of_the_worst_left_out() -> None:
    """The worker cuts a file's findings before the engine stamps them: the summary is stamped
    for the file's deliverable as the worst finding it stands for (a safety rule of the
    staff, with its reason), never as a bare "course staff rule"."""
    from checker.facts import FileFacts

    facts = FileFacts(path="submissions/g10/final/code.zip", kind="zip", size=1, findings=[
        error("zip.unsafe-path", f"entry {i} unpacks outside", "h") for i in range(250)])
    wired = FileFacts.from_wire(facts.to_wire()).findings
    [summary] = [f for f in wired if f.rule == "file.findings-truncated"]
    got = stamp(summary, COURSE, COURSE.deliverables["code"])
    assert (got.source, got.severity) == ("staff", Severity.ERROR)
    assert got.staff_rule and "unpack outside its folder" in got.staff_rule


@pytest.mark.parametrize(("rule", "deliverable", "source", "reason"), [
    ("deadline.late", "report", "page", None),
    ("pages.too-many", "report", "page", None),  # the 8 pages are the page's
    ("deadline.late", "midterm", "staff", "not to hand in slides"),  # set_by: staff
    ("format.unsupported", "slides", "staff", "Google Slides"),
    ("format.unsupported", "summary", "staff", "Google doc"),
    ("format.unsupported", "proposal", "staff", "no format for the proposal"),
    ("format.unsupported", "report", "page", None),  # "submitted as a PDF file"
    ("sections.missing", "summary", "staff", "one heading per question"),
    ("sections.optional-missing", "summary", "staff", "only a warning"),
    ("layout.margins", "report", "staff", "margins of at least 0.5 in"),
    ("path.unknown", None, "staff", "by pull request"),
    ("zip.unsafe-path", "code", "staff", "unpack outside its folder"),
    ("zip.readme-missing", "code", "page", None),
    ("file.too-large", "code", "github", None),  # the shipped limit is GitHub's 100 MB
    ("questions.too-few", "questions", "staff", "one per required reading"),
    ("members.missing", "proposal", "page", None),
    ("zip.junk", "code", "checker", None),
    # an inexact Word page count: the staff's where they accept a Word file
    ("pages.not-verified", "summary", "staff", "Google doc"),
    ("pages.not-exact", "proposal", "staff", "no format for the proposal"),
])
def test_each_rule_of_the_shipped_course_has_its_source(
        rule: str, deliverable: str | None, source: str, reason: str | None) -> None:
    d = COURSE.deliverables[deliverable] if deliverable else None
    got, why = resolve(rule, COURSE, d)
    assert got == source
    if reason is None:
        assert why is None
    else:
        assert why is not None and reason in " ".join(why.split())


def test_a_lower_file_limit_than_githubs_is_the_staffs() -> None:
    text = SHIPPED_SCHEDULE.read_text(encoding="utf-8").replace(
        "max_file_mb: 100", "max_file_mb: 20")
    course = parse_course(text)
    assert resolve("file.too-large", course, course.deliverables["report"])[0] == "staff"


def test_the_comment_and_text_report_say_course_staff_rule() -> None:
    f = stamp(error("sections.missing", "s.pdf: no heading for Related work.", "Add it.",
                    "s.pdf"), COURSE, COURSE.deliverables["summary"])
    result: dict[str, Any] = {
        "schema": "submission-checker/result/v1", "verdict": "fail", "author": "ada",
        "submitted_at": "2024-10-04T10:00:00-04:00",
        "counts": {"error": 1, "warning": 0, "info": 0}, "findings": [],
        "files": [{"path": "s.pdf", "deliverable": "summary", "group": "g03", "student": None,
                   "session": "2024-11-21", "status": "on-time", "late_seconds": 0,
                   "due": "2024-11-22T12:00:00-05:00", "findings": [f.to_json()]}],
    }
    assert result["files"][0]["findings"][0]["source"] == "staff"
    md = render_markdown(result)
    assert "_course staff rule_: The page lists the questions a summary must address" in md
    text = render_text(result)
    assert "course staff rule: The page lists the questions" in text


def check_json(repo: CourseRepo, *paths: str, author: str = "ada-lovelace",
               at: tuple[str, ...] = ()) -> dict[str, Any]:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--root", str(repo.root), "--author",
         author, *at, "--format", "json", *paths],
        capture_output=True, text=True, cwd=repo.root, check=False,
        env={**__import__("os").environ, "CHECKER_SOFFICE": "none"})
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_every_finding_of_a_real_check_has_a_source_and_no_checker_error(
        tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "c")
    code = repo.root / "submissions/g10/final/code.zip"
    code.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(code, "w") as zf:
        zf.writestr("README.md", "# Run\n\n1. `pip install -r requirements.txt`\n2. `make`\n")
        zf.writestr("__MACOSX/._x", "x")
        zf.writestr("../evil.py", "x")
    result = check_json(repo, "submissions/g10/final/code.zip")
    findings = [x for f in result["files"] for x in f["findings"]] + result["findings"]
    assert findings
    by_rule = {x["rule"]: x for x in findings}
    assert all(x["source"] in SOURCES for x in findings)
    assert not [x for x in findings if x["source"] == "checker" and x["severity"] == "error"]
    assert by_rule["zip.unsafe-path"]["source"] == "staff"
    assert "unpack outside its folder" in by_rule["zip.unsafe-path"]["staff_rule"]


def summary_with_references(path: Path, body_pages: int) -> None:
    """fpdf2: the page's questions as headings over ``body_pages`` full pages, then a page of
    references."""
    from fpdf import FPDF

    from tests.inspect.conftest import LOREM, QUESTIONS

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(False)
    per_page = -(-len(QUESTIONS) // body_pages)
    for page in range(body_pages):
        pdf.add_page()
        for heading in QUESTIONS[page * per_page:(page + 1) * per_page]:
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 5.5, LOREM * 3, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, "References", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for i in range(1, 6):
        pdf.multi_cell(0, 5.5, f"[{i}] A. Author. A paper on systems. In OSDI, 2024.",
                       new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


SUMMARY = "submissions/g03/summaries/2024-11-21.pdf"
SUMMARY_ON_TIME = ("--at", "2024-11-22T17:00:00Z")


def test_a_summary_of_three_pages_and_a_references_page_passes(tmp_path: Path) -> None:
    """The page's "2-3 pages" is silent on references: they never push a summary over 3."""
    repo = CourseRepo(tmp_path / "c")
    summary_with_references(repo.root / SUMMARY, 3)
    result = check_json(repo, SUMMARY, author="ken-t", at=SUMMARY_ON_TIME)
    f = result["files"][0]
    rules = {x["rule"] for x in f["findings"]}
    assert f["facts"]["pages"] == 4 and f["facts"]["body_pages"] == 3, f["facts"]
    assert "pages.too-many" not in rules and result["verdict"] == "pass", f["findings"]


def test_references_count_toward_the_summarys_two_pages(tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "c")
    summary_with_references(repo.root / SUMMARY, 1)
    result = check_json(repo, SUMMARY, author="ken-t", at=SUMMARY_ON_TIME)
    rules = {x["rule"] for x in result["files"][0]["findings"]}
    assert "pages.too-few" not in rules, result["files"][0]["findings"]


def test_a_page_deliverables_red_check_is_never_marked_staff(tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "c")
    path = "submissions/g10/final/report.docx"
    target = repo.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    import docx

    document = docx.Document()
    document.add_paragraph("x")
    document.save(str(target))
    result = check_json(repo, path)
    [x] = [x for x in result["files"][0]["findings"] if x["rule"] == "format.unsupported"]
    assert x["source"] == "page" and x["severity"] == "error" and "staff_rule" not in x


def test_staff_choice_warning_stays_a_warning() -> None:
    f = stamp(warning("sections.order", "m", "h"), COURSE, COURSE.deliverables["summary"])
    assert (f.source, f.severity) == ("staff", Severity.WARNING)


def test_a_late_summary_fix_is_told_it_will_not_count() -> None:
    from zoneinfo import ZoneInfo

    from checker.rules.deadlines import which_version_counts

    version = {"commit": "a" * 40, "received_at": "2024-11-22T15:00:00+00:00",
               "blob_sha": "b" * 40}
    f = which_version_counts("s.pdf", "Paper summary", False, version,
                             ZoneInfo("America/Detroit"))
    assert f is not None and "will not be counted" in f.message
    assert "commit aaaaaaaaaaaa" in f.message and "Fri 2024-11-22 10:00" in f.message
    assert which_version_counts("s.pdf", "Paper summary", False, None,
                                ZoneInfo("America/Detroit")) is None


def test_a_categorys_shares_weigh_its_deliverables() -> None:
    from checker.staff.students import weighted_mean

    project = next(c for c in COURSE.grading if c.name == "Project Report")
    assert (project.share("report"), project.share("proposal")) == (70, 10)
    # a missing proposal (0) costs 10 % of the category, not a third of it
    assert weighted_mean([(0.0, project.share("proposal")), (100.0, project.share("report")),
                          (100.0, project.share("code"))]) == 90.0
    assert weighted_mean([(None, 1.0)]) is None
