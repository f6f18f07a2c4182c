"""A student who works from a fork: real bare repositories made with git (the course, a fork of
it, a student clone with `origin` = the fork and `upstream` = the course). Other groups' files
are merged in the course after the fork was made; the student syncs. The local check, the
pre-push hook and the comment's commands must say what CI says: CI judges the pull request's
diff against the course repository's default branch (`check --base <its commit> --head ...`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.core.course_repo import CourseRepo, git, pdf_bytes

AT = "2024-10-01T12:00:00-04:00"  # before g10's slides are due (Oct 2, 10:30)
SLIDES = "submissions/g10/slides/2024-10-03.pdf"
STUDENT = "ada-lovelace"  # g10


def run(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, input=stdin,
                          timeout=300, env=env, check=False)


def checker(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(cwd, sys.executable, "-m", "checker", *args)


@dataclass
class Repos:
    staff: Path  # the staff's clone of the course: merges other groups' pull requests
    course: Path  # bare: hub/course.git (GitHub's copy of the course repository)
    fork: Path  # bare: ada-lovelace/course.git (the student's fork)
    student: Path  # the student's clone of the fork

    def merge_in_course(self, path: str, data: bytes) -> None:
        """Another group's pull request, merged by the staff into the course repository."""
        (self.staff / path).parent.mkdir(parents=True, exist_ok=True)
        (self.staff / path).write_bytes(data)
        git(self.staff, "add", path)
        git(self.staff, "commit", "-q", "-m", f"merge {path}")
        git(self.staff, "push", "-q", str(self.course), "main")

    def sync_fork_on_github(self) -> None:
        """GitHub's "Sync fork" button: the fork's main becomes the course's."""
        git(self.staff, "push", "-q", str(self.fork), "main")

    def commit(self, path: str, data: bytes) -> str:
        (self.student / path).parent.mkdir(parents=True, exist_ok=True)
        (self.student / path).write_bytes(data)
        git(self.student, "add", path)
        git(self.student, "commit", "-q", "-m", f"add {path}")
        return git(self.student, "rev-parse", "HEAD").strip()


def make_repos(tmp: Path, *, repository: str | None = None, remote: str | None = "upstream",
               ) -> Repos:
    staff = CourseRepo(tmp / "staff")
    if repository:
        schedule = staff.root / "schedule.yaml"
        text = schedule.read_text(encoding="utf-8")
        schedule.write_text(text.replace("\ntimezone:", f"\nrepository: {repository}\ntimezone:",
                                         1), encoding="utf-8")
    staff.init_git()
    course = tmp / "hub" / "course.git"
    git(tmp, "init", "-q", "--bare", "-b", "main", str(course))
    git(staff.root, "push", "-q", str(course), "main")
    fork = tmp / STUDENT / "course.git"
    git(tmp, "clone", "-q", "--bare", str(course), str(fork))
    repos = Repos(staff.root, course, fork, tmp / "student")
    # after the fork was made, the staff merge g11's proposal into the course
    repos.merge_in_course("submissions/g11/proposal.pdf", pdf_bytes(2))
    git(tmp, "clone", "-q", str(fork), str(repos.student))
    git(repos.student, "config", "user.email", f"{STUDENT}@umich.edu")
    git(repos.student, "config", "user.name", "Ada")
    if remote:
        git(repos.student, "remote", "add", remote, str(course))
        git(repos.student, "fetch", "-q", remote)
    git(repos.student, "switch", "-q", "-c", "g10-slides")
    return repos


def sync_from_course(repos: Repos, remote: str = "upstream") -> None:
    """The student syncs their branch with the course: `git pull upstream main`."""
    git(repos.student, "pull", "-q", "--no-rebase", "--no-edit", remote, "main")


def result(proc: subprocess.CompletedProcess[str]) -> tuple[int, dict[str, list[str]]]:
    assert proc.returncode in (0, 1), proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return proc.returncode, {f["path"]: sorted(x["rule"] for x in f["findings"])
                             for f in data["files"]}


def ci_runner(repos: Repos) -> tuple[Path, str, str]:
    """A CI runner's checkout: the course's main, with the pull request's head (the student's
    committed branch) fetched as GitHub offers it. (runner, base SHA, head SHA)."""
    runner = repos.student.parent / f"runner-{len(list(repos.student.parent.glob('runner-*')))}"
    git(repos.student.parent, "clone", "-q", str(repos.course), str(runner))
    git(runner, "fetch", "-q", str(repos.student), "+HEAD:refs/pull/1/head")
    return (runner, git(runner, "rev-parse", "HEAD").strip(),
            git(runner, "rev-parse", "refs/pull/1/head").strip())


def ci(repos: Repos) -> tuple[int, dict[str, list[str]]]:
    """What the pull request's check says: the diff against the course's main, as CI passes it."""
    runner, base, head = ci_runner(repos)
    return result(checker(runner, "check", "--base", base, "--head", head, "--author", STUDENT,
                          "--at", AT, "--format", "json"))


def local(repos: Repos, *extra: str) -> tuple[tuple[int, dict[str, list[str]]], str]:
    proc = checker(repos.student, "check", "--head", "HEAD", "--at", AT, "--format", "json",
                   *extra)
    return result(proc), proc.stderr


def push(repos: Repos) -> subprocess.CompletedProcess[str]:
    return run(repos.student, "git", "push", "-q", "origin", "g10-slides")


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    return make_repos(tmp_path)


