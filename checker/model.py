"""The course model: what schedule.yaml and the group declarations say, as typed values.

Everything course-specific lives in schedule.yaml; these types know no course. They are
built by ``checker.config`` (which validates and reports errors with file and line) and
read by the pure rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo

from checker import limits as L
from checker.sources import STAFF_RULE

# A GitHub login, matched in full (never with `$`, which also matches before a final newline).
_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_login(text: str) -> bool:
    """Whether ``text`` is, in full, a GitHub login (ASCII letters, digits, hyphens; 1-39)."""
    return _LOGIN.fullmatch(text) is not None


def login_key(login: str) -> str:
    """A login for comparison: GitHub logins differ by ASCII case only, so only A-Z are
    folded (no Unicode folding: the Kelvin sign U+212A is not K, and ß is not ss)."""
    return login.translate(_ASCII_LOWER)


def parse_day(text: str) -> date | None:
    """A date written exactly YYYY-MM-DD (ASCII digits); None for anything else, such as
    the ISO week date 2024-W40-4 or 20241003, which ``date.fromisoformat`` accepts."""
    if _ISO_DAY.fullmatch(text) is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


Owner = Literal["group", "student"]
# Which sessions a per-session deliverable exists for, and which group it belongs to:
#   presenter / summary / reviewer: the group with that role in the session;
#   presented: every session with a student presentation, for every owner.
SessionRole = Literal["presenter", "summary", "reviewer", "presented"]
Anchor = Literal["start", "end"]


@dataclass(frozen=True)
class Reading:
    title: str
    required: bool = False
    short: str | None = None  # a short name students may use ("PagedAttention")
    note: str | None = None


@dataclass(frozen=True)
class Session:
    date: date
    kind: str  # lecture, presentation, no-lecture, break, midterm, poster
    title: str | None
    unit: str | None
    start: datetime  # aware, course time zone
    end: datetime
    readings: tuple[Reading, ...] = ()
    presenter: str | None = None  # group id
    summary: str | None = None
    reviewer: str | None = None
    led_by: str | None = None  # "staff" for staff-led lectures
    location: str | None = None
    groups: tuple[str, ...] = ()  # groups assigned to this session (midterm presentations)
    presenters: str | None = None  # the presenters' names as the course page gives them

    @property
    def id(self) -> str:
        return self.date.isoformat()

    @property
    def topic(self) -> str:
        return self.title or self.unit or self.kind

    def group_for(self, role: SessionRole) -> str | None:
        if role == "presenter":
            return self.presenter
        if role == "summary":
            return self.summary
        if role == "reviewer":
            return self.reviewer
        return None

    @property
    def required_readings(self) -> tuple[Reading, ...]:
        return tuple(r for r in self.readings if r.required)

    @property
    def label(self) -> str:
        """'Pre-Training: Megatron-LM, Oobleck (presented by g01)', 'GenAI Basics: The
        Illustrated Stable Diffusion, ... (Shiqi, Insu, Mosharaf)': the page's topic heading,
        the required papers and who presents (the names the page gives for staff-led ones)."""
        heading = self.unit or self.title or self.kind
        title = f"{self.title}: " if self.unit and self.title else ""
        papers = ", ".join(r.short or r.title for r in self.required_readings)
        who = self.presenters or (f"presented by {self.presenter}" if self.presenter else None)
        text = f"{heading}: {title}{papers}" if papers else heading
        return text + (f" ({who})" if who else "")


@dataclass(frozen=True)
class Due:
    """An absolute deadline, or one relative to a session's start or end."""

    at: datetime | None = None  # aware
    anchor: Anchor | None = None
    offset: timedelta = timedelta(0)
    # relative to the start/end of the group's own session of this kind ("midterm"), not to
    # a session named in the path
    group_session: str | None = None

    def resolve(self, session: Session | None) -> datetime:
        if self.at is not None:
            return self.at
        if session is None or self.anchor is None:
            raise ValueError("a session-relative deadline needs a session")
        base = session.start if self.anchor == "start" else session.end
        # Offsets are wall-clock durations: "24 h before class" is 24 real hours, so the
        # arithmetic happens in UTC and the result is shown in the course time zone.
        tz = base.tzinfo
        return (base.astimezone(ZoneInfo("UTC")) + self.offset).astimezone(tz)


@dataclass(frozen=True)
class PageRule:
    min: int | None = None
    max: int | None = None
    references_count: bool = True  # False: pages from the references heading on are free


