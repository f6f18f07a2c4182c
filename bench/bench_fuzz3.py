"""Benchmark (not a test): the third fuzzing campaign (issue 19), counts by class before/after.

Draws ``--files`` distinct files (2,050 by default) from the builders the tests use
(``tests/inspect/hostile_files.py``: zipfile, python-docx, python-pptx, fpdf2, then the
attacker's patched bytes), every class of issue 19 and issue 17 item 6 plus healthy controls,
each from its own seed (``--seed``), and inspects each one in the sandbox of the checker found
in ``--checker`` (default: this tree; give an export of another commit to compare), in
chunks of 100 files per process so that each chunk's parent peak is its own. Per file: the
findings, whether the checker failed (an internal error: exit 3 in the CLI), the wall clock
of its worker and the worker's peak RSS (``wait4``). A class is judged by what a TA opening
the file elsewhere would expect (the rule it must give; no error for a healthy file; no raw
control character or markup in a message or in ``inspect``'s text for M1/M2).

``--libreoffice N`` adds N DOCX files whose picture links to a recording HTTP server on
127.0.0.1 (the three bypasses of the old guard) inspected with LibreOffice, counting the
requests that arrive. Run it with ``nice``: two cores are shared.

    nice python bench/bench_fuzz3.py [--files N] [--seed S] [--checker DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "inspect"))

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
                 "|<img")
CHUNK = 100

# class: (share of the files, extension, what is right: (error rules, all rules, crashed,
# raw text) -> bool, a one-line description)
Judge = Callable[[set[str], set[str], bool, bool], bool]


def _gives(rule: str) -> Judge:
    return lambda errors, _rules, crashed, _raw: not crashed and rule in errors


def _any_error(errors: set[str], _rules: set[str], crashed: bool, _raw: bool) -> bool:
    return not crashed and bool(errors)


def _clean(errors: set[str], _rules: set[str], crashed: bool, _raw: bool) -> bool:
    return not crashed and not errors


def _unreadable_or_mismatch(errors: set[str], _rules: set[str], crashed: bool,
                            _raw: bool) -> bool:
    return not crashed and bool(errors & {"file.unreadable", "format.mismatch"})


def _no_crash(_errors: set[str], _rules: set[str], crashed: bool, _raw: bool) -> bool:
    return not crashed


def _inert(_errors: set[str], _rules: set[str], crashed: bool, raw: bool) -> bool:
    return not crashed and not raw


def _guarded(_errors: set[str], rules: set[str], crashed: bool, _raw: bool) -> bool:
    return not crashed and "external_links" in rules  # LibreOffice is not run on it


CLASSES: dict[str, tuple[int, str, Judge, str]] = {
    "C1": (120, "docx", _gives("file.unreadable"), "DOCX part not well-formed XML"),
    "C2": (60, "zip", _any_error, "directory offset puts entries before byte 0"),
    "C3": (100, "pdf", _no_crash, "text/boxes at extreme coordinates (NaN class)"),
    "H1": (100, "zip", _gives("zip.symlink"), "link marked only in the ASi extra field"),
    "H2": (100, "zip", _gives("zip.unsafe-path"), "Unicode Path field hides ../, /, README"),
    "H3": (100, "zip", _gives("zip.unsafe-path"), "UTF-8 full-width dots, not flagged UTF-8"),
    "H4": (100, "zip", _gives("zip.inconsistent"), "end record 0xFFFF / ZIP64 count lies"),
    "H5": (100, "docx", _gives("file.too-complex"), "DTD hidden by UTF-7"),
    "H6": (120, "pdf", _gives("pages.ambiguous"), "/Count missing, 0, <0, huge, 0.5"),
    "H7": (100, "pdf", _gives("file.unreadable"), "trailer names no catalog"),
    "H8": (100, "pptx", _unreadable_or_mismatch, "PPTX without content types / macro"),
    "H9": (100, "docx", _gives("file.unreadable"), "LZMA/bzip2/version 6.3 DOCX parts"),
    "H10": (100, "zip", _gives("zip.inconsistent"), "local flags / ZIP64 sizes disagree"),
    "H11": (60, "docx", _guarded, "outside picture past the old guard (3 bypasses)"),
    "H12": (60, "zip", _any_error, "multi-disk end record"),
    "H13": (60, "zip", _gives("zip.unsafe-path"), "NUL in an entry name"),
    "I17": (100, "docx", _gives("zip.inconsistent"), "Office end-record count lies"),
    "R1": (150, "pptx|docx", _clean, "python-pptx decks, Mac printer settings"),
    "R2": (100, "zip", _clean, "code zip: stored PDF first / ODF names"),
    "M": (120, "zip|pdf", _inert, "controls and markup in names and headings"),
    "R0": (100, "pdf|docx|pptx|zip", _clean, "healthy controls"),
}


def _build(cls: str, rng: random.Random, folder: Path) -> tuple[bytes, str]:
    import hostile_files as hf

    if cls == "C1":
        return hf.c1_malformed_part(rng, folder), "docx"
    simple: dict[str, tuple[Callable[[random.Random], bytes], str]] = {
        "C2": (hf.c2_directory_before_start, "zip"), "C3": (hf.extreme_numbers_pdf, "pdf"),
        "H1": (hf.h1_asi_symlink, "zip"), "H2": (hf.h2_unicode_path, "zip"),
        "H3": (hf.h3_fullwidth_utf8, "zip"), "H4": (hf.h4_end_record_counts, "zip"),
        "H6": (hf.h6_page_count, "pdf"), "H7": (hf.h7_no_catalog, "pdf"),
        "H8": (hf.h8_not_a_deck, "pptx"), "H10": (hf.h10_local_flags, "zip"),
        "H12": (hf.h12_multi_disk, "zip"), "H13": (hf.h13_nul_name, "zip"),
        "R2": (hf.r2_code_zip, "zip"),
    }
    if cls in simple:
        build, ext = simple[cls]
        return build(rng), ext
    if cls in ("H5", "H9", "I17"):
        office = {"H5": hf.h5_utf7_dtd, "H9": hf.h9_office_method, "I17": hf.office_count_lie}
        return office[cls](rng, folder), "docx"
    if cls == "H11":
        bypass = rng.choice(["quotes", "hyperlink", "megabyte"])
        url = f"http://127.0.0.1:{rng.randint(20000, 60000)}"
        return hf.linked_picture_docx(rng, folder, url, bypass), "docx"
    if cls == "R1":
        if rng.random() < 0.5:
            return hf.pptx_bytes(rng), "pptx"
        return hf.with_printer_settings(hf.docx_bytes(rng, folder), rng, "docx"), "docx"
    if cls == "M":
        hostile = "".join(rng.sample(hf.CONTROLS, rng.randint(1, 4))) + rng.choice(
            ["", hf.MARKUP_NAME])
        if rng.random() < 0.7:
            entries = [("README.md", f"# Build\n`make`\n# Run\n`python {hostile}.py`\n"),
                       (f"{hostile}/.env", "TOKEN=1"), (f"data/{hostile}.zip", b"PK\x05\x06"
                                                         + b"\0" * 18), ("main.py", "1\n")]
            return bytes(hf.zip_bytes(rng.sample(entries, len(entries)))), "zip"
        heading = f"Intro {hf.CONTROLS[0]}{hf.CONTROLS[1]} {hf.MARKUP} {rng.randrange(999)}"
        return hf.pdf_pages(rng, rng.randint(1, 3), [heading, "Related Work"]), "pdf"
    kind = rng.choice(["pdf", "docx", "pptx", "zip"])  # R0: healthy controls
    if kind == "pdf":
        return hf.pdf_pages(rng, rng.randint(1, 4)), "pdf"
    if kind == "docx":
        return hf.docx_bytes(rng, folder), "docx"
    if kind == "pptx":
        return hf.pptx_bytes(rng), "pptx"
    return bytes(hf.zip_bytes(hf._code(rng))), "zip"


def generate(folder: Path, files: int, seed: str) -> list[dict[str, Any]]:
    total = sum(share for share, *_ in CLASSES.values())
    manifest: list[dict[str, Any]] = []
    seen: set[str] = set()
    for cls, (share, *_rest) in CLASSES.items():
        wanted = max(1, round(files * share / total))
        attempt = 0
        while sum(1 for m in manifest if m["class"] == cls) < wanted and attempt < wanted * 3:
            rng = random.Random(f"{seed}-{cls}-{attempt}")
            attempt += 1
            data, ext = _build(cls, rng, folder)
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            path = folder / f"{cls}-{attempt:05d}.{ext}"
            path.write_bytes(data)
            manifest.append({"class": cls, "path": str(path), "ext": ext})
    return manifest


def run_chunk(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Inspect ``items`` in this process (the checker first on sys.path); one record each."""
    from checker.facts import FileFacts
    from checker.inspect import preload
    from checker.inspect.sandbox import WorkerFailed, run_limited
    from checker.inspect.worker import inspect_to_wire
    from checker.model import Limits

    try:
        from checker.commands.inspect import facts_text
    except ImportError:  # pragma: no cover - an old tree
        facts_text = None
    lim = Limits()
    out = []
    for item in items:
        path, ext = Path(item["path"]), item["ext"]
        record: dict[str, Any] = {"class": item["class"], "crashed": False}
        start = time.perf_counter()
        try:
            preload(ext)
            outcome = run_limited(inspect_to_wire, (path, path.name, lim, ext), lim)
            facts = (FileFacts.from_wire(outcome.value) if outcome.value is not None else None)
        except WorkerFailed:
            record["crashed"] = True
            facts, outcome = None, None
        record["seconds"] = time.perf_counter() - start
        record["worker_peak"] = (outcome.peak_rss_bytes or 0) if outcome else 0
        if facts is None:
            record.update(errors=[], rules=[], raw=False)
            if outcome is not None and not record["crashed"]:
                record["errors"] = ["file.too-complex"]  # the worker was stopped by a limit
        else:
            text = "\n".join(f"{f.message}\n{f.hint}" for f in facts.findings)
            if facts_text is not None:
                text += "\n" + facts_text(facts)
            record["errors"] = sorted({f.rule for f in facts.findings
                                       if f.severity.value == "error"})
            record["rules"] = sorted({f.rule for f in facts.findings}
                                     | ({"external_links"} if facts.external_links else set()))
            record["raw"] = bool(RAW.search(text))
        out.append(record)
    return {"files": out, "parent_peak": _high_water_mark()}


