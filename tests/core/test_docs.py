"""The documentation runs: every fenced command in README.md, docs/ and submissions/README.md is
run here (the local ones for real on the example course; those that need GitHub through the
real argument parser and ``--help``); a ``$ command`` block shows what the command prints; each
audience has one install command, the same wherever it appears, and it installs in a fresh venv
(``slow``); README.md stays short, with every audience's first command on its first screen; the
rule-id table lists exactly the ids the code uses."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.course_repo import git, summary_docx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "course"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
        ROOT / "submissions" / "README.md"]
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.M | re.S)
SHELLS = {"bash", "sh", "shell", "console"}
# what a documented placeholder stands for when the command is run here
PLACEHOLDERS = {"YOUR-GITHUB-LOGIN": "ada-lovelace", "LOGIN": "ada-lovelace",
                "OWNER/NAME": "course/seminar"}
# commands that read or write GitHub: parsed by the real parser and run with --help
GITHUB_COMMANDS = {"gradebook", "board", "remind", "setup", "publish", "receipts", "publish-slides"}
TEST_COMMAND = ("python3 -m venv .venv && . .venv/bin/activate && pip install -q -e '.[test]' "
                "&& python -m pytest")
DEMO_COMMAND = ("python3 -m venv .venv && . .venv/bin/activate && pip install -q . "
                "&& bash examples/demo.sh")


@dataclass(frozen=True)
class Command:
    doc: Path
    text: str  # one shell command, comments and line continuations removed

    def __str__(self) -> str:
        return f"{self.doc.relative_to(ROOT)}: {self.text}"


def fenced(doc: Path) -> Iterator[tuple[str, str]]:
    for m in FENCE.finditer(doc.read_text(encoding="utf-8")):
        body = "\n".join(line[len(m.group(1)):] for line in m.group(3).splitlines())
        yield m.group(2), body


def commands_in(doc: Path) -> list[Command]:
    out = []
    for lang, body in fenced(doc):
        if lang not in SHELLS:
            continue
        for line in body.replace("\\\n", " ").splitlines():
            text = " ".join(re.sub(r"(^|\s)#\s.*$", "", line).split())  # no comment
            if text:
                out.append(Command(doc, text))
    return out


ALL = [c for doc in DOCS for c in commands_in(doc)]


def audience(command: str) -> str | None:
    if not command.startswith("python3 -m venv .venv && "):
        return None
    if "requirements/check.txt" in command:
        return "student"
    if "'.[github]'" in command or ".[github]" in command:
        return "staff"
    if command == TEST_COMMAND:
        return "tests"
    if command == DEMO_COMMAND:
        return "demo"
    if ".[test]" in command:
        return "developer"
    return "unknown"


def installs() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for c in ALL:
        kind = audience(c.text)
        if kind is not None:
            found.setdefault(kind, set()).add(c.text)
    return found


def test_the_commands_are_found() -> None:
    """The extraction itself: the docs' commands are many, and a known one is among them."""
    assert len(ALL) > 30
    assert any(c.text == "python -m checker remind-cron --explain" for c in ALL)  # comment cut


def test_one_install_command_per_audience_the_same_everywhere() -> None:
    found = installs()
    assert set(found) == {"student", "staff", "developer", "demo", "tests"}, found
    for kind, texts in found.items():
        assert len(texts) == 1, (kind, texts)
    where = {kind: {c.doc.relative_to(ROOT).as_posix() for c in ALL if audience(c.text) == kind}
             for kind in found}
    assert {"README.md", "submissions/README.md"} <= where["student"]
    assert {"README.md", "docs/staff.md"} <= where["staff"]
    assert {"README.md", "docs/development.md"} <= where["developer"]
    # the developer's install is the test command's own first part
    [developer] = found["developer"]
    assert TEST_COMMAND.startswith(developer + " && ")
    # what a staff command says when the GitHub client is missing names the same install
    [staff] = found["staff"]
    hint = (ROOT / "checker" / "github" / "client.py").read_text(encoding="utf-8")
    assert "pip install -e '.[github]'" in hint and staff.endswith("pip install -e '.[github]'")


