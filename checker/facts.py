"""FileFacts: what an inspector learned about one submitted file.

Inspectors (``checker.inspect``) are the only code that opens submitted bytes; they return
FileFacts. Rules read FileFacts and never open files. Problems found while reading
(empty, encrypted, unreadable, too complex, unsafe archive entries) are findings inside the
facts, so one broken file never stops the rest of a pull request from being checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.findings import Finding


@dataclass
class FileFacts:
    path: str  # repository-relative path, for messages
    kind: str  # detected content: pdf, docx, pptx, zip, markdown, yaml, text, png, ..., unknown
    size: int
    pages: int | None = None  # PDF/DOCX pages (DOCX: see pages_exact), PPTX slides
    pages_exact: bool = True  # False when the page count is an estimate
    body_pages: int | None = None  # pages before the references section (== pages without one)
    references_page: int | None = None  # 1-based page where references start, None if none
    headings: list[str] = field(default_factory=list)
    text: str = ""  # extracted text (bounded), for member names/emails and keywords
    archive: dict[str, Any] | None = None  # zip: readme, entries, uncompressed_bytes, ...
    findings: list[Finding] = field(default_factory=list)
    headings_source: str | None = None  # DOCX: "styles" or "bold" (short bold paragraphs)
    external_links: int = 0  # DOCX: relationships that would fetch content from elsewhere

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "size": self.size}
        if self.pages is not None:
            out["pages"] = self.pages
            out["pages_exact"] = self.pages_exact
            out["body_pages"] = self.body_pages
            out["references_page"] = self.references_page
        if self.headings:
            out["headings"] = list(self.headings)
            if self.headings_source is not None:
                out["headings_source"] = self.headings_source
        if self.external_links:
            out["external_links"] = self.external_links
        if self.archive is not None:
            out["archive"] = self.archive
        return out
