"""``grading:`` -> GradeCategory: the weights the gradebook groups its columns by."""

from __future__ import annotations

from checker.coursebuild.base import Builder
from checker.model import GradeCategory


class GradingParts(Builder):
    """The grading categories and their weights."""

    def grading(self, deliverables: set[str]) -> tuple[GradeCategory, ...]:
        out = []
        seen: dict[str, str] = {}
        for i, c in enumerate(self.data.get("grading", [])):
            for j, d in enumerate(c["deliverables"]):
                if d not in deliverables:
                    self.problem(("grading", i, "deliverables", j), f"{d!r} is not a "
                                 f"deliverable ({', '.join(sorted(deliverables))})")
                elif d in seen:
                    self.problem(("grading", i, "deliverables", j), f"{d} already counts in "
                                 f"{seen[d]!r}; a deliverable counts in one category")
                else:
                    seen[d] = c["name"]
            out.append(GradeCategory(c["name"], float(c["weight"]), tuple(c["deliverables"]),
                                     c.get("note")))
        total = sum(c.weight for c in out)
        if out and abs(total - 100) > 1e-6:
            self.problem(("grading",), f"the weights add up to {total:g} %, not 100 %")
        return tuple(out)