@dataclass(frozen=True)
class Section:
    name: str
    aliases: tuple[str, ...] = ()
    optional: bool = False  # absent: a warning (sections.optional-missing), not an error


@dataclass(frozen=True)
class LayoutRule:
    """The final report's format, checked like a conference format checker (warnings)."""

    paper: tuple[str, ...] = ()  # accepted paper sizes: letter, a4, legal
    columns: int | None = None
    body_font_min: float | None = None  # points
    body_font_max: float | None = None
    min_margin_pt: float | None = None


@dataclass(frozen=True)
class ZipRule:
    readme: bool = True  # a README with build and run instructions is required


@dataclass(frozen=True)
class Limits:
    """Resource limits for inspecting one untrusted file; defaults are the named constants
    in ``checker.limits``, and schedule.yaml may change them per course or deliverable."""

    max_bytes: int = L.MAX_FILE_BYTES
    cpu_seconds: int = L.CPU_SECONDS
    memory_bytes: int = L.MEMORY_BYTES
    max_entries: int = L.ZIP_MAX_ENTRIES
    max_uncompressed_bytes: int = L.ZIP_MAX_UNCOMPRESSED_BYTES
    max_ratio: int = L.ZIP_MAX_RATIO
    max_xml_part_bytes: int = L.OOXML_MAX_XML_PART_BYTES
    pdf_max_pages: int = L.PDF_MAX_PAGES
    convert_seconds: int = L.CONVERT_SECONDS

    @property
    def wall_seconds(self) -> float:
        return float(max(self.cpu_seconds * L.WALL_SECONDS_FACTOR,
                         self.cpu_seconds + L.WALL_SECONDS_EXTRA))


@dataclass(frozen=True)
class LatePolicy:
    """What happens to work submitted after the deadline (grace included).

    The three settings of GitHub Classroom, Gradescope and Canvas: whether late work counts at
    all, a last moment after which nothing is accepted (Classroom's cutoff date, Gradescope's
    late due date, Canvas's "available until"), and a penalty per started day late (Canvas's
    late-submission deduction, with its lowest grade as ``max_penalty``).
    """

    counted: bool = True
    closes_at: datetime | None = None  # an absolute last moment (aware)
    closes_after: timedelta | None = None  # or a duration after the deadline (extensions applied)
    penalty_per_day: float = 0.0  # percent of the grade per started day late
    max_penalty: float = 100.0  # percent: the deduction never exceeds this

    def closes(self, due: datetime) -> datetime | None:
        if self.closes_at is not None:
            return max(self.closes_at, due)
        if self.closes_after is not None:
            return due + self.closes_after
        return None

    def describe(self) -> str:
        """'late work not counted', 'late: 10 % per started day, nothing after 72 h', or ''."""
        parts = []
        if not self.counted:
            parts.append("late work not counted")
        if self.penalty_per_day:
            cap = f", at most {self.max_penalty:g} %" if self.max_penalty < 100 else ""
            parts.append(f"late: {self.penalty_per_day:g} % per started day{cap}")
        if self.closes_after is not None:
            hours = self.closes_after.total_seconds() / 3600
            parts.append(f"nothing accepted {hours:g} h after the deadline")
        elif self.closes_at is not None:
            parts.append(f"nothing accepted after {self.closes_at:%Y-%m-%d %H:%M}")
        return "; ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {"counted": self.counted, "penalty_per_day": self.penalty_per_day,
                "max_penalty": self.max_penalty}

    @classmethod
    def from_json(cls, data: object) -> LatePolicy:
        """The ``late_policy`` of a (schema-checked) result file; anything else: the default."""
        if not isinstance(data, dict):
            return cls()
        closes = data.get("closes")
        try:
            closes_at = datetime.fromisoformat(closes) if isinstance(closes, str) else None
        except ValueError:
            closes_at = None
        return cls(counted=data.get("counted") is not False,
                   closes_at=closes_at if closes_at and closes_at.tzinfo else None,
                   penalty_per_day=float(data.get("penalty_per_day") or 0),
                   max_penalty=float(data.get("max_penalty") or 100))


