"""Which documents have already passed their JSON Schema, and what they parsed to: a cache keyed
by exact content.

Validating schedule.yaml and the group declarations by JSON Schema costs more than the rest of
loading them (importing jsonschema alone is most of a student's `check` start-up), yet they
rarely change between two checks. A document whose exact text passed its exact schema before is
not validated again.

An entry is an empty file named by the SHA-256 of the checker's version, the schema's name and
text, and the document's text. It says only "this exact text passed this exact schema": no
document can make a different one pass, and a document that fails is never recorded, so a pull
request cannot poison the cache (in CI the checker and the schedule come from the base branch;
a PR's group.yaml is recorded only if it is valid, which is all the entry claims).

The cache lives in ``$CHECKER_CACHE_DIR``, else ``$XDG_CACHE_HOME/submission-checker``, else
``~/.cache/submission-checker`` (folder ``valid/``). It is used only when that folder is owned
by this user and nobody else may write to it; otherwise, or on any error, the document is
simply validated. ``python -m checker validate`` always validates.

The same folder keeps what a YAML text parsed to (``remember``/``recall``: ``<key>.json``, the
data and its line numbers, keyed by the checker's version, the parser's own source and the
text): a check whose schedule.yaml and group.yaml files parsed before does not import PyYAML.
Only texts that parsed without a problem are kept.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from checker import __version__

MAX_STORED_CHARS = 4 * 1024 * 1024  # a parsed document kept by ``remember``


def cache_dir() -> Path:
    explicit = os.environ.get("CHECKER_CACHE_DIR")
    if explicit:
        return Path(explicit) / "valid"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "submission-checker" / "valid"


def key(schema_name: str, schema_text: str, document_text: str) -> str:
    h = hashlib.sha256()
    for part in (__version__, schema_name, schema_text, document_text):
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))  # length-prefixed: no two splits hash alike
        h.update(data)
    return h.hexdigest()


def _trusted(folder: Path) -> bool:
    """A real folder of this user's that no one else can write to."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return (stat.S_ISDIR(st.st_mode) and owner_ok
            and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def known_valid(entry: str) -> bool:
    folder = cache_dir()
    return _trusted(folder) and (folder / entry).is_file()


def remember_valid(entry: str) -> None:
    """Record a document that passed (best effort: a read-only home just means no cache)."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(folder):
            return
        fd = os.open(folder / entry, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        os.close(fd)
    except OSError:
        return


def recall(entry: str) -> str | None:
    """The text stored under ``entry`` (``remember``), or None."""
    folder = cache_dir()
    if not _trusted(folder):
        return None
    try:
        with open(folder / f"{entry}.json", encoding="utf-8") as f:
            return f.read(MAX_STORED_CHARS + 1)[:MAX_STORED_CHARS]
    except (OSError, UnicodeDecodeError):
        return None


def remember(entry: str, text: str) -> None:
    """Store ``text`` under ``entry``, atomically (best effort, as ``remember_valid``)."""
    if len(text) > MAX_STORED_CHARS:
        return
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(folder):
            return
        partial = folder / f"{entry}.{os.getpid()}.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                     | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(partial, folder / f"{entry}.json")
        finally:
            if partial.exists():
                partial.unlink()
    except OSError:
        return
