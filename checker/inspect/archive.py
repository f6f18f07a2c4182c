"""Safety scan of a ZIP container (code archives, and DOCX/PPTX before their parsers run).

Nothing is extracted to disk. Every entry's name is checked as written and after Unicode
normalisation (NFKC: full-width dots and slashes become ``..`` and ``/``): traversal, absolute
paths, drive letters, backslashes, symlinks (whatever system the archive says it was made on),
names that collide once case or Unicode form is ignored. Each entry's local header must agree
with the central directory (method, sizes, name) and the end record's entry count with the
directory, since ``unzip`` and streaming extractors may read other bytes than the checker
(``zip.inconsistent``). The entries' stored data must not overlap (Fifield's overlapping-entry
bomb: the stdlib only detects it from Python 3.12 on, so the check is done here for every
version), and every entry is decompressed into a counter: the sizes that count are the bytes
actually produced, never the sizes the headers claim. In an Office container every part that
is XML by its content, whatever its name or encoding (UTF-8, UTF-16, UTF-32), is searched for
a DTD or entity declaration.
"""

from __future__ import annotations

import codecs
import itertools
import re
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checker.bounds import shown
from checker.findings import Finding, error
from checker.limits import SNIFF_BYTES, ZIP_RATIO_MIN_BYTES, LimitExceeded
from checker.model import Limits

_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_DRIVE = re.compile(r"^[A-Za-z]:")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_TEXT = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_END_RECORD = b"PK\x05\x06"
# How an XML part's first bytes say its encoding (XML 1.0 appendix F); ASCII-compatible
# encodings (UTF-8 and others) are searched as bytes.
_XML_STARTS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (b"<\0\0\0", "utf-32-le"), (b"\0\0\0<", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\0", "utf-16-le"), (b"\0<", "utf-16-be"),
)


@dataclass
class Entry:
    name: str
    size: int  # bytes actually decompressed
    compressed: int
    is_dir: bool
    head: bytes = b""  # first bytes, to recognise nested archives
    content: bytes | None = None  # kept only for the names asked for (bounded)


@dataclass
class ZipScan:
    entries: list[Entry] = field(default_factory=list)
    uncompressed_bytes: int = 0
    findings: list[Finding] = field(default_factory=list)
    encrypted: bool = False

    @property
    def unsafe(self) -> bool:
        """True when an entry must not be handed to another parser."""
        return self.encrypted or any(f.severity.value == "error" for f in self.findings)

    def content(self, name: str) -> bytes | None:
        for e in self.entries:
            if e.name == name:
                return e.content
        return None

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.entries]


def unsafe_reason(name: str) -> str | None:
    """Why an entry name could escape the folder it is extracted into, or None.

    The name is judged as written and in NFKC form, which tools that normalise names (macOS
    file systems, some extractors) write: full-width dots and slash (U+FF0E, U+FF0F) are
    ``../`` there.
    """
    reason = _unsafe_as_written(name)
    if reason is None:
        normal = unicodedata.normalize("NFKC", name)
        if normal != name:
            reason = _unsafe_as_written(normal)
            if reason is not None:
                reason = f"{reason} once its Unicode characters are normalised (NFKC)"
    return reason


def _unsafe_as_written(name: str) -> str | None:
    if "\x00" in name:
        return "contains a NUL character"
    if "\\" in name:
        return "uses backslashes, which Windows tools treat as folder separators"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    if ".." in name.split("/"):
        return "climbs out of the archive with '..'"
    return None


def is_symlink(info: zipfile.ZipInfo) -> bool:
    """A symbolic link, whatever system the entry says it was made on: ``unzip`` reads Unix
    mode bits from every "made by" system that has them (Unix, BeOS, Atari, AtheOS, ...)."""
    return stat.S_ISLNK(info.external_attr >> 16)


def _collision_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().rstrip("/")


def _local_disagreement(info: zipfile.ZipInfo, fields: tuple[int, ...],
                        local_name: bytes) -> str | None:
    """How an entry's local header contradicts its central-directory record, or None."""
    flags, method, crc, csize, usize = fields[2], fields[3], fields[6], fields[7], fields[8]
    if method != info.compress_type:
        return f"compression method {method} in its local header, {info.compress_type} in the " \
               "central directory"
    if not flags & 0x08 and 0xFFFFFFFF not in (csize, usize):  # sizes not in a descriptor
        if (csize, usize) != (info.compress_size, info.file_size):
            return (f"sizes {csize}/{usize} bytes in its local header, {info.compress_size}/"
                    f"{info.file_size} in the central directory")
        if crc != info.CRC:
            return "a different checksum in its local header than in the central directory"
    local = local_name.decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    if local != info.orig_filename:
        return f"the name {shown(local)} in its local header"
    return None


