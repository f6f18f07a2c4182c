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
from checker.inspect import zipmeta
from checker.inspect.xmlguard import XmlGuard
from checker.limits import SNIFF_BYTES, ZIP_RATIO_MIN_BYTES, LimitExceeded
from checker.model import Limits

_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_DRIVE = re.compile(r"^[A-Za-z]:")


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


def is_symlink(info: zipfile.ZipInfo, local_extra: bytes = b"") -> bool:
    """A symbolic link, whatever system the entry says it was made on: ``unzip`` reads Unix
    mode bits from every "made by" system that has them (Unix, BeOS, Atari, AtheOS, ...), and
    the ASi Unix extra field's mode when those bits are 0 (in either header)."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return True
    return any(mode is not None and stat.S_ISLNK(mode)
               for mode in (zipmeta.asi_mode(info.extra), zipmeta.asi_mode(local_extra)))


def _collision_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().rstrip("/")


def _local_disagreement(info: zipfile.ZipInfo, fields: tuple[int, ...],
                        local_name: bytes, local_extra: bytes) -> str | None:
    """How an entry's local header contradicts its central-directory record, or None."""
    flags, method, crc, csize, usize = fields[2], fields[3], fields[6], fields[7], fields[8]
    if method != info.compress_type:
        return f"compression method {method} in its local header, {info.compress_type} in the " \
               "central directory"
    flagged = zipmeta.flag_disagreement(info, flags)
    if flagged:
        return flagged
    if not flags & zipmeta.FLAG_DESCRIPTOR:  # sizes in the header, not in a descriptor
        if 0xFFFFFFFF in (csize, usize):  # ZIP64: both sizes in the local extra field
            usize, csize = zipmeta.local_zip64_sizes(local_extra) or (-1, -1)
        if (csize, usize) != (info.compress_size, info.file_size):
            shown_sizes = f"{csize}/{usize} bytes" if csize >= 0 else "no readable ZIP64 sizes"
            return (f"sizes {shown_sizes} in its local header, {info.compress_size}/"
                    f"{info.file_size} in the central directory")
        if crc != info.CRC:
            return "a different checksum in its local header than in the central directory"
    local = local_name.decode("utf-8" if info.flag_bits & zipmeta.FLAG_UTF8 else "cp437",
                              "replace")
    if local != info.orig_filename:
        return f"the name {shown(local)} in its local header"
    local_unicode = zipmeta.unicode_path(local_extra, local_name)
    if local_unicode is not None and local_unicode != zipmeta.unzip_name(info):
        return f"the Unicode name {shown(local_unicode)} in its local header"
    return None


def _check_layout(fp: Path, infos: list[zipfile.ZipInfo], file_size: int,
                  repo_path: str) -> tuple[list[Finding], set[int], dict[int, bytes]]:
    """``zip.inconsistent`` findings, the indexes of the entries whose local header
    disagrees (not to be read) and each entry's local extra field; raise
    LimitExceeded('zip_overlap') when two entries' stored data overlap."""
    spans: list[tuple[int, int, str]] = []
    problems: list[str] = []
    disagree: set[int] = set()
    extras: dict[int, bytes] = {}
    count = zipmeta.end_record_problem(fp, len(infos))
    if count:
        problems.append(count)
    with fp.open("rb") as f:
        for index, info in enumerate(infos):
            if not 0 <= info.header_offset < file_size:  # an end record moved by hand
                raise zipfile.BadZipFile(
                    f"entry {shown(info.filename)} would start at byte {info.header_offset}, "
                    f"outside the file's {file_size} bytes")
            f.seek(info.header_offset)
            raw = f.read(_LOCAL_HEADER.size)
            if len(raw) < _LOCAL_HEADER.size or raw[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"entry {shown(info.filename)} has no local header")
            fields = _LOCAL_HEADER.unpack(raw)
            local_name = f.read(fields[9])
            extras[index] = f.read(fields[10])
            why = _local_disagreement(info, fields, local_name, extras[index])
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
    ) for why in problems], disagree, extras


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
        layout, disagree, extras = _check_layout(path, infos, file_size, repo_path)
        scan.findings.extend(layout)

        seen: dict[str, str] = {}
        for index, info in enumerate(infos):
            name = zipmeta.unzip_name(info)  # the name unzip writes the entry under
            scan.findings.extend(_name_findings(info, extras.get(index, b""), seen, repo_path))
            unread = index in disagree  # which bytes are its data is the question: none read
            if ooxml and not unread:
                office = _office_cannot_read(info, repo_path)
                if office is not None:  # one finding says it: the file is refused
                    if not any(f.message == office.message for f in scan.findings):
                        scan.findings.append(office)
                    unread = True
            if unread:
                scan.entries.append(Entry(name, 0, info.compress_size, info.is_dir()))
                continue
            if info.flag_bits & 0x1 or info.compress_type == 99:
                scan.encrypted = True
                scan.entries.append(Entry(name, 0, info.compress_size, info.is_dir()))
                continue
            scan.entries.append(_read_entry(zf, info, name, scan, lim, keep, keep_bytes, ooxml))
    return scan


