"""Extensions the staff keep out of schedule.yaml: ``extensions.yaml`` beside it (the staff's
own checkout, topology: private), held to schedule.yaml's schema, its problems told with its
own name and lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.config import ScheduleError, load_course

ROOT = Path(__file__).resolve().parents[2]
SCHEDULE = ROOT / "tests" / "fixtures" / "course" / "schedule.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copy(SCHEDULE, tmp_path / "schedule.yaml")
    return tmp_path


def test_the_staff_extensions_file_counts_and_remembers_what_to_hand_the_group(
        root: Path) -> None:
    assert load_course(root).extensions == ()
    (root / "extensions.yaml").write_text(
        "extensions:\n"
        "  - {deliverable: summary, group: g03, session: 2024-11-21, until: \"2024-11-24 12:00\","
        " reason: surgery}\n"
        "  - {deliverable: questions, student: Ada-Lovelace, extra: 48h}\n", encoding="utf-8")
    course = load_course(root)
    first, second = course.extensions
    assert (first.group, str(first.session), first.reason) == ("g03", "2024-11-21", "surgery")
    assert dict(first.spec) == {"deliverable": "summary", "group": "g03",
                                "session": "2024-11-21", "until": "2024-11-24 12:00"}
    assert second.student == "ada-lovelace" and dict(second.spec)["extra"] == "48h"


@pytest.mark.parametrize("text,where", [
    ("extensions:\n  - {deliverable: essay, group: g03, extra: 2d}\n",
     "extensions.yaml:2: extensions[0].deliverable: 'essay' is not a deliverable"),
    ("extensions:\n  - {deliverable: summary, group: g03}\n", "extensions.yaml:2: "),
    ("staff: [someone]\n", "extensions.yaml:1: expected `extensions:`"),
])
def test_a_broken_extensions_file_is_told_by_its_own_name_and_line(
        root: Path, text: str, where: str) -> None:
    (root / "extensions.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleError) as info:
        load_course(root)
    assert where in str(info.value)
