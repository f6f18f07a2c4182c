"""Messages for the common mistakes, through the public CLI on a course repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from tests.core.course_repo import CourseRepo

QUESTIONS = "submissions/questions/2024-10-03/ken-t.md"  # g03 is not on the Oct 3 panel
BEFORE = "2024-10-02T12:00:00-04:00"


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    return CourseRepo(tmp_path / "course")


def check(repo: CourseRepo, capsys: pytest.CaptureFixture[str], *paths: str,
          author: str = "ken-t", at: str = BEFORE) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--root", str(repo.root), *paths, "--author", author, "--at", at,
                 "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def findings(result: dict[str, Any], path: str) -> list[dict[str, Any]]:
    return next(f["findings"] for f in result["files"] if f["path"] == path)


@pytest.mark.parametrize("text", [
    # full-width question marks, as Chinese and Japanese input methods type them
    "## PagedAttention\n- 为什么块大小是16\uff1f\n\n## vAttention\n- 需要修改驱动吗\uff1f\n",
    # setext headings (=== and --- underlines)
    "PagedAttention\n==============\n- Why 16 tokens a block?\n\n"
    "vAttention\n----------\n- Does it need driver changes?\n",
])
def test_full_width_question_marks_and_setext_headings_count(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str], text: str) -> None:
    repo.write(QUESTIONS, text)
    code, res = check(repo, capsys, QUESTIONS)
    assert (code, findings(res, QUESTIONS)) == (0, [])


def test_a_setext_heading_alone_is_not_a_question(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(QUESTIONS, "Why PagedAttention?\n===\n- no question here\n\n## vAttention\n- Ok?\n")
    code, res = check(repo, capsys, QUESTIONS)
    [f] = findings(res, QUESTIONS)
    assert code == 1 and f["rule"] == "questions.too-few" and "PagedAttention" in f["message"]


def test_path_unknown_gives_one_did_you_mean(repo: CourseRepo,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # ada-lovelace (g10) misspells her group's proposal; her own paths are twenty or more
    wrong = "submissions/g10/propsal.pdf"
    repo.write(wrong, b"%PDF-1.4\n")
    code, res = check(repo, capsys, wrong, author="ada-lovelace", at="2024-09-10T12:00:00Z")
    [f] = findings(res, wrong)
    assert code == 1 and f["rule"] == "path.unknown"
    assert f["hint"] == ("Did you mean submissions/g10/proposal.pdf? Move it there "
                         f"(`git add -- {wrong} && git mv -- {wrong} "
                         "submissions/g10/proposal.pdf`).")
    # a summary under the wrong name: the closest path, with the file's own extension
    wrong = "submissions/g10/summary/2024-11-26.docx"
    repo.write(wrong, b"PK")
    _, res = check(repo, capsys, wrong, author="ada-lovelace", at="2024-09-10T12:00:00Z")
    [f] = findings(res, wrong)
    assert f["hint"].startswith("Did you mean submissions/g10/summaries/2024-11-26.docx?")
    assert f["hint"].count("submissions/") == 5  # one suggestion (and the mkdir, add, mv)


def test_undeclared_group_advice_never_leads_into_duplicate_member(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    # g05 has no group.yaml; ada-lovelace is in g10
    slides = "submissions/g05/proposal.pdf"
    repo.write(slides, b"%PDF-1.4\n")
    code, res = check(repo, capsys, slides, author="ada-lovelace", at="2024-09-10T12:00:00Z")
    [f] = [x for x in findings(res, slides) if x["rule"].startswith("auth.")]
    assert code == 1 and f["rule"] == "auth.not-member"
    assert "You are in g10" in f["hint"] and "submissions/g10/" in f["hint"]
    assert "Do not add yourself" in f["hint"] and "listing ada-lovelace" not in f["hint"]
    stray = "submissions/g05/notes.txt"
    repo.write(stray, "notes")
    _, res = check(repo, capsys, stray, author="ada-lovelace", at="2024-09-10T12:00:00Z")
    [f] = findings(res, stray)
    assert f["rule"] == "path.protected" and "You are in g10" in f["hint"]
    assert "declare it first" not in f["hint"]
    # a student in no group is told to declare it
    _, res = check(repo, capsys, stray, author="new-student", at="2024-09-10T12:00:00Z")
    [f] = findings(res, stray)
    assert "declare it first" in f["hint"] and "submissions/g05/group.yaml" in f["hint"]


def test_a_code_folder_instead_of_code_zip_is_one_finding(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [f"submissions/g10/final/code/src/module_{i}.py" for i in range(30)]
    paths.append("submissions/g10/final/code/README.md")
    for p in paths:
        repo.write(p, "print('hello')\n")
    code, res = check(repo, capsys, *paths, author="ada-lovelace", at="2024-12-01T12:00:00Z")
    assert code == 1 and res["files"] == []
    [f] = res["findings"]
    assert f["rule"] == "zip.folder" and f["severity"] == "error"
    assert f["message"] == ("submissions/g10/final/code/: 31 file(s) pushed as a folder; the "
                            "course expects one archive, submissions/g10/final/code.zip.")
    assert "`cd submissions/g10/final && zip -r code.zip code && git rm -r -q --cached " \
        "--ignore-unmatch code && git add code.zip`" in f["hint"]
    code = main(["check", "--root", str(repo.root), *paths, "--author", "ada-lovelace",
                 "--at", "2024-12-01T12:00:00Z", "--format", "markdown"])
    assert len(capsys.readouterr().out) < 4000  # one finding, not 31 (the 34 KB comment)


def test_os_junk_is_one_warning_and_the_gitignore_lists_it(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import subprocess

    from tests.core.course_repo import pdf_bytes

    slides = "submissions/g10/slides/2024-10-03.pdf"
    repo.write(slides, pdf_bytes(12))
    junk = ["submissions/g10/.DS_Store", "submissions/g10/slides/Thumbs.db",
            "submissions/g10/~$proposal.docx", "submissions/g10/.~lock.proposal.docx#",
            "submissions/g10/__MACOSX/slides/._2024-10-03.pdf"]
    for p in junk:
        repo.write(p, b"\0junk")
    code, res = check(repo, capsys, slides, *junk, author="ada-lovelace", at=BEFORE)
    assert code == 0 and [f["path"] for f in res["files"]] == [slides]
    [f] = res["findings"]
    assert f["rule"] == "files.os-junk" and f["severity"] == "warning"
    assert all(p in f["message"] for p in junk) and "git rm --cached" in f["hint"]
    # the course repository's .gitignore keeps them out of a clone's `git add -A`
    root = Path(__file__).resolve().parents[2]
    (repo.root / ".gitignore").write_text((root / ".gitignore").read_text())
    subprocess.run(["git", "init", "-q", str(repo.root)], check=True)
    ignored = subprocess.run(["git", "-C", str(repo.root), "check-ignore", *junk],
                             capture_output=True, text=True).stdout.split()
    assert ignored == junk


def test_hints_keep_their_code_spans_and_submitted_text_stays_escaped(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "submissions/g10/a`<img src=x onerror=alert(1)>`@everyone.md"
    repo.write(hostile, "x")
    repo.write("schedule.yaml", (repo.root / "schedule.yaml").read_text() + "\n")
    code = main(["check", "--root", str(repo.root), "schedule.yaml", hostile, "--author",
                 "ada-lovelace", "--at", BEFORE, "--format", "markdown"])
    out = capsys.readouterr().out
    assert code == 1
    # the checker's own command is a code span ...
    assert "<code>git checkout upstream\\/main \\-\\- schedule\\.yaml</code>" in out
    # ... and nothing submitted becomes markup: no raw tag, no live mention
    import re

    assert not re.search(r"(?<!\\)<img", out) and "@everyone" not in out
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in out


def test_the_comment_names_deliverables_by_title_with_pages_and_time_left(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.core.course_repo import pdf_bytes

    summary = "submissions/g11/summaries/2024-10-03.pdf"  # due Oct 4, 12:00 (UTC-04:00)
    repo.write(summary, pdf_bytes(3))
    main(["check", "--root", str(repo.root), summary, "--author", "edsger-d",
          "--at", "2024-10-03T15:01:00-04:00", "--format", "markdown"])
    out = capsys.readouterr().out
    assert "| Paper summary · 3 pages |" in out
    assert "✅ on time, 20 h 59 min before the deadline" in out


def test_hundreds_of_files_still_lead_with_what_to_fix(
        repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [f"submissions/g10/notes/n{i:03d}.txt" for i in range(280)]
    for p in paths:
        repo.write(p, "x")
    main(["check", "--root", str(repo.root), *paths, "--author", "ada-lovelace",
          "--at", BEFORE, "--format", "markdown"])
    out = capsys.readouterr().out
    head, _, rest = out.partition("#### What to fix first")
    assert rest and "n000" not in head  # the fixes come before any file list
    assert rest.splitlines()[2].startswith("- <code>submissions")
    assert "**Fix:**" in rest.splitlines()[2]
