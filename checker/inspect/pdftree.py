"""A PDF's own page tree as a strict reader finds it: trailer, catalog, root page-tree node.

PDFium (Chrome) repairs what it can: a document whose trailer names no catalog, or whose page
tree declares no page count (``/Count`` missing, 0, negative, over a million), still opens
with the pages PDFium finds. Poppler (Evince, Okular, ``pdftotext``) and other readers follow
the file's own structure and show nothing, so a TA opening it there sees an empty or broken
file. :func:`read_tree` follows that structure from the raw bytes, as poppler's
reconstruction does: the last ``/Root`` reference of the file, the object it names (the last
definition in the file, in the clear or in a Flate-compressed object stream), its ``/Pages``
reference, and that node's ``/Count``. Where that cannot be read here (encrypted or
otherwise filtered object streams) pypdf reads it instead (:func:`read_tree_with_pypdf`).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.inspect.common import is_bad_file

MAX_PAGE_COUNT = 0xFFFFF  # PDFium's limit: a larger /Count is not believed (nor by poppler)
_ROOT = re.compile(rb"/Root\s+(\d+)\s+(\d+)\s+R")
_PAGES = re.compile(rb"/Pages\s+(\d+)\s+(\d+)\s+R")
_COUNT = re.compile(rb"/Count\s+([-+]?[0-9.]+)(\s+\d+\s+R)?")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_INT = re.compile(rb"/(N|First|Length)\s+(\d+)(\s+\d+\s+R)?")
_BODY_BYTES = 64 * 1024  # of one object's dictionary, read at most
_STREAMS_MAX = 500  # object streams decoded at most, ...
_DECODED_MAX = 64 * 2**20  # ... and bytes they may decode to, together


@dataclass(frozen=True)
class Tree:
    """What the file's own structure says: ``problem`` is None when a strict reader finds a
    catalog and a root page-tree node with a valid page count (``count``); else one of
    "root" (no catalog where the trailer says), "pages" (no page tree where the catalog
    says), "count" (no valid /Count: ``raw`` holds what is there), "unknown" (not readable
    here)."""

    problem: str | None
    count: int | None = None
    raw: str = ""


class _Objects:
    """Objects of a PDF by number: the last definition in the clear, else in an object stream
    (Flate only, without predictors), decoded on demand within the bounds above."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._streams: dict[int, bytes] | None = None
        self.undecodable = False  # an object stream could not be read here

    def get(self, number: int, generation: int) -> bytes | None:
        # A literal start (no look-behind) keeps the search in the regex engine's fast path.
        pattern = rb"%d\s+%d\s+obj\b" % (number, generation)
        found = None
        for match in re.finditer(pattern, self.data):  # the last definition wins
            if not self.data[max(0, match.start() - 1):match.start()].isdigit():
                found = match
        if found is not None:
            body = self.data[found.end():found.end() + _BODY_BYTES]
            end = min((i for i in (body.find(b"endobj"), body.find(b"stream")) if i >= 0),
                      default=len(body))
            return body[:end]
        return self._in_streams().get(number) if generation == 0 else None

    def _in_streams(self) -> dict[int, bytes]:
        if self._streams is None:
            self._streams = {}
            decoded = 0
            for index, match in enumerate(_OBJSTM.finditer(self.data)):
                if index >= _STREAMS_MAX or decoded > _DECODED_MAX:
                    self.undecodable = True
                    break
                objects, size = self._decode(match.start())
                decoded += size
                for number, body in objects.items():
                    self._streams[number] = body
        return self._streams

    def _decode(self, at: int) -> tuple[dict[int, bytes], int]:
        data = self.data
        head_start = data.rfind(b"obj", 0, at)
        stream = data.find(b"stream", at)
        if head_start < 0 or stream < 0:
            self.undecodable = True
            return {}, 0
        head = data[head_start:stream]
        ints = {m.group(1): int(m.group(2)) for m in _INT.finditer(head) if not m.group(3)}
        filters = re.findall(rb"/Filter\s*\[?\s*((?:/\w+\s*)*)", head)
        if b"/DecodeParms" in head or b"First" not in ints \
                or (filters and filters[0].split() != [b"/FlateDecode"]):
            self.undecodable = True
            return {}, 0
        start = stream + 6 + (2 if data[stream + 6:stream + 8] == b"\r\n" else 1)
        end = start + ints[b"Length"] if b"Length" in ints else data.find(b"endstream", start)
        try:
            raw = zlib.decompressobj().decompress(data[start:max(start, end)], _DECODED_MAX) \
                if filters else data[start:end]
        except zlib.error:
            self.undecodable = True
            return {}, 0
        first = ints[b"First"]
        try:
            numbers = [int(x) for x in raw[:first].split()]
        except ValueError:  # a header word that is no number: not an object stream we read
            self.undecodable = True
            return {}, 0
        pairs = list(zip(numbers[0::2], numbers[1::2], strict=False))
        out: dict[int, bytes] = {}
        for i, (number, offset) in enumerate(pairs):
            stop = pairs[i + 1][1] if i + 1 < len(pairs) else len(raw) - first
            out[number] = raw[first + offset:first + stop]
        return out, len(raw)


def read_tree(data: bytes) -> Tree:
    """The page tree a strict reader finds in ``data`` (the whole file)."""
    roots = list(_ROOT.finditer(data))
    if not roots:
        return Tree("root")
    objects = _Objects(data)
    number, generation = (int(x) for x in roots[-1].groups())
    catalog = objects.get(number, generation)
    if catalog is None:
        return Tree("unknown" if objects.undecodable else "root")
    pages_ref = _PAGES.search(catalog)
    if pages_ref is None:
        return Tree("root")
    node = objects.get(int(pages_ref.group(1)), int(pages_ref.group(2)))
    if node is None:
        return Tree("unknown" if objects.undecodable else "pages")
    if b"/Kids" not in node:
        return Tree("pages")
    count = _COUNT.search(node)
    if count is None:
        return Tree("count", raw="missing")
    if count.group(2):
        return Tree("unknown")  # an indirect /Count: pypdf resolves it
    return judged_count(count.group(1).decode("ascii", "replace"))


def judged_count(raw: str) -> Tree:
    try:  # a real is taken by its integer part, by poppler and PDFium alike
        value = int(float(raw))
    except (ValueError, OverflowError):
        return Tree("count", raw=raw[:20])
    if not 0 < value <= MAX_PAGE_COUNT:
        return Tree("count", raw=raw[:20])
    return Tree(None, count=value)


def read_tree_with_pypdf(path: Path) -> Tree:
    """:func:`read_tree` by pypdf, for files whose objects are not readable here."""
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        root = reader.trailer.get("/Root")
        catalog: Any = root.get_object() if root is not None else None
        if not isinstance(catalog, dict):
            return Tree("root")
        pages = catalog.get("/Pages")
        node: Any = pages.get_object() if pages is not None else None
        if not isinstance(node, dict) or node.get("/Kids") is None:
            return Tree("pages")
        count = node.get("/Count")
        if count is None:
            return Tree("count", raw="missing")
        return judged_count(str(count.get_object()))
    except Exception as exc:
        if not is_bad_file(exc):
            raise
        return Tree("unknown")
