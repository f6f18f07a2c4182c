"""Safety scan of a ZIP container (code archives, and DOCX/PPTX before their parsers run).

Nothing is extracted to disk. Every entry's name is checked (traversal, absolute paths, drive
letters, backslashes, symlinks, names that collide once case or Unicode form is ignored), the
entries' stored data must not overlap (Fifield's overlapping-entry bomb: the stdlib only
detects it from Python 3.12 on, so the check is done here for every version), and every entry
is decompressed into a counter: the sizes that count are the bytes actually produced, never
the sizes the headers claim.
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

from checker.findings import Finding, error
from checker.limits import SNIFF_BYTES, ZIP_RATIO_MIN_BYTES, LimitExceeded
from checker.model import Limits

_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_DRIVE = re.compile(r"^[A-Za-z]:")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


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


def encrypted_finding(repo_path: str, hint: str) -> Finding:
    return error(
        "file.encrypted",
        f"{repo_path} is password-protected; the checker and the staff cannot open it.",
        hint,
        repo_path,
    )


def unsafe_reason(name: str) -> str | None:
    """Why an entry name could escape the folder it is extracted into, or None."""
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
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _collision_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().rstrip("/")


def _check_overlaps(fp: Path, infos: list[zipfile.ZipInfo], file_size: int) -> None:
    """Raise LimitExceeded('zip_overlap') when two entries' stored data overlap."""
    spans: list[tuple[int, int, str]] = []
    with fp.open("rb") as f:
        for info in infos:
            f.seek(info.header_offset)
            raw = f.read(_LOCAL_HEADER.size)
            if len(raw) < _LOCAL_HEADER.size or raw[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"entry {info.filename!r} has no local header")
            fields = _LOCAL_HEADER.unpack(raw)
            start = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
            end = start + info.compress_size
            if end > file_size:
                raise zipfile.BadZipFile(f"entry {info.filename!r} runs past the end of the file")
            spans.append((info.header_offset, end, info.filename))
    spans.sort()
    for (_s1, end1, name1), (start2, _e2, name2) in itertools.pairwise(spans):
        if start2 < end1:
            raise LimitExceeded(
                "zip_overlap",
                f"entries {name1!r} and {name2!r} share stored data (an overlapping-entry "
                "zip bomb: a small file that expands to gigabytes)",
            )


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
        _check_overlaps(path, infos, file_size)

        seen: dict[str, str] = {}
        for info in infos:
            name = info.filename
            reason = unsafe_reason(name)
            if reason:
                scan.findings.append(error(
                    "zip.unsafe-path",
                    f"{repo_path}: the entry {name!r} {reason}; unpacking it could write "
                    "outside the target folder.",
                    "Create the archive from inside your project folder with relative paths "
                    "only (e.g. `cd project && zip -r ../code.zip .`).",
                    repo_path,
                ))
            if is_symlink(info):
                scan.findings.append(error(
                    "zip.symlink",
                    f"{repo_path}: the entry {name!r} is a symbolic link; links in submitted "
                    "archives are refused because they can point outside the archive.",
                    "Replace the link by the file it points to (`zip` without `--symlinks`).",
                    repo_path,
                ))
            key = _collision_key(name)
            if key in seen:
                scan.findings.append(error(
                    "zip.unsafe-path",
                    f"{repo_path}: the entries {seen[key]!r} and {name!r} have the same name "
                    "once letter case or Unicode form is ignored; one would overwrite the "
                    "other when unpacked on Windows or macOS.",
                    "Rename one of them so that every name is distinct.",
                    repo_path,
                ))
            else:
                seen[key] = name
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
    xml_part = ooxml and name.lower().endswith((".xml", ".rels"))
    tail = b""
    with zf.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                break
            entry.size += len(chunk)
            scan.uncompressed_bytes += len(chunk)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
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
                    f"the entry {name!r} expands more than {lim.max_ratio} times "
                    f"({info.compress_size} bytes stored, over {entry.size} so far)",
                )
            if xml_part:
                if entry.size > lim.max_xml_part_bytes:
                    raise LimitExceeded(
                        "xml_part_bytes",
                        f"the XML part {name!r} is larger than "
                        f"{lim.max_xml_part_bytes // 2**20} MB",
                    )
                if _DTD.search(tail + chunk):
                    raise LimitExceeded(
                        "xml_dtd",
                        f"the XML part {name!r} declares a DTD or entities (<!DOCTYPE> or "
                        "<!ENTITY>), which Office never writes; it is refused unread, as "
                        "entity expansion can exhaust memory",
                    )
                tail = chunk[-16:]
    entry.head = bytes(head[:512])
    if wanted:
        entry.content = bytes(kept)
    return entry
