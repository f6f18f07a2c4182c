"""The group repositories of a ``private`` course on GitHub: list, create, read and change them
(the only HTTP of ``setup --topology private`` besides ``checker.github.settings``).

Every call goes through ``Session.call`` (bounded retry, request count); GitHub's answers come
back as plain values (``checker.group_repos.Have``), so the planning stays pure. Reading one
existing repository costs a fixed number of requests whatever the course: its direct
collaborators, pending invitations, teams (with a staff team), two folder listings (the files
``setup`` installs, compared by git blob SHA, never downloaded), the variable, the labels and
the rulesets.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from github import Github, GithubException

from checker.github.client import PublishError, Session, create_once
from checker.github.settings import RepoSettings
from checker.group_repos import Have
from checker.repo_setup import RULESET_NAME

PER_PAGE = 100
MAX_PAGES = 50  # 5,000 repositories: far beyond a course
_NEXT = re.compile(r'<([^<>]+)>;\s*rel="next"')


class OrgRepos:
    """The repositories of one organisation, over one ``Session``."""

    def __init__(self, session: Session, gh: Github, owner: str) -> None:
        self.session = session
        self.gh = gh
        self.owner = owner

    # -- helpers ---------------------------------------------------------------------------
    def _request(self, verb: str, path: str, what: str, body: Any = None, *,
                 idempotent: bool = True, missing_ok: bool = False) -> tuple[int, Any]:
        """(status, data); with ``missing_ok`` a 404 is (404, None), not an error."""
        requester = self.gh.requester

        def do() -> tuple[int, Any]:
            try:
                headers, data = requester.requestJsonAndCheck(verb, path, input=body)
            except GithubException as exc:
                if missing_ok and exc.status == 404:
                    return 404, None
                raise
            return 200, (headers, data)

        return self.session.call(what, do, idempotent=idempotent)

    def _pages(self, path: str, what: str) -> list[Any]:
        out: list[Any] = []
        url: str | None = f"{path}{'&' if '?' in path else '?'}per_page={PER_PAGE}"
        for page in range(MAX_PAGES):
            if url is None:
                break
            _, (headers, data) = self._request("GET", url, f"{what} (page {page + 1})")
            out.extend(data or [])
            m = _NEXT.search(headers.get("link", "") or headers.get("Link", ""))
            url = m.group(1) if m and len(data or []) >= PER_PAGE else None
        return out

    # -- the organisation ------------------------------------------------------------------
    def names(self) -> dict[str, dict[str, Any]]:
        """The organisation's repositories the token sees, by case-folded name."""
        items = self._pages(f"/orgs/{quote(self.owner, safe='')}/repos?type=all",
                            f"list the repositories of {self.owner}")
        return {str(x.get("name", "")).casefold(): x for x in items if isinstance(x, dict)}

    def create(self, name: str, template: str | None, description: str) -> None:
        """A private repository ``name`` in the organisation, empty (with a README, so it has
        a default branch) or from ``template`` (OWNER/NAME)."""
        if template:
            path = f"/repos/{template}/generate"
            body: dict[str, Any] = {"owner": self.owner, "name": name, "private": True,
                                    "description": description, "include_all_branches": False}
        else:
            path = f"/orgs/{quote(self.owner, safe='')}/repos"
            body = {"name": name, "private": True, "description": description,
                    "auto_init": True, "has_wiki": False, "has_projects": False}
        full = f"{self.owner}/{name}"
        create_once(self.session, f"create the repository {full}",
                    lambda: self._once("POST", path, body),
                    lambda: self._exists(f"/repos/{full}", f"look for the repository {full}"))

    # -- one repository --------------------------------------------------------------------
    def settings(self, full_name: str) -> RepoSettings:
        return RepoSettings(self.session, self.gh, full_name)

    def state(self, full_name: str, staff_team: str | None, paths: list[str],
              variables: list[str]) -> Have:
        """What GitHub has of one existing group repository."""
        have = Have(full_name)
        base = f"/repos/{full_name}"
        for c in self._pages(f"{base}/collaborators?affiliation=direct",
                             f"list the collaborators of {full_name}"):
            have.collaborators[str(c["login"]).casefold()] = _role(c)
        for inv in self._pages(f"{base}/invitations", f"list the invitations of {full_name}"):
            login = str((inv.get("invitee") or {}).get("login", ""))
            have.invited[login.casefold()] = str(inv.get("permissions") or "")
        if staff_team is not None:
            for t in self._pages(f"{base}/teams", f"list the teams of {full_name}"):
                have.teams[str(t.get("slug", "")).casefold()] = str(t.get("permission", ""))
        for folder in sorted({p.rsplit("/", 1)[0] if "/" in p else "" for p in paths}):
            status, got = self._request("GET", f"{base}/contents/{quote(folder)}",
                                        f"list {folder or 'the top folder'} of {full_name}",
                                        missing_ok=True)
            entries = got[1] if status != 404 else []
            for e in entries if isinstance(entries, list) else []:
                if e.get("type") == "file" and e.get("path") in paths:
                    have.files[str(e["path"])] = str(e.get("sha", ""))
        for name in variables:
            status, got = self._request("GET", f"{base}/actions/variables/{name}",
                                        f"read the variable {name} of {full_name}",
                                        missing_ok=True)
            if status != 404 and isinstance(got[1], dict):
                have.variables[name] = str(got[1].get("value", ""))
        settings = self.settings(full_name)
        have.labels = settings.labels()
        ours = [x for x in settings.rulesets() if x.get("name") == RULESET_NAME
                and x.get("source_type", "Repository") == "Repository"]
        have.ruleset = settings.ruleset(int(ours[0]["id"])) if ours else None
        return have

    def file_sha(self, full_name: str, path: str) -> str | None:
        """The git blob SHA of one file on the default branch (None: no such file), from its
        folder's listing: one request, the file itself never downloaded."""
        folder, _, name = path.rpartition("/")
        return self.folder_shas(full_name, folder).get(name)

    def add_collaborator(self, full_name: str, login: str, permission: str) -> None:
        self._request("PUT", f"/repos/{full_name}/collaborators/{quote(login, safe='')}",
                      f"give {login} {permission} access to {full_name}",
                      {"permission": permission})

    def add_team(self, full_name: str, slug: str, permission: str) -> None:
        self._request("PUT", f"/orgs/{quote(self.owner, safe='')}/teams/{quote(slug, safe='')}"
                      f"/repos/{full_name}", f"give the team {slug} {permission} access to "
                      f"{full_name}", {"permission": permission})

    def folder_shas(self, full_name: str, folder: str) -> dict[str, str]:
        """Each file of one folder on the default branch: name -> git blob SHA (one request;
        a folder that does not exist is empty). The files are never downloaded."""
        status, got = self._request("GET", f"/repos/{full_name}/contents/{quote(folder)}",
                                    f"list {folder or 'the top folder'} of {full_name}",
                                    missing_ok=True)
        entries = got[1] if status != 404 else []
        return {str(e["name"]): str(e.get("sha", "")) for e in
                (entries if isinstance(entries, list) else [])
                if isinstance(e, dict) and e.get("type") == "file" and isinstance(e.get("name"),
                                                                                  str)}

    def put_file(self, full_name: str, path: str, text: str | bytes, sha: str | None, *,
                 message: str | None = None) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        body: dict[str, Any] = {
            "message": message or f"{path}: the course's (python -m checker setup --topology "
                                  "private)",
            "content": base64.b64encode(data).decode("ascii")}
        if sha:
            body["sha"] = sha
        try:
            self._request("PUT", f"/repos/{full_name}/contents/{quote(path)}",
                          f"write {path} in {full_name}", body)
        except PublishError as exc:
            if path.startswith(".github/workflows/") and "HTTP 404" in str(exc):
                raise PublishError(f"{exc}. Writing a workflow file needs a token with the "
                                   "`workflow` scope (classic) or Workflows: read and write "
                                   "(fine-grained)") from None
            raise

    def set_variable(self, full_name: str, name: str, value: str, exists: bool) -> None:
        base = f"/repos/{full_name}/actions/variables"
        body = {"name": name, "value": value}
        if exists:
            self._request("PATCH", f"{base}/{name}", f"set the variable {name} of {full_name}",
                          body)
            return
        create_once(self.session, f"create the variable {name} of {full_name}",
                    lambda: self._once("POST", base, body),
                    lambda: self._exists(f"{base}/{name}", f"look for the variable {name}"))

    def _once(self, verb: str, path: str, body: Any) -> bool:
        """One write, for ``create_once`` (which calls it through the session)."""
        self.gh.requester.requestJsonAndCheck(verb, path, input=body)
        return True

    def _exists(self, path: str, what: str) -> bool | None:
        status, _ = self._request("GET", path, what, missing_ok=True)
        return True if status != 404 else None


def _role(c: dict[str, Any]) -> str:
    """A collaborator's role: GitHub's ``role_name``, else the highest permission."""
    name = c.get("role_name")
    if isinstance(name, str) and name:
        return name
    perms = c.get("permissions") or {}
    order: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
        ("admin", lambda p: bool(p.get("admin"))), ("maintain", lambda p: bool(p.get("maintain"))),
        ("write", lambda p: bool(p.get("push"))), ("triage", lambda p: bool(p.get("triage")))]
    return next((role for role, has in order if has(perms)), "read")
