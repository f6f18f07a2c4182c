"""Word documents of real prose written with python-docx, in the layouts students use: a font
and size, line spacing (single, 1.15, 1.5, double, exact), paragraph spacing, margins, headings,
lists, tables, images, page breaks, a references section. For the DOCX page estimate's tests
and its benchmark (``bench/bench_docx_estimate.py``), which lay them out with LibreOffice.

The prose is the Python documentation's (``pydoc_data.topics``, in every Python): English
technical writing with its real distribution of word lengths, which a page count depends on.
"""

from __future__ import annotations

import functools
import io
import itertools
import random
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass


@functools.lru_cache(maxsize=1)
def prose_paragraphs() -> list[str]:
    """Paragraphs of English prose (40 words or more, hardly any code), always the same."""
    from pydoc_data.topics import topics

    out = []
    for key in sorted(topics):
        for block in re.split(r"\n\s*\n", topics[key]):
            text = " ".join(block.split())
            if len(text.split()) >= 40 and sum(c in "()[]{}=*_<>`|" for c in text) < len(
                    text) * 0.01:
                out.append(text)
    return out


def words(count: int, start: int = 0) -> Iterator[str]:
    """``count`` words of prose, from paragraph ``start`` on (cycling)."""
    stream = itertools.chain.from_iterable(
        p.split() for p in itertools.cycle(_rotate(prose_paragraphs(), start)))
    return itertools.islice(stream, count)


def _rotate(items: list[str], start: int) -> list[str]:
    start %= len(items)
    return items[start:] + items[:start]


def png(width: int, height: int) -> bytes:
    """A grey PNG of width x height pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@dataclass
class Variant:
    """One document's layout and content."""

    name: str
    words: int  # of body prose
    font: str | None = "Times New Roman"  # None: the template's theme font (Cambria)
    size: float = 12.0
    spacing: float = 1.0  # a multiple of single spacing
    exact: float | None = None  # exact line spacing in points, instead of a multiple
    before: float = 0.0  # points
    after: float = 0.0
    margins: float = 1.0  # inches, all four
    paper: str = "letter"  # or "a4"
    sections: int = 5  # headings (Heading 1), the prose split among them
    paragraph_words: int = 120
    bullets: int = 0  # bullet items of a list after the first section's prose
    tables: int = 0  # tables (5 rows x 4 columns) spread over the sections
    images: int = 0  # inline images, 4 x 2.5 inches, spread over the sections
    page_breaks: int = 0  # page breaks after the first sections
    references: int = 0  # entries of a References section at the end
    start: int = 0  # where in the prose to start
    headings: tuple[str, ...] = ()  # the sections' headings (default: words of the prose)
    title: str | None = None  # the Title (default: "Summary: <name>")


def build(v: Variant) -> bytes:
    """The .docx bytes of a variant."""
    import docx
    from docx.shared import Inches, Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    if v.font is not None:
        normal.font.name = v.font
    normal.font.size = Pt(v.size)
    fmt = normal.paragraph_format
    if v.exact is not None:
        fmt.line_spacing = Pt(v.exact)
    else:
        fmt.line_spacing = v.spacing
    fmt.space_before, fmt.space_after = Pt(v.before), Pt(v.after)
    section = document.sections[0]
    if v.paper == "a4":
        section.page_width, section.page_height = Inches(8.27), Inches(11.69)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(v.margins))
    document.add_heading(v.title or f"Summary: {v.name}", level=0)
    stream = list(words(v.words, v.start))
    count = len(v.headings) or v.sections
    per_section = -(-len(stream) // max(count, 1))
    rng = random.Random(v.start)
    for s in range(max(count, 1)):
        if v.headings:
            document.add_heading(v.headings[s], 1)
        elif v.sections:
            document.add_heading(" ".join(stream[s * 7 % len(stream):][:4]).capitalize(), 1)
        chunk = stream[s * per_section:(s + 1) * per_section]
        for i in range(0, len(chunk), v.paragraph_words):
            size = rng.randint(v.paragraph_words // 2, v.paragraph_words * 3 // 2)
            document.add_paragraph(" ".join(chunk[i:i + size]))
        if s == 0 and v.bullets:
            for b in range(v.bullets):
                document.add_paragraph(" ".join(stream[b * 11:b * 11 + 12]), "List Bullet")
        if s < v.tables:
            table = document.add_table(rows=5, cols=4)
            table.style = "Table Grid"
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    cell.text = " ".join(stream[(r * 4 + c) * 3:][:rng.randint(1, 6)])
        if s < v.images:
            document.add_picture(io.BytesIO(png(40, 25)), width=Inches(4), height=Inches(2.5))
        if s < v.page_breaks:
            document.add_page_break()
    if v.references:
        document.add_heading("References", 1)
        for r in range(v.references):
            document.add_paragraph(f"[{r + 1}] " + " ".join(stream[r * 13:][:22]))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
