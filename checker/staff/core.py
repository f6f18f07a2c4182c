"""Who submitted what, when: one row per deliverable instance (pure).

Which pull request counts for an instance (the rule, also in docs/staff.md, "Gradebook"):

1. Every file of every pull request that routes to the instance is a candidate, except files
   of pull requests closed without merging (withdrawn), files whose deliverable is unknown,
   and files the PR's author was not allowed to submit (``check``'s authorization: a member
   of the group at that time, the assigned session, one's own questions), so another person's
   pull request never supersedes a group's or a student's own.
2. A merged pull request beats an open one: what is merged is what the course has, and a
   merged on-time submission is not undone by a later open PR for the same instance.
3. Among the same kind (merged or open), the newest submission supersedes older ones (a
   resubmission replaces the first attempt; ties go to the higher PR number).

The counted file's status: ``needs-fix`` when the checker found errors in it (or, for
comments that only carry the history state, when the PR has the ``needs-fix`` label), else
``late`` or ``on-time`` by comparing its submission time (when GitHub first received that
content) with the deadline in the *current* schedule.yaml (extensions granted later count;
grace applies); ``unverified`` instead when that PR's last check did not complete or its head
moved since the record was computed (``PullRecord.verified``). No candidate: ``missing`` once
the deadline has passed, ``not-due`` before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from checker.model import Course, Roster
from checker.routing import Target, instances, route
from checker.rules.access import authorization
from checker.rules.deadlines import deadline, late_effect
from checker.staff.records import FileRecord, PullInfo, PullRecord

STATUSES = ("on-time", "late", "needs-fix", "unverified", "missing", "not-due")
Key = tuple[str, str | None, str | None, str | None]  # deliverable, group, student, session


def key_of(t: Target) -> Key:
    return (t.deliverable.id, t.group, t.student, t.session.id if t.session else None)


@dataclass(frozen=True)
class Candidate:
    pull: PullInfo
    file: FileRecord
    needs_fix: bool
    verified: bool = True  # False: the PR's last check did not complete, or its head moved
    head_sha: str | None = None  # the PR head commit this record was computed for

    @property
    def rank(self) -> tuple[bool, datetime, int]:
        return (self.pull.merged, self.file.submitted_at, self.pull.number)


@dataclass(frozen=True)
class Row:
    target: Target
    due: datetime  # with extensions
    status: str  # one of STATUSES
    late_seconds: int = 0
    chosen: Candidate | None = None
    superseded: tuple[int, ...] = ()  # other PRs that submitted this instance
    counted: bool = True  # False: late work the deliverable's late policy does not count
    penalty_percent: float = 0.0  # the late penalty (percent of the grade)
    flags: tuple[str, ...] = ()  # for staff: e.g. a member also claimed by another group

    @property
    def head_sha(self) -> str | None:
        """The PR head commit the counted record was computed for."""
        return self.chosen.head_sha if self.chosen else None

    @property
    def deliverable(self) -> str:
        return self.target.deliverable.id

    @property
    def owner(self) -> str:
        return self.target.owner

    @property
    def session(self) -> str | None:
        return self.target.session.id if self.target.session else None


def candidates(course: Course, roster: Roster,
               pulls: Iterable[PullRecord]) -> dict[Key, list[Candidate]]:
    """Every file that may count, by instance: only files the PR's author was allowed to submit.

    Allowed is what ``check`` decided when it ran (a member at that time, the assigned session,
    one's own questions: recorded as ``denied`` in the files block); for records written before
    that, the same rules against the current group declarations. So another person's pull
    request never supersedes a group's or a student's own submission.
    """
    out: dict[Key, list[Candidate]] = {}
    for pr in pulls:
        if pr.pull.abandoned or pr.pull.wrong_base:  # only PRs into the default branch count
            continue
        for f in pr.files:
            r = route(course, f.path)
            if r.target is None or not allowed(course, roster, pr.pull.author, r.target, f):
                continue
            bad = (f.errors > 0) if f.errors is not None else pr.needs_fix_label
            out.setdefault(key_of(r.target), []).append(Candidate(
                pr.pull, f, bad, pr.verified and not f.unverified,
                pr.mark.record_head or pr.pull.head_sha))
    return out


def allowed(course: Course, roster: Roster, author: str, target: Target, f: FileRecord) -> bool:
    if f.denied is not None:
        return not f.denied
    return not authorization(course, roster, author, target, f.path)


def targets(course: Course, roster: Roster) -> list[Target]:
    """Every instance: each group's deliverables and each declared student's, deduplicated."""
    seen: set[Key] = set()
    out: list[Target] = []
    for g in course.groups:
        for t in instances(course, roster, group=g):
            if key_of(t) not in seen:
                seen.add(key_of(t))
                out.append(t)
    return sorted(out, key=lambda t: (t.deliverable.due.resolve(t.session), t.owner))


def status_of(course: Course, target: Target, chosen: Candidate | None,
              now: datetime) -> tuple[str, int, datetime]:
    dl = deadline(course, target)
    if chosen is None:
        return ("missing" if now > dl.due else "not-due"), 0, dl.due
    over = int((chosen.file.submitted_at - dl.due).total_seconds())
    late = over if over > dl.grace.total_seconds() else 0
    if chosen.needs_fix:
        return "needs-fix", late, dl.due
    if not chosen.verified:  # never on time on the word of a check that did not complete
        return "unverified", late, dl.due
    return ("late" if late else "on-time"), late, dl.due


def claimed_twice(roster: Roster) -> dict[str, tuple[str, ...]]:
    """group -> flags: each member that another group's declaration claims too."""
    groups_of: dict[str, list[str]] = {}
    for g, decl in sorted(roster.groups.items()):
        for login in sorted(decl.logins):
            groups_of.setdefault(login, []).append(g)
    out: dict[str, list[str]] = {}
    for login, groups in groups_of.items():
        if len(groups) > 1:
            for g in groups:
                out.setdefault(g, []).append(
                    f"{login} is claimed by groups {' and '.join(groups)}")
    return {g: tuple(flags) for g, flags in out.items()}


def build_rows(course: Course, roster: Roster, pulls: Iterable[PullRecord],
               now: datetime) -> list[Row]:
    found = candidates(course, roster, pulls)
    flagged = claimed_twice(roster)
    rows = []
    for t in targets(course, roster):
        cands = sorted(found.get(key_of(t), []), key=lambda c: c.rank)
        chosen = cands[-1] if cands else None
        status, late, due = status_of(course, t, chosen, now)
        others = tuple(sorted({c.pull.number for c in cands[:-1]} - {
            chosen.pull.number if chosen else -1}))
        counted, penalty = (late_effect(t.deliverable.late, due, chosen.file.submitted_at, late)
                            if chosen else (True, 0.0))
        rows.append(Row(t, due, status, late, chosen, others, counted, penalty,
                        flagged.get(t.group or "", ())))
    return rows
