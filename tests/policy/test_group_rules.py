"""group.yaml rules the course page states: Michigan email addresses (the course's
email_domain) and paper preferences by title as well as by session date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.config import parse_course
from checker.rules.groups import email_in_domain, resolve_preference
from tests.core.course_repo import REPO_ROOT, CourseRepo

DECL = "submissions/g12/group.yaml"


def declare(repo: CourseRepo, emails: list[str], prefs: str = "") -> None:
    lines = ["members:"]
    for i, email in enumerate(emails):
        lines.append(f"  - {{github: stu-{i}, name: Student {i}, email: {email}}}")
    repo.write(DECL, "\n".join(lines) + "\n" + (f"preferences: {prefs}\n" if prefs else ""))


def check(repo: CourseRepo, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code = main(["check", "--root", str(repo.root), DECL, "--author", "stu-0",
                 "--at", "2024-09-01T12:00:00-04:00", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)["files"][0]["findings"]


def test_a_member_with_another_email_domain(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    repo = CourseRepo(tmp_path / "c")
    declare(repo, ["a@umich.edu", "b@gmail.com", "c@med.umich.edu"])
    code, findings = check(repo, capsys)
    assert code == 1
    [f] = findings
    assert f["rule"] == "group.email-domain" and f["severity"] == "error"
    assert "stu-1's email b@gmail.com is not an address at umich.edu" in f["message"]
    assert "umich.edu" in f["hint"]
    declare(repo, ["a@umich.edu", "b@UMICH.EDU", "c@med.umich.edu"])
    assert check(repo, capsys) == (0, [])
    # the same rule when staff validate the committed declarations
    declare(repo, ["a@umich.edu", "b@umich.edu.evil.com", "c@umich.edu"])
    assert main(["validate", "--root", str(repo.root)]) == 1
    assert "b@umich.edu.evil.com is not an address at umich.edu" in capsys.readouterr().out


def test_preferences_by_title_short_name_or_date(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    repo = CourseRepo(tmp_path / "c")
    emails = ["a@umich.edu", "b@umich.edu", "c@umich.edu"]
    declare(repo, emails, '[PagedAttention, "LoRA: Low-Rank Adaptation of Large Language '
            'Models", 2024-11-14, "splitwise"]')
    assert check(repo, capsys) == (0, [])
    assert main(["validate", "--root", str(repo.root)]) == 0
    assert ("info: group g12 prefers 2024-11-14, 2024-10-03 (PagedAttention), 2024-10-01 "
            "(LoRA: Low-Rank Adaptation of Large Language Models), 2024-10-10 (splitwise)"
            in capsys.readouterr().out)
    declare(repo, emails, '["Paged Atention", "The Illustrated Transformer", "No Such Paper"]')
    code, findings = check(repo, capsys)
    assert code == 0  # a preference is a wish, not an error
    rules = [(f["rule"], f["message"]) for f in findings]
    assert rules[0][0] == "group.preference-unknown" and "Did you mean" in rules[0][1]
    assert "'Paged Atention' matches no paper" in rules[0][1]
    assert rules[1][0] == "group.preference" and "2024-08-29" in rules[1][1]
    assert rules[2][0] == "group.preference-unknown" and "'No Such Paper'" in rules[2][1]


def test_resolve_and_domain_pure() -> None:
    course = parse_course((REPO_ROOT / "schedule.yaml").read_text(encoding="utf-8"))
    found = resolve_preference(course, "  flashattention-2 ")
    assert found is not None and found[1].id == "2024-10-08"
    assert resolve_preference(course, "Tutel") is not None
    assert resolve_preference(course, "Nothing like it") is None
    assert email_in_domain("x@umich.edu", "umich.edu")
    assert email_in_domain("x@eecs.umich.edu", "umich.edu")
    assert not email_in_domain("x@notumich.edu", "umich.edu")
    assert not email_in_domain("x@umich.edu.example.com", "umich.edu")
