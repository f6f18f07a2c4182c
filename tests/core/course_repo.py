"""Build a throw-away course repository: the shipped schedule.yaml, group declarations,
and submitted files made by real software (fpdf2), as a student's clone would have them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from fpdf import FPDF

REPO_ROOT = Path(__file__).resolve().parents[2]

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


def pdf_bytes(pages: int, lines: list[str] | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for i in range(pages):
        pdf.add_page()
        for line in (lines or [f"Page {i + 1} of a submission."]) if i == 0 else [f"Page {i + 1}"]:
            pdf.multi_cell(0, 6, line)
    return bytes(pdf.output())


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


class CourseRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "schedule.yaml", root / "schedule.yaml")
        for group, members in GROUPS.items():
            self.write(f"submissions/{group}/group.yaml", group_yaml(members))

    def write(self, path: str, data: str | bytes) -> Path:
        full = self.root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            full.write_text(data, encoding="utf-8")
        else:
            full.write_bytes(data)
        return full

    def init_git(self) -> None:
        git(self.root, "init", "-q", "-b", "main")
        git(self.root, "config", "user.email", "staff@example.invalid")
        git(self.root, "config", "user.name", "Staff")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "course")
