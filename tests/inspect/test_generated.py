"""Inspectors and document rules on realistic files made in the test by fpdf2, python-docx,
LibreOffice and zipfile: the deliverables of the course (summary, proposal, report, code)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import (
    GOOD_README,
    LOREM,
    code_files,
    pptx_files,
    slide_xml,
    summary_blocks,
    write_docx,
    write_two_column_paper,
)

from checker.facts import FileFacts
from checker.findings import Finding
from checker.inspect import inspect_file
from checker.model import Deliverable, Limits, Member
from checker.rules.document import document_findings

FIVE = ["1. Problem and Importance", "2. State of Related Works",
        "3. Proposed Solution and Key Insight", "4. Limitations", "5. Future Research Directions"]


def check(path: Path, d: Deliverable, members: tuple[Member, ...] = (),
          ext: str | None = None) -> tuple[FileFacts, list[Finding]]:
    facts = inspect_file(path, f"submissions/g03/{path.name}", Limits(), ext)
    return facts, facts.findings + document_findings(facts, d, members)


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


# --- final report: two columns, references not counted -----------------------------------

def test_two_column_paper_references_on_page_9_of_11(
    tmp_path: Path, report_deliverable: Deliverable
) -> None:
    paper = write_two_column_paper(tmp_path / "report.pdf", body_pages=8, ref_pages=3)
    facts, findings = check(paper, report_deliverable)
    assert (facts.pages, facts.body_pages, facts.references_page) == (11, 8, 9)
    assert "1. Section 1 Heading" in facts.headings
    assert findings == []


def test_paper_body_over_the_limit_names_counts_and_limit(
    tmp_path: Path, report_deliverable: Deliverable
) -> None:
    paper = write_two_column_paper(tmp_path / "report.pdf", body_pages=9, ref_pages=2)
    _, findings = check(paper, report_deliverable)
    assert rules(findings) == ["pages.too-many"]
    msg = findings[0].message
    assert "9 pages before the references" in msg and "page 10 of 11" in msg and "8" in msg
    assert findings[0].severity.value == "error"


def test_proposal_counts_references(
    tmp_path: Path, make_pdf: Callable[..., Path], proposal_deliverable: Deliverable,
    members: tuple[Member, ...],
) -> None:
    authors = "Jane Doe (jdoe@umich.edu), Bob Li (boblee@umich.edu), Maria Garcia " \
              "(mgarcia@umich.edu)"
    blocks = [("h", "Project Proposal"), ("p", authors), ("h", "1. Motivation"),
              ("p", LOREM * 6), ("break", ""), ("p", LOREM * 6), ("break", ""),
              ("h", "References"), ("p", "[1] Kwon et al. PagedAttention. SOSP 2023.")]
    facts, findings = check(make_pdf("proposal.pdf", blocks), proposal_deliverable, members)
    assert (facts.pages, facts.references_page, facts.body_pages) == (3, 3, 2)
    assert rules(findings) == ["pages.too-many"]  # references count for the proposal
    assert "3 pages" in findings[0].message and "2 pages" in findings[0].message


# --- proposal: members named ------------------------------------------------------------------

def test_proposal_names_every_member(
    make_pdf: Callable[..., Path], proposal_deliverable: Deliverable,
    members: tuple[Member, ...],
) -> None:
    blocks = [("h", "Project Proposal: Paged KV Caches"),
              ("p", "Jane Doe, Bob Li and María García"),
              ("p", "{jdoe, boblee, mgarcia}@umich.edu"), ("p", LOREM * 4)]
    _, findings = check(make_pdf("proposal.pdf", [(k, v.replace("í", "i")) for k, v in blocks]),
                        proposal_deliverable, members)
    assert findings == []


def test_proposal_missing_a_member_names_who(
    make_pdf: Callable[..., Path], proposal_deliverable: Deliverable,
    members: tuple[Member, ...],
) -> None:
    blocks = [("h", "Project Proposal"), ("p", "Jane Doe - jdoe@umich.edu"),
              ("p", "Bob Li - bob@gmail.com"), ("p", LOREM * 3)]
    _, findings = check(make_pdf("proposal.pdf", blocks), proposal_deliverable, members)
    assert rules(findings) == ["members.missing"]
    msg = findings[0].message
    assert "Bob Li <boblee@umich.edu> (email missing)" in msg
    assert "María García <mgarcia@umich.edu> (name and email missing)" in msg
    assert "Jane Doe" not in msg


# --- paper summary: pages and sections ----------------------------------------------------

def test_summary_with_five_sections_passes(
    make_pdf: Callable[..., Path], summary_deliverable: Deliverable
) -> None:
    facts, findings = check(make_pdf("summary.pdf", summary_blocks(FIVE)), summary_deliverable)
    assert facts.pages is not None and 2 <= facts.pages <= 3
    assert findings == []
    assert FIVE[1] in facts.headings


def test_summary_missing_a_section_names_it(
    make_pdf: Callable[..., Path], summary_deliverable: Deliverable
) -> None:
    headings = [h for h in FIVE if "Limitations" not in h]
    _, findings = check(make_pdf("summary.pdf", summary_blocks(headings, 2)),
                        summary_deliverable)
    assert rules(findings) == ["sections.missing"]
    lacks, found = findings[0].message.split("; the headings found are ")
    assert '"Drawbacks or Limitations"' in lacks and "Related" not in lacks
    assert '"2. State of Related Works"' in found


def test_summary_sections_out_of_order_warns(
    make_pdf: Callable[..., Path], summary_deliverable: Deliverable
) -> None:
    headings = [FIVE[0], FIVE[2], "Prior Work", FIVE[3], FIVE[4]]
    _, findings = check(make_pdf("summary.pdf", summary_blocks(headings)), summary_deliverable)
    assert rules(findings) == ["sections.order"]
    assert findings[0].severity.value == "warning"
    assert '"Proposed Solution and Key Insight" comes before "Related Work"' in \
        findings[0].message


def test_summary_of_one_page_is_too_short(
    make_pdf: Callable[..., Path], summary_deliverable: Deliverable
) -> None:
    blocks = summary_blocks(FIVE, paragraphs=0)
    _, findings = check(make_pdf("summary.pdf", blocks), summary_deliverable)
    assert rules(findings) == ["pages.too-few"]
    assert "has 1 page; at least 2 pages are expected" in findings[0].message


# --- DOCX ----------------------------------------------------------------------------------

def _docx_summary(path: Path, headings: list[str], bold: bool = False) -> Path:
    blocks: list[tuple[str, str]] = [("title", "Summary of PagedAttention")]
    for h in headings:
        blocks.append(("bold" if bold else "h1", h))
        blocks += [("p", LOREM * 2)]
    return write_docx(path, blocks)


def test_docx_headings_and_estimated_pages(tmp_path: Path,
                                           summary_deliverable: Deliverable) -> None:
    path = _docx_summary(tmp_path / "summary.docx", FIVE)
    facts, findings = check(path, summary_deliverable)
    assert facts.kind == "docx" and facts.headings_source == "styles"
    assert facts.headings == ["Summary of PagedAttention", *FIVE]
    assert facts.pages_exact is False and facts.pages == 2
    assert rules(findings) == ["pages.estimate"]  # says loudly that 2 is an estimate


def test_docx_bold_paragraphs_count_as_headings(tmp_path: Path,
                                                summary_deliverable: Deliverable) -> None:
    path = _docx_summary(tmp_path / "summary.docx", FIVE[:4], bold=True)
    facts, findings = check(path, summary_deliverable)
    assert facts.headings_source == "styles"  # the Title is a styled heading ...
    assert rules(findings) == ["pages.estimate", "sections.missing"]  # bold lines searched too
    assert "Future Research Directions" in findings[1].message


def test_docx_estimate_over_the_limit_even_at_its_lowest_is_an_error(
    tmp_path: Path, summary_deliverable: Deliverable
) -> None:
    path = write_docx(tmp_path / "long.docx",
                      [("h1", h) for h in FIVE] + [("p", LOREM * 40)] * 3)
    facts, findings = check(path, summary_deliverable)
    assert facts.pages_exact is False and facts.pages_range[0] > 3
    [finding] = findings
    assert finding.rule == "pages.too-many" and finding.severity.value == "error"
    assert "about" in finding.message and "even at the estimate's lowest" in finding.message
    assert "install LibreOffice" in finding.hint


def test_docx_exact_pages_with_libreoffice(
    tmp_path: Path, soffice: str, report_deliverable: Deliverable
) -> None:
    blocks: list[tuple[str, str]] = [("title", "Final Report")]
    for page in range(1, 10):
        blocks += [("h1", f"{page}. Part {page}"), ("p", LOREM), ("break", "")]
    blocks += [("h1", "References"), ("p", "[1] Kwon et al. SOSP 2023.")]
    path = write_docx(tmp_path / "report.docx", blocks)
    facts, findings = check(path, report_deliverable)
    assert facts.pages_exact is True
    assert (facts.pages, facts.references_page, facts.body_pages) == (10, 10, 9)
    assert rules(findings) == ["pages.too-many"]
    assert findings[0].severity.value == "error"


# --- PPTX ----------------------------------------------------------------------------------

def test_pptx_slide_count(make_zip: Callable[..., Path]) -> None:
    files = pptx_files([slide_xml(f"Slide {i}") for i in range(1, 13)])
    files["ppt/slides/_rels/slide1.xml.rels"] = "<Relationships/>"
    facts = inspect_file(make_zip("talk.pptx", files), "talk.pptx", Limits(), "pptx")
    assert (facts.kind, facts.pages, facts.findings) == ("pptx", 12, [])


# --- code archives -------------------------------------------------------------------------

def test_good_code_zip(make_zip: Callable[..., Path], code_deliverable: Deliverable) -> None:
    facts, findings = check(make_zip("code.zip", code_files()), code_deliverable, ext="zip")
    assert findings == []
    assert facts.archive is not None
    assert facts.archive["readme"] == "README.md"
    assert facts.archive["entries"] == 6 and facts.archive["uncompressed_bytes"] > 1000


def test_readme_inside_single_top_folder(make_zip: Callable[..., Path],
                                         code_deliverable: Deliverable) -> None:
    files = code_files(prefix="project/")
    files["__MACOSX/project/._train.py"] = b"\x00\x05\x16\x07"
    facts, findings = check(make_zip("code.zip", files), code_deliverable, ext="zip")
    assert facts.archive is not None and facts.archive["readme"] == "project/README.md"
    assert rules(findings) == ["zip.junk"]


def test_missing_readme(make_zip: Callable[..., Path], code_deliverable: Deliverable) -> None:
    _, findings = check(make_zip("code.zip", code_files(readme=None)), code_deliverable,
                        ext="zip")
    assert rules(findings) == ["zip.readme-missing"]


def test_readme_without_instructions(make_zip: Callable[..., Path],
                                     code_deliverable: Deliverable) -> None:
    readme = "# Our project\n\nThis is the code for our course project on KV caches.\n"
    _, findings = check(make_zip("code.zip", code_files(readme)), code_deliverable, ext="zip")
    assert rules(findings) == ["zip.readme-no-instructions"]
    msg = findings[0].message
    assert "README.md gives no steps" in msg and "step-by-step guide" in msg
    assert findings[0].severity.value == "error"


def test_readme_runs_a_missing_file(make_zip: Callable[..., Path],
                                    code_deliverable: Deliverable) -> None:
    files = code_files(GOOD_README.replace("train.py", "train_model.py"))
    _, findings = check(make_zip("code.zip", files), code_deliverable, ext="zip")
    assert rules(findings) == ["zip.readme-missing-file"]
    assert "train_model.py" in findings[0].message
    assert "results.txt" not in findings[0].message  # an output, not an input


def test_junk_secrets_and_nested_archives(make_zip: Callable[..., Path],
                                          code_deliverable: Deliverable) -> None:
    files = code_files()
    files.update({".env": "OPENAI_API_KEY=sk-...", "keys/id_rsa": "-----BEGIN",
                  "certs/server.pem": "-----BEGIN", ".env.example": "KEY=",
                  "data/old.zip": b"PK\x05\x06" + b"\x00" * 18,
                  ".git/HEAD": "ref: refs/heads/main", "node_modules/x/index.js": "",
                  "venv/pyvenv.cfg": "home = /usr", ".DS_Store": b"\x00\x00\x00\x01Bud1"})
    _, findings = check(make_zip("code.zip", files), code_deliverable, ext="zip")
    assert sorted(rules(findings)) == ["zip.junk", "zip.nested", "zip.secret"]
    assert {f.severity.value for f in findings} == {"warning"}
    secret = next(f for f in findings if f.rule == "zip.secret")
    assert ".env," in secret.message and "id_rsa" in secret.message
    assert "server.pem" in secret.message and ".env.example" not in secret.message
    junk = next(f for f in findings if f.rule == "zip.junk").message
    assert ".git/" in junk and ".DS_Store" in junk
    # bundled dependencies are what the course page asks for, never junk
    assert "node_modules" not in junk and "virtualenv" not in junk
