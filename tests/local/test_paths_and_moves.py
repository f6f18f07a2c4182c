"""What `check PATH` says about a path that is not a file of the repository, and the moves it
suggests: to the deliverable a name says (summary.pdf -> the group's summary), to a lower-case
extension, with a command that works in a real git clone whether the file is tracked or not.
Through the public CLI; the suggested commands run in bash, as a student pastes them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.core.course_repo import SUMMARY_SECTIONS, CourseRepo, git, pdf_bytes

AT = "2024-09-10T12:00:00Z"  # before every deadline of g10


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    r = CourseRepo(tmp_path / "course")
    r.init_git()
    return r


def cli(repo: CourseRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=repo.root,
                          capture_output=True, text=True, timeout=300, check=False)


def check(repo: CourseRepo, *paths: str, at: str = AT) -> tuple[int, dict[str, Any]]:
    proc = cli(repo, "check", *paths, "--author", "ada-lovelace", "--at", at, "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def only_finding(result: dict[str, Any], path: str) -> dict[str, Any]:
    [finding] = next(f["findings"] for f in result["files"] if f["path"] == path)
    return finding


def command_in(hint: str) -> str:
    return re.findall(r"`([^`]+)`", hint)[-1]


def g10_session(repo: CourseRepo, deliverable: str = "summary") -> str:
    proc = cli(repo, "deadlines", "--group", "g10", "--format", "json")
    [row] = [r for r in json.loads(proc.stdout) if r["deliverable"] == deliverable]
    return str(row["session"])


@pytest.mark.parametrize("path", ["submissions/g10/proposal.pdf",  # a deliverable's own path
                                  "submissions/g10/nothere.pdf"])
def test_a_path_that_does_not_exist_is_a_usage_error_never_a_deletion(
        repo: CourseRepo, path: str) -> None:
    proc = cli(repo, "check", path, "--author", "ada-lovelace", "--at", AT)
    assert proc.returncode == 2
    assert f"no such file: {path}" in proc.stderr
    assert "PASS" not in proc.stdout + proc.stderr and "deletes" not in proc.stdout + proc.stderr


def test_a_file_outside_the_repository_points_to_inspect(repo: CourseRepo, tmp_path: Path) -> None:
    outside = tmp_path / "draft.pdf"
    outside.write_bytes(pdf_bytes(1))
    for given in (str(outside), "../draft.pdf"):
        proc = cli(repo, "check", given, "--author", "ada-lovelace", "--at", AT)
        assert proc.returncode == 2 and proc.stdout == ""
        assert "outside the repository" in proc.stderr
        assert f"python -m checker inspect {given}" in proc.stderr
    # an absolute path inside the repository is the file it names
    repo.write("submissions/g10/proposal.pdf", pdf_bytes(2))
    _, res = check(repo, str(repo.root / "submissions/g10/proposal.pdf"))
    assert [f["path"] for f in res["files"]] == ["submissions/g10/proposal.pdf"]


@pytest.mark.parametrize("name", ["summary.pdf", "paper-summary.pdf", "My Summary (final).pdf"])
def test_a_summary_by_another_name_points_to_the_groups_summary(
        repo: CourseRepo, name: str) -> None:
    wrong = f"submissions/g10/{name}"
    repo.write(wrong, pdf_bytes(3))
    code, res = check(repo, wrong)
    finding = only_finding(res, wrong)
    expected = f"submissions/g10/summaries/{g10_session(repo)}.pdf"
    assert code == 1 and finding["rule"] == "path.unknown"
    assert finding["hint"].startswith(f"Did you mean {expected}?")
    assert "midterm" not in finding["hint"] and "proposal" not in finding["hint"]


@pytest.mark.parametrize(("name", "expected"), [
    ("slides.pdf", "submissions/g10/slides/{slides}.pdf"),  # not midterm.pdf ("... slides")
    ("final_report.docx", "submissions/g10/final/report.pdf"),
    ("presentation.pptx", "submissions/g10/midterm.pptx"),
    ("propsal.pdf", "submissions/g10/proposal.pdf"),  # no deliverable's word: the closest path
])
def test_a_name_points_to_the_deliverable_it_says(repo: CourseRepo, name: str,
                                                 expected: str) -> None:
    wrong = f"submissions/g10/{name}"
    repo.write(wrong, b"x")
    _, res = check(repo, wrong)
    expected = expected.format(slides=g10_session(repo, "slides"))
    assert only_finding(res, wrong)["hint"].startswith(f"Did you mean {expected}?")


@pytest.mark.parametrize("tracked", [False, True])
def test_the_suggested_move_works_for_untracked_and_tracked_files(
        repo: CourseRepo, tracked: bool) -> None:
    wrong = "submissions/g10/it's my summary $(touch pwned).pdf"  # quotes, spaces, $( )
    data = pdf_bytes(3, list(SUMMARY_SECTIONS))
    repo.write(wrong, data)
    if tracked:
        git(repo.root, "add", "--", wrong)
        git(repo.root, "commit", "-q", "-m", "summary")
    _, res = check(repo, wrong)
    command = command_in(only_finding(res, wrong)["hint"])
    subprocess.run(["bash", "-c", command], cwd=repo.root, check=True, capture_output=True)
    expected = f"submissions/g10/summaries/{g10_session(repo)}.pdf"
    assert not (repo.root / "pwned").exists() and not (repo.root / wrong).exists()
    assert (repo.root / expected).read_bytes() == data
    staged = git(repo.root, "status", "--porcelain", "--untracked-files=all", "--", "submissions")
    # git quotes a name with spaces in its status; renamed when tracked, added when not
    assert staged.splitlines() == ([f'R  "{wrong}" -> {expected}'] if tracked
                                   else [f"A  {expected}"])
    code, res = check(repo, expected)
    assert [x["rule"] for f in res["files"] for x in f["findings"]] == [] and code == 0


def test_an_upper_case_extension_says_rename_to_lower_case_with_the_command(
        repo: CourseRepo) -> None:
    wrong = "submissions/g10/proposal.PDF"
    repo.write(wrong, pdf_bytes(2))
    code, res = check(repo, wrong)
    finding = only_finding(res, wrong)
    assert code == 1 and "rename to lower case" in finding["message"]
    assert finding["hint"].startswith("Rename it to lower case: `")
    subprocess.run(["bash", "-c", command_in(finding["hint"])], cwd=repo.root, check=True,
                   capture_output=True)
    assert sorted(p.name for p in (repo.root / "submissions/g10").iterdir()) == [
        "group.yaml", "proposal.pdf"]
    _, res = check(repo, "submissions/g10/proposal.pdf")
    assert "format.unsupported" not in [x["rule"] for x in res["files"][0]["findings"]]


def test_a_files_errors_come_before_its_warnings(repo: CourseRepo) -> None:
    # late (a warning nothing in the file can change) and named in upper case (an error)
    slides = "submissions/g10/slides/2024-10-03.PDF"
    repo.write(slides, pdf_bytes(12))
    late = "2024-10-03T12:00:00-04:00"
    proc = cli(repo, "check", slides, "--author", "ada-lovelace", "--at", late)
    _, res = check(repo, slides, at=late)
    [f] = res["files"]
    assert [x["rule"] for x in f["findings"]] == ["deadline.late", "format.unsupported"]
    # a PDF is the page's format; naming it in lower case is the staff's layout of the folder
    upper = f["findings"][1]
    assert upper["source"] == "staff" and "by pull request" in upper["staff_rule"]
    text = proc.stdout
    assert text.index("error format.unsupported") < text.index("warning deadline.late")
    comment = cli(repo, "check", slides, "--author", "ada-lovelace", "--at", late,
                  "--format", "markdown").stdout
    assert comment.index("format\\.unsupported") < comment.index("deadline\\.late")


def test_the_code_folder_command_works_before_the_folder_is_committed(repo: CourseRepo) -> None:
    files = [f"submissions/g10/final/code/src/main {i}.py" for i in range(3)]
    for path in files:
        repo.write(path, "print('hello')\n")
    proc = cli(repo, "check", *files, "--author", "ada-lovelace", "--at", AT, "--format", "json")
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["rule"] == "zip.folder"
    subprocess.run(["bash", "-c", command_in(finding["hint"])],
                   cwd=repo.root, check=True, capture_output=True)
    status = git(repo.root, "status", "--porcelain", "--", "submissions/g10/final")
    assert "A  submissions/g10/final/code.zip" in status.splitlines()
