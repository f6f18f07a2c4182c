"""Code-archive READMEs: how many are judged error / warning / pass, against their labels.

Two sets of READMEs, each zipped (``zipfile``) next to a ``main.py`` under the README name its
form calls for (``README.md``, ``README.txt``, ``README.rst``, ``README``) and judged as the
check judges a code deliverable (``inspect_file``, then the document rules):

- ``tests/fixtures/readmes/``: READMEs written in the styles students use (numbered and
  bulleted steps, ``$`` prompts, prose steps, fenced and indented code blocks, commands in
  backticks, UTF-16 from Notepad, ...), each labelled by its file name: ``pass-``, ``warn-``
  or ``error-`` is what the course page's "a README file with a step-by-step guide on how to
  compile and run the provided code" makes of it;
- the long descriptions (their READMEs) of the Python distributions installed where the bench
  runs (``importlib.metadata``): unlabelled, counted.

The verdict counts the README rules (``zip.readme-*``) except ``zip.readme-missing-file``,
whose count is printed apart (the archives hold only ``main.py``).

    python bench/bench_readmes.py [--checker-root PATH]

``--checker-root`` imports the checker from another checkout (e.g. the main branch), to
compare before and after a change on the same READMEs.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
import tempfile
import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "readmes"
LABELS = {"pass": "pass", "warn": "warning", "error": "error"}
README_NAME = {".md": "README.md", ".txt": "README.txt", ".rst": "README.rst", "": "README"}


def fixture_readmes() -> list[tuple[str, str, bytes]]:
    """(name, label, bytes) of every labelled README."""
    out = []
    for path in sorted(FIXTURES.iterdir()):
        label = LABELS[path.name.split("-", 1)[0]]
        out.append((path.name, label, path.read_bytes()))
    return out


def installed_readmes() -> list[tuple[str, str, bytes]]:
    """(README name, distribution, bytes) of the installed distributions' long descriptions."""
    seen: set[str] = set()
    out = []
    for dist in importlib.metadata.distributions():
        data = dist.metadata.json
        name, body = str(data.get("name") or ""), str(data.get("description") or "")
        if not name or name.lower() in seen or not body.strip():
            continue
        seen.add(name.lower())
        kind = str(data.get("description_content_type") or "").lower()
        readme = "README.md" if "markdown" in kind else "README.rst" if "rst" in kind \
            else "README.txt"
        out.append((readme, name, body.encode("utf-8")))
    return sorted(out, key=lambda x: x[1].lower())


def verdict(findings: list[Any]) -> tuple[str, bool]:
    """("error" | "warning" | "pass", whether zip.readme-missing-file was reported)."""
    readme = [f for f in findings if f.rule.startswith("zip.readme")
              and f.rule != "zip.readme-missing-file"]
    severities = {f.severity.value for f in readme}
    missing = any(f.rule == "zip.readme-missing-file" for f in findings)
    for level in ("error", "warning"):
        if level in severities:
            return level, missing
    return "pass", missing


def judge(readme_name: str, data: bytes, folder: Path) -> tuple[str, bool]:
    from checker.inspect import inspect_file
    from checker.model import Deliverable, Due, Limits, ZipRule
    from checker.rules.document import document_findings

    code = Deliverable(id="code", title="Code", path="submissions/{group}/final/code.{ext}",
                       formats=("zip",), due=Due(at=datetime(2024, 12, 16, tzinfo=timezone.utc)),
                       zip=ZipRule(readme=True))
    path = folder / "code.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(readme_name, data)
        zf.writestr("main.py", "print('hello')\n")
    facts = inspect_file(path, "submissions/g01/final/code.zip", Limits(), "zip")
    return verdict(facts.findings + document_findings(facts, code, ()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checker-root", type=Path, default=ROOT,
                        help="the checkout whose checker judges the READMEs (default: this one)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per README")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.checker_root.resolve()))
    checker = importlib.import_module("checker")
    print(f"checker from {Path(checker.__file__ or '').parent}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        labelled: Counter[str] = Counter()
        confusion: Counter[tuple[str, str]] = Counter()
        missing_files = 0
        for name, label, data in fixture_readmes():
            got, missing = judge(README_NAME[Path(name).suffix], data, folder)
            labelled[got] += 1
            confusion[(label, got)] += 1
            missing_files += missing
            if args.verbose:
                print(f"  {'ok ' if got == label else 'BAD'} {name}: {got} (label {label})")
        agree = sum(n for (label, got), n in confusion.items() if label == got)
        total = sum(labelled.values())
        print(f"labelled READMEs ({total}): " + ", ".join(
            f"{labelled[k]} {k}" for k in ("error", "warning", "pass")))
        print(f"  verdict = label for {agree} of {total}; by label: " + "; ".join(
            f"{label} -> " + ", ".join(f"{confusion[(label, got)]} {got}"
                                       for got in ("error", "warning", "pass")
                                       if confusion[(label, got)])
            for label in ("error", "warning", "pass")))
        print(f"  zip.readme-missing-file on {missing_files}")
        real: Counter[str] = Counter()
        for readme, dist, data in installed_readmes():
            got, _ = judge(readme, data, folder)
            real[got] += 1
            if args.verbose:
                print(f"  {dist} ({readme}): {got}")
        print(f"installed distributions' READMEs ({sum(real.values())}): " + ", ".join(
            f"{real[k]} {k}" for k in ("error", "warning", "pass")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
