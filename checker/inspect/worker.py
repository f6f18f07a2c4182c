"""Inspect one file in this process: recognise it, dispatch to its inspector.

The sandbox (``checker.inspect.sandbox``) runs :func:`inspect_to_wire` in a worker process with
resource limits; tests may call :func:`run_inspection` directly. ``python -m
checker.inspect.worker FILE [EXT]`` prints the facts as JSON, without a sandbox, for debugging.

Only the parsers' own complaints about the bytes become findings
(:func:`checker.inspect.common.is_bad_file`): a missing dependency, a bug in the checker or any
other unexpected exception propagates, and the command fails as an internal error (exit 3)
instead of blaming the student's file. What the format inspectors share lives in
``checker.inspect.common``, which imports none of them: this module dispatches to them, and
none of them imports it.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from typing import Any

from checker.facts import FileFacts
from checker.findings import Finding, error
from checker.inspect import magic
from checker.inspect.common import DamagedFile, encrypted_finding, is_bad_file
from checker.limits import SNIFF_BYTES, LimitExceeded, rule_for
from checker.model import Limits

TEXT_KINDS = frozenset({"markdown", "yaml", "text"})


_CONTENT_TYPES = {
    b"wordprocessingml.document.main+xml": "docx",
    b"ms-word.document.macroenabled.main+xml": "docx",
    b"presentationml.presentation.main+xml": "pptx",
    b"ms-powerpoint.presentation.macroenabled.main+xml": "pptx",
    b"spreadsheetml.sheet.main+xml": "xlsx",
}


def zip_flavour(path: Path, extension: str | None = None) -> str:
    """docx, pptx, xlsx, odf or zip: from [Content_Types].xml (first 1 MB), an ODF's first
    entry (``mimetype``, stored, naming an OpenDocument type) and, for a file not named .zip,
    the names of Office parts (a code archive may hold any names)."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()[:100_000]
        names = {info.filename for info in infos}
        if "[Content_Types].xml" in names:
            info = zf.getinfo("[Content_Types].xml")
            if not info.flag_bits & 0x1:
                with zf.open(info) as f:
                    types = f.read(1 << 20).lower()
                for marker, kind in _CONTENT_TYPES.items():
                    if marker in types:
                        return kind
        if infos and infos[0].filename == "mimetype" and not infos[0].flag_bits & 0x1:
            with zf.open(infos[0]) as f:
                if f.read(64).startswith(b"application/vnd.oasis.opendocument."):
                    return "odf"
    if extension == "zip":
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def detect(path: Path, extension: str | None) -> tuple[str, bytes]:
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    kind = magic.sniff(head)
    expected = magic.EXPECTED.get(extension or "")
    if kind == "zip":
        try:
            kind = zip_flavour(path, extension)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            kind = "zip"
    elif kind == "text":
        kind = expected if expected in TEXT_KINDS else "text"
    return kind, head


def mismatch(facts: FileFacts, extension: str, head: bytes) -> Finding | None:
    expected = magic.EXPECTED.get(extension)
    if expected is None or facts.kind == expected:
        return None
    if expected in TEXT_KINDS and facts.kind in TEXT_KINDS:
        return None
    if facts.kind == "ole" and expected in ("docx", "pptx") and magic.is_encrypted_ooxml(head):
        return encrypted_finding(facts.path, "Save it again without a password.")
    hint = {
        "pdf": "Export or print the document to PDF (File > Export > PDF) and submit that file.",
        "docx": "Save the document as 'Word Document (.docx)'.",
        "pptx": "Save the slides as 'PowerPoint Presentation (.pptx)' or export them to PDF.",
        "zip": "Create a ZIP archive (e.g. `zip -r code.zip project/`); other archive formats "
               "are not accepted.",
    }.get(expected, f"Submit {magic.describe(expected)} with the extension .{extension}.")
    return error(
        "format.mismatch",
        f"{facts.path} is named .{extension} but its content is {magic.describe(facts.kind)}, "
        f"not {magic.describe(expected)}.",
        hint,
        facts.path,
    )