@dataclass(frozen=True)
class Deliverable:
    id: str
    title: str
    path: str  # template: {group}, {student}, {session}, {ext}
    formats: tuple[str, ...]
    due: Due
    owner: Owner = "group"
    sessions: SessionRole | None = None
    grace: timedelta = timedelta(0)
    pages: PageRule | None = None  # pages for PDF/DOCX, slides for PPTX
    sections: tuple[Section, ...] = ()
    members_named: bool = False  # the document must name every member and their email
    zip: ZipRule | None = None
    layout: LayoutRule | None = None  # PDF layout warnings (layout.*)
    questions_per_reading: int = 0
    # per-student session work that groups with these roles in the session do not owe
    # ("the rest of the class" submits questions; the panel's authors and reviewers do not)
    exempt: tuple[SessionRole, ...] = ()
    limits: Limits = field(default_factory=Limits)
    late: LatePolicy = field(default_factory=LatePolicy)
    # "page": the course page asks for it; "staff": a choice of the course staff, not the page's
    set_by: str = "page"
    # settings that are staff choices where the page is silent: {"pages.references_count": why}
    staff_choices: tuple[tuple[str, str], ...] = ()
    note: str | None = None  # why the deliverable is as it is (shown in the guide and deadlines)

    @property
    def per_session(self) -> bool:
        return self.sessions is not None

    def provenance(self) -> tuple[str, ...]:
        """Where this deliverable's rules come from, for people: each staff choice as
        "course staff rule: ...", with its reason; a page deliverable's note as it is."""
        out = []
        if self.set_by == "staff":
            out.append(f"{STAFF_RULE}: {self.title} is asked for by the staff, not the course "
                       "page" + (f": {self.note}" if self.note else "."))
        elif self.note:
            out.append(f"{self.title} (from the course page): {self.note}")
        out.extend(f"{STAFF_RULE}: {self.title}, {k}: {why}" for k, why in self.staff_choices)
        return tuple(out)


@dataclass(frozen=True)
class Extension:
    deliverable: str
    group: str | None = None
    student: str | None = None  # login_key() of the login
    session: date | None = None  # None: every instance of the deliverable
    until: datetime | None = None
    extra: timedelta | None = None
    reason: str | None = None
    # an extension from the staff's own extensions.yaml, as written there (reason left out);
    # () for one of schedule.yaml
    spec: tuple[tuple[str, str], ...] = ()

    def applies(self, deliverable: str, group: str | None, student: str | None,
                session: date | None) -> bool:
        if self.deliverable != deliverable:
            return False
        if self.session is not None and self.session != session:
            return False
        if self.group is not None:
            return self.group == group
        if self.student is not None:
            return self.student == student
        return False

    def apply(self, due: datetime) -> datetime:
        if self.until is not None:
            return max(due, self.until)
        assert self.extra is not None
        return due + self.extra


@dataclass(frozen=True)
class GradeCategory:
    """One line of the course's grading weights: a name, a percent weight and the
    deliverables whose submissions count in it."""

    name: str
    weight: float
    deliverables: tuple[str, ...]
    note: str | None = None
    # each deliverable's share of the category ({report: 70, proposal: 10, code: 20}); none
    # given: they weigh the same
    shares: tuple[tuple[str, float], ...] = ()

    def share(self, deliverable: str) -> float:
        return dict(self.shares).get(deliverable, 1.0) if self.shares else 1.0


Topology = Literal["shared", "private"]
GROUP_PLACEHOLDER = "{group}"


@dataclass(frozen=True)
class Repositories:
    """Where the group repositories of a ``private`` course live (schedule.yaml's
    ``repositories:``): one per group, named by ``pattern`` in the organisation ``owner``."""

    owner: str
    pattern: str  # "cse585-{group}"
    course: str | None = None  # OWNER/NAME of the course repository group workflows read
    ref: str = "main"  # the ref the caller workflow pins the reusable workflow at
    template: str | None = None  # OWNER/NAME of a template repository
    staff_team: str | None = None  # slug of the staff's team (admin on every group repository)

    def name_of(self, group: str) -> str:
        return self.pattern.replace(GROUP_PLACEHOLDER, group)

    def full_name(self, group: str) -> str:
        return f"{self.owner}/{self.name_of(group)}"

    def group_of(self, full_name: str, groups: Iterable[str]) -> str | None:
        """The group whose repository ``full_name`` (OWNER/NAME) is; GitHub compares
        repository names without regard to ASCII case."""
        key = login_key(full_name)
        for g in groups:
            if login_key(self.full_name(g)) == key:
                return g
        return None


