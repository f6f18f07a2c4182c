"""Benchmark (not a test): pypdf against pypdfium2 for what the checker reads from a PDF.

Issue 12: pypdf's import and text extraction are most of a cold ``check``'s time above the C
tools. This measures, in one run, on every PDF of the corpus (``files.json`` gives the true page
counts; files listed but absent are skipped) and on the typical PR's two generated PDFs (the
8-page two-column report and the 3-page summary of ``bench_check.py``):
  - import time of each library, as a cold process, above ``python -c pass``;
  - page counts, against ``files.json``;
  - time to open the file and extract the text of every page: pypdf plain, pypdf as the checker
    reads a page (``checker.inspect.pdflines.read_page``: text visitor with font sizes and
    positions), pypdfium2's text page;
  - time to read the outline (pypdf: ``checker.inspect.pdfheadings.outline_entries``);
  - how far the texts agree: the share of words (with multiplicity) the two extractions have in
    common, over the larger of the two counts;
  - a cold process per library doing import + open + every page's text of the two typical PDFs,
    beside ``pdfinfo`` + ``pdftotext`` on them.
Each file is measured in its own process per library, so a crash in one library on one hostile
file costs only that cell. pypdfium2 is not a dependency: install it into a venv to compare
(``pip install pypdfium2``); without it the pypdfium2 columns say so.

    python bench/bench_pdf_backends.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
PASSWORD = "openpassword"  # the corpus's encrypted sample (its README gives it)
BACKENDS = ("pypdf", "pypdfium2")


def measure_pypdf(path: str) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from pypdf import PdfReader

    from checker.inspect.pdfheadings import outline_entries
    from checker.inspect.pdflines import read_page

    start = time.perf_counter()
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt(PASSWORD)
    pages = len(reader.pages)
    opened = time.perf_counter()
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    texted = time.perf_counter()
    reader = PdfReader(path, strict=False)  # a fresh reader: no page already parsed
    if reader.is_encrypted:
        reader.decrypt(PASSWORD)
    visit_start = time.perf_counter()
    for page in reader.pages:
        read_page(page)
    visited = time.perf_counter()
    outline = outline_entries(reader)
    outlined = time.perf_counter()
    return {"pages": pages, "open": opened - start, "text": texted - opened,
            "visitor": visited - visit_start, "outline": outlined - visited, "words": text,
            "headings": len(outline)}


def measure_pypdfium2(path: str) -> dict[str, Any]:
    import pypdfium2 as pdfium

    start = time.perf_counter()
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        pdf = pdfium.PdfDocument(path, password=PASSWORD)
    pages = len(pdf)
    opened = time.perf_counter()
    parts = []
    for i in range(pages):
        page = pdf[i]
        textpage = page.get_textpage()
        parts.append(textpage.get_text_bounded())
        textpage.close()
        page.close()
    texted = time.perf_counter()
    outline = [(b.get_title(), b.get_dest().get_index() if b.get_dest() else None)
               for b in pdf.get_toc()]
    outlined = time.perf_counter()
    pdf.close()
    return {"pages": pages, "open": opened - start, "text": texted - opened,
            "outline": outlined - texted, "words": "\n".join(parts), "headings": len(outline)}


def child(backend: str, path: str) -> int:
    """Measure one file with one library; print JSON (an error is a result too)."""
    try:
        result = (measure_pypdf if backend == "pypdf" else measure_pypdfium2)(path)
    except ModuleNotFoundError as exc:
        result = {"error": f"not installed ({exc.name})"}
    except Exception as exc:  # a hostile file: the failure is the figure
        result = {"error": f"{type(exc).__name__}: {str(exc)[:80]}"}
    print(json.dumps(result))
    return 0


def run_child(py: str, backend: str, path: Path) -> dict[str, Any]:
    proc = subprocess.run([py, __file__, "--child", backend, str(path)], capture_output=True,
                          text=True, timeout=300, check=False)
    try:
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        return result
    except (IndexError, json.JSONDecodeError):
        return {"error": f"process died (exit {proc.returncode})"}


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def agreement(a: str, b: str) -> float | None:
    wa, wb = words(a), words(b)
    larger = max(sum(wa.values()), sum(wb.values()))
    if not larger:
        return None
    return sum((wa & wb).values()) / larger


def seconds(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


COLD = {
    "pypdf": ("import sys\nfrom pypdf import PdfReader\nfor p in sys.argv[1:]:\n"
              "    r = PdfReader(p, strict=False); len(r.pages)\n"
              "    for page in r.pages: page.extract_text()\n"),
    "pypdfium2": ("import sys\nimport pypdfium2 as pdfium\nfor p in sys.argv[1:]:\n"
                  "    d = pdfium.PdfDocument(p)\n"
                  "    for i in range(len(d)): d[i].get_textpage().get_text_bounded()\n"),
}


def corpus_files() -> list[tuple[str, Path, int | None]]:
    listing = CORPUS / "files.json"
    if not listing.is_file():
        return []
    entries = json.loads(listing.read_text())["data"]
    return [(e["path"], CORPUS / e["path"], e.get("pages")) for e in entries
            if (CORPUS / e["path"]).is_file()]


def typical_files(folder: Path) -> list[tuple[str, Path, int | None]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_inspect import build_pr

    report, _code, summary = build_pr(folder)
    return [("typical PR: report.pdf", report, None), ("typical PR: summary.pdf", summary, None)]


def fmt(value: float | None, pattern: str = "{:.3f}") -> str:
    return "-" if value is None else pattern.format(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold processes: best of N")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    py = args.python
    probe = subprocess.run([py, "-c", "import pypdfium2"], capture_output=True, check=False)
    have_pdfium = probe.returncode == 0
    if not have_pdfium:
        print("pypdfium2 is not installed in this interpreter (pip install pypdfium2): "
              "only pypdf is measured")
    backends = BACKENDS if have_pdfium else BACKENDS[:1]

    bare = seconds([py, "-c", "pass"], args.repeat)
    imports = {b: seconds([py, "-c", f"import {b}"], args.repeat) - bare for b in backends}
    listed = ", ".join(f"{b} {imports[b]:.3f} s" for b in backends)
    print(f"cold import above `python -c pass` (best of {args.repeat}): {listed}")

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        files = corpus_files() + typical_files(Path(tmp))
        print(f"{len(files)} PDFs ({len(files) - 2} from the corpus, 2 generated)")
        rows = []
        for name, path, truth in files:
            rows.append((name, truth, {b: run_child(py, b, path) for b in backends}))

        header = (f"{'file':44} {'true':>4} {'pages pypdf/ium':>15} {'text pypdf':>10} "
                  f"{'visitor':>8} {'text ium':>8} {'outl pypdf/ium':>14} {'heads':>7} "
                  f"{'words':>5}")
        print(header)
        totals: dict[str, float] = defaultdict(float)
        right: Counter[str] = Counter()
        counted = 0
        errors: dict[str, list[str]] = {b: [] for b in backends}
        shares = []
        for name, truth, res in rows:
            a = res["pypdf"]
            b = res.get("pypdfium2", {"error": "not measured"})
            for backend, r in res.items():
                if "error" in r:
                    errors[backend].append(f"{name}: {r['error']}")
            if truth is not None:
                counted += 1
                right.update(k for k, r in res.items() if r.get("pages") == truth)
            both = "error" not in a and "error" not in b
            if both:
                for key, r, field in (("pypdf text", a, "text"), ("visitor", a, "visitor"),
                                      ("ium text", b, "text"), ("pypdf outline", a, "outline"),
                                      ("ium outline", b, "outline"),
                                      ("pypdf open", a, "open"), ("ium open", b, "open")):
                    totals[key] += r[field]
            share = agreement(a["words"], b["words"]) if both else None
            if share is not None:
                shares.append(share)
            pages = f"{a.get('pages', 'x')}/{b.get('pages', 'x')}"
            print(f"{name[-44:]:44} {fmt(truth, '{}'):>4} {pages:>15} "
                  f"{fmt(a.get('text')):>10} {fmt(a.get('visitor')):>8} "
                  f"{fmt(b.get('text')):>8} "
                  f"{fmt(a.get('outline'), '{:.4f}')}/{fmt(b.get('outline'), '{:.4f}'):>6} "
                  f"{a.get('headings', 'x')}/{b.get('headings', 'x'):>3} "
                  f"{fmt(share, '{:.2f}'):>5}")

        print("\nsummary")
        for backend in backends:
            print(f"  {backend}: page count right on {right[backend]}/{counted} corpus files; "
                  f"failed on {len(errors[backend])}: {'; '.join(errors[backend]) or '-'}")
        if have_pdfium and totals["ium text"]:
            print(f"  all files both read: open {totals['pypdf open']:.3f} s vs "
                  f"{totals['ium open']:.3f} s; text pypdf {totals['pypdf text']:.3f} s, "
                  f"pypdf with the checker's visitor {totals['visitor']:.3f} s, pypdfium2 "
                  f"{totals['ium text']:.3f} s (pypdf / pypdfium2: "
                  f"{totals['pypdf text'] / totals['ium text']:.0f}x, visitor: "
                  f"{totals['visitor'] / totals['ium text']:.0f}x); outline "
                  f"{totals['pypdf outline']:.4f} s vs {totals['ium outline']:.4f} s")
            shares.sort()
            if shares:
                print(f"  shared words (with text in either): median "
                      f"{shares[len(shares) // 2]:.2f}, lowest {shares[0]:.2f}, "
                      f"{sum(s >= 0.9 for s in shares)}/{len(shares)} files at 0.90 or more")

        typical = [str(p) for n, p, _ in files if n.startswith("typical")]
        print("\ncold process: import + open + every page's text of the two typical PDFs "
              f"(best of {args.repeat})")
        cold = {k: seconds([py, "-c", COLD[k], *typical], args.repeat) for k in backends}
        c_tools = None
        if shutil.which("pdfinfo") and shutil.which("pdftotext"):
            c_tools = sum(seconds(cmd, args.repeat) for p in typical
                          for cmd in (["pdfinfo", p], ["pdftotext", p, "/dev/null"]))
        for backend in backends:
            ratio = f" = {cold[backend] / c_tools:.1f}x pdfinfo + pdftotext" if c_tools else ""
            print(f"  {backend:10} {cold[backend]:.3f} s{ratio}")
        if c_tools:
            print(f"  {'poppler':10} {c_tools:.3f} s (4 processes)")
        print(f"  python -c pass: {bare:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
