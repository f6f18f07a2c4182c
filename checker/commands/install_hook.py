"""``install-hook``: a plain git pre-push hook that checks exactly what each push sends.

It writes ``.git/hooks/pre-push`` (git's own hooks folder, worktrees and ``core.hooksPath``
included), which runs ``python -m checker pre-push`` with the Python that installed it. A
pre-push hook that this command did not write is never overwritten.
"""

from __future__ import annotations

import argparse

MARKER = "# submission-checker pre-push hook"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "install-hook", help="install a git pre-push hook that checks what you push",
        description="Install .git/hooks/pre-push: before every `git push`, the files the push "
        "sends are checked as the pull request's check will (against --base); a push that "
        "needs fixing is refused. `git push --no-verify` skips it once.")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.add_argument("--base",
                   help="the branch pull requests go to (default: the course repository's "
                        "default branch, found among the remotes at each push)")
    p.set_defaults(run=run)


def script(python: str, base: str | None) -> str:
    against = base or "the course repository's default branch"
    option = f"--base {_sh(base)} " if base else ""
    return f"""#!/bin/sh
{MARKER} (written by `python -m checker install-hook`).
# Checks what this push sends against {against}, as the pull request's check will; a push
# that needs fixing is refused. Skip it once: git push --no-verify. Remove it: delete this file.
PY={_sh(python)}
if [ ! -x "$PY" ]; then
  echo "submission-checker hook: $PY is gone; run \\`python -m checker install-hook\\` again" >&2
  exit 1
fi
exec "$PY" -m checker pre-push {option}"$@"
"""


def _sh(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from pathlib import Path

    from checker import gitio
    from checker.errors import UsageError

    root = Path(args.root)
    hooks = Path(gitio.git(root, "rev-parse", "--git-path", "hooks").decode().strip())
    if not hooks.is_absolute():
        hooks = root / hooks
    hook = hooks / "pre-push"
    if hook.exists() or hook.is_symlink():
        try:
            ours = MARKER in hook.read_text(encoding="utf-8", errors="replace")
        except OSError:
            ours = False
        if not ours:
            raise UsageError(f"{hook} already exists and was not written by the submission "
                             "checker; it is left as it is. Add `python -m checker pre-push "
                             "\"$@\"` to it yourself, or move it away and run install-hook "
                             "again.")
    hooks.mkdir(parents=True, exist_ok=True)
    hook.write_text(script(sys.executable, args.base), encoding="utf-8")
    os.chmod(hook, 0o755)
    against = args.base or "the course repository's default branch (upstream/main for a fork)"
    print(f"installed {hook}: every `git push` now checks what it sends against {against} "
          "(skip once with `git push --no-verify`)")
    return 0
