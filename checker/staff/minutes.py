"""Expected GitHub Actions minutes per month, computed from the workflows and the course (pure).

GitHub bills every job of a run, rounded up to a whole minute; our jobs finish within a
minute, so a run costs (its jobs) x ``job_minutes`` (1). Runs per month come from each
workflow's triggers:

- ``schedule``: the firings of its cron lines in that month (cron evaluated here: minute, hour,
  day of month, month, day of week; ``*``, ``*/n``, ``a-b``, lists);
- ``push`` (to the default branch): one per merged submission (an upper bound: runs queued
  behind one another collapse into one);
- ``pull_request`` / ``pull_request_target``: one per push to a submission's pull request;
- a ``paths`` filter that no path under ``submissions/`` matches means students' pull
  requests and merges do not trigger the workflow; ``workflow_dispatch`` costs nothing unless
  someone runs it.

Submissions per month: every deliverable instance due that month (per-student work once per
student: the declared ones, or every group full when none has declared yet), each submitted in
``pushes`` pushes and merged once.
"""

from __future__ import annotations

import calendar
import fnmatch
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checker.model import Course, Roster
from checker.routing import instances
from checker.rules.deadlines import deadline

SUBMISSION_PATH = "submissions/g01/report.pdf"  # a path every submission's shape matches
_FIELDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))


def _field(text: str, lo: int, hi: int) -> set[int] | None:
    """The values of one cron field (None: ``*``, any)."""
    if text == "*":
        return None
    out: set[int] = set()
    for part in text.split(","):
        rng, _, step = part.partition("/")
        if rng == "*":
            a, b = lo, hi
        elif "-" in rng:
            a, b = map(int, rng.split("-", 1))
        else:
            a = b = int(rng)
        out.update(range(a, b + 1, int(step) if step else 1))
    return {0 if v == 7 and hi == 6 else v for v in out}  # day of week 7 is Sunday too


def cron_runs(line: str, year: int, month: int) -> int:
    """How many times the cron line fires in that month (UTC)."""
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(f"not a cron line: {line!r}")
    minute, hour, dom, mon, dow = (_field(f, lo, hi) for f, (lo, hi) in zip(fields, _FIELDS,
                                                                          strict=True))
    if mon is not None and month not in mon:
        return 0
    per_day = (60 if minute is None else len(minute)) * (24 if hour is None else len(hour))
    days = 0
    for day in range(1, calendar.monthrange(year, month)[1] + 1):
        weekday = (date(year, month, day).weekday() + 1) % 7  # cron: 0 is Sunday
        dom_ok = dom is None or day in dom
        dow_ok = dow is None or weekday in dow
        if dom is not None and dow is not None:
            days += dom_ok or dow_ok  # cron: either field may match
        else:
            days += dom_ok and dow_ok
    return per_day * days


_VAR_TEST = re.compile(r"^(?:\$\{\{)?\s*vars\.(\w+)\s*==\s*'([^']*)'\s*(?:\}\})?$")


def job_runs(job: Any, variables: dict[str, str]) -> bool:
    """Whether a job runs: an ``if:`` testing a repository variable (``vars.X == 'v'``) is
    evaluated with ``variables``; any other condition counts as running (an upper bound)."""
    cond = job.get("if") if isinstance(job, dict) else None
    m = _VAR_TEST.match(str(cond).strip()) if cond is not None else None
    return m is None or variables.get(m.group(1), "") == m.group(2)


@dataclass
class Workflow:
    name: str
    jobs: int  # the jobs that run (see job_runs)
    conditional_jobs: int  # jobs with an `if:` (counted unless a variable test says no)
    crons: list[str] = field(default_factory=list)
    on_merge: bool = False
    on_pr_push: bool = False


def _touches_submissions(trigger: Any) -> bool:
    if not isinstance(trigger, dict) or "paths" not in trigger:
        return True
    return any(fnmatch.fnmatch(SUBMISSION_PATH, p) for p in trigger.get("paths") or [])


def workflow(name: str, doc: dict[Any, Any], variables: dict[str, str] | None = None
             ) -> Workflow:
    """A workflow file (parsed YAML; ``on`` may have become ``True``) -> what it costs, with
    the repository ``variables`` (``vars.*``) it would run with."""
    on = doc.get("on", doc.get(True)) or {}
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = dict.fromkeys(on)
    jobs = doc.get("jobs") or {}
    wf = Workflow(name, sum(job_runs(j, variables or {}) for j in jobs.values()),
                  sum(1 for j in jobs.values() if isinstance(j, dict) and "if" in j))
    wf.crons = [str(x["cron"]) for x in on.get("schedule") or [] if isinstance(x, dict)]
    wf.on_merge = "push" in on and _touches_submissions(on["push"])
    wf.on_pr_push = any(k in on and _touches_submissions(on[k])
                        for k in ("pull_request", "pull_request_target"))
    return wf


def submissions_per_month(course: Course, roster: Roster) -> Counter[str]:
    students = sum(len(d.logins) for d in roster.groups.values()) or (
        len(course.groups) * course.group_size[1])
    out: Counter[str] = Counter()
    for t in instances(course, Roster()):
        month = f"{deadline(course, t).regular.astimezone(course.timezone):%Y-%m}"
        out[month] += students if t.deliverable.owner == "student" else 1
    return out


@dataclass(frozen=True)
class MonthCost:
    month: str
    scheduled_runs: int
    scheduled_minutes: int
    merge_minutes: int
    push_minutes: int

    @property
    def total(self) -> int:
        return self.scheduled_minutes + self.merge_minutes + self.push_minutes


def monthly(workflows: list[Workflow], months: list[str], submissions: Counter[str], *,
            pushes: int = 1, job_minutes: int = 1) -> list[MonthCost]:
    out = []
    for month in months:
        year, mon = map(int, month.split("-"))
        runs = sched = merge = push = 0
        for wf in workflows:
            n = sum(cron_runs(c, year, mon) for c in wf.crons)
            runs += n
            sched += n * wf.jobs * job_minutes
            if wf.on_merge:
                merge += submissions[month] * wf.jobs * job_minutes
            if wf.on_pr_push:
                push += submissions[month] * pushes * wf.jobs * job_minutes
        out.append(MonthCost(month, runs, sched, merge, push))
    return out


def month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last of ``months`` (``YYYY-MM``)."""
    first, last = min(months), max(months)
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
