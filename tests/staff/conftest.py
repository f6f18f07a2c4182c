"""The known semester the gradebook tests share: 200+ PRs on the fixture course, served by
the fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
import semester
from fake_course_github import EXAMPLES, CourseGitHub

NOW = datetime(2024, 11, 15, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CourseGitHub,
                                                                     semester.Semester]]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with CourseGitHub() as fake:
        root = semester.make_root(tmp_path_factory.mktemp("gb"))
        yield fake, semester.build(fake, root, NOW)
