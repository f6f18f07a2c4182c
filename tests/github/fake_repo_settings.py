"""The fake GitHub (``fake_github.py``) extended with the repository-settings endpoints that
``python -m checker setup`` uses, stateful and in GitHub's documented shapes:

- ``GET /repos/{o}/{r}`` as a full repository (``private``, ``default_branch``, the token
  user's ``permissions``);
- ``PATCH /labels/{name}`` (update a label);
- ``GET|POST /rulesets``, ``GET|PUT /rulesets/{id}`` (the list gives summaries without rules,
  as GitHub's does; a second ruleset with the same name is refused);
- ``GET|PUT /actions/permissions/workflow``, ``.../fork-pr-contributor-approval`` (422 on a
  private repository, as GitHub answers), ``.../fork-pr-workflows-private-repos`` (private
  repositories only);
- ``GET /collaborators`` (role and permissions), ``GET /users/{login}``,
  ``GET /orgs/{org}/teams/{slug}``.

Answers start from GitHub's own example responses (``rest/examples``) and every request body
is validated against GitHub's request schema (``rest/schemas/request-*``): a body GitHub would
refuse gets GitHub's 422. Settings endpoints answer 403 to a token without the admin role.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fake_github import BOT_LOGIN, FakeGitHub, _now_iso
from gh_schemas import nullable_to_type_null
from jsonschema import Draft7Validator

REST = Path(__file__).resolve().parent / "rest"
ADMIN_TOKEN = "ghp_admin_token"
ADMIN_LOGIN = "course-admin"

Answer = tuple[int, Any, dict[str, str]]
ROLES = {  # role_name -> the permissions hash GitHub returns
    "read": dict(pull=True, triage=False, push=False, maintain=False, admin=False),
    "triage": dict(pull=True, triage=True, push=False, maintain=False, admin=False),
    "write": dict(pull=True, triage=True, push=True, maintain=False, admin=False),
    "maintain": dict(pull=True, triage=True, push=True, maintain=True, admin=False),
    "admin": dict(pull=True, triage=True, push=True, maintain=True, admin=True),
}


def rest_example(name: str) -> Any:
    return json.loads((REST / "examples" / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> Draft7Validator:
    raw = json.loads((REST / "schemas" / f"{name}.deref.schema.json").read_text(encoding="utf-8"))
    return Draft7Validator(nullable_to_type_null(raw))


def rest_errors(name: str, instance: Any) -> list[str]:
    """Where ``instance`` breaks GitHub's schema ``name`` (empty: it matches)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator(name).iter_errors(instance)]


def _invalid(errors: list[str]) -> Answer:
    return 422, {"message": "Invalid request.\n\n" + "\n".join(errors[:3]),
                 "documentation_url": "https://docs.github.com/rest"}, {}


