"""Benchmark (not a test): what each job installs, from an empty venv, in one run.

For each hash-locked set in requirements/*.txt (or those named), as its workflow installs it:
a fresh venv, ``pip install --require-hashes --no-deps -r requirements/SET.txt``, then the
checker itself (``pip install --no-deps --no-build-isolation .``). The wheels are downloaded
first (not timed), so the time is the install from a warm cache, without the network. Prints
the number of distributions (the checker included), the installed size of the venv's
site-packages (pip itself excluded) and the install time, and whether the set holds the GitHub
client (PyGithub, cryptography, PyNaCl) or the document parsers (pypdfium2, pypdf, python-docx,
lxml).

    python bench/bench_install.py [SET ...]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ("pygithub", "cryptography", "pynacl")
PARSERS = ("pypdfium2", "pypdf", "python-docx", "lxml")


def size_of(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def install(name: str, folder: Path) -> tuple[float, int, list[str]]:
    venv = folder / name
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # pip itself comes from the running interpreter (not part of what a set installs)
    wheels = folder / f"{name}-wheels"
    locked = str(ROOT / "requirements" / f"{name}.txt")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "download", "-q",
                    "--no-deps", "-d", str(wheels), "-r", locked], check=True,
                   stderr=subprocess.DEVNULL)
    pip = [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-index",
           "--find-links", str(wheels)]
    start = time.perf_counter()
    subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", locked], check=True, cwd=ROOT)
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", str(ROOT)], check=True,
                   cwd=folder)
    seconds = time.perf_counter() - start
    [site] = list(venv.glob("lib/python*/site-packages")) or [venv / "Lib" / "site-packages"]
    dists = sorted(re.sub(r"-[^-]+\.dist-info$", "", d.name).lower().replace("_", "-")
                   for d in site.glob("*.dist-info"))
    return seconds, size_of(site), dists


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sets", nargs="*", help="names in requirements/ (default: every .txt)")
    args = parser.parse_args()
    names = args.sets or sorted(p.stem for p in (ROOT / "requirements").glob("*.txt"))
    print(f"{'set':8} {'dists':>5} {'size':>8} {'time':>7}  GitHub client / parsers")
    with tempfile.TemporaryDirectory(prefix="bench-install-") as tmp:
        for name in names:
            seconds, size, dists = install(name, Path(tmp))
            has = [d for d in (*CLIENT, *PARSERS) if d in dists]
            print(f"{name:8} {len(dists):5} {size / 2**20:6.1f}MB {seconds:6.1f}s  "
                  f"{', '.join(has) or 'neither'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
