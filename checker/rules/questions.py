"""Pre-class questions (pure): at least N questions for each required paper of the session."""

from __future__ import annotations

from checker.findings import Finding, error
from checker.questions import QuestionSheet, count_per_reading
from checker.routing import Target


def question_findings(target: Target, sheet: QuestionSheet, path: str) -> list[Finding]:
    need = target.deliverable.questions_per_reading
    session = target.session
    if need <= 0 or session is None:
        return []
    required = session.required_readings
    counts = count_per_reading(sheet, required)
    short = [r for r in required if counts[r.title] < need]
    if not short:
        return []
    names = "; ".join(r.short or r.title for r in short)
    example = "\n".join(f"## {r.short or r.title}\n- Your question?" for r in required)
    found = len(sheet.questions)
    loose = f" ({found} question line(s) found in all.)"
    return [error(
        "questions.too-few",
        f"{path}: needs at least {need} question(s) for each required paper of {session.id}; "
        f"none found for: {names}.{loose}",
        "Put each paper's questions under a heading naming the paper, with a question mark in "
        f"each question, for example:\n{example}",
        path=path,
    )]
