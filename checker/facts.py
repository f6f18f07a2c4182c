"""FileFacts: what an inspector learned about one submitted file.

Inspectors (``checker.inspect``) are the only code that opens submitted bytes; they return
FileFacts. Rules read FileFacts and never open files. Problems found while reading
(empty, encrypted, unreadable, too complex, unsafe archive entries) are findings inside the
facts, so one broken file never stops the rest of a pull request from being checked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from checker.bounds import MAX_FINDINGS_PER_FILE, MAX_NAME_CHARS, clip
from checker.findings import Finding, Severity, bound_findings
from checker.limits import MAX_TEXT_CHARS
from checker.sources import SOURCES

WIRE_MAX_LIST_ITEMS = 200  # list items kept per fact (headings, archive name lists)
WIRE_MAX_STRING_CHARS = 4 * MAX_NAME_CHARS  # characters kept per string fact (not the text)


# Why a DOCX page count is an estimate when nothing more particular is known.
NO_LIBREOFFICE = ("LibreOffice, which lays the document out into pages, is not installed where "
                  "the check ran")


@dataclass
class FileFacts:
    path: str  # repository-relative path, for messages
    kind: str  # detected content: pdf, docx, pptx, zip, markdown, yaml, text, png, ..., unknown
    size: int
    pages: int | None = None  # PDF/DOCX pages (DOCX: see pages_exact), PPTX slides
    pages_exact: bool = True  # False when the page count is an estimate
    estimate_reason: str | None = None  # why the page count is an estimate, in words
    # an estimate's [lowest, highest] page count, from its measured error (DOCX without
    # LibreOffice): of all pages, and of the pages before the references
    pages_range: list[int] = field(default_factory=list)
    body_pages_range: list[int] = field(default_factory=list)
    body_pages: int | None = None  # pages before the references section (== pages without one)
    references_page: int | None = None  # 1-based page where references start, None if none
    headings: list[str] = field(default_factory=list)
    text: str = ""  # extracted text (bounded), for member names/emails and keywords
    archive: dict[str, Any] | None = None  # zip: readme, entries, uncompressed_bytes, ...
    findings: list[Finding] = field(default_factory=list)
    # where the headings come from: DOCX "styles" or "bold" (short bold paragraphs);
    # PDF "outline" (bookmarks), "fonts" (larger or bold lines) or "lines" (shape only)
    headings_source: str | None = None
    layout: dict[str, Any] | None = None  # PDF: paper_pt, body_font_pt, columns, margins_pt
    external_links: int = 0  # DOCX: relationships that would fetch content from elsewhere

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "size": self.size}
        if self.pages is not None:
            out["pages"] = self.pages
            out["pages_exact"] = self.pages_exact
            out["body_pages"] = self.body_pages
            out["references_page"] = self.references_page
            if not self.pages_exact and self.pages_range:
                out["pages_range"] = list(self.pages_range)
                out["body_pages_range"] = list(self.body_pages_range or self.pages_range)
        if self.headings:
            out["headings"] = list(self.headings)
            if self.headings_source is not None:
                out["headings_source"] = self.headings_source
        if self.layout is not None:
            out["layout"] = self.layout
        if self.external_links:
            out["external_links"] = self.external_links
        if self.archive is not None:
            out["archive"] = self.archive
        return out

    # -- the worker's answer: JSON values, bounded (checker.inspect.sandbox) ------------------
    def to_wire(self) -> dict[str, Any]:
        """Every field as JSON values, bounded: text clipped, lists and strings cut, findings
        cut with a count (``file.findings-truncated``)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "findings":
                kept = bound_findings(value, MAX_FINDINGS_PER_FILE, self.path)
                # a source is sent only where a rule set it; the engine fills in the rest
                out[f.name] = [{**x.to_json(), "path": x.path, "source": x.source,
                                "of_rule": x.of_rule} for x in kept]
            elif f.name == "text":
                out[f.name] = clip(value, MAX_TEXT_CHARS)
            else:
                out[f.name] = _bounded(value)
        return out

    @classmethod
    def from_wire(cls, data: Any) -> FileFacts:
        """FileFacts from a worker's answer, checked field by field (raises ValueError)."""
        if not isinstance(data, dict):
            raise ValueError("the facts are not an object")
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise ValueError(f"the facts have no {f.name!r}")
                continue
            value = data[f.name]
            if f.name == "findings":
                kwargs[f.name] = [_finding(x) for x in _list(value)]
                continue
            default = (f.default if f.default is not dataclasses.MISSING
                       else f.default_factory() if f.default_factory is not dataclasses.MISSING
                       else None)
            expected = {"path": str, "kind": str, "size": int}.get(f.name)
            if expected is None and default is not None:
                expected = type(default)
            if expected is not None and value is not None and not isinstance(value, expected):
                raise ValueError(f"the fact {f.name!r} is a {type(value).__name__}")
            kwargs[f.name] = value
        return cls(**kwargs)


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return clip(value, WIRE_MAX_STRING_CHARS)
    if isinstance(value, (list, tuple)):
        items = [_bounded(v) for v in value[:WIRE_MAX_LIST_ITEMS]]
        if len(value) > WIRE_MAX_LIST_ITEMS:
            items.append(f"… [{len(value) - WIRE_MAX_LIST_ITEMS:,} more]")
        return items
    if isinstance(value, dict):
        return {str(k)[:WIRE_MAX_STRING_CHARS]: _bounded(v)
                for k, v in list(value.items())[:WIRE_MAX_LIST_ITEMS]}
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("the findings are not a list")
    return value


def _finding(data: Any) -> Finding:
    if not isinstance(data, dict) or not all(
            isinstance(data.get(k), str) for k in ("rule", "severity", "message", "hint")):
        raise ValueError("a finding is not an object with rule, severity, message and hint")
    path, line = data.get("path"), data.get("line")
    if not isinstance(path, (str, type(None))) or not isinstance(line, (int, type(None))):
        raise ValueError("a finding's path or line has the wrong type")
    source, of_rule = data.get("source"), data.get("of_rule")
    return Finding(data["rule"], Severity(data["severity"]), data["message"], data["hint"],
                   path, line, source=source if source in SOURCES else None,
                   of_rule=of_rule if isinstance(of_rule, str) and len(of_rule) <= 80 else None)
