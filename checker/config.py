"""Load schedule.yaml and the group declarations into the course model.

Every problem names the file, the YAML path and line, and what is expected; all of them are
collected before anything is reported. A broken schedule raises ConfigError (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checker import yamlfile
from checker.errors import ConfigError
from checker.model import (
    Course,
    Deliverable,
    Due,
    Extension,
    GradeCategory,
    GroupDeclaration,
    LatePolicy,
    LayoutRule,
    Limits,
    Member,
    PageRule,
    Reading,
    Repositories,
    Roster,
    Section,
    Session,
    ZipRule,
    is_login,
    login_key,
    parse_day,
)
from checker.timeutil import localize, parse_duration, parse_local
from checker.yamlfile import Problem

SCHEDULE_FILE = "schedule.yaml"
EXTENSIONS_FILE = "extensions.yaml"  # the staff's own (docs/topology.md)
GROUP_FILE = "group.yaml"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
PLACEHOLDERS = {"group", "student", "session", "ext"}
ROLES = ("presenter", "summary", "reviewer")


class ScheduleError(ConfigError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = f"{problems[0].file} has {len(problems)} problem(s):" if problems else "invalid"
        super().__init__("\n".join([head, *(f"  {p}" for p in problems)]))


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


def load_course(root: Path, *, cached: bool = True, extensions: str | None = None,
                extensions_source: str = EXTENSIONS_FILE) -> Course:
    """The course of ``root``'s schedule.yaml; ``cached``: see ``checker.schemacache``.

    Staff may keep extensions out of schedule.yaml (which every reader of the course
    repository can read) in ``extensions.yaml`` beside it, a file of the staff's own checkout
    (topology: private, docs/topology.md): its ``extensions:`` count as well. ``extensions``
    gives that text instead (``extensions_source`` names where it came from)."""
    path = root / SCHEDULE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: not found; run from the course repository or pass --root DIR"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    if extensions is None and (root / EXTENSIONS_FILE).is_file():
        try:
            extensions = (root / EXTENSIONS_FILE).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{root / EXTENSIONS_FILE}: cannot be read ({exc})") from None
    return parse_course(text, SCHEDULE_FILE, cached=cached, extensions=extensions,
                        extensions_source=extensions_source)


def parse_course(text: str, file: str = SCHEDULE_FILE, *, cached: bool = True,
                 extensions: str | None = None,
                 extensions_source: str = EXTENSIONS_FILE) -> Course:
    doc, problems = yamlfile.load(text, file)
    if doc is None:
        raise ScheduleError(problems)
    problems = yamlfile.validate(doc, "schedule.schema.json", cached=cached)
    if problems:
        raise ScheduleError(problems)
    extra = None
    if extensions is not None:
        extra, problems = _extensions_document(doc, extensions, extensions_source)
        if problems:
            raise ScheduleError(problems)
    builder = _CourseBuilder(doc, extra)
    course = builder.build()
    if builder.problems:
        raise ScheduleError(builder.problems)
    assert course is not None
    return course


def _extensions_document(schedule: yamlfile.YamlDocument, text: str, file: str
                         ) -> tuple[yamlfile.YamlDocument | None, list[Problem]]:
    """The staff's own extensions file: ``extensions:`` (as in schedule.yaml) and nothing
    else, each entry held to schedule.yaml's schema."""
    doc, problems = yamlfile.load(text, file)
    if doc is None:
        return None, problems
    data = doc.data
    if not isinstance(data, dict) or set(data) - {"extensions"}:
        return None, [Problem(file, doc.line(()), "", "expected `extensions:` (a list, as in "
                              "schedule.yaml) and nothing else")]
    combined = yamlfile.YamlDocument(file, {**schedule.data,
                                            "extensions": data.get("extensions") or []},
                                     doc.lines)
    return doc, yamlfile.validate(combined, "schedule.schema.json", cached=False)


