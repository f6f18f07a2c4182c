"""Benchmark (not a test): pypdf against PDFium (pypdfium2) for what the checker reads from a PDF.

Issue 12: pypdf's import and text extraction were most of a cold ``check``'s time above the C
tools; this is the record of why the checker switched to PDFium. It measures, in one run, on
every PDF of the corpus (``files.json`` gives the true page counts; files listed but absent are
skipped) and on the typical PR's two generated PDFs (the 8-page two-column report and the
3-page summary of ``bench_check.py``), three readers:
  - ``pypdf``: pypdf's plain text (``page.extract_text()``) and its outline (``reader.outline``);
  - ``pypdfium2``: PDFium's plain text page (``get_text_bounded()``) and ``get_toc()``;
  - ``checker``: the checker's own reader, PDFium as ``checker.inspect.pdf`` uses it:
    ``checker.inspect.pdflines.read_page`` on each page (text with every line's position,
    font size and weight), each page closed before the next, and
    ``checker.inspect.pdfheadings.outline_entries`` for the outline.
For each: import time, as a cold process, above ``python -c pass``; page counts, against
``files.json``; time to open the file, to read every page's text and to read the outline; how
far the texts agree (the share of words, with multiplicity, that two extractions have in
common, over the larger of the two counts: pypdf against PDFium's plain text, and pypdf against
the checker's reader); and a cold process per reader doing import + open + every page's text of
the two typical PDFs, beside ``pdfinfo`` + ``pdftotext`` on them.
Each file is measured in its own process per reader, so a crash in one library on one hostile
file costs only that cell. Both libraries are in the check install set (``requirements/check.in``:
pypdfium2 reads, pypdf walks the rare page tree whose count PDFium cannot trust).

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
BACKENDS = ("pypdf", "pypdfium2", "checker")


def _pypdf_outline(items: list[Any]) -> int:
    """Entries of pypdf's nested outline list (a list is the children of the entry before)."""
    return sum(_pypdf_outline(item) if isinstance(item, list) else 1 for item in items)


def measure_pypdf(path: str) -> dict[str, Any]:
    from pypdf import PdfReader

    start = time.perf_counter()
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt(PASSWORD)
    pages = len(reader.pages)
    opened = time.perf_counter()
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    texted = time.perf_counter()
    headings = _pypdf_outline(reader.outline)
    outlined = time.perf_counter()
    return {"pages": pages, "open": opened - start, "text": texted - opened,
            "outline": outlined - texted, "words": text, "headings": headings}


def _open_pdfium(pdfium: Any, path: str) -> Any:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return pdfium.PdfDocument(path, password=PASSWORD)


def measure_pypdfium2(path: str) -> dict[str, Any]:
    import pypdfium2 as pdfium

    start = time.perf_counter()
    pdf = _open_pdfium(pdfium, path)
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


def measure_checker(path: str) -> dict[str, Any]:
    """PDFium as ``checker.inspect.pdf.inspect_pdf`` reads it (every page, not only the first
    ``PDF_MAX_TEXT_PAGES``, so the time compares with the other two). A file that needs a
    password is refused, as the checker refuses it (``file.encrypted``): the summary lists it
    apart from the failures, and the totals and word shares leave it out."""
    sys.path.insert(0, str(ROOT))
    from checker.inspect.pdfheadings import outline_entries
    from checker.inspect.pdfium import ERR_PASSWORD, ERR_SECURITY, Document, PdfiumError, initialise
    from checker.inspect.pdflines import read_page

    initialise()  # done before the workers fork, in the checker: not in the timing
    start = time.perf_counter()
    try:
        document = Document(Path(path))
    except PdfiumError as exc:
        if exc.code not in (ERR_PASSWORD, ERR_SECURITY):
            raise
        return {"error": f"refused: {exc} (the checker's file.encrypted)", "refused": True}
    with document as pdf:
        pages = pdf.page_count()
        opened = time.perf_counter()
        parts = []
        for i in range(pages):
            with pdf.page(i) as page:
                parts.append(read_page(page).text)
        texted = time.perf_counter()
        outline = outline_entries(pdf)
        outlined = time.perf_counter()
    return {"pages": pages, "open": opened - start, "text": texted - opened,
            "outline": outlined - texted, "words": "\n".join(parts), "headings": len(outline)}


MEASURES = {"pypdf": measure_pypdf, "pypdfium2": measure_pypdfium2, "checker": measure_checker}


