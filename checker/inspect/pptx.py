"""PPTX facts: the slide count, from ``presentation.xml``'s slide list, every slide parsed.

After the ZIP safety scan (which refuses DTDs in every part), the deck's own table of contents
is read: ``ppt/presentation.xml``'s ``<p:sldIdLst>``, each ``r:id`` resolved through
``ppt/_rels/presentation.xml.rels`` to a slide part, and each slide part parsed as XML whose
root is a PresentationML ``<p:sld>``. File names alone count nothing: a deck whose slides are
not XML, or whose list is empty, is not a valid deck.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from checker.bounds import shown
from checker.facts import FileFacts
from checker.findings import Finding, error
from checker.inspect.archive import scan_zip
from checker.inspect.common import empty_document, encrypted_finding
from checker.model import Limits

PRESENTATION = "ppt/presentation.xml"
RELS = "ppt/_rels/presentation.xml.rels"
TYPES = "[Content_Types].xml"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PML_TYPE = "application/vnd.openxmlformats-officedocument.presentationml."
# The main part's content type: what PowerPoint opens as .pptx (a deck, a show, a template),
# and the macro-enabled ones, which it refuses under the .pptx extension.
_DECK_TYPES = frozenset(f"{_PML_TYPE}{kind}.main+xml"
                        for kind in ("presentation", "slideshow", "template"))
_MACRO_TYPES = frozenset(f"application/vnd.ms-powerpoint.{kind}.macroenabled.main+xml"
                         for kind in ("presentation", "slideshow", "template", "addin"))
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SLIDE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide"


class DeckError(ValueError):
    """The deck's structure is broken: a file.unreadable finding with this reason."""

    def finding(self, facts: FileFacts) -> Finding:
        return error(
            "file.unreadable",
            f"{facts.path} cannot be read as a PowerPoint deck: {self}.",
            "Open the deck in PowerPoint, Keynote or LibreOffice, save it again as 'PowerPoint "
            "Presentation (.pptx)' (or export it to PDF) and push the new file.",
            facts.path,
        )


def _parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, dtd_validation=False)


def _xml(zf: zipfile.ZipFile, name: str, lim: Limits) -> Any:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise DeckError(f"it has no part {shown(name)}") from None
    with zf.open(info) as f:
        data = f.read(lim.max_xml_part_bytes + 1)
    if not data.strip():
        raise DeckError(f"the part {shown(name)} is empty")
    try:
        return etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise DeckError(f"the part {shown(name)} is not XML ({exc})") from None


def slide_parts(zf: zipfile.ZipFile, lim: Limits) -> list[str]:
    """The slide parts in the deck's order, from the slide list and its relationships."""
    root = _xml(zf, PRESENTATION, lim)
    if root.tag != f"{_P}presentation":
        raise DeckError(f"{shown(PRESENTATION)} is not a PowerPoint presentation part")
    ids = [s.get(f"{_R}id") for s in root.iterfind(f"{_P}sldIdLst/{_P}sldId")]
    if not ids:
        return []
    rels = {r.get("Id"): r for r in _xml(zf, RELS, lim).iterfind(f"{_REL}Relationship")}
    parts = []
    for number, rid in enumerate(ids, start=1):
        rel = rels.get(rid)
        if rel is None or rel.get("Type") != _SLIDE_TYPE or rel.get("TargetMode") == "External":
            raise DeckError(f"slide {number} of the slide list points to no slide part")
        target = rel.get("Target") or ""
        part = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                  else posixpath.join("ppt", target))
        parts.append(part)
    return parts


def main_content_type(types: bytes | None) -> str | None:
    """The content type [Content_Types].xml gives ``/ppt/presentation.xml`` (its Override,
    else the Default for ``xml``), lower case; None when there is none."""
    if not types:
        return None
    try:
        root = etree.fromstring(types, parser=_parser())
    except etree.XMLSyntaxError:
        return None
    for override in root.iterfind(f"{_CT}Override"):
        if (override.get("PartName") or "").lower() == "/" + PRESENTATION:
            return (override.get("ContentType") or "").strip().lower()
    for default in root.iterfind(f"{_CT}Default"):
        if (default.get("Extension") or "").lower() == "xml":
            return (default.get("ContentType") or "").strip().lower()
    return None


def _not_a_deck(facts: FileFacts, types: bytes | None) -> Finding | None:
    """Why PowerPoint would not open the file as a .pptx deck, by its content types."""
    if types is None:
        return DeckError(f"it has no {TYPES}, which every Office file has and without which "
                         "PowerPoint does not open it").finding(facts)
    main = main_content_type(types)
    if main in _MACRO_TYPES:
        return error(
            "format.mismatch",
            f"{facts.path} is named .pptx but its content is a macro-enabled PowerPoint deck "
            "(.pptm), which PowerPoint refuses to open under the .pptx name.",
            "Save the slides as 'PowerPoint Presentation (.pptx)' (without macros) or export "
            "them to PDF.",
            facts.path,
        )
    if main not in _DECK_TYPES:
        return DeckError(f"its {TYPES} does not declare {shown(PRESENTATION)} a "
                         "presentation").finding(facts)
    return None


def inspect_pptx(path: Path, facts: FileFacts, lim: Limits) -> None:
    scan = scan_zip(path, facts.path, lim, ooxml=True, keep=lambda n: n == TYPES,
                    keep_bytes=1 << 20)
    facts.findings.extend(scan.findings)
    if scan.encrypted:
        facts.findings.append(encrypted_finding(facts.path,
                                                "Save the deck again without a password."))
        return
    if scan.unsafe:
        return
    if PRESENTATION not in scan.names:
        facts.findings.append(error(
            "file.unreadable",
            f"{facts.path} is a ZIP archive but not a PowerPoint deck (it has no "
            f"{PRESENTATION}).",
            "Save the slides as 'PowerPoint Presentation (.pptx)' or export them to PDF.",
            facts.path,
        ))
        return
    wrong = _not_a_deck(facts, scan.content(TYPES) if TYPES in scan.names else None)
    if wrong is not None:
        facts.findings.append(wrong)
        return
    try:
        with zipfile.ZipFile(path) as zf:
            parts = slide_parts(zf, lim)
            for number, part in enumerate(parts, start=1):
                if _xml(zf, part, lim).tag != f"{_P}sld":
                    raise DeckError(f"slide {number} ({shown(part)}) is not a slide")
    except DeckError as exc:
        facts.findings.append(exc.finding(facts))
        return
    facts.pages = len(parts)
    facts.body_pages = len(parts)
    if not parts:
        facts.findings.append(empty_document(facts, "slides"))
