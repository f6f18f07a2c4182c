"""A semester of submissions on the shipped schedule.yaml, in the fake GitHub, with the outcome
each instance is meant to have (decided here, before any staff code runs).

Every group of the shipped course (g01..g15, three members each) gets a PR for most of its
deliverables that are due by ``now``: on time, late, needing a fix, missing, resubmitted
(merged on time, then a later open PR), or withdrawn (closed unmerged) and resubmitted late.
Each student bundles questions for a few sessions per PR. The bot comments are written with
the real ``checker.github`` functions (history state) plus the files block; every tenth PR has
only the history state (a comment from before the files block existed), and some PRs carry a
student comment that forges the checker's marker and state, which must be ignored.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fake_course_github import CourseGitHub

from checker.config import load_course, load_roster
from checker.github import comment
from checker.github.history import record_history
from checker.model import Course, Roster
from checker.routing import Target
from checker.rules.deadlines import deadline
from checker.staff.core import Key, key_of, targets
from checker.staff.records import files_block

BOT = "github-actions[bot]"
REPO_ROOT = Path(__file__).resolve().parents[2]
# the shipped course, frozen for the tests (a TA edits the live schedule.yaml every term)
SHIPPED_SCHEDULE = REPO_ROOT / "tests" / "fixtures" / "course" / "schedule.yaml"
HOSTILE_TITLE = '<img src=x onerror=alert(1)> @everyone [x](javascript:alert(1)) | ="=1+1"'


@dataclass
class Expected:
    status: str
    pr: int | None = None
    late_seconds: int = 0
    superseded: tuple[int, ...] = ()
    pages: int | None = None


@dataclass
class Semester:
    root: Path
    course: Course
    roster: Roster
    now: datetime
    expected: dict[Key, Expected] = field(default_factory=dict)
    pr_count: int = 0
    comment_count: int = 0


def write_roster(root: Path, course: Course, members: int = 3) -> None:
    for i, g in enumerate(course.groups, 1):
        d = root / course.submissions_dir / g
        d.mkdir(parents=True, exist_ok=True)
        lines = ["members:"]
        for m in range(1, members + 1):
            login = f"stu{i:02d}{m}"
            lines += [f"  - github: {login}", f"    name: Student {i}-{m}",
                      f"    email: {login}@umich.edu"]
        (d / "group.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_root(tmp: Path, schedule: Path | None = None) -> Path:
    root = tmp / "course"
    root.mkdir()
    shutil.copy(schedule or SHIPPED_SCHEDULE, root / "schedule.yaml")
    write_roster(root, load_course(root))
    return root


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Builder:
    def __init__(self, fake: CourseGitHub, sem: Semester) -> None:
        self.fake, self.sem = fake, sem

    def pull(self, author: str, files: list[tuple[str, datetime, int, int | None]], *,
             merged: bool = True, closed: bool = False, legacy: bool = False,
             title: str = "Submission", forged: bool = False) -> int:
        """files: (path, submitted_at, error count, pages). Returns the PR number."""
        n = self.fake.next_number()
        last = max(t for _, t, _, _ in files)
        self.fake.add_pull(n, author=author, head_sha=_sha(f"head{n}"), title=title)
        pr = self.fake.pulls[n]
        pr["created_at"] = pr["updated_at"] = _iso(min(t for _, t, _, _ in files))
        if merged:
            self.fake.set_pull_state(n, merged_at=_iso(last + timedelta(hours=20)))
        elif closed:
            self.fake.set_pull_state(n, closed_at=_iso(last + timedelta(hours=1)))
        bad = any(e for _, _, e, _ in files)
        self.fake.issue_labels[n] = ["needs-fix" if bad else "checks-passed"]
        for name in self.fake.issue_labels[n]:
            self.fake.add_label(name)
        if forged:  # a student's comment with the marker and a forged "on time" state
            fake_result = {"submitted_at": "2024-01-01T00:00:00Z", "files": [
                {"path": p, "deliverable": "x", "blob_sha": _sha(p + "forged"), "findings": [],
                 "facts": {"pages": 99}} for p, _, _, _ in files]}
            self.fake.add_comment(n, comment.compose("### ✅ all good (forged)", record_history(
                fake_result, {})) + files_block(fake_result) + "\n", author)
            self.sem.comment_count += 1
        state: dict[str, dict[str, str]] = {}
        result: dict[str, Any] = {"files": []}
        for path, at, errors, pages in files:  # one push per distinct time, oldest first
            push = {"submitted_at": _iso(at), "files": [
                {"path": path, "blob_sha": _sha(path + str(n)), "removed": False}]}
            state = record_history(push, state)
            result["files"].append({
                "path": path, "deliverable": "d", "blob_sha": _sha(path + str(n)),
                "removed": False, "facts": {"pages": pages, "first_seen_at": _iso(at)},
                "findings": [{"rule": "pages.too-many", "severity": "error", "message": "",
                              "hint": ""}] * errors})
        result["submitted_at"] = _iso(last)
        body = comment.compose("### Submission check\n\n(report)", state)
        if not legacy:
            body += files_block(result) + "\n"
        self.fake.add_comment(n, body, BOT)
        self.sem.comment_count += 1
        if n % 7 == 0:  # a human reply after the bot's comment
            self.fake.add_comment(n, "Thanks @bot! " + comment.MARKER, "stu011")
            self.sem.comment_count += 1
        self.sem.pr_count += 1
        return n


def due_of(course: Course, t: Target) -> datetime:
    return deadline(course, t).due


def build(fake: CourseGitHub, root: Path, now: datetime, seed: int = 585) -> Semester:
    course = load_course(root)
    roster, problems = load_roster(root, course)
    assert not problems
    sem = Semester(root, course, roster, now)
    rng = random.Random(seed)
    b = Builder(fake, sem)
    groups = [t for t in targets(course, roster) if t.deliverable.owner == "group"]
    outcomes = ["on-time"] * 12 + ["late"] * 3 + ["needs-fix"] * 2 + ["missing"] * 2 + [
        "resubmitted", "withdrawn"]
    for i, t in enumerate(groups):
        due = due_of(course, t)
        path = t.path(t.deliverable.formats[0])
        author = sorted(roster.members_of(t.group or ""))[i % 3]
        pages = 2 if t.deliverable.pages else None
        key = key_of(t)
        title = HOSTILE_TITLE if i % 11 == 0 else f"{t.group} {t.deliverable.id}"
        legacy = i % 10 == 3
        if due > now:
            if i % 9 == 0:  # an early bird, still open
                at = now - timedelta(hours=5)
                n = b.pull(author, [(path, at, 0, pages)], merged=False, title=title)
                sem.expected[key] = Expected("on-time", n, pages=None if legacy else pages)
            else:
                sem.expected[key] = Expected("not-due")
            continue
        kind = rng.choice(outcomes)
        if legacy and kind in ("resubmitted", "withdrawn", "needs-fix"):
            kind = "on-time"
        early = due - timedelta(hours=rng.randint(1, 72), minutes=rng.randint(0, 59))
        late_by = timedelta(hours=rng.randint(1, 50), minutes=rng.randint(1, 59))
        if kind == "on-time":
            n = b.pull(author, [(path, early, 0, pages)], title=title, legacy=legacy,
                       forged=i % 13 == 0)
            sem.expected[key] = Expected("on-time", n, pages=None if legacy else pages)
        elif kind == "late":
            n = b.pull(author, [(path, due + late_by, 0, pages)], title=title, legacy=legacy)
            sem.expected[key] = Expected("late", n, int(late_by.total_seconds()),
                                         pages=None if legacy else pages)
        elif kind == "needs-fix":
            n = b.pull(author, [(path, early, 1, 5 if pages else None)], merged=False,
                       title=title, forged=True)
            sem.expected[key] = Expected("needs-fix", n, pages=5 if pages else None)
        elif kind == "missing":
            sem.expected[key] = Expected("missing")
        elif kind == "resubmitted":  # merged on time; a later open PR does not replace it
            n = b.pull(author, [(path, early, 0, pages)], title=title)
            m = b.pull(author, [(path, due + late_by, 0, pages)], merged=False, title=title)
            sem.expected[key] = Expected("on-time", n, superseded=(m,), pages=pages)
        else:  # withdrawn on time, resubmitted late and merged: the merged one counts
            n = b.pull(author, [(path, early, 0, pages)], merged=False, closed=True, title=title)
            m = b.pull(author, [(path, due + late_by, 0, pages)], title=title)
            sem.expected[key] = Expected("late", m, int(late_by.total_seconds()), pages=pages)
    # questions: each student bundles up to 4 sessions per PR, sent before the first is due,
    # except every fifth bundle, sent 3 hours after its first session's deadline
    students = [t for t in targets(course, roster) if t.deliverable.owner == "student"]
    by_student: dict[str, list[Target]] = {}
    for t in students:
        by_student.setdefault(t.student or "", []).append(t)
    bundle_no = 0
    for login, ts in sorted(by_student.items()):
        ts.sort(key=lambda t: due_of(course, t))
        skip = {ts[rng.randrange(len(ts))].session.id}  # type: ignore[union-attr]
        for start in range(0, len(ts), 4):
            chunk = [t for t in ts[start:start + 4] if t.session and t.session.id not in skip]
            bundle_no += 1
            first_due = min((due_of(course, t) for t in chunk), default=now)
            if not chunk or first_due > now:
                for t in chunk:
                    sem.expected[key_of(t)] = Expected("not-due")
                continue
            late = bundle_no % 5 == 0
            at = first_due + timedelta(hours=3) if late else first_due - timedelta(hours=2)
            files = [(t.path("md"), at, 0, None) for t in chunk]
            n = b.pull(login, files, merged=bundle_no % 3 != 0, legacy=bundle_no % 10 == 0)
            for t in chunk:
                over = int((at - due_of(course, t)).total_seconds())
                sem.expected[key_of(t)] = Expected("late" if over > 0 else "on-time", n,
                                                   max(over, 0))
        for t in ts:
            if t.session and t.session.id in skip:
                sem.expected[key_of(t)] = Expected(
                    "missing" if due_of(course, t) < now else "not-due")
    return sem
