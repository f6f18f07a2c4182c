"""``remind-cron``: the reminder workflow's cron lines, computed from schedule.yaml.

Prints them; ``--write`` puts them into ``.github/workflows/remind.yml`` (between its marker
comments); ``--check`` exits 1 when that file is out of date with schedule.yaml.
"""

from __future__ import annotations

import argparse

WORKFLOW = ".github/workflows/remind.yml"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "remind-cron", help="compute the reminder workflow's schedule from schedule.yaml (staff)",
        description="The moments a reminder can change (48 h and 24 h before each deadline, "
        "and after it and its grace) as cron lines in UTC. Prints them; --write updates "
        f"{WORKFLOW}; --check exits 1 when it is out of date with schedule.yaml.")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.add_argument("--workflow", default=WORKFLOW,
                   help=f"the workflow file, relative to --root (default: {WORKFLOW})")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="update the workflow file")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 when the workflow file is out of date")
    mode.add_argument("--explain", action="store_true",
                      help="list every moment (UTC) and the deadline it is for")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from checker.config import load_course
    from checker.errors import ConfigError
    from checker.staff import cron

    root = Path(args.root)
    moments = cron.moments(load_course(root))
    lines = cron.cron_lines(moments)
    if args.explain:
        for m in moments:
            print(f"{m.at:%Y-%m-%d %H:%M} UTC  {m.why}")
        return 0
    if not (args.write or args.check):
        print(cron.block(lines), end="")
        return 0
    path = root / args.workflow
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{args.workflow}: not found") from None
    new = cron.replace_block(text, lines)
    if new is None:
        raise ConfigError(f"{args.workflow}: no `{cron.BEGIN}` ... `{cron.END}` comments "
                          "around the schedule's cron lines; put them under `schedule:`")
    runs = f"{len(moments)} runs in {len(lines)} cron lines"
    if new == text:
        print(f"{args.workflow}: up to date with schedule.yaml ({runs})")
        return 0
    if args.check:
        print(f"{args.workflow}: out of date with schedule.yaml: run `python -m checker "
              "remind-cron --write` and commit the workflow")
        return 1
    path.write_text(new, encoding="utf-8")
    print(f"{args.workflow}: updated ({runs})")
    return 0
