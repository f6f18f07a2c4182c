"""Which modules a checker command imports, measured in a fresh interpreter (its own process,
not the file workers it starts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

REPORT_MODULES = (
    "import sys, atexit\n"
    "atexit.register(lambda: print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr))\n"
    "from checker.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def modules_of(*argv: str, env: dict[str, str] | None = None) -> tuple[int, set[str], str]:
    """Run ``python -m checker ARGV``: its exit code, the modules it had imported when it
    exited, and its output."""
    proc = subprocess.run([sys.executable, "-c", REPORT_MODULES, *argv], capture_output=True,
                          text=True, check=False, cwd=REPO_ROOT, env=env)
    line = next((x for x in proc.stderr.splitlines() if x.startswith("MODULES ")), "MODULES")
    return proc.returncode, set(line.split()[1:]), proc.stdout + proc.stderr


def loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)
