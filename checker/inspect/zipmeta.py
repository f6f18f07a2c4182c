"""What other tools read in a ZIP's metadata: the names ``unzip`` writes, links, the end record.

Python's ``zipfile`` reads one name per entry and ignores most of what a ZIP can say about it;
``unzip`` and other extractors read more. Each entry is judged by every name a tool may give
it (:func:`entry_names`): the name as ``zipfile`` read it, the name before ``zipfile`` cut it
at a NUL, its bytes read as UTF-8 when it is not flagged UTF-8 (what ``unzip`` writes on a
UTF-8 system), and the Info-ZIP Unicode Path extra field, which ``unzip`` (and ``zipfile``
from Python 3.12 on) uses instead of the name when its checksum matches. A link is a link
whether the Unix mode bits or the ASi Unix extra field say so (:func:`asi_mode`). The end
record's entry counts, the ZIP64 end record's and the disk numbers must describe one archive
of exactly the entries in the directory (:func:`end_record_problem`), as ``unzip -t`` checks.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

EXTRA_ZIP64 = 0x0001
EXTRA_UNICODE_PATH = 0x7075  # Info-ZIP Unicode Path: version, CRC-32 of the header name, UTF-8
EXTRA_ASI_UNIX = 0x756E  # ASi Unix: CRC-32, mode, size/device, uid, gid, link target
FLAG_ENCRYPTED = 0x0001
FLAG_DESCRIPTOR = 0x0008
FLAG_UTF8 = 0x0800
_END = b"PK\x05\x06"
_END64 = b"PK\x06\x06"
_LOCATOR64 = b"PK\x06\x07"
_END_SIZE, _LOCATOR_SIZE, _END64_SIZE = 22, 20, 56


def extra_fields(extra: bytes) -> dict[int, bytes]:
    """The first field of each id in an extra-field block (a truncated field ends it)."""
    out: dict[int, bytes] = {}
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        if at + 4 + size > len(extra):
            break
        out.setdefault(kind, extra[at + 4:at + 4 + size])
        at += 4 + size
    return out


def header_name_bytes(info: zipfile.ZipInfo) -> bytes:
    """The name's bytes as written in the central directory (before any NUL cut)."""
    if info.flag_bits & FLAG_UTF8:
        return info.orig_filename.encode("utf-8", "surrogateescape")
    try:
        return info.orig_filename.encode("cp437")
    except UnicodeEncodeError:  # a Python that decoded it otherwise (metadata_encoding)
        return info.orig_filename.encode("utf-8", "surrogateescape")


def unicode_path(extra: bytes, header: bytes) -> str | None:
    """The Info-ZIP Unicode Path name, when it applies to this header name (version 1, the
    checksum of the header name's bytes), as ``unzip`` decides; None otherwise."""
    data = extra_fields(extra).get(EXTRA_UNICODE_PATH)
    if data is None or len(data) < 6 or data[0] != 1:
        return None
    if struct.unpack_from("<I", data, 1)[0] != zlib.crc32(header):
        return None
    name = data[5:].decode("utf-8", "replace")
    return name or None


def unzip_name(info: zipfile.ZipInfo) -> str:
    """The name ``unzip`` gives the entry: the Unicode Path field's when it applies, else the
    name ``zipfile`` read (cut at a NUL, as ``unzip`` cuts it too)."""
    return unicode_path(info.extra, header_name_bytes(info)) or info.filename


def entry_names(info: zipfile.ZipInfo) -> list[tuple[str, str]]:
    """Every (name, how a tool reads it) of an entry, the checker's own reading first."""
    out = [(unzip_name(info), "")]
    raw = header_name_bytes(info)
    if info.orig_filename != info.filename:
        out.append((info.orig_filename, " (its full name, which zipfile cuts at the NUL)"))
    if info.filename != out[0][0]:
        out.append((info.filename, " (the name in its header, which unzip replaces)"))
    if not info.flag_bits & FLAG_UTF8 and not raw.isascii():
        try:
            utf8 = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            out.append((utf8, " (its name's bytes read as UTF-8, as unzip writes them on a "
                              "UTF-8 system, although the archive does not flag them UTF-8)"))
    unique: dict[str, str] = {}
    for name, how in out:
        unique.setdefault(name, how)
    return list(unique.items())


