"""``setup --topology private``: plan, and with ``--apply`` make, one private repository per
group (``checker.group_repos`` says what each should hold; ``checker.github.orgrepos`` reads
and writes GitHub).

Groups are taken from the staff's roster (the ``group.yaml`` of each group under ``--root``): a
group without a declaration has no members yet and gets no repository; a group formed later is
one more run. Idempotent: a second ``--apply`` reads, finds nothing to change, writes nothing.
A change GitHub refuses is reported and the others still made (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from checker import group_repos as gr
from checker import repo_setup as rs
from checker.errors import ConfigError
from checker.github.client import PublishError
from checker.github.orgrepos import OrgRepos
from checker.model import Course
from checker.repo_setup import Change, LabelSpec

RECEIPT_WORKFLOW = Path(".github") / "workflows" / "receipt.yml"


def plan_repo(want: gr.Want, have: gr.Have, exists: bool, template: str | None
              ) -> tuple[list[Change], list[str]]:
    """(the changes one group repository needs, warnings about it)."""
    changes: list[Change] = []
    if not exists:
        source = f"from the template {template}" if template else "empty"
        changes.append(Change("create", f"repository {want.full_name}",
                              f"private, {source}, for group {want.group}", template))
    access, warnings = gr.access_changes(want, have)
    changes += access
    changes += gr.file_changes(want, have)
    changes += gr.variable_changes(want, have)
    labels, _ = rs.label_changes(list(want.labels), have.labels)
    if labels:
        made = sum(1 for c in labels if c.kind == "create")
        changes.append(Change("create" if made else "update", f"labels on {want.full_name}",
                              f"{made} to create, {len(labels) - made} to update", labels))
    if have.ruleset is None:
        changes.append(Change("create", f"branch ruleset {rs.RULESET_NAME!r} on "
                              f"{want.full_name}", "a pull request, code-owner review outside "
                              "submissions/ and the check from GitHub Actions",
                              rs.new_ruleset()))
    else:
        gaps = rs.ruleset_gaps(have.ruleset, "main")
        if gaps:
            changes.append(Change("update", f"branch ruleset {rs.RULESET_NAME!r} on "
                                  f"{want.full_name}", "; ".join(gaps),
                                  (int(have.ruleset["id"]), rs.fixed_ruleset(have.ruleset))))
    return changes, warnings


def run(args: argparse.Namespace, course: Course, root: Path, labels: list[LabelSpec]) -> int:
    from checker.commands.course_state import connect_from_env
    from checker.config import load_roster

    repos = gr.repos_of(course)
    course_repo = repos.course or course.repository or args.repo
    if not course_repo:
        raise ConfigError("schedule.yaml: repositories.course (OWNER/NAME of the course "
                          "repository the group workflows read) is not set; set it, or pass "
                          "--repo OWNER/NAME")
    try:
        receipt = (root / RECEIPT_WORKFLOW).read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(f"{root / RECEIPT_WORKFLOW}: not found (each group repository gets "
                          "a copy; run from the course repository)") from None
    roster, problems = load_roster(root, course)
    for p in problems:
        print(f"  error: {p} (that group is left out)")
    wants = gr.wants(course, roster, labels, course_repo, gr.caller_template(), receipt)
    if not args.repo:
        args.repo = course_repo
    session, _ = connect_from_env(args)
    org = OrgRepos(session, session.gh, repos.owner)
    print(f"setup: {len(wants)} group repositories in {repos.owner} ({repos.pattern}), each "
          f"calling {course_repo}'s checker at {repos.ref}")
    if not _is_sha(repos.ref):
        print(f"  warning: repositories.ref {repos.ref!r} is not a commit SHA: the group "
              "repositories run whatever that ref becomes; pin a full commit SHA")
    existing = org.names()
    planned: list[tuple[gr.Want, gr.Have, list[Change]]] = []
    fine = 0
    for i, want in enumerate(wants, 1):
        print(f"reading {i}/{len(wants)}: {want.full_name}", file=sys.stderr)
        if not want.members:
            print(f"  · {want.group}: no group.yaml in the roster yet, so no repository (run "
                  "setup again once the group is formed)")
            continue
        exists = want.full_name.split("/", 1)[1].casefold() in existing
        have = (read_state(org, want) if exists else gr.Have(want.full_name))
        changes, warnings = plan_repo(want, have, exists, repos.template)
        for w in warnings:
            print(f"  warning: {w}")
        for c in changes:
            print(f"  {'+' if c.kind == 'create' else '~'} {c.kind} {c.what}: {c.why}")
        if changes:
            planned.append((want, have, changes))
        else:
            fine += 1
    reads = session.calls
    count = sum(len(c) for _, _, c in planned)
    if fine:
        print(f"  = already set: {fine} group repositories")
    errors: list[str] = list(map(str, problems))
    if not planned:
        print(f"nothing to change ({reads} API requests)")
    elif not args.apply:
        print(f"{count} change(s) to {len(planned)} repositories planned, none made ({reads} "
              "API requests); run again with --apply to make them")
    else:
        for want, have, changes in planned:
            errors += apply_repo(org, want, have, changes, repos.template)
        print(f"applied {count} change(s) to {len(planned)} repositories ({reads} API "
              f"requests to read, {session.calls - reads} to write)")
    for message, n in Counter(errors).items():
        print(f"  error: {message}" + (f" ({n} repositories)" if n > 1 else ""))
    if errors:
        print(f"setup: {len(errors)} error(s) (above); fix and run again: it continues where "
              "it stopped", file=sys.stderr)
        return 1
    return 0


def apply_repo(org: OrgRepos, want: gr.Want, have: gr.Have, changes: list[Change],
               template: str | None) -> list[str]:
    """Make one repository's changes; the errors GitHub gave (each change tried once)."""
    errors: list[str] = []
    if changes and changes[0].what.startswith("repository "):
        try:
            org.create(want.full_name.split("/", 1)[1], template,
                       f"Group {want.group}'s submissions")
        except PublishError as exc:
            return [str(exc)]
        if template:  # the template's own files: update them, never write blind
            have = read_state(org, want)
            changes = [c for c in changes if not c.what.startswith("file ")]
            changes += gr.file_changes(want, have)
        changes = [c for c in changes if not c.what.startswith("repository ")]
    for c in changes:
        try:
            _apply(org, want, have, c)
        except PublishError as exc:
            errors.append(_short(str(exc), want.full_name))
    return errors