def test_ci_runs_the_readme_test_command() -> None:
    assert {c.text for c in commands_in(ROOT / "README.md")} >= {TEST_COMMAND, DEMO_COMMAND}
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert TEST_COMMAND in ci


def test_the_readme_is_short_and_each_audience_starts_on_the_first_screen() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    first_screen = "\n".join(lines[:50])
    for kind in ("student", "staff", "developer"):
        [command] = installs()[kind]
        assert command in first_screen, kind
    for link in ("submissions/README.md", "docs/staff.md", "docs/development.md"):
        assert f"]({link})" in first_screen, link


# --- running the commands ----------------------------------------------------------------------

def substituted(text: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        text = re.sub(rf"(?<![\w-]){re.escape(placeholder)}(?![\w-])", value, text)
    return text


def checker_argv(command: Command) -> tuple[dict[str, str], list[str]] | None:
    """(environment assignments, argv after ``python -m checker``) or None."""
    words = shlex.split(substituted(command.text))
    env = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if words[:3] != ["python", "-m", "checker"]:
        return None
    return env, words[3:]


def needs_github(env: dict[str, str], argv: list[str]) -> bool:
    return "GITHUB_TOKEN" in env or argv[0] in GITHUB_COMMANDS or "--issue" in argv


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example course as a student's clone: the real schedule.yaml, the example groups'
    submissions, the workflows; ``origin/main`` without g10's proposal, which the current
    branch adds; and a report.pdf, summary.docx and code.zip to inspect."""
    root = tmp_path_factory.mktemp("docs-course")
    shutil.copytree(EXAMPLE / "submissions", root / "submissions")
    shutil.copytree(ROOT / ".github", root / ".github")
    shutil.copy(ROOT / "schedule.yaml", root / "schedule.yaml")
    proposal = root / "submissions" / "g10" / "proposal.pdf"
    data = proposal.read_bytes()
    proposal.unlink()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "ada@umich.edu")
    git(root, "config", "user.name", "Ada Lovelace")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "course")
    # origin: the course repository, a real remote the check asks for its default branch
    bare = tmp_path_factory.mktemp("docs-course-origin") / "course.git"
    git(root, "clone", "-q", "--bare", str(root), str(bare))
    git(root, "remote", "add", "origin", str(bare))
    git(root, "fetch", "-q", "origin")
    git(root, "checkout", "-q", "-b", "g10-proposal")
    proposal.write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "g10 proposal")
    (root / "report.pdf").write_bytes(data)
    (root / "summary.docx").write_bytes(summary_docx(3))
    shutil.copy(EXAMPLE / "submissions" / "g11" / "final" / "code.zip", root / "code.zip")
    return root


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})}, timeout=300)


CHECKER = [c for c in ALL if checker_argv(c) is not None]


@pytest.mark.parametrize("command", [c for c in CHECKER if not needs_github(*checker_argv(c))],
                         ids=str)
def test_a_local_command_runs(command: Command, course: Path) -> None:
    """Run as written on the example course: exit 0 (passes) or 1 (something to fix), never
    a usage error (2) or a bug (3)."""
    env, argv = checker_argv(command)  # type: ignore[misc]
    proc = run([sys.executable, "-m", "checker", *argv], course, env)
    assert proc.returncode in (0, 1), (proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", [c for c in CHECKER if needs_github(*checker_argv(c))],
                         ids=str)
def test_a_github_command_parses_and_has_help(command: Command) -> None:
    """A command that needs GitHub: its options as written are the real parser's (an unknown
    option or a wrong choice exits 2), and its --help works."""
    from checker.cli import build_parser

    _env, argv = checker_argv(command)  # type: ignore[misc]
    args = build_parser(argv).parse_args(argv)
    assert args.command == argv[0] and callable(args.run)
    proc = run([sys.executable, "-m", "checker", argv[0], "--help"], ROOT)
    assert proc.returncode == 0 and "usage: python -m checker" in proc.stdout, proc.stderr


def test_every_command_is_handled() -> None:
    """Each fenced command is one of: an install (run by the slow tests below), a checker
    command (run or parsed above), a benchmark, a tool, or the lock script."""
    others = [c for c in ALL if checker_argv(c) is None and audience(c.text) is None]
    unknown = [str(c) for c in others
               if not c.text.startswith(("python bench/", "ruff ", "bash requirements/lock.sh",
                                         "git ", "export "))
               and c.text != "mypy"]
    assert not unknown, unknown


@pytest.mark.parametrize("command", [c for c in ALL if c.text.startswith("python bench/")],
                         ids=str)
def test_a_benchmark_command_names_a_runnable_script(command: Command) -> None:
    """Benchmarks are not tests (they take minutes): the script named compiles, and one that
    takes options answers --help."""
    script = ROOT / shlex.split(command.text)[1]
    source = script.read_text(encoding="utf-8")
    compile(source, str(script), "exec")
    if "argparse" in source:
        proc = run([sys.executable, str(script), "--help"], ROOT)
        assert proc.returncode == 0, proc.stderr


def test_the_lock_script_is_valid_bash() -> None:
    """`bash requirements/lock.sh` downloads wheels for every platform and Python it locks for,
    so it is run by hand when a .in file changes; here its syntax and the sets it knows."""
    for c in ALL:
        if c.text.startswith("bash requirements/lock.sh"):
            words = shlex.split(c.text)
            proc = run(["bash", "-n", words[1]], ROOT)
            assert proc.returncode == 0, proc.stderr
            script = (ROOT / words[1]).read_text(encoding="utf-8")
            for name in words[2:]:
                assert f"    {name}) echo" in script, name


def test_the_demo_script_runs() -> None:
    """The demo command's last part, with this environment's Python."""
    proc = run(["bash", "examples/demo.sh"], ROOT, {"PYTHON": sys.executable})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("(exit ") == 8 and "(exit 3)" not in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


# --- what the docs show a command printing -----------------------------------------------------

def shown_outputs() -> Iterator[tuple[Path, str, str, int]]:
    """(doc, command, output shown, exit shown) of each ``$ command`` in a ``text`` block."""
    for doc in DOCS:
        for lang, body in fenced(doc):
            if lang == "text" and body.startswith("$ "):
                first, _, rest = body.partition("\n")
                output, code = re.fullmatch(r"(.*)\(exit (\d)\)\n?", rest, re.S).groups()  # type: ignore[union-attr]
                yield doc, first[2:], output, int(code)


@pytest.mark.parametrize("shown", list(shown_outputs()), ids=lambda s: s[1][:60])
def test_a_shown_output_is_what_the_command_prints(shown: tuple[Path, str, str, int]) -> None:
    _doc, command, output, code = shown
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "checker"]
    proc = run([sys.executable, "-m", "checker", *words[3:]], EXAMPLE)
    assert (proc.stdout, proc.returncode) == (output, code)


def test_the_readme_comment_is_what_the_reporter_writes() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- comment: (.*?) -->\n(.*?)\n<!-- end comment -->", text, re.S)
    assert m, "README.md has no comment example"
    shown = "\n".join(line[2:] if line.startswith("> ") else line.lstrip(">")
                      for line in m.group(2).splitlines())
    words = shlex.split(m.group(1))
    proc = run([sys.executable, "-m", "checker", *words[3:]], EXAMPLE)
    assert proc.returncode in (0, 1), proc.stderr
    assert shown == proc.stdout.rstrip("\n"), "regenerate README.md's comment from:\n" + \
        proc.stdout


# --- the rule ids ------------------------------------------------------------------------------

RULE_PREFIXES = ("auth", "deadline", "docx", "file", "files", "format", "group", "layout",
                 "members", "pages", "path", "pdf", "pr", "push", "questions", "receipt",
                 "sections", "zip")


def rule_ids_in_code() -> set[str]:
    pattern = re.compile(rf"\"((?:{'|'.join(RULE_PREFIXES)})\.[a-z][a-z-]*)\"")
    found: set[str] = set()
    for f in (ROOT / "checker").rglob("*.py"):
        found.update(pattern.findall(f.read_text(encoding="utf-8")))
    # zip.readme is the schedule.yaml setting checker/sources.py names, not a rule
    return {r for r in found if not r.endswith((".yaml", ".yml")) and r != "zip.readme"}


def rule_ids_in_table() -> set[str]:
    rows = [line for line in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
            .splitlines() if line.startswith("| `")]
    return {rule for row in rows for rule in re.findall(r"`([^`]+)`", row.split(" | ")[0])}


def test_the_rule_table_lists_exactly_the_rules_of_the_code() -> None:
    code, table = rule_ids_in_code(), rule_ids_in_table()
    assert len(code) > 50
    assert not code - table, f"add to docs/rules.md: {sorted(code - table)}"
    assert not table - code, f"not in the checker: {sorted(table - code)}"


# --- installs, in fresh venvs (slow: they download or copy every wheel) ------------------------

def fresh_copy(tmp_path: Path) -> Path:
    """What a clone holds that an install needs: the package, its metadata, the locks, the
    example course and the schedule the demo reads."""
    copy = tmp_path / "repo"
    for name in ("checker", "requirements", "examples"):
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "schedule.yaml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def install_env() -> dict[str, str]:
    """The fresh venv is not the test environment: without tests/conftest.py's guard (which
    stops any other Python), with this interpreter's python3 first on PATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "CHECKER_TESTS_PYTHON_PREFIX", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_in_fresh_copy(command: str, tmp_path: Path, then: str
                      ) -> subprocess.CompletedProcess[str]:
    copy = fresh_copy(tmp_path)
    return subprocess.run(["bash", "-c", f"set -e; {command}; {then}"], cwd=copy,
                          capture_output=True, text=True, check=False, env=install_env(),
                          timeout=1200)


