"""The pre-push hook, installed by `python -m checker install-hook` in a student's clone: a
push of a failing file is refused, a passing one goes through; a foreign hook is never
overwritten. Real git repositories (a bare origin and a clone), real `git push`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.core.course_repo import CourseRepo, git, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
SLIDES = "submissions/g10/slides/2024-10-03.pdf"


def run(cwd: Path, *args: str, stdin: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, input=stdin,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    course = CourseRepo(tmp_path / "course")
    course.init_git()
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(course.root, "push", "-q", str(origin), "main")
    student = tmp_path / "student"
    git(tmp_path, "clone", "-q", str(origin), str(student))
    git(student, "config", "user.email", "ada-lovelace@umich.edu")  # the author, from g10
    git(student, "config", "user.name", "Ada")
    git(student, "checkout", "-q", "-b", "slides")
    return student


def commit(clone: Path, path: str, data: bytes) -> None:
    (clone / path).parent.mkdir(parents=True, exist_ok=True)
    (clone / path).write_bytes(data)
    git(clone, "add", path)
    git(clone, "commit", "-q", "-m", "slides")


def test_a_failing_push_is_refused_and_a_passing_one_goes_through(clone: Path) -> None:
    proc = run(clone, sys.executable, "-m", "checker", "install-hook")
    assert proc.returncode == 0, proc.stderr
    assert "installed" in proc.stdout and (clone / ".git/hooks/pre-push").stat().st_mode & 0o111
    # g10 does not summarise the Oct 3 session: the checker refuses, so git refuses the push
    commit(clone, "submissions/g10/summaries/2024-10-03.pdf", pdf_bytes(3))
    push = run(clone, "git", "push", "-q", "origin", "slides")
    assert push.returncode != 0
    assert "auth.not-assigned" in push.stdout + push.stderr
    assert "push refused by the submission checker" in push.stderr
    assert git(clone, "ls-remote", "origin", "slides") == ""
    # fixed: the summary is gone and the group's slides are added; the push goes through
    git(clone, "rm", "-q", "submissions/g10/summaries/2024-10-03.pdf")
    commit(clone, SLIDES, pdf_bytes(12))
    push = run(clone, "git", "push", "-q", "origin", "slides")
    assert push.returncode == 0, push.stdout + push.stderr
    assert git(clone, "ls-remote", "origin", "slides").split()[0] == git(
        clone, "rev-parse", "HEAD").strip()


def test_the_hook_checks_the_refs_git_passes_on_stdin(clone: Path) -> None:
    commit(clone, SLIDES, pdf_bytes(12))
    good = git(clone, "rev-parse", "HEAD").strip()
    commit(clone, "submissions/g11/proposal.pdf", pdf_bytes(2))  # another group's folder
    bad = git(clone, "rev-parse", "HEAD").strip()
    zero = "0" * 40
    hook = [sys.executable, "-m", "checker", "pre-push", "origin", "unused-url"]
    assert run(clone, *hook, stdin=f"refs/heads/a {good} refs/heads/a {zero}\n").returncode == 0
    refused = run(clone, *hook, stdin=f"refs/heads/b {bad} refs/heads/b {zero}\n")
    assert refused.returncode == 1 and refused.stdout.startswith("FAIL")
    assert "submissions/g11/proposal.pdf" in refused.stdout
    # a deletion sends nothing to check; pre-commit's way: the pushed commit in the environment
    assert run(clone, *hook, stdin=f"(delete) {zero} refs/heads/b {bad}\n").returncode == 0
    assert run(clone, *hook[:4], env={"PRE_COMMIT_TO_REF": bad}).returncode == 1


def test_a_foreign_hook_is_never_overwritten(clone: Path) -> None:
    hook = clone / ".git/hooks/pre-push"
    hook.write_text("#!/bin/sh\necho mine\n")
    proc = run(clone, sys.executable, "-m", "checker", "install-hook")
    assert proc.returncode == 2 and "was not written by the submission checker" in proc.stderr
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    hook.unlink()
    assert run(clone, sys.executable, "-m", "checker", "install-hook").returncode == 0
    assert run(clone, sys.executable, "-m", "checker", "install-hook").returncode == 0  # ours


def test_pre_commit_hook_definition() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "submission-checker" and hook["stages"] == ["pre-push"]
    assert hook["entry"] == "submission-checker pre-push" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True
