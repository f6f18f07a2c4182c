"""Which groups' slides the class may read, and where (``publish-slides``; pure).

The course page has the class read each session's slides before it ("questions are due
before each class"). In a ``private`` course they sit in the presenting group's own
repository, which no classmate can read; staff publish them, once they pass, to a folder of
the course repository, never by opening one group's repository to another.

"Passed" is the course's verdict, rebuilt from GitHub's facts: the slides' row is ``on-time``
or ``late`` (handed in, no error). A late file is published too: the class still needs it, and
its lateness is the gradebook's business, never shown here. Nothing else of a group's standing
goes into the folder: the file, its session, the papers and the group's id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from checker.model import Course
from checker.staff.core import Row

PASSED = ("on-time", "late")
INDEX = "README.md"
_FOLDER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-([A-Za-z0-9][A-Za-z0-9_-]*)\.([a-z0-9]{1,8})")


@dataclass(frozen=True)
class Slides:
    """One group's passed slides for one session, and where they go."""

    group: str
    session: date
    ext: str
    path: str  # in the group's repository
    head_sha: str  # the commit whose file passed
    pull_url: str

    def name(self) -> str:
        return f"{self.session.isoformat()}-{self.group}.{self.ext}"


@dataclass(frozen=True)
class Change:
    path: str  # in the course repository
    action: str  # "add" | "update" | "same"
    sha: str | None  # the blob SHA it replaces (update), else None
    data: bytes
    why: str


def check_folder(folder: str) -> str:
    """The course repository folder the slides go to: plain names only (no ``..``, no
    hidden folder such as ``.github``). Raises ValueError with what to change."""
    folder = folder.strip("/")
    if not _FOLDER.fullmatch(folder) or any(p in (".", "..") for p in folder.split("/")):
        raise ValueError(f"--folder {folder!r}: use a folder of plain names (letters, digits, "
                         "'.', '_' and '-', separated by '/'), for example `slides`")
    return folder


def passed(rows: list[Row], deliverable: str) -> list[Row]:
    """The rows of ``deliverable`` whose version counts and passes the course's checks."""
    return [r for r in rows if r.deliverable == deliverable and r.status in PASSED
            and r.chosen is not None and r.target.group is not None
            and r.target.session is not None]


def slides_of(rows: list[Row], deliverable: str) -> list[Slides]:
    out = []
    for r in passed(rows, deliverable):
        assert r.chosen is not None and r.target.group and r.target.session
        path = r.chosen.file.path
        ext = path.rsplit(".", 1)[-1].casefold() if "." in path else ""
        if not re.fullmatch(r"[a-z0-9]{1,8}", ext) or not r.chosen.head_sha:
            continue
        out.append(Slides(r.target.group, r.target.session.date, ext, path, r.chosen.head_sha,
                          r.chosen.pull.url))
    return sorted(out, key=lambda s: (s.session, s.group))


def blob_sha(data: bytes) -> str:
    """git's id of a file's bytes (what GitHub's contents API calls ``sha``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def plan(folder: str, files: dict[str, bytes], have: dict[str, str], why: dict[str, str]
         ) -> list[Change]:
    """``files`` (name -> bytes) against what the folder holds (name -> blob SHA)."""
    out = []
    for name, data in sorted(files.items()):
        old = have.get(name)
        action = "add" if old is None else "same" if old == blob_sha(data) else "update"
        out.append(Change(f"{folder}/{name}", action, old if action == "update" else None,
                          data, why.get(name, "")))
    return out


def index(course: Course, names: list[str]) -> str:
    """The folder's README: one line per published file, by session, with its papers."""
    lines = [f"# {course.name}: slides of the presenting groups", "",
             "Published by the course staff once they passed the course's checks "
             "(`python -m checker publish-slides`). Read them before the session: questions "
             "are due before each class.", "",
             "| Session | Papers | Group | Slides |", "|---|---|---|---|"]
    for name in sorted(names):
        m = _NAME.fullmatch(name)
        if m is None:
            continue
        day, group = date.fromisoformat(m.group(1)), m.group(2)
        session = course.session(day)
        papers = "; ".join((r.short or r.title) for r in session.readings) if session else ""
        lines.append(f"| {day:%b} {day.day} | {_cell(papers)} | {group} | [{name}]({name}) |")
    return "\n".join(lines) + "\n"


def published_names(have: dict[str, str]) -> list[str]:
    """The slides files a folder listing holds (its README and anything else left out)."""
    return [n for n in have if _NAME.fullmatch(n)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
