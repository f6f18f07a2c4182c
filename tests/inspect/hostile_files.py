"""The hostile files of issue 19 (round 3) and issue 17 item 6, built by real software.

Archives come from Python's ``zipfile``, documents from python-docx and python-pptx, PDFs from
fpdf2; where a class is a lie inside the container, the bytes are then edited the way an
attacker edits them (a few bytes patched in place, every offset kept). Each builder takes a
``random.Random``, so that ``bench/bench_fuzz3.py`` draws thousands of distinct files from the
same code the tests use with a fixed seed.
"""

from __future__ import annotations

import base64
import io
import random
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from conftest import LOREM, write_docx

README = "# Build\n`make`\n# Run\n`./run`\n"
_ODR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PRINTER_SETTINGS_TYPE = "application/vnd.openxmlformats-officedocument.{}.printerSettings"
MARKUP = "<img src=x onerror=alert(1)>"
MARKUP_NAME = "<img/src=x/onerror=alert(1)>"  # the same tag, no space: one token of a name
# ESC CSI (colour), an OSC 8 hyperlink ended by BEL, a C1 CSI, a right-to-left override
CONTROLS = ("\x1b[31m", "\x1b]8;;http://evil.example/\x07", "\x9b2J", "\u202e")

Entries = Sequence[tuple["str | zipfile.ZipInfo", "bytes | str"]]


# --- ZIP structure --------------------------------------------------------------------------

def zip_bytes(entries: Entries, method: int = zipfile.ZIP_DEFLATED) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return bytearray(buffer.getvalue())


def end_record(data: bytes) -> int:
    return data.rindex(b"PK\x05\x06")


def central_records(data: bytes) -> list[int]:
    """Offsets of the central-directory records, in order."""
    at = struct.unpack_from("<I", data, end_record(data) + 16)[0]
    out = []
    while data[at:at + 4] == b"PK\x01\x02":
        out.append(at)
        n, m, k = struct.unpack_from("<HHH", data, at + 28)
        at += 46 + n + m + k
    return out


def local_header(data: bytes, index: int) -> int:
    return int(struct.unpack_from("<I", data, central_records(data)[index] + 42)[0])


def rename_raw(data: bytearray, placeholder: bytes, raw: bytes) -> bytearray:
    """The name ``placeholder`` written as the bytes ``raw`` (same length) in both headers,
    without the UTF-8 flag: what an archiver that writes a system's bytes as they are does."""
    assert len(placeholder) == len(raw) and data.count(placeholder) == 2
    return bytearray(bytes(data).replace(placeholder, raw))


def asi_extra(mode: int, target: bytes = b"") -> bytes:
    """An ASi Unix extra field (Info-ZIP's extrafld.txt): CRC-32, mode, size, uid, gid, link."""
    body = struct.pack("<HIHH", mode, len(target), 0, 0) + target
    return struct.pack("<HHI", 0x756E, len(body) + 4, zlib.crc32(body)) + body


def unicode_path_extra(header: bytes, name: str) -> bytes:
    """An Info-ZIP Unicode Path extra field naming ``name`` for the header name ``header``."""
    body = struct.pack("<BI", 1, zlib.crc32(header)) + name.encode("utf-8")
    return struct.pack("<HH", 0x7075, len(body)) + body


def _code(rng: random.Random) -> list[tuple[str | zipfile.ZipInfo, bytes | str]]:
    n = rng.randint(1, 4)
    return [("README.md", README)] + [
        (f"src/mod{i}_{rng.randrange(10**6)}.py", f"print({rng.random()!r})\n" * rng.randint(1, 40))
        for i in range(n)]


def c2_directory_before_start(rng: random.Random) -> bytes:
    """C2: the end record's directory offset moved on, so zipfile puts entries before byte 0."""
    data = zip_bytes(_code(rng))
    end = end_record(data)
    offset = struct.unpack_from("<I", data, end + 16)[0]
    struct.pack_into("<I", data, end + 16, offset + rng.randint(1, 400))
    return bytes(data)