def child(backend: str, path: str) -> int:
    """Measure one file with one reader; print JSON (an error is a result too)."""
    try:
        result = MEASURES[backend](path)
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
    "checker": ("import sys\nfrom pathlib import Path\n"
                "from checker.inspect.pdfium import Document\n"
                "from checker.inspect.pdflines import read_page\nfor p in sys.argv[1:]:\n"
                "    with Document(Path(p)) as d:\n"
                "        for i in range(d.page_count()):\n"
                "            with d.page(i) as page: read_page(page)\n"),
}
# What each reader imports, cold: the checker's reader declares the 27 PDFium functions it calls
# (checker/inspect/pdfium.py), not pypdfium2's 1,500.
IMPORTS = {"pypdf": "import pypdf", "pypdfium2": "import pypdfium2",
           "checker": ("import checker.inspect.pdfium, checker.inspect.pdflines, "
                       "checker.inspect.pdfheadings")}


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


def spent(totals: dict[str, float], field: str, pattern: str = "{:.3f}") -> str:
    """Each reader's total seconds for ``field`` ("open", "text", "outline")."""
    return ", ".join(f"{b} {pattern.format(totals[f'{b} {field}'])} s" for b in BACKENDS)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold processes: best of N")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    py = args.python
    backends = BACKENDS

    bare = seconds([py, "-c", "pass"], args.repeat)
    imports = {b: seconds([py, "-c", IMPORTS[b]], args.repeat) - bare for b in backends}
    listed = ", ".join(f"{b} {imports[b]:.3f} s" for b in backends)
    print(f"cold import above `python -c pass` (best of {args.repeat}): {listed}")

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        files = corpus_files() + typical_files(Path(tmp))
        print(f"{len(files)} PDFs ({len(files) - 2} from the corpus, 2 generated)")
        rows = []
        for name, path, truth in files:
            rows.append((name, truth, {b: run_child(py, b, path) for b in backends}))

        print("pages, text seconds, outline entries: pypdf / pypdfium2 / checker's reader; "
              "words shared with pypdf: pypdfium2 / checker's reader")
        header = (f"{'file':44} {'true':>4} {'pages':>11} {'text pypdf':>10} {'ium':>6} "
                  f"{'checker':>7} {'outline':>11} {'words':>9}")
        print(header)
        totals: dict[str, float] = defaultdict(float)
        right: Counter[str] = Counter()
        counted = 0
        errors: dict[str, list[str]] = {b: [] for b in backends}
        shares: dict[str, list[float]] = {"pypdfium2": [], "checker": []}
        refused: dict[str, list[str]] = {b: [] for b in backends}
        for name, truth, res in rows:
            for backend, r in res.items():
                if "error" in r:
                    (refused if r.get("refused") else errors)[backend].append(
                        f"{name}: {r['error']}")
            if truth is not None:
                counted += 1
                right.update(k for k, r in res.items() if r.get("pages") == truth)
            if all("error" not in r for r in res.values()):  # totals over files all read
                for backend, r in res.items():
                    for field in ("open", "text", "outline"):
                        totals[f"{backend} {field}"] += r[field]
            a = res["pypdf"]
            cells: dict[str, float | None] = {}
            for other, values in shares.items():
                b = res[other]
                share = (agreement(a["words"], b["words"])
                         if "error" not in a and "error" not in b else None)
                if share is not None:
                    values.append(share)
                cells[other] = share
            pages = "/".join(str(res[b].get("pages", "x")) for b in backends)
            outline = "/".join(str(res[b].get("headings", "x")) for b in backends)
            shared = "/".join(fmt(cells[b], "{:.2f}") for b in shares)
            print(f"{name[-44:]:44} {fmt(truth, '{}'):>4} {pages:>11} "
                  f"{fmt(a.get('text')):>10} {fmt(res['pypdfium2'].get('text')):>6} "
                  f"{fmt(res['checker'].get('text')):>7} {outline:>11} {shared:>9}")

        print("\nsummary")
        for backend in backends:
            declined = (f"; refused {len(refused[backend])} by design: "
                        f"{'; '.join(refused[backend])}" if refused[backend] else "")
            print(f"  {backend}: page count right on {right[backend]}/{counted} corpus files; "
                  f"failed on {len(errors[backend])}: {'; '.join(errors[backend]) or '-'}"
                  f"{declined}")
        if totals["pypdfium2 text"] and totals["checker text"]:
            print(f"  all files all three read: open {spent(totals, 'open')}; text "
                  f"{spent(totals, 'text')} (pypdf / checker's reader: "
                  f"{totals['pypdf text'] / totals['checker text']:.0f}x; checker's reader / "
                  f"plain pypdfium2: {totals['checker text'] / totals['pypdfium2 text']:.1f}x); "
                  f"outline {spent(totals, 'outline', '{:.4f}')}")
        for other, values in shares.items():
            values.sort()
            if values:
                print(f"  words shared by pypdf and {other} (with text in either): median "
                      f"{values[len(values) // 2]:.2f}, lowest {values[0]:.2f}, "
                      f"{sum(v >= 0.9 for v in values)}/{len(values)} files at 0.90 or more")

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
