"""Collect: every changed deliverable is read once, from git objects or the work tree, and the
documents are inspected in batches whose private copies are deleted as soon as they are read."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from checker import collect
from checker.config import load_course
from checker.inspect import sandbox
from tests.core.course_repo import CourseRepo, git, pdf_bytes

FILES = {
    "submissions/g10/summaries/2024-11-26.pdf": pdf_bytes(2),
    "submissions/g10/final/report.pdf": pdf_bytes(6),
    "submissions/g10/proposal.pdf": pdf_bytes(1),
}


def _code_zip() -> bytes:
    """The same bytes on every call (a fixed entry date), so two reads compare blob ids."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo("README.md", date_time=(2024, 12, 1, 12, 0, 0)),
                    "# Build\n`make`\n# Run\n`./run`\n")
    return buffer.getvalue()


def _read(tmp_path: Path, *, from_git: bool) -> dict[str, collect.Content]:
    repo = CourseRepo(tmp_path / "course")
    repo.open_pr_branch()
    for path, data in {**FILES, "submissions/g10/final/code.zip": _code_zip()}.items():
        repo.write(path, data)
    git(repo.root, "add", "-A")
    if from_git:
        head = repo.commit_pr()
        changes = collect.changes_from_git(repo.root, "main", head)
    else:
        changes = collect.changes_from_git(repo.root, "main", None)
    course = load_course(repo.root)
    return collect.read_contents(course, collect.Source(repo.root, from_git=from_git), changes)


@pytest.mark.parametrize("from_git", [True, False], ids=["git objects", "work tree"])
def test_small_batches_read_the_same_facts_and_leave_no_copy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, from_git: bool) -> None:
    whole = _read(tmp_path / "whole", from_git=from_git)
    seen: list[int] = []
    real = sandbox.run_many

    def counting(jobs: Iterable[sandbox.Job], workers: int | None = None,
                 budget: sandbox.Budget | None = None) -> list[sandbox.Outcome]:
        pulled = list(jobs)
        seen.append(len(pulled))
        for job in pulled:
            assert Path(job.args[0]).is_file()  # its private copy exists while it is read
        return real(pulled, workers, budget)

    monkeypatch.setattr(collect, "BATCH_BYTES", 1)  # one document per batch
    monkeypatch.setattr("checker.inspect.run_many", counting)
    copies: list[Path] = []
    real_dir = collect.private_dir

    def remembered() -> object:
        context = real_dir()

        class Wrapper:
            def __enter__(self) -> Path:
                folder = context.__enter__()
                copies.append(folder)
                return folder

            def __exit__(self, *exc: object) -> None:
                assert not any(copies[-1].iterdir())  # each batch deleted its copies
                context.__exit__(*exc)

        return Wrapper()

    monkeypatch.setattr(collect, "private_dir", remembered)
    one_by_one = _read(tmp_path / "batched", from_git=from_git)
    assert [n for n in seen if n] == [1, 1, 1, 1]
    assert list(one_by_one) == list(whole)  # in the order of the changes
    for path, content in whole.items():
        assert one_by_one[path].facts.to_json() == content.facts.to_json(), path
        assert one_by_one[path].blob_sha == content.blob_sha
    assert whole["submissions/g10/final/report.pdf"].facts.pages == 6


def test_documents_are_copied_one_at_a_time_as_the_workers_take_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The inspectors pull documents one at a time (at most one ahead of the busy workers):
    the next file is copied while the first ones are already being parsed, never all of them
    before the first worker starts."""
    real = sandbox.run_many
    copies_when_pulled: list[int] = []

    def watching(jobs: Iterable[sandbox.Job], workers: int | None = None,
                 budget: sandbox.Budget | None = None) -> list[sandbox.Outcome]:
        def pulled() -> Iterable[sandbox.Job]:
            for job in jobs:
                copies_when_pulled.append(len(list(Path(job.args[0]).parent.iterdir())))
                yield job
        return real(pulled(), workers, budget)

    monkeypatch.setattr("checker.inspect.run_many", watching)
    contents = _read(tmp_path, from_git=True)
    assert copies_when_pulled == [1, 2, 3, 4]
    assert contents["submissions/g10/final/report.pdf"].facts.pages == 6


def test_a_pull_requests_facts_are_bounded_together(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files whose facts come after the pull request's budget is spent are not judged on
    nothing: they get file.too-complex saying why and what to do."""
    monkeypatch.setattr("checker.limits.PR_REPLY_MAX_BYTES", 1)  # spent by the first answer
    monkeypatch.setattr("checker.inspect.sandbox.worker_count", lambda: 1)
    contents = _read(tmp_path, from_git=True)
    judged = [c.facts for c in contents.values()]
    refused = [f for f in judged if [x.rule for x in f.findings] == ["file.too-complex"]]
    assert len(refused) == len(judged) == 4  # even the first: 1 byte holds no answer
    message = refused[0].findings[0].message
    assert "files of this pull request together produced more than" in message
    assert "pull request of its own" in refused[0].findings[0].hint
