"""Benchmark (not a test): the shipped course and one ten times larger, in one run.

Two courses, each a folder with schedule.yaml and its groups' group.yaml files:
  - shipped: the tests' frozen copy of the shipped course (15 groups of 3: 45 students);
  - large:   the same deliverables with 75 groups of 4 (300 students). Every group presents,
             summarises and reviews (``validate`` requires it), so it has one presentation
             session per group (75) besides the shipped course's other sessions, on any
             weekday.
For each, as cold processes (the quick ones best of 3): ``validate``, ``deadlines --format
ics`` (the whole course) and ``check`` of a pull request with 50 files (40 question sheets,
10 slide PDFs, submitted by staff). Then, against the fake GitHub
(tests/staff/fake_course_github.py, driven by the real PyGithub), a semester of pull requests
and comments (tests/staff/semester.py) padded to at least 3,000 PRs and 10,000 comments for the
large course, and to a tenth of what the large one ran over for the shipped one; and
``gradebook``, ``board`` and ``remind`` over it. Prints each command's wall time, peak memory
(its own process) and API requests against the budget (one per 100 PRs plus one per 100
comments plus a constant), then how each figure grows from one course to the other.

    python bench/bench_course.py
"""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
for sub in ("tests/staff", "tests/github", "tests/core", ""):
    sys.path.insert(0, str(ROOT / sub))

import semester  # noqa: E402
from course_repo import SHIPPED_SCHEDULE, pdf_bytes  # noqa: E402
from fake_course_github import CourseGitHub  # noqa: E402
from fake_github import ACTIONS_TOKEN  # noqa: E402

NOW = datetime(2024, 12, 20, 12, 0, tzinfo=timezone.utc)  # the term is over: all is due
REMIND_AT = "2024-12-15T12:00:00-05:00"  # the final report and code are due tomorrow
STAFF = "mosharaf"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]
# peak memory from VmHWM: ru_maxrss would include the bench's own memory at fork time
MEASURE = """
import sys
from checker.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as f:
    print("PEAK", *[x.split()[1] for x in f if x.startswith("VmHWM:")], file=sys.stderr)
sys.exit(code)
"""


def large_schedule(groups: int) -> str:
    """The shipped course with ``groups`` groups, each presenting, summarising and reviewing
    once: one presentation session per group, on free weekdays from the first one on."""
    data: dict[str, Any] = yaml.safe_load(SHIPPED_SCHEDULE.read_text(encoding="utf-8"))
    ids = [f"g{i:02d}" for i in range(1, groups + 1)]
    data["groups"] = ids
    data["lectures"]["days"] = WEEKDAYS
    shipped = [s for s in data["sessions"] if s["kind"] == "presentation"]
    kept = [s for s in data["sessions"] if s["kind"] != "presentation"]
    used = {s["date"] for s in kept}
    day = shipped[0]["date"]
    for i in range(groups):
        while day.weekday() > 4 or day in used:
            day += timedelta(days=1)
        used.add(day)
        model = shipped[i % len(shipped)]
        readings = [dict(r, title=f"{r['title']} ({i + 1})",
                         **({"short": f"{r['short']} {i + 1}"} if "short" in r else {}))
                    for r in model["readings"]]
        kept.append(dict(model, date=day, presenter=ids[i], summary=ids[(i + 1) % groups],
                         reviewer=ids[(i + 2) % groups], readings=readings))
    data["sessions"] = sorted(kept, key=lambda s: s["date"])
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def make_course(folder: Path, groups: int | None, members: int) -> Path:
    root = folder / "course"
    root.mkdir(parents=True)
    text = (large_schedule(groups) if groups else
            SHIPPED_SCHEDULE.read_text(encoding="utf-8"))
    (root / "schedule.yaml").write_text(text, encoding="utf-8")
    from checker.config import load_course

    semester.write_roster(root, load_course(root), members=members)
    return root


def fifty_files(root: Path) -> list[str]:
    """40 question sheets (20 students, 2 sessions) and 10 slide PDFs, in the work tree."""
    from checker.config import load_course, load_roster

    course = load_course(root)
    roster, _ = load_roster(root, course)
    talks = [s for s in course.sessions if s.presenter][:10]
    students = sorted(m.github for g in course.groups for m in roster.groups[g].members)[:20]
    paths = []
    slides = pdf_bytes(12)
    for s in talks:
        paths.append(f"submissions/{s.presenter}/slides/{s.id}.pdf")
        (root / paths[-1]).parent.mkdir(parents=True, exist_ok=True)
        (root / paths[-1]).write_bytes(slides)
    for s in talks[:2]:
        sheet = "".join(f"## {r.short or r.title}\n- What limits this approach at scale?\n\n"
                        for r in s.readings)
        for login in students:
            paths.append(f"submissions/questions/{s.id}/{login}.md")
            (root / paths[-1]).parent.mkdir(parents=True, exist_ok=True)
            (root / paths[-1]).write_text(f"# Questions for {s.id}\n\n{sheet}", encoding="utf-8")
    return paths


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds and peak resident bytes of the command's own process (CPU
    time leaves out the fake GitHub's answers and, mostly, the other load on the machine),
    exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True,
                          text=True, env=env, cwd=ROOT, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = next((int(x.split()[1]) for x in proc.stderr.splitlines() if x.startswith("PEAK")), 0)
    if proc.returncode not in (0, 1):
        print(f"  ! {argv[0]} exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return seconds, cpu, peak * 1024, proc.returncode


def best_run(argv: list[str], env: dict[str, str],
             repeat: int = 3) -> tuple[float, float, int, int]:
    """The fastest of ``repeat`` runs (the machine is shared), with the largest peak."""
    runs = [run(argv, env) for _ in range(repeat)]
    return (min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs),
            runs[0][3])


