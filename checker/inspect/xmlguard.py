"""The DTD guard of Office containers: which parts are XML, and whether one declares a DTD.

A part is XML when its name says so (``.xml``, ``.rels``) or its first bytes do, in any of
the forms an XML parser recognises (XML 1.0 appendix F: a byte-order mark, ``<`` in UTF-8,
UTF-16 or UTF-32, and the rarer UCS-4 orders and EBCDIC, which are refused outright). Such a
part is searched for ``<!DOCTYPE`` and ``<!ENTITY`` chunk by chunk, in the encoding its first
bytes announce, and the encoding its declaration names must be one whose ASCII characters are
their own bytes (UTF-8, ASCII, ISO-8859-n, windows-125n) or UTF-16/32: a part declaring
UTF-7 (where ``<`` may be written ``+ADw-``) or any other encoding is refused, since a parser
would decode a DTD the byte search cannot see.

A binary part is not searched, whatever bytes it contains: the printer settings Word and
PowerPoint for Mac write (``printerSettings1.bin``: a binary header, then an Apple property
list with its ``<!DOCTYPE plist ...>``) are no XML part, and no Office parser reads them as one.
"""

from __future__ import annotations

import codecs
import re

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_TEXT = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
# How an XML part's first bytes say its encoding (XML 1.0 appendix F); ASCII-compatible
# encodings (UTF-8 and others) are searched as bytes. None: a form no Office program writes.
_XML_STARTS: tuple[tuple[bytes, str | None], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (b"\0\0\xff\xfe", None), (b"\xfe\xff\0\0", None),  # UCS-4, orders 2143 and 3412
    (b"<\0\0\0", "utf-32-le"), (b"\0\0\0<", "utf-32-be"),
    (b"\0\0<\0", None), (b"\0<\0\0", None),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\0", "utf-16-le"), (b"\0<", "utf-16-be"),
    (b"\x4c\x6f\xa7\x94", None),  # "<?xm" in EBCDIC
)
_DECLARED = re.compile(r"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']{0,64})["']""")
# Encodings in which a DTD is seen by the search: ASCII characters are their own bytes, or the
# part is decoded (UTF-16/32) before the search.
_SEARCHABLE = re.compile(
    r"(utf-?8|utf-?16(-?[lb]e)?|utf-?32(-?[lb]e)?|ucs-?2|ucs-?4|(us-?)?ascii|iso-?8859-\d{1,2}"
    r"|iso-?latin-?\d|latin-?\d|l\d|windows-125\d|cp125\d|x-?mac-?roman)")


class XmlGuard:
    """The DTD search of one part, set up from its name and first bytes."""

    def __init__(self, encoding: str | None, is_xml: bool, searched: bool,
                 refusal: str | None = None) -> None:
        self.encoding = encoding  # None: ASCII-compatible, searched as bytes
        self.is_xml = is_xml  # XML by its name or its first bytes: the part size limit applies
        self.searched = searched
        self.refusal = refusal  # why the part is refused before any search, or None
        self._decoder = codecs.getincrementaldecoder(encoding)("replace") if encoding else None
        self._tail: bytes | str = "" if encoding else b""

    @classmethod
    def for_part(cls, name: str, head: bytes) -> XmlGuard:
        named = name.lower().endswith((".xml", ".rels"))
        for start, encoding in _XML_STARTS:
            if head.startswith(start):
                if encoding is None:
                    return cls(None, True, True, "is written in a character encoding "
                               "(UCS-4 in an unusual byte order, or EBCDIC) that no Office "
                               "program writes")
                return cls(encoding, True, True, _refusal(_declared(head, encoding)))
        text = head[3:] if head.startswith(codecs.BOM_UTF8) else head
        is_xml = text.lstrip(b" \t\r\n").startswith(b"<")
        refusal = _refusal(_declared(text, "latin-1")) if is_xml else None
        return cls(None, is_xml or named, is_xml or named, refusal)

    @property
    def encoding_note(self) -> str:
        return f", in {self.encoding.upper()}" if self.encoding else ""

    def found(self, chunk: bytes) -> bool:
        """True once ``<!DOCTYPE`` or ``<!ENTITY`` has been seen (chunks in order)."""
        if not self.searched:
            return False
        if self._decoder is None:
            assert isinstance(self._tail, bytes)
            window_b = self._tail + chunk
            self._tail = window_b[-16:]
            return _DTD.search(window_b) is not None
        assert isinstance(self._tail, str)
        window = self._tail + self._decoder.decode(chunk)
        self._tail = window[-16:]
        return _DTD_TEXT.search(window) is not None


def _declared(head: bytes, encoding: str) -> str | None:
    """The encoding named by the XML declaration at the start of ``head``, or None."""
    text = head[:1024].decode(encoding, "replace").lstrip("\ufeff")
    match = _DECLARED.match(text)
    return match.group(1).strip() if match else None


def _refusal(declared: str | None) -> str | None:
    if declared is None or _SEARCHABLE.fullmatch(declared.lower().replace("_", "-")):
        return None
    return (f"declares the character encoding {declared[:40]!r}, which no Office program "
            "writes and in which a DTD can be written so that a byte search does not see it")
