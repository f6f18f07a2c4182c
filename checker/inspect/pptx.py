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
from checker.findings import error
from checker.inspect.archive import scan_zip
from checker.inspect.common import empty_document, encrypted_finding
from checker.model import Limits

PRESENTATION = "ppt/presentation.xml"
RELS = "ppt/_rels/presentation.xml.rels"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SLIDE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide"


class DeckError(ValueError):
    """The deck's structure is broken: a file.unreadable finding with this reason."""


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


def inspect_pptx(path: Path, facts: FileFacts, lim: Limits) -> None:
    scan = scan_zip(path, facts.path, lim, ooxml=True)
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
    try:
        with zipfile.ZipFile(path) as zf:
            parts = slide_parts(zf, lim)
            for number, part in enumerate(parts, start=1):
                if _xml(zf, part, lim).tag != f"{_P}sld":
                    raise DeckError(f"slide {number} ({shown(part)}) is not a slide")
    except DeckError as exc:
        facts.findings.append(error(
            "file.unreadable",
            f"{facts.path} cannot be read as a PowerPoint deck: {exc}.",
            "Open the deck in PowerPoint, Keynote or LibreOffice, save it again as 'PowerPoint "
            "Presentation (.pptx)' (or export it to PDF) and push the new file.",
            facts.path,
        ))
        return
    facts.pages = len(parts)
    facts.body_pages = len(parts)
    if not parts:
        facts.findings.append(empty_document(facts, "slides"))
