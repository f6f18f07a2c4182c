"""What ``setup`` wants the course repository to look like, and how far it is from it (pure).

No I/O here: the command reads files and GitHub (``checker.github.settings``), these functions
compare plain values and say what to change and why.

- Labels: every label of ``.github/labels.yml`` (the fixed ones, and one per deliverable and
  group of ``schedule.yaml`` for the ``prefix`` entries) with its colour and description.
  Other labels are never touched.
- The branch ruleset ``submission-checker`` on the default branch: a pull request is required,
  code-owner review is required (CODEOWNERS decides which paths: everything outside
  ``submissions/``), and the check ``submission-checker`` must pass, from the GitHub Actions
  app (integration id 15368), so a status or check run set by anything else does not count.
  Rules staff added to that ruleset, and its bypass list, are kept.
- Actions: the default workflow token is read-only and cannot approve pull requests; workflows
  from fork pull requests need a maintainer's approval (public: every external contributor;
  private: every fork pull request), so a fork cannot run a workflow of its own that reports a
  green ``submission-checker`` (``FORK_APPROVAL_WHY``).
- CODEOWNERS names real staff (not the template's placeholder), staff logins exist, and no
  one outside the staff can push to the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checker.model import Course

RULESET_NAME = "submission-checker"
CHECK_NAME = "submission-checker"
ACTIONS_APP_ID = 15368  # the GitHub Actions app: check runs created by a workflow's token
DEFAULT_BRANCH = "~DEFAULT_BRANCH"
PLACEHOLDER = "@COURSE-ORG/staff"
FORK_POLICIES = ("first_time_contributors_new_to_github", "first_time_contributors",
                 "all_external_contributors")
DEFAULT_FORK_POLICY = "all_external_contributors"
FORK_APPROVAL_WHY = (
    "a fork pull request can add a workflow with a job named submission-checker: its check run "
    "comes from the GitHub Actions app like the checker's, and the merge gate takes the newest "
    "run of that name; with approval such a workflow never runs unseen. The checker itself "
    "(pull_request_target) runs without approval, and a receipt run waiting for approval is "
    "still a receipt (docs/privacy.md)")
WORKFLOW_PERMISSIONS = {"default_workflow_permissions": "read",
                        "can_approve_pull_request_reviews": False}
MAX_LABEL_NAME = 50
MAX_LABEL_DESCRIPTION = 100

PULL_REQUEST_RULE: dict[str, Any] = {
    "type": "pull_request",
    "parameters": {
        # no approval for files without a code owner (submissions/): the check is the gate;
        # a code owner's approval for everything else (CODEOWNERS)
        "required_approving_review_count": 0,
        "require_code_owner_review": True,
        "dismiss_stale_reviews_on_push": False,
        "require_last_push_approval": False,
        "required_review_thread_resolution": False,
    },
}
CHECK_ENTRY = {"context": CHECK_NAME, "integration_id": ACTIONS_APP_ID}
STATUS_CHECKS_RULE: dict[str, Any] = {
    "type": "required_status_checks",
    "parameters": {
        "strict_required_status_checks_policy": False,
        "required_status_checks": [CHECK_ENTRY],
    },
}


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str
    description: str


@dataclass(frozen=True)
class Collaborator:
    login: str
    role: str  # GitHub's role_name: read, triage, write, maintain, admin (or a custom role)
    write: bool  # may push (push, maintain or admin permission)


@dataclass
class Change:
    """One thing ``--apply`` would change: ``kind`` create/update, what and why."""

    kind: str
    what: str
    why: str
    data: Any = None


@dataclass
class Checks:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# -- labels ----------------------------------------------------------------------------------
def desired_labels(entries: Any, course: Course, file: str = ".github/labels.yml"
                   ) -> list[LabelSpec]:
    """Labels from ``labels.yml`` (a list of ``{name|prefix, color, description}``)."""
    if not isinstance(entries, list):
        raise ValueError(f"{file}: expected a list of labels")
    out: dict[str, LabelSpec] = {}
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not re.fullmatch(r"[0-9a-fA-F]{6}", str(e.get("color"))):
            raise ValueError(f"{file}: entry {i + 1} needs a name or prefix and a 6-digit hex "
                             "colour")
        color, desc = str(e["color"]).lower(), str(e.get("description") or "")
        if "name" in e:
            names = [(str(e["name"]), desc)]
        elif "prefix" in e:
            ids = (course.deliverables if str(e["prefix"]).startswith("deliverable")
                   else course.groups)
            names = [(f"{e['prefix']}{x}", desc.replace("{id}", x)) for x in ids]
        else:
            raise ValueError(f"{file}: entry {i + 1} has neither name nor prefix")
        for name, text in names:
            if len(name) <= MAX_LABEL_NAME:
                out.setdefault(name.casefold(), LabelSpec(name, color,
                                                         text[:MAX_LABEL_DESCRIPTION]))
    return list(out.values())


def label_changes(want: list[LabelSpec], have: dict[str, LabelSpec]) -> tuple[list[Change], int]:
    """(changes, how many already match); ``have`` is keyed by case-folded name."""
    changes, same = [], 0
    for label in want:
        cur = have.get(label.name.casefold())
        if cur is None:
            changes.append(Change("create", f"label {label.name!r}",
                                  f"missing (colour {label.color}, {label.description!r})",
                                  (None, label)))
            continue
        diffs = []
        if cur.color.lower() != label.color:
            diffs.append(f"colour {cur.color} -> {label.color}")
        if cur.description != label.description:
            diffs.append(f"description {cur.description!r} -> {label.description!r}")
        if diffs:
            changes.append(Change("update", f"label {cur.name!r}", "; ".join(diffs),
                                  (cur.name, label)))
        else:
            same += 1
    return changes, same


# -- the ruleset -----------------------------------------------------------------------------
def new_ruleset() -> dict[str, Any]:
    return {
        "name": RULESET_NAME,
        "target": "branch",
        "enforcement": "active",
        "bypass_actors": [],
        "conditions": {"ref_name": {"include": [DEFAULT_BRANCH], "exclude": []}},
        "rules": [PULL_REQUEST_RULE, STATUS_CHECKS_RULE],
    }


def ruleset_gaps(rs: dict[str, Any], default_branch: str) -> list[str]:
    """What the existing ruleset lacks (empty: nothing to change)."""
    gaps = []
    if rs.get("enforcement") != "active":
        gaps.append(f"enforcement is {rs.get('enforcement')!r}, not 'active'")
    if rs.get("target", "branch") != "branch":
        gaps.append(f"it targets {rs.get('target')!r}, not branches")
    ref = ((rs.get("conditions") or {}).get("ref_name") or {})
    targets = {DEFAULT_BRANCH, f"refs/heads/{default_branch}", "~ALL"}
    if not targets & set(ref.get("include") or []) or targets & set(ref.get("exclude") or []):
        gaps.append(f"it does not apply to the default branch ({default_branch})")
    rules = {r.get("type"): r for r in rs.get("rules") or [] if isinstance(r, dict)}
    pr = (rules.get("pull_request") or {}).get("parameters")
    if pr is None:
        gaps.append("no pull request is required")
    elif not pr.get("require_code_owner_review"):
        gaps.append("code-owner review is not required")
    checks = ((rules.get("required_status_checks") or {}).get("parameters") or {}).get(
        "required_status_checks") or []
    ours = [c for c in checks if isinstance(c, dict) and c.get("context") == CHECK_NAME]
    if not ours:
        gaps.append(f"the check {CHECK_NAME} is not required")
    elif any(c.get("integration_id") != ACTIONS_APP_ID for c in ours):
        gaps.append(f"the check {CHECK_NAME} is not pinned to the GitHub Actions app "
                    f"(integration_id {ACTIONS_APP_ID}): any source could satisfy it")
    return gaps


def fixed_ruleset(rs: dict[str, Any]) -> dict[str, Any]:
    """The update body: ``rs`` with our requirements, keeping staff's other rules, the bypass
    list, other required checks and their own pull-request settings."""
    ref = dict((rs.get("conditions") or {}).get("ref_name") or {})
    include = list(ref.get("include") or [])
    if DEFAULT_BRANCH not in include and "~ALL" not in include:
        include.append(DEFAULT_BRANCH)
    exclude = [x for x in ref.get("exclude") or [] if x not in (DEFAULT_BRANCH, "~ALL")]
    rules: list[dict[str, Any]] = []
    seen = set()
    for rule in rs.get("rules") or []:
        if not isinstance(rule, dict):
            continue
        kind = rule.get("type")
        seen.add(kind)
        if kind == "pull_request":
            params = {**PULL_REQUEST_RULE["parameters"], **(rule.get("parameters") or {}),
                      "require_code_owner_review": True}
            rule = {"type": kind, "parameters": params}
        elif kind == "required_status_checks":
            params = {**STATUS_CHECKS_RULE["parameters"], **(rule.get("parameters") or {})}
            others = [c for c in params.get("required_status_checks") or []
                      if isinstance(c, dict) and c.get("context") != CHECK_NAME]
            params["required_status_checks"] = [*others, CHECK_ENTRY]
            rule = {"type": kind, "parameters": params}
        rules.append(rule)
    for mine in (PULL_REQUEST_RULE, STATUS_CHECKS_RULE):
        if mine["type"] not in seen:
            rules.append(mine)
    return {
        "name": rs.get("name") or RULESET_NAME,
        "target": "branch",
        "enforcement": "active",
        "bypass_actors": list(rs.get("bypass_actors") or []),
        "conditions": {"ref_name": {"include": include, "exclude": exclude}},
        "rules": rules,
    }


# -- Actions ---------------------------------------------------------------------------------
def workflow_permission_gaps(current: dict[str, Any]) -> list[str]:
    gaps = []
    if current.get("default_workflow_permissions") != "read":
        gaps.append(f"the default token has {current.get('default_workflow_permissions')!r} "
                    "access; make it read-only (each job asks for what it needs)")
    if current.get("can_approve_pull_request_reviews"):
        gaps.append("workflows may approve pull requests; turn that off")
    return gaps


def private_fork_settings() -> dict[str, Any]:
    """A private repository's fork settings: students' fork workflows may run (read-only, no
    secrets), each only once a maintainer approves it (``FORK_APPROVAL_WHY``; GitHub has no
    first-time distinction for private forks)."""
    return {"run_workflows_from_fork_pull_requests": True,
            "send_write_tokens_to_workflows": False,
            "send_secrets_and_variables": False,
            "require_approval_for_fork_pr_workflows": True}


def fork_policy_warnings(policy: str) -> list[str]:
    """A public repository's approval policy weaker than every external contributor."""
    if policy == "all_external_contributors":
        return []
    return [f"--fork-approval {policy}: some students' fork pull requests run their own "
            f"workflows without approval, and {FORK_APPROVAL_WHY.split(': ', 1)[1]}"]


