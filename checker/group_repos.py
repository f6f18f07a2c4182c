"""What ``setup --topology private`` wants each group repository to look like, and how far one
is from it (pure: values in, changes out; ``checker.github.orgrepos`` reads and writes GitHub).

One private repository per group of schedule.yaml, in the organisation ``repositories.owner``,
named by ``repositories.pattern``, created empty or from ``repositories.template``. In it:

- the group's members (their ``group.yaml`` in the staff's roster) with write access, the staff
  with admin (the team ``repositories.staff_team``, or each staff login directly);
- the caller workflow (``checker/templates/caller.yml`` at ``.github/workflows/submission.yml``)
  and the receipt workflow, byte for byte the course's;
- the repository variable ``COURSE_REPOSITORY`` naming the course repository (only admins can
  change a variable: the group cannot point its check elsewhere), and ``COURSE_EXTENSIONS``,
  the group's own extensions from the staff's ``extensions.yaml`` (never a reason);
- the checker's labels (``.github/labels.yml``, its group labels for this group only) and the
  branch ruleset ``submission-checker`` (pull request, code-owner review, the check from GitHub
  Actions), as ``setup`` gives the course repository in ``shared``.

Nothing is ever deleted or lowered: a collaborator not in the roster is reported, not removed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from checker.gitio import blob_sha_of
from checker.model import Course, Repositories, Roster, login_key
from checker.repo_setup import Change, LabelSpec
from checker.topology import EXTENSIONS_VARIABLE

CALLER_PATH = ".github/workflows/submission.yml"
RECEIPT_PATH = ".github/workflows/receipt.yml"
CODEOWNERS_PATH = ".github/CODEOWNERS"
COURSE_VARIABLE = "COURSE_REPOSITORY"
REUSABLE_WORKFLOW = ".github/workflows/submission-private.yml"
COURSE_PLACEHOLDER = "COURSE-ORG/COURSE-REPO"
REF_PLACEHOLDER = "@COURSE-REF"
MEMBER_PERMISSION = "push"  # GitHub's name for the write role
STAFF_PERMISSION = "admin"
ROLE_RANK = {"read": 0, "pull": 0, "triage": 1, "write": 2, "push": 2, "maintain": 3,
             "admin": 4}


def caller_template() -> str:
    """The caller workflow template shipped with the checker."""
    return resources.files("checker").joinpath("templates/caller.yml").read_text(
        encoding="utf-8")


def render_caller(template: str, course_repo: str, ref: str) -> str:
    """The caller workflow a group repository holds: the template calling ``course_repo``'s
    reusable workflow at ``ref``."""
    return template.replace(COURSE_PLACEHOLDER, course_repo).replace(REF_PLACEHOLDER,
                                                                      "@" + ref)


def codeowners(course: Course, staff_team: str | None, owner: str) -> str:
    """The group repository's CODEOWNERS: staff own everything but ``submissions/``, so a
    change to the workflows or this file needs a staff review (with the ruleset)."""
    owners = (f"@{owner}/{staff_team}" if staff_team
              else " ".join(f"@{s}" for s in sorted(course.staff)))
    return ("# Installed by the course staff (python -m checker setup --topology private).\n"
            f"*  {owners}\n/{course.submissions_dir}/\n")


@dataclass(frozen=True)
class Want:
    """One group repository as ``setup`` wants it."""

    group: str
    full_name: str
    members: tuple[str, ...]  # logins as the roster writes them
    staff: tuple[str, ...]  # staff logins given admin directly (no staff team)
    staff_team: str | None
    files: dict[str, str]  # path -> exact text
    variables: dict[str, str]
    labels: tuple[LabelSpec, ...]


def wants(course: Course, roster: Roster, labels: list[LabelSpec], course_repo: str,
          template: str, receipt: str) -> list[Want]:
    """Every group's repository as ``setup`` wants it (groups in schedule.yaml order);
    ``receipt``: the text of the course's receipt workflow."""
    repos = repos_of(course)
    caller = render_caller(template, course_repo, repos.ref)
    out = []
    for g in course.groups:
        decl = roster.groups.get(g)
        members = tuple(m.github for m in decl.members) if decl else ()
        files = {CALLER_PATH: caller, RECEIPT_PATH: receipt,
                 CODEOWNERS_PATH: codeowners(course, repos.staff_team, repos.owner)}
        out.append(Want(g, repos.full_name(g), members,
                        () if repos.staff_team else tuple(sorted(course.staff)),
                        repos.staff_team, files,
                        {COURSE_VARIABLE: course_repo,
                         EXTENSIONS_VARIABLE: group_extensions(course, g, members)},
                        tuple(group_labels(labels, course, g))))
    return out


