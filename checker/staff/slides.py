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

import re
from dataclasses import dataclass
from datetime import date

from checker.gitio import blob_sha_of
from checker.model import Course
from checker.staff.core import Row

PASSED = ("on-time", "late")
INDEX = "README.md"
MAX_BYTES = 100 * 1024 * 1024  # GitHub refuses a file larger than 100 MiB
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


blob_sha = blob_sha_of  # git's id of a file's bytes (what GitHub's contents API calls ``sha``)


@dataclass(frozen=True)
class Planned:
    """A file that passed, as ``publish-slides --output`` hands it to ``--from``."""

    name: str  # <session>-<group>.<ext>
    data: bytes
    why: str


def refused(course: Course, deliverable: str, name: str, data: bytes | None, sha: str,
            why: str) -> str | None:
    """Why ``publish-slides --from`` will not write a planned file, or None: its name must be a
    published file's (a session of the course, a group of it, one of the deliverable's
    formats), its bytes (None: no such file) the blob the plan names, within GitHub's file
    size."""
    m = _NAME.fullmatch(name)
    if m is None:
        return "its name is not <session>-<group>.<ext>"
    try:
        day = date.fromisoformat(m.group(1))
    except ValueError:
        return "its name's session is not a date"
    if course.session(day) is None or m.group(2) not in course.groups:
        return "its name's session or group is not one of schedule.yaml's"
    if m.group(3) not in course.deliverables[deliverable].formats:
        return f"a .{m.group(3)} file is not one of the {deliverable}' formats"
    if data is None:
        return "the file is not beside the plan"
    if len(data) > MAX_BYTES:
        return "it is larger than GitHub takes"
    if blob_sha(data) != sha:
        return "its bytes are not the ones the plan names"
    if len(why) > 300 or any(ord(c) < 32 or ord(c) == 127 for c in why):
        return "its note is not one line of text"
    return None


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
