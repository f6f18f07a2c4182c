"""The hand-labelled heading set of ``bench/bench_headings.py``: documents and their headings.

Each document comes with the headings a reader sees in it, written here by hand: the title,
the section and subsection headings, and the unnumbered ones set like them (Abstract when it is
a line of its own, References, Acknowledgment). Not headings: the authors, affiliations and
e-mail addresses, dates, captions ("Fig. 1.", "TABLE I" and the caption under it), the
entries of a table of contents, running heads, text inside figures and tables, a run-in
"Abstract—" that starts a paragraph.

- made by ``tests/inspect/paper_styles.py`` (the tests use them too): an IEEE-style paper (two
  columns, small capitals, fpdf2), a student summary with plain headings and a caption
  (fpdf2), an IEEE-style paper and a report with a typed table of contents written with
  python-docx and exported by LibreOffice (no bookmarks: the headings are formatted by hand,
  not in Heading styles);
- the corpus: its PDFs with headings, read in place;
- published papers (papers-we-love, read from the mirror ``bench_references.py`` reads when it
  is there): IEEE and ACM papers whose only large line is the title.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from paper_styles import (  # tests/inspect
    export_pdf,
    ieee_docx,
    ieee_fpdf,
    report_docx,
    summary_fpdf,
)


def generated(tmp: Path, use_libreoffice: bool = True) -> list[tuple[str, Path, list[str]]]:
    """(name, PDF, expected headings) of the documents made here."""
    out: list[tuple[str, Path, list[str]]] = []
    makers: list[tuple[str, Callable[[Path], list[str]]]] = [
        ("fpdf2 IEEE-style paper", ieee_fpdf), ("fpdf2 student summary", summary_fpdf)]
    for name, make in makers:
        path = tmp / (name.replace(" ", "-") + ".pdf")
        out.append((name, path, make(path)))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice and use_libreoffice:
        for name, write in (("LibreOffice IEEE-style paper", ieee_docx),
                            ("LibreOffice report with a typed contents", report_docx)):
            folder = tmp / name.replace(" ", "-")
            folder.mkdir()
            expected = write(folder / "doc.docx")
            pdf = export_pdf(folder / "doc.docx", soffice, tmp / "lo-profile")
            if pdf is not None:
                out.append((name, pdf, expected))
    return out


# --- the corpus and published papers: headings written by hand ------------------------------

CORPUS_LABELS: dict[str, list[str]] = {
    "001-trivial/minimal-document.pdf": [],
    "002-trivial-libre-office-writer/002-trivial-libre-office-writer.pdf": [],
    "003-pdflatex-image/pdflatex-image.pdf": ["1 Your Chapter"],
    "004-pdflatex-4-pages/pdflatex-4-pages.pdf": [],
    "006-pdflatex-outline/pdflatex-outline.pdf": [
        "Contents", "1 Foo", "2 Bar", "3 Baz", "4 Foo", "5 Bar", "6 Baz", "7 Foo", "8 Bar",
        "9 Baz"],
    "010-pdflatex-forms/pdflatex-forms.pdf": [],
    "011-google-doc-document/google-doc-document.pdf": ["Example document"],
    "012-libreoffice-form/libreoffice-form.pdf": ["Example for a Form"],
    "016-libre-office-link/libre-office-link.pdf": [],
    "020-xmp/output_with_metadata_pymupdf.pdf": [],
    "021-pdfa/crazyones-pdfa.pdf": ["The Crazy Ones"],
    "022-pdfkit/pdfkit.pdf": ["Header"],
    "024-annotations/annotated_pdf.pdf": [],
    "025-attachment/with-attachment.pdf": [],
    "026-latex-multicolumn/multicolumn.pdf": ["Two-Column Document with Lorem Ipsum",
                                              "Abstract"],
}

PAPER_LABELS: dict[str, list[str]] = {
    "security/sok-eternal-war-in-memory.pdf": [
        "SoK: Eternal War in Memory", "I. INTRODUCTION", "II. ATTACKS", "A. Memory corruption",
        "B. Code corruption attack", "C. Control-flow hijack attack", "D. Data-only attack",
        "E. Information leak", "III. CURRENTLY USED PROTECTIONS AND REAL WORLD EXPLOITS",
        "IV. APPROACHES AND EVALUATION CRITERIA", "A. Protection", "B. Cost",
        "C. Compatibility", "V. PROBABILISTIC METHODS", "A. Address Space Randomization",
        "B. Data Space Randomization", "VI. MEMORY SAFETY",
        "A. Spatial safety with pointer bounds", "B. Spatial safety with object bounds",
        "C. Temporal safety", "VII. GENERIC ATTACK DEFENSES", "A. Data Integrity",
        "B. Data-flow Integrity", "VIII. CONTROL-FLOW HIJACK DEFENSES",
        "A. Code Pointer Integrity", "B. Control-flow Integrity", "IX. DISCUSSION",
        "X. CONCLUSION", "REFERENCES"],
    "distributed_systems/a-versatile-scheme-for-routing-highly-variable-traffic-in-service-"
    "overlays-and-ip.pdf": [
        "A Versatile Scheme for Routing Highly Variable Traffic in Service Overlays and IP "
        "Backbones", "I. INTRODUCTION", "A. Notation", "II. TRAFFIC MEASUREMENT AND VARIABILITY",
        "A. Difficulties in Measuring Traffic", "B. Traffic Variation Model",
        "III. MOTIVATING NETWORKING APPLICATIONS", "A. IP Backbones",
        "B. Specialized Service Overlays", "C. Middlebox Routing",
        "D. Other Scenarios of Interest", "IV. RELATED ROUTING METHODOLOGIES",
        "V. OVERVIEW OF TWO-PHASE ROUTING", "VI. APPLICATIONS OF TWO-PHASE ROUTING",
        "A. IP Backbones", "B. Specialized Service Overlays", "C. Middlebox Routing",
        "VII. LINEAR PROGRAMMING FORMULATIONS", "A. Link Flow Based Formulation",
        "B. Incorporating Node Capacity Constraints in IP-over-Optical Networks",
        "C. Path Flow Based Formulation", "VIII. FAST COMBINATORIAL ALGORITHM",
        "IX. EVALUATION ON ISP TOPOLOGIES", "A. Throughput Efficiency",
        "B. Topologies and Link/Ingress-Egress Capacities", "C. Experiments and Results",
        "X. RELATED WORK", "XI. CONCLUSION", "REFERENCES"],
    "data_compression/fast_error_bounded_Lossy_hpc_data_compression_with_sz.pdf": [
        "Fast Error-bounded Lossy HPC Data Compression with SZ", "I. INTRODUCTION",
        "II. PROBLEM FORMULATION",
        "III. BESTFIT CURVE-FITTING MODEL BASED HPC DATA COMPRESSION",
        "A. Converting Multi-dimensional Array to 1-D Array",
        "B. Compressing 1-D Array by Bestfit Curve-Fitting Models",
        "C. Optimization of Lossy Compression for Unpredictable Data by Binary Representation "
        "Analysis", "IV. PERFORMANCE EVALUATION", "A. Experimental Setup",
        "B. Experimental Results", "V. RELATED WORK", "VI. CONCLUSION AND FUTURE WORK",
        "ACKNOWLEDGMENTS", "REFERENCES"],
    "data_structures/ideal-hash-trees.pdf": [
        "Ideal Hash Trees", "1. INTRODUCTION", "2. ESSENTIALS OF THE ARRAY MAPPED TRIE",
        "3. IDEAL HASHING", "3.1 Search for a key", "3.2 Insertion", "3.3 Memory Allocation",
        "3.4 Lazy Root Hash Table Re-Sizing", "3.5 Space Used", "3.6 Key Removal",
        "3.7 Hash Function", "3.8 Guaranteed Worst Case Insertion, Search and Removal Times",
        "3.9 Conclusion", "4. PARTITION HASHING EXTERNAL STORAGE", "4.1 Search", "4.2 Insert",
        "4.3 Bucket Searches", "4.4 Client and Server Distributed Files", "4.5 Conclusion",
        "5. SORTED ORDER AMT", "5.1 Ordered Distributed External Storage", "6. IP ROUTING",
        "7. CLASS-SELECTOR DISPATCH", "8. PERFORMANCE COMPARISONS", "ACKNOWLEDGMENTS",
        "REFERENCES"],
    "distributed_systems/harvest-yield-and-scalable-tolerant-systems.pdf": [
        "Harvest, Yield, and Scalable Tolerant Systems", "Abstract",
        "1. Motivation, Hypothesis, Relevance", "2. Related Work and the CAP Principle",
        "3. Harvest, Yield, and the CAP Principle",
        "4. Strategy 1: Trading Harvest for Yield\u2014 Probabilistic Availability",
        "5. Strategy 2: Application Decomposition and Orthogonal Mechanisms",
        "5.1. Programming With Orthogonal Mechanisms",
        "5.2. Related Uses of Orthogonal Mechanisms", "6. Discussion and Research Agenda",
        "References"],
}


def papers(mirror: Path, tmp: Path) -> list[tuple[str, Path, list[str]]]:
    """(name, PDF, expected headings) of the labelled papers the mirror holds; [] without it."""
    out: list[tuple[str, Path, list[str]]] = []
    if not mirror.exists():
        return out
    for number, (path, expected) in enumerate(PAPER_LABELS.items()):
        done = subprocess.run(["git", "--git-dir", str(mirror), "cat-file", "blob",
                               f"HEAD:{path}"], capture_output=True)
        if done.returncode == 0:
            pdf = tmp / f"paper-{number}.pdf"
            pdf.write_bytes(done.stdout)
            out.append((path.rsplit("/", 1)[-1], pdf, expected))
    return out
