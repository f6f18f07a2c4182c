"""The course repository as it looks at the end of a term, and what a workflow fetches from it.

:func:`build_term` writes, with ``git fast-import`` into a bare "origin" that serves partial
clones as GitHub does, this project's own files (the checker, its workflows, the frozen course
schedule with ``groups`` groups) and a term of merged submissions: for every group its
group.yaml, proposal, slides, a paper summary, midterm slides, poster, report and code archive,
each pushed ``revisions`` times, with incompressible content as PDFs and archives have, and
every student's pre-class questions for every presented session. The last pull request (the
first group's final report, a real PDF, and its code archive, a real ZIP) is left open at
``refs/pull/<n>/head``.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from checkout_action import serve_partial_clones
from fake_github import ACTIONS_TOKEN, FakeGitHub
from workflow_harness import JobRun, Runner

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from core.course_repo import SHIPPED_SCHEDULE, group_yaml  # noqa: E402
from core.partial_clone import Counter  # noqa: E402

MB = 2**20
# A group's files and their size at scale 1 (MB): 7 documents, about 14 MB a revision
DOCUMENTS = {"proposal.pdf": 0.8, "slides/{session}.pdf": 4.0, "summaries/{session}.pdf": 0.5,
             "midterm.pdf": 2.5, "final/poster.pdf": 2.5, "final/report.pdf": 1.5,
             "final/code.zip": 2.0}
MEMBERS = 3
STAFF = "Staff <staff@example.invalid>"
START = 1725148800  # 2024-09-01 00:00 UTC: the term's first commit


@dataclass(frozen=True)
class Term:
    origin: Path  # the bare repository standing for GitHub
    base: str  # main's tip: the pull request's base
    pr: int  # the open pull request's number
    head: str  # its head commit
    author: str  # who opened it (a member of the first group)
    groups: int
    commits: int  # on main
    history_bytes: int  # every file version on main, added up
    pr_bytes: int  # the pull request's own files
    pr_files: tuple[str, ...]


class _Stream:
    """A ``git fast-import`` of commits on one branch, each with inline files."""

    def __init__(self, origin: Path) -> None:
        self.proc = subprocess.Popen(["git", "-C", str(origin), "fast-import", "--quiet",
                                      "--done"], stdin=subprocess.PIPE)
        self.mark = 0
        self.when = START

    def commit(self, ref: str, message: str, files: dict[str, bytes],
               parent: int | None) -> int:
        assert self.proc.stdin is not None
        self.mark += 1
        self.when += 600
        msg = message.encode()
        out = self.proc.stdin
        out.write(f"commit {ref}\nmark :{self.mark}\n".encode())
        out.write(f"committer {STAFF} {self.when} +0000\ndata {len(msg)}\n".encode() + msg
                  + b"\n")
        if parent is not None:
            out.write(f"from :{parent}\n".encode())
        for path, data in files.items():
            out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        out.write(b"\n")
        return self.mark

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"done\n")
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise RuntimeError("git fast-import failed")


def project_files(groups: list[str]) -> dict[str, bytes]:
    """This project's files as committed (read from the work tree), with the frozen course
    schedule for ``groups`` as schedule.yaml."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True,
                            check=True).stdout.decode().split("\0")
    files = {p: (ROOT / p).read_bytes() for p in listed if p and (ROOT / p).is_file()}
    schedule = SHIPPED_SCHEDULE.read_text(encoding="utf-8")
    shipped = f"groups: [{', '.join(f'g{i:02d}' for i in range(1, 16))}]"
    assert shipped in schedule
    files["schedule.yaml"] = schedule.replace(shipped, f"groups: [{', '.join(groups)}]").encode()
    return files


def members(group: str) -> list[tuple[str, str]]:
    return [(f"{group}-student{i}", f"Student {i} of {group}") for i in range(1, MEMBERS + 1)]


def presented_sessions() -> list[str]:
    data = yaml.safe_load(SHIPPED_SCHEDULE.read_text(encoding="utf-8"))
    return [str(s["date"]) for s in data["sessions"] if s.get("presenter")]


def filler(rng: random.Random, size: int, kind: str) -> bytes:
    """Incompressible bytes with the format's signature: a version in the history (never read
    again; only its size and its randomness matter)."""
    head = b"%PDF-1.7\n%" if kind == "pdf" else b"PK\x03\x04"
    return head + rng.randbytes(max(size - len(head), 0))


def report_pdf(rng: random.Random, size: int) -> bytes:
    """A real final report (fpdf2): a page a section, and a noise image (as a scanned figure
    is: incompressible) that makes it ``size`` bytes or so."""
    from fpdf import FPDF
    from PIL import Image

    side = max(int((size / 3) ** 0.5), 16)
    figure = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for i, heading in enumerate(("Introduction", "Design", "Evaluation", "Related work",
                                 "Conclusion", "References")):
        pdf.add_page()
        pdf.set_font("helvetica", style="B", size=13)
        pdf.multi_cell(0, 8, f"{i + 1}. {heading}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, "A paragraph of the final report. " * 12, new_x="LMARGIN",
                       new_y="NEXT")
        if i == 2:
            pdf.image(figure, x=20, y=80, w=150)
    return bytes(pdf.output())


