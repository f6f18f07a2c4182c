"""Benchmark (not a test): a ``private`` course of 75 groups of 4 (300 students) against the
fake GitHub organisation (tests/github/fake_org.py, driven by the real PyGithub).

1. ``setup --topology private --apply`` on an empty organisation: 75 private repositories,
   each with its members invited, the staff, the caller, receipt and CODEOWNERS files, the
   variables, the labels and the ruleset; then the same command again (nothing to change);
   then once more after one group's caller was edited (one file put back).
2. A semester of pull requests (tests/staff/semester.py on the 75-group course) submitted once
   to one shared course repository and once to the 75 group repositories (each PR in its
   author's group repository), and ``gradebook`` over each: wall time, CPU time of the command's
   own process, and API requests against the budget (per repository one request per 100 PRs
   plus one per 100 comments, at least one each, plus one per repository for the caller).

Prints the figures; docs/topology.md records them. Requests are exact; times depend on the
machine (two shared cores here), so read them as ratios.

    python bench/bench_org.py
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for sub in ("tests/staff", "tests/github", "tests/core", "tests", "bench", ""):
    sys.path.insert(0, str(ROOT / sub))

import semester  # noqa: E402
from bench_course import large_schedule, run  # noqa: E402
from fake_course_github import CourseGitHub  # noqa: E402
from fake_github import ACTIONS_TOKEN  # noqa: E402
from fake_org import ADMIN_TOKEN, OrgGitHub  # noqa: E402
from private_course import ORG, PRIVATE, caller_workflow  # noqa: E402
from test_staff_private import PR_URL, distribute  # noqa: E402

GROUPS, MEMBERS = 75, 4
NOW = datetime(2024, 11, 15, 12, 0, tzinfo=timezone.utc)
STAFF = ("mosharaf", "insujang")


def course_root(folder: Path) -> Path:
    root = folder / "course"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "schedule.yaml").write_text(large_schedule(GROUPS) + PRIVATE, encoding="utf-8")
    shutil.copy(ROOT / ".github" / "labels.yml", root / ".github" / "labels.yml")
    shutil.copy(ROOT / ".github" / "workflows" / "receipt.yml",
                root / ".github" / "workflows" / "receipt.yml")
    from checker.config import load_course

    semester.write_roster(root, load_course(root), members=MEMBERS)
    return root


def people(org: OrgGitHub) -> None:
    for login in STAFF:
        org.add_user(login, member=True)
    for i in range(1, GROUPS + 1):
        for m in range(1, MEMBERS + 1):
            org.add_user(f"stu{i:02d}{m}")


def setup_runs(root: Path) -> None:
    with OrgGitHub(ORG) as org:
        people(org)
        env = {**os.environ, "GITHUB_TOKEN": ADMIN_TOKEN, "GITHUB_API_URL": org.url}
        argv = ["setup", "--topology", "private", "--repo", f"{ORG}/course", "--root",
                str(root), "--apply"]
        for label in ("first --apply (75 new repositories)", "second --apply (nothing)",
                      "--apply after one caller was edited"):
            if label.startswith("--apply after"):
                org.repository("cse585-g40").files[".github/workflows/submission.yml"] = \
                    caller_workflow("elsewhere").encode()
            org.clear_log()
            seconds, cpu, peak, code = run(argv, env)
            gets, writes = len(org.requests("GET")), len(org.writes())
            print(f"  setup {label}: exit {code}, {seconds:.1f} s wall, {cpu:.1f} s CPU, "
                  f"{peak / 2**20:.0f} MiB peak; {gets + writes} requests ({gets} reads, "
                  f"{writes} writes; {(gets + writes) / GROUPS:.1f} per repository)")
        assert len(org.repos) == GROUPS


def view_runs(root: Path, private_root: Path, folder: Path) -> None:
    with CourseGitHub() as shared, OrgGitHub(ORG) as org:
        sem = semester.build(shared, root, NOW)
        distribute(shared, org, sem)
        print(f"  semester: {sem.pr_count} pull requests, {sem.comment_count} comments")
        for name, fake, token, base in (("shared", shared, ACTIONS_TOKEN, root),
                                        ("private", org, ADMIN_TOKEN, private_root)):
            env = {**os.environ, "GITHUB_TOKEN": token, "GITHUB_API_URL": fake.url}
            fake.clear_log()
            seconds, cpu, peak, code = run(
                ["gradebook", "--repo", "course/seminar" if name == "shared" else f"{ORG}/course",
                 "--root", str(base), "--output", str(folder / f"gb-{name}.csv"), "--now",
                 NOW.isoformat()], env)
            requests = len(fake.requests())
            if name == "shared":
                budget = math.ceil(sem.pr_count / 100) + math.ceil(sem.comment_count / 100)
            else:
                budget = sum(max(1, math.ceil(len(r.pulls) / 100)) +
                             max(1, math.ceil(len(r.comments) / 100)) + 1
                             for r in org.repos.values())
            print(f"  gradebook, {name}: exit {code}, {seconds:.1f} s wall, {cpu:.1f} s CPU, "
                  f"{peak / 2**20:.0f} MiB peak; {requests} requests (budget {budget})")
        texts = [PR_URL.sub("PR/", (folder / f"gb-{n}.csv").read_text())
                 for n in ("shared", "private")]
        print(f"  the two gradebooks {'are' if texts[0] == texts[1] else 'are NOT'} equal but "
              "for the PR links")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        root = course_root(folder / "private")
        print(f"a private course of {GROUPS} groups of {MEMBERS}:")
        setup_runs(root)
        shared_root = folder / "shared"
        shutil.copytree(root, shared_root)
        text = (shared_root / "schedule.yaml").read_text(encoding="utf-8")
        (shared_root / "schedule.yaml").write_text(text.replace(PRIVATE, ""), encoding="utf-8")
        view_runs(shared_root, root, folder)


if __name__ == "__main__":
    main()
