"""Checkouts that do not grow with the term (issue 21): each workflow's checkout, run with the
pinned action's own git commands from the ``with:`` the YAML declares, against a small
end-of-term course repository (tests/github/term_repo.py), fetches and writes only what its job
reads; the check in that checkout judges exactly as in a full clone. bench/bench_checkouts.py
measures the same at two real sizes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from checkout_action import Checkout, checkout_steps
from fake_github import EXAMPLES, FakeGitHub
from term_repo import Term, build_term, full_clone_workflow, result_of, run_submission, written

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from core.partial_clone import Counter, missing_after  # noqa: E402

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SUBMISSION = ROOT / ".github" / "workflows" / "submission.yml"
ROSTER = {"submissions/g01/group.yaml", "submissions/g02/group.yaml"}


def steps() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path in WORKFLOWS:
        for job, _, with_ in checkout_steps(yaml.safe_load(path.read_text(encoding="utf-8"))):
            out.append((path.name, job, with_))
    return out


@pytest.mark.parametrize(("workflow", "job", "with_"), steps(),
                         ids=[f"{w}-{j}" for w, j, _ in steps()])
def test_every_checkout_is_blobless_and_sparse(workflow: str, job: str,
                                               with_: dict[str, Any]) -> None:
    assert with_["filter"] == "blob:none", (workflow, job)  # no file contents but those read
    patterns = with_["sparse-checkout"].split()
    assert with_["sparse-checkout-cone-mode"] is False  # file patterns: group.yaml, not folders
    assert "/checker/" in patterns or "/*" in patterns  # the checker is installed from it
    # a submitted document is never written: only the groups' declarations, or nothing at all
    assert not any(p.startswith("/submissions") and p != "/submissions/*/group.yaml"
                   for p in patterns), patterns
    if "/*" in patterns:
        assert "!/submissions/*/" in patterns


def test_the_staff_checkouts_have_the_course_and_publish_only_the_checker() -> None:
    by_job = {(w, j): set(with_["sparse-checkout"].split()) for w, j, with_ in steps()}
    course = {"/schedule.yaml", "/submissions/*/group.yaml"}
    for key in (("board.yml", "build"), ("remind.yml", "remind"), ("validate.yml", "validate"),
                ("submission.yml", "check")):
        assert course <= by_job[key], key
    assert "/.github/workflows/remind.yml" in by_job[("validate.yml", "validate")]
    for job in ("publish", "withdraw"):  # they read the check's result and the API only
        assert not by_job[("submission.yml", job)] & course, job


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory) -> Term:
    """Two groups, each document pushed twice (small files: the sizes are the bench's)."""
    return build_term(tmp_path_factory.mktemp("term"), 2, revisions=2, scale=0.02)


def submitted_blobs(term: Term) -> set[str]:
    """The blobs of every document submitted this term (main's tree, not the declarations)."""
    out = subprocess.run(["git", "-C", str(term.origin), "ls-tree", "-r", term.base, "--",
                          "submissions"], capture_output=True, text=True, check=True).stdout
    return {line.split()[2] for line in out.splitlines()
            if not line.endswith(("/group.yaml", "submissions/README.md"))}


# the staff checkouts of the course repository itself (submission-private.yml checks out the
# course repository from a group's, which holds no submission: the harness cannot emulate
# another repository, and test_every_checkout_is_blobless_and_sparse holds it to the rest)
STAFF = [s for s in steps() if s[0] != "submission.yml" and "repository" not in s[2]]


@pytest.mark.parametrize(("workflow", "job", "with_"), STAFF,
                         ids=[f"{w}-{j}" for w, j, _ in STAFF])
def test_each_staff_checkout_holds_and_writes_no_submitted_file(
        term: Term, tmp_path: Path, workflow: str, job: str, with_: dict[str, Any]) -> None:
    workspace = tmp_path / "workspace"
    Checkout(workspace).run(term.origin.as_uri(), with_, event_ref="refs/heads/main",
                            event_sha=term.base)
    files = {p.relative_to(workspace).as_posix() for p in workspace.rglob("*")
             if p.is_file() and ".git" not in p.relative_to(workspace).parts}
    assert "schedule.yaml" in files and "pyproject.toml" in files
    assert any(f.startswith("checker/") for f in files)
    submitted = {f for f in files if f.startswith("submissions/")}
    assert submitted - {"submissions/README.md"} == ROSTER  # the roster, nothing submitted
    assert submitted_blobs(term) <= missing_after(workspace, term.base)  # not even in .git


@pytest.fixture(scope="module")
def checks(term: Term, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The submission workflow on the term's last pull request: as declared, and with
    full-clone checkouts."""
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus not found")
    tmp = tmp_path_factory.mktemp("checks")
    out: dict[str, Any] = {}
    with FakeGitHub() as fake:
        for label, workflow in (("declared", SUBMISSION),
                                ("full", full_clone_workflow(SUBMISSION, tmp / "full.yml"))):
            counter = Counter(tmp / f"count-{label}")
            runner, jobs = run_submission(term, workflow, tmp / label, fake, counter)
            out[label] = (runner, jobs, counter)
    return out


def test_the_check_in_the_blobless_checkout_judges_as_a_full_clone(
        term: Term, checks: dict[str, Any]) -> None:
    (declared, jobs, _), (full, full_jobs, _) = checks["declared"], checks["full"]
    for run in (jobs, full_jobs):
        assert [run[j].result for j in ("check", "publish")] == ["success", "success"], \
            [(s.name, s.stderr[-500:]) for j in run.values() for s in j.steps]
    result = result_of(declared)
    assert result == result_of(full)
    assert [f["path"] for f in result["files"]] == sorted(term.pr_files)
    assert not any(f["rule"] == "file.unreadable" for x in result["files"]
                   for f in x["findings"])


def test_the_check_job_fetches_the_pull_requests_files_once_and_nothing_else_of_the_term(
        term: Term, checks: dict[str, Any]) -> None:
    runner, jobs, counter = checks["declared"]
    by_name = {s.name.split(" (")[0]: s for s in jobs["check"].steps}
    blobs = by_name["Fetch the contents of the changed files"]
    check = by_name["Check the submission"]
    # the changed files' blobs come in one request, and the check step fetches nothing more
    assert counter.between(blobs.started, blobs.ended)[1] == 1
    assert counter.between(check.started, check.ended) == (0, 0)
    job = jobs["check"].steps
    fetched, _ = counter.between(job[0].started, job[-1].ended)
    # the PR's files (incompressible) and the checker's own files, never the term's documents
    workspace = runner.tmp / "jobs" / "check" / "workspace"
    tree = written(workspace)
    assert term.pr_bytes <= fetched < term.pr_bytes + tree.bytes
    assert submitted_blobs(term) <= missing_after(workspace, term.base)
    _, _, full_counter = checks["full"]
    full_jobs = checks["full"][1]["check"].steps
    full_fetched, _ = full_counter.between(full_jobs[0].started, full_jobs[-1].ended)
    assert full_fetched > term.history_bytes / 2 > fetched
    assert written(runner.tmp.parent / "full" / "jobs" / "check" / "workspace").files \
        > tree.files