def asi_mode(extra: bytes) -> int | None:
    """The Unix mode in an ASi Unix extra field (``unzip`` takes it when the entry's own mode
    bits are 0), or None."""
    data = extra_fields(extra).get(EXTRA_ASI_UNIX)
    if data is None or len(data) < 6:
        return None
    return int(struct.unpack_from("<H", data, 4)[0])


def local_zip64_sizes(extra: bytes) -> tuple[int, int] | None:
    """(uncompressed, compressed) from a local header's ZIP64 extra field, or None."""
    data = extra_fields(extra).get(EXTRA_ZIP64)
    if data is None or len(data) < 16:
        return None
    usize, csize = struct.unpack_from("<QQ", data, 0)
    return int(usize), int(csize)


def end_record_problem(fp: Path, count: int) -> str | None:
    """How the end record (and the ZIP64 end record it points to) contradicts the central
    directory's ``count`` entries, or announces a multi-disk archive; None when it agrees."""
    with fp.open("rb") as f:
        f.seek(0, 2)
        size = f.tell()
        start = max(0, size - (1 << 16) - _END_SIZE)
        f.seek(start)
        tail = f.read()
        at = tail.rfind(_END)
        if at < 0 or len(tail) < at + _END_SIZE:
            return None
        disk, cd_disk, on_disk, total = struct.unpack_from("<HHHH", tail, at + 4)
        zip64 = None
        locator = at - _LOCATOR_SIZE
        if locator >= 0 and tail[locator:locator + 4] == _LOCATOR64:
            z_disk, z_offset, z_disks = struct.unpack_from("<IQI", tail, locator + 4)
            if z_disk != 0 or z_disks > 1:
                return f"its ZIP64 end record says the archive spans {z_disks} disks"
            if z_offset > size - _END64_SIZE:  # past the end (up to 2**64): never seek there
                return "its ZIP64 end record is not where the locator says"
            f.seek(z_offset)
            record = f.read(_END64_SIZE)
            if len(record) < _END64_SIZE or record[:4] != _END64:
                return "its ZIP64 end record is not where the locator says"
            zip64 = struct.unpack_from("<IIQQ", record, 16)
    if zip64 is not None:
        z_this, z_cd_disk, z_on_disk, z_total = zip64
        if z_this != 0 or z_cd_disk != 0:
            return "its ZIP64 end record says the archive spans several disks (a split archive)"
        if (z_on_disk, z_total) != (count, count):
            return (f"its ZIP64 end record announces {z_total} entries but the central "
                    f"directory lists {count}")
        if disk not in (0, 0xFFFF) or cd_disk not in (0, 0xFFFF):
            return f"its end record says it is disk {disk} of a split (multi-disk) archive"
        if on_disk not in (count, 0xFFFF) or total not in (count, 0xFFFF):
            return (f"its end record announces {total} entries but the central directory "
                    f"lists {count}")
        return None
    if disk != 0 or cd_disk != 0:
        return (f"its end record says it is disk {disk} of a split (multi-disk) archive, "
                "which unzip cannot unpack")
    if (on_disk, total) != (count, count):
        return (f"its end record announces {total} entries but the central directory lists "
                f"{count}" + (" (0xFFFF, a ZIP64 value, with no ZIP64 end record)"
                              if total == 0xFFFF else ""))
    return None


def describe_method(method: int) -> str:
    return {12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "XZ", 98: "PPMd",
            9: "Deflate64"}.get(method, f"method {method}")


def flag_disagreement(info: zipfile.ZipInfo, local_flags: int) -> str | None:
    """Flags a local header and the central directory must agree on: encryption, and the
    UTF-8 name flag; and a data descriptor the directory does not announce (``unzip`` then
    reads the entry's data as ending elsewhere)."""
    central = info.flag_bits
    if (local_flags ^ central) & FLAG_ENCRYPTED:
        return "encryption flagged in only one of its local header and the central directory"
    if (local_flags ^ central) & FLAG_UTF8:
        return "its name flagged UTF-8 in only one of its local header and the central directory"
    if local_flags & FLAG_DESCRIPTOR and not central & FLAG_DESCRIPTOR:
        return "a data descriptor announced in its local header, not in the central directory"
    return None
