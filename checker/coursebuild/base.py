"""What every part of the course builder shares: the document and the problems found in it."""

from __future__ import annotations

from typing import Any

from checker import yamlfile
from checker.yamlfile import Problem


class Builder:
    """Holds a schema-validated schedule.yaml; every problem found while building the course is
    collected with its file, YAML path and line (``checker.config.parse_course`` raises them
    all together)."""

    def __init__(self, doc: yamlfile.YamlDocument,
                 extra: yamlfile.YamlDocument | None = None) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.extra = extra  # the staff's own extensions file, if any (checker.config)
        self.problems: list[Problem] = []

    def problem(self, path: tuple[Any, ...], message: str,
                doc: yamlfile.YamlDocument | None = None) -> None:
        doc = doc or self.doc
        self.problems.append(Problem(doc.file, doc.line(path), yamlfile.dotted(path), message))
