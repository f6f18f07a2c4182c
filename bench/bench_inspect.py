"""Benchmark (not a test): inspecting a typical pull request, against poppler and unzip.

Builds a typical PR in a temporary folder (an 8-page two-column report PDF with references,
a 10 MB code zip, a 3-page summary PDF), then times, each as a cold process:
  - ``python -m checker inspect`` on the three files;
  - the same reads by ``pdfinfo`` + ``pdftotext`` (poppler) and ``unzip -l``, when installed;
and prints the ratio. Then the worst hostile file (of a few) by time, and its peak memory.

    python bench/bench_inspect.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "inspect"))
sys.path.insert(0, str(ROOT))

from conftest import (  # noqa: E402
    GOOD_README,
    summary_blocks,
    write_pdf,
    write_two_column_paper,
)


def build_pr(folder: Path) -> list[Path]:
    report = write_two_column_paper(folder / "report.pdf", body_pages=8, ref_pages=2)
    summary = write_pdf(folder / "summary.pdf", summary_blocks(
        ["1. Problem and Importance", "2. Related Work", "3. Proposed Solution",
         "4. Limitations", "5. Future Research Directions"], paragraphs=2))
    code = folder / "code.zip"
    rng = random.Random(585)
    with zipfile.ZipFile(code, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project/README.md", GOOD_README)
        zf.writestr("project/train.py", "print('train')\n")
        zf.writestr("project/requirements.txt", "numpy\n")
        zf.writestr("project/scripts/eval.sh", "echo eval\n")
        for i in range(200):  # sources: compressible text
            zf.writestr(f"project/src/module_{i}.py",
                        "".join(f"def f_{j}(x):\n    return x * {j}\n" for j in range(300)))
        zf.writestr("project/data/weights.bin", rng.randbytes(9 * 2**20))  # incompressible
    return [report, code, summary]


def run(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, cwd=ROOT)
    return time.perf_counter() - start


def best(cmds: list[list[str]], repeat: int, env: dict[str, str] | None = None) -> float:
    return min(sum(run(c, env) for c in cmds) for _ in range(repeat))


def hostile_files(folder: Path) -> list[tuple[str, Path, str]]:
    from test_hostile import _large_streams_pdf

    out = [("PDF, ten 70 MB streams", _large_streams_pdf(folder / "streams.pdf"), "pdf")]
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("data.bin", "w", force_zip64=True) as f:
        for _ in range(300):
            f.write(b"\0" * 2**20)
    out.append(("zip, 300 MB of zeros", bomb, "zip"))
    corpus = ROOT.parent / "shared" / "corpus"
    for rel, ext in (("zip/recursiveextractor/zbsm.zip", "zip"),
                     ("pdf/009-pdflatex-geotopo/GeoTopo-komprimiert.pdf", "pdf")):
        if (corpus / rel).is_file():
            out.append((rel, corpus / rel, ext))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, CHECKER_SOFFICE="none", PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-inspect-") as tmp:
        folder = Path(tmp)
        files = build_pr(folder)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.1f} MB" for p in files)
        print(f"typical PR: {sizes}")
        ours = best([[sys.executable, "-m", "checker", "inspect", *map(str, files)]],
                    args.repeat, env)
        print(f"checker inspect (cold process, 3 files): {ours:.2f} s")
        if shutil.which("pdfinfo") and shutil.which("pdftotext") and shutil.which("unzip"):
            pdfs = [p for p in files if p.suffix == ".pdf"]
            cmds = [c for p in pdfs for c in (["pdfinfo", str(p)],
                                                ["pdftotext", str(p), "/dev/null"])]
            cmds.append(["unzip", "-l", str(files[1])])
            theirs = best(cmds, args.repeat)
            print(f"pdfinfo + pdftotext + unzip -l (5 processes): {theirs:.2f} s")
            print(f"ratio checker / poppler+unzip: {ours / theirs:.1f}x")
        else:
            print("poppler-utils or unzip not installed: no comparison")

        print("hostile files: cold `inspect` process; worker time and peak RSS; finding")
        from checker.facts import FileFacts
        from checker.inspect import preload
        from checker.inspect.sandbox import run_limited
        from checker.inspect.worker import inspect_to_wire
        from checker.model import Limits

        lim = Limits()
        worst = ("", 0.0, 0)
        for label, path, ext in hostile_files(folder):
            cold = run([sys.executable, "-m", "checker", "inspect", str(path)], env)
            start = time.perf_counter()
            preload(ext)
            out = run_limited(inspect_to_wire, (path, path.name, lim, ext), lim)
            seconds = time.perf_counter() - start
            peak = out.peak_rss_bytes or 0
            rules = ([f.rule for f in FileFacts.from_wire(out.value).findings] if out.value
                     else [out.failure])
            print(f"  {label}: cold {cold:.2f} s; worker {seconds:.2f} s, "
                  f"peak {peak / 2**20:.0f} MB; {rules}")
            if cold > worst[1]:
                worst = (label, cold, peak)
        print(f"worst hostile file: {worst[0]}: {worst[1]:.2f} s cold, worker peak "
              f"{worst[2] / 2**20:.0f} MB (limits: {lim.cpu_seconds} s CPU, "
              f"{lim.memory_bytes // 2**20} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
