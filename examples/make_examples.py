"""Regenerate the sample submissions under examples/course/ (run by maintainers, not users).

    pip install fpdf2 && python examples/make_examples.py

The files are small and committed, so the demo needs nothing beyond the checker itself.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent / "course" / "submissions"
LOREM = ("Large language model serving is limited by memory for the key-value cache. " * 6)


def pdf(path: Path, pages: int, headings: list[str], title: str, extra: str = "") -> None:
    doc = FPDF()
    doc.set_title(title)
    doc.set_creator("examples/make_examples.py (fpdf2)")
    per_page = -(-len(headings) // pages) if headings else 0
    for i in range(pages):
        doc.add_page()
        if i == 0:
            doc.set_font("helvetica", style="B", size=16)
            doc.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
            if extra:
                doc.set_font("helvetica", size=10)
                doc.multi_cell(0, 6, extra, new_x="LMARGIN", new_y="NEXT")
        for head in headings[i * per_page:(i + 1) * per_page]:
            doc.set_font("helvetica", style="B", size=13)
            doc.multi_cell(0, 8, head, new_x="LMARGIN", new_y="NEXT")
            doc.set_font("helvetica", size=11)
            doc.multi_cell(0, 6, LOREM, new_x="LMARGIN", new_y="NEXT")
        if not headings:
            doc.set_font("helvetica", size=20)
            doc.multi_cell(0, 12, f"Slide {i + 1}", new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.output(str(path))


def main() -> None:
    pdf(HERE / "g10/slides/2024-10-03.pdf", 14, [],
        "PagedAttention and vAttention: memory management for LLM serving")
    sections = ["1. Problem and Importance", "2. Related Work",
                "3. Proposed Solution and Key Insight", "4. Limitations",
                "5. Future Research Directions", "6. Key Observations from the Class Discussion"]
    pdf(HERE / "g11/summaries/2024-10-03.pdf", 3, sections, "Summary: PagedAttention")
    pdf(HERE / "g10/summaries/2024-10-03.pdf", 1, sections[:3],
        "Summary of a session g10 does not summarise")
    members = ("Ada Lovelace <ada@umich.edu>, Alan Turing <turing@umich.edu>, "
               "Grace Hopper <hopper@umich.edu>")
    pdf(HERE / "g10/proposal.pdf", 2, ["Problem", "Plan", "References"],
        "Proposal: KV-cache paging on consumer GPUs", members)
    code = HERE / "g11/final/code.zip"
    code.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(code, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("kvpager/src/pager.py", "def page(n):\n    return n // 16\n")
        z.writestr("kvpager/.DS_Store", b"\0\0\0\1Bud1")
        z.writestr("kvpager/notes.txt", "todo: write the README\n")


if __name__ == "__main__":
    main()