# -- people ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Owner:
    line: int
    text: str  # as written: @login, @org/team or an e-mail

    @property
    def team(self) -> tuple[str, str] | None:
        if self.text.startswith("@") and "/" in self.text:
            org, slug = self.text[1:].split("/", 1)
            return org, slug
        return None

    @property
    def login(self) -> str | None:
        if self.text.startswith("@") and "/" not in self.text:
            return self.text[1:]
        return None


@dataclass
class CodeOwners:
    owners: list[Owner] = field(default_factory=list)
    problems: Checks = field(default_factory=Checks)


def parse_codeowners(text: str, file: str) -> CodeOwners:
    """Owners to look up, and what is wrong with the file itself."""
    out = CodeOwners()
    catch_all = submissions_free = False
    placeholder_lines: list[int] = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        if pattern == "*" and owners:
            catch_all = True
        if pattern.strip("/") == "submissions":
            submissions_free = not owners
        for o in owners:
            if o.casefold() == PLACEHOLDER.casefold():
                placeholder_lines.append(no)
            elif o.startswith("@") or "@" in o:
                out.owners.append(Owner(no, o))
            else:
                out.problems.errors.append(f"{file}:{no}: {o!r} is not an owner (@login, "
                                           "@org/team or an e-mail address)")
    if placeholder_lines:
        more = (f" (and lines {', '.join(map(str, placeholder_lines[1:]))})"
                if len(placeholder_lines) > 1 else "")
        out.problems.errors.append(
            f"{file}:{placeholder_lines[0]}: names the template's placeholder {PLACEHOLDER}"
            f"{more}: replace it with your staff team (@org/team) or staff logins (@login)")
    if not catch_all:
        out.problems.warnings.append(
            f"{file}: no `*` line with owners: changes outside submissions/ would not need a "
            "staff review; start the file with `*  @your-org/staff`")
    if not submissions_free:
        out.problems.warnings.append(
            f"{file}: no `/submissions/` line without owners: every submission would need a "
            "staff review before it can merge; add the line `/submissions/` (no owner)")
    return out


def write_access_warnings(collaborators: list[Collaborator], staff: frozenset[str],
                          repo: str) -> list[str]:
    out = []
    for c in sorted(collaborators, key=lambda c: c.login.casefold()):
        if c.write and c.login.casefold() not in staff:
            out.append(
                f"{c.login} may push to {repo} (role {c.role or 'write'}) but is not staff in "
                "schedule.yaml: anyone who can push can set the submission-checker status or "
                "run a workflow that creates check runs as GitHub Actions. Students should "
                "submit from forks: lower their role to read (Settings -> Collaborators), or "
                "add them to `staff:`")
    return out
