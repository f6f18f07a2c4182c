"""One bounded GET of GitHub's REST API with plain ``urllib`` (no PyGithub).

For the facts the ``check`` job reads with its read-only token (receipt runs, the push log):
its install set need not carry the GitHub client, nor pay for importing it. Bounded: each
answer at most ``MAX_PAGE_BYTES``, ``TIMEOUT`` seconds per request, and a ``next`` page only on
the API's own host. Any failure raises ``Unavailable`` (``NotFound`` for a 404), never a
traceback: the caller reports the source as unavailable.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

MAX_PAGE_BYTES = 8 * 1024 * 1024
TIMEOUT = 20
_NEXT = re.compile(r'<([^<>]+)>;\s*rel="next"')


class Unavailable(Exception):
    """A source could not be read (outage, permissions, an answer not in GitHub's shape)."""


class NotFound(Unavailable):
    """GitHub answered 404 (an unknown workflow, or a repository the token cannot see)."""


def get_json(url: str, token: str, api_url: str) -> tuple[Any, str | None]:
    """(the decoded answer, the URL of the next page or None). Raises Unavailable."""
    target, api = urllib.parse.urlsplit(url), urllib.parse.urlsplit(api_url)
    if target.scheme not in ("http", "https") or (target.scheme, target.netloc) != (
            api.scheme, api.netloc):
        raise Unavailable("the page is not on the API's host")
    req = urllib.request.Request(url, headers={
        "Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "submission-checker"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            raw = resp.read(MAX_PAGE_BYTES + 1)
            link = resp.headers.get("Link") or ""
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise NotFound("GitHub answered HTTP 404") from None
        raise Unavailable(f"GitHub answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise Unavailable(f"GitHub could not be reached ({type(exc).__name__})") from None
    if len(raw) > MAX_PAGE_BYTES:
        raise Unavailable("the answer is too large")
    try:
        data = json.loads(raw)
    except ValueError:
        raise Unavailable("the answer is not JSON") from None
    m = _NEXT.search(link)
    return data, (m.group(1) if m else None)
