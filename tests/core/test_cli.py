"""The CLI end to end, as a student or staff member runs it, on a temporary course repo
with files made by fpdf2 and real git history."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from tests.core.course_repo import CourseRepo, git, pdf_bytes

SLIDES = "submissions/g10/slides/2024-10-03.pdf"
SECTIONS = ["1. Problem and Importance", "2. Related Work", "3. Proposed Solution and Key Insight",
            "4. Drawbacks and Limitations", "5. Future Research Directions",
            "6. Key Observations from the Class Discussion"]


@pytest.fixture
def repo(tmp_path: Path) -> CourseRepo:
    r = CourseRepo(tmp_path / "course")
    r.write(SLIDES, pdf_bytes(12))
    return r


def check(repo: CourseRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["check", "--root", str(repo.root), "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else out


def rules(result: dict[str, Any]) -> dict[str, list[str]]:
    return {f["path"]: [x["rule"] for x in f["findings"]] for f in result["files"]}


def test_slides_one_second_before_and_after_the_deadline(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, res = check(repo, capsys, SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-02T10:29:59-04:00")
    assert code == 0 and res["verdict"] == "pass"
    [f] = res["files"]
    assert (f["deliverable"], f["group"], f["session"]) == ("slides", "g10", "2024-10-03")
    assert (f["due"], f["status"], f["late_seconds"]) == ("2024-10-02T10:30:00-04:00", "on-time", 0)
    code, res = check(repo, capsys, SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-02T14:30:01Z")
    [f] = res["files"]
    assert (f["status"], f["late_seconds"]) == ("late", 1)
    assert rules(res) == {SLIDES: ["deadline.late"]}
    assert code == 0  # lateness is recorded, not something the student can fix


def test_summary_after_the_dst_change(repo: CourseRepo,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = "submissions/g03/summaries/2024-11-21.pdf"
    repo.write(path, pdf_bytes(3, SECTIONS))
    _, res = check(repo, capsys, path, "--author", "ken-t", "--at", "2024-11-22T17:00:00Z")
    [f] = res["files"]
    assert f["due"] == "2024-11-22T12:00:00-05:00" and f["status"] == "on-time", res
    _, res = check(repo, capsys, path, "--author", "ken-t", "--at", "2024-11-22T19:14:00Z")
    [f] = res["files"]
    assert f["late_seconds"] == 2 * 3600 + 14 * 60
    assert "2 h 14 min late" in f["findings"][0]["message"]


def test_summary_by_the_wrong_group_and_a_non_member(repo: CourseRepo,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    wrong = "submissions/g10/summaries/2024-10-03.pdf"
    repo.write(wrong, pdf_bytes(3, SECTIONS))
    code, res = check(repo, capsys, wrong, SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-01T00:00:00Z")
    assert code == 1 and res["verdict"] == "fail"
    assert rules(res)[wrong] == ["auth.not-assigned"]
    code, res = check(repo, capsys, SLIDES, "--author", "edsger-d", "--at", "2024-10-01T00:00:00Z")
    assert code == 1 and rules(res) == {SLIDES: ["auth.not-member"]}


def test_student_touching_schedule_and_staff_overriding(repo: CourseRepo,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, res = check(repo, capsys, "schedule.yaml", SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-01T00:00:00Z")
    assert code == 1 and rules(res) == {"schedule.yaml": ["path.protected"], SLIDES: []}
    code, res = check(repo, capsys, "schedule.yaml", SLIDES, "--author", "Mosharaf",
                      "--at", "2024-10-01T00:00:00Z")
    assert code == 0 and rules(res) == {"schedule.yaml": [], SLIDES: []}


def test_an_extension_in_schedule_yaml(repo: CourseRepo,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo.root / "schedule.yaml").read_text(encoding="utf-8")
    (repo.root / "schedule.yaml").write_text(text.replace(
        "extensions: []",
        "extensions:\n  - {deliverable: slides, group: g10, extra: 2d, "
        'reason: "conference travel"}'),
        encoding="utf-8")
    code, res = check(repo, capsys, SLIDES, "--author", "ada-lovelace",
                      "--at", "2024-10-03T09:00:00-04:00")
    [f] = res["files"]
    assert code == 0 and f["status"] == "on-time" and f["due"] == "2024-10-04T10:30:00-04:00"
    assert rules(res) == {SLIDES: ["deadline.extension"]}
    assert "extension applied" in f["findings"][0]["message"]
    assert "conference travel" not in json.dumps(res)  # the reason is staff's, never shown


def test_broken_schedule_is_exit_2_with_file_and_line(repo: CourseRepo,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo.root / "schedule.yaml").read_text(encoding="utf-8")
    (repo.root / "schedule.yaml").write_text(
        text.replace("pages: {min: 2, max: 3,", "pages: {min: 2, max: three,"), encoding="utf-8")
    code = main(["check", "--root", str(repo.root), SLIDES, "--author", "ada-lovelace"])
    err = capsys.readouterr().err
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "max: 3," in x)
    assert code == 2
    assert f"schedule.yaml:{line}: deliverables.summary.pages.max: expected integer" in err
    assert "Traceback" not in err
    assert main(["validate", "--root", str(repo.root)]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--author", "ada-lovelace", "--at", "yesterday"], "--at"),
     (["--at", "2024-10-01T00:00:00Z"], "--author"),
     (["--author", "x", "--root", "/nonexistent"], "not a directory")],
)
def test_usage_errors_are_exit_2(repo: CourseRepo, capsys: pytest.CaptureFixture[str],
                                 args: list[str], message: str) -> None:
    argv = ["check", SLIDES, *args] if "--root" in args else [
        "check", "--root", str(repo.root), SLIDES, *args]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_text_and_annotation_formats(repo: CourseRepo,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--root", str(repo.root), SLIDES, "schedule.yaml", "--author",
                 "ada-lovelace", "--at", "2024-10-02T16:44:00Z"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("FAIL: 1 problem(s) to fix (1 warning(s))")
    assert "LATE by 2 h 14 min" in out and "fix: Take this file out" in out
    main(["check", "--root", str(repo.root), "schedule.yaml", "--author", "ada-lovelace",
          "--at", "2024-10-01T00:00:00Z", "--format", "github"])
    out = capsys.readouterr().out
    assert out.startswith("::error file=schedule.yaml,title=path.protected::schedule.yaml: only")


def test_local_check_of_the_current_branch_with_git(repo: CourseRepo) -> None:
    """A student's flow: commit on a branch, run `python -m checker check` with no PATH."""
    (repo.root / SLIDES).unlink()
    repo.init_git()
    git(repo.root, "checkout", "-q", "-b", "my-slides")
    repo.write(SLIDES, pdf_bytes(10))
    git(repo.root, "add", SLIDES)
    # A forged commit date far before the deadline changes nothing: it is never read.
    subprocess.run(["git", "-C", str(repo.root), "commit", "-q", "-m", "slides"], check=True,
                   env={"GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
                        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
                        "PATH": "/usr/bin:/bin", "HOME": str(repo.root)})
    repo.write("submissions/g10/notes.txt", "scratch")  # untracked, still part of the change
    proc = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--base", "main", "--author", "ada-lovelace",
         "--at", "2024-10-02T11:00:00-04:00", "--format", "json"],
        cwd=repo.root, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1, proc.stderr
    res = json.loads(proc.stdout)
    assert rules(res) == {SLIDES: ["deadline.late"], "submissions/g10/notes.txt": ["path.unknown"]}
    sha = git(repo.root, "rev-parse", f"HEAD:{SLIDES}").strip()
    assert res["files"][0]["blob_sha"] == sha


