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
            shares = c.get("shares", {})
            for d in shares:
                if d not in c["deliverables"]:
                    self.problem(("grading", i, "shares", d), f"{d!r} is not one of this "
                                 f"category's deliverables ({', '.join(c['deliverables'])})")
            if shares and set(shares) != set(c["deliverables"]):
                missing = sorted(set(c["deliverables"]) - set(shares))
                self.problem(("grading", i, "shares"), "give a share to every deliverable of "
                             f"the category (missing: {', '.join(missing)})")
            out.append(GradeCategory(c["name"], float(c["weight"]), tuple(c["deliverables"]),
                                     c.get("note"),
                                     tuple((d, float(v)) for d, v in shares.items())))
        total = sum(c.weight for c in out)
        if out and abs(total - 100) > 1e-6:
            self.problem(("grading",), f"the weights add up to {total:g} %, not 100 %")
        return tuple(out)
