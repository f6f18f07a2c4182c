"""Repository settings that ``setup`` reads and writes: the only HTTP of that command.

PyGithub where it has the call (repository, labels, collaborators, users); its ``requester``
for the endpoints it lacks (rulesets, Actions permissions, teams). Every call goes through
``Session.call`` (bounded retry, request count). Values come back as plain data
(``checker.repo_setup`` types and dicts in GitHub's documented shapes), so the planning stays
pure. A 403/404 on an admin endpoint becomes one clear ``PublishError`` naming the right needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from github import Github, GithubException, UnknownObjectException

from checker.github.client import PublishError, Session
from checker.repo_setup import Collaborator, LabelSpec


@dataclass(frozen=True)
class RepoInfo:
    full_name: str
    default_branch: str
    private: bool
    admin: bool  # whether the token may change the settings


class RepoSettings:
    """One repository's settings endpoints, over one ``Session``."""

    def __init__(self, session: Session, gh: Github, full_name: str) -> None:
        self.session = session
        self.gh = gh
        self.full_name = full_name
        self.repo = gh.get_repo(full_name)  # lazy client: no request yet
        self.base = f"/repos/{full_name}"

    # -- helpers -------------------------------------------------------------------------
    def _json(self, verb: str, path: str, what: str, body: Any = None, *,
              admin: bool = False) -> Any:
        requester = self.gh.requester

        def do() -> Any:
            _, data = requester.requestJsonAndCheck(verb, path, input=body)
            return data

        try:
            return self.session.call(what, do, idempotent=verb != "POST")
        except PublishError as exc:
            if admin and any(f"HTTP {c}" in str(exc) for c in (403, 404)):
                raise PublishError(
                    f"{exc}. `setup` needs a token with admin rights on {self.full_name} "
                    "(a classic token with the `repo` scope, or a fine-grained token with "
                    "Administration: read and write)") from None
            raise

    # -- the repository ------------------------------------------------------------------
    def info(self) -> RepoInfo:
        def get() -> RepoInfo:
            r = self.repo
            branch = r.default_branch  # the first attribute read fetches the repository
            perms = r.permissions
            return RepoInfo(r.full_name, branch, bool(r.private), bool(perms and perms.admin))

        try:
            return self.session.call(f"read the repository {self.full_name}", get)
        except PublishError as exc:
            if "HTTP 404" in str(exc):
                raise PublishError(f"repository {self.full_name} not found, or the token "
                                   "cannot see it") from None
            raise

    # -- labels --------------------------------------------------------------------------
    def labels(self) -> dict[str, LabelSpec]:
        """Existing labels by case-folded name."""
        return self.session.call("list the repository labels", lambda: {
            x.name.casefold(): LabelSpec(x.name, x.color.lower(), x.description or "")
            for x in self.repo.get_labels()})

    def create_label(self, label: LabelSpec) -> None:
        def create() -> None:
            try:
                self.repo.create_label(label.name, label.color, label.description)
            except GithubException as e:  # created meanwhile
                if e.status != 422 or "already_exists" not in str(e.data):
                    raise
        self.session.call(f"create the label {label.name!r}", create)

    def update_label(self, current_name: str, label: LabelSpec) -> None:
        def update() -> None:
            # PATCH /repos/{owner}/{repo}/labels/{name}; the name keeps its spelling on GitHub
            self.repo.get_label(current_name).edit(current_name, label.color, label.description)
        self.session.call(f"update the label {current_name!r}", update)

    # -- rulesets ------------------------------------------------------------------------
    def rulesets(self) -> list[dict[str, Any]]:
        """The repository's own rulesets (summaries: no rules; ``ruleset`` reads one)."""
        items = self._json("GET", f"{self.base}/rulesets?includes_parents=false&per_page=100",
                           "list the repository rulesets")
        return [x for x in items or [] if isinstance(x, dict)]

    def ruleset(self, ruleset_id: int) -> dict[str, Any]:
        data: dict[str, Any] = self._json("GET", f"{self.base}/rulesets/{int(ruleset_id)}",
                                          f"read the ruleset {ruleset_id}")
        return data

    def create_ruleset(self, body: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = self._json("POST", f"{self.base}/rulesets",
                                          "create the branch ruleset", body, admin=True)
        return data

    def update_ruleset(self, ruleset_id: int, body: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = self._json("PUT", f"{self.base}/rulesets/{int(ruleset_id)}",
                                          "update the branch ruleset", body, admin=True)
        return data

    # -- Actions -------------------------------------------------------------------------
    def workflow_permissions(self) -> dict[str, Any]:
        data: dict[str, Any] = self._json(
            "GET", f"{self.base}/actions/permissions/workflow",
            "read the Actions workflow permissions", admin=True)
        return data

    def set_workflow_permissions(self, body: dict[str, Any]) -> None:
        self._json("PUT", f"{self.base}/actions/permissions/workflow",
                   "set the Actions workflow permissions", body, admin=True)

    def fork_approval(self) -> str:
        data = self._json("GET", f"{self.base}/actions/permissions/fork-pr-contributor-approval",
                          "read the fork pull request approval policy", admin=True)
        return str((data or {}).get("approval_policy", ""))

    def set_fork_approval(self, policy: str) -> None:
        self._json("PUT", f"{self.base}/actions/permissions/fork-pr-contributor-approval",
                   "set the fork pull request approval policy", {"approval_policy": policy},
                   admin=True)

    def private_fork_settings(self) -> dict[str, Any]:
        data: dict[str, Any] = self._json(
            "GET", f"{self.base}/actions/permissions/fork-pr-workflows-private-repos",
            "read the private-fork workflow settings", admin=True)
        return data

    def set_private_fork_settings(self, body: dict[str, Any]) -> None:
        self._json("PUT", f"{self.base}/actions/permissions/fork-pr-workflows-private-repos",
                   "set the private-fork workflow settings", body, admin=True)

    # -- people --------------------------------------------------------------------------
    def collaborators(self) -> list[Collaborator]:
        def listing() -> list[Collaborator]:
            out = []
            for u in self.repo.get_collaborators():
                p = u.permissions
                out.append(Collaborator(u.login, u.role_name or "",
                                        bool(p and (p.push or p.maintain or p.admin))))
            return out
        try:
            return self.session.call("list the collaborators", listing)
        except PublishError as exc:
            if "HTTP 403" in str(exc) or "HTTP 404" in str(exc):
                raise PublishError(f"{exc}. Listing collaborators needs admin or write "
                                   "access (and read:org for an organisation)") from None
            raise

    def user_exists(self, login: str) -> bool:
        def get() -> bool:
            try:
                self.gh.get_user(login, lazy=False)
            except UnknownObjectException:
                return False
            return True
        return self.session.call(f"look up the user {login!r}", get)

    def team_exists(self, org: str, slug: str) -> bool:
        path = f"/orgs/{quote(org, safe='')}/teams/{quote(slug, safe='')}"

        def get() -> bool:
            try:
                self.gh.requester.requestJsonAndCheck("GET", path)
            except UnknownObjectException:
                return False
            return True
        return self.session.call(f"look up the team {org}/{slug}", get)
