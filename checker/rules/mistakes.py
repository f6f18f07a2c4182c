"""Common mistakes that span many files, reported once (pure).

- Operating-system junk (``.DS_Store``, ``Thumbs.db``, ``desktop.ini``, Office's ``~$*`` owner
  files, LibreOffice's ``.~lock.*#``, anything under ``__MACOSX/``): one warning for all of it
  (``files.os-junk``), not one ``path.unknown`` error a file.
- A code folder pushed where the course expects its archive (``final/code/...`` instead of
  ``final/code.zip``): one error for the folder (``zip.folder``) with the command that makes
  the archive, not one error a file.

The files these findings cover get no finding of their own.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from checker.findings import Finding, error, warning
from checker.routing import Target
from checker.shell import sh as _sh

JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db"})
JUNK_FOLDERS = frozenset({"__MACOSX"})
MAX_LISTED = 8


def is_os_junk(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (name.lower() in JUNK_NAMES or name.startswith(("~$", "._"))
            or (name.startswith(".~lock.") and name.endswith("#"))
            or any(p in JUNK_FOLDERS for p in parts[:-1]))


@dataclass
class Grouped:
    findings: list[Finding] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)  # paths reported by these findings


def _listed(paths: Sequence[str]) -> str:
    more = f" and {len(paths) - MAX_LISTED} more" if len(paths) > MAX_LISTED else ""
    return ", ".join(paths[:MAX_LISTED]) + more


def group_mistakes(paths: Sequence[str], mine: Sequence[Target], author: str) -> Grouped:
    """``paths``: the changed (not removed) paths that are no deliverable instance."""
    out = Grouped()
    junk = [p for p in paths if is_os_junk(p)]
    if junk:
        out.covered.update(junk)
        out.findings.append(warning(
            "files.os-junk",
            f"{len(junk)} file(s) that your operating system or editor made are in the pull "
            f"request: {_listed(junk)}.",
            "Take them out: `git rm --cached --ignore-unmatch "
            + " ".join(_sh(p) for p in junk[:MAX_LISTED])
            + "` then commit (the course repository's .gitignore lists them, so a new clone "
            "does not add them again).",
        ))
    folders: dict[str, tuple[str, list[str]]] = {}
    for t in mine:
        if "zip" not in t.deliverable.formats:
            continue
        archive = (replace(t, student=author) if t.student else t).path("zip")
        folder = archive.removesuffix(".zip") + "/"
        inside = [p for p in paths if p.startswith(folder) and p not in out.covered]
        if inside:
            folders[folder] = (archive, inside)
    for folder, (archive, inside) in folders.items():
        out.covered.update(inside)
        parent, name = posixpath.split(folder.rstrip("/"))
        zip_name = posixpath.basename(archive)
        out.findings.append(error(
            "zip.folder",
            f"{folder}: {len(inside)} file(s) pushed as a folder; the course expects one "
            f"archive, {archive}.",
            f"Zip the folder and submit the archive instead: `cd {_sh(parent)} && zip -r "
            f"{_sh(zip_name)} {_sh(name)} && git rm -r -q --cached --ignore-unmatch "
            f"{_sh(name)} && git add "
            f"{_sh(zip_name)}`, then commit and push (Windows: right-click the folder → Send to "
            "→ Compressed (zipped) folder; macOS: right-click → Compress).",
        ))
    return out
