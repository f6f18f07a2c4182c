"""Inspectors: the only code that opens submitted files. Untrusted bytes in, FileFacts out.

:func:`inspect_files` (and :func:`inspect_file` for one) never raises for anything about a file:
every problem is a finding in the returned facts. The parsing runs in worker processes forked
from this one under CPU, memory and wall-clock limits (``checker.inspect.sandbox``), several
files at once; the parsers the files need are imported here first (:func:`preload`), so every
worker starts with them loaded. Everything done with one file (inspection, LibreOffice's layout
of a DOCX, the inspection of its PDF) shares one wall clock, ``Limits.wall_seconds``, counted
from the start of the file's worker. A failure of the checker itself (a bug, a missing
dependency) is raised, never reported as a problem of the file.
"""

from __future__ import annotations

import importlib
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from checker.facts import NO_LIBREOFFICE, FileFacts
from checker.findings import error, info
from checker.inspect import magic
from checker.inspect.sandbox import Budget, Job, Outcome, WorkerFailed, run_limited, run_many
from checker.inspect.worker import inspect_to_wire, too_complex
from checker.limits import GITHUB_HARD_LIMIT_BYTES, PR_REPLY_MAX_BYTES, SNIFF_BYTES
from checker.model import Limits

__all__ = ["Budget", "WorkerFailed", "inspect_file", "inspect_files", "preload"]

# The inspector module (and so the parser) each detected kind needs.
_INSPECTORS = {
    "pdf": "checker.inspect.pdf",
    "docx": "checker.inspect.docx",
    "pptx": "checker.inspect.pptx",
    "zip": "checker.inspect.codezip",
    "xlsx": "checker.inspect.codezip",
    "odf": "checker.inspect.codezip",
}

# The parser libraries the inspectors import inside their functions: loaded here once, before
# the forks, instead of once in every worker (about 0.02 s for PDFium, 0.1 s for python-docx).
_PARSERS = {"pdf": ("checker.inspect.pdfium",), "docx": ("docx",), "pptx": ()}


def preload(kind: str) -> None:
    """Import the inspector for ``kind`` in this process, before workers are forked from it.

    Raises ImportError when a dependency is missing: the checker's failure, not the file's.
    """
    module = _INSPECTORS.get(kind)
    if module is None and kind in ("markdown", "yaml", "text"):
        module = "checker.inspect.text"
    if module is not None:
        importlib.import_module(module)
    for parser in _PARSERS.get(kind, ()):  # imported by the inspector only when it runs
        importlib.import_module(parser)
    if kind == "pdf":  # PDFium initialised once, here, not in every worker
        from checker.inspect.pdfium import initialise

        initialise()


def _sniff(path: Path) -> str:
    try:
        with path.open("rb") as f:
            return magic.sniff(f.read(SNIFF_BYTES))
    except OSError:
        return "unknown"


def inspect_file(path: Path, repo_path: str, limits: Limits,
                 extension: str | None = None) -> FileFacts:
    """What one submitted file is and what is wrong with it (never raises for the file)."""
    return inspect_files([(path, repo_path, limits, extension)])[0]


Item = tuple[Path, str, Limits, "str | None"]  # local path, repository path, limits, extension


def inspect_files(items: Iterable[Item], budget: Budget | None = None) -> list[FileFacts]:
    """The facts of each file, in order; the files are parsed in workers, several at once.

    ``items`` is read one item at a time, as workers are free (the caller may produce each file
    only then); a DOCX's LibreOffice layout is done once every worker has answered. A
    ``budget`` bounds the facts received over several calls (a whole pull request): a file whose
    facts come after it is spent gets ``file.too-complex`` saying so."""
    out: list[FileFacts | None] = []
    parsed: list[tuple[int, Item, str]] = []  # index in out, the item, its detected kind

    def jobs() -> Iterator[Job]:
        for item in items:
            path, repo_path, lim, extension = item
            if extension is None:
                extension = path.suffix.lstrip(".").lower() or None
                item = (path, repo_path, lim, extension)
            early = _without_parsing(path, repo_path, lim)
            out.append(early)
            if early is not None:
                continue
            kind = _sniff(path)
            preload(kind)
            if kind == "zip" and extension in ("docx", "pptx"):  # an Office document is a ZIP
                preload(extension)
            parsed.append((len(out) - 1, item, kind))
            yield Job(inspect_to_wire, (path, repo_path, lim, extension), lim)

    outcomes = run_many(jobs(), budget=budget)
    for (index, (path, repo_path, lim, _), kind), outcome in zip(parsed, outcomes, strict=True):
        facts = _facts_of(outcome, path, repo_path, kind)
        if facts.kind == "docx" and not any(f.severity.value == "error" for f in facts.findings):
            _exact_docx_pages(path, facts, lim, time.monotonic() + lim.wall_seconds
                              - outcome.seconds)
        out[index] = facts
    return [facts for facts in out if facts is not None]


