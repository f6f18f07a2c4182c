"""``extensions:`` -> Extension: more time for a group or a student on one deliverable."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from checker.coursebuild.base import Builder
from checker.model import Deliverable, Extension, Session, login_key
from checker.timeutil import parse_duration, parse_local


class ExtensionParts(Builder):
    """The extensions granted by staff."""

    def extensions(
        self,
        tz: ZoneInfo,
        deliverables: dict[str, Deliverable | None],
        groups: set[str],
        sessions: tuple[Session, ...],
    ) -> tuple[Extension, ...]:
        out = []
        dates = {s.date for s in sessions}
        for i, e in enumerate(self.data.get("extensions", [])):
            path = ("extensions", i)
            if e["deliverable"] not in deliverables:
                self.problem((*path, "deliverable"), f"{e['deliverable']!r} is not a deliverable "
                             f"({', '.join(deliverables)})")
                continue
            if "group" in e and e["group"] not in groups:
                self.problem((*path, "group"), f"{e['group']!r} is not in `groups:`")
            session = None
            if "session" in e:
                try:
                    session = date.fromisoformat(e["session"])
                except ValueError:
                    session = None
                if session not in dates:
                    self.problem((*path, "session"), f"{e['session']} is not a session date")
            try:
                until = parse_local(e["until"], tz) if "until" in e else None
                extra = parse_duration(e["extra"]) if "extra" in e else None
            except ValueError as exc:
                self.problem(path, str(exc))
                continue
            out.append(Extension(
                deliverable=e["deliverable"],
                group=e.get("group"),
                student=login_key(e["student"]) if "student" in e else None,
                session=session,
                until=until,
                extra=extra,
                reason=e.get("reason"),
            ))
        return tuple(out)