def test_a_synced_fork_is_checked_against_the_course_not_the_forks_stale_main(
        repos: Repos) -> None:
    sync_from_course(repos)
    repos.commit(SLIDES, pdf_bytes(12))
    expected = ci(repos)
    assert expected == (0, {SLIDES: []})
    (found, stderr) = local(repos)
    assert found == expected
    assert "comparing with upstream/main" in stderr and "up to date" in stderr
    # the fork's own main (the old default, origin/main) counts g11's merged file as g10's
    code, files = local(repos, "--base", "origin/main")[0]
    assert code == 1 and "auth.not-member" in files["submissions/g11/proposal.pdf"]


def test_the_hook_agrees_with_ci_and_only_then_says_so(repos: Repos) -> None:
    sync_from_course(repos)
    assert checker(repos.student, "install-hook").returncode == 0
    repos.commit(SLIDES, pdf_bytes(12))
    proc = push(repos)
    assert proc.returncode == 0, proc.stderr
    assert git(repos.student, "ls-remote", "origin", "g10-slides").split()[0] == git(
        repos.student, "rev-parse", "HEAD").strip()
    # a file of another group: CI fails it, and so does the hook, saying CI will say the same
    repos.commit("submissions/g11/slides/2024-10-08.pdf", pdf_bytes(12))
    code, files = ci(repos)
    assert code == 1 and files["submissions/g11/slides/2024-10-08.pdf"] == ["auth.not-member"]
    assert local(repos)[0] == (code, files)
    proc = push(repos)
    assert proc.returncode != 0
    assert "push refused" in proc.stderr and "will say the same" in proc.stderr


def test_a_fork_synced_on_github_is_checked_against_the_courses_current_main(
        repos: Repos) -> None:
    repos.merge_in_course("submissions/g03/proposal.pdf", pdf_bytes(2))
    repos.sync_fork_on_github()
    sync_from_course(repos, remote="origin")  # upstream/main is now behind the course's main
    repos.commit(SLIDES, pdf_bytes(12))
    expected = ci(repos)
    assert expected == (0, {SLIDES: []})
    found, stderr = local(repos)
    assert found == expected
    assert "upstream/main is behind" in stderr and "`git fetch upstream`" in stderr
    assert checker(repos.student, "install-hook").returncode == 0
    assert push(repos).returncode == 0


def test_a_stale_course_branch_is_named_with_the_command_that_fetches_it(repos: Repos) -> None:
    # the fork is synced with a course commit the student fetched through the fork; then the
    # course moves on: upstream/main is stale and the course's newest commit is not in the clone
    repos.merge_in_course("submissions/g03/proposal.pdf", pdf_bytes(2))
    repos.sync_fork_on_github()
    sync_from_course(repos, remote="origin")
    repos.merge_in_course("submissions/g03/final/poster.pdf", pdf_bytes(1))
    repos.commit(SLIDES, pdf_bytes(12))
    assert ci(repos) == (0, {SLIDES: []})
    stale, stderr = local(repos)
    assert "upstream/main IS OUT OF DATE" in stderr and "run `git fetch upstream`" in stderr
    assert stale[0] == 1  # g03's proposal counts as g10's until the student fetches
    assert checker(repos.student, "install-hook").returncode == 0
    proc = push(repos)
    assert proc.returncode != 0 and "run `git fetch upstream` first" in proc.stderr
    assert "will say the same" not in proc.stderr
    git(repos.student, "fetch", "-q", "upstream")
    found, stderr = local(repos)
    assert found == ci(repos) and "up to date" in stderr
    assert push(repos).returncode == 0


def test_schedule_yaml_names_the_course_repository_whatever_the_remote_is_called(
        tmp_path: Path) -> None:
    repos = make_repos(tmp_path, repository="hub/course", remote="class")
    sync_from_course(repos, remote="class")
    repos.commit(SLIDES, pdf_bytes(12))
    found, stderr = local(repos)
    assert found == ci(repos) == (0, {SLIDES: []})
    assert "comparing with class/main" in stderr and "hub/course" in stderr


def test_a_fork_without_the_course_remote_is_told_how_to_add_it(tmp_path: Path) -> None:
    repos = make_repos(tmp_path, repository="hub/course", remote=None)
    repos.commit(SLIDES, pdf_bytes(12))
    proc = checker(repos.student, "check", "--head", "HEAD", "--at", AT)
    assert proc.returncode == 2 and proc.stdout == ""
    assert ("`git remote add upstream https://github.com/hub/course.git` then "
            "`git fetch upstream`") in proc.stderr


def test_the_comments_commands_work_in_a_fork(repos: Repos) -> None:
    sync_from_course(repos)
    repos.commit(SLIDES, pdf_bytes(12))
    runner, base, head = ci_runner(repos)
    comment = checker(runner, "check", "--base", base, "--head", head, "--author", STUDENT,
                      "--at", AT, "--format", "markdown").stdout
    [block] = re.findall(r"```sh\n(.*?)```", comment, re.S)
    assert "origin" not in block
    repos.merge_in_course("submissions/g03/proposal.pdf", pdf_bytes(2))  # the course moves on
    proc = run(repos.student, "bash", "-c", f"set -e\n{block}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "\nPASS: " in proc.stdout and "up to date" in proc.stderr  # (late: it runs today)


def test_the_repository_key_is_owner_slash_name(tmp_path: Path) -> None:
    course = CourseRepo(tmp_path / "course")
    schedule = course.root / "schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    for value, code in (("hub/course", 0), ("https://github.com/hub/course", 1), ("hub", 1)):
        schedule.write_text(text.replace("\ntimezone:", f"\nrepository: {value}\ntimezone:", 1),
                            encoding="utf-8")
        proc = checker(course.root, "validate")
        assert proc.returncode == code, proc.stdout + proc.stderr
        assert code == 0 or "repository" in proc.stdout + proc.stderr
