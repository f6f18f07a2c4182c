"""``setup``: print the plan for the course repository's GitHub settings; ``--apply`` it.

Reads the repository's labels, rulesets, Actions settings and collaborators, compares them
with what the checker needs (``checker.repo_setup``), prints every change with its reason and
the checks on people (CODEOWNERS, staff logins, who can push), and with ``--apply`` makes the
changes. Idempotent: a second ``--apply`` finds nothing to change and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import ConfigError

if TYPE_CHECKING:
    from checker.github.settings import RepoSettings
    from checker.model import Course
    from checker.repo_setup import Change, Checks

CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # GitHub's order


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from_env = os.environ.get("GITHUB_REPOSITORY")
    p = sub.add_parser(
        "setup", help="plan (and --apply) the course repository's GitHub settings (staff, admin)",
        description="Prints what the course repository needs and why: the labels of "
        ".github/labels.yml, the branch ruleset `submission-checker` on the default branch "
        "(pull request, code-owner review, the check submission-checker from GitHub Actions), "
        "a read-only default workflow token and the fork approval policy; checks CODEOWNERS, "
        "the staff logins and who can push. --apply makes the changes (a token with admin "
        "rights in GITHUB_TOKEN; GITHUB_API_URL). Exit 1 when a check found an error.")
    p.add_argument("--repo", default=from_env, help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    p.add_argument("--root", default=".", help="the course repository checkout (default: .)")
    p.add_argument("--apply", action="store_true", help="make the changes (default: only print)")
    p.add_argument("--fork-approval", default=None, metavar="POLICY",
                   choices=("first_time_contributors_new_to_github", "first_time_contributors",
                            "all_external_contributors"),
                   help="public repository: who needs a maintainer's approval before workflows "
                   "run on their fork pull requests: all_external_contributors (the default: a "
                   "fork could otherwise run its own job named submission-checker), or the "
                   "weaker first_time_contributors (GitHub's default) or "
                   "first_time_contributors_new_to_github, with a warning. A private "
                   "repository always requires approval")
    p.add_argument("--topology", choices=("shared", "private"), default=None,
                   help="what to set up: shared, the course repository (as today); private, one "
                   "private repository per group in the organisation of schedule.yaml's "
                   "`repositories:` (docs/topology.md). Default: schedule.yaml's topology; "
                   "given, it must be schedule.yaml's")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import yaml

    from checker import repo_setup as rs
    from checker.commands.course_state import connect_from_env

    root = Path(args.root)
    from checker.config import load_course

    course = load_course(root)
    labels_file = root / ".github" / "labels.yml"
    try:
        entries = yaml.safe_load(labels_file.read_text(encoding="utf-8"))
        want_labels = rs.desired_labels(entries, course)
    except FileNotFoundError:
        raise ConfigError(f"{labels_file}: not found (the labels to create)") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{labels_file}: {exc}") from None
    topology = args.topology or course.topology
    if topology != course.topology:
        raise ConfigError(f"--topology {topology}: schedule.yaml says topology: "
                          f"{course.topology}; change it there first (the check reads it)")
    if topology == "private":
        from checker import private_setup

        return private_setup.run(args, course, root, want_labels)
    codeowners_file = next((root / f for f in CODEOWNERS_PLACES if (root / f).is_file()), None)

    session, _ = connect_from_env(args)
    from checker.github.settings import RepoSettings

    gh = RepoSettings(session, session.gh, args.repo)
    info = gh.info()
    if not info.admin:
        from checker.github.client import PublishError

        raise PublishError(f"the token has no admin rights on {info.full_name}: `setup` reads "
                           "and changes repository settings, which needs a repository admin")
    policy = args.fork_approval or rs.DEFAULT_FORK_POLICY
    changes, fine = plan_changes(gh, course, want_labels, info.default_branch, info.private,
                                 policy)
    checks = people_checks(gh, course, root, codeowners_file)
    if not info.private:
        checks.warnings += rs.fork_policy_warnings(policy)

    visibility = "private" if info.private else "public"
    print(f"setup: {info.full_name} ({visibility}, default branch {info.default_branch})")
    for c in changes:
        print(f"  {'+' if c.kind == 'create' else '~'} {c.kind} {c.what}: {c.why}")
    if fine:
        print(f"  = already set: {', '.join(fine)}")
    for line in checks.errors:
        print(f"  error: {line}")
    for line in checks.warnings:
        print(f"  warning: {line}")
    reads = session.calls
    if not changes:
        print(f"nothing to change: {info.full_name} already has these settings "
              f"({reads} API requests)")
    elif not args.apply:
        print(f"{len(changes)} change(s) planned, none made ({reads} API requests); run again "
              "with --apply to make them")
    else:
        for c in changes:
            apply_change(gh, c)
        print(f"applied {len(changes)} change(s) ({reads} API requests to read, "
              f"{session.calls - reads} to write)")
    if checks.errors:
        print(f"setup: {len(checks.errors)} error(s) to fix (above)", file=sys.stderr)
        return 1
    return 0


def plan_changes(gh: RepoSettings, course: Course, want_labels: list[Any],
                 default_branch: str, private: bool, policy: str
                 ) -> tuple[list[Change], list[str]]:
    """(the changes to make, what is already as wanted)."""
    from checker import repo_setup as rs

    changes, same = rs.label_changes(want_labels, gh.labels())
    fine = [f"{same} of {len(want_labels)} labels"] if same else []

    ours = [x for x in gh.rulesets() if x.get("name") == rs.RULESET_NAME
            and x.get("source_type", "Repository") == "Repository"]
    if not ours:
        changes.append(rs.Change(
            "create", f"branch ruleset {rs.RULESET_NAME!r} on the default branch",
            "missing: require a pull request, code-owner review (CODEOWNERS: everything "
            f"outside submissions/) and the check {rs.CHECK_NAME} from GitHub Actions "
            f"(app {rs.ACTIONS_APP_ID})", rs.new_ruleset()))
    else:
        current = gh.ruleset(int(ours[0]["id"]))
        gaps = rs.ruleset_gaps(current, default_branch)
        if gaps:
            changes.append(rs.Change("update", f"branch ruleset {rs.RULESET_NAME!r}",
                                     "; ".join(gaps),
                                     (int(current["id"]), rs.fixed_ruleset(current))))
        else:
            fine.append(f"the ruleset {rs.RULESET_NAME}")

    gaps = rs.workflow_permission_gaps(gh.workflow_permissions())
    if gaps:
        changes.append(rs.Change("update", "Actions default workflow token", "; ".join(gaps),
                                 dict(rs.WORKFLOW_PERMISSIONS)))
    else:
        fine.append("the read-only workflow token")
    if private:
        want = rs.private_fork_settings()
        have = gh.private_fork_settings()
        diff = [f"{k} {have.get(k)} -> {v}" for k, v in want.items() if have.get(k) != v]
        if diff:
            changes.append(rs.Change("update", "workflows from private forks",
                                     f"{'; '.join(diff)}: {rs.FORK_APPROVAL_WHY}", want))
        else:
            fine.append("the private-fork workflow settings (approval required)")
    else:
        current_policy = gh.fork_approval()
        if current_policy != policy:
            why = (f": {rs.FORK_APPROVAL_WHY}" if policy == "all_external_contributors"
                   else " (the course's choice; see the warning)")
            changes.append(rs.Change("update", "approval for fork pull request workflows",
                                     f"{current_policy or 'unset'} -> {policy}{why}", policy))
        else:
            fine.append(f"the fork approval policy {policy}")
    return changes, fine


def apply_change(gh: RepoSettings, c: Change) -> None:
    if c.what.startswith("label "):
        current_name, label = c.data
        if current_name is None:
            gh.create_label(label)
        else:
            gh.update_label(current_name, label)
    elif c.what.startswith("branch ruleset"):
        if c.kind == "create":
            gh.create_ruleset(c.data)
        else:
            gh.update_ruleset(*c.data)
    elif c.what == "Actions default workflow token":
        gh.set_workflow_permissions(c.data)
    elif c.what == "workflows from private forks":
        gh.set_private_fork_settings(c.data)
    else:
        gh.set_fork_approval(c.data)


def people_checks(gh: RepoSettings, course: Course, root: Path, codeowners: Path | None
                  ) -> Checks:
    from checker import repo_setup as rs

    checks = rs.Checks()
    staff = sorted(course.staff)
    exists: dict[str, bool] = {}

    def user_exists(login: str) -> bool:
        key = login.casefold()
        if key not in exists:
            exists[key] = gh.user_exists(login)
        return exists[key]

    for login in staff:
        if not user_exists(login):
            checks.errors.append(f"schedule.yaml: staff login {login!r} does not exist on "
                                 "GitHub: correct it under `staff:`")
    if codeowners is None:
        checks.errors.append(".github/CODEOWNERS: not found: without it no change outside "
                             "submissions/ needs a staff review")
    else:
        name = codeowners.relative_to(root).as_posix()
        parsed = rs.parse_codeowners(codeowners.read_text(encoding="utf-8", errors="replace"),
                                     name)
        checks.errors += parsed.problems.errors
        checks.warnings += parsed.problems.warnings
        teams: dict[tuple[str, str], bool] = {}
        for owner in parsed.owners:
            if owner.team is not None:
                if owner.team not in teams:
                    teams[owner.team] = gh.team_exists(*owner.team)
                if not teams[owner.team]:
                    checks.errors.append(f"{name}:{owner.line}: team {owner.text} not found "
                                         "(or the token cannot see it: it needs read:org)")
            elif owner.login is not None:
                if not user_exists(owner.login):
                    checks.errors.append(f"{name}:{owner.line}: {owner.text} does not exist "
                                         "on GitHub")
                elif owner.login.casefold() not in course.staff:
                    checks.warnings.append(f"{name}:{owner.line}: {owner.text} is a code owner "
                                           "but not staff in schedule.yaml")
    checks.warnings += rs.write_access_warnings(gh.collaborators(), course.staff, gh.full_name)
    return checks
