"""Recognise what a file really is from its first bytes, and what its extension promises."""

from __future__ import annotations

# (prefix, offset, kind). ZIP-based formats (docx, pptx) are told apart later by their members.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"PK\x03\x04", 0, "zip"),
    (b"PK\x05\x06", 0, "zip"),  # empty archive
    (b"PK\x07\x08", 0, "zip"),  # spanned archive marker
    (b"\x89PNG\r\n\x1a\n", 0, "png"),
    (b"\xff\xd8\xff", 0, "jpeg"),
    (b"GIF87a", 0, "gif"),
    (b"GIF89a", 0, "gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "ole"),  # .doc/.ppt, or an encrypted .docx
    (b"\x1f\x8b", 0, "gzip"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z"),
    (b"Rar!\x1a\x07", 0, "rar"),
    (b"BZh", 0, "bzip2"),
    (b"\xfd7zXZ\x00", 0, "xz"),
    (b"**ACE**", 7, "ace"),
    (b"ustar", 257, "tar"),
    (b"{\\rtf", 0, "rtf"),
    (b"\x7fELF", 0, "elf"),
    (b"MZ", 0, "exe"),
    (b"PAR1", 0, "parquet"),
    (b"\x93NUMPY", 0, "npy"),
)

ARCHIVE_KINDS = frozenset({"zip", "gzip", "7z", "rar", "bzip2", "xz", "ace", "tar"})
BINARY_KINDS = ARCHIVE_KINDS | {"png", "jpeg", "gif", "ole", "rtf", "elf", "exe", "parquet", "npy"}

# extension -> the kind the content must have
EXPECTED: dict[str, str] = {
    "pdf": "pdf",
    "docx": "docx",
    "pptx": "pptx",
    "zip": "zip",
    "md": "markdown",
    "markdown": "markdown",
    "yaml": "yaml",
    "yml": "yaml",
    "txt": "text",
    "rst": "text",
    "csv": "text",
    "json": "text",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "gif": "gif",
}

DESCRIPTION: dict[str, str] = {
    "pdf": "a PDF document",
    "docx": "a Word document (.docx)",
    "pptx": "a PowerPoint deck (.pptx)",
    "zip": "a ZIP archive",
    "markdown": "a Markdown text file",
    "yaml": "a YAML text file",
    "text": "a text file",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "ole": "an old-style Office file (.doc/.ppt, Word 97-2003) or a password-protected Office file",
    "gzip": "a gzip archive",
    "7z": "a 7-Zip archive",
    "rar": "a RAR archive",
    "tar": "a tar archive",
    "rtf": "an RTF document",
    "html": "an HTML page",
    "binary": "binary data",
    "unknown": "an unrecognised format",
}


def describe(kind: str) -> str:
    return DESCRIPTION.get(kind, f"a {kind} file")


def sniff(head: bytes) -> str:
    """The content kind from the first bytes: pdf, zip, png, ..., text, binary, unknown.

    "text" means "no signature and no NUL byte in the first bytes"; the text inspector does the
    real UTF-8 check. A PDF may have a few bytes of junk before ``%PDF-`` (the spec allows 1024),
    but not a ZIP local header: that is an archive whose first entry holds a PDF.
    """
    if b"%PDF-" in head[:1024] and not head.startswith(b"PK\x03\x04"):
        return "pdf"  # (a ZIP whose first entry is a stored PDF is a ZIP: issue 19, R2)
    for prefix, offset, kind in _SIGNATURES:
        if head[offset : offset + len(prefix)] == prefix:
            return kind
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if not head:
        return "unknown"
    if b"\x00" in head:
        return "binary"
    return "text"


def is_encrypted_ooxml(data: bytes) -> bool:
    """An OLE container holding an 'EncryptedPackage' stream: a password-protected docx/pptx."""
    return "EncryptedPackage".encode("utf-16-le") in data
