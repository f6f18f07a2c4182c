"""Fixtures for the inspector tests: realistic files made by real software, in tmp folders.

Nothing binary is committed: PDFs come from fpdf2, DOCX from python-docx (and their PDF from
LibreOffice when it is installed), archives from zipfile.
"""

from __future__ import annotations

import shutil
import struct
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import pytest

from checker.model import Deliverable, Due, Limits, Member, PageRule, Section, ZipRule

LOREM = (
    "Large language model serving systems batch requests to use the accelerator well, but "
    "the memory held by the key-value cache grows with every generated token and fragments "
    "when requests of different lengths share one device. The paper measures how much memory "
    "is wasted and shows that paging the cache, as an operating system pages memory, recovers "
    "most of it while keeping the latency of each request within its target. "
)

# the course page's five summary questions, verbatim (tests and bench/bench_headings.py)
QUESTIONS = [
    "What is the problem addressed in the lecture, and why is this problem important?",
    "What is the state of related works in this topic?",
    "What is the proposed solution, and what key insight guides their solution?",
    "What is one (or more) drawback or limitation of the proposal?",
    "What are potential directions for future research?",
]

SUMMARY_SECTIONS = (
    Section("Problem and Importance", ("Problem Statement", "Motivation")),
    Section("Related Work", ("Prior Work", "Background")),
    Section("Proposed Solution and Key Insight", ("Approach", "Key Idea")),
    Section("Drawbacks or Limitations", ("Weaknesses",)),
    Section("Future Research Directions", ("Future Work", "Open Questions")),
)

DUE = Due(at=datetime(2024, 10, 1, 23, 59, tzinfo=timezone.utc))


def deliverable(**kw: object) -> Deliverable:
    base: dict[str, object] = dict(id="x", title="X", path="submissions/{group}/x.{ext}",
                                   formats=("pdf", "docx"), due=DUE)
    base.update(kw)
    return Deliverable(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def summary_deliverable() -> Deliverable:
    return deliverable(id="summary", title="Paper summary", pages=PageRule(min=2, max=3),
                       sections=SUMMARY_SECTIONS)


@pytest.fixture(scope="session")
def proposal_deliverable() -> Deliverable:
    return deliverable(id="proposal", title="Project proposal", pages=PageRule(max=2),
                       members_named=True)


@pytest.fixture(scope="session")
def report_deliverable() -> Deliverable:
    return deliverable(id="final-report", title="Final report",
                       pages=PageRule(max=8, references_count=False))


@pytest.fixture(scope="session")
def code_deliverable() -> Deliverable:
    return deliverable(id="code", title="Code", formats=("zip",), zip=ZipRule(readme=True),
                       limits=Limits(max_bytes=50 * 2**20))


@pytest.fixture(scope="session")
def members() -> tuple[Member, ...]:
    return (
        Member("janedoe", "Jane Doe", "jdoe@umich.edu"),
        Member("bob-li", "Bob Li", "boblee@umich.edu"),
        Member("mgarcia", "María García", "mgarcia@umich.edu"),
    )


@pytest.fixture(scope="session")
def limits() -> Limits:
    return Limits()


# --- PDF with fpdf2 ----------------------------------------------------------------------

PdfBlock = tuple[str, str]  # ("h", "1. Introduction") | ("p", text) | ("break", "")


def write_pdf(path: Path, blocks: Sequence[PdfBlock]) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for kind, text in blocks:
        if kind == "break":
            pdf.add_page()
        elif kind == "h":
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    pdf.output(str(path))
    return path


def write_two_column_paper(path: Path, body_pages: int = 8, ref_pages: int = 3) -> Path:
    """A conference-style paper: title, numbered sections in two columns, references last."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(False)
    col_w, gap = 90.0, 6.0
    section = 0
    for page in range(1, body_pages + 1):
        pdf.add_page()
        y0 = 20.0
        if page == 1:
            pdf.set_font("Helvetica", "B", 16)
            pdf.set_xy(15, 15)
            pdf.cell(0, 8, "Paging the Key-Value Cache of Language Model Servers", align="C")
            y0 = 32.0
        for col in range(2):
            x = 15 + col * (col_w + gap)
            pdf.set_xy(x, y0)
            if col == 0 and page % 2 == 1:
                section += 1
                pdf.set_font("Helvetica", "B", 12)
                pdf.multi_cell(col_w, 6, f"{section}. Section {section} Heading",
                               new_x="LEFT", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9.5)
            while pdf.get_y() < 240:
                pdf.multi_cell(col_w, 4.2, LOREM[:300], new_x="LEFT", new_y="NEXT")
    for page in range(ref_pages):
        pdf.add_page()
        pdf.set_xy(15, 20)
        if page == 0:
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(col_w, 6, "References", new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8.5)
        for i in range(12):
            n = page * 12 + i + 1
            pdf.multi_cell(180, 4, f"[{n}] A. Author and B. Author. A study of caches, part {n}. "
                           f"In Proceedings of a Systems Conference, pages {n}-{n + 12}, 2023.",
                           new_x="LEFT", new_y="NEXT")
    pdf.output(str(path))
    return path


def summary_blocks(headings: Sequence[str], paragraphs: int = 2) -> list[PdfBlock]:
    blocks: list[PdfBlock] = [("h", "Summary: Efficient Memory Management for LLM Serving")]
    for heading in headings:
        blocks.append(("h", heading))
        blocks += [("p", LOREM * 2)] * paragraphs
    return blocks


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, blocks: Sequence[PdfBlock]) -> Path:
        return write_pdf(tmp_path / name, blocks)
    return make


# --- DOCX with python-docx ---------------------------------------------------------------

def write_docx(path: Path, blocks: Sequence[tuple[str, str]]) -> Path:
    """Blocks: ("title", t), ("h1", t), ("h2", t), ("bold", t), ("p", t), ("break", "")."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for kind, text in blocks:
        if kind == "title":
            document.add_heading(text, level=0)
        elif kind in ("h1", "h2", "h3"):
            document.add_heading(text, level=int(kind[1]))
        elif kind == "bold":
            document.add_paragraph().add_run(text).bold = True
        elif kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, blocks: Sequence[tuple[str, str]]) -> Path:
        return write_docx(tmp_path / name, blocks)
    return make


