"""Benchmark (not a test): a cold ``python -m checker check`` of a typical final-project PR.

Builds a course repository (the shipped course, three declared groups) and a pull request of
group g10 that adds its final report (an 8-page two-column PDF with references), its code zip
(9 MB, mostly incompressible) and a 3-page paper summary, committed as the CI check reads it
(``--base``/``--head``, files read from git objects). Then, in one run, each as a cold process:
  - ``python -m checker check`` of that PR;
  - the same reads by the C tools: ``pdfinfo`` + ``pdftotext`` on both PDFs and ``unzip -l``;
  - the floor of the design: Python loading the PDFium library and doing nothing else (a
    repeated check reads schedule.yaml from its cache, without PyYAML);
and prints the ratios, then where the check's own time goes: ``python -X importtime`` summed
per top-level package, and the modules the check imported (PyGithub, python-docx and
jsonschema should not be among them for this PDF-and-zip PR).

Each round times the check, the C tools and the floors once, interleaved, and the ratio is
given best against best and as the median of the rounds' ratios.

    python bench/bench_check.py [--repeat 15] [--python PATH]

``--python``: the interpreter of the measured processes, e.g. a venv holding only the check
job's set (requirements/check.txt), as in CI: the test venv also has Pillow, fontTools and
cryptography, which pypdf imports when they are installed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "core"))
sys.path.insert(0, str(ROOT))

from bench_inspect import build_pr  # noqa: E402
from bench_inspect import run as timed  # noqa: E402
from course_repo import CourseRepo  # noqa: E402

SUMMARY_SESSION = "2024-11-26"  # g10 summarises this session in the shipped course
SUBMITTED_AT = "2024-11-27T10:00:00-05:00"  # every file on time
FLOOR = "import ctypes, sys; ctypes.CDLL(sys.argv[1])"


def make_pr(root: Path, scratch: Path) -> tuple[list[str], list[Path]]:
    """The PR as git commits in ``root``; returns the check's arguments and the files."""
    repo = CourseRepo(root)
    repo.open_pr_branch()
    report, code, summary = build_pr(scratch)
    files = []
    for src, dest in ((report, "submissions/g10/final/report.pdf"),
                      (code, "submissions/g10/final/code.zip"),
                      (summary, f"submissions/g10/summaries/{SUMMARY_SESSION}.pdf")):
        files.append(repo.write(dest, src.read_bytes()))
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    head = repo.commit_pr()
    args = ["check", "--root", str(root), "--base", "main", "--head", head,
            "--author", "ada-lovelace", "--at", SUBMITTED_AT]
    return args, [report, code, summary]


PROFILE = """
import sys, atexit
sys._xoptions.pop("importtime", None)  # worker processes started by the check: not profiled
atexit.register(lambda: open(sys.argv[1], "w").write("\\n".join(sorted(sys.modules))))
from checker.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


def import_profile(py: str, args: list[str], env: dict[str, str],
                   folder: Path) -> tuple[dict[str, float], set[str]]:
    """The check process's own imports: self time per top-level package (seconds), and every
    module it had imported when it exited (its worker processes are not counted)."""
    listing = folder / "modules.txt"
    proc = subprocess.run([py, "-X", "importtime", "-c", PROFILE, str(listing),
                           *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          check=False)
    per_package: dict[str, float] = defaultdict(float)
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if m:
            per_package[m.group(2).split(".")[0]] += int(m.group(1)) / 1e6
    return dict(per_package), set(listing.read_text().split())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter of the measured processes (default: this one)")
    args = parser.parse_args()
    py = args.python
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        env = dict(os.environ, CHECKER_SOFFICE="none", PYTHONPATH=str(ROOT),
                   CHECKER_CACHE_DIR=str(Path(tmp) / "cache"))
        # as on a runner or a laptop: the first run writes the bytecode the others read
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        root, scratch = Path(tmp) / "course", Path(tmp) / "files"
        scratch.mkdir()
        check_args, files = make_pr(root, scratch)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.1f} MB" for p in files)
        print(f"typical final-project PR: {sizes}")
        check = [py, "-m", "checker", *check_args]
        first = timed(check, env)  # schedule not yet validated; the page cache warms
        timed(check, env)  # bytecode written, parse and schema caches filled
        c_tools = bool(shutil.which("pdfinfo") and shutil.which("pdftotext")
                       and shutil.which("unzip"))
        pdfs = [str(p) for p in files if p.suffix == ".pdf"]
        theirs_cmds = [c for p in pdfs for c in (["pdfinfo", p], ["pdftotext", p, "/dev/null"])]
        theirs_cmds.append(["unzip", "-l", str(files[1])])
        # Interleaved, one round at a time, so that a noisy moment of a shared machine falls on
        # both sides: each round times the check, the C tools and the floors once.
        library = subprocess.run([py, "-c", "from checker.inspect.pdfium import library_path; "
                                  "print(library_path())"], capture_output=True, text=True,
                                 env=env, cwd=ROOT, check=True).stdout.strip()
        rounds: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.repeat):
            rounds["check"].append(timed(check, env))
            if c_tools:
                rounds["c"].append(sum(timed(c) for c in theirs_cmds))
            rounds["floor"].append(timed([py, "-c", FLOOR, library], env))
            rounds["floor_yaml"].append(timed([py, "-c", FLOOR + "; import yaml", library], env))
            rounds["bare"].append(timed([py, "-c", "pass"], env))
        ours, floor, floor_yaml, bare = (min(rounds[k]) for k in
                                         ("check", "floor", "floor_yaml", "bare"))
        print(f"cold check: {ours:.3f} s (best of {args.repeat}); the first one, parsing and "
              f"validating schedule.yaml and group.yaml: {first:.3f} s")
        print(f"python doing nothing: {bare:.3f} s; python loading the PDFium library: "
              f"{floor:.3f} s (the floor); with PyYAML imported too: {floor_yaml:.3f} s")
        if c_tools:
            theirs = min(rounds["c"])
            pairs = sorted(a / b for a, b in zip(rounds["check"], rounds["c"], strict=True))
            median = pairs[len(pairs) // 2]
            print(f"pdfinfo + pdftotext on both PDFs + unzip -l (5 processes): {theirs:.3f} s")
            print(f"ratio check / C tools: {ours / theirs:.1f}x best against best, "
                  f"{median:.1f}x median of the {len(pairs)} rounds (goal: at most 5x); "
                  f"floor / C tools: {floor / theirs:.1f}x")
        else:
            print("poppler-utils or unzip not installed: no comparison with the C tools")
        per_package, modules = import_profile(py, check_args, env, Path(tmp))
        total = sum(per_package.values())
        top = sorted(per_package.items(), key=lambda kv: -kv[1])[:12]
        print(f"imports of the check (self time, one run): {total:.3f} s in {len(modules)} "
              "modules; by package:")
        for name, seconds in top:
            print(f"  {name:24} {seconds:.3f} s")
        unwanted = ("github", "docx", "jsonschema", "nacl", "cryptography", "lxml", "requests")
        present = [u for u in unwanted if u in modules]
        print(f"imported although this PR needs none of them: {', '.join(present) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
