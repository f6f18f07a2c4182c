"""The pure rules, with plain values: no files, no git, no network."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from checker.config import load_course, parse_course
from checker.engine import Change, Content, Submission, evaluate
from checker.facts import FileFacts
from checker.model import Course, GroupDeclaration, Member, Roster
from checker.questions import parse as parse_questions
from checker.routing import instances, render, route
from checker.rules import access, deadlines, groups, questions
from checker.timeutil import parse_instant

REPO = Path(__file__).resolve().parents[2]
# the shipped course, frozen for the tests (a TA edits the live schedule.yaml every term)
SHIPPED_COURSE = REPO / "tests" / "fixtures" / "course"
COURSE = load_course(SHIPPED_COURSE)


def decl(group: str, *logins: str, prefs: tuple[date, ...] = ()) -> GroupDeclaration:
    return GroupDeclaration(
        group, f"submissions/{group}/group.yaml",
        tuple(Member(x, x.title(), f"{x}@umich.edu") for x in logins), prefs)


ROSTER = Roster({
    "g10": decl("g10", "ada", "alan", "grace"),
    "g11": decl("g11", "edsger", "barbara", "leslie"),
})


def at(text: str) -> datetime:
    return parse_instant(text)


def target(path: str):  # type: ignore[no-untyped-def]
    r = route(COURSE, path)
    assert r.target is not None, r
    return r.target


# ------------------------------------------------------------------ routing

@pytest.mark.parametrize(
    ("path", "deliverable", "owner", "session", "ext"),
    [
        ("submissions/g10/group.yaml", "group", "g10", None, "yaml"),
        ("submissions/g10/proposal.pdf", "proposal", "g10", None, "pdf"),
        ("submissions/g10/slides/2024-10-03.pptx", "slides", "g10", "2024-10-03", "pptx"),
        ("submissions/g11/summaries/2024-10-03.docx", "summary", "g11", "2024-10-03", "docx"),
        ("submissions/questions/2024-10-03/Ada.md", "questions", "ada", "2024-10-03", "md"),
        ("submissions/g10/final/code.zip", "code", "g10", None, "zip"),
        ("submissions/g10/proposal.docx", "proposal", "g10", None, "docx"),
    ],
)
def test_routing_finds_one_instance(path: str, deliverable: str, owner: str,
                                    session: str | None, ext: str) -> None:
    t = target(path)
    assert (t.deliverable.id, t.owner, t.session.id if t.session else None, t.ext) == (
        deliverable, owner, session, ext)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("submissions/g99/proposal.pdf", "'g99' is not a group"),
        ("submissions/g10/slides/2024-10-15.pdf", "no student presentation on 2024-10-15"),
        ("submissions/g10/slides/2024-10-02.pdf", "there is no class on 2024-10-02"),
        ("submissions/g10/slides/oct3.pdf", "not a date"),
        ("submissions/questions/2024-08-27/ada.md", "no student presentation"),
    ],
)
def test_routing_explains_paths_of_the_right_shape(path: str, why: str) -> None:
    r = route(COURSE, path)
    assert r.target is None and r.unknown is not None and why in r.unknown


def test_routing_leaves_other_paths_unknown() -> None:
    for path in ["README.md", "submissions/g10/notes.txt", "schedule.yaml", "x" * 5000]:
        assert route(COURSE, path).target is None


def test_instances_for_a_group_and_a_student() -> None:
    g10 = [t.path() for t in instances(COURSE, ROSTER, group="g10")]
    assert "submissions/g10/slides/2024-10-03.(pdf|pptx)" in g10
    assert "submissions/g10/summaries/2024-11-26.(pdf|docx)" in g10
    assert "submissions/questions/2024-10-08/grace.md" not in g10  # g10 reviews Oct 8
    assert "submissions/questions/2024-10-10/grace.md" in g10
    assert len([p for p in g10 if "/g10/" in p]) == 8
    # questions for every presented session except the three where g10 is on the panel
    # (presenter Oct 3, reviewer Oct 8, summary Nov 26)
    assert len(g10) == 8 + 3 * 12
    ada = instances(COURSE, ROSTER, student="ADA")
    assert sum(1 for t in ada if t.deliverable.id == "questions") == 12
    assert len(ada) == 8 + 12


# ------------------------------------------------------------------ deadlines

def test_slides_due_24_hours_before_class_to_the_second() -> None:
    t = target("submissions/g10/slides/2024-10-03.pdf")
    assert deadlines.deadline(COURSE, t).due.isoformat() == "2024-10-02T10:30:00-04:00"
    on_time = deadlines.lateness(COURSE, t, "p", at("2024-10-02T10:29:59-04:00"))
    late = deadlines.lateness(COURSE, t, "p", at("2024-10-02T10:30:01-04:00"))
    assert (on_time.status, on_time.late_seconds, on_time.findings) == ("on-time", 0, ())
    assert (late.status, late.late_seconds) == ("late", 1)
    assert late.findings[0].rule == "deadline.late" and "1 s late" in late.findings[0].message


def test_summary_after_dst_change_is_due_in_est() -> None:
    t = target("submissions/g14/summaries/2024-11-07.pdf")
    due = deadlines.deadline(COURSE, t).due
    assert due.isoformat() == "2024-11-08T12:00:00-05:00"
    late = deadlines.lateness(COURSE, t, "p", at("2024-11-08T19:14:00Z"))
    assert late.late_seconds == 2 * 3600 + 14 * 60
    assert "2 h 14 min late" in late.findings[0].message


def test_slides_24_hours_before_a_session_right_after_dst_are_24_real_hours() -> None:
    # Nov 5 is the first Tuesday in EST; a session on Nov 4 would straddle the change.
    # Slides for Nov 7 are due Nov 6 10:30 EST: 24 h of wall-clock time before class.
    t = target("submissions/g13/slides/2024-11-07.pdf")
    assert deadlines.deadline(COURSE, t).due.isoformat() == "2024-11-06T10:30:00-05:00"


def course_with(extra_yaml: str) -> Course:
    text = (SHIPPED_COURSE / "schedule.yaml").read_text(encoding="utf-8")
    return parse_course(text.replace("extensions: []", extra_yaml))


def test_extension_for_a_group_moves_the_deadline_and_says_so() -> None:
    course = course_with(
        'extensions:\n  - {deliverable: summary, group: g11, session: 2024-10-03, '
        'until: "2024-10-06 12:00", reason: illness}')
    t = route(course, "submissions/g11/summaries/2024-10-03.pdf").target
    assert t is not None
    late = deadlines.lateness(course, t, "p", at("2024-10-05T12:00:00-04:00"))
    assert late.status == "on-time"
    assert late.findings[0].rule == "deadline.extension"
    assert "extension applied" in late.findings[0].message
    assert "illness" not in late.findings[0].message + late.findings[0].hint  # never published
    other = route(course, "submissions/g15/summaries/2024-10-10.pdf").target
    assert other is not None and deadlines.deadline(course, other).extension is None


def test_extension_for_a_student_and_grace() -> None:
    course = course_with("extensions:\n  - {deliverable: questions, student: Ada, extra: 48h}")
    course = replace(course, deliverables={
        **course.deliverables,
        "questions": replace(course.deliverables["questions"], grace=timedelta(minutes=10)),
    })
    mine = route(course, "submissions/questions/2024-10-03/ada.md").target
    theirs = route(course, "submissions/questions/2024-10-03/alan.md").target
    assert mine is not None and theirs is not None
    extended = deadlines.lateness(course, mine, "p", at("2024-10-05T10:00:00-04:00"))
    assert extended.status == "on-time"
    graced = deadlines.lateness(course, theirs, "p", at("2024-10-03T10:35:00-04:00"))
    assert graced.status == "on-time" and graced.findings[0].rule == "deadline.grace"
    assert deadlines.lateness(course, theirs, "p", at("2024-10-03T10:41:00-04:00")).status == "late"


# ------------------------------------------------------------------ access

ALLOWED = "..."


def test_protection_outside_submissions_and_other_groups() -> None:
    for path, rule in [("schedule.yaml", "path.protected"), ("checker/cli.py", "path.protected"),
                       ("submissions/g11/notes.txt", "path.protected"),
                       ("submissions/g10/notes.txt", "path.unknown")]:
        found = access.protection(COURSE, ROSTER, "ada", route(COURSE, path), ALLOWED)
        assert [f.rule for f in found] == [rule], path
        assert found[0].path == path and path in found[0].message and found[0].hint


def test_staff_may_change_anything() -> None:
    assert access.protection(COURSE, ROSTER, "Mosharaf", route(COURSE, "schedule.yaml"), "") == []
    t = target("submissions/g11/summaries/2024-10-03.pdf")
    assert access.authorization(COURSE, ROSTER, "insujang", t, "p") == []


def test_authorization_rules() -> None:
    def rules(author: str, path: str) -> list[str]:
        return [f.rule for f in access.authorization(COURSE, ROSTER, author, target(path), path)]

    assert rules("ada", "submissions/g10/slides/2024-10-03.pdf") == []
    assert rules("ADA", "submissions/g10/slides/2024-10-03.pdf") == []  # logins ignore case
    assert rules("edsger", "submissions/g10/slides/2024-10-03.pdf") == ["auth.not-member"]
    assert rules("ada", "submissions/g10/summaries/2024-10-03.pdf") == ["auth.not-assigned"]
    assert rules("edsger", "submissions/g11/summaries/2024-10-03.pdf") == []
    assert rules("ada", "submissions/questions/2024-10-03/alan.md") == ["auth.wrong-student"]
    assert rules("nobody", "submissions/g05/proposal.pdf") == ["auth.not-member"]


def test_not_assigned_hint_points_to_the_groups_own_session() -> None:
    path = "submissions/g10/summaries/2024-10-03.pdf"
    [f] = access.authorization(COURSE, ROSTER, "ada", target(path), path)
    assert "g10 is not the summary group on 2024-10-03 (that is g11)" in f.message
    assert "submissions/g10/summaries/2024-11-26.(pdf|docx)" in f.hint


def test_unsupported_format() -> None:
    [f] = access.unsupported_format(target("submissions/g10/final/report.docx"), "p")
    assert f.rule == "format.unsupported" and "submissions/g10/final/report.pdf" in f.hint
    assert access.unsupported_format(target("submissions/g10/final/report.pdf"), "p") == []
    # the page gives the proposal no format: the staff accept what the summary accepts
    assert access.unsupported_format(target("submissions/g10/proposal.docx"), "p") == []


# ------------------------------------------------------------------ groups

DUE = at("2024-09-05T23:59:59-04:00")


def test_group_size_and_duplicates() -> None:
    small = decl("g12", "x", "y")
    rules = [f.rule for f in groups.declaration_findings(COURSE, small, ROSTER, [],
                                                         DUE, DUE, "x")]
    assert rules == ["group.size"]
    twice = decl("g12", "x", "y", "X")
    assert "group.duplicate-member" in [f.rule for f in groups.declaration_findings(
        COURSE, twice, ROSTER, [], DUE, DUE, "x")]
    poacher = decl("g12", "x", "y", "ada")
    [f] = groups.declaration_findings(COURSE, poacher, ROSTER, [], DUE, DUE, "x")
    assert f.rule == "group.duplicate-member" and "already a member of group g10" in f.message


def test_group_change_after_deadline() -> None:
    changed = decl("g10", "ada", "alan", "grace", "newbie")
    later = at("2024-09-20T12:00:00-04:00")
    rules = [f.rule for f in groups.declaration_findings(COURSE, changed, ROSTER, [], later,
                                                         DUE, "ada")]
    assert rules == ["group.late-change"]
    assert groups.declaration_findings(COURSE, changed, ROSTER, [], later, DUE, "mosharaf") == []
    assert groups.declaration_findings(COURSE, changed, ROSTER, [], DUE, DUE, "ada") == []


def test_group_preferences_must_be_presentation_sessions() -> None:
    d = decl("g12", "x", "y", "z", prefs=(date(2024, 10, 3), date(2024, 10, 15)))
    [f] = groups.declaration_findings(COURSE, d, ROSTER, [], DUE, DUE, "x")
    assert f.rule == "group.preference" and "2024-10-15" in f.message


# ------------------------------------------------------------------ questions

OCT3 = "submissions/questions/2024-10-03/ada.md"


def test_questions_per_required_paper() -> None:
    t = target(OCT3)
    good = parse_questions("## PagedAttention\n- Why 16?\n\n## vAttention\n1. How fast?\n")
    assert questions.question_findings(t, good, OCT3) == []
    half = parse_questions("## Efficient Memory Management\n- Why?\n## FlexGen\n- How?\n")
    [f] = questions.question_findings(t, half, OCT3)
    assert f.rule == "questions.too-few" and "none found for: vAttention" in f.message
    by_text = parse_questions("# Questions\n- Does vAttention need driver changes?\n"
                              "- Is PagedAttention slower at low load?\n")
    assert questions.question_findings(t, by_text, OCT3) == []
    code = parse_questions("## PagedAttention\n```\nwhy?\n```\n## vAttention\n- ok?\n")
    assert "PagedAttention" in questions.question_findings(t, code, OCT3)[0].message


# ------------------------------------------------------------------ engine

def facts(path: str, kind: str = "pdf") -> FileFacts:
    return FileFacts(path, kind, 100, pages=1, body_pages=1)


SUMMARY_HEADINGS = ["Problem and importance", "Related work", "Proposed solution and key insight",
                    "Limitations", "Future work", "Class discussion"]


def test_engine_collects_every_problem_of_every_file() -> None:
    sub = Submission("ada", at("2024-10-02T10:30:01-04:00"), [
        Change("submissions/g10/slides/2024-10-03.pdf"),
        Change("schedule.yaml"),
        Change("submissions/g11/summaries/2024-10-03.pdf"),
        Change("submissions/questions/2024-10-10/ada.md"),
    ])
    contents = {
        "submissions/g10/slides/2024-10-03.pdf": Content(facts("s")),
        "submissions/g11/summaries/2024-10-03.pdf": Content(FileFacts(
            "x", "pdf", 100, pages=3, body_pages=3, headings=SUMMARY_HEADINGS,
            text="\n".join(SUMMARY_HEADINGS))),
        "submissions/questions/2024-10-10/ada.md": Content(
            facts("q", "markdown"), "## Splitwise\n- why?\n## Llumnix\n- how?\n"),
    }
    result = evaluate(COURSE, ROSTER, sub, contents)
    by_path = {f.path: [x.rule for x in f.findings] for f in result.files}
    assert by_path == {
        "submissions/g10/slides/2024-10-03.pdf": ["deadline.late"],
        "schedule.yaml": ["path.protected"],
        "submissions/g11/summaries/2024-10-03.pdf": ["auth.not-member"],
        "submissions/questions/2024-10-10/ada.md": [],
    }
    assert result.verdict == "fail" and result.error_count == 2
    slides = result.files[0]
    assert (slides.status, slides.late_seconds) == ("late", 1)


def test_engine_new_group_declared_and_used_in_one_pr() -> None:
    text = ("members:\n  - {github: x, name: X, email: x@umich.edu}\n"
            "  - {github: y, name: Y, email: y@umich.edu}\n"
            "  - {github: z, name: Z, email: z@umich.edu}\n")
    sub = Submission("x", at("2024-09-01T12:00:00-04:00"), [
        Change("submissions/g12/group.yaml"), Change("submissions/g12/proposal.pdf")])
    result = evaluate(COURSE, ROSTER, sub, {
        "submissions/g12/group.yaml": Content(facts("g", "yaml"), text),
        "submissions/g12/proposal.pdf": Content(facts("p")),
    })
    assert [[x.rule for x in f.findings] for f in result.files] == [[], []]
    # ...but nobody can add themselves to an existing group and submit for it
    sub = Submission("mallory", at("2024-09-01T12:00:00-04:00"), [
        Change("submissions/g10/group.yaml"), Change("submissions/g10/proposal.pdf")])
    text10 = "members:\n" + "".join(
        f"  - {{github: {x}, name: {x}, email: {x}@umich.edu}}\n"
        for x in ("ada", "alan", "mallory"))
    result = evaluate(COURSE, ROSTER, sub, {
        "submissions/g10/group.yaml": Content(facts("g", "yaml"), text10),
        "submissions/g10/proposal.pdf": Content(facts("p")),
    })
    assert [[x.rule for x in f.findings] for f in result.files] == [
        ["auth.not-member"], ["auth.not-member"]]


def test_engine_declaring_a_group_without_yourself() -> None:
    text = ("members:\n  - {github: x, name: X, email: x@umich.edu}\n"
            "  - {github: y, name: Y, email: y@umich.edu}\n"
            "  - {github: z, name: Z, email: z@umich.edu}\n")
    sub = Submission("mallory", at("2024-09-01T12:00:00-04:00"),
                     [Change("submissions/g12/group.yaml")])
    result = evaluate(COURSE, ROSTER, sub, {
        "submissions/g12/group.yaml": Content(facts("g", "yaml"), text)})
    assert [f.rule for f in result.files[0].findings] == ["auth.not-member"]


def test_engine_invalid_group_yaml_gives_lines() -> None:
    sub = Submission("x", at("2024-09-01T12:00:00-04:00"), [Change("submissions/g12/group.yaml")])
    result = evaluate(COURSE, ROSTER, sub, {
        "submissions/g12/group.yaml": Content(facts("g", "yaml"), "members: 3\n")})
    [f] = result.files[0].findings
    assert f.rule == "group.invalid" and f.line == 1 and "expected array" in f.message


def test_engine_removed_file_and_empty_pr() -> None:
    sub = Submission("ada", at("2024-10-01T00:00:00Z"),
                     [Change("submissions/g10/proposal.pdf", removed=True)])
    result = evaluate(COURSE, ROSTER, sub, {})
    assert [f.rule for f in result.files[0].findings] == ["file.removed"]
    assert result.files[0].status == "n/a" and result.verdict == "pass"
    empty = evaluate(COURSE, ROSTER, Submission("ada", at("2024-10-01T00:00:00Z")), {})
    assert [f.rule for f in empty.findings] == ["pr.empty"]


def test_engine_bounds_the_files_of_one_pr() -> None:
    from checker.engine import MAX_FILES

    changes = [Change(f"submissions/g10/junk/{i}.txt") for i in range(MAX_FILES + 50)]
    result = evaluate(COURSE, ROSTER, Submission("ada", at("2024-10-01T00:00:00Z"), changes), {})
    assert [f.rule for f in result.findings] == ["pr.too-many-files"]
    assert len(result.files) == MAX_FILES
    assert str(MAX_FILES + 50) in result.findings[0].message


def test_questions_from_a_panel_group_are_not_required() -> None:
    # g10 presents on 2024-10-03: its members owe no questions for that session
    sub = Submission("ada", at("2024-10-03T09:00:00-04:00"), [Change(OCT3)])
    result = evaluate(COURSE, ROSTER, sub, {OCT3: Content(facts("q", "markdown"), "# none\n")})
    assert [f.rule for f in result.files[0].findings] == ["questions.not-required"]
    assert result.verdict == "pass"


def test_allowed_paths_show_the_login_as_written() -> None:
    roster = Roster({"g10": decl("g10", "g10", "alan", "grace")})  # a login equal to a group id
    text = access.allowed_paths(COURSE, roster, "G10", instances(COURSE, roster, student="G10"))
    assert "submissions/g10/proposal.(pdf|docx)" in text
    assert "submissions/questions/2024-10-10/G10.md" in text
    assert "submissions/G10/" not in text


def test_wrong_student_hint_names_the_authors_own_file() -> None:
    path = "submissions/questions/2024-10-10/s.md"  # a one-letter login, found inside words
    [f] = access.authorization(COURSE, ROSTER, "Ada", target(path), path)
    assert f.rule == "auth.wrong-student"
    assert f.hint == "Submit your own questions as submissions/questions/2024-10-10/Ada.md."


def test_paths_render_in_one_pass() -> None:
    t = target("submissions/questions/2024-10-10/ada.md")
    assert render(t.deliverable, None, "{ext}", t.session, "md") == \
        "submissions/questions/2024-10-10/{ext}.md"
    # such a name is not a login: the path routes nowhere (issue 8 §6)
    assert route(COURSE, "submissions/questions/2024-10-10/{ext}.md").target is None


def test_example_paths_in_student_docs_are_real_deliverables() -> None:
    import re

    texts = [(REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8"),
             (REPO / "submissions" / "README.md").read_text(encoding="utf-8")]
    examples = {p.replace("<your-login>", "ada") for text in texts
                for p in re.findall(r"`(submissions/[^`\s]+)`", text.replace("\n  ", " "))}
    concrete = sorted(p for p in examples
                      if "<" not in p and "*" not in p and not p.endswith(("/", "README.md")))
    assert concrete, "the student docs show no example path"
    for path in concrete:
        assert route(COURSE, path).target is not None, path