def h1_asi_symlink(rng: random.Random) -> bytes:
    """H1: a link marked only in the ASi Unix extra field (unzip 6.0 makes the link when the
    entry's own mode bits are 0 and its MS-DOS bits are set)."""
    link = zipfile.ZipInfo(rng.choice(["passwd", "data/latest", "config", "notes.txt"]))
    link.create_system = rng.choice([3, 5, 16, 30])
    link.external_attr = rng.choice([0x20, 0x01, 0x21])  # MS-DOS bits only
    link.extra = asi_extra(stat.S_IFLNK | 0o777, b"/etc/passwd")
    return bytes(zip_bytes([*_code(rng), (link, "/etc/passwd")], zipfile.ZIP_STORED))


def h2_unicode_path(rng: random.Random) -> bytes:
    """H2: the Unicode Path extra field names what unzip writes: ``../``, an absolute path or
    a second README.md."""
    hidden = rng.choice(["../escape.py", "../../.bashrc", "/etc/cron.d/job", "README.md",
                         "src/../../x.py"])
    entry = zipfile.ZipInfo(f"notes{rng.randrange(1000)}.txt")
    entry.extra = unicode_path_extra(entry.filename.encode(), hidden)
    return bytes(zip_bytes([*_code(rng), (entry, "hidden")]))


def h3_fullwidth_utf8(rng: random.Random) -> bytes:
    """H3 (and issue 17): UTF-8 bytes of full-width dots (U+FF0E), not flagged UTF-8."""
    name = rng.choice(["\uff0e\uff0e/\uff0e\uff0e/evil.py", "src/\uff0e\uff0e/\uff0e\uff0e/x.sh",
                       "\uff0e\uff0e\uff0fescape.txt"])
    raw = name.encode("utf-8")
    placeholder = b"Q" * len(raw)
    return bytes(rename_raw(zip_bytes([*_code(rng), (placeholder.decode(), "x")]),
                            placeholder, raw))


def _zip64_bytes(entries: Entries) -> bytearray:
    """An archive with a ZIP64 end record (what zip writes for very large archives)."""
    limit = zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP_FILECOUNT_LIMIT = 1  # type: ignore[misc]
    try:
        return zip_bytes(entries)
    finally:
        zipfile.ZIP_FILECOUNT_LIMIT = limit  # type: ignore[misc]


def h4_end_record_counts(rng: random.Random, entries: Entries | None = None) -> bytes:
    """H4: the end record's entry count is 0xFFFF with no ZIP64 record, or the ZIP64 end
    record's counts lie."""
    entries = list(entries or _code(rng))
    if rng.random() < 0.5:
        data = zip_bytes(entries)
        struct.pack_into("<HH", data, end_record(data) + 8, 0xFFFF, 0xFFFF)
        return bytes(data)
    data = _zip64_bytes(entries)
    record = data.rindex(b"PK\x06\x06")
    wrong = len(entries) + rng.randint(1, 50)
    struct.pack_into("<QQ", data, record + 24, wrong, wrong)
    return bytes(data)


def h10_local_flags(rng: random.Random) -> bytes:
    """H10: a local header announcing a data descriptor, encryption or a UTF-8 name that the
    central directory does not, or ZIP64 sizes that disagree with it."""
    entries = _code(rng)
    if rng.random() < 0.3:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, body in entries:
                with zf.open(str(name), "w", force_zip64=True) as f:
                    f.write(body.encode() if isinstance(body, str) else body)
        data = bytearray(buffer.getvalue())
        at = local_header(data, 1)
        extra = at + 30 + struct.unpack_from("<H", data, at + 26)[0]
        usize = struct.unpack_from("<Q", data, extra + 4)[0]
        struct.pack_into("<Q", data, extra + 4, usize + rng.randint(1, 10**6))
        return bytes(data)
    data = zip_bytes(entries)
    at = local_header(data, 1)
    flag = rng.choice([0x0008, 0x0800, 0x0001])
    struct.pack_into("<H", data, at + 6, struct.unpack_from("<H", data, at + 6)[0] | flag)
    return bytes(data)


def h12_multi_disk(rng: random.Random) -> bytes:
    """H12: an end record saying the archive is one disk of several."""
    data = zip_bytes(_code(rng))
    disk = rng.randint(1, 9)
    struct.pack_into("<HH", data, end_record(data) + 4, disk, rng.choice([0, disk]))
    return bytes(data)


