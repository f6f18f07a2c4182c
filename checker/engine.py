"""The rules engine: facts about a submission + the course -> Result (pure, no I/O).

The I/O happens before (``checker.collect`` reads the changed files and runs the
inspectors) and after (reporters, publish). Every changed file gets a FileResult, every
problem is collected, nothing stops at the first one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from checker.config import GROUP_FILE, parse_group
from checker.facts import FileFacts
from checker.findings import Finding, Severity, error, info
from checker.model import Course, GroupDeclaration, Roster, login_key
from checker.questions import parse as parse_questions
from checker.received import Version
from checker.result import FileResult, Result
from checker.routing import Route, Target, exempt, instances, route
from checker.rules import access, deadlines, groups, questions
from checker.rules.mistakes import group_mistakes
from checker.rules.provenance import stamp

MAX_FILES = 300  # changed files judged per pull request (the result schema allows 3000)


@dataclass(frozen=True)
class Change:
    path: str
    removed: bool = False
    blob_sha: str | None = None
    kind: str = "file"  # file, symlink, submodule, other: only files are read


@dataclass
class Submission:
    author: str
    at: datetime  # server-side submission time; never a commit date
    changes: list[Change] = field(default_factory=list)
    pr: int | None = None
    head_sha: str | None = None
    # path -> when GitHub first received the file's current content (receipts); default ``at``
    received: Mapping[str, datetime] = field(default_factory=dict)
    # path -> each distinct content GitHub received there (receipts): the last on-time version
    versions: Mapping[str, Sequence[Version]] = field(default_factory=dict)
    ci: bool = False  # the check that decides the PR: no page limit passes on an estimate
    # paths GitHub's record could date too late (a source not read in full): never "late"
    uncertain: frozenset[str] = frozenset()

    def received_at(self, path: str) -> datetime:
        return min(self.received.get(path, self.at), self.at).astimezone(self.at.tzinfo)


@dataclass
class Content:
    """What the collect step read for one changed file."""

    facts: FileFacts
    text: str | None = None  # decoded text of small text deliverables (yaml, md)
    blob_sha: str | None = None  # git's id of the bytes read (work-tree files have no other)


def evaluate(
    course: Course,
    base: Roster,
    submission: Submission,
    contents: Mapping[str, Content],
) -> Result:
    author = submission.author
    routes = {c.path: route(course, c.path) for c in submission.changes}
    declared, decl_findings = _declarations(course, submission, routes, contents)
    # Membership for authorisation: the base branch's declarations, plus groups declared for
    # the first time in this PR. An existing group's membership is never taken from the PR,
    # so nobody can add themselves to a group and submit for it in one pull request.
    roster = base
    for decl in declared.values():
        if decl.group not in base.groups:
            roster = roster.with_declaration(decl)
    mine = instances(course, roster, student=author)
    allowed = access.allowed_paths(course, roster, author, mine)

    result = Result(author=author, submitted_at=submission.at, pr=submission.pr,
                    head_sha=submission.head_sha, course=course.name,
                    lateness_labels=course.lateness_labels)
    if not submission.changes:
        result.findings.append(info(
            "pr.empty", "The pull request changes no files.",
            "Add your files under " + course.submissions_dir + "/.",
        ))
    # many files, one mistake (OS junk, a code folder instead of its zip): one finding each
    grouped = group_mistakes([c.path for c in submission.changes
                              if not c.removed and routes[c.path].target is None], mine, author)
    result.findings.extend(grouped.findings)
    changes = [c for c in submission.changes if c.path not in grouped.covered]
    if len(changes) > MAX_FILES:
        result.findings.append(error(
            "pr.too-many-files",
            f"The pull request changes {len(changes)} files; the checker looks at the first "
            f"{MAX_FILES} only.",
            "Submit coursework in pull requests of a few files each (one deliverable per pull "
            "request is best); put code in final/code.zip rather than as loose files.",
        ))
        changes = changes[:MAX_FILES]
    ctx = _Context(course, base, roster, submission, contents, declared, decl_findings)
    for change in changes:
        fr = FileResult(path=change.path, blob_sha=change.blob_sha, removed=change.removed,
                        received_at=submission.received_at(change.path))
        result.files.append(fr)
        r = routes[change.path]
        if r.target is None:
            fr.findings.extend(access.protection(course, roster, author, r, allowed, mine,
                                                 submission.at))
        else:
            _check_instance(ctx, change, r.target, fr)
    _stamp_sources(course, result)
    return result


def _stamp_sources(course: Course, result: Result) -> None:
    """Every finding names where its rule comes from (``checker.sources``)."""
    result.findings = [stamp(f, course, None) for f in result.findings]
    for fr in result.files:
        d = course.deliverables.get(fr.deliverable) if fr.deliverable else None
        fr.findings = [stamp(f, course, d) for f in fr.findings]


@dataclass(frozen=True)
class _Context:
    course: Course
    base: Roster  # declarations on the base branch
    roster: Roster  # base + groups declared for the first time in this PR
    submission: Submission
    contents: Mapping[str, Content]
    declared: Mapping[str, GroupDeclaration]
    decl_findings: Mapping[str, list[Finding]]


def _check_instance(ctx: _Context, change: Change, t: Target, fr: FileResult) -> None:
    course, author, path = ctx.course, ctx.submission.author, change.path
    fr.deliverable, fr.group, fr.student = t.deliverable.id, t.group, t.student
    fr.title = t.deliverable.title
    fr.session = t.session.id if t.session else None
    is_decl = _is_declaration(course, t)
    if is_decl and t.group not in ctx.base.groups:
        fr.findings.extend(_new_declaration_author(ctx, change, t))
    else:
        # an existing group's declaration may only be changed by its current members
        fr.findings.extend(access.authorization(course, ctx.base if is_decl else ctx.roster,
                                                author, t, path))
    if change.removed:
        fr.findings.append(info("file.removed", f"{path}: this pull request deletes the file.",
                                path=path))
        return
    dl = deadlines.deadline(course, t)
    late = deadlines.lateness(course, t, path, ctx.submission.received_at(path),
                              confirmed=path not in ctx.submission.uncertain)
    fr.due, fr.grace_seconds = dl.due, int(dl.grace.total_seconds())
    fr.status, fr.late_seconds = late.status, late.late_seconds  # type: ignore[assignment]
    fr.counted, fr.penalty_percent = late.counted, late.penalty_percent
    policy = t.deliverable.late
    closes = policy.closes(dl.due)
    fr.late_policy = {**policy.to_json(), "closes": closes.isoformat() if closes else None}
    fr.findings.extend(late.findings)
    if late.status in ("late", "unverified"):
        fr.on_time_version = _last_on_time(ctx.submission.versions.get(path, ()), change,
                                           dl.due + dl.grace)
        if late.status == "late":  # unverified: not known to be after the deadline
            note = deadlines.which_version_counts(path, t.deliverable.title, late.counted,
                                                  fr.on_time_version, course.timezone)
            if note is not None:
                fr.findings.append(note)
    fr.findings.extend(access.unsupported_format(t, path, course))
    content = ctx.contents.get(path)
    if content is None:
        return
    fr.blob_sha = fr.blob_sha or content.blob_sha
    fr.facts = content.facts.to_json()
    fr.findings.extend(content.facts.findings)
    if any(f.severity is Severity.ERROR for f in content.facts.findings):
        return  # unreadable: the content rules have nothing to read
    fr.findings.extend(_content_findings(ctx, t, path, content, dl.due))


def _last_on_time(versions: Sequence[Version], change: Change, until: datetime
                  ) -> dict[str, str] | None:
    """The last other content of this path GitHub received by ``until`` (staff may grade it)."""
    kept = [v for v in versions if v.received_at <= until and v.blob_sha != change.blob_sha]
    if not kept:
        return None
    v = kept[-1]
    return {"received_at": v.received_at.isoformat(), "commit": v.commit, "blob_sha": v.blob_sha}


def _new_declaration_author(ctx: _Context, change: Change, t: Target) -> list[Finding]:
    """A group declared for the first time must be declared by one of its members."""
    author = ctx.submission.author
    decl = ctx.declared.get(t.group or "")
    if change.removed or ctx.course.is_staff(author) or decl is None:
        return []
    if login_key(author) in decl.logins:
        return []
    return [error(
        "auth.not-member",
        f"{change.path}: {author} declares group {t.group} but is not one of its members.",
        f"Add yourself under `members:` (github: {author}), or let a member open the pull "
        "request.",
        path=change.path,
    )]


def _session_name(t: Target) -> str:
    return t.session.id if t.session else "this session"


def _is_declaration(course: Course, t: Target) -> bool:
    return t.deliverable.path.endswith("/" + GROUP_FILE)


def _declarations(
    course: Course,
    submission: Submission,
    routes: Mapping[str, Route],
    contents: Mapping[str, Content],
) -> tuple[dict[str, GroupDeclaration], dict[str, list[Finding]]]:
    declared: dict[str, GroupDeclaration] = {}
    problems: dict[str, list[Finding]] = {}
    for change in submission.changes:
        t = routes[change.path].target
        content = contents.get(change.path)
        if change.removed or t is None or not _is_declaration(course, t) or content is None:
            continue
        if content.text is None:
            continue
        decl, errs = parse_group(content.text, t.group or "", change.path)
        if decl is not None:
            declared[decl.group] = decl
        problems[change.path] = [
            error(
                "group.invalid",
                f"{e}",
                "Fix group.yaml so it has `members:` (each with github, name and email) and "
                "optional `preferences:` (session dates or paper titles); see "
                "submissions/README.md.",
                path=change.path,
                line=e.line,
            )
            for e in errs
        ]
    return declared, problems


def _content_findings(
    ctx: _Context, t: Target, path: str, content: Content, due: datetime
) -> list[Finding]:
    course = ctx.course
    if _is_declaration(course, t):
        out = list(ctx.decl_findings.get(path, []))
        decl = ctx.declared.get(t.group or "")
        if decl is not None:
            others = [d for g, d in ctx.declared.items() if g != decl.group]
            out.extend(groups.declaration_findings(course, decl, ctx.base, others,
                                                   ctx.submission.at, due, ctx.submission.author))
        return out
    if t.deliverable.questions_per_reading and content.text is not None:
        if t.student and exempt(t.deliverable, t.session, ctx.roster.groups_of(t.student)):
            return [info(
                "questions.not-required",
                f"{path}: {t.student}'s group is on the panel for {_session_name(t)}, so these "
                "questions are not required; they are kept as submitted.",
                path=path,
            )]
        return questions.question_findings(t, parse_questions(content.text), path)
    if t.ext not in t.deliverable.formats:
        return []
    from checker.rules.document import document_findings

    decl = ctx.roster.groups.get(t.group or "")
    members = decl.members if decl else ()
    return document_findings(content.facts, t.deliverable, members, ci=ctx.submission.ci)
