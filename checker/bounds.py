"""Bounds on what the checker writes: every string valid Unicode, every list and text capped.

Submitted bytes reach the result through file names, PDF text and archive entry names. A lone
surrogate (a PDF font mapping to half a UTF-16 pair, a file name that is not UTF-8 read with
``surrogateescape``) cannot be encoded as UTF-8, so it would crash a reporter or leave an empty
``result.json``; a 64 KB entry name repeated in 400 findings would blow up the comment. Here
strings are cleaned and clipped, and lists cut with a count of what was left out, in one place
for the worker's reply and the result (``checker.findings.bound_findings`` cuts lists of
findings).
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
