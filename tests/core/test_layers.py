"""The layers keep one direction (README.md, "Architecture"; docs/development.md): no module of
``checker`` imports, directly or through others, a module that imports it back; the format
inspectors share ``checker.inspect.common`` instead of importing the worker that dispatches to
them; ``staff/`` never imports ``checker.github``. Imports are read from the source with
``ast`` (every ``import`` statement, including those inside functions and under
``TYPE_CHECKING``), so nothing is executed."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "checker"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _owner(name: str) -> str | None:
    """The module of ``checker`` that ``name`` is or lives in (None: outside the package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str) -> set[str]:
    """The ``checker`` modules that module ``name`` imports anywhere in its source.

    ``from checker.inspect import magic`` is an import of ``checker.inspect.magic`` (the
    submodule), ``from checker.inspect import inspect_file`` one of ``checker.inspect``."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
    return {m for m in map(_owner, found) if m is not None and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_circle_of_three() -> None:
    """The finder itself: a planted circle a -> b -> c -> a (and a tail d -> a) is found."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_function_level_and_submodule_imports() -> None:
    """worker.py imports the format inspectors inside a function; they count."""
    worker = GRAPH["checker.inspect.worker"]
    assert {"checker.inspect.pdf", "checker.inspect.docx", "checker.inspect.common",
            "checker.inspect.magic"} <= worker


def test_the_inspect_package_has_no_import_cycle() -> None:
    inspect = {n: {m for m in e if m.startswith("checker.inspect.")}
               for n, e in GRAPH.items() if n.startswith("checker.inspect.")}
    assert cycles(inspect) == []


def test_the_format_inspectors_share_common_not_the_worker() -> None:
    common = GRAPH["checker.inspect.common"]
    assert not {m for m in common if m.startswith("checker.inspect")}, common
    for fmt in ("pdf", "pdfium", "docx", "pptx", "codezip"):
        assert "checker.inspect.worker" not in GRAPH[f"checker.inspect.{fmt}"], fmt


def test_the_checker_package_has_no_import_cycle() -> None:
    assert cycles(GRAPH) == []


def test_staff_never_imports_the_github_package() -> None:
    """staff/ is the pure course view; the commands compose it with github/ (the API edge)."""
    reaching = {n: sorted(m for m in e if m.startswith("checker.github"))
                for n, e in GRAPH.items() if n.startswith("checker.staff")}
    assert not {n: m for n, m in reaching.items() if m}, reaching


def third_party_imports(name: str) -> set[str]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = {a.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
             for a in node.names}
    found |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and not node.level}
    return found


def test_only_the_github_package_imports_the_github_client() -> None:
    """PyGithub (``import github``) is imported by checker.github alone."""
    importers = sorted(n for n in MODULES if "github" in third_party_imports(n))
    assert importers and all(n.startswith("checker.github.") for n in importers), importers