# audience -> (what to run in the new venv after its install, what its output must hold)
AFTER_INSTALL = {
    # the locked student set has no GitHub client
    "student": ("python -m checker validate && python -c 'import importlib.util as u; "
                "print(\"client:\", u.find_spec(\"github\"))'", "client: None"),
    "staff": ("python -c 'import github' && python -m checker gradebook --help && "
              "python -m checker validate", "usage: python -m checker gradebook"),
    "developer": ("python -m pytest --version && ruff --version && mypy --version && "
                  "python -c 'import icalendar, fpdf, github; print(\"tools: ok\")'",
                  "tools: ok"),
    "demo": ("true", "(exit 0)"),  # the demo command runs the demo itself
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(AFTER_INSTALL))
def test_an_install_command_works_in_a_fresh_venv(kind: str, tmp_path: Path) -> None:
    [command] = installs()[kind]
    then, expected = AFTER_INSTALL[kind]
    proc = run_in_fresh_copy(command, tmp_path, then)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert expected in proc.stdout and "(exit 3)" not in proc.stdout, proc.stdout[-3000:]


@pytest.mark.slow
def test_the_lint_commands_pass() -> None:
    """docs/development.md's commands before a commit."""
    for c in ALL:
        if c.text.startswith("ruff ") or c.text == "mypy":
            words = shlex.split(c.text)
            tool = shutil.which(words[0], path=str(Path(sys.executable).parent))
            assert tool, words[0]
            proc = run([tool, *words[1:]], ROOT)
            assert proc.returncode == 0, (c.text, proc.stdout[-3000:])

