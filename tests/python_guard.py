"""Every Python a test starts must be the test environment's own (issue 8 §7).

A test that starts ``python`` through a path that loses the venv (a link to the venv's
interpreter from another folder, a bare ``python3`` from the base PATH) runs with the base
interpreter's packages: it passes only on machines where the project's packages happen to be
installed outside the venv. :func:`install` puts a ``sitecustomize`` first on ``PYTHONPATH`` for
every child process: a Python whose ``sys.prefix`` is not this one stops at once with exit 97 and
says which interpreter it was, so such a test fails on every machine.

:func:`outside_packages` lists ``sys.path`` folders of installed packages outside this
environment (user site, the base interpreter's site-packages): ``.ci/run`` sets
``CHECKER_TESTS_ISOLATED=1`` and the suite then refuses to start if there is any.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PREFIX_VARIABLE = "CHECKER_TESTS_PYTHON_PREFIX"
EXIT_CODE = 97

SITECUSTOMIZE = f'''\
import os as _os
import sys as _sys

_expected = _os.environ.get("{PREFIX_VARIABLE}")
if _expected and _os.path.realpath(_sys.prefix) != _os.path.realpath(_expected):
    _sys.stderr.write(
        "tests/python_guard.py: a test started " + _sys.executable + " (prefix "
        + _sys.prefix + "), not the test environment's Python (prefix " + _expected + "); "
        "it would run without the packages the suite installed. Start Python as "
        "sys.executable, or put its own folder first on PATH.\\n")
    _sys.stderr.flush()
    _os._exit({EXIT_CODE})
'''


def install(folder: Path) -> None:
    """Make every child Python of this process check that it is this environment's."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(folder), previous) if p)
    os.environ[PREFIX_VARIABLE] = sys.prefix


def outside_packages() -> list[str]:
    """Package folders on sys.path that this environment did not install."""
    prefix = os.path.realpath(sys.prefix)
    found = []
    for entry in sys.path:
        real = os.path.realpath(entry or ".")
        if Path(real).name in ("site-packages", "dist-packages") and \
                not real.startswith(prefix + os.sep):
            found.append(entry)
    return found
