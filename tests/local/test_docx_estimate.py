"""A DOCX page count: exact with LibreOffice; without it, an estimate with a range (its measured
error), and never a pass of a page limit that the estimate cannot vouch for. Locally (no
LibreOffice): a range wholly over the limit is `pages.too-many` (an error), a range across the
limit is `pages.not-verified` (an error: the pre-push hook refuses it), and only a range
wholly inside the limit passes, with a `pages.estimate` warning. In the pull request's check
(CI) no limit passes on an estimate (`pages.not-exact`).

Summaries of real prose written with python-docx (tests/core/docx_prose.py), checked through
the public CLI in a course repository, laid out by the real LibreOffice where it is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from tests.core.course_repo import SUMMARY_SECTIONS, CourseRepo, git
from tests.core.docx_prose import Variant, build

SUMMARY = "submissions/g11/summaries/2024-10-03.docx"
AT = "2024-10-03T20:00:00Z"
ROOT = Path(__file__).resolve().parents[2]


def summary(words: int, spacing: float = 2.0) -> bytes:
    """A summary of the Oct 3 paper in Times New Roman 12 pt, with the page's sections."""
    return build(Variant("summary", words, spacing=spacing, headings=SUMMARY_SECTIONS,
                         title="Summary of PagedAttention"))


SIX_PAGES = 1500  # words, double spaced: six pages laid out as Word does
WITHIN = 500  # about two pages and a third
ACROSS = 700  # about two and a half to three pages: the estimate cannot tell


def check(root: Path, capsys: pytest.CaptureFixture[str], fmt: str = "json") -> tuple[int, str]:
    code = main(["check", "--root", str(root), SUMMARY, "--author", "edsger-d", "--at", AT,
                 "--format", fmt])
    return code, capsys.readouterr().out


def checked(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes,
            fmt: str = "json") -> tuple[int, Any]:
    repo = CourseRepo(tmp_path / "course")
    repo.write(SUMMARY, data)
    code, out = check(repo.root, capsys, fmt)
    return code, (json.loads(out)["files"][0] if fmt == "json" else out)


@pytest.fixture
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKER_SOFFICE", "none")