def pad(fake: CourseGitHub, sem: semester.Semester, prs: int, comments: int) -> None:
    """More withdrawn pull requests (question sheets, closed unmerged) and more replies."""
    builder = semester.Builder(fake, sem)
    students = sorted({m.github for d in sem.roster.groups.values() for m in d.members})
    day = datetime(2024, 10, 1, 12, tzinfo=timezone.utc)
    i = 0
    while sem.pr_count < prs:
        login = students[i % len(students)]
        builder.pull(login, [(f"submissions/questions/2099-01-01/{login}.md", day, 0, None)],
                     merged=False, closed=True, title="withdrawn")
        i += 1
    numbers = sorted(fake.pulls)
    i = 0
    while sem.comment_count < comments:
        fake.add_comment(numbers[i % len(numbers)], f"Reply {i}: thanks!", students[i % 7])
        sem.comment_count += 1
        i += 1


Figures = dict[str, tuple[float, float, int, int | None]]  # wall, CPU, peak, requests


def measure(label: str, groups: int | None, members: int, prs: int, comments: int,
            folder: Path) -> tuple[Figures, tuple[int, int]]:
    """The figures of every command, and the (PRs, comments) they ran over."""
    root = make_course(folder, groups, members)
    env = dict(os.environ, CHECKER_SOFFICE="none", PYTHONPATH=str(ROOT),
               CHECKER_CACHE_DIR=str(folder / "cache"))
    out: Figures = {}
    wall, cpu, peak, code = best_run(["validate", "--root", str(root)], env)
    out["validate"] = (wall, cpu, peak, None)
    ics = folder / "deadlines.ics"
    wall, cpu, peak, _ = best_run(["deadlines", "--root", str(root), "--format", "ics",
                                   "--output", str(ics)], env)
    out["deadlines --format ics"] = (wall, cpu, peak, None)
    events = ics.read_text(encoding="utf-8").count("BEGIN:VEVENT") if ics.exists() else 0
    paths = fifty_files(root)
    wall, cpu, peak, _ = best_run(["check", "--root", str(root), *paths, "--author", STAFF,
                                   "--at", "2024-09-01T12:00:00-04:00", "--format", "json"], env)
    out["check, 50 files"] = (wall, cpu, peak, None)
    print(f"{label}: validate exit {code}, {events} calendar events")
    with CourseGitHub() as fake:
        sem = semester.build(fake, root, NOW)
        natural = (sem.pr_count, sem.comment_count)
        pad(fake, sem, prs, comments)
        env.update(GITHUB_TOKEN=ACTIONS_TOKEN, GITHUB_API_URL=fake.url)
        common = ["--repo", "course/seminar", "--root", str(root)]
        staff = {
            "gradebook": ["gradebook", *common, "--output", str(folder / "gb.csv"),
                          "--now", NOW.isoformat()],
            "board": ["board", *common, "--output", str(folder / "site"), "--now",
                      NOW.isoformat()],
            "remind": ["remind", *common, "--now", REMIND_AT],
        }
        for name, argv in staff.items():
            fake.clear_log()
            wall, cpu, peak, _ = run(argv, env)
            out[name] = (wall, cpu, peak, len(fake.requests()))
    budget = math.ceil(sem.pr_count / 100) + math.ceil(sem.comment_count / 100)
    print(f"{label}: {len(sem.course.groups)} groups, "
          f"{sum(len(d.members) for d in sem.roster.groups.values())} students, "
          f"{len(sem.course.sessions)} sessions, {len(sem.course.deliverables)} deliverables; "
          f"{sem.pr_count} PRs and {sem.comment_count} comments ({natural[0]} and "
          f"{natural[1]} from the semester, the rest padding); request budget {budget} + a "
          "constant")
    for name, (seconds, cpu, peak, requests) in out.items():
        extra = "" if requests is None else f", {requests} API requests"
        print(f"  {name:24} {seconds:6.2f} s wall, {cpu:6.2f} s CPU, peak "
              f"{peak / 2**20:6.1f} MB{extra}")
    return out, (sem.pr_count, sem.comment_count)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-course-") as tmp:
        # the large course's own semester, padded to at least 3,000 PRs and 10,000 comments;
        # the shipped course's padded to a tenth of what the large one ran over
        large, (prs, comments) = measure("large", 75, 4, 3000, 10000, Path(tmp) / "large")
        small, _ = measure("shipped", None, 3, math.ceil(prs / 10), math.ceil(comments / 10),
                           Path(tmp) / "shipped")
    print("growth, large / shipped (6.7x students, 5x groups, 3x sessions, 10x PRs and "
          "comments):")
    for name in small:
        s, big = small[name], large[name]
        req = "" if s[3] is None or big[3] is None else f", requests x{big[3] / s[3]:.1f}"
        print(f"  {name:24} wall x{big[0] / s[0]:.1f}, CPU x{big[1] / s[1]:.1f}, memory "
              f"x{big[2] / s[2]:.1f}{req}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
