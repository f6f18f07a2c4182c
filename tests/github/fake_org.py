"""A fake GitHub organisation: many repositories behind one server on 127.0.0.1, for the
``private`` topology (one private repository per group), driven by real PyGithub.

Each repository is a full fake of its own (``OrgRepo``: the pull requests, comments and issues
of ``fake_course_github.CourseGitHub`` and the settings of ``fake_repo_settings.SettingsGitHub``)
plus the endpoints ``setup --topology private`` uses, answering in GitHub's documented shapes
(``rest/examples``), every request body held to GitHub's request schema (``rest/schemas``):

- ``GET /orgs/{org}/repos`` (minimal repositories, paginated), ``POST /orgs/{org}/repos``,
  ``POST /repos/{template_owner}/{template_repo}/generate`` (422 for a name that exists, 404
  for a template the token cannot see, 422 for a repository that is no template);
- ``PUT /repos/{o}/{r}/collaborators/{login}``: 204 when an organisation member is added
  directly, 201 with an invitation otherwise (no access until accepted: ``accept``), 404 for a
  login GitHub does not know; ``GET .../invitations``;
- ``PUT /orgs/{org}/teams/{slug}/repos/{o}/{r}`` and ``GET /repos/{o}/{r}/teams``;
- ``GET|PUT /repos/{o}/{r}/contents/{path}`` (a file, or a folder's entries with git blob
  SHAs; an update needs the current ``sha``: 422 without it, 409 with another; a workflow file
  needs a token with the ``workflow`` scope);
- ``GET|POST|PATCH /repos/{o}/{r}/actions/variables[/{name}]`` (admin only; 409 for a
  variable that exists);
- rulesets on a private repository of a ``free`` organisation: 403, as GitHub answers.

Who may see what is GitHub's: a private repository answers 404 to a token whose user is neither
an owner of the organisation, nor a collaborator (an invitation is not access), nor in a team
given the repository.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "staff"))

from fake_course_github import CourseGitHub
from fake_github import BOT_LOGIN, EXAMPLES, FakeGitHub, _now_iso
from fake_repo_settings import (
    ADMIN_LOGIN,
    ADMIN_TOKEN,
    ROLES,
    SettingsGitHub,
    _invalid,
    rest_errors,
    rest_example,
)

__all__ = ["ADMIN_LOGIN", "ADMIN_TOKEN", "EXAMPLES", "OrgGitHub", "OrgRepo", "blob_sha"]

Answer = tuple[int, Any, dict[str, str]]
PERMISSION_ROLE = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain",
                   "admin": "admin"}
RANK = {"read": 0, "triage": 1, "write": 2, "maintain": 3, "admin": 4}
NOT_FOUND: Answer = (404, {"message": "Not Found",
                           "documentation_url": "https://docs.github.com/rest"}, {})


def blob_sha(data: bytes) -> str:
    """git's id of a file's bytes, as the contents API gives it (``sha``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class OrgRepo(CourseGitHub, SettingsGitHub):
    """One repository of the organisation (not a server of its own: ``OrgGitHub`` serves it)."""

    def __init__(self, org: OrgGitHub, name: str, *, private: bool = True,
                 is_template: bool = False) -> None:
        super().__init__(org.name, name)
        self.org = org
        self.private = private
        self.is_template = is_template
        self.roles = {}  # direct collaborators (organisation owners have admin anyway)
        self.invitations: dict[str, dict[str, Any]] = {}  # login (casefold) -> invitation
        self.team_access: dict[str, str] = {}  # team slug (casefold) -> role
        self.files: dict[str, bytes] = {}  # the default branch's files
        self.variables: dict[str, dict[str, Any]] = {}
        self.created_at = _now_iso(self.clock())

    @property
    def url(self) -> str:
        return self.org.url

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"

    # -- access ----------------------------------------------------------------------------
    def role_of(self, login: str) -> str | None:
        """The user's role here (None: no access)."""
        if login == ADMIN_LOGIN or login.casefold() in self.org.owners:
            return "admin"
        roles = [r for u, r in self.roles.items() if u.casefold() == login.casefold()]
        for slug, role in self.team_access.items():
            if login.casefold() in self.org.teams.get(slug, set()):
                roles.append(role)
        if not roles:
            return None if self.private else "read"
        return max(roles, key=lambda r: RANK.get(r, 0))

    def _admin_only(self, handler: Callable[..., Answer]) -> Callable[..., Answer]:
        def guarded(q: Any, b: Any, u: str, *groups: str) -> Answer:
            if self.role_of(u) != "admin":
                return 403, {"message": "Must have admin rights to Repository.",
                             "documentation_url": "https://docs.github.com/rest"}, {}
            return handler(q, b, u, *groups)
        return guarded

    # -- routes ----------------------------------------------------------------------------
    def _routes(self) -> list[tuple[str, Callable[..., Answer]]]:
        admin = self._admin_only
        return [
            (r"PUT /collaborators/([^/]+)", admin(self._put_collaborator)),
            (r"GET /invitations", admin(self._list_invitations)),
            (r"GET /teams", self._list_teams),
            (r"GET /contents/(.*)", self._get_contents),
            (r"PUT /contents/(.+)", self._put_contents),
            (r"GET /actions/variables/([A-Za-z0-9_]+)", admin(self._get_variable)),
            (r"POST /actions/variables", admin(self._post_variable)),
            (r"PATCH /actions/variables/([A-Za-z0-9_]+)", admin(self._patch_variable)),
            (r"POST /rulesets", self._plan_allows_rulesets(admin(self._create_ruleset))),
            *super()._routes(),
        ]

    def _plan_allows_rulesets(self, handler: Callable[..., Answer]) -> Callable[..., Answer]:
        def guarded(q: Any, b: Any, u: str, *groups: str) -> Answer:
            if self.private and self.org.plan == "free":
                return 403, {"message": "Upgrade to GitHub Pro or make this repository public "
                             "to enable this feature.",
                             "documentation_url": "https://docs.github.com/rest"}, {}
            return handler(q, b, u, *groups)
        return guarded

    # -- shapes ----------------------------------------------------------------------------
    def full_shape(self, user: str) -> dict[str, Any]:
        repo: dict[str, Any] = rest_example("full-repository-default-response")
        role = self.role_of(user) or "read"
        api = f"{self.url}/repos/{self.full_name}"
        repo.update(id=abs(hash(self.full_name)) % 10_000_000, name=self.repo,
                    full_name=self.full_name, private=self.private,
                    visibility="private" if self.private else "public",
                    default_branch=self.default_branch, permissions=dict(ROLES[role]),
                    url=api, html_url=f"https://github.com/{self.full_name}",
                    is_template=self.is_template, created_at=self.created_at)
        repo["owner"] = self._user(self.owner)
        for key in ("source", "parent", "template_repository"):
            repo.pop(key, None)
        repo["fork"] = False
        repo.setdefault("language", None)
        return repo

    def minimal_shape(self) -> dict[str, Any]:
        repo: dict[str, Any] = copy.deepcopy(rest_example("minimal-repository-items")[0])
        repo.update(id=abs(hash(self.full_name)) % 10_000_000, name=self.repo,
                    full_name=self.full_name, private=self.private,
                    visibility="private" if self.private else "public",
                    url=f"{self.url}/repos/{self.full_name}",
                    html_url=f"https://github.com/{self.full_name}",
                    default_branch=self.default_branch, is_template=self.is_template)
        repo["owner"] = self._user(self.owner)
        repo.pop("permissions", None)  # not asked for as the owner: GitHub leaves it out
        return repo

    def _get_repo(self, q: Any, b: Any, u: str) -> Answer:
        return 200, self.full_shape(u), {}

    def _list_collaborators(self, q: Any, b: Any, u: str) -> Answer:
        status, items, headers = super()._list_collaborators(q, b, u)
        if q.get("affiliation", ["all"])[0] != "direct":  # owners and teams too
            extra = sorted(self.org.owners - {x.casefold() for x in self.roles})
            template = rest_example("collaborator-items")[0]
            for login in extra:
                c = copy.deepcopy(template)
                c.update(login=login, role_name="admin", permissions=dict(ROLES["admin"]))
                items.append(c)
        return status, items, headers

    def _put_collaborator(self, q: Any, b: Any, u: str, login: str) -> Answer:
        body = b if b is not None else {}
        if errors := rest_errors("request-add-collaborator", body):
            return _invalid(errors)
        permission = body.get("permission", "push")
        role = PERMISSION_ROLE.get(permission)
        if role is None:
            return 422, {"message": "Validation Failed", "errors": [
                {"resource": "Repository", "code": "custom", "field": "permission",
                 "message": f"{permission} is not a valid permission"}]}, {}
        if login.casefold() not in self.org.users:
            return NOT_FOUND
        if login.casefold() in self.org.members:  # added at once
            self.roles[login] = role
            return 204, None, {}
        if any(x.casefold() == login.casefold() for x in self.roles):
            self.roles[next(x for x in self.roles if x.casefold() == login.casefold())] = role
            return 204, None, {}
        inv = self.invitations.get(login.casefold())
        if inv is None:
            inv = copy.deepcopy(rest_example(
                "repository-invitation-response-when-a-new-invitation-is-created"))
            inv["id"] = self._next_id()
            inv["repository"] = self.minimal_shape()
            inv["invitee"] = self._user(login)
            inv["inviter"] = self._user(u)
            inv["created_at"] = _now_iso(self.clock())
            inv["url"] = f"{self.url}/user/repository_invitations/{inv['id']}"
            inv["html_url"] = f"https://github.com/{self.full_name}/invitations"
            self.invitations[login.casefold()] = inv
        inv["permissions"] = role
        return 201, inv, {}

    def accept(self, login: str) -> None:
        """The invitee accepts (test helper): a collaborator from now on."""
        inv = self.invitations.pop(login.casefold())
        self.roles[inv["invitee"]["login"]] = inv["permissions"]

    def _list_invitations(self, q: Any, b: Any, u: str) -> Answer:
        status, items, headers = self._paginate(list(self.invitations.values()), q)
        if "Link" in headers:
            headers["Link"] = headers["Link"].replace("{path}",
                                                      f"/repos/{self.full_name}/invitations")
        return status, items, headers

    def _list_teams(self, q: Any, b: Any, u: str) -> Answer:
        out = []
        for slug, role in sorted(self.team_access.items()):
            team = copy.deepcopy(rest_example("team-items")[0])
            team.update(id=abs(hash(slug)) % 1_000_000, slug=slug, name=slug, parent=None,
                        type="organization",  # GitHub's example lacks this required field
                        permission={"read": "pull", "write": "push"}.get(role, role),
                        url=f"{self.url}/orgs/{self.owner}/teams/{quote(slug)}")
            out.append(team)
        return 200, out, {}

    # contents ----------------------------------------------------------------------------
    def _entry(self, path: str, data: bytes | None) -> dict[str, Any]:
        api = f"{self.url}/repos/{self.full_name}/contents/{quote(path)}"
        html = f"https://github.com/{self.full_name}/blob/main/{quote(path)}"
        kind = "file" if data is not None else "dir"
        sha = blob_sha(data) if data is not None else hashlib.sha1(path.encode()).hexdigest()
        return {"type": kind, "size": len(data or b""), "name": path.rsplit("/", 1)[-1],
                "path": path, "sha": sha, "url": api, "git_url": None, "html_url": html,
                "download_url": None,
                "_links": {"self": api, "git": None, "html": html}}

    def _get_contents(self, q: Any, b: Any, u: str, path: str) -> Answer:
        path = path.strip("/")
        if path in self.files:
            data = self.files[path]
            out = self._entry(path, data)
            out.update(encoding="base64", content=base64.encodebytes(data).decode("ascii"))
            return 200, out, {}
        prefix = path + "/" if path else ""
        children: dict[str, bytes | None] = {}
        for p, data in self.files.items():
            if p.startswith(prefix):
                head, _, rest = p[len(prefix):].partition("/")
                children[prefix + head] = None if rest else data
        if not children:
            return NOT_FOUND
        return 200, [self._entry(p, d) for p, d in sorted(children.items())], {}

    def _put_contents(self, q: Any, b: Any, u: str, path: str) -> Answer:
        if (self.role_of(u) or "read") not in ("write", "maintain", "admin"):
            return NOT_FOUND if self.role_of(u) is None else (
                403, {"message": "Resource not accessible by personal access token"}, {})
        if errors := rest_errors("request-create-or-update-file-contents", b):
            return _invalid(errors)
        if path.startswith(".github/workflows/") and "workflow" not in self.org.scopes.get(u, ()):
            return 404, {"message": f"refusing to allow a Personal Access Token to create or "
                         f"update workflow `{path}` without `workflow` scope",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        try:
            data = base64.b64decode(b["content"], validate=True)
        except ValueError:
            return _invalid(["content: is not valid Base64"])
        current = self.files.get(path)
        if current is not None and "sha" not in b:
            return 422, {"message": "Invalid request.\n\n\"sha\" wasn't supplied.",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        if current is not None and b["sha"] != blob_sha(current):
            return 409, {"message": f"{path} does not match {b['sha']}",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        self.files[path] = data
        commit: dict[str, Any] = copy.deepcopy(rest_example(
            "file-commit-example-for-creating-a-file"))
        entry = self._entry(path, data)
        commit["content"].update({k: entry[k] for k in ("name", "path", "sha", "size", "url",
                                                         "html_url")})
        commit["commit"]["message"] = b["message"]
        return (201 if current is None else 200), commit, {}

    # variables ---------------------------------------------------------------------------
    def _get_variable(self, q: Any, b: Any, u: str, name: str) -> Answer:
        var = self.variables.get(name.upper())
        return (200, var, {}) if var else (404, {"message": "Not Found"}, {})

    def _post_variable(self, q: Any, b: Any, u: str) -> Answer:
        if errors := rest_errors("request-create-repo-variable", b):
            return _invalid(errors)
        if b["name"].upper() in self.variables:
            return 409, {"message": "Already exists - Variable already exists",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        now = _now_iso(self.clock())
        self.variables[b["name"].upper()] = {"name": b["name"].upper(), "value": b["value"],
                                             "created_at": now, "updated_at": now}
        return 201, {}, {}

    def _patch_variable(self, q: Any, b: Any, u: str, name: str) -> Answer:
        var = self.variables.get(name.upper())
        if var is None:
            return 404, {"message": "Not Found"}, {}
        if errors := rest_errors("request-update-repo-variable", b):
            return _invalid(errors)
        var.update({k: b[k] for k in ("value",) if k in b},
                   updated_at=_now_iso(self.clock()))
        return 204, None, {}


class OrgGitHub(FakeGitHub):
    """The organisation and its server (``FakeGitHub``'s, with its log and injected faults).
    Use as a context manager."""

    def __init__(self, name: str = "course-org", *, plan: str = "team") -> None:
        super().__init__(name, "")
        self.name = name
        self.plan = plan  # "free": no rulesets on private repositories
        self.repos: dict[str, OrgRepo] = {}  # full name (casefold) -> repository
        self.tokens[ADMIN_TOKEN] = ADMIN_LOGIN
        self.scopes: dict[str, tuple[str, ...]] = {ADMIN_LOGIN: ("repo", "workflow",
                                                                 "read:org")}
        self.owners: set[str] = {ADMIN_LOGIN.casefold()}
        self.members: set[str] = {ADMIN_LOGIN.casefold()}
        self.users: set[str] = {ADMIN_LOGIN.casefold()}
        self.teams: dict[str, set[str]] = {}  # slug (casefold) -> member logins (casefold)

    def start(self) -> None:
        super().start()
        assert self._server is not None
        # headers and body are two writes: without this, each answer waits for the client's
        # delayed ACK (some 40 ms), and a 75-group setup takes minutes
        self._server.RequestHandlerClass.disable_nagle_algorithm = True  # type: ignore[attr-defined]

    # -- test helpers ----------------------------------------------------------------------
    def add_user(self, login: str, role: str | None = None, *, member: bool = False,
                 owner: bool = False, token: str | None = None) -> None:
        self.users.add(login.casefold())
        if member or owner:
            self.members.add(login.casefold())
        if owner:
            self.owners.add(login.casefold())
        if token:
            self.tokens[token] = login
            self.scopes[login] = ("repo",)

    def add_team(self, slug: str, members: Iterable[str]) -> None:
        self.teams[slug.casefold()] = {m.casefold() for m in members}

    def add_repo(self, name: str, *, private: bool = True, is_template: bool = False,
                 files: dict[str, bytes] | None = None) -> OrgRepo:
        repo = OrgRepo(self, name, private=private, is_template=is_template)
        repo.files.update(files or {})
        self.repos[repo.full_name.casefold()] = repo
        return repo

    def repository(self, name: str) -> OrgRepo:
        return self.repos[f"{self.name}/{name}".casefold()]

    def writes(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.log if r.method != "GET"]

    # -- HTTP ------------------------------------------------------------------------------
    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any,
               user: str) -> Answer:
        if path == "/user":
            if user == BOT_LOGIN:
                return 403, {"message": "Resource not accessible by integration"}, {}
            return 200, self._any()._user(user), {}
        if method == "GET" and path.startswith("/users/"):
            login = path[len("/users/"):]
            if login.casefold() not in self.users:
                return NOT_FOUND
            return self._any()._get_user(login)
        m = re.fullmatch(r"/orgs/([^/]+)/(.*)", path)
        if m:
            if m.group(1).casefold() != self.name.casefold():
                return NOT_FOUND
            return self._org_route(method, m.group(2), query, body, user)
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if not m:
            return NOT_FOUND
        repo = self.repos.get(f"{m.group(1)}/{m.group(2)}".casefold())
        if repo is None or repo.role_of(user) is None:
            return NOT_FOUND
        if method == "POST" and m.group(3) == "/generate":
            return self._generate(repo, body, user)
        rest = m.group(3) or ""
        return repo._route(method, f"/repos/{repo.full_name}{rest}", query, body, user)

    def _any(self) -> OrgRepo:
        return next(iter(self.repos.values())) if self.repos else OrgRepo(self, "x")

    def _org_route(self, method: str, rest: str, query: dict[str, list[str]], body: Any,
                   user: str) -> Answer:
        if rest == "repos" and method == "GET":
            visible = [r for _, r in sorted(self.repos.items()) if r.role_of(user) is not None]
            per_page = min(int(query.get("per_page", ["30"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            chunk = [r.minimal_shape() for r in visible[(page - 1) * per_page:page * per_page]]
            headers = {}
            if page * per_page < len(visible):
                params = {k: v[0] for k, v in query.items()}
                params.update(per_page=str(per_page), page=str(page + 1))
                headers["Link"] = (f'<{self.url}/orgs/{self.name}/repos?{urlencode(params)}>; '
                                   'rel="next"')
            return 200, chunk, headers
        if rest == "repos" and method == "POST":
            if user.casefold() not in self.owners:
                return 403, {"message": "You need admin access to the organization before "
                             "adding a repository to it."}, {}
            if errors := rest_errors("request-create-in-org", body):
                return _invalid(errors)
            return self._create(body["name"], bool(body.get("private", False)), user,
                                {"README.md": f"# {body['name']}\n".encode()}
                                if body.get("auto_init") else {})
        m = re.fullmatch(r"teams/([^/]+)", rest)
        if m and method == "GET":
            if m.group(1).casefold() not in self.teams:
                return NOT_FOUND
            team: dict[str, Any] = rest_example("team-full")
            team.update(slug=m.group(1), name=m.group(1), type="organization")
            team["organization"].update(login=self.name, archived_at=None)
            return 200, team, {}
        m = re.fullmatch(r"teams/([^/]+)/repos/([^/]+)/([^/]+)", rest)
        if m and method == "PUT":
            repo = self.repos.get(f"{m.group(2)}/{m.group(3)}".casefold())
            if m.group(1).casefold() not in self.teams or repo is None:
                return NOT_FOUND
            if user.casefold() not in self.owners:
                return 403, {"message": "Must have admin rights to Repository."}, {}
            if errors := rest_errors("request-team-add-or-update-repo-permissions", body or {}):
                return _invalid(errors)
            role = PERMISSION_ROLE.get((body or {}).get("permission", "push"))
            if role is None:
                return _invalid(["permission: not a valid permission"])
            repo.team_access[m.group(1).casefold()] = role
            return 204, None, {}
        return NOT_FOUND

    def _create(self, name: str, private: bool, user: str, files: dict[str, bytes]) -> Answer:
        if f"{self.name}/{name}".casefold() in self.repos:
            return 422, {"message": "Repository creation failed.", "errors": [
                {"resource": "Repository", "code": "custom", "field": "name",
                 "message": "name already exists on this account"}],
                "documentation_url": "https://docs.github.com/rest"}, {}
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name) or name in (".", ".."):
            return _invalid([f"name: {name!r} is not a valid repository name"])
        repo = self.add_repo(name, private=private, files=files)
        return 201, repo.full_shape(user), {}

    def _generate(self, template: OrgRepo, body: Any, user: str) -> Answer:
        if errors := rest_errors("request-create-using-template", body):
            return _invalid(errors)
        if not template.is_template:
            return 422, {"message": f"{template.full_name} is not a template repository",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        if str(body.get("owner", user)).casefold() != self.name.casefold():
            return NOT_FOUND
        if user.casefold() not in self.owners:
            return 403, {"message": "You need admin access to the organization before "
                         "adding a repository to it."}, {}
        return self._create(body["name"], bool(body.get("private", False)), user,
                            dict(template.files))