def h13_nul_name(rng: random.Random) -> bytes:
    """H13: a NUL in a name: zipfile cuts the name there, other tools may not."""
    tail = rng.choice(["../../x.py", "/etc/passwd", ".sh"])
    raw = f"run.py\0{tail}".encode()
    placeholder = b"Q" * len(raw)
    return bytes(rename_raw(zip_bytes([*_code(rng), (placeholder.decode(), "x")]),
                            placeholder, raw))


def r2_code_zip(rng: random.Random) -> bytes:
    """R2: a healthy code archive whose first entry is a stored PDF, or holding ODF names."""
    if rng.random() < 0.5:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("paper/report.pdf", pdf_pages(rng, rng.randint(1, 3)))
            for name, body in _code(rng):
                zf.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED)
        return buffer.getvalue()
    odf = [("mimetype", "text/plain\n"), ("content.xml", "<doc/>"), ("meta.xml", "<meta/>"),
           ("styles.xml", "<styles/>")]
    return bytes(zip_bytes(_code(rng) + rng.sample(odf, rng.randint(2, 4))))


# --- Office documents ------------------------------------------------------------------------

def docx_bytes(rng: random.Random, folder: Path) -> bytes:
    blocks = [("h1", "Problem and Importance"), ("p", LOREM[:rng.randint(50, len(LOREM))])]
    for i in range(rng.randint(0, 4)):
        blocks += [("h1", f"Section {i} {rng.randrange(1000)}"), ("p", LOREM)]
    path = write_docx(folder / f"base-{rng.randrange(10**9)}.docx", blocks)
    data = path.read_bytes()
    path.unlink()
    return data


def rezip(data: bytes, replace: dict[str, bytes] | None = None,
          methods: dict[str, int] | None = None, drop: Sequence[str] = ()) -> bytes:
    """The container ``data`` with parts replaced, added, removed or compressed otherwise."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            body = replace.pop(info.filename, None)
            dst.writestr(info.filename, src.read(info) if body is None else body,
                         compress_type=(methods or {}).get(info.filename, zipfile.ZIP_DEFLATED))
        for name, body in replace.items():
            dst.writestr(name, body)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def c1_malformed_part(rng: random.Random, folder: Path) -> bytes:
    """C1: a DOCX part python-docx parses that is not well-formed XML."""
    base = docx_bytes(rng, folder)
    name = rng.choice(["word/document.xml", "word/styles.xml", "word/settings.xml",
                       "docProps/core.xml", "word/_rels/document.xml.rels",
                       "[Content_Types].xml"])
    text = part(base, name)
    cut = rng.randint(len(text) // 3, len(text) - 2)
    broken = rng.choice([text[:cut], text[:cut] + b"<unclosed attr='1>",
                         text.replace(b">", b"", 1)])
    return rezip(base, {name: broken})


def utf7(text: str) -> bytes:
    """``text`` in UTF-7 with its markup characters in base64 (``<`` is ``+ADw-``): legal
    UTF-7 (RFC 2152 lets an encoder write any character so), which Python's encoder only
    does for characters it must."""
    out = []
    for ch in text:
        if ch in '<>!"[]&=':
            out.append("+" + base64.b64encode(ch.encode("utf-16-be")).decode().rstrip("=")
                       + "-")
        else:
            out.append(ch)
    return "".join(out).encode("ascii")


def h5_utf7_dtd(rng: random.Random, folder: Path) -> bytes:
    """H5: a DTD written in UTF-7 (``+ADw-!DOCTYPE``): lxml decodes it, a byte search does not."""
    base = docx_bytes(rng, folder)
    name = rng.choice(["word/document.xml", "customXml/item1.xml", "docProps/app.xml"])
    dtd = utf7('<!DOCTYPE x [<!ENTITY a "' + "a" * rng.randint(1, 50) + '">]>')
    body = part(base, name).split(b"?>", 1)[1] if name != "customXml/item1.xml" else b"<x/>"
    encoding = rng.choice([b"UTF-7", b"utf-7", b"UNICODE-1-1-UTF-7", b"csUnicode11UTF7"])
    return rezip(base, {name: b'<?xml version="1.0" encoding="' + encoding + b'"?>' + dtd + body})


def h9_office_method(rng: random.Random, folder: Path) -> bytes:
    """H9: DOCX parts compressed with LZMA or bzip2, or marked as needing ZIP 6.3."""
    base = docx_bytes(rng, folder)
    if rng.random() < 0.35:
        data = bytearray(base)
        for at in central_records(data):
            struct.pack_into("<H", data, at + 6, 63)
        return bytes(data)
    method = rng.choice([zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
    return rezip(base, methods={rng.choice(["word/document.xml", "word/styles.xml"]): method})


def office_count_lie(rng: random.Random, folder: Path) -> bytes:
    """Issue 17: an Office file whose end record's entry count disagrees with its entries."""
    data = bytearray(docx_bytes(rng, folder))
    end = end_record(data)
    count = struct.unpack_from("<H", data, end + 10)[0]
    wrong = rng.choice([0xFFFF, count - 1, count + rng.randint(1, 20)])
    struct.pack_into("<HH", data, end + 8, wrong, wrong)
    return bytes(data)