def plain_reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile):
        return f"it is not a valid ZIP container ({text})"
    module = type(exc).__module__ or ""
    if isinstance(exc, DamagedFile) or module.startswith("pypdf"):
        return f"its structure is damaged ({text})"
    if module.startswith(("lxml", "docx")):
        return f"its XML content is malformed ({text})"
    if isinstance(exc, (EOFError, OSError)):
        return f"it ends early or cannot be read ({text})"
    return f"{type(exc).__name__}: {text}"[:300]


def too_complex(facts: FileFacts, detail: str, rule: str = "file.too-complex") -> Finding:
    if rule == "zip.bomb":
        return error(
            "zip.bomb",
            f"{facts.path} was refused as a likely zip bomb: {detail}.",
            "Submit an ordinary archive of your files (no archives built to expand hugely); "
            "leave out large generated data.",
            facts.path,
        )
    return error(
        "file.too-complex",
        f"{facts.path} could not be checked within the limits for one file: {detail}.",
        "Export the file again (e.g. 'Save as PDF' with standard settings, compressed images); "
        "if it is right as it is, ask the staff to check it by hand.",
        facts.path,
    )


def run_inspection(path: Path, repo_path: str, lim: Limits,
                   extension: str | None = None) -> FileFacts:
    """Inspect ``path`` in this process; every problem becomes a finding."""
    facts = FileFacts(path=repo_path, kind="unknown", size=0)
    try:
        facts.size = path.stat().st_size
        facts.kind, head = detect(path, extension)
        if extension:
            found = mismatch(facts, extension, head)
            if found is not None:
                facts.findings.append(found)
        _dispatch(path, facts, lim)
    except LimitExceeded as exc:
        facts.findings.append(too_complex(facts, exc.detail, rule_for(exc)))
    except MemoryError:
        facts.findings.append(too_complex(
            facts, f"reading it needs more than {lim.memory_bytes // 2**20} MB of memory"))
    except RecursionError:
        facts.findings.append(too_complex(facts, "its structure is nested too deeply"))
    except Exception as exc:  # a broken file is a finding; the checker's own failure is not
        if not is_bad_file(exc):
            raise
        facts.findings.append(error(
            "file.unreadable",
            f"{repo_path} cannot be read as {magic.describe(facts.kind)}: "
            f"{plain_reason(exc)}.",
            "Open the file on your computer to check it is complete, export or save it again, "
            "and push the new file.",
            repo_path,
        ))
    return facts


def _dispatch(path: Path, facts: FileFacts, lim: Limits) -> None:
    if facts.kind == "pdf":
        from checker.inspect.pdf import inspect_pdf

        inspect_pdf(path, facts, lim)
    elif facts.kind == "docx":
        from checker.inspect.docx import inspect_docx

        inspect_docx(path, facts, lim)
    elif facts.kind == "pptx":
        from checker.inspect.pptx import inspect_pptx

        inspect_pptx(path, facts, lim)
    elif facts.kind in ("zip", "xlsx", "odf"):
        from checker.inspect.codezip import inspect_code_zip

        inspect_code_zip(path, facts, lim)
    elif facts.kind in TEXT_KINDS:
        from checker.inspect.text import inspect_text

        inspect_text(path, facts)


def inspect_to_wire(path: Path, repo_path: str, lim: Limits,
                    extension: str | None = None) -> dict[str, Any]:
    """:func:`run_inspection` as the worker's bounded JSON answer (``FileFacts.to_wire``)."""
    return run_inspection(path, repo_path, lim, extension).to_wire()


if __name__ == "__main__":
    import json

    target = Path(sys.argv[1])
    ext = sys.argv[2] if len(sys.argv) > 2 else target.suffix.lstrip(".").lower() or None
    result = run_inspection(target, str(target), Limits(), ext)
    print(json.dumps({**result.to_json(),
                      "findings": [f.to_json() for f in result.findings]}, indent=2))
