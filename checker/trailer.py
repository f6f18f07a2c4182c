"""The hidden trailer of the bot's own comment, where the checker keeps its record (pure).

The bot comment has one fixed layout::

    <!-- submission-checker:comment v1 -->        first line (``MARKER``)
    ... the visible report, every submitted string escaped ...
    <!-- submission-checker:state BASE64 -->      second-to-last line
    <!-- submission-checker:files BASE64 -->      last line

Blocks are read only at these places: the last line must be the files block and the line
before it the state block (comments written before the files block existed end with the state
block). A block-shaped line anywhere else (inside the report, in someone else's comment,
twice in one body) is never read. Callers check first that the comment is the bot's own
(``checker.github.comment.is_ours``).

The state block's JSON is ``{"v": 1, "files": {path: {blob: first-seen}}, "record_head": SHA,
"checked_head": SHA, "complete": bool}``:

- ``files``: the history state (``checker.github.history``);
- ``record_head``: the PR head commit the per-file record (``files`` and the files block) was
  computed for;
- ``checked_head`` / ``complete``: the head of the last check published and whether it
  completed; ``complete: false`` means it failed (crashed, wrote no valid result, or the
  result did not match its event) and the record is the one kept from ``record_head``.

The staff tools read ``CheckMark`` from here: a pull request whose last check did not
complete, or whose head moved since ``record_head``, is unverified.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
STATE = re.compile(r"<!-- submission-checker:state ([A-Za-z0-9+/=]{1,60000}) -->")
FILES = re.compile(r"<!-- submission-checker:files ([A-Za-z0-9+/=]{1,60000}) -->")


@dataclass(frozen=True)
class CheckMark:
    """What the last published check says about the record (see the module doc)."""

    record_head: str | None = None  # None: unknown (a comment older than this field)
    checked_head: str | None = None
    complete: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"record_head": self.record_head, "checked_head": self.checked_head,
                "complete": self.complete}


def encode(kind: str, payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return f"<!-- submission-checker:{kind} {base64.b64encode(raw).decode()} -->"


def lines(body: str | None) -> tuple[str | None, str | None]:
    """(state line, files line) at their fixed places at the end of ``body``, or None."""
    rows = (body or "").rstrip("\n").split("\n")
    files = rows[-1] if FILES.fullmatch(rows[-1]) else None
    rest = rows[:-1] if files is not None else rows
    state = rest[-1] if rest and STATE.fullmatch(rest[-1]) else None
    return state, files


def _decode(line: str | None, pattern: re.Pattern[str]) -> object:
    m = pattern.fullmatch(line or "")
    if m is None:
        return None
    try:
        return json.loads(base64.b64decode(m.group(1), validate=True))
    except (ValueError, binascii.Error):
        return None


def state_payload(body: str | None) -> object:
    """The decoded JSON of the state block at its fixed place, or None."""
    return _decode(lines(body)[0], STATE)


def files_payload(body: str | None) -> object:
    """The decoded JSON of the files block at its fixed place (the last line), or None."""
    return _decode(lines(body)[1], FILES)


def parse_mark(raw: object) -> CheckMark:
    """The check fields of a state payload; a malformed one is an incomplete check."""
    if not isinstance(raw, dict):
        return CheckMark()
    if not any(k in raw for k in ("record_head", "checked_head", "complete")):
        return CheckMark()  # written before these fields existed
    heads = [raw.get("record_head"), raw.get("checked_head")]
    complete = raw.get("complete")
    if any(h is not None and not (isinstance(h, str) and _SHA.fullmatch(h)) for h in heads) \
            or not isinstance(complete, bool):
        return CheckMark(None, None, False)
    return CheckMark(heads[0], heads[1], complete)


def decode_mark(body: str | None) -> CheckMark:
    return parse_mark(state_payload(body))
