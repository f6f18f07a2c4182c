"""Where each rule comes from: the course page, a staff choice, GitHub, or the checker itself.

A red check must mean "the course would reject this". So every finding names the source of
its rule (``source`` in the result JSON):

- ``page``: the course page says it (the deadline, the page limit, the PDF report, ...);
- ``staff``: a choice the course staff made where the page is silent, written in
  ``schedule.yaml`` with a reason a student can read (handing in by pull request, one heading
  per summary question, ...). The reporters show it as "course staff rule: <reason>";
- ``github``: a limit GitHub imposes (a file over 100 MB cannot be pushed);
- ``checker``: the checker's own hygiene (OS junk, secrets in an archive): never more than a
  warning (``tests/core/test_sources.py`` holds every rule to that).

One table, ``RULES``, gives each rule id its default source and the ``schedule.yaml``
setting it enforces. A rule enforcing a setting that the deliverable marks as a staff choice
(``staff_choices:``), or any rule of a deliverable the staff added (``set_by: staff``), is a
staff rule whatever its default. A rule whose default is ``staff`` takes its reason from the
course-wide ``staff_choices:`` key it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from checker.findings import Finding
    from checker.model import Course, Deliverable

Source = Literal["page", "staff", "github", "checker"]
SOURCES: tuple[Source, ...] = ("page", "staff", "github", "checker")
GITHUB_FILE_LIMIT_BYTES = 100 * 2**20  # GitHub refuses to store a file over 100 MiB


@dataclass(frozen=True)
class Origin:
    default: Source
    # the deliverable setting the rule enforces ("pages", "sections", "formats", "due", ...):
    # marked in the deliverable's ``staff_choices`` (or a deliverable ``set_by: staff``), the
    # rule is the staff's
    setting: str | None = None
    # for a rule whose default is ``staff``: the course-wide ``staff_choices`` key with its
    # reason (``submission``: pull requests instead of e-mail, ``safety``: files staff can open)
    choice: str | None = None


_PAGE = Origin("page")
_CHECKER = Origin("checker")
_SUBMISSION = Origin("staff", choice="submission")
_SAFETY = Origin("staff", choice="safety")

RULES: Mapping[str, Origin] = {
    # who may submit what, and where: the pull request replaces the page's e-mail
    "path.unknown": _SUBMISSION,
    "path.protected": _SUBMISSION,
    "auth.not-member": _SUBMISSION,
    "auth.wrong-student": _SUBMISSION,
    "auth.not-assigned": Origin("page", "sessions"),
    "pr.too-many-files": _SUBMISSION,
    "pr.wrong-base": _SUBMISSION,
    "pr.empty": _CHECKER,
    "file.removed": _CHECKER,
    "push.uncommitted": _CHECKER,
    "receipt.unavailable": _CHECKER,
    "files.os-junk": _CHECKER,
    "zip.folder": Origin("page", "formats"),
    # groups
    "group.invalid": Origin("staff", choice="group_file"),
    "group.size": Origin("page", "group_size"),
    "group.duplicate-member": _PAGE,
    "group.email-domain": Origin("page", "email_domain"),
    "group.late-change": Origin("staff", choice="group_changes"),
    "group.preference": _PAGE,
    "group.preference-unknown": _PAGE,
    # deadlines
    "deadline.late": Origin("page", "due"),
    "deadline.not-counted": Origin("page", "late.counted"),
    "deadline.closed": Origin("staff", "late.closes", choice="late"),
    "deadline.grace": Origin("staff", "grace", choice="late"),
    "deadline.extension": Origin("staff", choice="extensions"),
    "deadline.history": _CHECKER,
    "deadline.on-time-version": Origin("page", "due"),
    # formats
    "format.unsupported": Origin("page", "formats"),
    "format.mismatch": Origin("page", "formats"),
    # a file the staff cannot open is not handed in
    "file.empty": _PAGE,
    "file.unreadable": _PAGE,
    "file.encrypted": _PAGE,
    "file.too-large": Origin("github", "limits"),
    "file.too-complex": Origin("staff", "limits", choice="safety"),
    "file.findings-truncated": _CHECKER,
    # pages
    "pages.too-many": Origin("page", "pages"),
    "pages.too-few": Origin("page", "pages"),
    "pages.not-exact": Origin("page", "pages"),
    "pages.not-verified": Origin("page", "pages"),
    "pages.ambiguous": Origin("page", "pages"),
    "pages.estimate": _CHECKER,
    "docx.estimate": _CHECKER,
    "pdf.text-partial": _CHECKER,
    "pdf.text-unreadable": _CHECKER,
    # sections and members
    "sections.missing": Origin("page", "sections"),
    "sections.order": Origin("page", "sections"),
    "sections.optional-missing": Origin("page", "sections"),
    "sections.unchecked": _CHECKER,
    "members.missing": Origin("page", "members_named"),
    # layout of the report
    "layout.paper": Origin("page", "layout"),
    "layout.columns": Origin("page", "layout"),
    "layout.body-font": Origin("page", "layout"),
    "layout.margins": Origin("page", "layout"),
    # questions
    "questions.too-few": Origin("page", "questions_per_reading"),
    "questions.not-required": Origin("page", "exempt"),
    # code archives: the page asks for a zip with a README; archive safety is the staff's
    "zip.readme-missing": Origin("page", "zip.readme"),
    "zip.readme-no-instructions": Origin("page", "zip.readme"),
    "zip.readme-missing-file": _CHECKER,
    "zip.readme-no-run-step": _CHECKER,
    "zip.readme-not-text": _CHECKER,
    "zip.unsafe-path": _SAFETY,
    "zip.symlink": _SAFETY,
    "zip.inconsistent": _SAFETY,
    "zip.bomb": _SAFETY,
    "zip.junk": _CHECKER,
    "zip.secret": _CHECKER,
    "zip.nested": _CHECKER,
}

UNKNOWN = Origin("checker")
STAFF_RULE = "course staff rule"


def origin(rule: str) -> Origin:
    return RULES.get(rule, UNKNOWN)


def default_source(rule: str) -> Source:
    return origin(rule).default


def _marked(deliverable: Deliverable, setting: str | None) -> str | None:
    """The deliverable's staff reason for ``setting`` (or one of its parts), if marked."""
    if deliverable.set_by == "staff":
        return deliverable.note or f"{deliverable.title} is set by the course staff."
    if setting is None:
        return None
    for key, why in deliverable.staff_choices:
        # a choice covers its sub-settings; a choice on a part of a setting (how references
        # count in the page's page limit) leaves the rule the page's
        if key == setting or setting.startswith(key + "."):
            return why
    return None