def mac_printer_settings(rng: random.Random) -> bytes:
    """What Word and PowerPoint for Mac write in printerSettings1.bin: a binary header, then an
    Apple property list with its DOCTYPE."""
    plist = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD '
             'PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist '
             'version="1.0">\n<dict>\n\t<key>com.apple.print.PageFormat.PMHorizontalRes</key>'
             f'\n\t<real>{rng.choice([72, 144, 300])}</real>\n</dict>\n</plist>\n').encode()
    return struct.pack("<III", rng.choice([1, 2]), 1, len(plist)) + plist


def with_printer_settings(data: bytes, rng: random.Random, kind: str) -> bytes:
    """``data`` (a DOCX or PPTX) with Mac printer settings, as Word/PowerPoint for Mac save."""
    folder = "word" if kind == "docx" else "ppt"
    app = "wordprocessingml" if kind == "docx" else "presentationml"
    name = f"{folder}/printerSettings/printerSettings1.bin"
    types = part(data, "[Content_Types].xml")
    if b'Extension="bin"' not in types:
        types = types.replace(b"<Default ", b'<Default Extension="bin" ContentType="'
                              + PRINTER_SETTINGS_TYPE.format(app).encode() + b'"/><Default ', 1)
    rels_name = f"{folder}/_rels/{'document' if kind == 'docx' else 'presentation'}.xml.rels"
    rels = part(data, rels_name).replace(
        b"</Relationships>", f'<Relationship Id="rIdPrinter9" Type="{_ODR}/printerSettings" '
        'Target="printerSettings/printerSettings1.bin"/></Relationships>'.encode())
    existing = {i.filename for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    replace = {"[Content_Types].xml": types, rels_name: rels}
    if name not in existing:
        replace[name] = mac_printer_settings(rng)
    else:  # python-pptx's template already holds Mac printer settings: keep them
        replace[name] = part(data, name)
    return rezip(data, replace)


def pptx_bytes(rng: random.Random) -> bytes:
    """A deck as python-pptx makes it (its template: PowerPoint for Mac, printer settings in)."""
    import pptx

    deck = pptx.Presentation()
    for i in range(rng.randint(1, 6)):
        slide = deck.slides.add_slide(deck.slide_layouts[rng.choice([0, 1, 5])])
        if slide.shapes.title is not None:
            slide.shapes.title.text = f"Slide {i + 1}: {rng.randrange(10**6)}"
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def h8_not_a_deck(rng: random.Random) -> bytes:
    """H8: a deck without [Content_Types].xml, or a macro-enabled deck named .pptx."""
    data = pptx_bytes(rng)
    if rng.random() < 0.5:
        return rezip(data, drop=["[Content_Types].xml"])
    types = part(data, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml")
    return rezip(data, {"[Content_Types].xml": types})


# --- outside links (LibreOffice) -------------------------------------------------------------

def linked_picture_docx(rng: random.Random, folder: Path, url: str, bypass: str) -> bytes:
    """H11: a DOCX whose picture LibreOffice fetches from ``url``, written to get past the old
    pattern guard one of three ways: single-quoted attributes, ``/hyperlink`` in the target,
    or the link after the first megabyte of its relationships part."""
    from PIL import Image

    png = folder / f"pic-{rng.randrange(10**9)}.png"
    Image.new("RGB", (rng.randint(8, 64), rng.randint(8, 64)), "red").save(png)
    import docx

    document = docx.Document()
    document.add_heading("Problem and Importance", 1)
    document.add_paragraph(LOREM)
    document.add_picture(str(png))
    out = io.BytesIO()
    document.save(out)
    png.unlink()
    data = out.getvalue()
    body = part(data, "word/document.xml")
    embedded = re.search(rb'r:embed="(rId\d+)"', body)
    assert embedded is not None
    rid = embedded.group(1).decode()
    rels = part(data, "word/_rels/document.xml.rels").decode()
    rels = re.sub(rf'<Relationship Id="{rid}"[^>]*/>', "", rels)
    target = url + ("/hyperlink/figure.png" if bypass == "hyperlink" else "/figure.png")
    link = (f"<Relationship Id='{rid}' Type='{_ODR}/image' Target='{target}' "
            "TargetMode='External'/>" if bypass == "quotes" else
            f'<Relationship Id="{rid}" Type="{_ODR}/image" Target="{target}" '
            'TargetMode="External"/>')
    if bypass == "megabyte":
        padding = "".join(f'<Relationship Id="rIdPad{i}" Type="{_ODR}/customXml" '
                          f'Target="../customXml/item1.xml"/>' for i in range(12_000))
        link = padding + link
    rels = rels.replace("</Relationships>", link + "</Relationships>")
    body = body.replace(f'r:embed="{rid}"'.encode(), f'r:link="{rid}"'.encode())
    return rezip(data, {"word/_rels/document.xml.rels": rels.encode(),
                        "word/document.xml": body})


# --- PDF -------------------------------------------------------------------------------------

def pdf_pages(rng: random.Random, pages: int, headings: Sequence[str] = ()) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(False)  # the page tree is edited in place
    for i in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", "B", 14)
        for heading in headings[i::pages]:
            pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, LOREM[: rng.randint(100, len(LOREM))], new_x="LMARGIN",
                       new_y="NEXT")
    return bytes(pdf.output())


def h6_page_count(rng: random.Random) -> bytes:
    """H6: the page tree's /Count missing, 0, negative, huge or not an integer."""
    data = pdf_pages(rng, rng.randint(2, 5))
    count = re.search(rb"/Count \d+", data)
    assert count is not None
    new = rng.choice([b"", b"/Count 0", b"/Count -%d" % rng.randint(1, 9),
                      b"/Count %d" % rng.randint(2**20, 2**31), b"/Count 0.5"])
    return data[:count.start()] + new.ljust(len(count.group())) + data[count.end():]


def h7_no_catalog(rng: random.Random) -> bytes:
    """H7: the trailer's /Root names another object than the catalog (a page, the page tree):
    PDFium repairs it, poppler shows nothing."""
    data = pdf_pages(rng, rng.randint(1, 4))
    root = re.search(rb"/Root (\d+) 0 R", data)
    assert root is not None
    others = [int(n) for n in re.findall(rb"(\d+) 0 obj\s*<<[^>]*/Type /Pages?\b", data)]
    new = b"/Root %d 0 R" % rng.choice(others)
    return data[:root.start()] + new.ljust(len(root.group())) + data[root.end():]


def extreme_numbers_pdf(rng: random.Random) -> bytes:
    """C3: text and page boxes at extreme coordinates (the class of the NaN glyph position)."""
    data = pdf_pages(rng, rng.randint(1, 3))
    big = str(rng.choice([3e38, 1e30, 9.9e37])).encode().replace(b"e+", b"e")
    big = b"%d" % int(float(big))
    edits = [(rb"BT (\d+\.\d+) (\d+\.\d+) Td", b"BT " + big + b" 0 0 " + big + b" 0 0 Tm"),
             (rb"/MediaBox \[[^\]]*\]", b"/MediaBox [0 0 " + big + b" " + big + b"]"),
             (rb"BT ", big + b" 0 0 " + big + b" 0 0 cm BT ")]
    pattern, replacement = rng.choice(edits)
    return re.sub(pattern, replacement, data, count=rng.randint(1, 3))