def _high_water_mark() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def libreoffice_round(folder: Path, count: int, seed: str, checker: Path) -> dict[str, Any]:
    """H11 with LibreOffice: the requests a recording server on 127.0.0.1 receives."""
    import hostile_files as hf

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _record(self) -> None:
            seen.append(f"{self.command} {self.path}")
            self.send_response(404)
            self.end_headers()

        do_GET = do_HEAD = do_OPTIONS = do_PROPFIND = _record

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    paths = []
    for i in range(count):
        rng = random.Random(f"{seed}-lo-{i}")
        bypass = ["quotes", "hyperlink", "megabyte"][i % 3]
        path = folder / f"lo-{i}-{bypass}.docx"
        path.write_bytes(hf.linked_picture_docx(rng, folder, url, bypass))
        paths.append(str(path))
    env = dict(os.environ, PYTHONPATH=str(checker))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "checker", "inspect", "--format", "json",
                           *paths], capture_output=True, text=True, env=env, cwd=checker,
                          check=False)
    seconds = time.perf_counter() - start
    guarded = {"files": count, "requests": len(seen), "seconds": seconds,
               "exit": proc.returncode, "request_lines": seen[:6]}
    seen.clear()  # the same files converted directly: the sandbox alone, past every guard
    start = time.perf_counter()
    script = ("import sys, tempfile; from pathlib import Path; "
              "from checker.inspect import convert; from checker.model import Limits\n"
              "done = 0\n"
              "for p in sys.argv[1:]:\n"
              "    with tempfile.TemporaryDirectory() as out:\n"
              "        done += convert.to_pdf(Path(p), Path(out), 60.0, Limits())[0] is not None\n"
              "print(done, getattr(convert, 'isolation', lambda: ())())")
    proc = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True,
                          text=True, env=env, cwd=checker, check=False)
    direct = {"requests": len(seen), "seconds": time.perf_counter() - start,
              "converted_and_isolation": proc.stdout.strip(), "request_lines": seen[:6]}
    server.shutdown()
    server.server_close()
    return {"through_inspect": guarded, "converted_directly": direct}


