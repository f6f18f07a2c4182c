"""A finding's source for one course and deliverable (``checker.sources`` has the table).

A rule enforcing a setting that the deliverable marks as a staff choice (``staff_choices:``),
or any rule of a deliverable the staff added (``set_by: staff``), is a staff rule whatever its
default; a rule whose default is ``staff`` takes its reason from the course-wide
``staff_choices:`` key it names.
"""

from __future__ import annotations

from dataclasses import replace

from checker.findings import Finding, Severity
from checker.model import Course, Deliverable
from checker.sources import GITHUB_FILE_LIMIT_BYTES, Source, origin


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
    if finding.source is not None:
        return finding
    source, why = resolve(finding.of_rule or finding.rule, course, deliverable)
    severity = finding.severity
    if source == "checker" and severity is Severity.ERROR:
        severity = Severity.WARNING
    return replace(finding, source=source, staff_rule=why, severity=severity)