def code_zip(rng: random.Random, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("README.md", "# Build\n\n`make`\n\n# Run\n\n`./run --input data.bin`\n")
        zf.writestr("data.bin", rng.randbytes(size))
    return buffer.getvalue()


def build_term(folder: Path, groups: int, *, revisions: int = 2, scale: float = 1.0,
               seed: int = 21) -> Term:
    """The end-of-term course repository at ``folder / "origin.git"`` (see the module)."""
    rng = random.Random(seed)
    ids = [f"g{i:02d}" for i in range(1, max(groups, 15) + 1)]  # the schedule names 15
    active = ids[:groups]
    sessions = presented_sessions()
    origin = folder / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    for key, value in (("core.compression", "1"), ("pack.compression", "1")):
        subprocess.run(["git", "-C", str(origin), "config", key, value], check=True)
    stream = _Stream(origin)
    history = 0
    setup = project_files(ids)
    setup.update({f"submissions/{g}/group.yaml": group_yaml(members(g)).encode()
                  for g in active})
    tip = stream.commit("refs/heads/main", "course: the checker and schedule.yaml", setup, None)
    history += sum(map(len, setup.values()))
    for name in DOCUMENTS:  # in the order they fall due
        for revision in range(revisions):
            for n, group in enumerate(active):
                path = f"submissions/{group}/" + name.format(session=sessions[n % len(sessions)])
                data = filler(rng, int(DOCUMENTS[name] * scale * MB), path[-3:])
                tip = stream.commit("refs/heads/main", f"{group}: {path} ({revision + 1})",
                                    {path: data}, tip)
                history += len(data)
        if name.startswith("summaries"):  # the questions fall in the weeks of the sessions
            for session in sessions:
                for group in active:
                    files = {f"submissions/questions/{session}/{login}.md":
                             f"## Paper\n- {rng.randbytes(40).hex()}?\n".encode()
                             for login, _ in members(group)}
                    tip = stream.commit("refs/heads/main", f"{group}: questions {session}",
                                        files, tip)
                    history += sum(map(len, files.values()))
    commits = stream.mark
    group = active[0]
    pr_files = {f"submissions/{group}/final/report.pdf":
                report_pdf(rng, int(DOCUMENTS["final/report.pdf"] * scale * MB)),
                f"submissions/{group}/final/code.zip":
                code_zip(rng, int(DOCUMENTS["final/code.zip"] * scale * MB))}
    pr = 1000 + groups
    stream.commit(f"refs/pull/{pr}/head", "final report and code", pr_files, tip)
    stream.close()
    serve_partial_clones(origin)

    def rev(ref: str) -> str:
        return subprocess.run(["git", "-C", str(origin), "rev-parse", ref], check=True,
                              capture_output=True, text=True).stdout.strip()

    return Term(origin=origin, base=rev("refs/heads/main"), pr=pr,
                head=rev(f"refs/pull/{pr}/head"), author=members(group)[0][0], groups=groups,
                commits=commits, history_bytes=history,
                pr_bytes=sum(map(len, pr_files.values())), pr_files=tuple(pr_files))


@dataclass(frozen=True)
class Tree:
    files: int  # written outside .git
    bytes: int
    git_bytes: int  # the repository's own store (.git)


def written(workspace: Path) -> Tree:
    files = size = stored = 0
    for path in _files(workspace):
        n = path.stat().st_size
        if ".git" in path.relative_to(workspace).parts[:1]:
            stored += n
        else:
            files += 1
            size += n
    return Tree(files, size, stored)


def _files(folder: Path) -> Iterator[Path]:
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def full_clone_workflow(workflow: Path, target: Path) -> Path:
    """``workflow`` with each checkout step as it was before issue 21: the whole history with
    every file's contents, and the whole tree written (its ``ref`` kept)."""
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    for job in data["jobs"].values():
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                kept = {k: v for k, v in step["with"].items() if k == "ref"}
                step["with"] = {**kept, "fetch-depth": 0, "persist-credentials": False}
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


SUBMITTED_AT = "2024-12-15T12:00:00Z"  # the day before the report and the code are due


def run_submission(term: Term, workflow: Path, tmp: Path, fake: FakeGitHub,
                   counter: Counter) -> tuple[Runner, dict[str, JobRun]]:
    """Both jobs of ``workflow`` (submission.yml or a variant) on the term's open pull request,
    as GitHub would run them, counting what origin serves."""
    from test_gh_e2e import REPO, event

    payload = event(SimpleNamespace(base=term.base), term.pr, term.head,  # type: ignore[arg-type]
                    SUBMITTED_AT, author=term.author, title="Final report and code")
    if term.pr not in fake.pulls:
        fake.add_pull(term.pr, author=term.author, head_sha=term.head)
        fake.receive_push(term.pr, term.head, SUBMITTED_AT)
    runner = Runner(workflow, origin=term.origin, event=payload,
                    event_name="pull_request_target", api_url=fake.url, token=ACTIONS_TOKEN,
                    tmp=tmp, repository=REPO,  # no .pyc: the files written are the checkout's
                    extra_env={**counter.env, "PYTHONDONTWRITEBYTECODE": "1"})
    runner.git_env = {**os.environ, **counter.env}
    return runner, runner.run()


def result_of(runner: Runner) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (runner.artifacts / "check-result" / "result.json").read_text(encoding="utf-8"))
    return data
