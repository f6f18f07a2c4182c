"""What a command loads: only its own module, and on the check path only the parsers the
pull request's files need; schema validation runs again only for text it has not passed."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker import schemacache
from checker.cli import COMMANDS, build_parser, command_module, main
from checker.config import ScheduleError, load_course, parse_course
from tests.core.course_repo import REPO_ROOT, SHIPPED_SCHEDULE, CourseRepo, pdf_bytes
from tests.imported import loaded, modules_of

SHIPPED = SHIPPED_SCHEDULE.read_text(encoding="utf-8")

def test_help_lines_are_the_commands_own() -> None:
    """`python -m checker --help` lists every command by a line kept in the CLI: it must be the
    line each command module registers."""
    for name, line in COMMANDS.items():
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(command_module(name)).add_parser(sub)
        [action] = sub._choices_actions
        assert (action.dest, action.help) == (name, line)
    assert set(build_parser().parse_known_args(["validate"])[0].__dict__) >= {"command", "run"}


def test_a_command_imports_its_own_module_only(tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "course")
    code, modules, out = modules_of("deadlines", "--root", str(repo.root))
    assert code == 0, out
    commands = {m for m in modules if m.startswith("checker.commands.")}
    assert commands <= {"checker.commands.deadlines", "checker.commands.output"}, commands
    assert not loaded(modules, "github") and not loaded(modules, "checker.staff")


def test_pdf_only_check_imports_neither_github_docx_nor_jsonschema_once_validated(
        tmp_path: Path) -> None:
    repo = CourseRepo(tmp_path / "course")
    slides = "submissions/g10/slides/2024-10-03.pdf"
    repo.write(slides, pdf_bytes(12))
    env = dict(os.environ, CHECKER_CACHE_DIR=str(tmp_path / "cache"))
    argv = ("check", "--root", str(repo.root), slides, "--author", "ada-lovelace",
            "--at", "2024-10-01T00:00:00Z")
    first_code, first, out = modules_of(*argv, env=env)
    assert first_code == 0, out
    assert loaded(first, "jsonschema")  # nothing validated yet: the schedule and groups are
    code, again, out = modules_of(*argv, env=env)
    assert code == 0, out
    # pypdf neither: PDFium reads the PDF, pypdf only walks a page tree that may hide pages;
    # PDFium through the checker's own 27 declarations, not pypdfium2's 1,500 (nor logging);
    # nor PyYAML: schedule.yaml and the group.yaml files parsed before come from the cache
    for package in ("github", "docx", "jsonschema", "nacl", "lxml", "cryptography", "pypdf",
                    "pypdfium2", "pypdfium2_raw", "logging", "yaml"):
        assert not loaded(again, package), package
    assert loaded(again, "checker.inspect.pdfium")


def test_validate_always_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    repo = CourseRepo(tmp_path / "course")
    load_course(repo.root)  # recorded as valid
    assert any((tmp_path / "cache" / "valid").iterdir())
    code, modules, _ = modules_of("validate", "--root", str(repo.root),
                                  env=dict(os.environ))
    assert code == 0 and loaded(modules, "jsonschema")


def test_only_the_exact_text_that_passed_skips_validation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    parse_course(SHIPPED)
    broken = SHIPPED.replace("cpu_seconds: 10", "cpu_seconds: ten")
    for _ in range(2):  # a failure is never recorded
        with pytest.raises(ScheduleError, match="cpu_seconds"):
            parse_course(broken)
    entries = list((tmp_path / "cache" / "valid").iterdir())
    assert len([e for e in entries if not e.suffix]) == 1  # one text passed its schema
    assert len([e for e in entries if e.suffix == ".json"]) == 2  # both parsed as YAML


def test_a_text_parsed_before_is_read_back_without_pyyaml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parse cache gives the same data and line numbers as PyYAML, so an error found after
    parsing still names its line; a damaged entry is parsed again."""
    from checker import yamlfile

    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    first, problems = yamlfile.load(SHIPPED, "schedule.yaml")
    assert first is not None and not problems
    again, _ = yamlfile.load(SHIPPED, "schedule.yaml")
    assert again is not None and (again.data, again.lines) == (first.data, first.lines)
    [stored] = (tmp_path / "cache" / "valid").glob("*.json")
    code = (f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); from checker import yamlfile; "
            f"doc, _ = yamlfile.load(open({str(tmp_path / 'schedule.yaml')!r}).read(), 's'); "
            "print(doc is not None, 'yaml' in sys.modules)")
    (tmp_path / "schedule.yaml").write_text(SHIPPED, encoding="utf-8")
    env = {**os.environ, "CHECKER_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    assert out == ["True", "False"]
    stored.write_text("{not json", encoding="utf-8")
    damaged, _ = yamlfile.load(SHIPPED, "schedule.yaml")
    assert damaged is not None and damaged.lines == first.lines
    # an error found after parsing names its line, from a cached parse too
    broken = SHIPPED.replace("cpu_seconds: 10", "cpu_seconds: ten")
    for _ in range(2):
        with pytest.raises(ScheduleError, match=r"schedule.yaml:\d+: limits.cpu_seconds"):
            parse_course(broken)


def test_a_cache_folder_others_may_write_is_not_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A planted entry in a folder anyone may write must not let a broken schedule through."""
    shared = tmp_path / "shared"
    (shared / "valid").mkdir(parents=True)
    os.chmod(shared / "valid", 0o777)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(shared))
    broken = SHIPPED.replace("cpu_seconds: 10", "cpu_seconds: ten")
    entry = schemacache.key("schedule.schema.json",
                            (REPO_ROOT / "checker/schemas/schedule.schema.json").read_text(),
                            broken)
    (shared / "valid" / entry).touch()
    with pytest.raises(ScheduleError, match="cpu_seconds"):
        parse_course(broken)


def test_yaml_aliases_are_refused_with_their_line() -> None:
    for text in ("staff: &s [mosharaf]\nx: *s", "staff: [&m mosharaf, *m]"):
        with pytest.raises(ScheduleError, match=r"schedule.yaml:\d+: .*aliases"):
            parse_course(SHIPPED.replace("staff: [mosharaf, insujang]", text))


def test_unknown_command_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["grade"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert all(name in err for name in COMMANDS)
