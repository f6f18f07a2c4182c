"""``deliverables:`` -> Deliverable: the due rule, late policy, limits, layout, path template."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from checker.coursebuild.base import Builder
from checker.model import (
    Course,
    Deliverable,
    Due,
    LatePolicy,
    LayoutRule,
    Limits,
    PageRule,
    Section,
    ZipRule,
)
from checker.timeutil import parse_duration, parse_local

PLACEHOLDERS = {"group", "student", "session", "ext"}


def layout_rule(spec: dict[str, Any]) -> LayoutRule:
    """A deliverable's ``layout:`` (paper, columns, body_font_pt, margins_in)."""
    font = spec.get("body_font_pt") or {}
    margin = (spec.get("margins_in") or {}).get("min")
    return LayoutRule(
        paper=tuple(str(p).lower() for p in spec.get("paper", [])),
        columns=spec.get("columns"),
        body_font_min=font.get("min"),
        body_font_max=font.get("max"),
        min_margin_pt=float(margin) * 72 if margin is not None else None,
    )


def _has_setting(spec: dict[str, Any], dotted: str) -> bool:
    node: Any = spec
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


class DeliverableParts(Builder):
    """Each deliverable (``build`` calls ``deliverable`` for every entry) and the
    path templates of them all (``check_templates``)."""

    def limits(self, spec: dict[str, Any], base: Limits, path: tuple[Any, ...]) -> Limits:
        """schedule.yaml's ``limits:`` (MB and seconds) over ``base`` (course or defaults)."""
        mb = 2**20
        return replace(
            base,
            max_bytes=int(spec.get("max_file_mb", base.max_bytes / mb) * mb),
            cpu_seconds=int(spec.get("cpu_seconds", base.cpu_seconds)),
            memory_bytes=int(spec.get("memory_mb", base.memory_bytes // mb)) * mb,
            max_entries=int(spec.get("zip_max_entries", base.max_entries)),
            max_uncompressed_bytes=int(spec.get("zip_max_uncompressed_mb",
                                                base.max_uncompressed_bytes // mb)) * mb,
            max_ratio=int(spec.get("zip_max_ratio", base.max_ratio)),
            pdf_max_pages=int(spec.get("pdf_max_pages", base.pdf_max_pages)),
            convert_seconds=int(spec.get("convert_seconds", base.convert_seconds)),
        )

    def due(self, spec: Any, tz: ZoneInfo, path: tuple[Any, ...]) -> Due | None:
        try:
            if isinstance(spec, str):
                return Due(at=parse_local(spec, tz))
            return Due(anchor=spec["from"], offset=parse_duration(spec.get("offset", "0")),
                       group_session=spec.get("group_session"))
        except ValueError as exc:
            self.problem(path, str(exc))
            return None

    def deliverable(
        self, key: str, spec: dict[str, Any], tz: ZoneInfo, limits: Limits
    ) -> Deliverable | None:
        path = ("deliverables", key)
        due = self.due(spec["due"], tz, (*path, "due"))
        sessions = spec.get("sessions")
        if due is not None and due.group_session is not None and sessions is not None:
            self.problem((*path, "due", "group_session"), "a deadline at the group's own "
                         "session goes without `sessions:` (the path names no session)")
        if due is not None and due.group_session is not None:
            if not any(s.get("kind") == due.group_session for s in self.data["sessions"]):
                self.problem((*path, "due", "group_session"), f"no session has kind "
                             f"{due.group_session!r}")
        elif due is not None and due.anchor is not None and sessions is None:
            self.problem((*path, "due"), "a deadline relative to a session needs `sessions:`")
        if due is not None and due.at is not None and sessions is not None:
            pass  # an absolute deadline shared by every session is allowed
        pages = spec.get("pages")
        zip_spec = spec.get("zip")
        try:
            grace = parse_duration(spec.get("grace", "0"))
        except ValueError as exc:
            self.problem((*path, "grace"), str(exc))
            grace = timedelta(0)
        late = self.late(spec.get("late"), tz, (*path, "late"), due)
        choices = tuple((k, v) for k, v in spec.get("staff_choices", {}).items())
        for setting, _why in choices:
            if not _has_setting(spec, setting):
                self.problem((*path, "staff_choices", setting),
                             f"{setting!r} is not a setting of deliverables.{key}; name one it "
                             "has, such as pages.references_count")
        if due is None:
            return None
        return Deliverable(
            id=key,
            title=spec.get("title", key.replace("_", " ").capitalize()),
            path=spec["path"],
            formats=tuple(spec["formats"]),
            due=due,
            owner=spec.get("owner", "group"),
            sessions=sessions,
            grace=grace,
            pages=PageRule(pages.get("min"), pages.get("max"), pages.get("references_count", True))
            if pages
            else None,
            sections=tuple(
                Section(s["name"], tuple(s.get("aliases", [])), bool(s.get("optional", False)))
                for s in spec.get("sections", [])
            ),
            members_named=spec.get("members_named", False),
            zip=ZipRule(readme=zip_spec.get("readme", True)) if zip_spec is not None else None,
            layout=layout_rule(spec["layout"]) if "layout" in spec else None,
            questions_per_reading=spec.get("questions_per_reading", 0),
            exempt=tuple(spec.get("exempt", [])),
            limits=self.limits(spec.get("limits", {}), limits, (*path, "limits")),
            late=late,
            set_by=spec.get("set_by", "page"),
            staff_choices=choices,
            note=spec.get("note"),
        )

    def late(self, spec: dict[str, Any] | None, tz: ZoneInfo, path: tuple[Any, ...],
             due: Due | None) -> LatePolicy:
        """``late:`` -> LatePolicy, with the checks the schema cannot make."""
        if not spec:
            return LatePolicy()
        closes_at = closes_after = None
        closes = spec.get("closes")
        if closes is not None:
            try:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", closes):
                    closes_at = parse_local(closes, tz)
                else:
                    closes_after = parse_duration(closes)
            except ValueError as exc:
                self.problem((*path, "closes"), str(exc))
            if closes_after is not None and closes_after <= timedelta(0):
                self.problem((*path, "closes"), f"{closes!r} must be a positive duration after "
                             "the deadline, such as 72h")
            if closes_at is not None and due is not None:
                if due.at is None:
                    self.problem((*path, "closes"), "a per-session deadline needs a duration "
                                 "after it (such as 48h), not a date")
                elif closes_at <= due.at:
                    self.problem((*path, "closes"), f"{closes} is not after the deadline "
                                 f"({due.at.isoformat()})")
        counted = spec.get("counted", True)
        per_day = float(spec.get("penalty_per_day", 0))
        if not counted and per_day:
            self.problem((*path, "penalty_per_day"), "late work that is not counted cannot "
                         "also have a penalty; drop one of the two")
        if "max_penalty" in spec and not per_day:
            self.problem((*path, "max_penalty"), "needs penalty_per_day")
        return LatePolicy(counted=counted, closes_at=closes_at, closes_after=closes_after,
                          penalty_per_day=per_day,
                          max_penalty=float(spec.get("max_penalty", 100)))

    def check_templates(self, course: Course) -> None:
        prefix = course.submissions_dir + "/"
        seen: dict[str, str] = {}
        for key, d in course.deliverables.items():
            path = ("deliverables", key, "path")
            names = set(re.findall(r"{([^}]*)}", d.path))
            unknown = names - PLACEHOLDERS
            if unknown:
                self.problem(path, f"unknown placeholder(s) {sorted(unknown)}; use {{group}}, "
                             "{student}, {session}, {ext}")
            owner = "student" if d.owner == "student" else "group"
            if owner not in names:
                self.problem(path, f"must contain {{{owner}}} (owner: {d.owner})")
            if ("session" in names) != d.per_session:
                self.problem(path, "{session} goes with `sessions:` and only with it")
            if not d.path.startswith(prefix):
                self.problem(path, f"must start with {prefix}")
            shape = re.sub(r"{[^}]*}", "*", d.path)
            if shape in seen:
                self.problem(path, f"has the same shape as deliverables.{seen[shape]}.path; "
                             "a file must belong to one deliverable")
            seen[shape] = key
            if "ext" not in names and len(d.formats) != 1:
                self.problem(path, "lists several formats but has no {ext}")
