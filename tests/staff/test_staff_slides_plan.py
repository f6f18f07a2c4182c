"""The pure part of ``publish-slides`` (``checker.staff.slides``), with plain values."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from course_repo import SHIPPED_SCHEDULE

from checker.config import load_course
from checker.staff import slides as sl


@pytest.mark.parametrize("folder", ["slides", "course/slides", "slides/", "f24_slides-2.0"])
def test_a_folder_of_plain_names_is_taken(folder: str) -> None:
    assert sl.check_folder(folder) == folder.strip("/")


@pytest.mark.parametrize("folder", ["", "..", "a/../b", ".github/workflows", "sl ides",
                                    "slides/.hidden", "a//b"])
def test_any_other_folder_is_refused_with_what_to_write(folder: str) -> None:
    with pytest.raises(ValueError, match="for example `slides`"):
        sl.check_folder(folder)


def test_the_plan_adds_updates_and_leaves_the_same_alone() -> None:
    have = {"2024-10-03-g10.pdf": sl.blob_sha(b"old"), "2024-09-19-g04.pdf": sl.blob_sha(b"x")}
    changes = sl.plan("slides", {"2024-10-03-g10.pdf": b"new", "2024-09-19-g04.pdf": b"x",
                                 "2024-10-08-g12.pptx": b"p"}, have, {})
    got = {c.path: (c.action, c.sha) for c in changes}
    assert got == {"slides/2024-10-03-g10.pdf": ("update", sl.blob_sha(b"old")),
                   "slides/2024-09-19-g04.pdf": ("same", None),
                   "slides/2024-10-08-g12.pptx": ("add", None)}


def test_the_index_lists_the_published_files_by_session_with_their_papers(
        tmp_path: Path) -> None:
    (tmp_path / "schedule.yaml").write_bytes(SHIPPED_SCHEDULE.read_bytes())
    course = load_course(tmp_path)
    names = ["2024-10-03-g10.pdf", "README.md", "notes.txt", "2024-09-17-g01.pptx"]
    text = sl.index(course, names)
    rows = [line for line in text.splitlines() if line.startswith("| Sep") or
            line.startswith("| Oct")]
    assert rows[0].startswith("| Sep 17 | Megatron-LM; Alpa") and "g01" in rows[0]
    assert rows[1].startswith("| Oct 3 | PagedAttention") and "[2024-10-03-g10.pdf]" in rows[1]
    assert len(rows) == 2  # the README and a stray file are not slides
    assert sl.published_names({n: "0" * 40 for n in names}) == [
        "2024-10-03-g10.pdf", "2024-09-17-g01.pptx"]
