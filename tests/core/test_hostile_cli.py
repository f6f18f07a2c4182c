"""Issue 8 §4 through the public CLI: no input crashes a reporter or breaks the result's schema,
and the checker's own failures are never blamed on a student's file.

Each case runs ``python -m checker check --format github --json result.json`` in a fresh
process (real stdout encoding, real exit code) on files made by fpdf2 / zipfile and committed
with git, then validates result.json against the shipped schema.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fpdf import FPDF

from checker.yamlfile import schema
from tests.core.course_repo import CourseRepo, git, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ["1. Problem and Importance", "2. Related Work", "3. Proposed Solution and Key Insight",
            "4. Drawbacks and Limitations", "5. Future Research Directions"]
SUMMARY = "submissions/g10/summaries/2024-11-26.pdf"  # g10 summarises the 2024-11-26 session
AT = "2024-11-25T10:00:00-05:00"


def run_check(repo: CourseRepo, *args: str, env: dict[str, str] | None = None
              ) -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None]:
    out = repo.root.parent / "result.json"
    out.unlink(missing_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--root", str(repo.root), "--author",
         "ada-lovelace", "--at", AT, "--format", "github", "--json", str(out), *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "CHECKER_SOFFICE": "none", **(env or {})})
    result = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else None
    if result is not None:
        jsonschema.Draft202012Validator(schema("result.schema.json"),
                                        format_checker=jsonschema.FormatChecker()).validate(result)
    return proc, result


def committed(repo: CourseRepo, files: dict[bytes, bytes]) -> str:
    """Commit ``files`` (raw byte paths: not necessarily UTF-8) on a PR branch; its head."""
    repo.open_pr_branch()
    for raw, data in files.items():
        full = os.path.join(os.fsencode(repo.root), raw)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
    git(repo.root, "add", "-A")
    return repo.commit_pr()


def surrogate_pdf() -> bytes:
    """A summary whose last heading's font maps one glyph to a lone UTF-16 surrogate."""
    fonts = glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True)
    if not fonts:
        pytest.skip("DejaVuSans.ttf not installed (fonts-dejavu-core)")
    pdf = FPDF()
    pdf.set_compression(False)  # so the ToUnicode map can be edited in place
    pdf.add_font("DejaVu", fname=fonts[0])
    pdf.add_page()
    for heading in [*SECTIONS[:-1], SECTIONS[-1] + " Z"]:
        pdf.set_font("DejaVu", size=14)
        pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(0, 5, "A paragraph about this section. " * 5, new_x="LMARGIN",
                       new_y="NEXT")
    data = bytes(pdf.output())
    start = data.index(b"beginbfchar")
    end = data.index(b"endbfchar", start)
    cmap = data[start:end]
    z = cmap.index(b"> <005A>")  # Z: same length, so every offset stays right
    return data[:start] + cmap[:z] + b"> <D800>" + cmap[z + 8:] + data[end:]


def test_lone_surrogates_in_pdf_text(tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "course")
    repo.write(SUMMARY, surrogate_pdf())
    proc, result = run_check(repo, SUMMARY)
    assert proc.returncode in (0, 1), proc.stderr
    assert result is not None
    text = json.dumps(result, ensure_ascii=False)
    # read as U+FFFD, which a heading leaves out (checker.inspect.readable): never the surrogate
    assert "\ud800" not in text and "\ufffd" not in text
    assert '"5. Future Research Directions"' in text
    assert "::" in proc.stdout or proc.stdout == ""


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "course")
    head = committed(repo, {b"submissions/g10/summaries/caf\xe9.pdf": pdf_bytes(1)})
    proc, result = run_check(repo, "--base", "main", "--head", head)
    assert proc.returncode == 1, proc.stderr
    assert result is not None
    assert [f["path"] for f in result["files"]] == ["submissions/g10/summaries/caf\\xe9.pdf"]


def test_a_login_over_39_characters_and_a_path_over_1024(tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "course")
    login = "a" * 45
    deep = "submissions/g10/" + "/".join(["d" * 200] * 6) + "/report.pdf"
    assert len(deep) > 1024
    head = committed(repo, {
        f"submissions/questions/2024-11-26/{login}.md".encode(): b"## Q\n- why?\n",
        deep.encode(): pdf_bytes(1),
    })
    proc, result = run_check(repo, "--base", "main", "--head", head)
    assert proc.returncode == 1, proc.stderr
    assert result is not None
    paths = [f["path"] for f in result["files"]]
    assert any(login in p for p in paths)
    assert any("more characters]" in p for p in paths)
    assert all(f["student"] is None or len(f["student"]) <= 39 for f in result["files"])


