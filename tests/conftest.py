"""Shared fixtures: where the repository and the external corpus are."""

from __future__ import annotations

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
