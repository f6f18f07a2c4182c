"""board: the page for a known semester, as a person sees it in a real headless Chromium."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import cdp
import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub

from checker.cli import main
from checker.staff.board import (
    COLOR,
    ORDER,
    SHARE_COLOR,
    SHARE_TEXT,
    build,
    render_html,
    share_step,
)
from checker.staff.core import build_rows
from checker.staff.records import FileRecord, PullInfo, PullRecord

NOW = datetime(2024, 11, 8, 15, 0, tzinfo=timezone.utc)  # mid-semester: every status occurs
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, semester.Semester]]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    tmp = tmp_path_factory.mktemp("board")
    with CourseGitHub() as fake:
        sem = semester.build(fake, semester.make_root(tmp), NOW)
        mp = pytest.MonkeyPatch()
        mp.setenv("GITHUB_TOKEN", "ghs_actions_token")
        mp.setenv("GITHUB_API_URL", fake.url)
        try:
            assert main(["board", "--repo", "course/seminar", "--root", str(sem.root),
                         "--output", str(tmp / "site"), "--now", NOW.isoformat()]) == 0
        finally:
            mp.undo()
    yield tmp / "site" / "index.html", sem


def expected_cells(sem: semester.Semester) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for g in sem.course.groups:
        members = sem.roster.members_of(g)
        for d in sem.course.deliverables.values():
            if d.owner == "group":
                found = [e.status for k, e in sem.expected.items() if k[0] == d.id and k[1] == g]
            else:
                found = [e.status for k, e in sem.expected.items()
                         if k[0] == d.id and k[2] in members]
            due = [s for s in found if s != "not-due"]
            out[(g, d.id)] = min(due, key=ORDER.index) if due else "not-due"
    return out


def test_page_is_self_contained_and_escaped(page: tuple[Path, semester.Semester]) -> None:
    text = page[0].read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe|object)\b|\burl\(|@import|src=", text, re.I)
    assert {m for m in re.findall(r'href="([^"]*)"', text)} <= {
        m for m in re.findall(r'href="(https://github\.com/course/seminar/pull/\d+)"', text)}
    assert 'name="viewport"' in text and "Generated Fri 2024-11-08 10:00 EST" in text
    assert text.count("<time>") >= 3  # the next 7 days' deadlines


def test_hostile_text_is_inert() -> None:
    from checker.config import parse_course

    course = parse_course(semester.SHIPPED_SCHEDULE.read_text().replace(
        "course: \"CSE 585", "course: \"<script>alert(1)</script> CSE 585"))
    evil = PullInfo(7, 'javascript:alert(1)" onmouseover="x', "stu011", "open", None,
                    "<b>x</b>")
    rows = build_rows(course, semester_roster(course), [PullRecord(evil, (FileRecord(
        "submissions/g01/proposal.pdf", NOW - timedelta(days=60), 0, 2, denied=False),))],
        NOW)  # denied=False: check allowed the author then
    html = render_html(build(course, rows, NOW, {}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html and ">#7<" in html  # shown, but not as a link


def html_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def semester_roster(course: object) -> object:
    from checker.model import Roster

    return Roster()


@pytest.mark.skipif(not cdp.available(), reason="chromium is not installed "
                    "(apt-get install -y --no-install-recommends chromium)")
def test_what_a_person_sees_in_chromium(page: tuple[Path, semester.Semester],
                                        tmp_path: Path) -> None:
    path, sem = page
    want = expected_cells(sem)
    # the known semester shows every status but `unverified` (a failed last check), which
    # tests/staff/test_staff_unverified.py shows on the board
    assert set(want.values()) == set(ORDER) - {"unverified"}
    with cdp.Browser() as browser:
        desk = browser.open(path.as_uri(), 1680, 900)
        cells = browser.evaluate(desk, """[...document.querySelectorAll('td[data-status]')]
            .map(td => [td.dataset.group, td.dataset.deliverable, td.dataset.status,
                        getComputedStyle(td).backgroundColor, getComputedStyle(td).color,
                        td.innerText, td.dataset.share || null])""")
        shot = browser.screenshot(desk)
        phone = browser.open(path.as_uri(), 390, 844)
        fit = browser.evaluate(phone, """[document.documentElement.scrollWidth,
            innerWidth, document.querySelector('.wrap').scrollWidth,
            parseFloat(getComputedStyle(document.querySelector('td')).fontSize)]""")
        phone_shot = browser.screenshot(phone, full=False)
    assert len(cells) == len(want) == 15 * 9
    seen = {}
    shares = set()
    for group, deliverable, status, bg, fg, text, share in cells:
        seen[(group, deliverable)] = status
        if share is not None:  # questions: coloured by the share of the class that submitted
            step = share_step(float(share))
            shares.add((status, step))
            assert (bg, fg) == (rgb(SHARE_COLOR[step]), rgb(SHARE_TEXT)), (group, deliverable)
            assert f"({round(float(share) * 100)} %)" in text
        else:
            assert (bg, fg) == (rgb(COLOR[status][0]), rgb(COLOR[status][1])), (group,
                                                                                 deliverable)
        assert text.strip(), (group, deliverable)  # a word as well as a colour
    # a group with a missing question but most submitted is not coloured as "missing"
    assert ("missing", 4) in shares
    assert seen == want
    g10 = {c[1]: c[5] for c in cells if c[0] == "g10"}
    assert "course staff rule" in html_text(path)
    assert "2024-10-03" in g10["slides"]  # the session it presents
    width, inner, table, font = fit
    assert width <= inner == 390 < table  # the page fits; the matrix scrolls in its box
    assert font >= 12
    for name, data in (("board-desktop.png", shot), ("board-phone.png", phone_shot)):
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
        (tmp_path / name).write_bytes(data)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(tmp_path / name, ARTIFACTS / name)
