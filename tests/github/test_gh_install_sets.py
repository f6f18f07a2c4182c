"""Each job installs only what it runs (issue 12 §2): one hash-locked set per job, the GitHub
client only where GitHub is called, the document parsers only where files are parsed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fake_github import ACTIONS_TOKEN, EXAMPLES, FakeGitHub
from gh_results import HEAD, result

from tests.imported import loaded, modules_of

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ENTRY = re.compile(r"^([a-z0-9-]+)==(\S+)((?: \\\n    --hash=sha256:[0-9a-f]{64})+)$", re.M)
CLIENT = {"pygithub", "cryptography", "pynacl"}
PARSERS = {"pypdfium2", "pypdf", "python-docx", "lxml"}
# the set each job installs: the check parses files, the tests need everything, and every
# other job (publish, board, remind, whatever comes next) talks to GitHub and parses no file
SPECIAL_SETS = {("submission.yml", "check"): ["check"], ("tests.yml", "test"): ["test"],
                # the same check job, for a group repository (topology: private)
                ("submission-private.yml", "check"): ["check"],
                # the staff repository's judge of passed slides: it reads every group
                # repository and parses their files (the publish job parses none)
                ("publish-slides.yml", "judge"): ["check", "github"]}
TEMPLATES = ROOT / "checker" / "templates"


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / f"{name}.txt").read_text()
    found = {m.group(1): m.group(2) for m in ENTRY.finditer(text)}
    # every requirement line is a pin with its hashes, one version per distribution
    assert len(found) == len(re.findall(r"^[a-z]", text, re.M)), name
    return found


def declared(section: str) -> set[str]:
    pyproject = (ROOT / "pyproject.toml").read_text()
    block = re.search(rf"^{section} = \[(.*?)\]", pyproject, re.M | re.S)
    assert block, section
    return {d.lower().replace("_", "-")
            for d in re.findall(r'^\s*"([A-Za-z0-9_.-]+)', block.group(1), re.M)
            if d != "submission-checker"}


def install_sets() -> dict[tuple[str, str], list[str]]:
    """(workflow, job) -> the requirement sets its steps install, for jobs that pip install."""
    out = {}
    for path in sorted([*WORKFLOWS.glob("*.yml"), *TEMPLATES.glob("*.yml")]):
        for job, spec in yaml.safe_load(path.read_text())["jobs"].items():
            script = "\n".join(s.get("run", "") for s in spec.get("steps", []))
            if "pip install" in script:
                out[(path.name, job)] = re.findall(
                    r"--require-hashes --no-deps -r requirements/([\w-]+)\.txt", script)
    return out


def test_each_job_installs_its_own_set() -> None:
    jobs = install_sets()
    assert set(SPECIAL_SETS) <= set(jobs) and ("submission.yml", "publish") in jobs
    assert ("publish-slides.yml", "publish") in jobs
    for job, sets in jobs.items():
        assert sets == SPECIAL_SETS.get(job, ["github"]), job
    assert sorted(p.stem for p in (ROOT / "requirements").glob("*.txt")) == [
        "check", "github", "test"]


def test_the_check_set_has_the_parsers_and_no_github_client() -> None:
    check = pins("check")
    assert declared("dependencies") <= set(check)
    assert not CLIENT & set(check)
    assert "setuptools" in check  # for `pip install --no-build-isolation .`
    # students install it too: wheels for Windows, macOS and Linux (several hashes for lxml)
    assert len(re.findall(r"lxml==\S+((?: \\\n    --hash=sha256:\S+)+)",
                          (ROOT / "requirements" / "check.txt").read_text())[0].split()) > 10


def test_the_github_set_has_the_client_and_no_parser() -> None:
    github = pins("github")
    assert declared("github") | {"pyyaml", "jsonschema", "tzdata", "setuptools"} <= set(github)
    assert not PARSERS & set(github)


def test_the_test_set_has_everything_the_check_and_github_sets_pin() -> None:
    test = pins("test")
    for name in ("check", "github"):
        for dist, version in pins(name).items():
            assert test.get(dist) == version, (name, dist)
    assert declared("test") <= set(test)


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/corpus/github-rest not found")
def test_publish_runs_without_the_document_parsers(tmp_path: Path) -> None:
    """What the publish job runs imports no parser (they are not installed there)."""
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result()))
    with FakeGitHub() as fake:
        fake.add_pull(7, author="student1", head_sha=HEAD)
        env = dict(os.environ, GITHUB_TOKEN=ACTIONS_TOKEN, GITHUB_API_URL=fake.url,
                   GITHUB_REPOSITORY="course/seminar")
        code, modules, out = modules_of("publish", str(path), "--pr", "7", "--sha", HEAD,
                                        "--check-exit-code", "0", env=env)
    assert code == 0, out
    assert loaded(modules, "github")
    for package in ("pypdfium2", "pypdf", "docx", "lxml"):
        assert not loaded(modules, package), package


def test_a_staff_command_without_the_github_client_says_how_to_install_it() -> None:
    """A student's install has no PyGithub: a staff command says so in one line (exit 2)."""
    blocker = "import sys; sys.modules['github'] = None\n"  # import github: not found
    proc = subprocess.run(
        [sys.executable, "-c", blocker + "from checker.cli import main; "
         "sys.exit(main(sys.argv[1:]))", "gradebook", "--repo", "course/seminar",
         "--root", str(ROOT / "examples" / "course")],
        capture_output=True, text=True, check=False, cwd=ROOT,
        env=dict(os.environ, GITHUB_TOKEN="t", GITHUB_API_URL="http://127.0.0.1:9"))
    assert proc.returncode == 2, proc.stderr
    assert "GitHub client is not installed" in proc.stderr
    assert "pip install -e '.[github]'" in proc.stderr and "Traceback" not in proc.stderr
