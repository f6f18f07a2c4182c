"""The `check` job counts a DOCX's pages exactly: it asks the checker whether the pull request
carries a DOCX, installs LibreOffice only then, and never passes a page limit on an estimate.
The workflow's own steps, read from the YAML, run by the workflow harness against the fake
GitHub (the harness records `sudo apt-get` steps and gives later steps this machine's
LibreOffice; before such a step, none, like the runner image)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from core.course_repo import pdf_bytes, summary_docx  # noqa: E402
from fake_github import FakeGitHub  # noqa: E402
from test_gh_e2e import WORKFLOW, Course, bot_comment, debug, env, run_workflow  # noqa: E402

__all__ = ["env"]  # the fixture, shared with test_gh_e2e

SUMMARY = "submissions/g11/summaries/2024-10-03"
AT = "2024-10-03T20:00:00Z"
ASK = "Ask the checker what the change needs (a DOCX needs LibreOffice for its pages)"
INSTALL = "Install LibreOffice (exact DOCX page counts; only when the PR carries a DOCX)"


def test_the_install_is_its_own_conditional_step_within_the_job_budget() -> None:
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["check"]
    names = [s.get("name") for s in job["steps"]]
    ask, install = job["steps"][names.index(ASK)], job["steps"][names.index(INSTALL)]
    assert names.index(ASK) < names.index(INSTALL) < names.index(
        "Check the submission (annotations on stdout, result JSON for publish)")
    assert "python -m checker needs" in ask["run"] and ask["id"] == "needs"
    assert install["if"] == "steps.needs.outputs.libreoffice == 'true'"
    assert "libreoffice-writer-nogui" in install["run"]
    assert install["timeout-minutes"] < job["timeout-minutes"]


def test_a_pdf_pull_request_installs_nothing(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    head = course.push(5, {SUMMARY + ".pdf": pdf_bytes(2)})
    jobs = run_workflow(course, fake, 5, head, AT, author="edsger-d")
    assert jobs["check"].step(ASK).stdout.startswith("libreoffice=false"), debug(jobs)
    assert jobs["check"].step(INSTALL).outcome == "skipped"


def test_a_docx_is_counted_exactly_in_ci(env: tuple[Course, FakeGitHub]) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: exact DOCX page counts untested")
    course, fake = env
    # 5 pages laid out, about 3 by estimate: the estimate alone would pass the 3-page limit
    head = course.push(6, {SUMMARY + ".docx": summary_docx(20)})
    jobs = run_workflow(course, fake, 6, head, AT, author="edsger-d")
    check = jobs["check"]
    assert check.step(ASK).stdout.startswith("libreoffice=true\ndocx=1"), debug(jobs)
    assert check.step(INSTALL).outcome == "success"
    assert check.outputs["rc"] == "1"  # needs fixing (the job stays green: publish says it)
    assert "title=pages.too-many::" in check.stdout and "has 5 pages" in check.stdout
    assert "pages.not-exact" not in check.stdout
    assert "5 pages" in bot_comment(fake, 6)["body"]


def test_no_exact_count_never_passes_the_page_limit(env: tuple[Course, FakeGitHub]) -> None:
    course, fake = env
    # LibreOffice could not lay it out (here: none is there even after the install step)
    head = course.push(7, {SUMMARY + ".docx": summary_docx(10)})  # fits, by estimate and truly
    jobs = run_workflow(course, fake, 7, head, AT, author="edsger-d",
                        extra_env={"CHECKER_SOFFICE": "none"})
    check = jobs["check"]
    assert check.step(INSTALL).outcome == "success", debug(jobs)
    assert check.outputs["rc"] == "1"  # needs fixing (the job stays green: publish says it)
    assert "title=pages.not-exact::" in check.stdout
    body = bot_comment(fake, 7)["body"].replace("\\", "")  # as read: markdown unescaped
    assert "pages.not-exact" in body and "never passed on an estimate" in body
    assert "PDF" in body and "always exact" in body


def test_libreoffice_packages_are_downloaded_once_then_restored(
        env: tuple[Course, FakeGitHub]) -> None:
    """The packages come from the Actions cache when it has them; a run that had to download
    them saves them at once, before the step that reads the pull request's files."""
    course, fake = env
    cache = course.tmp / "actions-cache"  # the harness's cache of this repository
    restore, save = ("Restore LibreOffice's packages (downloaded once per runner image)",
                     "Keep LibreOffice's packages for the next DOCX (before any file is read)")
    head = course.push(8, {SUMMARY + ".docx": summary_docx(10)})
    no_layout = {"CHECKER_SOFFICE": "none"}  # the cache is under test, not the page count
    check = run_workflow(course, fake, 8, head, AT, author="edsger-d",
                         extra_env=no_layout)["check"]
    names = [s.name for s in check.steps]
    assert names.index(restore) < names.index(INSTALL) < names.index(save) < names.index(
        "Check the submission (annotations on stdout, result JSON for publish)")
    assert check.step(save).outcome == "success"  # a miss: saved (apt ran nowhere here)
    install = yaml.safe_load(WORKFLOW.read_text())["jobs"]["check"]["steps"][
        names.index(INSTALL)]
    assert '-o Dir::Cache::Archives="$ARCHIVES"' in install["run"]
    assert "/var/lib/man-db/auto-update" in install["run"]
    key = "libreoffice-writer-nogui-image-unknown"  # no ImageOS/ImageVersion off a runner
    (cache / key).mkdir(parents=True)  # as a run on a real runner leaves it
    (cache / key / "libreoffice-writer.deb").write_bytes(b"!<arch>\n")
    check = run_workflow(course, fake, 8, head, AT, author="edsger-d",
                         extra_env=no_layout)["check"]
    assert check.step(restore).outcome == "success" and check.step(save).outcome == "skipped"
    assert (course.tmp / "run-1" / "jobs" / "check" / "temp" / "libreoffice-debs" /
            "libreoffice-writer.deb").is_file()  # where apt looks for them first