@pytest.mark.usefixtures("no_libreoffice")
def test_six_double_spaced_pages_fail_without_libreoffice(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, f = checked(tmp_path, capsys, summary(SIX_PAGES))
    facts = f["facts"]
    assert facts["pages_exact"] is False and facts["pages"] == 6
    low, high = facts["pages_range"]
    assert 3 < low <= 6 <= high
    [finding] = [x for x in f["findings"] if x["rule"].startswith("pages.")]
    assert finding["rule"] == "pages.too-many" and finding["severity"] == "error"
    assert f"an estimate of 6 pages (range {low}-{high})" in finding["message"]
    assert "even at the estimate's lowest" in finding["message"]
    assert "export a PDF" in finding["hint"] and "install LibreOffice" in finding["hint"]
    assert code == 1  # the student is stopped here, as CI would stop the pull request


@pytest.mark.usefixtures("no_libreoffice")
def test_an_estimate_clearly_within_the_limit_passes_and_says_it_is_an_estimate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, f = checked(tmp_path, capsys, summary(WITHIN))
    low, high = f["facts"]["pages_range"]
    assert 2 <= low <= high <= 3
    [estimate] = [x for x in f["findings"] if x["rule"].startswith("pages.")]
    assert estimate["rule"] == "pages.estimate" and estimate["severity"] == "warning"
    assert f"ESTIMATED page count, about {f['facts']['pages']} pages (range {low}-{high})" in \
        estimate["message"]
    assert "within the page limit" in estimate["message"]
    assert code == 0
    _, text = checked(tmp_path / "text", capsys, summary(WITHIN), "text")
    assert "(ESTIMATED, not an exact count)" in text and "! warning pages.estimate" in text


@pytest.mark.usefixtures("no_libreoffice")
def test_an_estimate_close_to_the_limit_is_not_verified(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, f = checked(tmp_path, capsys, summary(ACROSS))
    pages = f["facts"]["pages"]
    low, high = f["facts"]["pages_range"]
    assert low <= 3 < high  # the limit (at most 3) lies inside the range
    [finding] = [x for x in f["findings"] if x["rule"].startswith("pages.")]
    assert finding["rule"] == "pages.not-verified" and finding["severity"] == "error"
    message, hint = finding["message"], finding["hint"]
    assert message.startswith(f"{SUMMARY}: the page limit (2 to 3 pages")
    assert f"an estimate of {pages} pages (range {low}-{high})" in message
    assert "measured against LibreOffice" in message and "either side of the limit" in message
    assert "export a PDF and submit it instead of the .docx" in message  # the two ways
    assert "sudo apt-get install libreoffice-writer-nogui" in message
    assert "export a PDF" in hint and "submit the PDF in place of the .docx" in hint
    assert "sudo apt-get install libreoffice-writer-nogui" in hint
    assert "brew install --cask libreoffice" in hint and "run the check again" in hint
    assert code == 1


def test_in_ci_no_limit_passes_on_an_estimate(tmp_path: Path) -> None:
    from checker.facts import FileFacts
    from checker.model import PageRule
    from checker.rules.document import page_findings

    facts = FileFacts(path=SUMMARY, kind="docx", size=1, pages=2, pages_exact=False,
                      pages_range=[2, 3], body_pages=2, body_pages_range=[2, 3])
    rule = PageRule(min=2, max=3, references_count=False)
    [ci] = page_findings(facts, rule, ci=True)
    assert ci.rule == "pages.not-exact" and ci.severity.value == "error"
    assert "(range 2-3)" in ci.message and "never passed on an estimate" in ci.message
    [local] = page_findings(facts, rule)
    assert local.rule == "pages.estimate" and local.severity.value == "warning"


def test_an_estimates_minimum_counts_the_references_and_its_maximum_does_not() -> None:
    from checker.facts import FileFacts
    from checker.model import PageRule
    from checker.rules.document import page_findings

    rule = PageRule(min=2, max=3, references_count=False)

    def local(pages: list[int], body: list[int]) -> list[tuple[str, str]]:
        facts = FileFacts(path=SUMMARY, kind="docx", size=1, pages=pages[1], pages_exact=False,
                          pages_range=pages, body_pages=body[1], body_pages_range=body,
                          references_page=body[1])
        return [(f.rule, f.severity.value) for f in page_findings(facts, rule)]

    # two pages of text and one of references: within 2-3 whatever the estimate's error
    assert local([3, 4], [2, 3]) == [("pages.estimate", "warning")]
    assert local([4, 5], [4, 4]) == [("pages.too-many", "error")]  # the text alone is over
    assert local([1, 1], [1, 1]) == [("pages.too-few", "error")]  # even with the references
    assert local([1, 2], [1, 1]) == [("pages.not-verified", "error")]  # the minimum is close
    [finding] = page_findings(FileFacts(
        path=SUMMARY, kind="docx", size=1, pages=2, pages_exact=False, pages_range=[1, 2],
        body_pages=1, body_pages_range=[1, 1], references_page=1), rule)
    assert "the minimum of 2 inside its range" in finding.message
    assert "an estimate of 2 pages (range 1-2)" in finding.message


def test_the_hook_refuses_a_push_the_estimate_cannot_verify(tmp_path: Path) -> None:
    course = CourseRepo(tmp_path / "course")
    course.init_git()
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(course.root, "push", "-q", str(origin), "main")
    student = tmp_path / "student"
    git(tmp_path, "clone", "-q", str(origin), str(student))
    git(student, "config", "user.email", "edsger-d@umich.edu")  # g11 writes the Oct 3 summary
    git(student, "config", "user.name", "Edsger")
    git(student, "checkout", "-q", "-b", "summary")
    env = {**os.environ, "CHECKER_SOFFICE": "none"}
    hook = subprocess.run([sys.executable, "-m", "checker", "install-hook"], cwd=student,
                          capture_output=True, text=True, env=env, timeout=120)
    assert hook.returncode == 0, hook.stderr
    (student / SUMMARY).parent.mkdir(parents=True)
    (student / SUMMARY).write_bytes(summary(ACROSS))
    git(student, "add", SUMMARY)
    git(student, "commit", "-q", "-m", "summary")
    push = subprocess.run(["git", "push", "-q", "origin", "summary"], cwd=student,
                          capture_output=True, text=True, env=env, timeout=300)
    assert push.returncode != 0
    assert "pages.not-verified" in push.stdout + push.stderr
    assert "push refused by the submission checker" in push.stderr
    assert git(student, "ls-remote", "origin", "summary") == ""
    # the same summary, shorter: the estimate vouches for it and the push goes through
    (student / SUMMARY).write_bytes(summary(WITHIN))
    git(student, "commit", "-q", "-am", "shorter")
    push = subprocess.run(["git", "push", "-q", "origin", "summary"], cwd=student,
                          capture_output=True, text=True, env=env, timeout=300)
    assert push.returncode == 0, push.stdout + push.stderr


def test_with_libreoffice_the_count_is_exact(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: exact DOCX page counts untested")
    code, f = checked(tmp_path, capsys, summary(SIX_PAGES))
    # 6 pages with the metric-compatible fonts (as in Word), 7 where only DejaVu is installed
    assert f["facts"]["pages_exact"] is True and f["facts"]["pages"] in (6, 7)
    assert "pages_range" not in f["facts"]
    assert [x["rule"] for x in f["findings"]] == ["pages.too-many"] and code == 1
