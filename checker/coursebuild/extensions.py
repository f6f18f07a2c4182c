"""``extensions:`` -> Extension: more time for a group or a student on one deliverable."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from checker import yamlfile
from checker.coursebuild.base import Builder
from checker.model import Deliverable, Extension, Session, login_key
from checker.timeutil import parse_duration, parse_local


class ExtensionParts(Builder):
    """The extensions granted by staff: schedule.yaml's, and those of the staff's own
    ``extensions.yaml`` (``self.extra``), which remember how they were written."""

    def extensions(
        self,
        tz: ZoneInfo,
        deliverables: dict[str, Deliverable | None],
        groups: set[str],
        sessions: tuple[Session, ...],
    ) -> tuple[Extension, ...]:
        out: list[Extension] = []
        dates = {s.date for s in sessions}
        sources = [(self.doc, self.data.get("extensions", []))]
        if self.extra is not None:
            sources.append((self.extra, self.extra.data.get("extensions") or []))
        for doc, items in sources:
            out += self._extensions(doc, items, tz, deliverables, groups, dates)
        return tuple(out)

    def _extensions(self, doc: yamlfile.YamlDocument, items: list[dict[str, Any]],
                    tz: ZoneInfo, deliverables: dict[str, Deliverable | None],
                    groups: set[str], dates: set[date]) -> list[Extension]:
        out = []
        staff_only = doc is self.extra
        for i, e in enumerate(items):
            path = ("extensions", i)
            if e["deliverable"] not in deliverables:
                self.problem((*path, "deliverable"), f"{e['deliverable']!r} is not a deliverable "
                             f"({', '.join(deliverables)})", doc)
                continue
            if "group" in e and e["group"] not in groups:
                self.problem((*path, "group"), f"{e['group']!r} is not in `groups:`", doc)
            session = None
            if "session" in e:
                try:
                    session = date.fromisoformat(e["session"])
                except ValueError:
                    session = None
                if session not in dates:
                    self.problem((*path, "session"), f"{e['session']} is not a session date",
                                 doc)
            try:
                until = parse_local(e["until"], tz) if "until" in e else None
                extra = parse_duration(e["extra"]) if "extra" in e else None
            except ValueError as exc:
                self.problem(path, str(exc), doc)
                continue
            out.append(Extension(
                deliverable=e["deliverable"],
                group=e.get("group"),
                student=login_key(e["student"]) if "student" in e else None,
                session=session,
                until=until,
                extra=extra,
                reason=e.get("reason"),
                # as written, without the reason: what setup hands the group's repository
                spec=tuple((k, str(v)) for k, v in e.items() if k != "reason")
                if staff_only else (),
            ))
        return out