def resolve(rule: str, course: Course | None, deliverable: Deliverable | None
            ) -> tuple[Source, str | None]:
    """(source, the staff's reason when the source is ``staff``) of one rule."""
    o = origin(rule)
    if deliverable is not None:
        if rule == "file.too-large" and deliverable.limits.max_bytes < GITHUB_FILE_LIMIT_BYTES:
            return "staff", course_choice(course, "limits")
        why = _marked(deliverable, o.setting)
        if why is not None:
            return "staff", why
    if o.default == "staff":
        return "staff", course_choice(course, o.choice)
    return o.default, None


def course_choice(course: Course | None, key: str | None) -> str | None:
    if course is None or key is None:
        return None
    return dict(course.staff_choices).get(key)


def stamp(finding: Finding, course: Course | None, deliverable: Deliverable | None) -> Finding:
    """The finding with its source (and staff reason) filled in, unless a rule set them.

    The checker's own hygiene never fails a check: a ``checker`` finding above a warning
    would be a red check no one at the course asked for, so it is held to a warning."""
    from checker.findings import Severity

    if finding.source is not None:
        return finding
    source, why = resolve(finding.rule, course, deliverable)
    severity = finding.severity
    if source == "checker" and severity is Severity.ERROR:
        severity = Severity.WARNING
    return replace(finding, source=source, staff_rule=why, severity=severity)
