"""Load schedule.yaml and the group declarations into the course model.

Every problem names the file, the YAML path and line, and what is expected; all of them are
collected before anything is reported. A broken schedule raises ConfigError (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checker import yamlfile
from checker.coursebuild.deliverables import DeliverableParts
from checker.coursebuild.extensions import ExtensionParts
from checker.coursebuild.grading import GradingParts
from checker.coursebuild.sessions import SessionParts
from checker.coursebuild.topology import TopologyParts
from checker.errors import ConfigError
from checker.model import (
    Course,
    GroupDeclaration,
    Limits,
    Member,
    Roster,
    is_login,
    login_key,
    parse_day,
)
from checker.yamlfile import Problem

SCHEDULE_FILE = "schedule.yaml"
EXTENSIONS_FILE = "extensions.yaml"  # the staff's own (docs/topology.md)
GROUP_FILE = "group.yaml"


class ScheduleError(ConfigError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = f"{problems[0].file} has {len(problems)} problem(s):" if problems else "invalid"
        super().__init__("\n".join([head, *(f"  {p}" for p in problems)]))


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


class _CourseBuilder(DeliverableParts, SessionParts, ExtensionParts, GradingParts,
                     TopologyParts):
    """The course from a schema-validated schedule.yaml; each part is built by the mixin of
    ``checker.coursebuild`` named for it, and every problem is collected (``self.problems``)."""

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
            repository=d.get("repository"),
            grading=self.grading(set(deliverables)),
            staff_choices=tuple(d.get("staff_choices", {}).items()),
            lateness_labels=bool(d.get("labels", {}).get("lateness", False)),
            topology=d.get("topology", "shared"),
            repositories=self.repositories(d.get("topology", "shared"), groups),
        )
        self.check_roles(course)
        self.check_templates(course)
        return course


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
