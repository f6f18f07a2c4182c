"""Regenerate the font metrics of ``checker/inspect/docxfonts.py`` from the font files.

The DOCX page estimate lays text out with the advance widths and line heights of the fonts
LibreOffice uses for a document's fonts: the metric-compatible ones (Liberation for Times New
Roman, Arial and Courier New; Carlito for Calibri; Caladea for Cambria) where they are
installed, DejaVu where they are not. Their widths are facts about the fonts, read here with
fontTools (a dependency of fpdf2, in the test set):

    apt-get download fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea
    for d in *.deb; do dpkg-deb -x "$d" fonts; done
    python bench/docx_font_table.py fonts/usr/share/fonts /usr/share/fonts/truetype/dejavu

prints the ``_TABLE`` literal to paste into ``checker/inspect/docxfonts.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.ttLib import TTFont

# table name -> (regular file, bold file)
FONTS = {
    "liberation-serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    "liberation-sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "liberation-mono": ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf"),
    "carlito": ("Carlito-Regular.ttf", "Carlito-Bold.ttf"),
    "caladea": ("Caladea-Regular.ttf", "Caladea-Bold.ttf"),
    "dejavu-sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "dejavu-serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "dejavu-mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
}
# the characters with a width of their own in the table; others take a similar one's
CHARS = ("".join(chr(c) for c in range(32, 127))
         + "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022")
SAMPLE = ("The quick brown fox jumps over the lazy dog; a summary of a paper, with its problem, "
          "related work, proposed solution (and key insight), drawbacks and future directions.")


def find(dirs: list[Path], name: str) -> Path:
    for d in dirs:
        found = sorted(d.rglob(name))
        if found:
            return found[0]
    raise SystemExit(f"{name} not found under {', '.join(map(str, dirs))}")


def widths(font: TTFont) -> list[int]:
    """Advance widths in thousandths of an em, for CHARS."""
    upm = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    out = []
    for ch in CHARS:
        glyph = cmap.get(ord(ch))
        out.append(round(hmtx[glyph][0] * 1000 / upm) if glyph else 0)
    return out


def line_height(font: TTFont) -> int:
    """Ascent + descent (+ line gap), thousandths of an em: the hhea metrics LibreOffice uses
    on Linux."""
    hhea, upm = font["hhea"], font["head"].unitsPerEm
    return round((hhea.ascent - hhea.descent + hhea.lineGap) * 1000 / upm)


def main(argv: list[str]) -> int:
    dirs = [Path(a) for a in argv] or [Path("/usr/share/fonts")]
    print("_TABLE = {")
    for name, (regular, bold) in FONTS.items():
        reg = TTFont(find(dirs, regular))
        heavy = TTFont(find(dirs, bold))
        w = widths(reg)
        wb = widths(heavy)
        index = {c: i for i, c in enumerate(CHARS)}
        ratio = (sum(wb[index[c]] for c in SAMPLE if c in index)
                 / sum(w[index[c]] for c in SAMPLE if c in index))
        print(f'    "{name}": ({line_height(reg)}, {round(ratio * 1000)}, (')
        for i in range(0, len(w), 16):
            print("        " + ", ".join(str(x) for x in w[i:i + 16]) + ",")
        print("    )),")
    print("}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
