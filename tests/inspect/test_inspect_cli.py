"""``python -m checker inspect``: facts per file as JSON or text, and its exit codes."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import code_files, write_docx, write_two_column_paper, write_zip

from checker.commands import inspect as inspect_cmd
from checker.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CHECKER_SOFFICE="none", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "checker", "inspect", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def three_files(tmp_path: Path) -> list[Path]:
    return [
        write_two_column_paper(tmp_path / "report.pdf"),
        write_docx(tmp_path / "summary.docx", [("h1", "1. Problem"), ("p", "Text.")]),
        write_zip(tmp_path / "code.zip", code_files()),
    ]


def test_json_output(three_files: list[Path]) -> None:
    done = cli("--format", "json", *map(str, three_files))
    assert done.returncode == 0, done.stderr
    pdf, docx, zipf = json.loads(done.stdout)["files"]
    assert (pdf["pages"], pdf["body_pages"], pdf["references_page"]) == (11, 8, 9)
    assert "1. Section 1 Heading" in pdf["headings"]
    assert (docx["pages"], docx["pages_exact"], docx["headings"]) == (1, False, ["1. Problem"])
    archive = zipf["archive"]
    assert archive["readme"] == "README.md" and archive["entries"] == 6
    assert archive["uncompressed_bytes"] > 0
    assert all(f["findings"] == [] for f in (pdf, docx, zipf))


def test_json_references_page_is_null_without_references(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "x.docx", [("p", "no headings")])
    done = cli("--format", "json", str(path))
    [facts] = json.loads(done.stdout)["files"]
    assert facts["references_page"] is None and facts["headings"] == []


def test_text_output_and_exit_1_on_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    done = cli(str(empty))
    assert done.returncode == 1
    assert "error: [file.empty]" in done.stdout and "fix:" in done.stdout


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        inspect_cmd.run(argparse.Namespace(files=[str(tmp_path / "nope.pdf")], format="text"))
    done = cli(str(tmp_path / "nope.pdf"))
    assert done.returncode == 2 and "no such file" in done.stderr
