"""Benchmark (not a test): the DOCX page estimate (no LibreOffice) against LibreOffice's layout.

Builds Word documents of real prose with python-docx (``tests/core/docx_prose.py``): Times New
Roman, Calibri, Arial, Cambria (the template's theme font) and Aptos (which LibreOffice does
not have); 10 to 14 pt; single, 1.15, 1.5 and double spacing and exact line heights; paragraph
spacing; narrow (0.5"), normal and wide (1.5-2") margins, Letter and A4; headings, bullet lists,
tables, images, page breaks and references; 1 to 10 pages. Then lays each out with
LibreOffice (``soffice --headless --convert-to pdf``, the page count read from the PDF) and
with the estimator, together with the DOCX corpus (``../shared/corpus/docx``), and prints the
error distribution: estimate minus exact, counted per error, the largest under- and
over-estimate as a share of the exact count; the error ratios the "not verified" band needs
(``UNDER``/``OVER`` in ``checker/inspect/docxpages.py``), whether every exact count lies in
the estimate's range, and what the local verdict would be for the summary's 2-3 page limit.

The estimate is measured in the font environment the machine's LibreOffice has: only DejaVu
(``dejavu``), or metric-compatible fonts (``metric``: Liberation, Carlito, Caladea).
``--fonts DIR`` adds the fonts of DIR (through a private fontconfig file) for a second run in
the ``metric`` environment:

    apt-get download fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea
    for d in *.deb; do dpkg-deb -x "$d" fonts; done
    python bench/bench_docx_estimate.py --fonts fonts/usr/share/fonts [--variants 120]
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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.inspect import docxpages  # noqa: E402
from checker.inspect.docxfonts import DEJAVU, METRIC  # noqa: E402
from tests.core.docx_prose import Variant, build  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "docx"
FONTS = ("Times New Roman", "Calibri", "Arial", None, "Aptos")
LIMIT = (2, 3)  # the summary's page limit, for the verdicts


def variants(count: int, seed: int = 585) -> list[Variant]:
    """``count`` documents spread over the layouts students use, 1 to 10 pages each."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        font = FONTS[i % len(FONTS)]
        size = rng.choice((10.0, 11.0, 12.0, 12.0, 13.0, 14.0))
        spacing = rng.choice((1.0, 1.0, 1.15, 1.5, 2.0, 2.0))
        exact = rng.choice((None,) * 7 + (size * 1.2,))
        margins = rng.choice((0.5, 0.75, 1.0, 1.0, 1.0, 1.25, 1.5, 2.0))
        paper = rng.choice(("letter", "letter", "a4"))
        before, after = rng.choice(((0.0, 0.0), (0.0, 0.0), (0.0, 6.0), (0.0, 10.0), (6.0, 6.0),
                                    (12.0, 0.0)))
        target = rng.uniform(0.6, 10.0)  # pages, fractional: the last page part-filled
        out.append(Variant(
            name=f"v{i:03d}", words=0, font=font, size=size, spacing=spacing, exact=exact,
            before=before, after=after, margins=margins, paper=paper,
            sections=rng.choice((0, 3, 5, 6)), paragraph_words=rng.choice((60, 120, 200)),
            bullets=rng.choice((0, 0, 0, 5)), tables=rng.choice((0, 0, 0, 1, 2)),
            images=rng.choice((0, 0, 0, 1, 2)), page_breaks=rng.choice((0,) * 6 + (1, 2)),
            references=rng.choice((0, 0, 8, 15)), start=i * 7))
        out[-1].words = _words_for(out[-1], target)
    return out


def _words_for(v: Variant, pages: float) -> int:
    """The words that fill about ``pages`` pages in this layout (sized with the estimator:
    the exact count is LibreOffice's all the same)."""
    import io

    import docx

    probe = 600
    for _ in range(2):
        v.words = probe
        length = docxpages.estimate_pages(docx.Document(io.BytesIO(build(v)))).lengths[METRIC]
        probe = max(40, int(probe * pages / max(length, 0.05)))
    return probe


@dataclass
class Row:
    name: str
    exact: int
    estimate: int
    length: float  # fractional estimated length, in the machine's environment
    low: int
    high: int


def soffice_pages(files: list[Path], outdir: Path, fonts: Path | None) -> dict[str, int]:
    """Pages of each file as LibreOffice lays it out (one soffice process for all)."""
    import pypdfium2

    env = dict(os.environ)
    profile = Path(tempfile.mkdtemp(prefix="bench-lo-"))
    if fonts is not None:
        conf = profile / "fonts.conf"
        conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f"  <dir>{fonts.resolve()}</dir>\n  <cachedir>{profile / 'fc'}</cachedir>\n"
            "</fontconfig>\n")
        env["FONTCONFIG_FILE"] = str(conf)
    outdir.mkdir(parents=True, exist_ok=True)
    try:
        for start in range(0, len(files), 40):  # a few batches: one bad file costs little
            subprocess.run(
                ["soffice", f"-env:UserInstallation={(profile / 'user').as_uri()}",
                 "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(outdir),
                 *map(str, files[start:start + 40])],
                env=env, capture_output=True, timeout=900, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pages = {}
    for f in files:
        pdf = outdir / (f.stem + ".pdf")
        if pdf.exists():
            document = pypdfium2.PdfDocument(str(pdf))
            pages[f.name] = len(document)
            document.close()
    return pages


def environment_of(fonts: Path | None) -> str:
    """The estimator's font environment matching the LibreOffice run."""
    if fonts is not None:
        return METRIC
    found = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True,
                           check=False).stdout
    return METRIC if "Carlito" in found else DEJAVU


