"""Build a throw-away course repository: the shipped schedule.yaml (the tests' frozen copy in
tests/fixtures/course/), group declarations, and submitted files made by real software (fpdf2),
as a student's clone would have them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from fpdf import FPDF

REPO_ROOT = Path(__file__).resolve().parents[2]
# the shipped course, frozen for the tests (a TA edits the live schedule.yaml every term)
SHIPPED_SCHEDULE = REPO_ROOT / "tests" / "fixtures" / "course" / "schedule.yaml"

GROUPS = {
    "g10": [("ada-lovelace", "Ada Lovelace"), ("alan-turing", "Alan Turing"),
            ("grace-hopper", "Grace Hopper")],
    "g11": [("edsger-d", "Edsger Dijkstra"), ("barbara-l", "Barbara Liskov"),
            ("leslie-l", "Leslie Lamport")],
    "g03": [("ken-t", "Ken Thompson"), ("dennis-r", "Dennis Ritchie"),
            ("margaret-h", "Margaret Hamilton"), ("john-b", "John Backus")],
}


def group_yaml(members: list[tuple[str, str]], preferences: tuple[str, ...] = ()) -> str:
    lines = ["members:"]
    for login, name in members:
        lines.append(f"  - {{github: {login}, name: {name}, email: {login}@umich.edu}}")
    if preferences:
        lines.append(f"preferences: [{', '.join(preferences)}]")
    return "\n".join(lines) + "\n"


def pdf_bytes(pages: int, headings: list[str] | None = None) -> bytes:
    """A PDF of exactly ``pages`` pages; ``headings`` spread over them, each with a paragraph."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    heads = list(headings or [])
    per_page = -(-len(heads) // pages) if heads else 0
    for i in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, f"Page {i + 1}. " + "Body text of the submission. " * 8,
                       new_x="LMARGIN", new_y="NEXT")
        for head in heads[i * per_page:(i + 1) * per_page]:
            pdf.set_font("helvetica", style="B", size=13)
            pdf.multi_cell(0, 8, head, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("helvetica", size=11)
            pdf.multi_cell(0, 6, "A paragraph about this section. " * 6,
                           new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


SUMMARY_SECTIONS = ("Problem and importance", "Related work",
                    "Proposed solution and key insight", "Drawbacks or limitations",
                    "Future research directions", "Key observations from the class discussion")


def summary_docx(paragraphs_per_section: int) -> bytes:
    """A paper summary written with python-docx (Heading styles, many short paragraphs).

    Short paragraphs fill pages with few words, so the word-count estimate is well below the
    real layout: 10 a section is about 2 pages by estimate and 3 laid out by LibreOffice;
    20 a section, about 3 by estimate and 5 laid out."""
    import io

    import docx

    document = docx.Document()
    document.add_heading("Summary of PagedAttention", level=0)
    for section in SUMMARY_SECTIONS:
        document.add_heading(section, level=1)
        for i in range(paragraphs_per_section):
            document.add_paragraph(f"Point {i + 1} about {section.lower()} in a few words.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_file(root: Path, path: str, data: str | bytes) -> Path:
    full = root / path
    full.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        full.write_text(data, encoding="utf-8")
    else:
        full.write_bytes(data)
    return full


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


class CourseRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED_SCHEDULE, root / "schedule.yaml")
        for group, members in GROUPS.items():
            self.write(f"submissions/{group}/group.yaml", group_yaml(members))

    def write(self, path: str, data: str | bytes) -> Path:
        return write_file(self.root, path, data)

    def init_git(self) -> None:
        git(self.root, "init", "-q", "-b", "main")
        git(self.root, "config", "user.email", "staff@example.invalid")
        git(self.root, "config", "user.name", "Staff")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "course")

    def open_pr_branch(self, name: str = "pr") -> None:
        """A fresh history on main, then a branch to commit a pull request's files on."""
        self.init_git()
        git(self.root, "checkout", "-q", "-b", name)

    def commit_pr(self) -> str:
        """Commit the PR branch, go back to main (the trusted base) and return the PR head."""
        git(self.root, "commit", "-q", "-m", "pr")
        head = git(self.root, "rev-parse", "HEAD").strip()
        git(self.root, "checkout", "-q", "main")
        return head
