"""Command line: ``python -m checker COMMAND`` (also installed as ``submission-checker``).

Each command is a module in ``checker.commands`` with ``add_parser(subparsers)`` and
``run(args) -> int``. Exit codes: 0 passes, 1 needs fixing, 2 usage or configuration error
(one clear line), 3 a bug in the checker (traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from checker import __version__
from checker.errors import CheckerError

# Every command, with the one line `python -m checker --help` shows for it. Only the module of
# the command being run is imported (a student's `check` never loads the staff commands, the
# GitHub client or the schema validator); the others are listed by these lines alone.
COMMANDS: dict[str, str] = {
    "check": "check submitted files (exit 0 pass, 1 needs fixing, 2 usage error)",
    "validate": "validate schedule.yaml and all group declarations",
    "deadlines": "list deadlines (text, json or ics calendar)",
    "inspect": "show what the checker reads in files (pages, headings, archives)",
    "publish": "publish a check result on the pull request (check run, comment, labels)",
    "gradebook": "who submitted what, when: every deliverable instance (staff)",
    "board": "write the course board: groups x deliverables as one HTML page (staff)",
    "remind": "open or update one reminder issue per upcoming deadline (staff, cron)",
    "setup": "plan (and --apply) the course repository's GitHub settings (staff, admin)",
    "publish-slides": "private course: copy the slides that pass to the course repository for "
                      "the class (staff)",
    "remind-cron": "compute the reminder workflow's schedule from schedule.yaml (staff)",
    "minutes": "expected GitHub Actions minutes per month for this course (staff)",
    "needs": "what a check of a change needs installed (LibreOffice for a DOCX), for CI",
    "receipts": "read GitHub's receipts of a PR's pushes into a file for check (CI)",
    "install-hook": "install a git pre-push hook that checks what you push",
    "pre-push": "the pre-push hook's check (reads the pushed refs on stdin)",
}


def command_module(name: str) -> str:
    """The module of a command (``remind-cron`` is ``checker.commands.remind_cron``)."""
    return f"checker.commands.{name.replace('-', '_')}"


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv``: its first word that is not an option (the top-level
    options, --help and --version, take no value)."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: the named command's own parser alone (imports
    ``checker.commands.<name>`` for it only); without a known command, every command as its
    name and help line; with no ``argv``, every command's own parser."""
    parser = argparse.ArgumentParser(
        prog="python -m checker",
        description="Check coursework submitted as pull requests against schedule.yaml.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = None if argv is None else chosen_command(argv)
    for name, help_line in COMMANDS.items():
        if argv is None or name == chosen:
            # command modules import only argparse at the top; their work is imported in run()
            importlib.import_module(command_module(name)).add_parser(sub)
        elif chosen is None:  # the list of commands is shown (--help, or no known command)
            sub.add_parser(name, help=help_line)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except CheckerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`inspect FILE | head`): not a bug. Point stdout at /dev/null so
        # the flush at exit cannot fail again, and exit as a shell does for SIGPIPE (128 + 13).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:
        import traceback

        traceback.print_exc()
        print("error: this is a bug in the submission checker; please report it with the "
              "traceback above.", file=sys.stderr)
        return 3
