"""Where the references start, on real published papers, against a plain heading scan.

Reads the PDFs of a read-only git mirror (default: papers-we-love, fetched under
/work/.mirror; nothing is copied into this repository), runs the checker's inspector on each,
and compares with the naive method the issue describes: the first page of poppler's
``pdftotext`` text with a line that is a references heading. Reports, for the papers where
both read text: page counts against ``pdfinfo``, how often the two agree, and every paper where
they differ (the naive scan's page 1 and table-of-contents hits are what the checker refuses).
It also measures each paper's layout and counts the warnings the shipped final-report
``layout:`` (letter or A4, two columns, 9-10 pt body text, 0.5 in margins) would give, and
lists the papers whose text cannot be read: those the checker says so of
(``pdf.text-unreadable``), those where it reads no text and says nothing, and those whose
headings hold control, private-use or unassigned characters (text that did not decode).

    python bench/bench_references.py [MIRROR_GIT_DIR] [--max-mb 4] [--limit N]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.inspect import inspect_file
from checker.inspect.readable import RULE as UNREADABLE
from checker.inspect.readable import is_unreadable_char
from checker.inspect.sections import is_references_heading
from checker.model import LayoutRule, Limits
from checker.rules.layout import layout_findings

REPORT_LAYOUT = LayoutRule(paper=("letter", "a4"), columns=2, body_font_min=9,
                           body_font_max=10, min_margin_pt=36)

DEFAULT_MIRROR = Path("/work/.mirror/papers-we-love+papers-we-love/repo")


def pdf_blobs(mirror: Path, max_bytes: int) -> list[tuple[str, str, int]]:
    out = subprocess.run(["git", "--git-dir", str(mirror), "ls-tree", "-r", "-l", "HEAD"],
                         check=True, capture_output=True, text=True).stdout
    blobs = []
    for line in out.splitlines():
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if path.lower().endswith(".pdf") and parts[3].isdigit() and int(parts[3]) <= max_bytes:
            blobs.append((path, parts[2], int(parts[3])))
    return blobs


def poppler_pages(pdf: Path) -> int | None:
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60)
    match = re.search(r"^Pages:\s+(\d+)", done.stdout, re.MULTILINE)
    return int(match.group(1)) if match else None


def naive_scan(pdf: Path, pages: int) -> int | None:
    """First page whose pdftotext lines include a references heading (the issue's baseline)."""
    done = subprocess.run(["pdftotext", "-l", "60", str(pdf), "-"], capture_output=True,
                          text=True, timeout=120)
    for number, text in enumerate(done.stdout.split("\f")[:pages], start=1):
        if any(is_references_heading(ln.strip()) for ln in text.splitlines()):
            return number
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mirror", nargs="?", type=Path, default=DEFAULT_MIRROR)
    parser.add_argument("--max-mb", type=float, default=4.0)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    blobs = pdf_blobs(args.mirror, int(args.max_mb * 2**20))
    if args.limit:
        blobs = blobs[: args.limit]
    rows: list[tuple[str, int | None, int | None, int | None, int | None, int | None]] = []
    layouts: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    unreadable: dict[str, list[str]] = {"said": [], "silent, no text": [],
                                        "undecoded headings": []}
    with tempfile.TemporaryDirectory() as tmp:
        for path, sha, _ in blobs:
            pdf = Path(tmp) / "paper.pdf"
            pdf.write_bytes(subprocess.run(["git", "--git-dir", str(args.mirror), "cat-file",
                                            "blob", sha], check=True,
                                           capture_output=True).stdout)
            facts = inspect_file(pdf, path, Limits(cpu_seconds=30), "pdf")
            if any(f.rule == UNREADABLE for f in facts.findings):
                unreadable["said"].append(path)
            elif facts.pages is not None and not facts.text.strip():
                unreadable["silent, no text"].append(path)
            if any(is_unreadable_char(c) for h in facts.headings for c in h):
                unreadable["undecoded headings"].append(path)
            if facts.layout is not None:  # measured from the lines, text readable or not
                measured = facts.layout
                layouts[f"{measured.get('columns')} col, {measured.get('body_font_pt')} pt"] += 1
                for finding in layout_findings(facts, REPORT_LAYOUT):
                    warnings[finding.rule] += 1
            if facts.pages is None or not facts.text.strip():
                rows.append((path, None, None, None, None, None))
                continue
            real = poppler_pages(pdf)
            rows.append((path, facts.pages, real, facts.references_page,
                         naive_scan(pdf, facts.pages), facts.body_pages))
    read = [r for r in rows if r[1] is not None]
    counted = sum(1 for r in read if r[1] == r[2])
    both = [r for r in read if r[3] is not None and r[4] is not None]
    agree = sum(1 for r in both if r[3] == r[4])
    print(f"papers: {len(rows)} PDFs of at most {args.max_mb:g} MB; with text: {len(read)}")
    print(f"page count equal to pdfinfo: {counted} of {len(read)}")
    print(f"references found: checker {sum(1 for r in read if r[3])}, "
          f"naive scan {sum(1 for r in read if r[4])}; same page where both found: "
          f"{agree} of {len(both)}")
    print(f"naive scan on page 1 of a longer paper: "
          f"{sum(1 for r in read if r[4] == 1 and (r[1] or 0) > 2)}")
    print(f"layouts (columns, body font) of the {sum(layouts.values())} papers measured: "
          f"{dict(layouts.most_common(12))}")
    print(f"report layout warnings over these papers: {dict(warnings)}")
    for what, paths in unreadable.items():
        print(f"text unreadable, {what}: {len(paths)}")
        for path in paths:
            print(f"  {path}")
    print("\ndifferences (path: pages, checker references page / body pages, naive scan):")
    for path, pages, _, mine, naive, body in read:
        if mine != naive:
            print(f"  {path}: {pages} pages, checker {mine} / body {body}, naive {naive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