def _entry_count_disagreement(fp: Path, count: int) -> str | None:
    """The end record's entry count against the central directory's records, or None."""
    with fp.open("rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - (1 << 16) - 22))
        tail = f.read()
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) < at + 22:
        return None
    on_disk, total = struct.unpack_from("<HH", tail, at + 8)
    if 0xFFFF in (on_disk, total):  # ZIP64: the counts are in the ZIP64 end record
        return None
    if total != count or on_disk != count:
        return (f"its end record announces {total} entries but the central directory "
                f"lists {count}")
    return None


def _check_layout(fp: Path, infos: list[zipfile.ZipInfo], file_size: int,
                  repo_path: str) -> tuple[list[Finding], set[int]]:
    """``zip.inconsistent`` findings and the indexes of the entries whose local header
    disagrees (not to be read); raise LimitExceeded('zip_overlap') when two entries' stored
    data overlap."""
    spans: list[tuple[int, int, str]] = []
    problems: list[str] = []
    disagree: set[int] = set()
    count = _entry_count_disagreement(fp, len(infos))
    if count:
        problems.append(count)
    with fp.open("rb") as f:
        for index, info in enumerate(infos):
            f.seek(info.header_offset)
            raw = f.read(_LOCAL_HEADER.size)
            if len(raw) < _LOCAL_HEADER.size or raw[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"entry {shown(info.filename)} has no local header")
            fields = _LOCAL_HEADER.unpack(raw)
            local_name = f.read(fields[9])
            why = _local_disagreement(info, fields, local_name)
            if why:
                disagree.add(index)
                if len(problems) < 20:
                    problems.append(f"the entry {shown(info.filename)} has {why}")
            start = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
            end = start + info.compress_size
            if end > file_size:
                raise zipfile.BadZipFile(
                    f"entry {shown(info.filename)} runs past the end of the file")
            spans.append((info.header_offset, end, info.filename))
    spans.sort()
    for (_s1, end1, name1), (start2, _e2, name2) in itertools.pairwise(spans):
        if start2 < end1:
            raise LimitExceeded(
                "zip_overlap",
                f"entries {shown(name1)} and {shown(name2)} share stored data (an "
                "overlapping-entry zip bomb: a small file that expands to gigabytes)",
            )
    return [error(
        "zip.inconsistent",
        f"{repo_path}: the archive's two tables of contents disagree: {why}; other tools "
        "(unzip, streaming extractors) would unpack other files than the checker read.",
        "Create the archive again with a standard tool (`zip -r`, 'Compress' in your file "
        "manager); do not edit it by hand.",
        repo_path,
    ) for why in problems], disagree


def scan_zip(
    path: Path,
    repo_path: str,
    lim: Limits,
    *,
    keep: Callable[[str], bool] = lambda _name: False,
    keep_bytes: int = 256 * 1024,
    ooxml: bool = False,
) -> ZipScan:
    """Check every entry of the ZIP at ``path``; raise LimitExceeded for bombs.

    Raises zipfile.BadZipFile (or OSError, EOFError, ...) when the archive is malformed; the
    caller turns that into ``file.unreadable``.
    """
    scan = ZipScan()
    file_size = path.stat().st_size
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        if len(infos) > lim.max_entries:
            raise LimitExceeded(
                "zip_entries", f"{len(infos)} entries (the limit is {lim.max_entries})"
            )
        layout, disagree = _check_layout(path, infos, file_size, repo_path)
        scan.findings.extend(layout)

        seen: dict[str, str] = {}
        for index, info in enumerate(infos):
            name = info.filename
            reason = unsafe_reason(name)
            if reason:
                scan.findings.append(error(
                    "zip.unsafe-path",
                    f"{repo_path}: the entry {shown(name)} {reason}; unpacking it could write "
                    "outside the target folder.",
                    "Create the archive from inside your project folder with relative paths "
                    "only (e.g. `cd project && zip -r ../code.zip .`).",
                    repo_path,
                ))
            if is_symlink(info):
                scan.findings.append(error(
                    "zip.symlink",
                    f"{repo_path}: the entry {shown(name)} is a symbolic link; links in submitted "
                    "archives are refused because they can point outside the archive.",
                    "Replace the link by the file it points to (`zip` without `--symlinks`).",
                    repo_path,
                ))
            key = _collision_key(name)
            if key in seen:
                scan.findings.append(error(
                    "zip.unsafe-path",
                    f"{repo_path}: the entries {shown(seen[key])} and {shown(name)} have the same "
                    "name "
                    "once letter case or Unicode form is ignored; one would overwrite the "
                    "other when unpacked on Windows or macOS.",
                    "Rename one of them so that every name is distinct.",
                    repo_path,
                ))
            else:
                seen[key] = name
            if index in disagree:  # which bytes are its data is the question: none are read
                scan.entries.append(Entry(name, 0, info.compress_size, info.is_dir()))
                continue
            if info.flag_bits & 0x1 or info.compress_type == 99:
                scan.encrypted = True
                scan.entries.append(Entry(name, 0, info.compress_size, info.is_dir()))
                continue
            scan.entries.append(_read_entry(zf, info, scan, lim, keep, keep_bytes, ooxml))
    return scan


