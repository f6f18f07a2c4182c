"""Font metrics for the DOCX page estimate: the fonts LibreOffice lays a document out with.

LibreOffice replaces the Microsoft fonts a Word document names by metric-compatible ones where
they are installed (Liberation Serif for Times New Roman, Liberation Sans for Arial, Liberation
Mono for Courier New, Carlito for Calibri, Caladea for Cambria), and by DejaVu where they are
not (a machine with only DejaVu: what a LibreOffice installed without its recommended fonts
finds). Which of the two a check's LibreOffice has is not known here, so the estimate lays the
document out in both font sets (``METRIC`` and ``DEJAVU``). Any other font (Aptos, Georgia,
Garamond, ...) is laid out in DejaVu in both: LibreOffice has none of them either.

The widths are the fonts' own advance widths (thousandths of an em) of the characters in
``_CHARS``; ``bench/docx_font_table.py`` regenerates ``_TABLE`` from the font files.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

METRIC = "metric"  # metric-compatible fonts installed (as Word lays it out)
DEJAVU = "dejavu"  # only DejaVu installed
ENVIRONMENTS = (METRIC, DEJAVU)

_CHARS = ("".join(chr(c) for c in range(32, 127))
          + "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022")

# name: (line height, bold width / regular width, advance widths of _CHARS), thousandths
_TABLE = {
    "liberation-serif": (1150, 1069, (
        250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
        500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444,
        921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722,
        556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500,
        333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
        500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541, 333,
        333, 444, 444, 500, 1000, 1000, 350,
    )),
    "liberation-sans": (1150, 1083, (
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 222,
        222, 333, 333, 556, 1000, 1000, 350,
    )),
    "liberation-mono": (1133, 1000, (
        600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
        600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
        600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
        600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
        600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
        600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
        600, 600, 600, 600, 600, 600, 600,
    )),
    "carlito": (1221, 1024, (
        226, 326, 401, 498, 507, 715, 682, 221, 303, 303, 498, 498, 250, 306, 252, 386,
        507, 507, 507, 507, 507, 507, 507, 507, 507, 507, 268, 268, 498, 498, 498, 463,
        894, 579, 544, 533, 615, 488, 459, 631, 623, 252, 319, 520, 420, 855, 646, 662,
        517, 673, 543, 459, 487, 642, 567, 890, 519, 487, 468, 307, 386, 307, 498, 498,
        291, 479, 525, 423, 525, 498, 305, 471, 525, 229, 239, 455, 229, 799, 525, 527,
        525, 525, 349, 391, 335, 525, 452, 715, 433, 453, 395, 314, 460, 314, 498, 250,
        250, 418, 418, 498, 905, 690, 498,
    )),
    "caladea": (1150, 1101, (
        220, 286, 393, 619, 506, 890, 687, 237, 382, 382, 427, 554, 205, 329, 206, 490,
        517, 362, 472, 461, 492, 475, 470, 470, 485, 478, 264, 264, 554, 554, 554, 422,
        885, 599, 579, 519, 625, 540, 509, 539, 696, 343, 304, 630, 501, 888, 693, 599,
        533, 599, 613, 453, 557, 687, 598, 889, 571, 557, 507, 350, 490, 350, 554, 371,
        151, 470, 520, 421, 520, 441, 313, 459, 554, 277, 255, 525, 271, 813, 558, 480,
        520, 501, 396, 392, 325, 546, 470, 720, 483, 482, 428, 387, 316, 387, 712, 221,
        221, 375, 375, 500, 1000, 752, 443,
    )),
    "dejavu-sans": (1164, 1131, (
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, 318,
        318, 518, 518, 500, 1000, 1000, 590,
    )),
    "dejavu-serif": (1164, 1103, (
        318, 402, 460, 838, 636, 950, 890, 275, 390, 390, 500, 838, 318, 338, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 536,
        1000, 722, 735, 765, 802, 730, 694, 799, 872, 395, 401, 747, 664, 1024, 875, 820,
        673, 820, 753, 685, 667, 843, 722, 1028, 712, 660, 695, 390, 337, 390, 838, 500,
        500, 596, 640, 560, 640, 592, 370, 640, 644, 320, 310, 606, 320, 948, 644, 602,
        640, 640, 478, 513, 402, 644, 565, 856, 564, 565, 527, 636, 337, 636, 838, 318,
        318, 511, 511, 500, 1000, 1000, 590,
    )),
    "dejavu-mono": (1164, 1000, (
        602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602,
        602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602,
        602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602,
        602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602,
        602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602,
        602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602, 602,
        602, 602, 602, 602, 602, 602, 602,
    )),
}

# Font names (lower case) LibreOffice replaces by a metric-compatible font, when installed.
_METRIC_NAMES = {
    "times new roman": "liberation-serif", "times": "liberation-serif",
    "liberation serif": "liberation-serif", "tinos": "liberation-serif",
    "arial": "liberation-sans", "helvetica": "liberation-sans",
    "liberation sans": "liberation-sans", "arimo": "liberation-sans",
    "courier new": "liberation-mono", "courier": "liberation-mono",
    "liberation mono": "liberation-mono", "cousine": "liberation-mono",
    "calibri": "carlito", "carlito": "carlito",
    "cambria": "caladea", "caladea": "caladea",
}
_MONO_WORDS = ("mono", "courier", "consola", "code", "typewriter")
_SERIF_WORDS = ("serif", "times", "roman", "cambria", "caladea", "georgia", "garamond", "palatino",
                "book", "century", "constantia", "baskerville", "minion", "charter", "bodoni",
                "cochin", "didot", "lucida bright", "perpetua", "rockwell", "tinos")


@dataclass(frozen=True)
class Font:
    """One font's metrics, in points per point of font size."""

    name: str
    line: float  # the height of a single-spaced line
    bold: float  # how much wider bold text is
    widths: dict[str, float]
    average: float  # a lower-case letter's average width, for characters not in the table

    def width(self, text: str) -> float:
        """The advance width of ``text`` at 1 pt."""
        get = self.widths.get
        total = 0.0
        for ch in text:
            w = get(ch)
            if w is None:
                w = self._other(ch)
            total += w
        return total

    def _other(self, ch: str) -> float:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            return 1.0  # CJK: one em
        if unicodedata.combining(ch):
            return 0.0
        base = unicodedata.normalize("NFD", ch)[:1]  # é -> e
        return self.widths.get(base, self.average)


def _font(name: str) -> Font:
    line, bold, widths = _TABLE[name]
    table = {c: w / 1000 for c, w in zip(_CHARS, widths, strict=True) if w}
    lower = [table[c] for c in "abcdefghijklmnopqrstuvwxyz"]
    return Font(name, line / 1000, bold / 1000, table, sum(lower) / len(lower))


_FONTS = {name: _font(name) for name in _TABLE}


def font_for(name: str | None, environment: str) -> Font:
    """The font LibreOffice lays text in ``name`` out with, in a font environment."""
    key = (name or "Times New Roman").strip().lower()
    if environment == METRIC and key in _METRIC_NAMES:
        return _FONTS[_METRIC_NAMES[key]]
    if any(w in key for w in _MONO_WORDS):
        return _FONTS["dejavu-mono"]
    if any(w in key for w in _SERIF_WORDS):
        return _FONTS["dejavu-serif"]
    return _FONTS["dejavu-sans"]