def measure(files: list[Path], outdir: Path, fonts: Path | None,
            estimates: dict[str, docxpages.PageEstimate]) -> list[Row]:
    env = environment_of(fonts)
    exact = soffice_pages(files, outdir, fonts)
    rows = []
    for f in files:
        est = estimates.get(f.name)
        if est is None or f.name not in exact:
            continue
        length = est.lengths[env]
        low, high = est.range
        rows.append(Row(f.name, exact[f.name], docxpages.math.ceil(length - 1e-9), length,
                        low, high))
    return rows


def report(title: str, rows: list[Row]) -> None:
    if not rows:
        print(f"{title}: no documents")
        return
    errors = Counter(r.estimate - r.exact for r in rows)
    under = max((r.exact - r.estimate) / r.exact for r in rows)
    over = max((r.estimate - r.exact) / r.exact for r in rows)
    # the error ratios the range needs: exact <= ceil(L (1 + OVER)), >= ceil(L (1 - UNDER))
    need_over = max(max((r.exact - 1) / r.length - 1 for r in rows), 0.0)
    need_under = max(max(1 - r.exact / r.length for r in rows), 0.0)
    inside = sum(r.low <= r.exact <= r.high for r in rows)
    print(f"{title}: {len(rows)} documents, {sum(r.exact for r in rows)} pages laid out")
    print("  estimate - exact: " + ", ".join(f"{e:+d}: {errors[e]}" for e in sorted(errors)))
    print(f"  largest underestimate {max(under, 0):.0%} of the exact count, "
          f"largest overestimate {max(over, 0):.0%}")
    print(f"  error ratios the range needs: UNDER >= {need_under:.3f}, OVER >= {need_over:.3f} "
          f"(set: {docxpages.UNDER}, {docxpages.OVER}); exact count within the estimate's "
          f"range: {inside} of {len(rows)}")
    lo, hi = LIMIT
    passed_wrongly = sum(lo <= r.low and r.high <= hi and not lo <= r.exact <= hi for r in rows)
    verdicts = Counter(
        "passes" if lo <= r.low and r.high <= hi else
        "fails" if r.low > hi or r.high < lo else "not verified" for r in rows)
    print(f"  local verdict for a {lo}-{hi} page limit: "
          + ", ".join(f"{k} {verdicts[k]}" for k in ("passes", "not verified", "fails"))
          + f"; passed locally but outside the limit in LibreOffice: {passed_wrongly}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=120)
    parser.add_argument("--seed", type=int, default=585, help="another set of variants")
    parser.add_argument("--fonts", type=Path, help="metric-compatible fonts to add (a run more)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--keep", type=Path, help="keep the documents and PDFs here")
    parser.add_argument("--verbose", action="store_true", help="one line per document")
    args = parser.parse_args()
    if shutil.which("soffice") is None:
        print("LibreOffice (soffice) is not installed: nothing to measure against")
        return 2
    import docx

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-docx-"))
    (work / "docx").mkdir(parents=True, exist_ok=True)
    generated = []
    for v in variants(args.variants, args.seed):
        path = work / "docx" / f"{v.name}.docx"
        path.write_bytes(build(v))
        generated.append(path)
    corpus = sorted(args.corpus.rglob("*.docx")) if args.corpus.is_dir() else []
    estimates: dict[str, docxpages.PageEstimate] = {}
    names = {}
    spent = 0.0
    for f in generated + corpus:
        key = f.name if f in generated else "corpus-" + "-".join(f.relative_to(args.corpus).parts)
        names[f] = key
        try:
            document = docx.Document(str(f))
        except Exception:  # not a document python-docx opens (the corpus has a few)
            continue
        began = time.process_time()
        estimates[key] = docxpages.estimate_pages(document)
        spent += time.process_time() - began
    corpus_copies = []
    for f in corpus:  # under their unique names, so LibreOffice's PDFs do not collide
        copy = work / "corpus" / names[f]
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(f, copy)
        corpus_copies.append(copy)
    print(f"LibreOffice: {subprocess.run(['soffice', '--version'], capture_output=True, text=True, check=False).stdout.strip()}")  # noqa: E501
    print(f"estimator: {len(estimates)} documents in {spent:.2f} s of CPU "
          f"({spent / max(len(estimates), 1) * 1000:.0f} ms each)")
    runs = [(None, "this machine's fonts")]
    if args.fonts is not None:
        runs.append((args.fonts, f"metric-compatible fonts from {args.fonts}"))
    for fonts, label in runs:
        env = environment_of(fonts)
        out = work / f"pdf-{env}"
        gen = measure(generated, out, fonts, estimates)
        cor = measure(corpus_copies, out, fonts, estimates)
        print(f"\n== LibreOffice with {label} (estimator environment: {env})")
        report("generated variants", gen)
        report("corpus", cor)
        report("all", gen + cor)
        if args.verbose:
            for r in gen + cor:
                print(f"    {r.name:60} exact {r.exact:3} estimate {r.estimate:3} "
                      f"({r.length:6.2f}) range {r.low}-{r.high}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
