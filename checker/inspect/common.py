"""What the format inspectors share: the error a parser raises for damaged bytes, which
exceptions are the file's fault, and the findings for encrypted and empty documents.

Every format module (``pdf``, ``pdfium``, ``docx``, ``pptx``, ``codezip``) and the worker that
dispatches to them import this module; it imports none of them, so the inspectors form no
import circle (``tests/policy/test_import_cycles.py``).
"""

from __future__ import annotations

import struct
import zipfile
import zlib

from checker.facts import FileFacts
from checker.findings import Finding, error


class DamagedFile(Exception):
    """A parser refused the file's structure (raised by an inspector with the parser's words)."""


# Where a bad-file error may come from: the parsers, and the standard library they read with.
PARSER_MODULES = ("pypdf", "docx", "lxml", "zipfile", "zlib", "bz2", "lzma", "_compression",
                  "gzip", "struct", "xml", "encodings", "codecs", "PIL")
_FILE_ERRORS = (DamagedFile, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, UnicodeError,
                zlib.error, struct.error)
# Never the file's fault, wherever they are raised.
_INTERNAL_ERRORS = (ImportError, NameError, SyntaxError, AssertionError, SystemError)
# pypdf's DependencyError: AES needs a provider (pycryptodome, in the install sets).
_INTERNAL_ERROR_NAMES = frozenset({"DependencyError"})


def _raised_in(exc: BaseException) -> str:
    """The module of the innermost frame the exception was raised in."""
    tb = exc.__traceback__
    module = ""
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "") or ""
        tb = tb.tb_next
    return module


def is_bad_file(exc: BaseException) -> bool:
    """True when ``exc`` is a parser's complaint about the bytes, not a failure of the checker.

    The parsers' own error types (pypdf's, lxml's, python-docx's, ``zipfile.BadZipFile``,
    :class:`DamagedFile` and so PDFium's refusals, truncation, decoding) count wherever they
    are raised; any other exception counts only when it was raised inside a parser or the
    standard-library module it reads with (python-docx and pypdf raise KeyError or ValueError
    on some damaged files). An ImportError, or an exception from the checker's own code, is
    never the file's fault.
    """
    if isinstance(exc, _INTERNAL_ERRORS) or type(exc).__name__ in _INTERNAL_ERROR_NAMES:
        return False
    if isinstance(exc, _FILE_ERRORS):
        return True
    module = type(exc).__module__ or ""
    if module.split(".")[0] in ("pypdf", "lxml", "docx"):
        return True
    origin = _raised_in(exc).split(".")[0]
    return origin in PARSER_MODULES


def encrypted_finding(repo_path: str, hint: str) -> Finding:
    """``file.encrypted``: a password keeps the checker and the staff out (``hint``: how to
    save this kind of file without one)."""
    return error(
        "file.encrypted",
        f"{repo_path} is password-protected; the checker and the staff cannot open it.",
        hint,
        repo_path,
    )


def empty_document(facts: FileFacts, unit: str) -> Finding:
    """``file.empty`` for a document that opens but has no pages (or slides)."""
    return error(
        "file.empty",
        f"{facts.path} has no {unit}: it opens, but there is nothing in it to read or grade.",
        "Export or save the document again and check that it shows its content before you "
        "push it.",
        facts.path,
    )
