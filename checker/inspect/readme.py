"""What a code archive's README says: build/install steps, run steps, commands, files named.

Pure functions over text and the archive's names, so they are tested with plain strings.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

README_NAMES = frozenset({"readme", "readme.md", "readme.txt", "readme.rst", "readme.markdown"})

_BUILD = re.compile(
    r"\b(install(ation|ing)?|set ?up|build(ing)?|compil(e|ing|ation)|requirements?|"
    r"dependenc(y|ies)|prerequisites?|getting started|environment)\b",
    re.IGNORECASE,
)
_RUN = re.compile(
    r"\b(run(ning)?|usage|execut(e|ing|ion)|quick ?start|how to use|example|launch|start)\b",
    re.IGNORECASE,
)
_COMMAND_WORDS = (
    "python", "python3", "py", "pip", "pip3", "conda", "mamba", "poetry", "uv", "make", "cmake",
    "bash", "sh", "zsh", "java", "javac", "mvn", "gradle", "gcc", "g++", "clang", "clang++",
    "npm", "npx", "node", "yarn", "pnpm", "cargo", "go", "docker", "docker-compose",
    "rscript", "jupyter", "julia", "matlab", "torchrun", "accelerate", "streamlit", "flask",
    "uvicorn", "pytest", "source", "cd", "export", "git", "sbatch", "srun", "mpirun", "dotnet",
)
_FENCE = re.compile(r"^\s*(```|~~~)")
# Files a command may name that must then be in the archive (outputs and data are not checked).
_SOURCE_EXT = re.compile(
    r"\.(py|ipynb|sh|bash|r|jl|java|c|cc|cpp|h|hpp|js|mjs|ts|go|rs|m|scala|kt|rb|pl|"
    r"toml|cfg|ini|yaml|yml|txt|json|lock)$",
    re.IGNORECASE,
)
_OUTPUT_FLAGS = frozenset({">", ">>", "-o", "--output", "--out", "--save", "--output-dir", "tee"})


@dataclass
class ReadmeReport:
    build: bool = False
    run: bool = False
    commands: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)


def find_readme(names: list[str]) -> str | None:
    """The README at the root, or inside the single top-level folder (junk folders ignored)."""
    files = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX/")]
    tops = {n.split("/", 1)[0] for n in files if "/" in n}
    root_files = [n for n in files if "/" not in n]
    candidates = [n for n in root_files if n.lower() in README_NAMES]
    if not candidates and not root_files and len(tops) == 1:
        top = next(iter(tops))
        candidates = [
            n for n in files
            if n.count("/") == 1 and n.startswith(top + "/")
            and n.split("/", 1)[1].lower() in README_NAMES
        ]
    if not candidates:
        return None
    # README.md before README.txt before README
    order = ["readme.md", "readme.markdown", "readme.rst", "readme.txt", "readme"]
    return sorted(candidates, key=lambda n: order.index(posixpath.basename(n).lower()))[0]


def command_lines(text: str) -> list[str]:
    """Lines that are commands: inside code blocks, indented blocks, or starting with '$ '."""
    out: list[str] = []
    in_fence = False
    for raw in text.splitlines():
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        line = raw.strip()
        if not line:
            continue
        if line.startswith(("$ ", "> ", "% ")) and len(line) > 2:
            line = line[2:].strip()
            out.append(line)
            continue
        if in_fence or raw.startswith(("    ", "\t")):
            if _looks_like_command(line):
                out.append(line)
            continue
        inline = re.findall(r"`([^`]+)`", line)
        out.extend(c.strip() for c in inline if _looks_like_command(c.strip()))
        if _looks_like_command(line) and not inline:
            out.append(line)
    return out


def _looks_like_command(line: str) -> bool:
    first = line.split(maxsplit=1)[0] if line.split() else ""
    first = first.lower()
    return first in _COMMAND_WORDS or first.startswith("./") or (
        first.endswith((".py", ".sh")) and " " not in first
    )


def files_named(command: str) -> list[str]:
    """Relative source/script paths a command names (not its outputs, not URLs or options)."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
    out: list[str] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word in _OUTPUT_FLAGS:
            skip_next = True
            continue
        if "=" in word:
            word = word.split("=", 1)[1]
        if word.startswith(("-", "http:", "https:", "/", "~", "$", "<", "{")) or "*" in word:
            continue
        if word.startswith("./"):
            word = word[2:]
        if _SOURCE_EXT.search(word) and "@" not in word:
            out.append(word)
    return out


def analyse(text: str, names: list[str], readme_path: str) -> ReadmeReport:
    report = ReadmeReport()
    report.build = bool(_BUILD.search(text))
    report.run = bool(_RUN.search(text))
    report.commands = command_lines(text)[:50]
    base = posixpath.dirname(readme_path)
    present = {n.rstrip("/") for n in names}
    for command in report.commands:
        lowered = command.lower()
        if lowered.startswith(("pip install", "pip3 install", "conda install", "npm install")):
            report.build = True
            if "-r" not in command.split():
                continue
        for named in files_named(command):
            candidates = {posixpath.normpath(posixpath.join(base, named)), named}
            if present & candidates or any(n.endswith("/" + named) for n in present):
                continue
            if named not in report.missing_files:
                report.missing_files.append(named)
    return report