def group_extensions(course: Course, group: str, members: tuple[str, ...]) -> str:
    """The text of the variable COURSE_EXTENSIONS for one group: the extensions of the staff's
    own ``extensions.yaml`` that are the group's or its members', as written there, without a
    reason (the group reads this variable)."""
    logins = {login_key(m) for m in members}
    mine = [e for e in course.extensions if e.spec and (
        e.group == group or (e.student is not None and e.student in logins))]
    if not mine:
        return "extensions: []\n"
    return "extensions:\n" + "".join(
        "  - {" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in e.spec) + "}\n" for e in mine)


def group_labels(labels: list[LabelSpec], course: Course, group: str) -> list[LabelSpec]:
    """The labels of one group repository: every label but the other groups' own."""
    others = {f"group: {g}".casefold() for g in course.groups if g != group}
    return [x for x in labels if x.name.casefold() not in others]


# -- what GitHub has -------------------------------------------------------------------------
@dataclass
class Have:
    """One group repository as GitHub has it (None: it does not exist)."""

    full_name: str
    private: bool = True
    collaborators: dict[str, str] = field(default_factory=dict)  # login_key -> role
    invited: dict[str, str] = field(default_factory=dict)  # login_key -> permission
    teams: dict[str, str] = field(default_factory=dict)  # slug (lower) -> permission
    files: dict[str, str] = field(default_factory=dict)  # path -> git blob SHA (absent: none)
    variables: dict[str, str] = field(default_factory=dict)
    labels: dict[str, LabelSpec] = field(default_factory=dict)  # case-folded name -> label
    ruleset: dict[str, Any] | None = None  # ours, in full (None: none yet)


def access_changes(want: Want, have: Have) -> tuple[list[Change], list[str]]:
    """(changes to give the group and the staff their access, warnings about others)."""
    changes: list[Change] = []
    for login in want.members:
        _grant(changes, have, login, MEMBER_PERMISSION, f"member of {want.group}")
    for login in want.staff:
        _grant(changes, have, login, STAFF_PERMISSION, "staff")
    if want.staff_team is not None:
        current = have.teams.get(want.staff_team.casefold())
        if current is None or ROLE_RANK.get(current, 0) < ROLE_RANK[STAFF_PERMISSION]:
            changes.append(Change("update" if current else "create",
                                  f"team {want.staff_team} on {want.full_name}",
                                  f"staff get admin ({current or 'no access'} now)",
                                  (want.staff_team, STAFF_PERMISSION)))
    known = {login_key(x) for x in (*want.members, *want.staff)}
    warnings = [f"{want.full_name}: {login} has {role} access but is neither in {want.group}'s "
                "group.yaml nor staff: remove them (Settings -> Collaborators) if they should "
                "not see this group's work"
                for login, role in sorted(have.collaborators.items())
                if login not in known and ROLE_RANK.get(role, 0) >= 0 and role != "admin"]
    return changes, warnings


def _grant(changes: list[Change], have: Have, login: str, permission: str, who: str) -> None:
    key = login_key(login)
    current = have.collaborators.get(key) or have.invited.get(key)
    if current is not None and ROLE_RANK.get(current, 0) >= ROLE_RANK[permission]:
        return
    role = "write" if permission == MEMBER_PERMISSION else permission
    changes.append(Change("update" if current else "create",
                          f"collaborator {login} on {have.full_name}",
                          f"{who}: {role} access ({current or 'none'} now)", (login, permission)))


def blob_sha(text: str) -> str:
    """git's id of a file's bytes (the contents API's ``sha``): equal ids, equal files."""
    return blob_sha_of(text.encode("utf-8"))


def file_changes(want: Want, have: Have) -> list[Change]:
    out = []
    for path, text in want.files.items():
        current = have.files.get(path)
        if current == blob_sha(text):
            continue
        what = f"file {path} on {want.full_name}"
        if current is None:
            out.append(Change("create", what, "missing", (path, text, None)))
        else:
            out.append(Change("update", what, "differs from the course's: put back",
                              (path, text, current)))
    return out


def variable_changes(want: Want, have: Have) -> list[Change]:
    out = []
    for name, value in want.variables.items():
        current = have.variables.get(name)
        if current == value:
            continue
        out.append(Change("update" if current is not None else "create",
                          f"variable {name} on {want.full_name}",
                          f"{current!r} -> {value!r}" if current is not None else
                          f"the course repository the check reads: {value}", (name, value)))
    return out


def drifted(want: Want, have: Have) -> list[str]:
    """The files setup installed that are missing or differ from the course's now."""
    return [p for p, text in want.files.items() if have.files.get(p) != blob_sha(text)]


def repos_of(course: Course) -> Repositories:
    if course.topology != "private" or course.repositories is None:
        raise ValueError("schedule.yaml: topology is not private")
    return course.repositories
