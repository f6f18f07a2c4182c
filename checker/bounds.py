"""Bounds on what the checker writes: every string valid Unicode, every list and text capped.

Submitted bytes reach the result through file names, PDF text and archive entry names. A lone
surrogate (a PDF font mapping to half a UTF-16 pair, a file name that is not UTF-8 read with
``surrogateescape``) cannot be encoded as UTF-8, so it would crash a reporter or leave an empty
``result.json``; a 64 KB entry name repeated in 400 findings would blow up the comment. Here
strings are cleaned and clipped, and lists cut with a count of what was left out, in one place
for the worker's reply and the result (``checker.findings.bound_findings`` cuts lists of
findings).

Every finding's message and hint is made inert where the finding is made (:func:`inert`, called
by ``checker.findings.Finding``): whatever a file put into a name or a heading, no consumer of a
message (the terminal, ``::error`` annotations, the JSON, a page that shows it) receives a
control sequence, a bidirectional override or an HTML tag from it.
"""

from __future__ import annotations

import re
from typing import Any

MAX_MESSAGE_CHARS = 4000  # result.schema.json: finding message and hint
MAX_PATH_CHARS = 1024  # result.schema.json: file path
MAX_FINDINGS_PER_FILE = 200  # result.schema.json: findings of one file
MAX_PR_FINDINGS = 1000  # result.schema.json: PR-level findings
MAX_NAME_CHARS = 200  # one submitted name (archive entry, heading) quoted inside a message

_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogate(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return "\ufffd"


def clean(text: str) -> str:
    """``text`` with lone surrogates replaced: undecodable bytes as ``\\xNN``, others as U+FFFD."""
    return _SURROGATE.sub(_replace_surrogate, text) if _SURROGATE.search(text) else text


# What changes how a terminal or a page shows the text after it: C0 controls (ESC starts ANSI
# and OSC sequences, BEL ends OSC ones, CR rewrites a line), DEL, C1 controls (U+009B is a
# one-character CSI), the bidirectional marks, embeddings, overrides and isolates (U+202E shows
# "txt.exe" as "exe.txt"), and the line and paragraph separators. Shown as Python escapes.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069]")
_UNSAFE_KEEP_LINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028"
                                "\u2029\u202a-\u202e\u2066-\u2069]")
# A "<" that starts markup: a comment or CDATA section, an end tag (``</script>`` ends the
# element a page put the text in), a tag with attributes (``<img src=x onerror=...>``, on any
# element name) or any HTML element. The checker's own placeholders (``submissions/<group>/``)
# are no HTML element, and ``<!DOCTYPE>`` in a message is a bogus comment to a browser: they
# stay as they are.
_TAG = re.compile(r"<(?:(?=/|!--|!\[)|(?=([A-Za-z][A-Za-z0-9-]*)([\s/>]|$)))")
_HTML_ELEMENTS = frozenset((
    "a", "abbr", "acronym", "address", "applet", "area", "article", "aside", "audio", "b", "base",
    "basefont", "bdi", "bdo", "bgsound", "big", "blink", "blockquote", "body", "br", "button",
    "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data", "datalist", "dd",
    "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "embed", "fieldset",
    "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4",
    "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "image", "img", "input",
    "ins", "isindex", "kbd", "keygen", "label", "legend", "li", "link", "listing", "main", "map",
    "mark", "marquee", "math", "menu", "menuitem", "meta", "meter", "multicol", "nav", "nextid",
    "nobr", "noembed", "noframes", "noscript", "object", "ol", "optgroup", "option", "output", "p",
    "param", "picture", "plaintext", "portal", "pre", "progress", "q", "rb", "rp", "rt", "rtc",
    "ruby", "s", "samp", "script", "search", "section", "select", "slot", "small", "source",
    "spacer", "span", "strike", "strong", "style", "sub", "summary", "sup", "svg", "table",
    "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track",
    "tt", "u", "ul", "var", "video", "wbr", "xmp"
))
_INERT_LT = "\u2039"  # SINGLE LEFT-POINTING ANGLE QUOTATION MARK: looks like "<", starts nothing


def _escape(m: re.Match[str]) -> str:
    return repr(m.group())[1:-1]


def _markup(m: re.Match[str]) -> str:
    name, after = m.group(1), m.group(2)
    if name is None or after not in (">", "") or name.lower() in _HTML_ELEMENTS:
        return _INERT_LT
    return "<"


def inert(text: str, *, lines: bool = False) -> str:
    """``text`` safe to show anywhere as plain text: control characters, bidirectional
    controls (as ``\\x1b``, ``\\u202e``) and the ``<`` of markup (as U+2039) neutralised.
    ``lines`` keeps newlines (hints the checker writes on several lines). Applying it twice
    changes nothing more."""
    pattern = _UNSAFE_KEEP_LINES if lines else _UNSAFE
    if pattern.search(text):
        text = pattern.sub(_escape, text)
    if "<" in text:
        text = _TAG.sub(_markup, text)
    return text


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, saying how many were left out."""
    text = clean(text)
    if len(text) <= limit:
        return text
    note = f"… [{len(text) - limit:,} more characters]"
    keep = max(limit - len(note) - 20, 0)
    note = f"… [{len(text) - keep:,} more characters]"
    return text[:keep] + note


def shown(name: str, limit: int = MAX_NAME_CHARS) -> str:
    """A submitted name quoted for a message: ``repr`` form, clipped."""
    return clip(repr(name), limit)


def clean_json(value: Any) -> Any:
    """A JSON-ready value with every string (keys too) cleaned of lone surrogates."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    return value
