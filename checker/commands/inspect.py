"""``inspect``: what the checker reads in files (pages, references, headings, archive contents).

``python -m checker inspect FILE... [--format text|json]`` runs the same inspectors as
``check`` (sandboxed, with the default limits) and prints the facts and findings per file:
the headings the section rules use and where they come from (outline, fonts, lines, styles,
bold), the references page and the measured layout of a PDF.
With ``--deliverable ID`` (a deliverable of the course's schedule.yaml, read from ``--root``)
the files are also judged by that deliverable's content rules, with its limits: page limits,
sections, the code archive's README (``--deliverable code``).
Exit 0 when no file has an error finding, 1 otherwise, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from checker.bounds import inert
from checker.errors import UsageError
from checker.facts import FileFacts
from checker.findings import Severity
from checker.inspect import inspect_file
from checker.model import Deliverable, Limits


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "inspect", help="show what the checker reads in files (pages, headings, archives)",
        description="Inspect submitted files as the checker does and print facts and findings.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="files to inspect")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="output format (default: text)")
    p.add_argument("--deliverable", metavar="ID",
                   help="also apply this deliverable's rules from schedule.yaml (e.g. code: "
                   "the README of a code archive)")
    p.add_argument("--root", default=".",
                   help="with --deliverable: the course repository (default: .)")
    p.set_defaults(run=run)


def facts_json(facts: FileFacts) -> dict[str, Any]:
    out: dict[str, Any] = {"path": facts.path, **facts.to_json()}
    if facts.kind in ("pdf", "docx", "pptx"):
        for key in ("pages", "pages_exact", "body_pages", "references_page"):
            out.setdefault(key, getattr(facts, key))
        out.setdefault("headings", list(facts.headings))
    out["findings"] = [f.to_json() for f in facts.findings]
    return out


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 2**20:.1f} MB"


def facts_text(facts: FileFacts) -> str:
    parts = [facts.kind, _size(facts.size)]
    if facts.pages is not None:
        unit = "slides" if facts.kind == "pptx" else "pages"
        spread = (f", range {facts.pages_range[0]}-{facts.pages_range[1]}"
                  if len(facts.pages_range) == 2 else "")
        count = f"{facts.pages} {unit}" + ("" if facts.pages_exact else
                                           f" (estimated{spread})")
        if facts.references_page is not None:
            count += f", body {facts.body_pages}, references from page {facts.references_page}"
        parts.append(count)
    # The path and headings come from the file (its name, its text): shown inert, as messages are.
    lines = [f"{inert(facts.path)}: {', '.join(parts)}"]
    if facts.headings:
        source = f" ({facts.headings_source})" if facts.headings_source else ""
        lines.append(f"  headings{source}: " + " | ".join(inert(h) for h in facts.headings[:30]))
    if facts.layout:
        lines.append("  layout: " + layout_text(facts.layout))
    if facts.archive is not None:
        a = facts.archive
        lines.append(f"  archive: {a.get('entries', '?')} entries, "
                     f"{_size(int(a.get('uncompressed_bytes', 0)))} uncompressed, "
                     f"README: {inert(str(a.get('readme') or 'none'))}" + _steps(a))
        bundled = [f"{d['path']} ({d['kind']}, {d['files']} file{'' if d['files'] == 1 else 's'})"
                   for d in a.get("dependencies") or []]
        packages = len(a.get("dependency_archives") or [])
        if packages:
            bundled.append(f"{packages} package archive(s)")
        if bundled:  # folder names from the archive: inert, as the README's path
            lines.append("  bundled dependencies: " + inert("; ".join(bundled)))
    for f in facts.findings:
        lines.append(f"  {f.severity.value}: [{f.rule}] {f.message}")
        if f.hint:
            lines.append(f"    fix: {f.hint}")
    return "\n".join(lines)


def _steps(archive: dict[str, Any]) -> str:
    if "readme_steps" not in archive:
        return ""
    kinds = [k for k, key in (("build", "readme_build"), ("run", "readme_run")) if archive[key]]
    return f" ({archive['readme_steps']} steps; {' and '.join(kinds) or 'neither build nor run'})"


def layout_text(layout: dict[str, Any]) -> str:
    """"letter 612 x 792 pt, 2 columns, body 10 pt, margins left 0.75 in ..." for people."""
    parts = []
    paper = layout.get("paper_pt")
    if paper:
        parts.append(f"paper {paper[0]:g} x {paper[1]:g} pt")
    if layout.get("columns"):
        parts.append(f"{layout['columns']} column(s)")
    if layout.get("body_font_pt"):
        parts.append(f"body text {layout['body_font_pt']:g} pt")
    margins = layout.get("margins_pt") or {}
    if margins:
        parts.append("margins " + ", ".join(f"{side} {value / 72:.2f} in"
                                            for side, value in margins.items()))
    return "; ".join(parts)


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.files]
    for p in paths:
        if not p.exists():
            raise UsageError(f"{p}: no such file")
        if p.is_dir():
            raise UsageError(f"{p} is a folder; name the files to inspect")
    deliverable = _deliverable(args)
    lim = deliverable.limits if deliverable is not None else Limits()
    results = [inspect_file(p, str(p), lim, p.suffix.lstrip(".").lower() or None)
               for p in paths]
    if deliverable is not None:
        from checker.rules.document import document_findings

        for facts in results:
            facts.findings += document_findings(facts, deliverable, ())
    if args.format == "json":
        print(json.dumps({"files": [facts_json(f) for f in results]}, indent=2))
    else:
        print("\n".join(facts_text(f) for f in results))
    failed = any(f.severity is Severity.ERROR for r in results for f in r.findings)
    return 1 if failed else 0


def _deliverable(args: argparse.Namespace) -> Deliverable | None:
    wanted = getattr(args, "deliverable", None)
    if wanted is None:
        return None
    from checker.config import load_course

    course = load_course(Path(getattr(args, "root", ".")))
    if wanted not in course.deliverables:
        raise UsageError(f"--deliverable {wanted}: schedule.yaml has no such deliverable "
                         f"(it has {', '.join(sorted(course.deliverables))})")
    return course.deliverables[wanted]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m checker.commands.inspect")
    add_parser(parser.add_subparsers(dest="command"))
    ns = parser.parse_args(["inspect", *sys.argv[1:]])
    try:
        sys.exit(run(ns))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
