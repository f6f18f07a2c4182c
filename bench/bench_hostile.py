"""Benchmark (not a test): every hostile class of issue 8 §5, timed, with the peak memory of the
parent and of the worker, and what one worker costs.

Each file is built in a temporary folder (zipfile, python-docx, pypdf; the corpus' zbsm.zip
when present), then inspected in a fresh process (``--one``) so that each figure is its own:
  - parent: wall clock of ``inspect_file`` (everything done with the file, LibreOffice too) and
    the parent's own peak RSS (``VmHWM``: forked workers are separate processes);
  - worker: wall clock and peak RSS of the inspection worker alone (``wait4``);
  - the findings.
Then the cost of one worker: fork, answer and reap, against a pass in the same process.

    python bench/bench_hostile.py [--skip-libreoffice]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import stat
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "inspect"))
sys.path.insert(0, str(ROOT))

README = "# Build\n`make`\n# Run\n`./run`\n"


def _page_breaks_docx(path: Path) -> Path:
    from conftest import write_docx

    return write_docx(path, [("h1", "Problem"), ("p", "Text.")] + [("break", "")] * 20_000)


def _huge_styles_docx(path: Path) -> Path:
    """A DOCX whose styles.xml is 31 MB of distinct paragraph styles."""
    from conftest import write_docx

    clean = write_docx(path.with_suffix(".clean.docx"), [("h1", "Problem"), ("p", "Text.")])
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w='
            '"http://schemas.openxmlformats.org/wordprocessingml/2006/main">')
    style = ('<w:style w:type="paragraph" w:customStyle="1" w:styleId="S{0}"><w:name w:val='
             '"Style {0}"/><w:basedOn w:val="S{1}"/><w:pPr><w:spacing w:before="{2}"/></w:pPr>'
             '<w:rPr><w:sz w:val="{3}"/></w:rPr></w:style>')
    parts, size, i = [head], len(head), 0
    while size < 31 * 2**20:
        part = style.format(i, max(i - 1, 0), i % 997, 16 + i % 40)
        parts.append(part)
        size += len(part)
        i += 1
    parts.append("</w:styles>")
    with zipfile.ZipFile(clean) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = "".join(parts).encode() if info.filename == "word/styles.xml" \
                else src.read(info)
            dst.writestr(info.filename, data)
    clean.unlink()
    return path


def build(folder: Path, with_libreoffice: bool) -> list[tuple[str, Path, str]]:
    from conftest import pptx_files, slide_xml, write_encrypted_huge_names, write_zip
    from pypdf import PdfWriter
    from test_hostile import _large_streams_pdf

    out: list[tuple[str, Path, str]] = [
        ("zip: 400 encrypted entries, 64 KB names (26 MB)",
         write_encrypted_huge_names(folder / "names.zip"), "zip"),
    ]
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("data.bin", "w", force_zip64=True) as f:
        for _ in range(300):
            f.write(b"\0" * 2**20)
    out.append(("zip: 300 MB of zeros", bomb, "zip"))
    zbsm = ROOT.parent / "shared" / "corpus" / "zip" / "recursiveextractor" / "zbsm.zip"
    if zbsm.is_file():
        out.append(("zip: overlapping entries (zbsm.zip)", zbsm, "zip"))
    link = folder / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        zf.writestr("README.md", README)
        info = zipfile.ZipInfo("passwd")
        info.create_system = 16  # BeOS
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    out.append(("zip: symlink made on BeOS", link, "zip"))
    out.append(("zip: full-width ../ (NFKC)", write_zip(folder / "nfkc.zip", {
        "README.md": README, "\uff0e\uff0e/escape.txt": "x"}), "zip"))
    lie = folder / "lie.zip"
    with zipfile.ZipFile(lie, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.md", README)
        zf.writestr("main.py", "print('hello')\n" * 50)
    data = bytearray(lie.read_bytes())
    name_at = data.index(b"main.py")  # first in its local header, 30 bytes in
    struct.pack_into("<H", data, name_at - 30 + 8, 0)  # the local header says: stored
    lie.write_bytes(bytes(data))
    out.append(("zip: local header says another method", lie, "zip"))
    pdf = folder / "streams.pdf"
    out.append(("pdf: ten 70 MB streams", _large_streams_pdf(pdf), "pdf"))
    empty = folder / "empty.pdf"
    PdfWriter().write(str(empty))
    out.append(("pdf: no pages", empty, "pdf"))
    out.append(("pptx: 50 empty slides", write_zip(folder / "empty.pptx", pptx_files(
        [slide_xml("one"), *[""] * 50])), "pptx"))
    utf16 = folder / "utf16.docx"
    from conftest import write_docx

    clean = write_docx(folder / "clean.docx", [("h1", "Problem"), ("p", "Text.")])
    with zipfile.ZipFile(clean) as src, zipfile.ZipFile(utf16, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("customXml/item1.bin", (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
        ).encode("utf-16"))
    out.append(("docx: UTF-16 DTD in a part not named .xml", utf16, "docx"))
    if with_libreoffice:
        out.append(("docx: 20,000 page breaks (LibreOffice)",
                    _page_breaks_docx(folder / "breaks.docx"), "docx"))
        out.append(("docx: 31 MB styles.xml (LibreOffice)",
                    _huge_styles_docx(folder / "styles.docx"), "docx"))
    return out


def one(path: Path, ext: str) -> dict[str, Any]:
    """Inspect one file: parent and worker figures (runs in its own process)."""
    from checker.facts import FileFacts
    from checker.inspect import inspect_file, preload
    from checker.inspect.sandbox import run_limited
    from checker.inspect.worker import inspect_to_wire
    from checker.model import Limits

    lim = Limits()
    preload(ext)
    start = time.perf_counter()
    out = run_limited(inspect_to_wire, (path, path.name, lim, ext), lim)
    worker_seconds = time.perf_counter() - start
    start = time.perf_counter()
    facts: FileFacts = inspect_file(path, path.name, lim, ext)
    parent_seconds = time.perf_counter() - start
    return {
        "parent_seconds": parent_seconds,
        "parent_peak": _high_water_mark(),
        "worker_seconds": worker_seconds,
        "worker_peak": out.peak_rss_bytes or 0,
        "rules": [f.rule for f in facts.findings],
    }


def _high_water_mark() -> int:
    """This process's peak RSS since it started (VmHWM; ru_maxrss would count the RSS its
    parent had when it forked, which Linux carries over exec)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def worker_cost(rounds: int = 50) -> tuple[float, float]:
    """Seconds per forked worker (fork, JSON answer, reap) and per in-process call."""
    from checker.inspect import preload
    from checker.inspect.sandbox import run_limited
    from checker.model import Limits

    preload("pdf")
    preload("docx")
    lim = Limits()
    start = time.perf_counter()
    for _ in range(rounds):
        run_limited(len, ("x" * 100,), lim)
    forked = (time.perf_counter() - start) / rounds
    start = time.perf_counter()
    for _ in range(rounds):
        len("x" * 100)
    return forked, (time.perf_counter() - start) / rounds


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--skip-libreoffice", action="store_true")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "EXT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(Path(args.one[0]), args.one[1])))
        return 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if args.skip_libreoffice:
        env["CHECKER_SOFFICE"] = "none"
    mb = 2**20
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        files = build(Path(tmp), not args.skip_libreoffice)
        print(f"{'hostile class':48} {'parent s':>8} {'peak MB':>7} {'worker s':>8} "
              f"{'peak MB':>7}  findings")
        worst_time = worst_parent = worst_worker = ("", 0.0)
        for label, path, ext in files:
            proc = subprocess.run([sys.executable, __file__, "--one", str(path), ext],
                                  capture_output=True, text=True, env=env, check=False)
            if proc.returncode != 0:
                print(f"{label:48} failed: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(proc.stdout)
            print(f"{label:48} {r['parent_seconds']:8.2f} {r['parent_peak'] / mb:7.0f} "
                  f"{r['worker_seconds']:8.2f} {r['worker_peak'] / mb:7.0f}  "
                  f"{', '.join(sorted(set(r['rules']))) or '(none)'}")
            if r["parent_seconds"] > worst_time[1]:
                worst_time = (label, r["parent_seconds"])
            if r["parent_peak"] > worst_parent[1]:
                worst_parent = (label, r["parent_peak"])
            if r["worker_peak"] > worst_worker[1]:
                worst_worker = (label, r["worker_peak"])
        print(f"worst time (everything done with one file): {worst_time[1]:.2f} s, "
              f"{worst_time[0]}")
        print(f"parent peak RSS: {worst_parent[1] / mb:.0f} MB ({worst_parent[0]}); "
              f"worker peak RSS: {worst_worker[1] / mb:.0f} MB ({worst_worker[0]})")
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                           "import bench_hostile as b; print(*b.worker_cost())",
                           str(Path(__file__).parent)], capture_output=True, text=True,
                          env=env, check=True)
    forked, inline = (float(x) for x in proc.stdout.split())
    print(f"one worker (fork after the parsers were imported, JSON answer, reap): "
          f"{forked * 1000:.1f} ms; an in-process call: {inline * 1e6:.1f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
