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
setting it enforces; ``checker.rules.provenance`` resolves it for a course and deliverable
(a staff choice in ``schedule.yaml`` makes a rule the staff's whatever its default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

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
    "pr.wrong-base": _SUBMISSION,  # only the default branch's pull requests are submissions
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
    "deadline.unverified": _CHECKER,
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
    # only a Word file's count can be inexact: the staff's where the staff accept Word files
    "pages.not-exact": Origin("page", "formats"),
    "pages.not-verified": Origin("page", "formats"),
    "pages.ambiguous": Origin("page", "pages"),
    "pages.estimate": _CHECKER,
    "docx.estimate": _CHECKER,
    "pdf.text-partial": _CHECKER,
    "pdf.text-unreadable": _CHECKER,  # the page never asks for a text layer: a warning
    # sections and members
    "sections.missing": Origin("page", "sections"),
    "sections.order": Origin("page", "sections"),
    "sections.optional-missing": Origin("page", "sections"),
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
WRONG_BASE = "pr.wrong-base"  # the check's finding for a pull request into another branch


def origin(rule: str) -> Origin:
    return RULES.get(rule, UNKNOWN)


def default_source(rule: str) -> Source:
    return origin(rule).default