def read_state(org: OrgRepos, want: gr.Want) -> gr.Have:
    return org.state(want.full_name, want.staff_team, list(want.files), list(want.variables))


def _apply(org: OrgRepos, want: gr.Want, have: gr.Have, c: Change) -> None:
    full = want.full_name
    if c.what.startswith("collaborator "):
        org.add_collaborator(full, *c.data)
    elif c.what.startswith("team "):
        org.add_team(full, *c.data)
    elif c.what.startswith("file "):
        org.put_file(full, *c.data)
    elif c.what.startswith("variable "):
        name, value = c.data
        org.set_variable(full, name, value, name in have.variables)
    elif c.what.startswith("labels "):
        settings = org.settings(full)
        for label in c.data:
            current_name, spec = label.data
            if current_name is None:
                settings.create_label(spec)
            else:
                settings.update_label(current_name, spec)
    elif c.kind == "create":
        org.settings(full).create_ruleset(c.data)
    else:
        org.settings(full).update_ruleset(*c.data)


def _short(message: str, full_name: str) -> str:
    """An error without the repository's name, so the same refusal is told once."""
    return message.replace(full_name, "<repository>")


def _is_sha(ref: str) -> bool:
    return len(ref) == 40 and all(ch in "0123456789abcdef" for ch in ref)

