"""docs/course-rules.md, the table of the course page's rules, names only rule ids the checker
has and schedule.yaml settings the shipped course (the fixture copy) has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.core.course_repo import REPO_ROOT, SHIPPED_SCHEDULE

DOC = REPO_ROOT / "docs" / "course-rules.md"
PREFIXES = ("auth", "deadline", "format", "group", "layout", "members", "pages", "path",
            "questions", "sections", "zip")


def rule_ids_in_checker() -> set[str]:
    out: set[str] = set()
    for f in (REPO_ROOT / "checker").rglob("*.py"):
        out.update(re.findall(r"\"([a-z]+\.[a-z][a-z-]*)\"", f.read_text(encoding="utf-8")))
    return out


def backticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def has_setting(node: Any, parts: list[str]) -> bool:
    """Whether the YAML has this dotted path; in a list, any item may have the rest."""
    if not parts:
        return True
    if isinstance(node, list):
        return any(has_setting(item, parts) for item in node)
    return isinstance(node, dict) and parts[0] in node and has_setting(node[parts[0]], parts[1:])


def test_every_rule_id_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = {t for t in backticked(text)
             if re.fullmatch(r"[a-z]+\.[a-z][a-z-]*", t) and t.split(".")[0] in PREFIXES}
    assert len(named) >= 30
    unknown = named - rule_ids_in_checker()
    assert not unknown, sorted(unknown)


def test_every_schedule_setting_exists_in_the_shipped_course() -> None:
    data = yaml.safe_load(Path(SHIPPED_SCHEDULE).read_text(encoding="utf-8"))
    text = DOC.read_text(encoding="utf-8")
    settings = set()
    for token in backticked(text):
        head = token.split(":", 1)[0].strip()
        if head.startswith(("deliverables.", "sessions[].")) or head in data:
            settings.add(head.replace("[]", "").replace("<id>", "summary"))
    assert len(settings) >= 15
    missing = sorted(s for s in settings if not has_setting(data, s.split(".")))
    assert not missing, missing


def test_what_cannot_be_checked_says_why() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in ("attend all lectures", "Piazza", "40 minutes"):
        line = next(x for x in text.splitlines() if rule in x)
        assert "cannot be checked" in line, line


def test_every_rule_row_has_its_source() -> None:
    """Issue 16: every row says whose rule it is (page, staff, github, checker) or — (not
    checked); a row whose rule ids are checked is never —."""
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith("| the page says")]
    assert len(rows) >= 40
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        assert len(cells) == 4, row
        sources = {s.split(" (")[0].strip() for s in cells[2].split(",")}
        assert sources <= {"page", "staff", "github", "checker", "—"}, row
        ids = [t for t in backticked(cells[3]) if re.fullmatch(r"[a-z]+\.[a-z][a-z-]*", t)]
        assert not (ids and sources == {"—"}), row
