"""Lines and pages: the mechanics of the DOCX page estimate (``checker.inspect.docxpages``).

``Liner`` fills the lines of one paragraph word by word, as Word and LibreOffice wrap them
(a line breaks at a space or after a hyphen; a word longer than the line is cut), and turns
each line's tallest text or image into its height under the paragraph's line spacing.
``Pages`` places paragraphs and table rows onto the pages (and columns) of each section:
spacing between paragraphs (the larger of after and before, as Word's default; contextual
spacing), page and column breaks, page break before, keep with next, widow and orphan
control, rows that may or may not split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from checker.inspect.docxfonts import Font

PAGE = -1.0  # in a paragraph's lines: a page break
COLUMN = -2.0  # a column break
MIN_TEXT_PT = 18.0  # the narrowest line or page a hostile indent or margin leaves


@dataclass
class Geometry:
    width: float  # of one column, in points
    height: float
    columns: int = 1
    start: str = "nextPage"


@dataclass
class Block:
    """A paragraph or a table row, measured: its lines' heights (PAGE/COLUMN for breaks)."""

    lines: list[float]
    before: float = 0.0
    after: float = 0.0
    style: str | None = None
    keep_next: bool = False
    break_before: bool = False
    widow: bool = False
    contextual: bool = False
    splittable: bool = True
    references: bool = False

    def height(self) -> float:
        return self.before + sum(h for h in self.lines if h > 0) + self.after