def _without_parsing(path: Path, repo_path: str, lim: Limits) -> FileFacts | None:
    """The facts of a file that is not parsed at all (unreadable, empty, too large), else None."""
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
    return None


def _facts_of(outcome: Outcome, path: Path, repo_path: str, kind: str) -> FileFacts:
    if outcome.over_budget:
        facts = FileFacts(path=repo_path, kind=kind, size=path.stat().st_size)
        facts.findings.append(error(
            "file.too-complex",
            f"{repo_path} was not checked: the files of this pull request together produced "
            f"more than {PR_REPLY_MAX_BYTES // 2**20} MB of facts (text, names, findings) "
            "before it, which is more than one check holds.",
            "Submit fewer or smaller files in one pull request: each deliverable in a pull "
            "request of its own is always within the limit.",
            repo_path))
        return facts
    if outcome.value is None:
        facts = FileFacts(path=repo_path, kind=kind, size=path.stat().st_size)
        facts.findings.append(too_complex(facts, outcome.failure or "the worker stopped"))
        return facts
    try:
        return FileFacts.from_wire(outcome.value)
    except (ValueError, TypeError) as exc:
        raise WorkerFailed(f"the inspection worker's facts for {repo_path} are not valid: "
                           f"{exc}") from None


def _inspect_in_worker(path: Path, repo_path: str, lim: Limits, extension: str | None,
                       deadline: float, kind: str) -> FileFacts:
    outcome = run_limited(inspect_to_wire, (path, repo_path, lim, extension), lim,
                          wall_seconds=max(deadline - time.monotonic(), 0.0))
    return _facts_of(outcome, path, repo_path, kind)


def _exact_docx_pages(path: Path, facts: FileFacts, lim: Limits, deadline: float) -> None:
    """Replace the estimated page count by LibreOffice's layout when possible."""
    from checker.inspect import convert

    if convert.soffice() is None:
        facts.estimate_reason = NO_LIBREOFFICE
        return
    if facts.external_links:
        facts.estimate_reason = (f"the document links to {facts.external_links} outside "
                                 "resource(s) that the checker will not fetch")
        facts.findings.append(info(
            "docx.estimate",
            f"{facts.path}: the page count is an estimate, because the document links to "
            f"{facts.external_links} outside resource(s) that the checker will not fetch.",
            "Embed linked images instead of linking them, or submit a PDF.",
            facts.path))
        return
    with tempfile.TemporaryDirectory(prefix="checker-docx-") as tmp:
        left = min(deadline - time.monotonic(), float(lim.convert_seconds))
        pdf, why, over = convert.to_pdf(path, Path(tmp), left, lim)
        if pdf is None and over:
            facts.findings.append(too_complex(facts, f"laying it out into pages: {why}"))
            return
        if pdf is None:
            facts.estimate_reason = why
            facts.findings.append(info(
                "docx.estimate",
                f"{facts.path}: the page count is an estimate ({why}).",
                "Submit a PDF export for an exact page count.",
                facts.path))
            return
        preload("pdf")
        layout = _inspect_in_worker(pdf, facts.path, lim, "pdf", deadline, "pdf")
    if layout.pages is None:
        if any(f.rule == "file.too-complex" for f in layout.findings):
            facts.findings.append(too_complex(facts, "reading the pages LibreOffice laid out "
                                              "took longer than the time left for this file"))
        return
    facts.pages = layout.pages
    facts.pages_exact = True
    facts.body_pages = layout.body_pages
    facts.references_page = layout.references_page
