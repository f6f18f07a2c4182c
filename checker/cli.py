"""Command line: ``python -m checker COMMAND`` (also installed as ``submission-checker``).

Each command is a module in ``checker.commands`` with ``add_parser(subparsers)`` and
``run(args) -> int``. Exit codes: 0 passes, 1 needs fixing, 2 usage or configuration error
(one clear line), 3 a bug in the checker (traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from checker import __version__
from checker.errors import CheckerError

COMMANDS = ("check", "validate", "deadlines", "inspect", "publish", "gradebook", "board", "remind")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m checker",
        description="Check coursework submitted as pull requests against schedule.yaml.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        # command modules import only argparse at the top; their work is imported in run()
        importlib.import_module(f"checker.commands.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except CheckerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        traceback.print_exc()
        print("error: this is a bug in the submission checker; please report it with the "
              "traceback above.", file=sys.stderr)
        return 3