@dataclass(frozen=True)
class Course:
    name: str
    timezone: ZoneInfo
    sessions: tuple[Session, ...]
    groups: tuple[str, ...]
    staff: frozenset[str]  # GitHub logins, login_key()
    deliverables: dict[str, Deliverable]
    extensions: tuple[Extension, ...] = ()
    group_size: tuple[int, int] = (3, 4)
    submissions_dir: str = "submissions"
    email_domain: str | None = None  # members' email addresses must be at this domain
    remind_mention_missing: bool = False  # reminders: {mention_missing: true} names them
    lateness_labels: bool = False  # labels: {lateness: true}: on-time / late / not-counted
    repository: str | None = None  # OWNER/NAME on GitHub: the course repository itself
    grading: tuple[GradeCategory, ...] = ()
    # course-wide staff choices where the page is silent, each with the reason students read:
    # {"submission": "The page says e-mail; the staff collect work by pull request ..."}
    staff_choices: tuple[tuple[str, str], ...] = ()
    # shared: one course repository; private: one repository per group (``repositories``)
    topology: Topology = "shared"
    repositories: Repositories | None = None

    def repository_of(self, group: str) -> str | None:
        """OWNER/NAME of a group's own repository (``private``); None in ``shared``."""
        if self.topology != "private" or self.repositories is None:
            return None
        return self.repositories.full_name(group)

    def session(self, day: date) -> Session | None:
        for s in self.sessions:
            if s.date == day:
                return s
        return None

    def group_session(self, kind: str, group: str | None) -> Session | None:
        """The session of ``kind`` a group is assigned to; unassigned groups get the first."""
        of_kind = [s for s in self.sessions if s.kind == kind]
        for s in of_kind:
            if group is not None and group in s.groups:
                return s
        return of_kind[0] if of_kind else None

    def provenance(self, deliverables: Iterable[str] | None = None) -> tuple[str, ...]:
        """Every staff rule, for people: the course-wide choices, then each deliverable's
        (only those of ``deliverables`` when given)."""
        out = [f"{STAFF_RULE} ({k.replace('_', ' ')}): {why}" for k, why in self.staff_choices]
        for d in self.deliverables.values():
            if deliverables is None or d.id in deliverables:
                out.extend(d.provenance())
        return tuple(out)

    def is_staff(self, login: str) -> bool:
        return login_key(login) in self.staff

    @property
    def presented_sessions(self) -> tuple[Session, ...]:
        return tuple(s for s in self.sessions if s.presenter is not None)


@dataclass(frozen=True)
class Member:
    github: str  # as written; compare with .login
    name: str
    email: str

    @property
    def login(self) -> str:
        return login_key(self.github)


@dataclass(frozen=True)
class GroupDeclaration:
    group: str
    path: str
    members: tuple[Member, ...]
    preferences: tuple[date, ...] = ()
    preference_titles: tuple[str, ...] = ()  # papers named by title (resolved by the rules)

    @cached_property
    def logins(self) -> frozenset[str]:
        return frozenset(m.login for m in self.members)


@dataclass(frozen=True)
class Roster:
    """Group declarations by group id, and (``private`` topology) membership that GitHub's
    access grants: whoever may open a pull request in a group's own private repository is
    one of its members (or staff), declared or not."""

    groups: dict[str, GroupDeclaration] = field(default_factory=dict)
    granted: dict[str, frozenset[str]] = field(default_factory=dict)  # group -> login_key()s

    @cached_property
    def _groups_by_login(self) -> dict[str, list[str]]:
        """login -> its groups, sorted: built once (a roster is never changed in place;
        ``with_declaration`` makes a new one), so a 300-student course is linear, not
        quadratic, in the number of students."""
        index: dict[str, list[str]] = {}
        for g in sorted(set(self.groups) | set(self.granted)):
            for login in sorted(self.members_of(g)):
                index.setdefault(login, []).append(g)
        return index

    def groups_of(self, login: str) -> list[str]:
        return list(self._groups_by_login.get(login_key(login), ()))

    def members_of(self, group: str) -> frozenset[str]:
        decl = self.groups.get(group)
        declared = decl.logins if decl else frozenset()
        return declared | self.granted.get(group, frozenset())

    def with_declaration(self, decl: GroupDeclaration) -> Roster:
        groups = dict(self.groups)
        groups[decl.group] = decl
        return Roster(groups, self.granted)

    def granting(self, group: str, login: str) -> Roster:
        """This roster, with ``login`` a member of ``group`` by GitHub's access (the group's
        private repository lets only its members, and staff, open pull requests)."""
        granted = dict(self.granted)
        granted[group] = granted.get(group, frozenset()) | {login_key(login)}
        return Roster(self.groups, granted)
