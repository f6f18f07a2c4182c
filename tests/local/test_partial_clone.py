"""A student's clone made with the guide's own command (submissions/README.md, "Clone only what
you need"): a blobless partial clone with a sparse checkout of the group's folder and what the
checker reads. The local check and the pre-push hook work there; a file they need that is not
on disk is fetched (one request), and one that cannot be fetched stops the check (exit 2), never
reported as a damaged file. Real repositories: a bare origin served over file://, real git."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.course_repo import GROUPS, CourseRepo, git, pdf_bytes
from tests.core.partial_clone import Counter, missing_after, serve_partial_clones

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "submissions" / "README.md"
URL = "https://github.com/COURSE-OWNER/COURSE-REPO.git"
PROPOSAL = "submissions/g10/proposal.pdf"
REPORT = "submissions/g10/final/report.pdf"
OTHERS = ("submissions/g11/proposal.pdf", "submissions/g03/slides/2024-10-03.pdf",
          "submissions/questions/2024-10-03/edsger-d.md")
OWN_QUESTIONS = "submissions/questions/2024-10-03/ada-lovelace.md"


def run(cwd: Path, *args: str, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          input=stdin, env={**os.environ, **(env or {})})


def proposal() -> bytes:
    return pdf_bytes(2, ["Project proposal",
                         *(f"{name} {login}@umich.edu" for login, name in GROUPS["g10"])])


def guide_clone(url: str, group: str, login: str) -> str:
    """The guide's clone command, for this group and student."""
    text = GUIDE.read_text(encoding="utf-8")
    m = re.search(r"\*\*Clone only what you need\.\*\*.*?```bash\n(.*?)```", text, re.S)
    assert m, "submissions/README.md has no clone command"
    script = m.group(1)
    for placeholder in (URL, "gNN", "YOUR-GITHUB-LOGIN"):
        assert placeholder in script, placeholder
    return script.replace(URL, url).replace("gNN", group).replace("YOUR-GITHUB-LOGIN", login)


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, Path]:
    """(a staff member's full clone, the bare origin): the checker, the course, and files
    other students submitted."""
    repo = CourseRepo(tmp_path / "staff")
    shutil.copytree(ROOT / "checker", repo.root / "checker",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, repo.root / name)
    for path in (*OTHERS, OWN_QUESTIONS):
        repo.write(path, pdf_bytes(2) if path.endswith(".pdf") else f"## Paper\n- {path}?\n")
    repo.init_git()
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    serve_partial_clones(origin)
    git(repo.root, "push", "-q", str(origin), "main")
    return repo.root, origin


def teammate_pushes(staff: Path, origin: Path, branch: str, path: str, data: bytes) -> str:
    git(staff, "checkout", "-q", "-b", branch, "main")
    (staff / path).parent.mkdir(parents=True, exist_ok=True)
    (staff / path).write_bytes(data)
    git(staff, "add", path)
    git(staff, "commit", "-q", "-m", branch)
    git(staff, "push", "-q", str(origin), branch)
    git(staff, "checkout", "-q", "main")
    return git(staff, "rev-parse", branch).strip()


def student_clone(tmp_path: Path, origin: Path) -> Path:
    proc = run(tmp_path, "bash", "-e", "-c", guide_clone(origin.as_uri(), "g10", "ada-lovelace"))
    assert proc.returncode == 0, proc.stderr
    clone = tmp_path / "course"
    git(clone, "config", "user.email", "ada-lovelace@umich.edu")
    git(clone, "config", "user.name", "Ada")
    return clone


def test_the_guides_clone_holds_only_what_the_student_and_the_checker_need(
        tmp_path: Path, course: tuple[Path, Path]) -> None:
    _, origin = course
    clone = student_clone(tmp_path, origin)
    assert git(clone, "config", "remote.origin.promisor").strip() == "true"
    files = {p.relative_to(clone).as_posix() for p in clone.rglob("*")
             if p.is_file() and ".git" not in p.relative_to(clone).parts}
    assert {"schedule.yaml", "pyproject.toml", OWN_QUESTIONS,
            *(f"submissions/{g}/group.yaml" for g in GROUPS)} <= files
    assert "checker/cli.py" in files
    assert not files & set(OTHERS)  # other groups' and students' files are not on disk
    main = git(clone, "rev-parse", "origin/main").strip()
    others = {git(clone, "rev-parse", f"{main}:{p}").strip() for p in OTHERS}
    assert others <= missing_after(clone, main)  # nor in .git


