"""PDFium, the PDF library of Chromium, as pypdfium2 ships it: the few calls the checker makes.

pypdfium2 builds PDFium for every platform and wraps it twice: ``pypdfium2_raw``, ctypes
prototypes of PDFium's whole C API generated from its headers, and ``pypdfium2``'s object
helpers on top. Importing either costs 20 to 30 ms, most of a cold check's start-up above
Python's own (issue 12), to declare about 1,500 functions; the checker calls 27. This module
loads the same library file from pypdfium2's installed package, without executing it, and
declares only those 27, with the C types of PDFium's public headers (``fpdfview.h``,
``fpdf_text.h``, ``fpdf_doc.h``, ``fpdf_edit.h``): 5 ms. ``tests/inspect/test_pdfium.py``
checks every declaration against ``pypdfium2_raw``'s generated one, so an upgrade of pypdfium2
that changed a signature fails the tests instead of the checker.

Handles are plain addresses (``c_void_p``: an int, or None for NULL). The library is
initialised once per process, before the workers are forked (``FPDF_InitLibraryWithConfig``,
config version 2, as pypdfium2 does).
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from checker.inspect.common import DamagedFile

MAX_OUTLINE_ITEMS = 10_000  # bookmarks visited at most (titles are kept up to the caller's limit)

# FPDF_GetLastError
ERR_UNKNOWN, ERR_FILE, ERR_FORMAT, ERR_PASSWORD, ERR_SECURITY = 1, 2, 3, 4, 5
_REASONS = {ERR_UNKNOWN: "an unknown error", ERR_FILE: "the file cannot be read",
            ERR_FORMAT: "no PDF structure it can read",
            ERR_PASSWORD: "a password is needed", ERR_SECURITY: "an unsupported encryption"}

_initialised: list[bool] = []


class FS_MATRIX(ctypes.Structure):  # PDFium's names
    _fields_ = [(name, ctypes.c_float) for name in "abcdef"]


class FS_RECTF(ctypes.Structure):
    _fields_ = [(name, ctypes.c_float) for name in ("left", "top", "right", "bottom")]


class FPDF_LIBRARY_CONFIG(ctypes.Structure):  # version 2: its first four fields
    _fields_ = [("version", ctypes.c_int),
                ("m_pUserFontPaths", ctypes.POINTER(ctypes.c_char_p)),
                ("m_pIsolate", ctypes.c_void_p),
                ("m_v8EmbedderSlot", ctypes.c_uint)]


_P, _INT, _UL, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_ulong, ctypes.c_double
_PD, _PI = ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_int)
# name: (result, arguments), as declared in PDFium's public headers
PROTOTYPES: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "FPDF_InitLibraryWithConfig": (None, (ctypes.POINTER(FPDF_LIBRARY_CONFIG),)),
    "FPDF_LoadMemDocument64": (_P, (_P, ctypes.c_size_t, ctypes.c_char_p)),
    "FPDF_GetLastError": (_UL, ()),
    "FPDF_CloseDocument": (None, (_P,)),
    "FPDF_GetPageCount": (_INT, (_P,)),
    "FPDF_LoadPage": (_P, (_P, _INT)),
    "FPDF_ClosePage": (None, (_P,)),
    "FPDF_GetPageBoundingBox": (_INT, (_P, ctypes.POINTER(FS_RECTF))),
    "FPDFText_LoadPage": (_P, (_P,)),
    "FPDFText_ClosePage": (None, (_P,)),
    "FPDFText_CountChars": (_INT, (_P,)),
    "FPDFText_GetText": (_INT, (_P, _INT, _INT, ctypes.POINTER(ctypes.c_ushort))),
    "FPDFText_GetCharIndexFromTextIndex": (_INT, (_P, _INT)),
    "FPDFText_GetCharBox": (_INT, (_P, _INT, _PD, _PD, _PD, _PD)),
    "FPDFText_GetCharOrigin": (_INT, (_P, _INT, _PD, _PD)),
    "FPDFText_GetFontSize": (_D, (_P, _INT)),
    "FPDFText_GetMatrix": (_INT, (_P, _INT, ctypes.POINTER(FS_MATRIX))),
    "FPDFText_GetFontInfo": (_UL, (_P, _INT, _P, _UL, _PI)),
    "FPDFText_GetTextObject": (_P, (_P, _INT)),
    "FPDFTextObj_GetFont": (_P, (_P,)),
    "FPDFBookmark_GetFirstChild": (_P, (_P, _P)),
    "FPDFBookmark_GetNextSibling": (_P, (_P, _P)),
    "FPDFBookmark_GetTitle": (_UL, (_P, _P, _UL)),
    "FPDFBookmark_GetDest": (_P, (_P, _P)),
    "FPDFBookmark_GetAction": (_P, (_P,)),
    "FPDFAction_GetDest": (_P, (_P, _P)),
    "FPDFDest_GetDestPageIndex": (_INT, (_P, _P)),
}


def library_path() -> Path:
    """The PDFium library inside the installed ``pypdfium2_raw`` package (not imported)."""
    spec = importlib.util.find_spec("pypdfium2_raw")
    folders = list(spec.submodule_search_locations or []) if spec else []
    name = ("pdfium.dll" if sys.platform.startswith(("win32", "cygwin", "msys"))
            else "libpdfium.dylib" if sys.platform == "darwin" else "libpdfium.so")
    for folder in folders:
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    raise ImportError("pypdfium2 is not installed (no PDFium library in pypdfium2_raw): "
                      "install the check's requirements, requirements/check.txt")


def _load() -> Any:
    lib = ctypes.CDLL(str(library_path()))
    for name, (result, arguments) in PROTOTYPES.items():
        function = getattr(lib, name)
        function.restype = result
        function.argtypes = arguments
    return lib


lib = _load()


class PdfiumError(DamagedFile):
    """PDFium refused the file (``code``: FPDF_GetLastError when it says why)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