def summarise(records: list[dict[str, Any]], peaks: list[int]) -> dict[str, Any]:
    by_class: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        _share, _ext, judge, _what = CLASSES[r["class"]]
        right = judge(set(r["errors"]), set(r["rules"]), r["crashed"], r["raw"])
        by_class[r["class"]]["files"] += 1
        by_class[r["class"]]["right"] += right
        by_class[r["class"]]["crashed"] += r["crashed"]
    seconds = sorted(r["seconds"] for r in records)
    workers = sorted(r["worker_peak"] for r in records if r["worker_peak"])
    return {
        "classes": {c: dict(v) for c, v in by_class.items()},
        "files": len(records),
        "seconds": {"median": statistics.median(seconds),
                    "p95": seconds[int(0.95 * (len(seconds) - 1))], "max": seconds[-1],
                    "total": sum(seconds)},
        "worker_peak_mb": {"median": statistics.median(workers) / 2**20 if workers else 0,
                           "max": workers[-1] / 2**20 if workers else 0},
        "parent_peak_mb": max(peaks) / 2**20 if peaks else 0,
    }


def _print_campaign(summary: dict[str, Any], inspected: float) -> None:
    print(f"{'class':6} {'files':>5} {'right':>5} {'crash':>5}  what")
    for cls, (_share, _ext, _judge, what) in CLASSES.items():
        c = summary["classes"].get(cls, {})
        print(f"{cls:6} {c.get('files', 0):5} {c.get('right', 0):5} {c.get('crashed', 0):5}  "
              f"{what}")
    s = summary["seconds"]
    print(f"{summary['files']} files in {inspected:.0f} s: per file median {s['median']:.2f} s, "
          f"p95 {s['p95']:.2f} s, max {s['max']:.2f} s; worker peak median "
          f"{summary['worker_peak_mb']['median']:.0f} MB, max "
          f"{summary['worker_peak_mb']['max']:.0f} MB; parent peak "
          f"{summary['parent_peak_mb']:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=2050)
    parser.add_argument("--seed", default="round3-bench")
    parser.add_argument("--checker", type=Path, default=ROOT)
    parser.add_argument("--libreoffice", type=int, default=0, metavar="N")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--skip-campaign", action="store_true",
                        help="only the LibreOffice round")
    parser.add_argument("--chunk", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.chunk:
        sys.path.insert(0, str(args.checker))
        print(json.dumps(run_chunk(json.loads(args.chunk.read_text()))))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-fuzz3-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        manifest = [] if args.skip_campaign else generate(folder, args.files, args.seed)
        built = time.perf_counter() - start
        print(f"{len(manifest)} distinct files built in {built:.0f} s "
              f"({dict(Counter(m['class'] for m in manifest))})", flush=True)
        records: list[dict[str, Any]] = []
        peaks: list[int] = []
        start = time.perf_counter()
        env = dict(os.environ, CHECKER_SOFFICE="none", PYTHONPATH=str(args.checker))
        for at in range(0, len(manifest), CHUNK):
            chunk = folder / f"chunk-{at}.json"
            chunk.write_text(json.dumps(manifest[at:at + CHUNK]))
            proc = subprocess.run([sys.executable, __file__, "--chunk", str(chunk),
                                   "--checker", str(args.checker)], capture_output=True,
                                  text=True, env=env, cwd=args.checker, check=True)
            answer = json.loads(proc.stdout)
            records += answer["files"]
            peaks.append(answer["parent_peak"])
        inspected = time.perf_counter() - start
        summary = summarise(records, peaks) if records else {"classes": {}}
        summary["wall_seconds"] = {"build": built, "inspect": inspected}
        if args.libreoffice:
            summary["libreoffice"] = libreoffice_round(folder, args.libreoffice, args.seed,
                                                       args.checker)
    if records:
        _print_campaign(summary, inspected)
    if args.libreoffice:
        print(f"LibreOffice round: {summary['libreoffice']}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