class Liner:
    """Greedy line filling of one paragraph, as Word and LibreOffice wrap words."""

    def __init__(self, first: float, rest: float, spacing: tuple[str, int], mark: float,
                 tab: float) -> None:
        self.first, self.rest = first, rest
        self.rule, self.value = spacing
        self.mark = mark  # natural height of an empty line (the paragraph mark's font)
        self.tab = tab
        self.lines: list[float] = []
        self.x = 0.0  # width used on the current line
        self.text_h = 0.0  # tallest text on it
        self.image_h = 0.0  # tallest inline image on it
        self.word = 0.0  # the word being read (words may span runs)
        self.word_h = 0.0
        self.floats: list[float] = []  # room taken by floating images

    def available(self) -> float:
        return self.rest if self.lines else self.first

    def text(self, text: str, font: Font, size: float, bold: bool) -> None:
        scale = size * (font.bold if bold else 1.0)
        height = font.line * size
        for i, part in enumerate(text.split(" ")):
            if i:
                self._end_word()
                self.x += font.width(" ") * scale
            if not part:
                continue
            self.word_h = max(self.word_h, height)
            if "-" not in part:
                self.word += font.width(part) * scale
                continue
            pieces = part.split("-")  # a line may break after a hyphen
            for j, piece in enumerate(pieces):
                last = j == len(pieces) - 1
                self.word += font.width(piece if last else piece + "-") * scale
                if not last:
                    self._end_word()
                    self.word_h = height

    def _end_word(self) -> None:
        if not self.word and not self.word_h:
            return
        if self.x > 0 and self.x + self.word > self.available():
            self._close()
        if self.word > self.available():  # one word longer than the line: cut into lines
            self.text_h = max(self.text_h, self.word_h)
            self.word -= self.available()
            self._close()
            whole = int(self.word // self.rest)
            self.lines.extend([self.lines[-1]] * whole)
            self.word -= whole * self.rest
        self.x += self.word
        self.text_h = max(self.text_h, self.word_h)
        self.word = self.word_h = 0.0

    def tabulate(self, font: Font, size: float) -> None:
        self._end_word()
        self.x = (math.floor(self.x / self.tab) + 1) * self.tab
        self.text_h = max(self.text_h, font.line * size)
        if self.x > self.available():
            self._close()

    def image(self, width: float, height: float) -> None:
        self._end_word()
        if self.x > 0 and self.x + width > self.available():
            self._close()
        self.x += width
        self.image_h = max(self.image_h, height)

    def line_break(self, font: Font, size: float) -> None:
        self._end_word()
        self.text_h = max(self.text_h, font.line * size)
        self._close()

    def page_break(self, marker: float) -> None:
        self._end_word()
        if self.x > 0 or self.text_h or self.image_h:
            self._close()
        self.lines.append(marker)

    def _close(self) -> None:
        text = self.text_h or self.mark
        if self.rule == "exact":
            height = self.value / 20
        elif self.rule == "atLeast":
            height = max(self.value / 20, self.text_h or (0.0 if self.image_h else text),
                         self.image_h)
        elif self.image_h > text * self.value / 240:
            # an image taller than the text: the spacing adds the text's share, not the image's
            height = self.image_h + text * max(self.value / 240 - 1, 0.0)
        else:
            height = text * self.value / 240
        self.lines.append(max(height, 1.0))
        self.x = self.text_h = self.image_h = 0.0

    def finish(self) -> list[float]:
        self._end_word()
        if not (self.lines and self.lines[-1] < 0) or self.x or self.text_h or self.image_h:
            self._close()  # a break that ends the paragraph moves the next one instead
        if self.floats:
            self.lines[1:1] = self.floats
        return self.lines


class Pages:
    """Blocks placed onto pages and columns."""

    def __init__(self, add_spacing: bool = False) -> None:
        self.page = 0
        self.col = 0
        self.y = 0.0
        self.geo = Geometry(468.0, 648.0)
        self.pending_after = 0.0
        self.previous: Block | None = None
        self.references: tuple[int, bool] | None = None  # page index, at the top of it
        self.references_length: float | None = None
        self.break_pending: float | None = None  # a break that ended the previous paragraph
        # the space between two paragraphs: the larger of the one's after and the other's
        # before (Word's HTML-like default), or their sum (doNotUseHTMLParagraphAutoSpacing)
        self.add_spacing = add_spacing

    def length(self) -> float:
        """Pages used so far, fractional (2.5: two pages and half of the third)."""
        used = min(self.y, self.geo.height) / self.geo.height
        return self.page + (self.col + used) / self.geo.columns

    def section(self, geo: Geometry, first: bool) -> None:
        if not first and geo.start in ("nextPage", "oddPage", "evenPage"):
            self.break_pending = None  # a page break just before it makes no page of its own
            self.new_page()  # the blank page an odd/even start may need is not exported
        elif not first and geo.start == "nextColumn":
            self.new_column()
        elif not first and geo.columns != self.geo.columns:
            self.col = 0  # continuous: the new columns start under what is there
        self.geo = geo

    def new_page(self) -> None:
        self.page += 1
        self.col = 0
        self.y = 0.0
        self.pending_after = 0.0

    def new_column(self) -> None:
        self.col += 1
        self.y = 0.0
        self.pending_after = 0.0
        if self.col >= self.geo.columns:
            self.new_page()

    def place(self, block: Block, following: Block | None) -> None:
        height = self.geo.height
        if self.break_pending is not None:
            self._break(self.break_pending)
            self.break_pending = None
        if block.break_before and (self.y > 0 or self.col > 0):
            self.new_page()
        before, after = block.before, self.pending_after
        if self.previous is not None and self.previous.style == block.style:
            before = 0.0 if block.contextual else before
            after = 0.0 if self.previous.contextual else after
        gap = before + after if self.add_spacing else max(before, after)
        if block.keep_next and following is not None and self.y > 0:
            need = (gap + block.height() - block.before + following.before
                    + sum(h for h in following.lines[:2 if following.widow else 1] if h > 0))
            if self.y + need > height >= need:
                self.new_column()
                gap = before
        self.y += gap
        self.pending_after = 0.0
        if block.references and self.references is None:
            self._mark_references(block, gap)
        segment: list[float] = []
        for i, h in enumerate(block.lines):
            if h > 0:
                segment.append(h)
                continue
            self._place_lines(segment, block)
            segment = []
            if i == len(block.lines) - 1:
                self.break_pending = h
            else:
                self._break(h)
        self._place_lines(segment, block)
        self.pending_after = block.after
        self.previous = block

    def _break(self, marker: float) -> None:
        if marker == COLUMN and self.geo.columns > 1:
            self.new_column()
        else:
            self.new_page()

    def _mark_references(self, block: Block, before: float) -> None:
        """Where the references start: their page, and the length of the text before them."""
        first = next((h for h in block.lines if h > 0), 0.0)
        if self.y + first > self.geo.height + 1e-6 and self.y > before:
            self.new_column()
            self.y = before
        at_top = self.col == 0 and self.y <= before + 1e-6
        self.references = (self.page, at_top)
        self.references_length = float(self.page) if at_top else self.length()

    def _place_lines(self, lines: list[float], block: Block) -> None:
        height = self.geo.height
        i, n = 0, len(lines)
        while i < n:
            room = height - self.y
            k, used = 0, 0.0
            while i + k < n and used + lines[i + k] <= room + 1e-6:
                used += lines[i + k]
                k += 1
            if i + k == n:
                self.y += used
                return
            if not block.splittable and self.y > 0:
                self.new_column()
                continue
            if block.widow and n >= 2:
                if i == 0 and k == 1:
                    k = 0  # a lone first line (an orphan) goes with the rest
                elif n - (i + k) == 1 and k >= 1:
                    k -= 1  # a lone last line (a widow) takes one more with it
                    if i == 0 and k == 1:
                        k = 0
            if k == 0 and self.y == 0:
                k = 1  # taller than a column: it goes here anyway
            self.y += sum(lines[i:i + k])
            i += k
            while self.y > height + 1e-6 and not block.splittable:
                rest = self.y - height  # a row taller than a page runs onto the next ones
                self.new_column()
                self.y = rest
            if i < n:
                self.new_column()
