"""``sessions:`` and ``lectures:`` -> Session: dates, times, readings and the groups' roles."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from checker.coursebuild.base import Builder
from checker.model import Course, Reading, Session
from checker.timeutil import localize

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ROLES = ("presenter", "summary", "reviewer")


class SessionParts(Builder):
    """The dated sessions (``sessions``) and every group's roles across them
    (``check_roles``)."""

    def sessions(self, tz: ZoneInfo, groups: set[str]) -> tuple[Session, ...]:
        lectures = self.data["lectures"]
        days = {WEEKDAYS.index(d) for d in lectures["days"]}
        out: list[Session] = []
        seen: set[date] = set()
        assigned: dict[str, dict[str, str]] = {}  # kind -> group -> date
        for i, s in enumerate(self.data["sessions"]):
            path = ("sessions", i)
            try:
                day = date.fromisoformat(s["date"])
            except ValueError:
                self.problem((*path, "date"), f"{s['date']!r} is not a real date")
                continue
            if day in seen:
                self.problem((*path, "date"), f"{day} appears twice; merge the two sessions")
            seen.add(day)
            if out and day < out[-1].date:
                self.problem((*path, "date"),
                             f"{day} comes after {out[-1].date}; keep dates in order")
            if day.weekday() not in days:
                self.problem((*path, "date"), f"{day} is a {WEEKDAYS[day.weekday()]}, not a "
                             f"lecture day ({', '.join(lectures['days'])})")
            start_t = time.fromisoformat(s.get("start", lectures["start"]))
            end_t = time.fromisoformat(s.get("end", lectures["end"]))
            if end_t <= start_t:
                self.problem(path, "the session ends before it starts")
            try:
                start = localize(datetime.combine(day, start_t), tz)
                end = localize(datetime.combine(day, end_t), tz)
            except ValueError as exc:
                self.problem(path, str(exc))
                continue
            for role in ROLES:
                if s.get(role) is not None and s[role] not in groups:
                    self.problem((*path, role), f"{s[role]!r} is not in `groups:`")
            out.append(Session(
                date=day,
                kind=s["kind"],
                title=s.get("title"),
                unit=s.get("unit"),
                start=start,
                end=end,
                readings=tuple(
                    Reading(r["title"], r.get("required", False), r.get("short"), r.get("note"))
                    for r in s.get("readings", [])
                ),
                presenter=s.get("presenter"),
                summary=s.get("summary"),
                reviewer=s.get("reviewer"),
                led_by=s.get("led_by"),
                location=s.get("location", lectures.get("location")),
                groups=tuple(s.get("groups", [])),
                presenters=s.get("presenters"),
            ))
            for j, g in enumerate(s.get("groups", [])):
                if g not in groups:
                    self.problem((*path, "groups", j), f"{g!r} is not in `groups:`")
                elif g in assigned.get(s["kind"], {}):
                    self.problem((*path, "groups", j), f"group {g} is already assigned to the "
                                 f"{s['kind']} session on {assigned[s['kind']][g]}")
                else:
                    assigned.setdefault(s["kind"], {})[g] = day.isoformat()
        return tuple(out)

    def check_roles(self, course: Course) -> None:
        """Every group presents at least once and summarises at least once ("each group will
        be assigned at least one lecture", "summaries for at least one lectures") and reviews
        exactly once ("one slot"); a session beyond one per group may have no reviewer."""
        for role in ROLES:
            counts: dict[str, list[str]] = {g: [] for g in course.groups}
            for s in course.sessions:
                g = s.group_for(role)  # type: ignore[arg-type]
                if g in counts:
                    counts[g].append(s.id)
            for g, days in counts.items():
                where = ", ".join(days) if days else "no session"
                if role == "reviewer" and len(days) != 1:
                    self.problem(("sessions",), f"group {g} has the reviewer role {len(days)} "
                                 f"times ({where}); every group reviews exactly once")
                elif not days:
                    self.problem(("sessions",), f"group {g} has no session with the {role} "
                                 f"role; every group takes it at least once")
        for i, s in enumerate(course.sessions):
            roles = [g for g in (s.presenter, s.summary, s.reviewer) if g]
            if len(set(roles)) != len(roles):
                self.problem(("sessions", i),
                             f"{s.id}: one group has two roles in the same session")
