"""Whether the text PDFium reads from a PDF is text at all (pure: strings in, verdicts out).

A PDF can look right in a viewer and still carry no text the checker can read:
- no text layer: a scan or a photo of the pages, or text drawn as outlines;
- text that does not decode: fonts without a Unicode map (dvips' Type 3 bitmap fonts, some
  symbol fonts), whose character codes PDFium can only hand over as they are. They come out as
  control characters, private-use code points and stray letters and punctuation
  (``"PG\\x08\\t\\x134% P"``, ``"A B C D E F G D"``).

The test is the share of the text's characters that stand in *words*: whitespace-separated
tokens of two or more letters (any script; combining marks, inner hyphens and apostrophes
allowed; punctuation around them ignored). On the 182 papers of ``bench/bench_references.py``
with real text it is 0.68 or more (the lowest: mathematics), on the corpus PDFs with text 0.51
or more (a ReportLab form of 59 characters); on the 8 papers whose fonts have no Unicode map
it is 0.00 to 0.01 (``bench/RESULTS-headings-references.md``). :data:`WORD_SHARE_MIN` sits in
that gap. Text decoded into letters that only look like words (a font mapping its glyphs onto
the alphabet in another order) passes this test: only reading the words could tell. So does
a scan that carries a line of real text (a scanner app's watermark), and a document is judged
as a whole: a scanned page among typed ones is not found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from checker.findings import Finding, warning

RULE = "pdf.text-unreadable"
WORD_SHARE_MIN = 0.25  # below this share of characters in words, the text does not decode
NO_TEXT = "no-text"
UNDECODABLE = "undecodable"

# Tokens: split at spaces and at CJK/full-width punctuation (Chinese and Japanese put no space
# between words; their punctuation is inside what would otherwise be one token)
_TOKENS = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")
_EDGE = ".,;:!?()[]{}<>\"'`*\u2013\u2014\u201c\u201d\u2018\u2019\u00ab\u00bb"
_INNER = frozenset("-'\u2019.\u00b7")


def is_unreadable_char(c: str) -> bool:
    """A control character (not whitespace), a private-use or unassigned code point, a lone
    surrogate, or the replacement character: what undecodable fonts come out as."""
    if c.isspace():
        return False
    return c == "\ufffd" or unicodedata.category(c) in ("Cc", "Co", "Cn", "Cs")


def _is_word(token: str) -> bool:
    core = token.strip(_EDGE)
    if len(core) < 2 or not (core[0].isalpha() and core[-1].isalpha()):
        return False
    return all(c.isalpha() or c in _INNER or unicodedata.category(c)[0] == "M" for c in core)


def counts(text: str) -> tuple[int, int, int]:
    """(characters in words, characters other than spaces, strays: letters outside words
    and unreadable characters)."""
    words = total = strays = 0
    for token in _TOKENS.split(text):
        total += len(token)
        if _is_word(token):
            words += len(token)
        else:
            strays += sum(1 for c in token if c.isalpha() or is_unreadable_char(c))
    return words, total, strays


def assess(pages_text: Iterable[str]) -> str | None:
    """``NO_TEXT`` when no page has a word nor a stray (a page number is neither),
    ``UNDECODABLE`` when under :data:`WORD_SHARE_MIN` of the characters are in words, else
    None."""
    words = total = strays = 0
    for text in pages_text:
        w, t, s = counts(text)
        words, total, strays = words + w, total + t, strays + s
    if words == 0 and strays == 0:
        return NO_TEXT
    if words < WORD_SHARE_MIN * total:
        return UNDECODABLE
    return None


def readable_heading(text: str) -> bool:
    """A heading that can be shown and matched: at least one word, no unreadable character."""
    if any(is_unreadable_char(c) for c in text):
        return False
    return any(_is_word(token) for token in _TOKENS.split(text))


def readable_headings(headings: Iterable[str]) -> list[str]:
    """The headings without their unreadable characters (a symbol of a font with no Unicode
    map: "3 The \x01 Protocol" is "3 The Protocol"); those left without a word are dropped."""
    out = []
    for heading in headings:
        if any(is_unreadable_char(c) for c in heading):
            heading = " ".join("".join(" " if is_unreadable_char(c) else c
                                       for c in heading).split())
        if readable_heading(heading):
            out.append(heading)
    return out


_CONSEQUENCE = ("so the checker cannot see its headings, where its references start or the "
                "names in it: required sections, the references (every page counts toward a "
                "page limit) and the members' names are not checked.")


def finding(path: str, reason: str, pages: int) -> Finding:
    """``pdf.text-unreadable`` (a warning: the course asks for no text layer; the checker says
    what it could not check and how to make the text readable)."""
    of_pages = f"{pages} page" + ("" if pages == 1 else "s")
    if reason == NO_TEXT:
        return warning(
            RULE,
            f"{path} has no text the checker can read: PDFium finds no text layer in its "
            f"{of_pages} (what they show is images, such as a scan or a photo, or text turned "
            f"into outlines), {_CONSEQUENCE}",
            "Submit the PDF your editor exports (Word: File → Save As → PDF; Google Docs: "
            "File → Download → PDF; LaTeX: pdflatex), whose text can be selected in a PDF "
            "viewer. If all you have is a scan, add a text layer with OCR, e.g. "
            "`ocrmypdf in.pdf out.pdf`, and submit out.pdf.",
            path,
        )
    return warning(
        RULE,
        f"{path}: the text of its {of_pages} cannot be decoded: its fonts carry no Unicode map "
        "(as dvips' Type 3 bitmap fonts do), so the characters come out as symbols and "
        f"control codes instead of words, {_CONSEQUENCE}",
        "Export the PDF again with embedded fonts that map to Unicode: from LaTeX, build with "
        "pdflatex (or `dvips -Ppdf` with Type 1 fonts such as lmodern/cm-super); from Word or "
        "Google Docs, save or download as PDF. Check that text copied from the PDF reads "
        "right. Failing that, run OCR over it: `ocrmypdf --force-ocr in.pdf out.pdf`.",
        path,
    )
