"""The workflow harness runs steps with the test environment's Python (issue 8 §7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workflow_harness import Runner

WORKFLOW = """\
name: probe
on: pull_request
jobs:
  probe:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b
      - run: python -c 'import sys, yaml, pypdf, docx; print(sys.prefix)'
"""


def test_steps_run_with_the_venvs_python_and_packages(tmp_path: Path) -> None:
    wf = tmp_path / "probe.yml"
    wf.write_text(WORKFLOW, encoding="utf-8")
    runner = Runner(wf, origin=tmp_path, event={}, event_name="pull_request",
                    api_url="http://127.0.0.1:9", token="t", tmp=tmp_path / "run",
                    repository="o/n")
    job = runner.run()["probe"]
    assert job.result == "success", job.steps[-1].stderr
    assert job.steps[-1].stdout.strip() == sys.prefix


def test_a_python_outside_the_test_environment_fails_loudly(tmp_path: Path) -> None:
    """The guard: a link to the venv's interpreter from another folder loses the venv."""
    link = tmp_path / "python"
    link.symlink_to(sys.executable)
    proc = subprocess.run([str(link), "-c", "print('ran')"], capture_output=True, text=True,
                          timeout=60)
    if sys.prefix == sys.base_prefix:  # not in a venv: the link is this very environment
        assert proc.returncode == 0
        return
    assert proc.returncode == 97, proc.stderr
    assert "not the test environment's Python" in proc.stderr
    assert "ran" not in proc.stdout
