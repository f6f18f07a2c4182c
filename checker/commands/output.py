"""Writing a command's output to stdout or --output FILE."""

from __future__ import annotations

import sys
from pathlib import Path

from checker.errors import UsageError


def emit(text: str, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
