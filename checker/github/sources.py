"""GitHub's own record of when it received a pull request's pushes: gathered, and as a file.

Two sources, both written by GitHub and by nobody else (``docs/record.md``):

- the **receipt runs** (``checker.github.receipts``): one run of ``receipt.yml`` per push to
  the pull request, created by GitHub at the push, with the head it received;
- the **push log** (``checker.github.pushlog``) of the PR's head branch, read through its head
  repository (the course repository, or the fork the pull request comes from).

Each source either is read in full or is reported as a *problem* (unreachable, refused,
truncated): the check then says ``receipt.unavailable`` and never reads the gap as "late".
The ``check`` job reads them in a step of its own (the only step holding the token) and hands
them over as a file; nothing in that file is taken on trust when it is read back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from checker.github.pushlog import Push, read_pushes
from checker.github.receipts import PullRef, Receipt, ReceiptsUnavailable, read_receipts
from checker.github.rest import Unavailable
from checker.timeutil import parse_instant

FILE_MAX_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 20_000
MAX_PROBLEM = 300
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


@dataclass
class Sources:
    receipts: list[Receipt] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # each source not read in full, and why
    unfetched: list[str] = field(default_factory=list)  # named commits git could not fetch

    @property
    def receipts_complete(self) -> bool:
        """The receipt runs were read in full and every commit they name is at hand."""
        return not self.unfetched and not any(p.startswith(RECEIPTS) for p in self.problems)

    def shas(self) -> list[str]:
        """Every commit a source names (what the check job fetches by id)."""
        return sorted({r.head_sha for r in self.receipts} | {p.head_sha for p in self.pushes})


RECEIPTS = "the receipt runs"
PUSH_LOG = "the push log"


def gather(api_url: str, token: str, pull: PullRef, *, now: datetime | None = None
           ) -> Sources:
    """Both sources of ``pull``; a source that cannot be read in full becomes a problem."""
    out = Sources()
    try:
        out.receipts = read_receipts(api_url, token, pull, now=now)
    except ReceiptsUnavailable as exc:
        out.problems.append(f"{RECEIPTS}: {exc}")
    try:
        out.pushes = read_pushes(api_url, token, pull.head_repo, pull.head_ref)
    except Unavailable as exc:
        out.problems.append(f"{PUSH_LOG} of {pull.head_repo} ({pull.head_ref}): {exc}")
    return out


def dump(sources: Sources) -> str:
    """The file the ``receipts`` command writes for ``check --receipts FILE``."""
    return json.dumps({
        "receipts": [{"head_sha": r.head_sha, "received_at": r.received_at.isoformat(),
                      "run_id": r.run_id} for r in sources.receipts],
        "pushes": [{"head_sha": p.head_sha, "received_at": p.received_at.isoformat(),
                    "activity_id": p.activity_id, "kind": p.kind, "before": p.before,
                    "ref": p.ref}
                   for p in sources.pushes],
        "problems": [p[:MAX_PROBLEM] for p in sources.problems],
        "unfetched": sources.unfetched,
    }, indent=1) + "\n"


def load(text: str) -> Sources:
    """A file written by ``dump`` -> Sources. A file not in that shape is one problem: nothing
    in it is used (``receipt.unavailable``), never a crash."""
    try:
        return _load(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        reason = exc.args[0] if isinstance(exc, ValueError) and exc.args else "not its shape"
        return Sources(problems=[f"{RECEIPTS}: the receipts file is broken ({reason})"[
            :MAX_PROBLEM]])


def _load(data: object) -> Sources:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    receipts, pushes = data["receipts"], data.get("pushes", [])
    problems, unfetched = data.get("problems", []), data.get("unfetched", [])
    if not all(isinstance(x, list) for x in (receipts, pushes, problems, unfetched)):
        raise ValueError("a list is not a list")
    if len(receipts) + len(pushes) > MAX_ENTRIES:
        raise ValueError("too many entries")
    out = Sources()
    for r in receipts:
        out.receipts.append(Receipt(_sha(r["head_sha"]), _when(r["received_at"]),
                                    _int(r["run_id"])))
    for p in pushes:
        before = p.get("before")
        out.pushes.append(Push(_sha(p["head_sha"]), _when(p["received_at"]),
                               _int(p["activity_id"]), str(p["kind"])[:40],
                               None if before is None else _sha(before),
                               str(p.get("ref", ""))[:300]))
    out.problems = [str(p)[:MAX_PROBLEM] for p in problems[:20]]
    out.unfetched = [_sha(s) for s in unfetched]
    return out


def _sha(value: object) -> str:
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise ValueError("an entry names no commit")
    return value


def _when(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("an entry has no time")
    try:
        return parse_instant(value)
    except ValueError:
        raise ValueError("an entry holds a time not in ISO 8601") from None


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("an entry has no id")
    return value
