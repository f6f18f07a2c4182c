"""The GitHub engineer's fake (tests/github/fake_github.py), extended with what the staff
commands read and write, in GitHub's shapes:

- ``GET /pulls?state=open|closed|all`` (pull-request-simple items, paginated, labels and
  ``merged_at`` included, like GitHub's list);
- ``GET /issues/comments`` (every comment of the repository, paginated);
- ``GET /issues?state=&creator=`` (issues *and* pull requests, as GitHub lists them; a pull
  request carries a ``pull_request`` key), ``POST /issues``, ``GET|PATCH /issues/{n}``.

Pagination answers ``Link`` headers that keep every query parameter, as GitHub does.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))

from fake_github import EXAMPLES, FakeGitHub, _example, _now_iso

__all__ = ["EXAMPLES", "CourseGitHub"]

Handler = Callable[..., tuple[int, Any, dict[str, str]]]


class CourseGitHub(FakeGitHub):
    def __init__(self, owner: str = "course", repo: str = "seminar") -> None:
        super().__init__(owner, repo)
        self.issues: dict[int, dict[str, Any]] = {}  # issues that are not pull requests

    # -- test helpers ----------------------------------------------------------------------
    def next_number(self) -> int:
        return max([0, *self.pulls, *self.issues]) + 1

    def add_pull(self, number: int, **kw: Any) -> dict[str, Any]:
        pr = super().add_pull(number, **kw)
        pr.update(merged_at=None, closed_at=None, merged=False,  # the example is merged
                  html_url=f"https://github.com/{self.owner}/{self.repo}/pull/{number}")
        return pr

    def set_pull_state(self, number: int, *, merged_at: str | None = None,
                       closed_at: str | None = None) -> None:
        pr = self.pulls[number]
        if merged_at:
            pr.update(state="closed", merged_at=merged_at, closed_at=merged_at, merged=True)
        elif closed_at:
            pr.update(state="closed", merged_at=None, closed_at=closed_at, merged=False)

    def add_issue(self, title: str, body: str, login: str) -> dict[str, Any]:
        with self._lock:
            return self._make_issue(title, body, login)

    # -- routes ----------------------------------------------------------------------------
    def _routes(self) -> list[tuple[str, Handler]]:
        return [
            (r"GET /pulls", self._list_pulls),
            (r"GET /issues/comments", self._list_repo_comments),
            (r"GET /issues", self._list_issues),
            (r"POST /issues", self._post_issue),
            (r"GET /issues/(\d+)", self._get_issue),
            (r"PATCH /issues/(\d+)", self._patch_issue),
            *super()._routes(),
        ]

    def _page(self, items: list[Any], query: dict[str, list[str]], path: str,
              shape: Callable[[Any], Any] = lambda x: x) -> tuple[int, Any, dict[str, str]]:
        """One page of ``items``, each given its JSON shape by ``shape`` (only the page's: a
        course of thousands of PRs is listed in linear time, as GitHub lists it)."""
        per_page = max(1, min(int(query.get("per_page", ["30"])[0]), 100))
        page = max(1, int(query.get("page", ["1"])[0]))
        chunk = [shape(x) for x in items[(page - 1) * per_page: page * per_page]]
        headers: dict[str, str] = {}
        if page * per_page < len(items):
            params = {k: v[0] for k, v in query.items()}
            params.update(per_page=str(per_page), page=str(page + 1))
            nxt = f"{self.url}/repos/{self.owner}/{self.repo}{path}?{urlencode(params)}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        return 200, chunk, headers

    # pulls -------------------------------------------------------------------------------
    def _simple(self, pr: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = copy.deepcopy(_example("pull-request-simple-items")[0])
        for k in out:
            if k in pr and k not in ("head", "base", "_links"):
                out[k] = copy.deepcopy(pr[k])
        for side in ("head", "base"):
            out[side]["sha"], out[side]["ref"] = pr[side]["sha"], pr[side]["ref"]
            for key in ("full_name", "name", "default_branch"):
                out[side]["repo"][key] = pr[side]["repo"][key]
            out[side]["repo"]["owner"]["login"] = pr[side]["repo"]["owner"]["login"]
        out["requested_teams"] = []
        out["labels"] = [self.labels[x.lower()] for x in self.issue_labels.get(pr["number"], [])
                         if x.lower() in self.labels]
        return out

    def _list_pulls(self, q: dict[str, list[str]], b: Any, u: str
                    ) -> tuple[int, Any, dict[str, str]]:
        state = q.get("state", ["open"])[0]
        items = [p for _, p in sorted(self.pulls.items())
                 if state == "all" or p["state"] == state]
        if q.get("direction", ["asc" if q.get("sort") else "desc"])[0] == "desc":
            items.reverse()
        return self._page(items, q, "/pulls", self._simple)

    def _list_repo_comments(self, q: dict[str, list[str]], b: Any, u: str
                            ) -> tuple[int, Any, dict[str, str]]:
        items = [c for _, c in sorted(self.comments.items())]
        if q.get("direction", ["asc"])[0] == "desc":
            items.reverse()
        return self._page(items, q, "/issues/comments")

    # issues ------------------------------------------------------------------------------
    def _make_issue(self, title: str, body: str, login: str) -> dict[str, Any]:
        number = self.next_number()
        base = f"{self.url}/repos/{self.owner}/{self.repo}"
        now = _now_iso(self.clock())
        issue: dict[str, Any] = {
            "id": self._next_id(), "node_id": f"I_{number}", "number": number,
            "url": f"{base}/issues/{number}", "repository_url": base,
            "labels_url": f"{base}/issues/{number}/labels{{/name}}",
            "comments_url": f"{base}/issues/{number}/comments",
            "events_url": f"{base}/issues/{number}/events",
            "html_url": f"https://github.com/{self.owner}/{self.repo}/issues/{number}",
            "title": title, "body": body, "user": self._user(login), "labels": [],
            "state": "open", "state_reason": None, "locked": False, "assignee": None,
            "assignees": [], "milestone": None, "comments": 0, "created_at": now,
            "updated_at": now, "closed_at": None, "author_association": "NONE",
            "active_lock_reason": None,
        }
        self.issues[number] = issue
        return issue

    def _pull_as_issue(self, pr: dict[str, Any]) -> dict[str, Any]:
        base = f"{self.url}/repos/{self.owner}/{self.repo}"
        n = pr["number"]
        return {
            "id": pr["id"], "node_id": pr["node_id"], "number": n, "url": f"{base}/issues/{n}",
            "repository_url": base, "html_url": pr["html_url"], "title": pr["title"],
            "body": pr.get("body"), "user": pr["user"], "state": pr["state"],
            "labels": [self.labels[x.lower()] for x in self.issue_labels.get(n, [])
                       if x.lower() in self.labels],
            "locked": False, "assignee": None, "assignees": [], "milestone": None,
            "comments": len(self.comments_on(n)), "created_at": pr["created_at"],
            "updated_at": pr["updated_at"], "closed_at": pr.get("closed_at"),
            "author_association": "NONE",
            "pull_request": {"url": pr["url"], "html_url": pr["html_url"],
                             "diff_url": pr["diff_url"], "patch_url": pr["patch_url"],
                             "merged_at": pr.get("merged_at")},
        }

    def _list_issues(self, q: dict[str, list[str]], b: Any, u: str
                     ) -> tuple[int, Any, dict[str, str]]:
        state = q.get("state", ["open"])[0]
        creator = q.get("creator", [None])[0]
        every = [*self.issues.values(), *self.pulls.values()]
        items = [i for i in sorted(every, key=lambda i: -i["number"])  # newest first
                 if (state == "all" or i["state"] == state)
                 and (creator is None or i["user"]["login"].lower() == creator.lower())]
        return self._page(items, q, "/issues", lambda i: i if i["number"] in self.issues
                          else self._pull_as_issue(i))

    def _post_issue(self, q: Any, b: Any, u: str) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(b, dict) or not isinstance(b.get("title"), str) or not b["title"]:
            return 422, {"message": "Validation Failed"}, {}
        if len(str(b.get("body") or "")) > 65536:
            return 422, {"message": "Validation Failed",
                         "errors": [{"message": "body is too long (maximum is 65536 characters)"}]
                         }, {}
        return 201, self._make_issue(b["title"], str(b.get("body") or ""), u), {}

    def _get_issue(self, q: Any, b: Any, u: str, n: str) -> tuple[int, Any, dict[str, str]]:
        if int(n) in self.issues:
            return 200, self.issues[int(n)], {}
        if int(n) in self.pulls:
            return 200, self._pull_as_issue(self.pulls[int(n)]), {}
        return 404, {"message": "Not Found"}, {}

    def _patch_issue(self, q: Any, b: Any, u: str, n: str) -> tuple[int, Any, dict[str, str]]:
        issue = self.issues.get(int(n))
        if issue is None:
            return 404, {"message": "Not Found"}, {}
        if not isinstance(b, dict) or len(str(b.get("body") or "")) > 65536:
            return 422, {"message": "Validation Failed"}, {}
        for key in ("title", "body", "state"):
            if key in b:
                issue[key] = b[key]
        issue["updated_at"] = _now_iso(self.clock())
        return 200, issue, {}
