"""Shared fixtures: where the repository and the external corpus are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# ../shared/corpus beside the repository (CI clones main next to a copy of shared/).
CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"external corpus not found at {CORPUS} (expected ../shared/corpus)")
    return CORPUS


def pytest_configure(config: pytest.Config) -> None:
    """Child Pythons must be this environment's; in CI, no package from outside it."""
    import shutil
    import sys
    import tempfile

    if str(Path(__file__).parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).parent))
    import python_guard

    if os.environ.get("CHECKER_TESTS_ISOLATED") == "1":
        outside = python_guard.outside_packages()
        if sys.prefix == sys.base_prefix or outside:
            pytest.exit(
                "CHECKER_TESTS_ISOLATED=1: the suite must run in the venv it installed, with no "
                f"packages from outside it (prefix {sys.prefix}, base {sys.base_prefix}, "
                f"outside package folders: {outside or 'none'})", returncode=4)
    folder = Path(tempfile.mkdtemp(prefix="checker-tests-guard-"))
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    python_guard.install(folder)


@pytest.fixture(autouse=True, scope="session")
def _schema_cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests (and the checker processes they start) keep the validation cache out of the
    home folder (checker/schemacache.py)."""
    os.environ["CHECKER_CACHE_DIR"] = str(tmp_path_factory.mktemp("checker-cache"))


# End to end (marked `slow`, see pyproject.toml): a workflow run step by step by the harness
# (tests/github/workflow_harness.py), a built course repository, or real LibreOffice. The suite
# runs them all; `-m "not slow"` leaves them out of a quick run.
SLOW_FIXTURES = {"soffice", "term", "checks"}
SLOW_HELPERS = ("Runner", "run_workflow", "run_submission")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or any(
                callable(getattr(module, name, None)) for name in SLOW_HELPERS):
            item.add_marker(pytest.mark.slow)
