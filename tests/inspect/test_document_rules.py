"""The document rules and section matching, on plain values (no files)."""

from __future__ import annotations

import pytest
from conftest import SUMMARY_SECTIONS

from checker.facts import FileFacts
from checker.findings import error
from checker.inspect import sections as sec
from checker.inspect.readme import analyse, files_named, find_readme
from checker.limits import CPU_SECONDS, MAX_FILE_BYTES, MEMORY_BYTES
from checker.model import Deliverable, Limits, Member
from checker.rules.document import document_findings, name_mentioned


def test_limits_defaults_agree_with_the_model() -> None:
    assert (Limits().max_bytes, Limits().cpu_seconds, Limits().memory_bytes) == (
        MAX_FILE_BYTES, CPU_SECONDS, MEMORY_BYTES)


@pytest.mark.parametrize(("line", "section"), [
    ("2. Related Work", "Related Work"),
    ("II. State of Related Works", "Related Work"),
    ("Prior Work", "Related Work"),
    ("3 Proposed Solution", "Proposed Solution and Key Insight"),
    ("Key Insight:", "Proposed Solution and Key Insight"),
    ("Limitations and Drawbacks", "Drawbacks or Limitations"),
    ("4.1 LIMITATIONS", "Drawbacks or Limitations"),
    ("Future Work", "Future Research Directions"),
    ("The Problem and Its Importance", "Problem and Importance"),
])
def test_section_headings_match_tolerantly(line: str, section: str) -> None:
    [target] = [s for s in SUMMARY_SECTIONS if s.name == section]
    assert sec.matches(line, sec.alternatives(target.name, target.aliases))


@pytest.mark.parametrize(("line", "section"), [
    ("Importance sampling reduces the", "Problem and Importance"),
    ("Future Work", "Related Work"),
    ("Related systems batch requests", "Related Work"),
])
def test_section_headings_do_not_match_sentences(line: str, section: str) -> None:
    [target] = [s for s in SUMMARY_SECTIONS if s.name == section]
    assert not sec.matches(line, sec.alternatives(target.name, target.aliases))


@pytest.mark.parametrize(("line", "expected"), [
    ("References", True), ("7. REFERENCES", True), ("Bibliography", True),
    ("Works Cited", True), ("VI. References:", True), ("References are listed below", False),
    ("Sources", True), ("references", True),
    ("sources.", False),  # a sentence's last word alone on its line (marsyas, page 9)
])
def test_references_heading(line: str, expected: bool) -> None:
    assert sec.is_references_heading(line) is expected


def test_names_with_middle_names_accents_and_reversed_order() -> None:
    text = "authors: jane q. doe, garcia, maria and bob li"
    assert name_mentioned("Jane Doe", text)
    assert name_mentioned("María García", text)
    assert name_mentioned("Bob Li", text)
    assert not name_mentioned("Bob Smith", text)


def _facts(**kw: object) -> FileFacts:
    base: dict[str, object] = dict(path="s/x.pdf", kind="pdf", size=1000)
    base.update(kw)
    return FileFacts(**base)  # type: ignore[arg-type]


def test_unreadable_files_get_no_content_findings(
    summary_deliverable: Deliverable, members: tuple[Member, ...]
) -> None:
    facts = _facts(findings=[error("file.encrypted", "s/x.pdf is locked", "unlock")])
    assert document_findings(facts, summary_deliverable, members) == []


def test_slides_are_counted_as_slides(summary_deliverable: Deliverable) -> None:
    facts = _facts(kind="pptx", pages=5, body_pages=5)
    [finding] = document_findings(facts, summary_deliverable, ())
    assert finding.rule == "pages.too-many" and "5 slides" in finding.message


def test_report_without_references_heading_counts_every_page(
    report_deliverable: Deliverable
) -> None:
    facts = _facts(pages=9, body_pages=9, references_page=None, text="x")
    [finding] = document_findings(facts, report_deliverable, ())
    assert "no References heading was found" in finding.message


def test_readme_analysis() -> None:
    names = ["proj/README.md", "proj/src/train.py", "proj/requirements.txt"]
    assert find_readme(names) == "proj/README.md"
    assert find_readme(["a/README.md", "b/x.py"]) == "a/README.md"  # the page: "include"
    report = analyse("## Setup\n\n    pip install -r requirements.txt\n\n## Usage\n\n"
                     "$ python src/train.py --out model.pt\n$ python eval.py\n",
                     names, "proj/README.md")
    assert report.build and report.run and report.missing_files == ["eval.py"]
    assert files_named("python run.py --config=conf/a.yaml > log.txt") == ["run.py",
                                                                           "conf/a.yaml"]


# --- headings that add words, questions, and where the references start ------------------

@pytest.mark.parametrize(("line", "section"), [
    ("Background: How LLM Serving Works", "Related Work"),
    ("The Problem and Why It Matters", "Problem and Importance"),
    ("Proposed Solution (PagedAttention)", "Proposed Solution and Key Insight"),
    ("What is one (or more) drawback or limitation of the proposal?", "Drawbacks or Limitations"),
    ("1. What is the problem addressed in the lecture, and why is this problem important?",
     "Problem and Importance"),
    ("What are potential directions for future research\uff1f", "Future Research Directions"),
])
def test_headings_that_add_words_or_ask_a_question_match(line: str, section: str) -> None:
    [target] = [s for s in SUMMARY_SECTIONS if s.name == section]
    assert sec.looks_like_heading(line)
    assert sec.matches(line, sec.alternatives(target.name, target.aliases))


@pytest.mark.parametrize("line", [
    "Related work in this area is large and we",
    "Prior work on paging shows that the cache",
    "Limitations of the hardware forced the authors to",
])
def test_body_lines_with_the_words_do_not_match(line: str) -> None:
    assert not any(sec.matches(line, sec.alternatives(s.name, s.aliases))
                   for s in SUMMARY_SECTIONS)


ENTRIES = "\n".join(f"[{n}] A. Author. A paper. In Proceedings of OSDI, 20{10 + n}."
                    for n in range(1, 8))
BODY = "\n".join(["Some body text of the paper that goes on and on"] * 12)


def test_references_need_entries_after_the_heading() -> None:
    from checker.inspect.references import find_references

    pages = [BODY, BODY, "References\n" + BODY, BODY + "\nReferences\n" + ENTRIES]
    assert find_references(pages) == (4, False)
    pages = [BODY, "References\n" + ENTRIES, BODY]
    assert find_references(pages) == (2, True)


def test_page_1_and_contents_pages_never_end_the_body() -> None:
    from checker.inspect.references import find_references

    cover = "Conference Paper\nCITATIONS\n58\nREADS\n2013\n1,808 CITATIONS 2014"
    contents = "Contents\n1 Introduction 1\nReferences\n[1] 2 Design 2020"
    pages = [cover, contents, BODY, "References\n" + ENTRIES]
    assert find_references(pages) == (4, True)
    assert find_references([BODY + "\nReferences\n" + ENTRIES, BODY]) == (1, False)  # 2 pages


def test_entries_in_glyph_names_of_old_fonts_count() -> None:
    from checker.inspect.references import entries_follow

    assert entries_follow(["/[/1/] The First Text REtrieval Conference", "/1/9/9/3/.",
                           "/#5BBP/#5D Sergey Brin and Larry P age/."])
    assert not entries_follow(["The IO operations so far allow us to write programs",
                               "in an imperative fashion. It is natural to ask whether",
                               "we can model another pervasive feature, namely mutable",
                               "variables. Taking inspiration from earlier work."])
