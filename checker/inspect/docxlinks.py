"""What in a DOCX would make LibreOffice fetch something from outside the file.

LibreOffice lays a DOCX out to count its pages (``checker.inspect.convert``) and fetches what
the document links to: a linked picture (``<a:blip r:link>``: OPTIONS, HEAD and GET to the
address a student wrote), an included file or picture (the INCLUDEPICTURE, INCLUDETEXT, LINK
and DDE fields), a VML picture's ``o:href``/``src``. A document with any of them is not
converted (its page count stays an estimate). The guard reads what LibreOffice reads:

- every relationship part, parsed as XML (quoting, attribute order, case of the element do
  not matter), in full: a part larger than what is kept counts as a link, unread;
- a relationship is outside the file when its ``TargetMode`` is anything but ``Internal``, or
  its target names a scheme (``http:``, ``file:``, ``smb:``, ...) or a network share; only the
  hyperlink relationship type (exactly) is left out: a link to click is not fetched;
- field instructions (``w:instrText`` between a field's begin and separate/end, and
  ``w:fldSimple/@w:instr``) by their first word;
- ``href`` and ``src`` attributes (VML pictures) whose value names a scheme or a share.

It is a second line: LibreOffice also runs with no network and no home folders where the
platform allows (``checker.inspect.convert.isolation``), since no such list is ever complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

_HYPERLINK_TYPES = frozenset({
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/hyperlink",
})
_OUTSIDE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*:|[\\/]{2})")
_FETCHING_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE",
                              "DDEAUTO", "IMPORT"})
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_STRICT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"


def _parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def relationship_links(rels: bytes, complete: bool) -> int:
    """Relationships of one ``.rels`` part that point outside the file (hyperlinks excepted);
    a part not read in full (``complete`` False) or not XML counts as one."""
    if not complete:
        return 1
    try:
        root = etree.fromstring(rels, parser=_parser())
    except etree.XMLSyntaxError:
        return 1
    count = 0
    for rel in root.iter():
        if not isinstance(rel.tag, str) or etree.QName(rel).localname != "Relationship":
            continue
        if rel.get("Type") in _HYPERLINK_TYPES:
            continue
        mode = (rel.get("TargetMode") or "Internal").strip()
        if mode != "Internal" or _OUTSIDE.match(rel.get("Target") or ""):
            count += 1
    return count


def _field_names(root: Any) -> Iterable[str]:
    """The first word of every field instruction in an XML part (complex and simple fields)."""
    for w in (_W, _W_STRICT):
        code: list[str] = []
        depth = 0
        for el in root.iter(f"{w}fldChar", f"{w}instrText", f"{w}fldSimple"):
            if el.tag == f"{w}fldSimple":
                yield (el.get(f"{w}instr") or "").strip().split(" ", 1)[0]
            elif el.tag == f"{w}instrText":
                if depth:
                    code.append(el.text or "")
            else:
                kind = el.get(f"{w}fldCharType")
                if kind == "begin":
                    if depth and code:  # a nested field starts: the outer one's code so far
                        yield "".join(code).strip().split(" ", 1)[0]
                    depth += 1
                    code = []
                elif kind in ("separate", "end") and depth:
                    if code:
                        yield "".join(code).strip().split(" ", 1)[0]
                    code = []
                    if kind == "end":
                        depth -= 1


def part_links(root: Any) -> int:
    """Fields that include outside content, and pictures whose ``href``/``src`` names an
    outside address, in one parsed XML part."""
    fields = sum(1 for name in _field_names(root) if name.upper() in _FETCHING_FIELDS)
    addresses = root.xpath("//@*[local-name()='href' or local-name()='src']")
    return fields + sum(1 for value in addresses if _OUTSIDE.match(str(value)))


def document_links(document: Any) -> int:
    """``part_links`` over every XML part python-docx loaded (body, headers, footers, notes,
    comments, ...)."""
    total = 0
    for part in document.part.package.iter_parts():
        root = getattr(part, "_element", None)
        if root is None and str(getattr(part, "content_type", "")).endswith("xml"):
            try:  # a part python-docx keeps as bytes (footnotes, endnotes, ...): parsed here
                root = etree.fromstring(part.blob, parser=_parser())
            except etree.XMLSyntaxError:
                total += 1  # LibreOffice may read it its own way: not converted
                continue
        if root is not None:
            total += part_links(root)
    return total
