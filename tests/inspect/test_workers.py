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

from checker.inspect.sandbox import WorkerFailed, run_limited
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
