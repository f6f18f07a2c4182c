"""The one test that reads the live ``schedule.yaml``: whatever a TA put in it must validate.

Every other test builds its course from the frozen copy in ``tests/fixtures/course/``, so a
valid edit for a new term (presenters swapped, staff logins changed, new dates) turns nothing
red; an invalid edit turns exactly this test red, with ``validate``'s own message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_live_schedule_yaml_validates() -> None:
    proc = subprocess.run([sys.executable, "-m", "checker", "validate", "--root", str(ROOT)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1].startswith("OK: schedule.yaml (")
