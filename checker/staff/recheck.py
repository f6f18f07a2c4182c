"""Where the record built from the bot's comments disagrees with the record rebuilt from
GitHub's own facts (``gradebook --recheck``; the rebuild is ``checker.commands.rebuild``).

Pure: two lists of rows in, the rows that differ out. Compared per deliverable instance: the
status, the pull request and path that count, when it was submitted (within ``TOLERANCE``), how
late, its page count and its error count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from checker.staff.core import Key, Row, key_of
from checker.staff.gradebook import record

# a receipt run is created a moment after the push it records, and the event a moment before
TOLERANCE = timedelta(minutes=2)
COMPARED = ("status", "pr", "path", "submitted_at", "late_seconds", "pages", "errors")


@dataclass(frozen=True)
class Disagreement:
    key: Key
    owner: str
    fields: tuple[tuple[str, Any, Any], ...]  # (column, the comment's value, the facts' value)

    def describe(self) -> str:
        deliverable, _, _, session = self.key
        what = f"{deliverable} of {self.owner}" + (f" ({session})" if session else "")
        diffs = "; ".join(f"{name}: the bot's comment says {_text(pub)}, GitHub's facts say "
                          f"{_text(new)}" for name, pub, new in self.fields)
        return f"{what}: {diffs}"


def _text(value: Any) -> str:
    return "nothing" if value in (None, "") else str(value)


def compare(published: list[Row], rebuilt: list[Row], tz: ZoneInfo) -> list[Disagreement]:
    """Every row where the record built from the bot's comments differs from the facts'."""
    before = {key_of(r.target): r for r in published}
    out = []
    for row in rebuilt:
        old = before.get(key_of(row.target))
        new_rec = record(row, tz)
        old_rec = record(old, tz) if old is not None else {}
        diffs = tuple((name, old_rec.get(name), new_rec[name]) for name in COMPARED
                      if not _same(name, old_rec.get(name), new_rec[name]))
        if diffs:
            out.append(Disagreement(key_of(row.target), row.owner, diffs))
    return out


def _same(name: str, old: Any, new: Any) -> bool:
    if name == "submitted_at" and old and new:
        return abs(datetime.fromisoformat(old) - datetime.fromisoformat(new)) <= TOLERANCE
    if name == "late_seconds" and isinstance(old, int) and isinstance(new, int):
        return abs(old - new) <= TOLERANCE.total_seconds()
    return bool(old == new)
