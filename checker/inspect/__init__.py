"""Inspectors: the only code that opens submitted files. Untrusted bytes in, FileFacts out.

:func:`inspect_file` never raises for anything about the file: every problem is a finding in
the returned facts. The parsing runs in a worker process under CPU, memory and wall-clock
limits (``checker.inspect.sandbox``); see docs/inspection.md for the limits and rule ids.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from checker.facts import FileFacts
from checker.findings import error, info
from checker.inspect import magic
from checker.inspect.sandbox import run_limited
from checker.inspect.worker import run_inspection, too_complex
from checker.limits import GITHUB_HARD_LIMIT_BYTES, SNIFF_BYTES
from checker.model import Limits

__all__ = ["inspect_file"]


def _sniff(path: Path) -> str:
    try:
        with path.open("rb") as f:
            return magic.sniff(f.read(SNIFF_BYTES))
    except OSError:
        return "unknown"


def inspect_file(path: Path, repo_path: str, limits: Limits,
                 extension: str | None = None) -> FileFacts:
    """What one submitted file is and what is wrong with it (never raises for the file)."""
    lim = limits
    if extension is None:
        extension = path.suffix.lstrip(".").lower() or None
    try:
        size = path.stat().st_size
        readable = path.is_file()
    except OSError as exc:
        size, readable = 0, False
        reason = exc.strerror or str(exc)
    else:
        reason = "it is not a regular file"
    if not readable:
        facts = FileFacts(path=repo_path, kind="unknown", size=size)
        facts.findings.append(error(
            "file.unreadable", f"{repo_path} cannot be opened: {reason}.",
            "Push the file again as a regular file.", repo_path))
        return facts
    if size == 0:
        facts = FileFacts(path=repo_path, kind="unknown", size=0)
        facts.findings.append(error(
            "file.empty", f"{repo_path} is empty (0 bytes).",
            "Save or export the file again and check it opens before you push it.", repo_path))
        return facts
    if size > lim.max_bytes:
        facts = FileFacts(path=repo_path, kind=_sniff(path), size=size)
        facts.findings.append(error(
            "file.too-large",
            f"{repo_path} is {size / 2**20:.1f} MB; the limit for this file is "
            f"{lim.max_bytes / 2**20:.0f} MB (and GitHub refuses any file over "
            f"{GITHUB_HARD_LIMIT_BYTES // 2**20} MB).",
            "Make it smaller: compress images (PDF: 'reduce file size' export), leave data sets, "
            "model weights and build outputs out of code archives.",
            repo_path))
        return facts
    outcome = run_limited(run_inspection, (path, repo_path, lim, extension), lim)
    if outcome.value is None:
        facts = FileFacts(path=repo_path, kind=_sniff(path), size=size)
        facts.findings.append(too_complex(facts, outcome.failure or "the worker stopped"))
        return facts
    facts = outcome.value
    if facts.kind == "docx" and not any(f.severity.value == "error" for f in facts.findings):
        _exact_docx_pages(path, facts, lim)
    return facts


def _exact_docx_pages(path: Path, facts: FileFacts, lim: Limits) -> None:
    """Replace the estimated page count by LibreOffice's layout when possible."""
    from checker.inspect import convert

    if convert.soffice() is None:
        return
    if facts.external_links:
        facts.findings.append(info(
            "docx.estimate",
            f"{facts.path}: the page count is an estimate, because the document links to "
            f"{facts.external_links} outside resource(s) that the checker will not fetch.",
            "Embed linked images instead of linking them, or submit a PDF.",
            facts.path))
        return
    with tempfile.TemporaryDirectory(prefix="checker-docx-") as tmp:
        pdf, why = convert.to_pdf(path, Path(tmp), float(lim.convert_seconds))
        if pdf is None:
            facts.findings.append(info(
                "docx.estimate",
                f"{facts.path}: the page count is an estimate ({why}).",
                "Submit a PDF export for an exact page count.",
                facts.path))
            return
        outcome = run_limited(run_inspection, (pdf, facts.path, lim, "pdf"), lim)
    layout = outcome.value
    if layout is None or layout.pages is None:
        return
    facts.pages = layout.pages
    facts.pages_exact = True
    facts.body_pages = layout.body_pages
    facts.references_page = layout.references_page