@pytest.fixture(scope="session")
def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed: exact DOCX page counts untested")
    return exe


# --- ZIP archives ------------------------------------------------------------------------

GOOD_README = """# KV-cache paging experiments

## Installation

```bash
python -m venv .venv && source .venv/bin/activate
pip install -r requirements.txt
```

## Running

```bash
python train.py --epochs 3
bash scripts/eval.sh > results.txt
```
"""


def write_zip(path: Path, files: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


_PML = "http://schemas.openxmlformats.org/presentationml/2006/main"
_ODR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_encrypted_huge_names(path: Path, entries: int = 400) -> Path:
    """``entries`` entries flagged encrypted (what `zip -e` sets: general-purpose bit 0, in the
    local headers and the central directory), each with a 64 KB name: 26 MB of names."""
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(entries):
            zf.writestr(f"{i:04d}-" + "n" * 65_000, b"x" * 16)
        offsets = [info.header_offset for info in zf.infolist()]
    data = bytearray(path.read_bytes())
    for at in offsets:
        data[at + 6] |= 0x1
    end = data.rindex(b"PK\x05\x06")
    at = struct.unpack_from("<I", data, end + 16)[0]
    while data[at:at + 4] == b"PK\x01\x02":
        data[at + 8] |= 0x1
        n, m, k = struct.unpack_from("<HHH", data, at + 28)
        at += 46 + n + m + k
    path.write_bytes(bytes(data))
    return path


def slide_xml(title: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:sld xmlns:a="http://'
            f'schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="{_PML}"><p:cSld><p:spTree>'
            f'<p:sp><p:txBody><a:p><a:r><a:t>{title}</a:t></a:r></a:p></p:txBody></p:sp>'
            '</p:spTree></p:cSld></p:sld>')


def pptx_files(slides: Sequence[bytes | str], listed: int | None = None) -> dict[str, bytes | str]:
    """The parts of a PowerPoint deck as PowerPoint lays them out: ``slides`` are the slide
    parts' contents; the first ``listed`` of them (all by default) are in the slide list."""
    listed = len(slides) if listed is None else listed
    types = "".join(f'<Override PartName="/ppt/slides/slide{i}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.presentationml.slide+xml"/>'
                    for i in range(1, len(slides) + 1))
    ids = "".join(f'<p:sldId id="{255 + i}" r:id="rId{i + 1}"/>' for i in range(1, listed + 1))
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_ODR}/slide" '
                   f'Target="slides/slide{i}.xml"/>' for i in range(1, len(slides) + 1))
    files: dict[str, bytes | str] = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
        'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
        'Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.'
        'xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.'
        f'presentation.main+xml"/>{types}</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{_ODR}/officeDocument" Target="ppt/presentation.xml"/></Relationships>',
        "ppt/presentation.xml": f'<?xml version="1.0" encoding="UTF-8"?><p:presentation '
        f'xmlns:p="{_PML}" xmlns:r="{_ODR}"><p:sldIdLst>{ids}</p:sldIdLst>'
        '<p:sldSz cx="12192000" cy="6858000"/></p:presentation>',
        "ppt/_rels/presentation.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
        '</Relationships>',
    }
    files.update({f"ppt/slides/slide{i}.xml": s for i, s in enumerate(slides, start=1)})
    return files


@pytest.fixture
def make_zip(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, files: dict[str, bytes | str]) -> Path:
        return write_zip(tmp_path / name, files)
    return make


def code_files(readme: str | None = GOOD_README, prefix: str = "") -> dict[str, bytes | str]:
    files: dict[str, bytes | str] = {
        f"{prefix}train.py": "import torch\nprint('training')\n",
        f"{prefix}requirements.txt": "torch\nnumpy\n",
        f"{prefix}scripts/eval.sh": "#!/bin/sh\npython -c 'print(1)'\n",
        f"{prefix}kvcache/__init__.py": "",
        f"{prefix}kvcache/pager.py": "class Pager:\n    pass\n" * 50,
    }
    if readme is not None:
        files[f"{prefix}README.md"] = readme
    return files


@pytest.fixture(autouse=True)
def _no_libreoffice_unless_asked(request: pytest.FixtureRequest,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice conversions cost about a second each: only tests that ask for it convert."""
    if "soffice" not in request.fixturenames:
        monkeypatch.setenv("CHECKER_SOFFICE", "none")
