"""PPTX facts: the slide count, from the archive listing after the ZIP safety scan."""

from __future__ import annotations

import re
from pathlib import Path

from checker.facts import FileFacts
from checker.findings import error
from checker.inspect.archive import encrypted_finding, scan_zip
from checker.model import Limits

_SLIDE = re.compile(r"^ppt/slides/slide\d+\.xml$")


def inspect_pptx(path: Path, facts: FileFacts, lim: Limits) -> None:
    scan = scan_zip(path, facts.path, lim, ooxml=True)
    facts.findings.extend(scan.findings)
    if scan.encrypted:
        facts.findings.append(encrypted_finding(facts.path,
                                                "Save the deck again without a password."))
        return
    if scan.unsafe:
        return
    if "ppt/presentation.xml" not in scan.names:
        facts.findings.append(error(
            "file.unreadable",
            f"{facts.path} is a ZIP archive but not a PowerPoint deck (it has no "
            "ppt/presentation.xml).",
            "Save the slides as 'PowerPoint Presentation (.pptx)' or export them to PDF.",
            facts.path,
        ))
        return
    slides = sum(1 for n in scan.names if _SLIDE.match(n))
    facts.pages = slides
    facts.body_pages = slides