class SettingsGitHub(FakeGitHub):
    def __init__(self, owner: str = "course", repo: str = "seminar", *,
                 private: bool = False) -> None:
        super().__init__(owner, repo)
        self.tokens[ADMIN_TOKEN] = ADMIN_LOGIN
        self.private = private
        self.default_branch = "main"
        self.roles: dict[str, str] = {ADMIN_LOGIN: "admin"}  # collaborators by login
        self.users: set[str] = {ADMIN_LOGIN.casefold(), self.owner.casefold()}
        self.teams: set[tuple[str, str]] = set()
        self.rulesets: dict[int, dict[str, Any]] = {}
        # a repository created before GitHub made read-only the default
        self.workflow = {"default_workflow_permissions": "write",
                         "can_approve_pull_request_reviews": True}
        self.fork_policy = "first_time_contributors"
        self.private_forks = {"run_workflows_from_fork_pull_requests": False,
                              "send_write_tokens_to_workflows": False,
                              "send_secrets_and_variables": False,
                              "require_approval_for_fork_pr_workflows": False}

    # -- test helpers ----------------------------------------------------------------------
    def add_user(self, login: str, role: str | None = None) -> None:
        self.users.add(login.casefold())
        if role is not None:
            self.roles[login] = role

    def writes(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests() if r.method != "GET"]

    # -- routing ---------------------------------------------------------------------------
    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any,
               user: str) -> Answer:
        if method == "GET" and path.startswith("/users/"):
            return self._get_user(path[len("/users/"):])
        if method == "GET" and path.startswith("/orgs/"):
            parts = path.split("/")
            if len(parts) == 5 and parts[3] == "teams":
                return self._get_team(parts[2], parts[4])
            return 404, {"message": "Not Found"}, {}
        return super()._route(method, path, query, body, user)

    def _routes(self) -> list[tuple[str, Callable[..., Answer]]]:
        admin = self._admin_only
        return [
            (r"PATCH /labels/(.+)", self._update_label),
            (r"GET /rulesets", self._list_rulesets),
            (r"POST /rulesets", admin(self._create_ruleset)),
            (r"GET /rulesets/(\d+)", self._get_ruleset),
            (r"PUT /rulesets/(\d+)", admin(self._update_ruleset)),
            (r"GET /actions/permissions/workflow", admin(self._get_workflow)),
            (r"PUT /actions/permissions/workflow", admin(self._put_workflow)),
            (r"GET /actions/permissions/fork-pr-contributor-approval", admin(self._get_fork)),
            (r"PUT /actions/permissions/fork-pr-contributor-approval", admin(self._put_fork)),
            (r"GET /actions/permissions/fork-pr-workflows-private-repos",
             admin(self._get_private_forks)),
            (r"PUT /actions/permissions/fork-pr-workflows-private-repos",
             admin(self._put_private_forks)),
            (r"GET /collaborators", self._list_collaborators),
            *super()._routes(),
        ]

    def _admin_only(self, handler: Callable[..., Answer]) -> Callable[..., Answer]:
        def guarded(q: Any, b: Any, u: str, *groups: str) -> Answer:
            if self.roles.get(u) != "admin":
                return 403, {"message": "Must have admin rights to Repository.",
                             "documentation_url": "https://docs.github.com/rest"}, {}
            return handler(q, b, u, *groups)
        return guarded

    # -- shapes ----------------------------------------------------------------------------
    def _get_repo(self, q: Any, b: Any, u: str) -> Answer:
        repo: dict[str, Any] = rest_example("full-repository-default-response")
        role = self.roles.get(u, "read")
        repo.update(name=self.repo, full_name=f"{self.owner}/{self.repo}",
                    private=self.private, visibility="private" if self.private else "public",
                    default_branch=self.default_branch, permissions=dict(ROLES[role]),
                    url=f"{self.url}/repos/{self.owner}/{self.repo}")
        repo["owner"] = self._user(self.owner)
        for key in ("source", "parent", "template_repository"):  # not a fork: GitHub omits them
            repo.pop(key, None)
        repo["fork"] = False
        repo.setdefault("language", None)  # GitHub's example omits a required field
        return 200, repo, {}

    def _get_user(self, login: str) -> Answer:
        if login.casefold() not in self.users and login != BOT_LOGIN:
            return 404, {"message": "Not Found",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        user: dict[str, Any] = rest_example("public-user-default-response")
        user.update(login=login, id=abs(hash(login)) % 10_000_000,
                    url=f"{self.url}/users/{quote(login)}",
                    html_url=f"https://github.com/{quote(login)}")
        return 200, user, {}

    def _get_team(self, org: str, slug: str) -> Answer:
        if (org.casefold(), slug.casefold()) not in self.teams:
            return 404, {"message": "Not Found"}, {}
        team: dict[str, Any] = rest_example("team-full")
        team.update(slug=slug, name=slug, type="organization")  # the example lacks the
        team["organization"].update(login=org, archived_at=None)  # two required fields
        return 200, team, {}

    def _update_label(self, q: Any, b: Any, u: str, name: str) -> Answer:
        if errors := rest_errors("request-update-label", b):
            return _invalid(errors)
        label = self.labels.pop(name.lower(), None)
        if label is None:
            return 404, {"message": "Not Found"}, {}
        new = self._label(b.get("new_name", label["name"]), b.get("color", label["color"]),
                          b.get("description", label["description"]))
        new["id"] = label["id"]
        self.labels[new["name"].lower()] = new
        return 200, new, {}

    def _ruleset_shape(self, rid: int, body: dict[str, Any], created: str) -> dict[str, Any]:
        rs: dict[str, Any] = rest_example("repository-ruleset")
        full = f"{self.owner}/{self.repo}"
        rs.update(id=rid, name=body["name"], target=body.get("target", "branch"),
                  source_type="Repository", source=full, enforcement=body["enforcement"],
                  bypass_actors=copy.deepcopy(body.get("bypass_actors", [])),
                  conditions=copy.deepcopy(body.get("conditions")),
                  rules=copy.deepcopy(body.get("rules", [])),
                  current_user_can_bypass="never", created_at=created,
                  updated_at=_now_iso(self.clock()))
        rs["_links"] = {"self": {"href": f"{self.url}/repos/{full}/rulesets/{rid}"},
                        "html": {"href": f"https://github.com/{full}/rules/{rid}"}}
        return rs

    def _list_rulesets(self, q: Any, b: Any, u: str) -> Answer:
        keep = ("id", "name", "target", "source_type", "source", "enforcement", "node_id",
                "_links", "created_at", "updated_at")
        return 200, [{k: rs[k] for k in keep} for rs in self.rulesets.values()], {}

    def _create_ruleset(self, q: Any, b: Any, u: str) -> Answer:
        if errors := rest_errors("request-create-repo-ruleset", b):
            return _invalid(errors)
        if any(rs["name"] == b["name"] for rs in self.rulesets.values()):
            return _invalid(["Name must be unique"])
        rid = self._next_id()
        self.rulesets[rid] = self._ruleset_shape(rid, b, _now_iso(self.clock()))
        return 201, self.rulesets[rid], {}

    def _get_ruleset(self, q: Any, b: Any, u: str, rid: str) -> Answer:
        rs = self.rulesets.get(int(rid))
        return (200, rs, {}) if rs else (404, {"message": "Not Found"}, {})

    def _update_ruleset(self, q: Any, b: Any, u: str, rid: str) -> Answer:
        rs = self.rulesets.get(int(rid))
        if rs is None:
            return 404, {"message": "Not Found"}, {}
        if errors := rest_errors("request-update-repo-ruleset", b):
            return _invalid(errors)
        merged = {**{k: rs[k] for k in ("name", "enforcement", "target", "bypass_actors",
                                         "conditions", "rules")}, **b}
        self.rulesets[int(rid)] = self._ruleset_shape(int(rid), merged, rs["created_at"])
        return 200, self.rulesets[int(rid)], {}

    def _get_workflow(self, q: Any, b: Any, u: str) -> Answer:
        return 200, dict(self.workflow), {}

    def _put_workflow(self, q: Any, b: Any, u: str) -> Answer:
        if errors := rest_errors("request-set-default-workflow-permissions", b):
            return _invalid(errors)
        self.workflow.update(b)
        return 204, None, {}

    def _get_fork(self, q: Any, b: Any, u: str) -> Answer:
        if self.private:
            return 422, {"message": "Fork PR approval is not allowed for private "
                         "repositories."}, {}
        return 200, {"approval_policy": self.fork_policy}, {}

    def _put_fork(self, q: Any, b: Any, u: str) -> Answer:
        if self.private:
            return 422, {"message": "Fork PR approval is not allowed for private "
                         "repositories."}, {}
        if errors := rest_errors("request-set-fork-pr-contributor-approval", b):
            return _invalid(errors)
        self.fork_policy = b["approval_policy"]
        return 204, None, {}

    def _get_private_forks(self, q: Any, b: Any, u: str) -> Answer:
        if not self.private:
            return 404, {"message": "Not Found"}, {}
        return 200, dict(self.private_forks), {}

    def _put_private_forks(self, q: Any, b: Any, u: str) -> Answer:
        if not self.private:
            return 404, {"message": "Not Found"}, {}
        if errors := rest_errors("request-set-fork-pr-workflows-private-repos", b):
            return _invalid(errors)
        self.private_forks.update(b)
        return 204, None, {}

    def _list_collaborators(self, q: Any, b: Any, u: str) -> Answer:
        template = rest_example("collaborator-items")[0]
        out = []
        for login, role in sorted(self.roles.items()):
            c = copy.deepcopy(template)
            c.update(login=login, id=abs(hash(login)) % 10_000_000, role_name=role,
                     permissions=dict(ROLES[role]), url=f"{self.url}/users/{quote(login)}",
                     html_url=f"https://github.com/{quote(login)}")
            out.append(c)
        status, items, headers = self._paginate(out, q)
        if "Link" in headers:
            headers["Link"] = headers["Link"].replace(
                "{path}", f"/repos/{self.owner}/{self.repo}/collaborators")
        return status, items, headers
