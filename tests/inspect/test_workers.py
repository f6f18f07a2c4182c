"""The worker model (issue 12 §1, issue 8 §4-§5): forked workers answer in bounded JSON, the
parent never trusts more than it can hold, and no process outlives the command."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import summary_blocks, write_docx, write_pdf, write_zip
from test_hostile import zombies

from checker.inspect.sandbox import Job, WorkerFailed, run_limited, run_many
from checker.limits import WORKER_REPLY_MAX_BYTES
from checker.model import Limits

ROOT = Path(__file__).resolve().parents[2]


def _processes_with(marker: str) -> list[str]:
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(environ.parent.name)
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_no_process_outlives_the_command(tmp_path: Path, soffice: str) -> None:
    """Every worker, and LibreOffice, is gone when `inspect` returns (there is no forkserver)."""
    files = [write_pdf(tmp_path / "summary.pdf", summary_blocks(["1. Problem"])),
             write_docx(tmp_path / "proposal.docx", [("h1", "Problem"), ("p", "Text.")]),
             write_zip(tmp_path / "code.zip", {"README.md": "# Build\n`make`\n# Run\n`./r`\n"})]
    marker = f"CHECKER_TEST_MARKER_{uuid.uuid4().hex}"
    proc = subprocess.run([sys.executable, "-m", "checker", "inspect", *map(str, files)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, marker: "1"})
    assert proc.returncode == 0, proc.stderr
    assert "docx, " in proc.stdout and "pages" in proc.stdout
    assert _processes_with(marker) == []


def _big(n: int) -> str:
    return "x" * n


def test_an_answer_over_the_cap_is_refused_unread_and_its_size_said() -> None:
    out = run_limited(_big, (WORKER_REPLY_MAX_BYTES + 2**20,), Limits())
    assert out.value is None and out.failure is not None
    assert "a worker may return" in out.failure and "left out" in out.failure
    assert out.exitcode is not None  # the worker was reaped


def test_a_small_answer_comes_back_as_json_values() -> None:
    out = run_limited(dict, (), Limits())
    assert out.value == {} and out.failure is None
    assert out.peak_rss_bytes and out.peak_rss_bytes > 0


def _fail() -> None:
    raise KeyError("a bug in the checker")


def test_a_bug_in_the_worker_is_the_checkers_failure() -> None:
    with pytest.raises(WorkerFailed, match="KeyError: 'a bug in the checker'"):
        run_limited(_fail, (), Limits())


def _not_json() -> object:
    return object()


def test_a_value_that_is_not_json_is_refused() -> None:
    with pytest.raises(WorkerFailed, match="TypeError"):
        run_limited(_not_json, (), Limits())


# --- several workers at once ------------------------------------------------------------------

def _interval(seconds: float, tag: str) -> dict[str, object]:
    import time

    start = time.monotonic()
    time.sleep(seconds)
    return {"tag": tag, "start": start, "end": time.monotonic(), "pid": os.getpid()}


def test_run_many_runs_workers_side_by_side_and_answers_in_order() -> None:
    jobs = [Job(_interval, (0.3, f"job-{i}"), Limits()) for i in range(3)]
    out = run_many(jobs, workers=2)
    values = [o.value for o in out]
    assert [v["tag"] for v in values] == ["job-0", "job-1", "job-2"]
    assert len({v["pid"] for v in values}) == 3 and os.getpid() not in {v["pid"] for v in values}
    first, second, third = values
    assert first["start"] < second["end"] and second["start"] < first["end"]  # overlapped
    assert third["start"] >= min(first["end"], second["end"])  # never more than 2 at once
    assert zombies() == []


def test_one_workers_bug_ends_the_run_and_leaves_no_worker_behind() -> None:
    jobs = [Job(_interval, (1.0, "slow"), Limits()), Job(_fail, (), Limits()),
            Job(_interval, (0.0, "never started"), Limits())]
    with pytest.raises(WorkerFailed, match="a bug in the checker"):
        run_many(jobs, workers=2)
    assert zombies() == [] and not _children()


def _children() -> list[int]:
    """Live child processes of this process (Linux /proc)."""
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def test_a_worker_past_its_wall_clock_is_killed_while_the_others_answer() -> None:
    jobs = [Job(_interval, (30.0, "hangs"), Limits(), wall_seconds=0.5),
            Job(_interval, (0.0, "quick"), Limits())]
    hung, quick = run_many(jobs, workers=2)
    assert hung.value is None and hung.failure is not None and "longer than" in hung.failure
    assert quick.value is not None and quick.value["tag"] == "quick"
    assert zombies() == [] and not _children()


def _open_fds() -> list[int]:
    return sorted(int(fd) for fd in os.listdir("/proc/self/fd") if int(fd) > 2)


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")
def test_a_worker_holds_no_descriptor_but_its_answer_pipe(tmp_path: Path) -> None:
    """A parser taken over by a hostile file cannot read the other workers' pipes or the git
    processes' the command reads blobs through: the worker closes every inherited descriptor."""
    with (tmp_path / "held.txt").open("w") as held, subprocess.Popen(
            ["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as cat:
        assert cat.stdin is not None and cat.stdout is not None
        assert {held.fileno(), cat.stdin.fileno(), cat.stdout.fileno()} <= set(_open_fds())
        out = run_many([Job(_open_fds, (), Limits()), Job(_open_fds, (), Limits())], workers=2)
        cat.stdin.close()
    for outcome in out:
        # its answer pipe, and the descriptor that lists /proc/self/fd: nothing inherited
        assert outcome.value is not None and len(outcome.value) <= 2, outcome.value


def _text(n: int, tag: str) -> dict[str, str]:
    return {"tag": tag, "text": "x" * n}


def test_a_budget_bounds_what_all_the_workers_of_a_check_bring_back() -> None:
    """The parent holds every file's facts until the rules run: a budget shared by the batches
    of one pull request bounds them; answers past it are dropped, their workers reaped."""
    from checker.inspect.sandbox import Budget

    budget = Budget(max_bytes=2000)
    jobs = [Job(_text, (900, f"job-{i}"), Limits()) for i in range(4)]
    first = run_many(jobs[:1], workers=1, budget=budget)
    rest = run_many(jobs[1:], workers=1, budget=budget)  # a second batch, the same budget
    outcomes = first + rest
    assert [o.over_budget for o in outcomes] == [False, False, True, True]
    assert [o.value["tag"] if o.value else None for o in outcomes] == [
        "job-0", "job-1", None, None]
    assert outcomes[2].failure is not None and "budget" in outcomes[2].failure
    assert budget.used <= budget.max_bytes
    assert zombies() == [] and not _children()
