"""Staff views of a ``private`` course: the semester of ``semester.py`` (15 groups, 200+ pull
requests) submitted once to one shared course repository and once to 15 private group
repositories of a fake organisation, each pull request in its author's group repository under
the same number. gradebook and board read every group repository and say the same as in
``shared``; remind writes each group's reminders in its own repository, and nowhere else."""

from __future__ import annotations

import copy
import json
import math
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
from fake_org import ADMIN_TOKEN, OrgGitHub
from private_course import PRIVATE, caller_workflow

from checker.cli import main

NOW = datetime(2024, 11, 15, 12, 0, tzinfo=timezone.utc)
TOKEN = "ghs_actions_token"
SHARED = "course/seminar"
PR_URL = re.compile(r"https://github\.com/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/pull/")


@dataclass
class Worlds:
    shared: CourseGitHub
    org: OrgGitHub
    sem: semester.Semester
    private_root: Path
    tmp: Path


def distribute(shared: CourseGitHub, org: OrgGitHub, sem: semester.Semester) -> None:
    """Every pull request of the shared repository, with its labels and comments, into its
    author's group repository under the same number (URLs rewritten to that repository)."""
    caller = caller_workflow().encode()
    repos = {g: org.add_repo(f"cse585-{g}", files={
        ".github/workflows/submission.yml": caller}) for g in sem.course.groups}

    def moved(obj: object, full: str) -> object:
        return json.loads(json.dumps(obj).replace(SHARED, full))

    for n, pr in shared.pulls.items():
        [group] = sem.roster.groups_of(pr["user"]["login"])
        repo = repos[group]
        repo.pulls[n] = moved(copy.deepcopy(pr), repo.full_name)  # type: ignore[assignment]
        repo.issue_labels[n] = list(shared.issue_labels.get(n, []))
        for name in repo.issue_labels[n]:
            repo.labels[name.lower()] = moved(shared.labels[name.lower()],  # type: ignore[assignment]
                                              repo.full_name)
        for cid, issue in shared.comment_issue.items():
            if issue == n:
                repo.comments[cid] = moved(shared.comments[cid],  # type: ignore[assignment]
                                           repo.full_name)
                repo.comment_issue[cid] = n


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worlds]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    tmp = tmp_path_factory.mktemp("private")
    with CourseGitHub() as shared, OrgGitHub() as org:
        (tmp / "shared").mkdir()
        root = semester.make_root(tmp / "shared")
        sem = semester.build(shared, root, NOW)
        private_root = tmp / "private"
        shutil.copytree(root, private_root)
        with (private_root / "schedule.yaml").open("a", encoding="utf-8") as f:
            f.write(PRIVATE)
        distribute(shared, org, sem)
        yield Worlds(shared, org, sem, private_root, tmp)


