"""A small, stateful fake of the GitHub REST API on 127.0.0.1, for tests only.

It answers the endpoints the publish command uses (and a few the tests use to look around) in
GitHub's own shapes: every answer starts from an example response in
``../shared/corpus/github-rest/examples/`` and overwrites the fields that carry state, so the
schema tests in ``test_gh_fake.py`` can hold it to GitHub's published response schemas.

It also serves GitHub's push log (``GET /repos/{owner}/{repo}/activity``, in the shape of the
OpenAPI schema ``tests/github/rest/schemas/activity-items``) of the course repository and of
any fork a test pushes to (``log_push``; a fork in ``private_forks`` answers 404, as GitHub
does to a token that cannot see it), and lists workflow runs with GitHub's ``created`` filter
and its cap of 1,000 results for a filtered search.

Besides state it keeps a request log (method, path, status) and can inject faults:
a 502 that still performed the write, a 403 secondary rate limit with ``Retry-After``, a 429,
a primary rate limit (``x-ratelimit-remaining: 0`` + reset), or a full outage.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "github-rest" / "examples"

BOT_LOGIN = "github-actions[bot]"
ACTIONS_TOKEN = "ghs_actions_token"


def _example(name: str) -> Any:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


SEARCH_CAP = 1000  # GitHub's limit on the results of a filtered workflow-run listing


def _created_range(text: str) -> tuple[str, str] | None:
    """GitHub's ``created`` filter (``A..B`` with ``*`` for an open end, ``>=A``, ``<=B``, or a
    day) as an inclusive range of ISO instants to compare with ``created_at``; None if the
    text is not in that syntax."""
    def instant(v: str, end: bool) -> str | None:
        if v == "*":
            return "9999" if end else "0000"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return v + ("T23:59:59Z" if end else "T00:00:00Z")
        try:
            return _now_iso(datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp())
        except ValueError:
            return None

    if ".." in text:
        a, _, z = text.partition("..")
        lo, hi = instant(a, False), instant(z, True)
    elif text.startswith(">="):
        lo, hi = instant(text[2:], False), "9999"
    elif text.startswith("<="):
        lo, hi = "0000", instant(text[2:], True)
    else:
        lo, hi = instant(text, False), instant(text, True)
    return (lo, hi) if lo is not None and hi is not None else None


def _now_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Fault:
    """One injected fault: matching requests answer ``status`` (``times`` times)."""

    method: str
    path: str  # regex, matched against the path without query
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "Server Error"
    times: int = 1
    apply: bool = False  # perform the request first (a write that "failed" but happened)


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: str
    status: int
    body: Any
    user: str | None


class FakeGitHub:
    """State plus a threaded HTTP server. Use as a context manager."""

    def __init__(self, owner: str = "course", repo: str = "seminar") -> None:
        self.owner = owner
        self.repo = repo
        self.clock: Callable[[], float] = lambda: 1_760_000_000.0
        self.tokens: dict[str, str] = {ACTIONS_TOKEN: BOT_LOGIN}
        self.labels: dict[str, dict[str, Any]] = {}  # repo labels by lower-case name
        self.issue_labels: dict[int, list[str]] = {}  # issue number -> label names
        self.comments: dict[int, dict[str, Any]] = {}  # comment id -> comment
        self.comment_issue: dict[int, int] = {}  # comment id -> issue number
        self.statuses: dict[str, list[dict[str, Any]]] = {}  # sha -> statuses, newest last
        self.pulls: dict[int, dict[str, Any]] = {}
        self.pull_files: dict[int, list[dict[str, Any]]] = {}
        self.runs: dict[int, dict[str, Any]] = {}
        self.activity: dict[str, list[dict[str, Any]]] = {}  # OWNER/NAME -> activities
        self.private_forks: set[str] = set()  # forks whose push log the token cannot see
        self.default_branch = "main"
        self.check_runs: dict[int, dict[str, Any]] = {}  # id -> check run, as GitHub shows it
        self.check_annotations: dict[int, list[dict[str, Any]]] = {}  # check run id -> all
        self.log: list[LoggedRequest] = []
        self.faults: list[Fault] = []
        self._ids = 1000
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> FakeGitHub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                fake._serve(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- test helpers ----------------------------------------------------------------------
    def inject(self, method: str, path: str, status: int, **kw: Any) -> Fault:
        fault = Fault(method, path, status, **kw)
        self.faults.append(fault)
        return fault

    def outage(self, times: int = 1000) -> None:
        self.inject(".*", ".*", 503, message="Service Unavailable", times=times)

    def requests(self, method: str | None = None) -> list[LoggedRequest]:
        return [r for r in self.log if method is None or r.method == method]

    def clear_log(self) -> None:
        self.log.clear()

    def add_pull(self, number: int, *, author: str, head_sha: str, title: str = "Submission",
                 head_ref: str = "submission", files: list[dict[str, Any]] | None = None,
                 updated_at: str | None = None, base_ref: str | None = None,
                 head_repo: str | None = None, base_sha: str | None = None
                 ) -> dict[str, Any]:
        pr = _example("pull-request")
        base = f"{self.url}/repos/{self.owner}/{self.repo}"
        pr.update(number=number, title=title, state="open", labels=[],
                  url=f"{base}/pulls/{number}", issue_url=f"{base}/issues/{number}",
                  statuses_url=f"{base}/statuses/{head_sha}")
        pr["user"] = self._user(author)
        # GitHub's own example lacks requested_teams[].type, which its schema requires
        pr["requested_teams"] = []
        pr["head"]["sha"] = head_sha
        pr["head"]["ref"] = head_ref
        # the base: this repository, into its default branch unless the test says otherwise
        pr["base"]["ref"] = base_ref or self.default_branch
        if base_sha:
            pr["base"]["sha"] = base_sha
        full = f"{self.owner}/{self.repo}"
        for side, name in (("base", full), ("head", head_repo or full)):
            pr[side]["repo"].update(full_name=name, name=name.split("/")[1],
                                    default_branch=self.default_branch)
            pr[side]["repo"]["owner"]["login"] = name.split("/")[0]
        if updated_at:
            pr["updated_at"] = updated_at
        self.pulls[number] = pr
        self.issue_labels.setdefault(number, [])
        self.pull_files[number] = files or []
        return pr

    def receive_push(self, pr: int, head_sha: str, at: str, *, head_branch: str = "submission",
                     head_repo: str | None = None, conclusion: str | None = "success",
                     workflow: str = "receipt.yml", event: str = "pull_request"
                     ) -> dict[str, Any]:
        """GitHub received a push to pull request ``pr`` at ``at``: the receipt run it creates.

        ``conclusion`` None leaves the run queued (``action_required`` for a first-time
        contributor's fork is a conclusion too); ``head_repo`` OWNER/NAME, default this repo.
        """
        with self._lock:
            run: dict[str, Any] = copy.deepcopy(_example("workflow-run-paginated")
                                                ["workflow_runs"][0])
            rid = self._next_id()
            full = f"{self.owner}/{self.repo}"
            head_full = head_repo or full
            api = f"{self.url}/repos/{full}"
            run.update(
                id=rid, name="receipt", head_branch=head_branch, head_sha=head_sha,
                path=f".github/workflows/{workflow}", event=event, display_title="Submission",
                status="completed" if conclusion else "queued", conclusion=conclusion,
                created_at=at, updated_at=at, run_started_at=at, run_attempt=1,
                run_number=len(self.runs) + 1, url=f"{api}/actions/runs/{rid}",
                html_url=f"https://github.com/{full}/actions/runs/{rid}",
            )
            run["repository"]["full_name"], run["repository"]["name"] = full, self.repo
            run["head_repository"]["full_name"] = head_full
            run["head_repository"]["name"] = head_full.split("/")[1]
            run["head_repository"]["owner"]["login"] = head_full.split("/")[0]
            run["head_commit"]["id"] = run["head_commit"]["tree_id"] = head_sha
            run["head_commit"]["timestamp"] = "1999-01-01T00:00:00Z"  # a commit date: ignored
            # GitHub lists the run's pull requests only when the branch is in this repository
            run["pull_requests"] = [] if head_full != full else [{
                "id": 1_000_000 + pr, "number": pr, "url": f"{api}/pulls/{pr}",
                "head": {"ref": head_branch, "sha": head_sha,
                         "repo": {"id": 1, "url": api, "name": self.repo}},
                "base": {"ref": "main", "sha": "0" * 40,
                         "repo": {"id": 1, "url": api, "name": self.repo}}}]
            self.runs[rid] = run
            return run

    def log_push(self, head_sha: str, at: str, *, branch: str = "submission",
                 repo: str | None = None, before: str | None = None,
                 kind: str | None = None, actor: str = "ada-lovelace") -> dict[str, Any]:
        """GitHub received a push to ``branch`` of ``repo`` (OWNER/NAME, default this one) at
        ``at``: its entry in that repository's push log. ``kind`` defaults to a push, a
        force-push when ``before`` is not an ancestor (the test says so), or a branch creation
        for the branch's first entry."""
        with self._lock:
            full = repo or f"{self.owner}/{self.repo}"
            log = self.activity.setdefault(full, [])
            ref = f"refs/heads/{branch}"
            last = next((a for a in reversed(log) if a["ref"] == ref), None)
            prev = before or (last["after"] if last else "0" * 40)
            entry = {"id": self._next_id(), "node_id": f"A_{len(log) + 1}", "before": prev,
                     "after": head_sha, "ref": ref, "timestamp": at,
                     "activity_type": kind or ("push" if last else "branch_creation"),
                     "actor": self._user(actor)}
            log.append(entry)
            return entry

    def add_comment(self, issue: int, body: str, login: str) -> dict[str, Any]:
        with self._lock:
            return self._create_comment(issue, body, login)

    def add_label(self, name: str, color: str = "ededed", description: str | None = None) -> None:
        self.labels[name.lower()] = self._label(name, color, description)

    def check_runs_on(self, sha: str, name: str | None = None) -> list[dict[str, Any]]:
        """The check runs on a commit, oldest first (optionally only those named ``name``)."""
        return [r for _, r in sorted(self.check_runs.items())
                if r["head_sha"] == sha and (name is None or r["name"] == name)]

    def comments_on(self, issue: int) -> list[dict[str, Any]]:
        return [c for cid, c in sorted(self.comments.items()) if self.comment_issue[cid] == issue]

    # -- shapes ----------------------------------------------------------------------------
    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def _user(self, login: str) -> dict[str, Any]:
        user: dict[str, Any] = copy.deepcopy(_example("issue-comment")["user"])
        bot = login.endswith("[bot]")
        uid = 41898282 if login == BOT_LOGIN else abs(hash(login)) % 10_000_000
        user.update(
            login=login, id=uid, type="Bot" if bot else "User",
            url=f"{self.url}/users/{quote(login)}",
            html_url=f"https://github.com/{quote(login)}",
        )
        return user

    def _label(self, name: str, color: str, description: str | None) -> dict[str, Any]:
        label: dict[str, Any] = copy.deepcopy(_example("label-items")[0])
        label.update(id=self._next_id(), name=name, color=color, description=description,
                     default=False,
                     url=f"{self.url}/repos/{self.owner}/{self.repo}/labels/"
                     + quote(name, safe=""))
        return label

    def _create_comment(self, issue: int, body: str, login: str) -> dict[str, Any]:
        c: dict[str, Any] = _example("issue-comment")
        cid = self._next_id()
        now = _now_iso(self.clock())
        c.update(
            id=cid, body=body, created_at=now, updated_at=now, user=self._user(login),
            url=f"{self.url}/repos/{self.owner}/{self.repo}/issues/comments/{cid}",
            html_url=f"https://github.com/{self.owner}/{self.repo}/pull/{issue}#issuecomment-{cid}",
            issue_url=f"{self.url}/repos/{self.owner}/{self.repo}/issues/{issue}",
            author_association="NONE",
        )
        self.comments[cid] = c
        self.comment_issue[cid] = issue
        return c

    def _status(self, sha: str, body: dict[str, Any], login: str) -> dict[str, Any]:
        st: dict[str, Any] = copy.deepcopy(_example("combined-commit-status")["statuses"][0])
        now = _now_iso(self.clock())
        st.update(id=self._next_id(), state=body["state"], description=body.get("description"),
                  target_url=body.get("target_url"), context=body.get("context", "default"),
                  created_at=now, updated_at=now,
                  url=f"{self.url}/repos/{self.owner}/{self.repo}/statuses/{sha}")
        st["creator"] = self._user(login)
        return st

    # -- HTTP ------------------------------------------------------------------------------
    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        auth = h.headers.get("Authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        user = self.tokens.get(token)
        with self._lock:
            status, payload, headers = self._dispatch(h.command, path, query, body, user)
            self.log.append(LoggedRequest(h.command, path, parts.query, status, body, user))
        data = b"" if payload is None else json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.send_header("x-ratelimit-limit", "5000")
        h.send_header("x-ratelimit-remaining", headers.pop("x-ratelimit-remaining", "4999"))
        h.send_header("x-ratelimit-reset", headers.pop("x-ratelimit-reset",
                                                       str(int(self.clock()) + 3600)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def _dispatch(self, method: str, path: str, query: dict[str, list[str]], body: Any,
                  user: str | None) -> tuple[int, Any, dict[str, str]]:
        fault = next((f for f in self.faults if f.times > 0 and re.fullmatch(f.method, method)
                      and re.fullmatch(f.path, path)), None)
        if fault is not None:
            fault.times -= 1
            if fault.apply:
                self._route(method, path, query, body, user)
            return fault.status, {"message": fault.message,
                                  "documentation_url": "https://docs.github.com/rest"}, dict(
                fault.headers)
        if user is None:
            return 401, {"message": "Bad credentials"}, {}
        return self._route(method, path, query, body, user)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any,
               user: str) -> tuple[int, Any, dict[str, str]]:
        if path == "/user":
            if user == BOT_LOGIN:
                return 403, {"message": "Resource not accessible by integration"}, {}
            return 200, self._user(user), {}
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/activity", path)
        if method == "GET" and m:
            return self._list_activity(m.group(1), query)
        prefix = f"/repos/{self.owner}/{self.repo}"
        if not path.startswith(prefix):
            return 404, {"message": "Not Found"}, {}
        rest = path[len(prefix):]
        for pattern, handler in self._routes():
            m = re.fullmatch(pattern, f"{method} {rest}")
            if m:
                return handler(query, body, user, *m.groups())
        return 404, {"message": "Not Found"}, {}

    def _routes(self) -> list[tuple[str, Callable[..., tuple[int, Any, dict[str, str]]]]]:
        return [
            (r"GET ", self._get_repo),
            (r"GET /pulls/(\d+)", self._get_pull),
            (r"GET /pulls/(\d+)/files", self._get_pull_files),
            (r"GET /issues/(\d+)/comments", self._list_comments),
            (r"POST /issues/(\d+)/comments", self._post_comment),
            (r"GET /issues/comments/(\d+)", self._get_comment),
            (r"PATCH /issues/comments/(\d+)", self._patch_comment),
            (r"GET /issues/(\d+)/labels", self._list_issue_labels),
            (r"POST /issues/(\d+)/labels", self._add_issue_labels),
            (r"PUT /issues/(\d+)/labels", self._set_issue_labels),
            (r"DELETE /issues/(\d+)/labels/(.+)", self._remove_issue_label),
            (r"GET /labels", self._list_labels),
            (r"POST /labels", self._create_label),
            (r"GET /labels/(.+)", self._get_label),
            (r"POST /statuses/([0-9a-f]{40})", self._post_status),
            (r"GET /commits/([0-9a-f]{40})/statuses", self._list_statuses),
            (r"GET /actions/runs/(\d+)", self._get_run),
            (r"GET /actions/runs", self._list_runs),
            (r"GET /actions/workflows/([^/]+)/runs", self._list_runs),
            (r"POST /check-runs", self._create_check_run),
            (r"PATCH /check-runs/(\d+)", self._update_check_run),
            (r"GET /check-runs/(\d+)", self._get_check_run),
            (r"GET /check-runs/(\d+)/annotations", self._list_check_annotations),
            (r"GET /commits/([0-9a-f]{40})/check-runs", self._list_commit_check_runs),
        ]

    def _paginate(self, items: list[Any], query: dict[str, list[str]]
                  ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            # PyGithub follows Link rel="next" as an absolute URL
            nxt = f"{self.url}{{path}}?per_page={per_page}&page={page + 1}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        return 200, chunk, headers

    def _get_repo(self, q: Any, b: Any, u: str) -> tuple[int, Any, dict[str, str]]:
        return 200, {"full_name": f"{self.owner}/{self.repo}", "name": self.repo,
                     "owner": self._user(self.owner)}, {}

    def _get_pull(self, q: Any, b: Any, u: str, n: str) -> tuple[int, Any, dict[str, str]]:
        pr = self.pulls.get(int(n))
        if pr is None:
            return 404, {"message": "Not Found"}, {}
        out = copy.deepcopy(pr)
        out["labels"] = [self.labels[x.lower()] for x in self.issue_labels.get(int(n), [])
                         if x.lower() in self.labels]
        return 200, out, {}

    def _get_pull_files(self, q: Any, b: Any, u: str, n: str) -> tuple[int, Any, dict[str, str]]:
        return 200, self.pull_files.get(int(n), []), {}

    def _list_comments(self, q: Any, b: Any, u: str, n: str) -> tuple[int, Any, dict[str, str]]:
        status, items, headers = self._paginate(self.comments_on(int(n)), q)
        if "Link" in headers:
            headers["Link"] = headers["Link"].replace(
                "{path}", f"/repos/{self.owner}/{self.repo}/issues/{n}/comments")
        return status, items, headers

    def _post_comment(self, q: Any, b: Any, u: str, n: str) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(b, dict) or not isinstance(b.get("body"), str):
            return 422, {"message": "Validation Failed"}, {}
        if len(b["body"]) > 65536:
            too_long = "body is too long (maximum is 65536 characters)"
            return 422, {"message": "Validation Failed", "errors": [{"message": too_long}]}, {}
        return 201, self._create_comment(int(n), b["body"], u), {}

    def _get_comment(self, q: Any, b: Any, u: str, cid: str) -> tuple[int, Any, dict[str, str]]:
        c = self.comments.get(int(cid))
        return (200, c, {}) if c else (404, {"message": "Not Found"}, {})

    def _patch_comment(self, q: Any, b: Any, u: str, cid: str) -> tuple[int, Any, dict[str, str]]:
        c = self.comments.get(int(cid))
        if c is None:
            return 404, {"message": "Not Found"}, {}
        if c["user"]["login"] != u:
            return 403, {"message": "Resource not accessible by integration"}, {}
        if not isinstance(b, dict) or len(str(b.get("body", ""))) > 65536:
            return 422, {"message": "Validation Failed"}, {}
        c["body"] = b["body"]
        c["updated_at"] = _now_iso(self.clock())
        return 200, c, {}

    def _issue_label_objs(self, n: int) -> list[dict[str, Any]]:
        return [self.labels[x.lower()] for x in self.issue_labels.get(n, [])]

    def _list_issue_labels(self, q: Any, b: Any, u: str, n: str
                           ) -> tuple[int, Any, dict[str, str]]:
        return 200, self._issue_label_objs(int(n)), {}

    def _add_issue_labels(self, q: Any, b: Any, u: str, n: str
                          ) -> tuple[int, Any, dict[str, str]]:
        names = b.get("labels") if isinstance(b, dict) else b
        if not isinstance(names, list):
            return 422, {"message": "Validation Failed"}, {}
        current = self.issue_labels.setdefault(int(n), [])
        for name in names:
            if name.lower() not in self.labels:  # GitHub creates it, grey, no description
                self.labels[name.lower()] = self._label(name, "ededed", None)
            if name.lower() not in {c.lower() for c in current}:
                current.append(self.labels[name.lower()]["name"])
        return 200, self._issue_label_objs(int(n)), {}

    def _set_issue_labels(self, q: Any, b: Any, u: str, n: str
                          ) -> tuple[int, Any, dict[str, str]]:
        self.issue_labels[int(n)] = []
        return self._add_issue_labels(q, b, u, n)

    def _remove_issue_label(self, q: Any, b: Any, u: str, n: str, name: str
                            ) -> tuple[int, Any, dict[str, str]]:
        current = self.issue_labels.setdefault(int(n), [])
        keep = [x for x in current if x.lower() != name.lower()]
        if len(keep) == len(current):
            return 404, {"message": "Label does not exist"}, {}
        self.issue_labels[int(n)] = keep
        return 200, self._issue_label_objs(int(n)), {}

    def _list_labels(self, q: Any, b: Any, u: str) -> tuple[int, Any, dict[str, str]]:
        status, items, headers = self._paginate(list(self.labels.values()), q)
        if "Link" in headers:
            headers["Link"] = headers["Link"].replace(
                "{path}", f"/repos/{self.owner}/{self.repo}/labels")
        return status, items, headers

    def _create_label(self, q: Any, b: Any, u: str) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            return 422, {"message": "Validation Failed"}, {}
        if b["name"].lower() in self.labels:
            return 422, {"message": "Validation Failed",
                         "errors": [{"resource": "Label", "code": "already_exists",
                                     "field": "name"}]}, {}
        if not re.fullmatch(r"[0-9a-fA-F]{6}", str(b.get("color", ""))):
            return 422, {"message": "Validation Failed",
                         "errors": [{"resource": "Label", "code": "invalid", "field": "color"}]}, {}
        label = self._label(b["name"], b["color"], b.get("description"))
        self.labels[b["name"].lower()] = label
        return 201, label, {}

    def _get_label(self, q: Any, b: Any, u: str, name: str) -> tuple[int, Any, dict[str, str]]:
        label = self.labels.get(name.lower())
        return (200, label, {}) if label else (404, {"message": "Not Found"}, {})

    def _post_status(self, q: Any, b: Any, u: str, sha: str) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(b, dict) or b.get("state") not in {"error", "failure", "pending",
                                                               "success"}:
            return 422, {"message": "Validation Failed"}, {}
        if len(str(b.get("description") or "")) > 140:
            return 422, {"message": "Validation Failed",
                         "errors": [{"message": "description is too long (maximum is 140)"}]}, {}
        st = self._status(sha, b, u)
        self.statuses.setdefault(sha, []).append(st)
        return 201, st, {}

    def _list_statuses(self, q: Any, b: Any, u: str, sha: str) -> tuple[int, Any, dict[str, str]]:
        return 200, list(reversed(self.statuses.get(sha, []))), {}

    def _get_run(self, q: Any, b: Any, u: str, rid: str) -> tuple[int, Any, dict[str, str]]:
        run = self.runs.get(int(rid))
        if run is None:
            run = _example("workflow-run")
            run["id"] = int(rid)
        return 200, run, {}

    def _list_runs(self, q: dict[str, list[str]], b: Any, u: str, workflow: str | None = None
                   ) -> tuple[int, Any, dict[str, str]]:
        """List workflow runs, newest first, filtered and paginated as GitHub does: with a
        filter (actor, branch, check_suite_id, created, event, head_sha, status) at most 1,000
        results are served, whatever ``total_count`` says."""
        created = _created_range(q["created"][0]) if "created" in q else ("0000", "9999")
        if created is None:
            return 422, {"message": "Validation Failed"}, {}

        def keep(run: dict[str, Any]) -> bool:
            want = {k: q[k][0] for k in ("event", "branch", "head_sha", "status", "actor")
                    if k in q}
            if workflow is not None and run["path"].split("@")[0].rsplit("/", 1)[-1] != workflow:
                return False
            if not created[0] <= run["created_at"] <= created[1]:
                return False
            return (want.get("event", run["event"]) == run["event"]
                    and want.get("branch", run["head_branch"]) == run["head_branch"]
                    and want.get("head_sha", run["head_sha"]) == run["head_sha"]
                    and want.get("status") in (None, run["status"], run["conclusion"]))

        runs = sorted((r for r in self.runs.values() if keep(r)),
                      key=lambda r: (r["created_at"], r["id"]), reverse=True)
        total = len(runs)
        if any(k in q for k in ("actor", "branch", "check_suite_id", "created", "event",
                                "head_sha", "status")):
            runs = runs[:SEARCH_CAP]
        per_page = min(int(q.get("per_page", ["30"])[0]), 100)
        page = int(q.get("page", ["1"])[0])
        headers = {}
        if page * per_page < len(runs):
            rest = {k: v[0] for k, v in q.items() if k != "page"}
            where = f"workflows/{workflow}/runs" if workflow else "runs"
            nxt = (f"{self.url}/repos/{self.owner}/{self.repo}/actions/{where}?"
                   + urlencode({**rest, "page": page + 1}))
            headers["Link"] = f'<{nxt}>; rel="next"'
        return 200, {"total_count": total,
                     "workflow_runs": runs[(page - 1) * per_page: page * per_page]}, headers

    def _list_activity(self, repo: str, q: dict[str, list[str]]
                       ) -> tuple[int, Any, dict[str, str]]:
        """``GET /repos/{owner}/{repo}/activity``: newest first (``direction`` desc, GitHub's
        default), filtered by ``ref`` (a branch name or refs/heads/NAME) and
        ``activity_type``, paginated with an opaque ``after`` cursor in ``Link``."""
        known = repo.casefold() == f"{self.owner}/{self.repo}".casefold() or repo in self.activity
        if not known or repo in self.private_forks:
            return 404, {"message": "Not Found"}, {}
        items = list(self.activity.get(repo, []))
        if "ref" in q:
            ref = q["ref"][0] if q["ref"][0].startswith("refs/") else f"refs/heads/{q['ref'][0]}"
            items = [a for a in items if a["ref"] == ref]
        if "activity_type" in q:
            items = [a for a in items if a["activity_type"] == q["activity_type"][0]]
        if q.get("direction", ["desc"])[0] != "asc":
            items.reverse()
        per_page = min(int(q.get("per_page", ["30"])[0]), 100)
        start = int(q["after"][0].removeprefix("cursor-")) if "after" in q else 0
        headers = {}
        if start + per_page < len(items):
            rest = {k: v[0] for k, v in q.items() if k != "after"}
            nxt = (f"{self.url}/repos/{repo}/activity?"
                   + urlencode({**rest, "after": f"cursor-{start + per_page}"}))
            headers["Link"] = f'<{nxt}>; rel="next"'
        return 200, items[start:start + per_page], headers
    # -- Checks API (POST/PATCH /check-runs, GET .../annotations, GET /commits/{ref}/check-runs)
    # GitHub's documented rules: name and head_sha are required on create; a completed run
    # needs a conclusion; an output needs title and summary; at most 50 annotations per
    # request, each with path, start_line, end_line, annotation_level and message; PATCH
    # appends the annotations it carries to those already there.
    _LEVELS = frozenset({"notice", "warning", "failure"})
    _CONCLUSIONS = frozenset({"action_required", "cancelled", "failure", "neutral", "success",
                              "skipped", "stale", "timed_out"})

    def _check_problem(self, b: dict[str, Any]) -> str | None:
        status = b.get("status", "queued")
        if status not in {"queued", "in_progress", "completed"}:
            return "status is not included in the list"
        if b.get("conclusion") is not None and b["conclusion"] not in self._CONCLUSIONS:
            return "conclusion is not included in the list"
        if status == "completed" and not b.get("conclusion"):
            return "conclusion can't be blank when status is completed"
        out = b.get("output")
        if out is None:
            return None
        if not isinstance(out, dict) or not isinstance(out.get("title"), str) \
                or not isinstance(out.get("summary"), str):
            return "output needs a title and a summary"
        if len(out["summary"]) > 65535 or len(out.get("text") or "") > 65535:
            return "output summary or text is over 65535 characters"
        notes = out.get("annotations") or []
        if not isinstance(notes, list) or len(notes) > 50:
            return "Only 50 annotations are allowed per request"
        for a in notes:
            if not isinstance(a, dict) or a.get("annotation_level") not in self._LEVELS \
                    or not isinstance(a.get("path"), str) or not isinstance(a.get("message"), str) \
                    or not isinstance(a.get("start_line"), int) \
                    or not isinstance(a.get("end_line"), int):
                return "annotation is missing a required field or has an invalid level"
        return None

    def _apply_check(self, run: dict[str, Any], b: dict[str, Any]) -> None:
        now = _now_iso(self.clock())
        for key in ("name", "details_url", "external_id", "status", "conclusion",
                    "started_at", "completed_at"):
            if key in b:
                run[key] = b[key]
        if run.get("conclusion") and not b.get("status"):
            run["status"] = "completed"
        if run["status"] == "completed" and not run.get("completed_at"):
            run["completed_at"] = now
        out = b.get("output")
        if isinstance(out, dict):
            notes = self.check_annotations.setdefault(run["id"], [])
            for a in out.get("annotations") or []:
                notes.append({"path": a["path"], "start_line": a["start_line"],
                              "end_line": a["end_line"],
                              "start_column": a.get("start_column"),
                              "end_column": a.get("end_column"),
                              "annotation_level": a["annotation_level"],
                              "title": a.get("title"), "message": a["message"],
                              "raw_details": a.get("raw_details"),
                              "blob_href": f"https://github.com/{self.owner}/{self.repo}/blob/"
                                           f"{run['head_sha']}/{quote(a['path'])}"})
            run["output"] = {
                "title": out["title"], "summary": out["summary"], "text": out.get("text"),
                "annotations_count": len(notes),
                "annotations_url": f"{run['url']}/annotations",
            }

    def _create_check_run(self, q: Any, b: Any, u: str) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(b, dict) or not isinstance(b.get("name"), str) \
                or not re.fullmatch(r"[0-9a-f]{40}", str(b.get("head_sha", ""))):
            return 422, {"message": "Invalid request.",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        problem = self._check_problem(b)
        if problem:
            return 422, {"message": f"Invalid request.\n\n{problem}",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        run: dict[str, Any] = _example("check-run")
        rid = self._next_id()
        now = _now_iso(self.clock())
        base = f"{self.url}/repos/{self.owner}/{self.repo}"
        run.update(id=rid, node_id=f"CR_{rid}", head_sha=b["head_sha"], external_id="",
                   url=f"{base}/check-runs/{rid}",
                   html_url=f"https://github.com/{self.owner}/{self.repo}/runs/{rid}",
                   details_url=None, status="queued", conclusion=None, started_at=now,
                   completed_at=None, check_suite={"id": 1}, pull_requests=[],
                   output={"title": None, "summary": None, "text": None,
                           "annotations_count": 0,
                           "annotations_url": f"{base}/check-runs/{rid}/annotations"})
        # created with the workflow's token, a check run belongs to the GitHub Actions app
        run["app"].update(id=15368, slug="github-actions", name="GitHub Actions")
        self._apply_check(run, b)
        self.check_runs[rid] = run
        return 201, run, {}

    def _update_check_run(self, q: Any, b: Any, u: str, rid: str
                          ) -> tuple[int, Any, dict[str, str]]:
        run = self.check_runs.get(int(rid))
        if run is None:
            return 404, {"message": "Not Found"}, {}
        if not isinstance(b, dict):
            return 422, {"message": "Invalid request."}, {}
        problem = self._check_problem({"status": run["status"],
                                       "conclusion": run["conclusion"], **b})
        if problem:
            return 422, {"message": f"Invalid request.\n\n{problem}"}, {}
        self._apply_check(run, b)
        return 200, run, {}

    def _get_check_run(self, q: Any, b: Any, u: str, rid: str) -> tuple[int, Any, dict[str, str]]:
        run = self.check_runs.get(int(rid))
        return (200, run, {}) if run else (404, {"message": "Not Found"}, {})

    def _list_check_annotations(self, q: Any, b: Any, u: str, rid: str
                                ) -> tuple[int, Any, dict[str, str]]:
        if int(rid) not in self.check_runs:
            return 404, {"message": "Not Found"}, {}
        status, items, headers = self._paginate(self.check_annotations.get(int(rid), []), q)
        if "Link" in headers:
            headers["Link"] = headers["Link"].replace(
                "{path}", f"/repos/{self.owner}/{self.repo}/check-runs/{rid}/annotations")
        return status, items, headers

    def _list_commit_check_runs(self, q: Any, b: Any, u: str, sha: str
                                ) -> tuple[int, Any, dict[str, str]]:
        name = q.get("check_name", [None])[0]
        runs = list(reversed(self.check_runs_on(sha, name)))  # newest first
        return 200, {"total_count": len(runs), "check_runs": runs}, {}
