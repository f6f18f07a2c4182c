"""A ``private`` course on disk, for the workflow tests: a course repository (this project's
checker, requirements, workflows and the shipped schedule.yaml set to ``topology: private``)
and group repositories, each a bare repository under one "server" folder named OWNER/NAME.git,
as ``workflow_harness.Runner`` fetches and checks them out (``server_url`` ``file://...``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_SCHEDULE = ROOT / "tests" / "fixtures" / "course" / "schedule.yaml"
ORG = "course-org"
COURSE_REPO = f"{ORG}/course"
PATTERN = "cse585-{group}"
PRIVATE = (f'\ntopology: private\nrepositories: {{owner: {ORG}, pattern: "{PATTERN}", '
           f"course: {COURSE_REPO}}}\n")
CALLER = ROOT / "checker" / "templates" / "caller.yml"
RECEIPT = ROOT / ".github" / "workflows" / "receipt.yml"


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}).stdout.strip()


def private_schedule() -> str:
    return SHIPPED_SCHEDULE.read_text(encoding="utf-8") + PRIVATE


def group_repo_name(group: str) -> str:
    return f"{ORG}/{PATTERN.replace('{group}', group)}"


class Repo:
    """A work tree and its bare "server" copy; pull request heads pushed to refs/pull/N/head."""

    def __init__(self, server: Path, work: Path, full_name: str,
                 files: dict[str, str | bytes]) -> None:
        self.full_name = full_name
        self.work = work
        self.bare = server / f"{full_name}.git"
        self.bare.parent.mkdir(parents=True, exist_ok=True)
        work.mkdir(parents=True)
        for path, data in files.items():
            self.write(path, data)
        git(work, "init", "-q", "-b", "main")
        git(work, "config", "user.email", "someone@example.invalid")
        git(work, "config", "user.name", "Someone")
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", "initial")
        git(server, "init", "-q", "--bare", str(self.bare))
        git(work, "push", "-q", str(self.bare), "main")
        self.base = git(work, "rev-parse", "HEAD")

    def write(self, path: str, data: str | bytes) -> None:
        target = self.work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")

    def commit_main(self, files: dict[str, str | bytes], message: str) -> str:
        """A change on the default branch (pushed straight to it)."""
        for path, data in files.items():
            self.write(path, data)
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", message)
        git(self.work, "push", "-q", str(self.bare), "main")
        self.base = git(self.work, "rev-parse", "HEAD")
        return self.base

    def push(self, pr: int, files: dict[str, str | bytes], *, date: str | None = None) -> str:
        """Commit ``files`` on the PR branch (from the current base) as refs/pull/<pr>/head."""
        exists = git(self.work, "branch", "--list", f"pr{pr}")
        git(self.work, "checkout", "-q", *([f"pr{pr}"] if exists else ["-b", f"pr{pr}",
                                                                         self.base]))
        for path, data in files.items():
            self.write(path, data)
        git(self.work, "add", "-A")
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        git(self.work, "commit", "-q", "-m", "submit", env=env)
        head = git(self.work, "rev-parse", "HEAD")
        git(self.work, "push", "-q", "-f", str(self.bare), f"HEAD:refs/pull/{pr}/head")
        git(self.work, "checkout", "-q", "main")
        return head


def course_repo(server: Path, tmp: Path, schedule: str | None = None) -> Repo:
    """The course repository: the checker, its requirements and workflows, schedule.yaml; no
    group declaration (in ``private`` the roster is staff's, kept elsewhere)."""
    files: dict[str, str | bytes] = {"schedule.yaml": schedule or private_schedule()}
    for item in ("checker", "requirements", ".github", "pyproject.toml"):
        src = ROOT / item
        for p in [src] if src.is_file() else sorted(src.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                files[p.relative_to(ROOT).as_posix()] = p.read_bytes()
    return Repo(server, tmp / "course", COURSE_REPO, files)


def caller_workflow(ref: str = "main") -> str:
    from checker.group_repos import render_caller

    return render_caller(CALLER.read_text(encoding="utf-8"), COURSE_REPO, ref)


def group_repo(server: Path, tmp: Path, group: str,
               files: dict[str, str | bytes] | None = None) -> Repo:
    """A group's repository as setup leaves it (the caller and receipt workflows), plus
    ``files`` on its default branch."""
    name = group_repo_name(group)
    return Repo(server, tmp / name.replace("/", "-"), name, {
        "README.md": f"# {name}\n",
        ".github/workflows/submission.yml": caller_workflow(),
        ".github/workflows/receipt.yml": RECEIPT.read_text(encoding="utf-8"),
        **(files or {})})
