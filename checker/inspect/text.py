"""Text files (Markdown, YAML, plain text): size, emptiness and a UTF-8 check."""

from __future__ import annotations

from pathlib import Path

from checker.facts import FileFacts
from checker.findings import error
from checker.limits import MAX_TEXT_CHARS


def inspect_text(path: Path, facts: FileFacts) -> None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        facts.findings.append(error(
            "file.unreadable",
            f"{facts.path} is not valid UTF-8 text: byte {exc.start} (line {line}) cannot be "
            "decoded.",
            "Save the file with UTF-8 encoding (most editors: 'Save with Encoding' > UTF-8).",
            facts.path,
            line,
        ))
        return
    if not text.strip():
        facts.findings.append(error(
            "file.empty",
            f"{facts.path} contains only blank space.",
            "Add the content and push again.",
            facts.path,
        ))
    facts.text = text[:MAX_TEXT_CHARS]
