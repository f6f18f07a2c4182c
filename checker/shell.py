"""Shell commands the checker prints in its hints (pure: it builds text, runs nothing).

Every path is quoted with :func:`shlex.quote` (a submitted name can hold spaces, quotes or
``$(...)``), so a student can paste the command as it is into a POSIX shell (Git Bash included).
"""

from __future__ import annotations

import posixpath
import shlex


def sh(word: str) -> str:
    """One shell word: ``word`` as it is when it needs no quoting, else single-quoted."""
    return shlex.quote(word)


def move(src: str, dst: str) -> str:
    """A command that moves ``src`` to ``dst`` in a git work tree, whether git tracks ``src``
    yet or not (``git mv`` alone refuses an untracked file, ``mv`` alone leaves a tracked one
    behind in the index), creating ``dst``'s folder when it differs from ``src``'s."""
    folder = posixpath.dirname(dst)
    mkdir = f"mkdir -p {sh(folder)} && " if folder and folder != posixpath.dirname(src) else ""
    return f"{mkdir}git add -- {sh(src)} && git mv -- {sh(src)} {sh(dst)}"