def initialise() -> None:
    if not _initialised:
        config = FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=None, m_pIsolate=None,
                                     m_v8EmbedderSlot=0)
        lib.FPDF_InitLibraryWithConfig(ctypes.byref(config))
        _initialised.append(True)


class Document:
    """An open PDF (its bytes are held in memory while it is open, as PDFium reads them)."""

    def __init__(self, path: Path) -> None:
        initialise()
        self.data = path.read_bytes()  # PDFium reads from it while the document is open
        self.raw = lib.FPDF_LoadMemDocument64(self.data, len(self.data), None)
        if not self.raw:
            code = int(lib.FPDF_GetLastError())
            raise PdfiumError(f"PDFium: {_REASONS.get(code, f'error {code}')}", code)

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.raw:
            lib.FPDF_CloseDocument(self.raw)
            self.raw = None
        self.data = b""

    def page_count(self) -> int:
        return int(lib.FPDF_GetPageCount(self.raw))

    @contextmanager
    def page(self, index: int) -> Iterator[Page]:
        raw = lib.FPDF_LoadPage(self.raw, index)
        if not raw:
            raise PdfiumError(f"PDFium cannot load page {index + 1}, which the document lists")
        try:
            yield Page(raw)
        finally:
            lib.FPDF_ClosePage(raw)

    def outline(self, max_depth: int, max_items: int) -> list[tuple[str, int | None]]:
        """(title, 0-based page index or None) of the bookmarks, depth first, at most
        ``max_items``; nested at most ``max_depth`` deep; a bookmark seen before (a loop in a
        damaged outline) ends its branch."""
        out: list[tuple[str, int | None]] = []
        seen: set[int] = set()
        visited = 0

        def walk(parent: Any, depth: int) -> None:
            nonlocal visited
            item = lib.FPDFBookmark_GetFirstChild(self.raw, parent)
            while item and len(out) < max_items and visited < MAX_OUTLINE_ITEMS:
                if item in seen:
                    return
                seen.add(item)
                visited += 1
                out.append((_title(item), self._page_of(item)))
                if depth + 1 < max_depth:
                    walk(item, depth + 1)
                item = lib.FPDFBookmark_GetNextSibling(self.raw, item)

        walk(None, 0)
        return out[:max_items]

    def _page_of(self, bookmark: Any) -> int | None:
        dest = lib.FPDFBookmark_GetDest(self.raw, bookmark)
        if not dest:
            action = lib.FPDFBookmark_GetAction(bookmark)
            dest = lib.FPDFAction_GetDest(self.raw, action) if action else None
        if not dest:
            return None
        index = int(lib.FPDFDest_GetDestPageIndex(self.raw, dest))
        return index if index >= 0 else None


def _title(bookmark: Any) -> str:
    size = int(lib.FPDFBookmark_GetTitle(bookmark, None, 0))
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    lib.FPDFBookmark_GetTitle(bookmark, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


class Page:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def box(self) -> tuple[float, float, float, float]:
        """(left, bottom, width, height) in points of the visible box, in the page's own space
        (before any /Rotate), where character positions are: the crop box clipped to the media
        box, inherited from the page tree or not (``FPDF_GetPageBoundingBox``)."""
        rect = FS_RECTF()
        if not lib.FPDF_GetPageBoundingBox(self.raw, ctypes.byref(rect)):
            raise PdfiumError("PDFium cannot measure a page")
        left, right = sorted((float(rect.left), float(rect.right)))
        bottom, top = sorted((float(rect.bottom), float(rect.top)))
        return left, bottom, right - left, top - bottom

    @contextmanager
    def text(self) -> Iterator[Any]:
        """The page's raw text page handle (FPDFText_*), closed after use."""
        raw = lib.FPDFText_LoadPage(self.raw)
        if not raw:
            raise PdfiumError("PDFium cannot read the text of a page")
        try:
            yield raw
        finally:
            lib.FPDFText_ClosePage(raw)
