"""Every ``docs/…`` file the project mentions exists, and README.md's relative links resolve."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def tracked_text_files() -> list[Path]:
    """The repository's text files (git's list; in an exported copy without .git, the tree)."""
    proc = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True,
                          check=False)
    names = proc.stdout.split() if proc.returncode == 0 else [
        str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
        if not {".venv", ".git", "__pycache__"} & set(p.relative_to(ROOT).parts)]
    return [ROOT / p for p in names
            if p.endswith((".py", ".md", ".yml", ".yaml", ".toml", ".sh")) and (ROOT / p).is_file()]


def test_every_docs_path_mentioned_exists() -> None:
    missing = {f"{f.relative_to(ROOT)} -> {m}"
               for f in tracked_text_files()
               for m in re.findall(r"\bdocs/[\w./-]+\.(?:md|png|html)",
                                   f.read_text(encoding="utf-8", errors="replace"))
               if not (ROOT / m).exists()}
    assert not missing, sorted(missing)


def test_relative_links_in_markdown_resolve() -> None:
    broken = []
    for md in [ROOT / "README.md", *ROOT.glob("docs/*.md"), ROOT / "submissions" / "README.md"]:
        for target in re.findall(r"\]\(([^)\s]+)\)", md.read_text(encoding="utf-8")):
            path = target.split("#", 1)[0]
            if not path or re.match(r"[a-z]+:", path):
                continue
            if not (md.parent / path).exists():
                broken.append(f"{md.relative_to(ROOT)} -> {target}")
    assert not broken, broken


def test_the_students_guide_explains_the_pull_request_itself() -> None:
    guide = (ROOT / "submissions" / "README.md").read_text(encoding="utf-8")
    for must in ("**Fork**", "git switch -c", "**Add file → Upload files**",
                 "**Who merges:** the staff do", "**When a submission counts.**",
                 "a\npush to a branch or fork with no pull request open yet is not a submission",
                 "python -m checker install-hook"):
        assert must in guide, must


def test_section_references_name_a_heading_of_that_file() -> None:
    """A comment or docstring that sends the reader to a section of README.md or of a docs/
    file (the file, a comma and the section's name in double quotes, also across a comment's
    line break) names a heading that exists there."""
    ref = re.compile(r"\b(README\.md|docs/[\w-]+\.md)(?:,\s*(?:#\s*)?| \()\"([^\"\n]+)\"")
    broken, seen = [], 0
    for f in tracked_text_files():
        for target, section in ref.findall(f.read_text(encoding="utf-8", errors="replace")):
            doc = ROOT / target
            if not doc.is_file():
                continue  # test_every_docs_path_mentioned_exists reports it
            headings = [h.strip("`") for h in re.findall(r"^#+ (.+)$", doc.read_text(
                encoding="utf-8"), re.M)]
            seen += 1
            wanted = section.split(" > ")[-1]
            if not any(h.startswith(wanted) or h.strip("`").startswith(wanted.strip("`"))
                       for h in headings):
                broken.append(f"{f.relative_to(ROOT)} -> {target}, {section!r}")
    assert seen >= 5 and not broken, (seen, broken)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_to_a_section_find_its_heading() -> None:
    broken, seen = [], 0
    for md in [ROOT / "README.md", *ROOT.glob("docs/*.md"), ROOT / "submissions" / "README.md"]:
        for target in re.findall(r"\]\(([^)\s]+)\)", md.read_text(encoding="utf-8")):
            if "#" not in target or re.match(r"[a-z]+:", target):
                continue
            path, anchor = target.split("#", 1)
            doc = md.parent / path if path else md
            if not doc.is_file():
                continue  # test_relative_links_in_markdown_resolve reports it
            seen += 1
            anchors = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", doc.read_text(
                encoding="utf-8"), re.M)}
            if anchor not in anchors:
                broken.append(f"{md.relative_to(ROOT)} -> {target}")
    assert seen >= 10 and not broken, (seen, broken)
