"""Partial clones in tests: what a remote serves, and what a clone still lacks.

:class:`Counter` counts what a remote named ``origin`` sends: every ``git upload-pack`` that a
git process run with :attr:`Counter.env` starts for it (a clone, a fetch, a partial clone's
lazy fetch of a missing blob) runs through a wrapper that counts its bytes. The wrapper is set
through ``GIT_CONFIG_*`` variables, so no repository and no command is changed to measure it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def serve_partial_clones(origin: Path) -> None:
    """Let ``origin`` (a bare repository standing for GitHub) serve what GitHub serves: filtered
    (partial) clones, and any object a partial clone asks for by id."""
    for key in ("uploadpack.allowFilter", "uploadpack.allowAnySHA1InWant"):
        subprocess.run(["git", "-C", str(origin), "config", key, "true"], check=True,
                       capture_output=True)


COUNTER = '''\
import os, subprocess, sys, time
proc = subprocess.Popen(["git", "upload-pack", *sys.argv[1:]], stdout=subprocess.PIPE)
total = 0
while True:
    chunk = os.read(proc.stdout.fileno(), 1 << 16)
    if not chunk:
        break
    total += len(chunk)
    view = memoryview(chunk)
    while view:
        view = view[os.write(1, view):]
code = proc.wait()
with open({log!r}, "a") as f:
    f.write(f"{{time.monotonic()}} {{total}}\\n")
sys.exit(code)
'''


class Counter:
    """Counts the bytes and requests ``origin`` serves to git processes run with :attr:`env`."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "upload-pack.log"
        self.log.touch()
        script = folder / "counting-upload-pack"
        script.write_text(f"#!{sys.executable}\n" + COUNTER.format(log=str(self.log)))
        script.chmod(0o755)
        self.env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "remote.origin.uploadpack",
                    "GIT_CONFIG_VALUE_0": str(script)}

    def entries(self) -> list[tuple[float, int]]:
        return [(float(t), int(n)) for t, n in
                (line.split() for line in self.log.read_text().splitlines())]

    def between(self, start: float, end: float) -> tuple[int, int]:
        """(bytes, requests) served between two ``time.monotonic()`` readings."""
        served = [n for t, n in self.entries() if start <= t <= end]
        return sum(served), len(served)


def missing_after(workspace: Path, commit: str) -> set[str]:
    """The blobs of ``commit``'s tree this (partial) clone still does not hold."""
    out = subprocess.run(["git", "-C", str(workspace), "rev-list", "--objects",
                          "--no-object-names", "--missing=print", "--no-walk", commit],
                         capture_output=True, text=True, check=True).stdout
    return {line[1:] for line in out.splitlines() if line.startswith("?")}
