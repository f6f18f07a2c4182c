"""PDF heading detection per method: headings found against headings expected.

Documents with known headings:
- the corpus DOCX files whose INDEX.json lists headings, exported to PDF by LibreOffice
  (``soffice --headless --convert-to pdf``): expected = the styled headings;
- the corpus PDFs with bookmarks (pdfTeX, 014-outlines): expected = the bookmarks of the pages
  read;
- summaries made with fpdf2 (no outline) whose headings are the course page's five questions,
  in bold 13 pt and in plain 11 pt;
- the hand-labelled set of ``bench/headings_set.py``: IEEE-style papers and a student summary
  and report made here (fpdf2, LibreOffice), the corpus PDFs with text, and published papers
  (IEEE small capitals, ACM) from the papers-we-love mirror when it is there. There a heading
  is found only when it is returned whole (equal once numbering, case and punctuation are
  ignored): a title returned in two halves is two extra lines and a miss.

For each method (outline, fonts, lines, and the checker's choice among them) it prints how many
expected headings were found and how many extra lines were taken as headings.

    python bench/bench_headings.py [--no-libreoffice] [--mirror MIRROR_GIT_DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "inspect"))

import headings_set  # noqa: E402  (bench/: the hand-labelled documents)
from conftest import QUESTIONS  # noqa: E402  (tests/inspect: the course page's five questions)

from checker.facts import FileFacts  # noqa: E402
from checker.inspect import pdf  # noqa: E402
from checker.inspect.pdf import choose_headings  # noqa: E402
from checker.inspect.pdfheadings import font_headings, line_headings  # noqa: E402
from checker.inspect.pdflines import PageLines  # noqa: E402
from checker.inspect.sections import normalize  # noqa: E402
from checker.model import Limits  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"

Doc = tuple[str, list[PageLines], list[tuple[str, int | None]], list[str]]


def read_pdf(path: Path) -> tuple[list[PageLines], list[tuple[str, int | None]]]:
    """The pages and the outline exactly as the checker reads them.

    Runs the checker's own ``inspect_pdf`` (PDFium: ``open_document``, ``read_page`` on each of
    the first ``PDF_MAX_TEXT_PAGES`` pages, each page closed before the next, then
    ``outline_entries(document)``) and takes what it hands to ``apply_pages``. Raises
    ValueError when the checker reads no page (encrypted, empty or damaged: its findings say
    why).
    """
    read: list[tuple[list[PageLines], list[tuple[str, int | None]]]] = []

    def capture(facts: FileFacts, pages: list[PageLines],
                outline: list[tuple[str, int | None]]) -> None:
        read.append((pages, outline))

    facts = FileFacts(path=path.name, kind="pdf", size=path.stat().st_size)
    with mock.patch.object(pdf, "apply_pages", capture):
        pdf.inspect_pdf(path, facts, Limits())
    if not read:
        rules = ", ".join(f.rule for f in facts.findings) or "no finding"
        raise ValueError(f"{path.name}: the checker read no page ({rules})")
    return read[0]


def found(expected: Sequence[str], got: Sequence[str]) -> tuple[int, int]:
    """(expected headings found, headings taken that match no expected one)."""
    want = [normalize(e) for e in expected]
    have = [normalize(g) for g in got]
    hits = sum(1 for w in want if any(w == h or (w and w in h) for h in have))
    extra = sum(1 for h in have if not any(w == h or (w and w in h) for w in want))
    return hits, extra


def docx_documents(tmp: Path, soffice: str) -> list[Doc]:
    index = json.loads((CORPUS / "docx" / "INDEX.json").read_text())
    docs: list[Doc] = []
    for name, entry in sorted(index.items()):
        expected = [text for _, text in entry["headings"] if text.strip()]
        if not expected:
            continue
        out = tmp / name.replace("/", "_")
        out.mkdir()
        shutil.copy(CORPUS / "docx" / name, out / "doc.docx")
        subprocess.run([soffice, f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
                        "--headless", "--convert-to", "pdf", "--outdir", str(out),
                        str(out / "doc.docx")], capture_output=True, timeout=120)
        if (out / "doc.pdf").is_file():
            pages, outline = read_pdf(out / "doc.pdf")
            docs.append((f"docx/{name}", pages, outline, expected))
    return docs


def outline_pdfs() -> list[Doc]:
    docs: list[Doc] = []
    for path in sorted((CORPUS / "pdf").glob("*/*.pdf")):
        try:
            pages, outline = read_pdf(path)
        except Exception:
            continue
        expected = [t for t, _ in outline]
        if expected:
            docs.append((f"pdf/{path.parent.name}", pages, outline, expected))
    return docs


def fpdf_summaries(tmp: Path) -> list[Doc]:
    from conftest import LOREM
    from fpdf import FPDF

    docs: list[Doc] = []
    for style, size in (("B", 13), ("", 11)):
        pdf = FPDF(format="letter")
        pdf.add_page()
        for q in QUESTIONS:
            pdf.set_font("Helvetica", style, size)
            pdf.multi_cell(0, 7, q, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 5.5, LOREM * 2, new_x="LMARGIN", new_y="NEXT")
        path = tmp / f"summary-{size}.pdf"
        pdf.output(str(path))
        pages, outline = read_pdf(path)
        docs.append((f"fpdf2 summary, headings {style or 'plain'} {size} pt", pages, outline,
                     QUESTIONS))
    return docs


METHODS: dict[str, Callable[[list[PageLines], list[tuple[str, int | None]]], list[str]]] = {
    "outline": lambda pages, outline: [t for t, _ in outline],
    "fonts": lambda pages, outline: font_headings(pages),
    "lines": lambda pages, outline: line_headings(pages),
    "checker": lambda pages, outline: choose_headings(pages, outline)[0],
}


def report(title: str, docs: list[Doc],
           score: Callable[[Sequence[str], Sequence[str]], tuple[int, int]] | None = None,
           verbose: bool = False) -> None:
    """Found and extra headings per method over ``docs``; ``score`` = :func:`found` (a
    heading found within a longer line counts) unless given (:func:`matched`)."""
    score = score or found
    expected = sum(len(d[3]) for d in docs)
    print(f"\n{title}: {len(docs)} documents, {expected} expected headings")
    print(f"  {'method':8} {'found':>12} {'extra':>6}")
    for method, run in METHODS.items():
        hits = extra = 0
        for name, pages, outline, want in docs:
            h, e = score(want, run(pages, outline))
            hits, extra = hits + h, extra + e
            if verbose and method == "checker":
                print(f"    {name}: {h} of {len(want)}, {e} extra")
        share = f"{100 * hits / expected:.0f}%" if expected else "-"
        print(f"  {method:8} {hits:>5} ({share:>4}) {extra:>6}")


def matched(expected: Sequence[str], got: Sequence[str]) -> tuple[int, int]:
    """(expected headings returned whole, returned headings that are none of them)."""
    left = [normalize(g) for g in got]
    hits = 0
    for want in (normalize(e) for e in expected):
        if want in left:
            left.remove(want)
            hits += 1
    return hits, len(left)


def labelled(title: str, items: list[tuple[str, Path, list[str]]], verbose: bool) -> None:
    docs = [(name, *read_pdf(path), expected) for name, path, expected in items]
    report(title, docs, matched, verbose)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-libreoffice", action="store_true")
    parser.add_argument("--mirror", type=Path, default=Path(
        "/work/.mirror/papers-we-love+papers-we-love/repo"))
    parser.add_argument("--verbose", action="store_true", help="per document, hand-labelled")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice and not args.no_libreoffice:
            report("corpus DOCX exported by LibreOffice", docx_documents(Path(tmp), soffice))
        report("corpus PDFs with bookmarks", outline_pdfs())
        report("fpdf2 summaries (no bookmarks)", fpdf_summaries(Path(tmp)))
        made = headings_set.generated(Path(tmp), use_libreoffice=not args.no_libreoffice)
        labelled("hand-labelled: made here (fpdf2, LibreOffice)", made, args.verbose)
        corpus = [(name.split("/")[0], CORPUS / "pdf" / name, expected)
                  for name, expected in headings_set.CORPUS_LABELS.items()]
        labelled("hand-labelled: corpus PDFs", corpus, args.verbose)
        published = headings_set.papers(args.mirror, Path(tmp))
        if published:
            labelled("hand-labelled: published papers (papers-we-love)", published,
                     args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