def test_ci_mode_reads_the_pr_head_from_git_objects_only(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """--head: the PR's files come from git objects; the work tree (base) is never changed."""
    (repo.root / SLIDES).unlink()
    repo.open_pr_branch()
    weird = "submissions/g10/$(touch pwned);\n`x`.pdf"
    repo.write(SLIDES, pdf_bytes(10))
    repo.write(weird, pdf_bytes(1))
    repo.write("schedule.yaml", "course: hacked\n")
    git(repo.root, "add", "-A")
    head = repo.commit_pr()
    code, res = check(repo, capsys, "--base", "main", "--head", head, "--author", "ada-lovelace",
                      "--at", "2024-10-01T00:00:00Z")
    assert code == 1 and res["head_sha"] == head
    assert rules(res) == {SLIDES: [], weird: ["path.unknown"], "schedule.yaml": ["path.protected"]}
    assert not (repo.root / "pwned").exists() and not (repo.root / SLIDES).exists()


def test_deadlines_command_json_and_ics(repo: CourseRepo,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadlines", "--root", str(repo.root), "--group", "g10", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    slides = next(r for r in rows if r["deliverable"] == "slides")
    assert slides == {"deliverable": "slides", "group": "g10", "session": "2024-10-03",
                      "topic": "Inference", "set_by": "page",
                      "due": "2024-10-02T10:30:00-04:00"}
    assert main(["deadlines", "--root", str(repo.root), "--student", "Alan-Turing",
                 "--format", "ics"]) == 0
    ics = capsys.readouterr().out
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == 8 + 12  # no questions where g10 is on the panel
    assert "UID:slides-g10-2024-10-03@submission-checker" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert main(["deadlines", "--root", str(repo.root), "--group", "g99"]) == 2


def test_validate_checks_every_declaration(repo: CourseRepo,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(repo.root)]) == 0
    assert capsys.readouterr().out.startswith("OK: schedule.yaml (30 sessions")
    repo.write("submissions/g12/group.yaml",
               "members:\n  - {github: ada-lovelace, name: Ada, email: ada@umich.edu}\n")
    repo.write("submissions/g13/group.yaml", "members: [oops\n")
    assert main(["validate", "--root", str(repo.root)]) == 1
    out = capsys.readouterr().out
    assert "submissions/g13/group.yaml:2: is not valid YAML" in out
    assert "group g12 lists 1 member(s); groups have 3 to 4" in out
    assert "ada-lovelace is already a member of group g10" in out


def test_one_run_writes_annotations_and_the_result_json(repo: CourseRepo, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "result.json"
    code = main(["check", "--root", str(repo.root), "schedule.yaml", "--author", "ada-lovelace",
                 "--at", "2024-10-01T00:00:00Z", "--format", "github", "--json", str(out_json)])
    assert code == 1
    assert capsys.readouterr().out.startswith("::error file=schedule.yaml")
    assert json.loads(out_json.read_text())["files"][0]["findings"][0]["rule"] == "path.protected"


def test_json_output_follows_the_shipped_schema(repo: CourseRepo,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema

    from checker.yamlfile import schema

    gone = "submissions/g10/gone.pdf"
    repo.write(gone, pdf_bytes(1))
    repo.open_pr_branch()  # the work tree's changes against main: one of each kind
    git(repo.root, "rm", "-q", gone)
    repo.write(SLIDES, pdf_bytes(11))
    repo.write("schedule.yaml", (repo.root / "schedule.yaml").read_text() + "\n")
    repo.write("submissions/g10/proposal.docx", b"PK\x03\x04 not really")
    repo.write("submissions/questions/2024-10-03/ada-lovelace.md", "## PagedAttention\n- why?\n")
    _, res = check(repo, capsys, "--base", "main",
                   "--author", "ada-lovelace", "--at", "2024-10-02T10:30:00-04:00")
    assert len(res["files"]) == 5
    jsonschema.Draft202012Validator(schema("result.schema.json"),
                                    format_checker=jsonschema.FormatChecker()).validate(res)
    assert res["counts"]["error"] == sum(
        1 for f in res["files"] for x in f["findings"] if x["severity"] == "error")
    assert {f["path"]: f["status"] for f in res["files"]}["submissions/g10/gone.pdf"] == "n/a"


def test_symlinks_and_submodules_in_a_pr_are_findings_not_crashes(
    repo: CourseRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.root / SLIDES).unlink()
    repo.open_pr_branch()
    (repo.root / "submissions/g10/proposal.pdf").symlink_to("/etc/passwd")
    git(repo.root, "add", "-A")
    # a gitlink (submodule entry) pointing at a commit this repository does not have
    git(repo.root, "update-index", "--add", "--cacheinfo",
        f"160000,{'ab' * 20},{SLIDES}")
    head = repo.commit_pr()
    code, res = check(repo, capsys, "--base", "main", "--head", head, "--author", "ada-lovelace",
                      "--at", "2024-09-01T00:00:00Z")
    assert code == 1
    assert rules(res) == {"submissions/g10/proposal.pdf": ["file.unreadable"],
                          SLIDES: ["file.unreadable"]}
    messages = {f["path"]: f["findings"][0]["message"] for f in res["files"]}
    assert "symbolic link" in messages["submissions/g10/proposal.pdf"]
    assert "submodule" in messages[SLIDES]


def test_check_path_never_imports_the_github_client(repo: CourseRepo) -> None:
    """Only publish talks to GitHub: the check path starts without PyGithub (DESIGN.md)."""
    code = (
        "import sys\n"
        "from checker.cli import main\n"
        f"rc = main(['check', '--root', {str(repo.root)!r}, {SLIDES!r}, '--author', "
        "'ada-lovelace', '--at', '2024-10-01T00:00:00Z', '--format', 'json'])\n"
        "bad = sorted(m for m in sys.modules if m == 'github' or m.startswith('github.'))\n"
        "print('IMPORTED', bad, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    assert "IMPORTED []" in proc.stderr


def test_revisions_are_never_git_options(repo: CourseRepo,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    repo.init_git()
    for rev in ("--output=pwned", "no-such-branch"):
        assert main(["check", "--root", str(repo.root), f"--base={rev}",
                     "--author", "ada-lovelace"]) == 2
        assert f"{rev!r} is not a commit" in capsys.readouterr().err
    assert not (repo.root / "pwned").exists()


def test_text_report_shows_hostile_names_inert(repo: CourseRepo,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    name = "submissions/g10/x\x1b[2J\nFAKE PASS.pdf"
    repo.write(name, b"%PDF-1.4")
    main(["check", "--root", str(repo.root), name, "--author", "ada-lovelace",
          "--at", "2024-10-01T00:00:00Z"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\nFAKE PASS" not in out
    assert "x\\x1b[2J\\nFAKE PASS.pdf" in out


def test_a_reader_that_goes_away_is_not_a_bug(repo_root: Path) -> None:
    """`inspect FILE | head -0`: a closed pipe ends the command quietly (SIGPIPE's 141), with
    no traceback and no "this is a bug" line (it used to exit 3)."""
    import os

    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "checker", "inspect",
         str(repo_root / "examples/course/submissions/g10/proposal.pdf")],
        stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    os.close(read_end)  # the reader is gone before the checker has written anything
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert "Traceback" not in err and "bug" not in err
