"""PDFium through pypdfium2's raw bindings: the few calls the checker makes, closed after use.

``pypdfium2_raw`` is pypdfium2's layer of ctypes prototypes over its bundled PDFium build (the
same layer ``pypdfium2.raw`` re-exports). Importing it alone takes about half the time of
``import pypdfium2``, whose object helpers also load ``logging`` and more: a cold ``check``
imports only this (issue 12). The library is initialised once per process, before the
workers are forked, the way pypdfium2 does it (``FPDF_InitLibraryWithConfig``, version 2).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pypdfium2_raw as pdfium_c

from checker.inspect.worker import DamagedFile

MAX_OUTLINE_ITEMS = 10_000  # bookmarks visited at most (titles are kept up to the caller's limit)

# FPDF_GetLastError
ERR_UNKNOWN, ERR_FILE, ERR_FORMAT, ERR_PASSWORD, ERR_SECURITY = 1, 2, 3, 4, 5
_REASONS = {ERR_UNKNOWN: "unknown error", ERR_FILE: "file not found or not readable",
            ERR_FORMAT: "not a PDF, or its structure is damaged",
            ERR_PASSWORD: "a password is needed", ERR_SECURITY: "unsupported security scheme"}

_initialised: list[bool] = []


class PdfiumError(DamagedFile):
    """PDFium refused the file (``code``: FPDF_GetLastError when it says why)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


def initialise() -> None:
    if not _initialised:
        config = pdfium_c.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=None,
                                              m_pIsolate=None, m_v8EmbedderSlot=0)
        pdfium_c.FPDF_InitLibraryWithConfig(config)
        _initialised.append(True)


class Document:
    """An open PDF (its bytes are held in memory while it is open, as PDFium reads them)."""

    def __init__(self, path: Path) -> None:
        initialise()
        self._data = path.read_bytes()
        self.raw = pdfium_c.FPDF_LoadMemDocument64(self._data, len(self._data), None)
        if not self.raw:
            code = int(pdfium_c.FPDF_GetLastError())
            raise PdfiumError(f"PDFium cannot open it: {_REASONS.get(code, 'error ' + str(code))}",
                              code)

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.raw:
            pdfium_c.FPDF_CloseDocument(self.raw)
            self.raw = None
        self._data = b""

    def page_count(self) -> int:
        return int(pdfium_c.FPDF_GetPageCount(self.raw))

    @contextmanager
    def page(self, index: int) -> Iterator[Page]:
        raw = pdfium_c.FPDF_LoadPage(self.raw, index)
        if not raw:
            raise PdfiumError(f"PDFium cannot load page {index + 1}")
        try:
            yield Page(raw)
        finally:
            pdfium_c.FPDF_ClosePage(raw)

    def outline(self, max_depth: int, max_items: int) -> list[tuple[str, int | None]]:
        """(title, 0-based page index or None) of the bookmarks, depth first, at most
        ``max_items``; nested at most ``max_depth`` deep; a bookmark seen before (a loop in a
        damaged outline) ends its branch."""
        out: list[tuple[str, int | None]] = []
        seen: set[int] = set()
        visited = 0

        def walk(parent: Any, depth: int) -> None:
            nonlocal visited
            item = pdfium_c.FPDFBookmark_GetFirstChild(self.raw, parent)
            while item and len(out) < max_items and visited < MAX_OUTLINE_ITEMS:
                address = ctypes.addressof(item.contents)
                if address in seen:
                    return
                seen.add(address)
                visited += 1
                out.append((_title(item), self._page_of(item)))
                if depth + 1 < max_depth:
                    walk(item, depth + 1)
                item = pdfium_c.FPDFBookmark_GetNextSibling(self.raw, item)

        walk(None, 0)
        return out[:max_items]

    def _page_of(self, bookmark: Any) -> int | None:
        dest = pdfium_c.FPDFBookmark_GetDest(self.raw, bookmark)
        if not dest:
            action = pdfium_c.FPDFBookmark_GetAction(bookmark)
            dest = pdfium_c.FPDFAction_GetDest(self.raw, action) if action else None
        if not dest:
            return None
        index = int(pdfium_c.FPDFDest_GetDestPageIndex(self.raw, dest))
        return index if index >= 0 else None


def _title(bookmark: Any) -> str:
    size = int(pdfium_c.FPDFBookmark_GetTitle(bookmark, None, 0))
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFBookmark_GetTitle(bookmark, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


class Page:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def box(self) -> tuple[float, float, float, float]:
        """(left, bottom, width, height) in points of the visible box, in the page's own space
        (before any /Rotate), where character positions are: the crop box clipped to the media
        box, inherited from the page tree or not (``FPDF_GetPageBoundingBox``)."""
        rect = pdfium_c.FS_RECTF()
        if not pdfium_c.FPDF_GetPageBoundingBox(self.raw, rect):
            raise PdfiumError("PDFium cannot measure a page")
        left, right = sorted((float(rect.left), float(rect.right)))
        bottom, top = sorted((float(rect.bottom), float(rect.top)))
        return left, bottom, right - left, top - bottom

    @contextmanager
    def text(self) -> Iterator[Any]:
        """The page's raw text page handle (FPDFText_*), closed after use."""
        raw = pdfium_c.FPDFText_LoadPage(self.raw)
        if not raw:
            raise PdfiumError("PDFium cannot read the text of a page")
        try:
            yield raw
        finally:
            pdfium_c.FPDFText_ClosePage(raw)
