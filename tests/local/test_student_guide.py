"""The student guide (submissions/README.md) is true about what the checker does: it names every
section the checker looks for in the shipped schedule.yaml, installs the locked set into a
virtual environment (the README's command, never a bare `pip install`), and says to fetch the
course repository before checking and how to find the group id."""

from __future__ import annotations

import re
from pathlib import Path

from checker.config import load_course

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "submissions" / "README.md"
LOCKED = "-r requirements/check.txt"


def install_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if LOCKED in line and "pip install" in line]


def test_every_section_the_checker_looks_for_is_in_the_guide() -> None:
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())  # names wrap across lines
    course = load_course(ROOT)  # the live schedule.yaml: a TA who edits it edits the guide too
    wanted = [(d.id, s.name) for d in course.deliverables.values() for s in d.sections]
    assert wanted  # the shipped course asks for the summary's sections
    missing = [f"{d}: {name}" for d, name in wanted if name not in guide]
    assert not missing, missing


def test_the_install_is_the_locked_set_in_a_virtual_environment() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    [line] = install_lines(guide)
    assert line.startswith("python3 -m venv .venv && ")
    assert "--require-hashes" in line and (ROOT / "requirements" / "check.txt").is_file()
    # every pip the install runs is the virtual environment's: it activates it first, never a
    # bare `pip install` into the system Python
    parts = [p.strip() for p in line.split("&&")]
    activate = parts.index(". .venv/bin/activate")
    pips = [i for i, p in enumerate(parts) if re.search(r"\bpip3? install", p)]
    assert pips and min(pips) > activate, parts
    # one install command for students wherever the documentation gives it
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for other in install_lines(doc.read_text(encoding="utf-8")):
            assert other == line, f"{doc.relative_to(ROOT)}: {other}"


def test_the_guide_says_to_fetch_before_checking_and_how_to_find_the_group_id() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert guide.index("git fetch upstream") < guide.index("python -m checker check")
    assert "git remote add upstream" in guide
    assert "**Your group id**" in guide and "deadlines --student YOUR-GITHUB-LOGIN" in guide