def test_over_200_findings_on_one_file_are_cut_with_a_count(tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "course")
    code = repo.root / "submissions/g10/final/code.zip"
    code.parent.mkdir(parents=True)
    with zipfile.ZipFile(code, "w") as zf:
        zf.writestr("README.md", "# Build\n`make`\n# Run\n`./run`\n")
        for i in range(300):
            zf.writestr(f"../escape-{i}.txt", "x")
    proc, result = run_check(repo, "submissions/g10/final/code.zip")
    assert proc.returncode == 1, proc.stderr
    assert result is not None
    findings = result["files"][0]["findings"]
    assert len(findings) == 200
    assert findings[-1]["rule"] == "file.findings-truncated"
    assert findings[-1]["severity"] == "error"
    assert "101 more problem(s) are not listed (300 in all" in findings[-1]["message"]
    assert result["verdict"] == "fail"


def test_a_missing_dependency_is_the_checkers_failure_not_the_files(tmp_path: Path) -> None:
    """With the PDF parser unimportable every PDF used to be `file.unreadable`: now exit 3."""
    broken = tmp_path / "site"
    (broken / "pypdfium2_raw").mkdir(parents=True)
    (broken / "pypdfium2_raw" / "__init__.py").write_text(
        "raise ImportError('pypdfium2 is missing (simulated)')\n", encoding="utf-8")
    repo = CourseRepo(tmp_path / "course")
    repo.write(SUMMARY, pdf_bytes(2, SECTIONS))
    pythonpath = os.pathsep.join(p for p in (str(broken), os.environ.get("PYTHONPATH")) if p)
    proc, result = run_check(repo, SUMMARY, env={"PYTHONPATH": pythonpath})
    assert proc.returncode == 3, proc.stderr
    assert "file.unreadable" not in proc.stdout
    assert "pypdfium2 is not installed" in proc.stderr
    assert "bug in the submission checker" in proc.stderr
    assert result is None


def _without(tmp_path: Path, *packages: str) -> dict[str, str]:
    """An environment in which importing each of ``packages`` fails, as if not installed."""
    site = tmp_path / "site-without-" / "-".join(packages)
    for name in packages:
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(
            f"raise ImportError('no {name} (simulated)')\n", encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH"))
                                          if p)}


def test_an_aes_pdf_is_read_by_anyone_and_its_page_tree_checked(tmp_path: Path) -> None:
    """An owner-password-only AES PDF (readable by anyone: Acrobat's "restrict editing") is read
    by PDFium with no AES library at all. When its page tree declares fewer pages than it lists,
    pypdf counts them, with pycryptodome (the check set's AES provider, not `cryptography`);
    without any AES provider that is the checker's failure (exit 3), never the student's."""
    import io
    import re

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(2, SECTIONS))))
    writer.encrypt(user_password="", owner_password="staff-only", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    repo = CourseRepo(tmp_path / "course")
    repo.write(SUMMARY, buffer.getvalue())
    no_aes = _without(tmp_path, "cryptography", "Crypto")
    proc, result = run_check(repo, SUMMARY, env=no_aes)
    assert proc.returncode in (0, 1), proc.stderr
    assert result is not None and "file.encrypted" not in json.dumps(result)
    [entry] = result["files"]
    assert entry["facts"]["pages"] == 2
    # The same file declaring 1 page: pypdf walks its page tree, with pycryptodome.
    hidden, n = re.subn(rb"/Count 2\b", b"/Count 1", buffer.getvalue())
    assert n == 1
    repo.write(SUMMARY, hidden)
    proc, result = run_check(repo, SUMMARY, env=_without(tmp_path, "cryptography"))
    assert proc.returncode == 1, proc.stderr
    assert result is not None
    [entry] = result["files"]
    assert entry["facts"]["pages"] == 2
    assert "pages.ambiguous" in [f["rule"] for f in entry["findings"]]
    # No AES provider at all: the checker failed, not the file.
    proc, result = run_check(repo, SUMMARY, env=no_aes)
    assert proc.returncode == 3, proc.stderr
    assert "file.encrypted" not in proc.stdout