def _read_entry(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    scan: ZipScan,
    lim: Limits,
    keep: Callable[[str], bool],
    keep_bytes: int,
    ooxml: bool,
) -> Entry:
    name = info.filename
    entry = Entry(name, 0, info.compress_size, info.is_dir())
    if info.is_dir() and info.compress_size == 0:
        return entry
    wanted = keep(name)
    kept = bytearray()
    head = bytearray()
    xml_named = ooxml and name.lower().endswith((".xml", ".rels"))
    dtd: _DtdSearch | None = None
    with zf.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                break
            entry.size += len(chunk)
            scan.uncompressed_bytes += len(chunk)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            if ooxml and dtd is None:
                dtd = _DtdSearch.for_part(bytes(head))
            if wanted and len(kept) < keep_bytes:
                kept += chunk[: keep_bytes - len(kept)]
            if scan.uncompressed_bytes > lim.max_uncompressed_bytes:
                raise LimitExceeded(
                    "zip_uncompressed_bytes",
                    f"the entries expand to more than {lim.max_uncompressed_bytes // 2**20} MB "
                    "in total",
                )
            if (
                entry.size > ZIP_RATIO_MIN_BYTES
                and entry.size > lim.max_ratio * max(info.compress_size, 1)
            ):
                raise LimitExceeded(
                    "zip_ratio",
                    f"the entry {shown(name)} expands more than {lim.max_ratio} times "
                    f"({info.compress_size} bytes stored, over {entry.size} so far)",
                )
            if (xml_named or (dtd is not None and dtd.is_xml)) and \
                    entry.size > lim.max_xml_part_bytes:
                raise LimitExceeded(
                    "xml_part_bytes",
                    f"the XML part {shown(name)} is larger than "
                    f"{lim.max_xml_part_bytes // 2**20} MB",
                )
            if dtd is not None and dtd.found(chunk):
                raise LimitExceeded(
                    "xml_dtd",
                    f"the XML part {shown(name)} declares a DTD or entities (<!DOCTYPE> or "
                    f"<!ENTITY>{dtd.encoding_note}), which Office never writes; it is refused "
                    "unread, as entity expansion can exhaust memory or read other files",
                )
    entry.head = bytes(head[:512])
    if wanted:
        entry.content = bytes(kept)
    return entry


class _DtdSearch:
    """Searches one part of an Office container for ``<!DOCTYPE`` / ``<!ENTITY``, chunk by
    chunk, in the encoding its first bytes announce (whatever the part is named)."""

    def __init__(self, encoding: str | None, is_xml: bool) -> None:
        self.encoding = encoding  # None: ASCII-compatible, searched as bytes
        self.is_xml = is_xml
        self._decoder = codecs.getincrementaldecoder(encoding)("replace") if encoding else None
        self._tail: bytes | str = "" if encoding else b""

    @classmethod
    def for_part(cls, head: bytes) -> _DtdSearch:
        for start, encoding in _XML_STARTS:
            if head.startswith(start):
                return cls(encoding, True)
        text = head[3:] if head.startswith(codecs.BOM_UTF8) else head
        return cls(None, text.lstrip(b" \t\r\n").startswith(b"<"))

    @property
    def encoding_note(self) -> str:
        return f", in {self.encoding.upper()}" if self.encoding else ""

    def found(self, chunk: bytes) -> bool:
        if self._decoder is None:
            assert isinstance(self._tail, bytes)
            window_b = self._tail + chunk
            self._tail = window_b[-16:]
            return _DTD.search(window_b) is not None
        assert isinstance(self._tail, str)
        window = self._tail + self._decoder.decode(chunk)
        self._tail = window[-16:]
        return _DTD_TEXT.search(window) is not None