def run(w: Worlds, private: bool, command: str, *args: str,
        monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("GITHUB_TOKEN", ADMIN_TOKEN if private else TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", w.org.url if private else w.shared.url)
    root = w.private_root if private else w.sem.root
    return main([command, "--repo", "course-org/course" if private else SHARED,
                 "--root", str(root), *args])


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_gradebook_across_the_organisation_equals_the_shared_one(
        worlds: Worlds, fmt: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = {}
    for private in (False, True):
        path = worlds.tmp / f"gradebook-{private}.{fmt}"
        assert run(worlds, private, "gradebook", "--format", fmt, "--output", str(path),
                   "--now", NOW.isoformat(), monkeypatch=monkeypatch) == 0
        out[private] = path.read_text(encoding="utf-8")
    assert PR_URL.sub("PR/", out[True]) == PR_URL.sub("PR/", out[False])
    assert "https://github.com/course-org/cse585-g10/pull/" in out[True]
    # every link goes to the repository of the group (or the student's group) it is about
    if fmt == "json":
        for row in json.loads(out[True])["rows"]:
            if row["pr_url"]:
                group = row["group"] or worlds.sem.roster.groups_of(row["student"])[0]
                assert f"/cse585-{group}/pull/" in row["pr_url"], row


def test_board_across_the_organisation_equals_the_shared_one(
        worlds: Worlds, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = {}
    for private in (False, True):
        site = worlds.tmp / f"site-{private}"
        assert run(worlds, private, "board", "--output", str(site), "--now", NOW.isoformat(),
                   monkeypatch=monkeypatch) == 0
        pages[private] = (site / "index.html").read_text(encoding="utf-8")
    assert PR_URL.sub("PR/", pages[True]) == PR_URL.sub("PR/", pages[False])


def test_the_same_request_budget_per_repository_with_progress_on_stderr(
        worlds: Worlds, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    worlds.org.clear_log()
    assert run(worlds, True, "gradebook", "--output", str(worlds.tmp / "gb.csv"), "--now",
               NOW.isoformat(), monkeypatch=monkeypatch) == 0
    budget = 0
    for repo in worlds.org.repos.values():
        budget += max(1, math.ceil(len(repo.pulls) / 100)) + max(
            1, math.ceil(len(repo.comments) / 100))
    gets = worlds.org.requests("GET")
    listings = [r for r in gets if r.path.endswith(("/pulls", "/issues/comments"))]
    assert len(listings) == budget  # two listings per group repository, 100 a page
    assert all("per_page=100" in r.query for r in listings)
    drift = [r for r in gets if r.path.endswith("/contents/.github/workflows")]
    assert len(drift) == 15 and len(worlds.org.requests()) == budget + 15
    err = capsys.readouterr().err
    assert f"of 15 group repositories in {budget + 15} API requests" in err


def test_an_edited_caller_is_flagged_on_that_groups_rows(
        worlds: Worlds, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = worlds.org.repository("cse585-g04")
    original = repo.files[".github/workflows/submission.yml"]
    repo.files[".github/workflows/submission.yml"] = caller_workflow("our-branch").encode()
    try:
        path = worlds.tmp / "flagged.json"
        assert run(worlds, True, "gradebook", "--format", "json", "--output", str(path),
                   "--now", NOW.isoformat(), monkeypatch=monkeypatch) == 0
    finally:
        repo.files[".github/workflows/submission.yml"] = original
    rows = json.loads(path.read_text())["rows"]
    flagged = {row["group"] or worlds.sem.roster.groups_of(row["student"])[0]
               for row in rows if any("caller workflow" in f for f in row["flags"])}
    assert flagged == {"g04"}


def test_reminders_go_to_each_groups_own_repository_and_name_only_its_members(
        worlds: Worlds, monkeypatch: pytest.MonkeyPatch) -> None:
    at = datetime(2024, 12, 15, 12, 0, tzinfo=timezone.utc)  # report and code due soon
    for repo in worlds.org.repos.values():
        repo.issues.clear()
    assert run(worlds, True, "remind", "--now", (at - timedelta(hours=1)).isoformat(),
               monkeypatch=monkeypatch) == 0
    opened = 0
    for g, i in ((g, int(g[1:])) for g in worlds.sem.course.groups):
        repo = worlds.org.repository(f"cse585-{g}")
        own = {f"stu{i:02d}{m}" for m in (1, 2, 3)}
        for issue in repo.issues.values():
            opened += 1
            named = set(re.findall(r"(?<![\w`])@([A-Za-z0-9-]+)", issue["body"]))
            assert named <= own, (g, named)
            groups = set(re.findall(r"`(g\d\d)`", issue["body"]))
            assert groups <= {g}, (g, groups)
    assert opened > 0
    # a second run changes nothing anywhere
    worlds.org.clear_log()
    assert run(worlds, True, "remind", "--now", (at - timedelta(minutes=30)).isoformat(),
               monkeypatch=monkeypatch) == 0
    assert worlds.org.writes() == []


def test_reminders_across_the_organisation_remind_whom_the_shared_ones_remind(
        worlds: Worlds, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same submissions, the same moment: per deadline, the people the group repositories'
    reminders @-mention are those the one shared reminder names when the course chose to name
    them (``reminders: {mention_missing: true}``); only where they are written differs."""
    from checker.staff.remind import key_in

    at = (datetime(2024, 12, 15, 11, 0, tzinfo=timezone.utc)).isoformat()
    named = worlds.tmp / "shared-named"
    if not named.exists():
        shutil.copytree(worlds.sem.root, named)
        with (named / "schedule.yaml").open("a", encoding="utf-8") as f:
            f.write("\nreminders: {mention_missing: true}\n")
    worlds.shared.issues.clear()
    for repo in worlds.org.repos.values():
        repo.issues.clear()
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", worlds.shared.url)
    assert main(["remind", "--repo", SHARED, "--root", str(named), "--now", at]) == 0
    assert run(worlds, True, "remind", "--now", at, monkeypatch=monkeypatch) == 0

    def mentions(issues: list[dict[str, object]]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for issue in issues:
            key = key_in(str(issue["body"]))
            assert key is not None
            out.setdefault(key, set()).update(
                re.findall(r"(?<![\w`])@([A-Za-z0-9-]+)", str(issue["body"])))
        return out

    shared = mentions(list(worlds.shared.issues.values()))
    private = mentions([i for r in worlds.org.repos.values() for i in r.issues.values()])
    assert shared and sum(map(len, shared.values())) > 0
    assert private == {k: v for k, v in shared.items() if v}, (shared, private)


def test_the_staff_extensions_file_counts_in_the_staff_views(
        worlds: Worlds, monkeypatch: pytest.MonkeyPatch) -> None:
    def rows() -> list[dict[str, object]]:
        path = worlds.tmp / "ext.json"
        assert run(worlds, True, "gradebook", "--format", "json", "--output", str(path),
                   "--now", NOW.isoformat(), monkeypatch=monkeypatch) == 0
        return list(json.loads(path.read_text())["rows"])

    late = next(r for r in rows() if r["status"] == "late" and r["group"] and not r["session"])
    extensions = worlds.private_root / "extensions.yaml"
    extensions.write_text(f"extensions:\n  - {{deliverable: {late['deliverable']}, group: "
                          f"{late['group']}, extra: 10d, reason: staff only}}\n")
    try:
        now = {(r["deliverable"], r["group"]): r for r in rows()}
    finally:
        extensions.unlink()
    assert now[(late["deliverable"], late["group"])]["status"] == "on-time"