def test_the_local_check_and_the_hook_work_in_the_partial_clone(
        tmp_path: Path, course: tuple[Path, Path]) -> None:
    _, origin = course
    clone = student_clone(tmp_path, origin)
    (clone / PROPOSAL).write_bytes(proposal())
    check = run(clone, sys.executable, "-m", "checker", "check", "--at", "2024-09-10T12:00:00Z")
    assert check.returncode == 0, check.stdout + check.stderr
    assert PROPOSAL in check.stdout and "file.unreadable" not in check.stdout
    assert run(clone, sys.executable, "-m", "checker", "install-hook").returncode == 0
    git(clone, "switch", "-q", "-c", "g10-proposal")
    git(clone, "add", PROPOSAL)
    git(clone, "commit", "-q", "-m", "g10 proposal")
    push = run(clone, "git", "push", "-q", "origin", "g10-proposal")
    assert push.returncode == 0, push.stdout + push.stderr
    assert "checking refs/heads/g10-proposal" in push.stderr  # the hook ran the check
    assert git(clone, "ls-remote", "origin", "g10-proposal").split()[0] == \
        git(clone, "rev-parse", "HEAD").strip()


def test_a_missing_blob_is_fetched_in_one_request_and_never_judged_damaged(
        tmp_path: Path, course: tuple[Path, Path]) -> None:
    staff, origin = course
    clone = student_clone(tmp_path, origin)
    head = teammate_pushes(staff, origin, "g10-report", REPORT, pdf_bytes(6))
    git(clone, "fetch", "-q", "origin")  # the teammate's commit, without its file's contents
    blob = git(clone, "rev-parse", f"{head}:{REPORT}").strip()
    assert blob in missing_after(clone, head)
    counter = Counter(tmp_path / "count")
    # --base: no `git ls-remote` of the course branch, so every request counted is a fetch
    check = run(clone, sys.executable, "-m", "checker", "check", "--head", "origin/g10-report",
                "--base", "origin/main", "--author", "grace-hopper", "--at",
                "2024-12-10T12:00:00Z", env=counter.env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert REPORT in check.stdout and "file.unreadable" not in check.stdout
    assert blob not in missing_after(clone, head)
    assert len(counter.entries()) == 1  # fetched in one request, by the check itself


def test_a_blob_that_cannot_be_fetched_stops_the_check_and_the_push(
        tmp_path: Path, course: tuple[Path, Path]) -> None:
    staff, origin = course
    clone = student_clone(tmp_path, origin)
    head = teammate_pushes(staff, origin, "g10-report", REPORT, pdf_bytes(6))
    git(clone, "fetch", "-q", "origin")
    git(clone, "remote", "set-url", "origin", (tmp_path / "offline.git").as_uri())  # no network
    check = run(clone, sys.executable, "-m", "checker", "check", "--head", head,
                "--author", "grace-hopper", "--at", "2024-12-10T12:00:00Z")
    assert check.returncode == 2, check.stdout + check.stderr
    assert "file.unreadable" not in check.stdout + check.stderr
    assert "fetching them from 'origin' failed" in check.stderr
    assert "check the network" in check.stderr
    hook = run(clone, sys.executable, "-m", "checker", "pre-push", "origin", "url",
               stdin=f"refs/heads/x {head} refs/heads/x {'0' * 40}\n")
    assert hook.returncode == 1 and "push refused" in hook.stderr
    assert "file.unreadable" not in hook.stdout


def guide_upstream_config() -> str:
    """The guide's commands that make a fork clone's ``upstream`` remote partial."""
    text = GUIDE.read_text(encoding="utf-8")
    m = re.search(r"In a fork's clone.*?`(git config remote\.upstream\.[^`]+)`", text, re.S)
    assert m, "submissions/README.md says nothing of a fork clone's upstream remote"
    return m.group(1)


def test_a_forks_clone_fetches_the_course_without_its_files(
        tmp_path: Path, course: tuple[Path, Path]) -> None:
    staff, origin = course
    fork = tmp_path / "fork.git"
    git(tmp_path, "clone", "-q", "--bare", str(origin), str(fork))
    serve_partial_clones(fork)
    clone = student_clone(tmp_path, fork)
    # the course goes on after the fork: another group's large file, and ada's group's new one
    other = "submissions/g11/final/report.pdf"
    teammate_pushes(staff, origin, "other", other, pdf_bytes(2) + os.urandom(2 * 2**20))
    git(staff, "push", "-q", str(origin), "other:main")
    git(clone, "remote", "add", "upstream", origin.as_uri())
    proc = run(clone, "bash", "-e", "-c", guide_upstream_config())
    assert proc.returncode == 0, proc.stderr
    counter = Counter(tmp_path / "count")
    git(clone, "config", "remote.upstream.uploadpack", counter.env["GIT_CONFIG_VALUE_0"])
    assert run(clone, "git", "fetch", "-q", "upstream").returncode == 0
    fetched = sum(n for _, n in counter.entries())
    assert 0 < fetched < 2**20  # commits and trees: not the 2 MB file pushed since the fork
    main = git(clone, "rev-parse", "upstream/main").strip()
    assert git(clone, "rev-parse", f"{main}:{other}").strip() in missing_after(clone, main)
    (clone / PROPOSAL).write_bytes(proposal())
    check = run(clone, sys.executable, "-m", "checker", "check", "--at", "2024-09-10T12:00:00Z")
    assert check.returncode == 0, check.stdout + check.stderr
    assert PROPOSAL in check.stdout and "file.unreadable" not in check.stdout
