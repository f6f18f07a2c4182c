"""The staff workflows (board.yml, remind.yml): their triggers and write permissions, and their
exact ``run:`` scripts executed against the fake GitHub.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import semester
import yaml
from fake_course_github import EXAMPLES, CourseGitHub

ROOT = Path(__file__).resolve().parents[2]
BOARD = ROOT / ".github" / "workflows" / "board.yml"
REMIND = ROOT / ".github" / "workflows" / "remind.yml"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


@pytest.mark.parametrize("which", ["board", "remind"])
def test_least_privilege(which: str) -> None:
    """What is particular to the staff workflows; schema, zizmor, pins and the rules every
    workflow follows are tested over all of .github/workflows in tests/github."""
    path = BOARD if which == "board" else REMIND
    wf, text = load(path), path.read_text()
    assert wf["permissions"] == {}
    # never a pull request's code: a schedule, by hand, and the board after merges to main
    if which == "remind":
        assert set(wf["on"]) == {"schedule", "workflow_dispatch"}
    else:
        assert set(wf["on"]) == {"push", "schedule", "workflow_dispatch"}
        assert wf["on"]["push"]["branches"] == ["main"]
    assert "${{" in wf["concurrency"]["group"] and wf["concurrency"]["cancel-in-progress"] is False
    writes = {}
    for name, job in wf["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), name
        for perm, level in job["permissions"].items():
            assert re.search(rf"^\s+{perm}: {level}  # \w", text, re.M), (name, perm)
            if level == "write":
                writes[f"{name}.{perm}"] = level
    if which == "remind":
        assert set(writes) == {"remind.issues"}
    else:
        assert set(writes) == {"deploy.pages", "deploy.id-token"}  # build writes nothing


def _script(path: Path, needle: str) -> str:
    steps = [s for job in load(path)["jobs"].values() for s in job["steps"]]
    return next(s["run"] for s in steps if needle in s.get("run", ""))


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/corpus/github-rest not found")
def test_the_exact_run_scripts_against_the_fake(tmp_path: Path) -> None:
    with CourseGitHub() as fake:
        now = datetime(2024, 11, 8, 15, 0, tzinfo=timezone.utc)
        sem = semester.build(fake, semester.make_root(tmp_path), now)
        bindir = Path(sys.executable).parent  # the runner's `python`: the venv's own bin/
        env = {"PATH": f"{bindir}:{os.environ['PATH']}", "GITHUB_TOKEN": "ghs_actions_token",
               "GITHUB_API_URL": fake.url, "GITHUB_REPOSITORY": "course/seminar",
               "RUNNER_TEMP": str(tmp_path / "runner"), "DRY_RUN": "false",
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               "CHECKER_TESTS_PYTHON_PREFIX": os.environ.get("CHECKER_TESTS_PYTHON_PREFIX", "")}
        for path, needle in ((BOARD, "checker board"), (REMIND, "checker remind")):
            # the scripts take the time from the clock; pin it the way a test may: --now
            script = _script(path, needle).replace("--root .", f"--root . --now {now.isoformat()}")
            proc = subprocess.run(["bash", "-e", "-c", script], cwd=sem.root, env=env,
                                  capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, proc.stderr
        page = (tmp_path / "runner" / "site" / "index.html").read_text(encoding="utf-8")
        assert page.count('data-status="') == 15 * 9
        assert fake.issues and all(i["user"]["login"] == semester.BOT
                                   for i in fake.issues.values())


def _course_origin(root: Path) -> Path:
    """The semester's course folder as the default branch of a repository to check out."""
    for item in ("checker", "pyproject.toml"):  # the board job runs the checked-out checker
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, root / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, root / item)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Staff", "GIT_AUTHOR_EMAIL": "s@example.invalid",
           "GIT_COMMITTER_NAME": "Staff", "GIT_COMMITTER_EMAIL": "s@example.invalid"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "course"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)
    return root


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/corpus/github-rest not found")
@pytest.mark.parametrize("artifact,pages", [(False, False), (True, False), (False, True)])
def test_board_is_kept_for_staff_and_published_only_when_opted_in(tmp_path: Path,
                                                                  artifact: bool,
                                                                  pages: bool) -> None:
    """The board says how every group stands: by default nothing is produced where every
    reader of the course repository could download it (docs/privacy.md)."""
    sys.path.insert(0, str(ROOT / "tests" / "github"))
    from workflow_harness import Runner

    with CourseGitHub() as fake:
        now = datetime(2024, 11, 8, 15, 0, tzinfo=timezone.utc)
        sem = semester.build(fake, semester.make_root(tmp_path), now)
        runner = Runner(BOARD, origin=_course_origin(sem.root), event={},
                        event_name="schedule", api_url=fake.url, token="ghs_actions_token",
                        tmp=tmp_path / "run", repository="course/seminar",
                        variables={**({"BOARD_PAGES": "true"} if pages else {}),
                                   **({"BOARD_ARTIFACT": "true"} if artifact else {})})
        jobs = runner.run()
    kept = runner.artifacts / "course-board" / "index.html"
    published = runner.artifacts / "github-pages"
    if not artifact and not pages:  # the default: the board is not built at all
        assert jobs["build"].result == "skipped" and jobs["deploy"].result == "skipped"
        assert not runner.artifacts.exists() or not any(runner.artifacts.iterdir())
        return
    assert jobs["build"].result == "success", [(s.name, s.stderr[-2000:])
                                               for s in jobs["build"].steps]
    if artifact:
        assert kept.is_file() and 'data-status="' in kept.read_text(encoding="utf-8")
    else:
        assert not kept.exists()
    if pages:
        assert jobs["deploy"].result == "success"
        assert (published / "index.html").is_file()
        assert (runner.artifacts / "github-pages-deployed").exists()
    else:  # the default: nothing goes to GitHub Pages
        assert jobs["deploy"].result == "skipped" and not published.exists()
        assert not (runner.artifacts / "github-pages-deployed").exists()