def _name_findings(info: zipfile.ZipInfo, local_extra: bytes, seen: dict[str, str],
                   repo_path: str) -> list[Finding]:
    """``zip.unsafe-path`` and ``zip.symlink`` for one entry, judged by every name a tool may
    give it (``zipmeta.entry_names``); ``seen`` maps the names met so far by collision key."""
    out: list[Finding] = []
    names = zipmeta.entry_names(info)
    for name, how in names:
        reason = unsafe_reason(name)
        if reason:
            out.append(error(
                "zip.unsafe-path",
                f"{repo_path}: the entry {shown(name)}{how} {reason}; unpacking it could write "
                "outside the target folder.",
                "Create the archive from inside your project folder with relative paths "
                "only (e.g. `cd project && zip -r ../code.zip .`).",
                repo_path,
            ))
            break
    name = names[0][0]
    if is_symlink(info, local_extra):
        out.append(error(
            "zip.symlink",
            f"{repo_path}: the entry {shown(name)} is a symbolic link; links in submitted "
            "archives are refused because they can point outside the archive.",
            "Replace the link by the file it points to (`zip` without `--symlinks`).",
            repo_path,
        ))
    key = _collision_key(name)
    if key in seen:
        out.append(error(
            "zip.unsafe-path",
            f"{repo_path}: the entries {shown(seen[key])} and {shown(name)} have the same name "
            "once letter case or Unicode form is ignored; one would overwrite the "
            "other when unpacked on Windows or macOS.",
            "Rename one of them so that every name is distinct.",
            repo_path,
        ))
    else:
        seen[key] = name
    return out


# What Word, PowerPoint and LibreOffice unpack: stored or Deflate entries, ZIP version <= 4.5.
_OFFICE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_OFFICE_MAX_VERSION = 45


def _office_cannot_read(info: zipfile.ZipInfo, repo_path: str) -> Finding | None:
    """``file.unreadable`` for a part of an Office file that Office cannot unpack (python-docx
    can, through zipfile, so the file would pass here and open nowhere else)."""
    if info.compress_type in _OFFICE_METHODS and info.extract_version <= _OFFICE_MAX_VERSION:
        return None
    if info.flag_bits & 0x1 or info.compress_type == 99:
        return None  # encrypted: file.encrypted says so
    how = (f"compressed with {zipmeta.describe_method(info.compress_type)}"
           if info.compress_type not in _OFFICE_METHODS else
           f"marked as needing ZIP version {info.extract_version // 10}."
           f"{info.extract_version % 10} to unpack")
    return error(
        "file.unreadable",
        f"{repo_path} cannot be opened by Word, PowerPoint or LibreOffice: some of its parts "
        f"are {how}, and they read only stored or Deflate parts (ZIP version 4.5 at most), "
        "as unzip does.",
        "Open the document in Word, PowerPoint or LibreOffice and save it again; do not "
        "compress it again with another archiver.",
        repo_path,
    )


def _read_entry(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    scan: ZipScan,
    lim: Limits,
    keep: Callable[[str], bool],
    keep_bytes: int,
    ooxml: bool,
) -> Entry:
    entry = Entry(name, 0, info.compress_size, info.is_dir())
    if info.is_dir() and info.compress_size == 0:
        return entry
    wanted = keep(name)
    kept = bytearray()
    head = bytearray()
    dtd: XmlGuard | None = None
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
                dtd = XmlGuard.for_part(name, bytes(head))
                if dtd.refusal:
                    raise LimitExceeded(
                        "xml_encoding",
                        f"the XML part {shown(name)} {dtd.refusal}; it is refused unread")
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
            if dtd is not None and dtd.is_xml and entry.size > lim.max_xml_part_bytes:
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
