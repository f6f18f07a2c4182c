"""The checker's own declarations of PDFium's functions (checker/inspect/pdfium.py) against the
ones pypdfium2 generates from PDFium's headers for the library it ships: an upgrade of pypdfium2
that changed a signature or a structure fails here, not in a student's check."""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

import pytest

pdfium_c = pytest.importorskip("pypdfium2_raw")

from checker.inspect import pdfium  # noqa: E402


def kind(ctype: Any) -> str:
    """What a C type is at the ABI level: every pointer is an address."""
    if ctype is None:
        return "void"
    if ctype in (ctypes.c_void_p, ctypes.c_char_p) or issubclass(ctype, ctypes._Pointer):
        return "pointer"
    size = ctypes.sizeof(ctype)
    if ctype in (ctypes.c_float, ctypes.c_double):
        return f"float{size * 8}"
    return f"int{size * 8}"


@pytest.mark.parametrize("name", sorted(pdfium.PROTOTYPES))
def test_each_declaration_matches_pypdfium2s(name: str) -> None:
    ours_result, ours_args = pdfium.PROTOTYPES[name]
    theirs = getattr(pdfium_c, name)
    assert kind(ours_result) == kind(theirs.restype), name
    assert [kind(t) for t in ours_args] == [kind(t) for t in theirs.argtypes], name


@pytest.mark.parametrize("name", ["FS_MATRIX", "FS_RECTF", "FPDF_LIBRARY_CONFIG"])
def test_each_structure_matches_pypdfium2s(name: str) -> None:
    ours = getattr(pdfium, name)
    theirs = getattr(pdfium_c, name)
    # our config structure is version 2's: the first fields of the current one
    shared = theirs._fields_[: len(ours._fields_)]
    assert [n for n, _ in ours._fields_] == [n for n, _ in shared]
    assert [kind(t) for _, t in ours._fields_] == [kind(t) for _, t in shared]
    for field, _ in ours._fields_:
        assert getattr(ours, field).offset == getattr(theirs, field).offset, field


def test_the_library_loaded_is_pypdfium2s() -> None:
    import pypdfium2_raw.bindings as bindings

    loaded = {Path(lib._name).resolve() for lib in bindings._libs.values()}
    assert pdfium.library_path().resolve() in loaded