class _CourseBuilder:
    def __init__(self, doc: yamlfile.YamlDocument,
                 extra: yamlfile.YamlDocument | None = None) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.extra = extra  # the staff's extensions file, if any
        self.problems: list[Problem] = []

    def problem(self, path: tuple[Any, ...], message: str,
                doc: yamlfile.YamlDocument | None = None) -> None:
        doc = doc or self.doc
        self.problems.append(Problem(doc.file, doc.line(path), yamlfile.dotted(path), message))

    def build(self) -> Course | None:
        d = self.data
        try:
            tz = ZoneInfo(d["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(("timezone",), f"{d['timezone']!r} is not an IANA time zone such as "
                         "America/Detroit")
            return None
        if not is_region_zone(d["timezone"]):
            self.problem(("timezone",), f"{d['timezone']!r} is not an IANA region time zone "
                         "such as America/Detroit (abbreviations like EST and fixed offsets "
                         "ignore daylight saving time and move deadlines by an hour for part "
                         "of the term)")
            return None
        groups = tuple(d["groups"])
        limits = self.limits(d.get("limits", {}), Limits(), ("limits",))
        deliverables = {
            key: self.deliverable(key, spec, tz, limits) for key, spec in d["deliverables"].items()
        }
        sessions = self.sessions(tz, set(groups))
        size = d.get("group_size", {"min": 3, "max": 4})
        if size["min"] > size["max"]:
            self.problem(("group_size",), "min is larger than max")
        course = Course(
            name=d["course"],
            timezone=tz,
            sessions=sessions,
            groups=groups,
            staff=frozenset(login_key(s) for s in d["staff"]),
            deliverables={k: v for k, v in deliverables.items() if v is not None},
            extensions=self.extensions(tz, deliverables, set(groups), sessions),
            group_size=(size["min"], size["max"]),
            submissions_dir=d.get("submissions_dir", "submissions"),
            email_domain=d["email_domain"].casefold() if "email_domain" in d else None,
            remind_mention_missing=bool(d.get("reminders", {}).get("mention_missing", False)),
            lateness_labels=bool(d.get("labels", {}).get("lateness", False)),
            grading=self.grading(set(deliverables)),
            staff_choices=tuple(d.get("staff_choices", {}).items()),
            topology=d.get("topology", "shared"),
            repositories=self.repositories(d.get("topology", "shared"), groups),
        )
        self.check_roles(course)
        self.check_templates(course)
        return course

    def repositories(self, topology: str, groups: tuple[str, ...]) -> Repositories | None:
        """``repositories:`` (topology: private), with what the schema cannot check: every
        group's repository name is one GitHub accepts, and no two groups share one."""
        spec = self.data.get("repositories")
        if topology != "private":
            if spec is not None:
                self.problem(("repositories",), "repositories: is for `topology: private` (one "
                             "repository per group); add that line, or remove this section")
            return None
        if spec is None:
            self.problem(("topology",), "topology: private needs `repositories:` with the "
                         "organisation and the name pattern, e.g. {owner: my-org, pattern: "
                         "\"cse585-{group}\"}")
            return None
        repos = Repositories(owner=spec["owner"], pattern=spec["pattern"],
                             course=spec.get("course"), ref=spec.get("ref", "main"),
                             template=spec.get("template"), staff_team=spec.get("staff_team"))
        if repos.pattern.count("{group}") != 1:
            self.problem(("repositories", "pattern"), f"{repos.pattern!r} must name {{group}} "
                         "exactly once")
            return repos
        seen: dict[str, str] = {}
        for g in groups:
            name = repos.name_of(g)
            if len(name) > 100 or name in (".", "..") or name.endswith(".git"):
                self.problem(("repositories", "pattern"), f"group {g}'s repository would be "
                             f"named {name!r}, which GitHub refuses (at most 100 characters, "
                             "not . or .., not ending in .git)")
            key = login_key(name)
            if key in seen:
                self.problem(("repositories", "pattern"), f"groups {seen[key]} and {g} would "
                             f"share the repository {name!r} (GitHub ignores case in names)")
            seen[key] = g
        course_repo = repos.course
        if course_repo is not None and repos.group_of(course_repo, groups) is not None:
            self.problem(("repositories", "course"), f"{course_repo} is also a group's "
                         "repository; the course repository must be another one")
        return repos

    def grading(self, deliverables: set[str]) -> tuple[GradeCategory, ...]:
        out = []
        seen: dict[str, str] = {}
        for i, c in enumerate(self.data.get("grading", [])):
            for j, d in enumerate(c["deliverables"]):
                if d not in deliverables:
                    self.problem(("grading", i, "deliverables", j), f"{d!r} is not a "
                                 f"deliverable ({', '.join(sorted(deliverables))})")
                elif d in seen:
                    self.problem(("grading", i, "deliverables", j), f"{d} already counts in "
                                 f"{seen[d]!r}; a deliverable counts in one category")
                else:
                    seen[d] = c["name"]
            shares = c.get("shares", {})
            for d in shares:
                if d not in c["deliverables"]:
                    self.problem(("grading", i, "shares", d), f"{d!r} is not one of this "
                                 f"category's deliverables ({', '.join(c['deliverables'])})")
            if shares and set(shares) != set(c["deliverables"]):
                missing = sorted(set(c["deliverables"]) - set(shares))
                self.problem(("grading", i, "shares"), "give a share to every deliverable of "
                             f"the category (missing: {', '.join(missing)})")
            out.append(GradeCategory(c["name"], float(c["weight"]), tuple(c["deliverables"]),
                                     c.get("note"),
                                     tuple((d, float(v)) for d, v in shares.items())))
        total = sum(c.weight for c in out)
        if out and abs(total - 100) > 1e-6:
            self.problem(("grading",), f"the weights add up to {total:g} %, not 100 %")
        return tuple(out)

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

    def extensions(
        self,
        tz: ZoneInfo,
        deliverables: dict[str, Deliverable | None],
        groups: set[str],
        sessions: tuple[Session, ...],
    ) -> tuple[Extension, ...]:
        out = []
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


REGION_AREAS = frozenset({"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic",
                          "Australia", "Europe", "Indian", "Pacific"})


def is_region_zone(name: object) -> bool:
    """An IANA zone named Area/Location (America/Detroit, America/Indiana/Indianapolis): it
    follows the region's daylight-saving rules. Abbreviations (EST, CET), fixed offsets
    (Etc/GMT+5) and the old aliases (US/Eastern) are not region names."""
    if not isinstance(name, str):
        return False
    parts = name.split("/")
    return len(parts) >= 2 and parts[0] in REGION_AREAS and all(parts)


def _has_setting(spec: dict[str, Any], dotted: str) -> bool:
    node: Any = spec
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


# ---------------------------------------------------------------- group declarations


def parse_group(text: str, group: str, file: str, *,
                cached: bool = True) -> tuple[GroupDeclaration | None, list[Problem]]:
    """Parse one group.yaml (untrusted: it comes from a pull request)."""
    doc, problems = yamlfile.load(text, file)
    if doc is None:
        return None, problems
    problems = yamlfile.validate(doc, "group.schema.json", cached=cached)
    if problems:
        return None, problems
    prefs = []
    titles = []
    for i, p in enumerate(doc.data.get("preferences", [])):
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", p):
            titles.append(p)  # a paper's title (or short name): resolved by the rules
            continue
        day = parse_day(p)
        if day is None:
            problems.append(Problem(file, doc.line(("preferences", i)), f"preferences[{i}]",
                                    f"{p!r} is not a real date written YYYY-MM-DD"))
        else:
            prefs.append(day)
    for i, m in enumerate(doc.data["members"]):
        if not is_login(m["github"]):  # in full: the schema's `$` lets "ada\n" through
            problems.append(Problem(file, doc.line(("members", i, "github")),
                                    f"members[{i}].github",
                                    f"{m['github']!r} is not a GitHub login (letters, digits "
                                    "and hyphens, at most 39, nothing else)"))
    members = tuple(
        Member(m["github"], m["name"], m["email"]) for m in doc.data["members"]
    )
    if problems:
        return None, problems
    return GroupDeclaration(group, file, members, tuple(prefs), tuple(titles)), []


def load_roster(root: Path, course: Course, *, cached: bool = True,
                instead: Mapping[str, bytes | None] | None = None,
                ) -> tuple[Roster, list[Problem]]:
    """The group declarations committed in the repository at ``root``.

    ``instead`` maps a declaration's path to the bytes to read in place of the file on disk
    (None: as if absent): a student's work tree holds their own changed group.yaml, which is
    judged as a change of the pull request, not as the base branch's declaration.
    """
    roster = Roster()
    problems: list[Problem] = []
    base = root / course.submissions_dir
    for group in course.groups:
        path = base / group / GROUP_FILE
        rel = f"{course.submissions_dir}/{group}/{GROUP_FILE}"
        if instead is not None and rel in instead:
            data = instead[rel]
        elif path.is_file():
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(Problem(rel, None, "", f"cannot be read ({exc})"))
                continue
        else:
            data = None
        if data is None:
            continue
        try:
            text = data[: yamlfile.MAX_YAML_BYTES + 1].decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(rel, None, "", f"cannot be read ({exc})"))
            continue
        decl, errs = parse_group(text, group, rel, cached=cached)
        problems.extend(errs)
        if decl is not None:
            roster = roster.with_declaration(decl)
    return roster, problems
