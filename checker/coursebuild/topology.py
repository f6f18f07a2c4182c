"""``topology:`` and ``repositories:`` -> where the course's submissions live: one shared
course repository, or one private repository per group (docs/topology.md)."""

from __future__ import annotations

from checker.coursebuild.base import Builder
from checker.model import Repositories, login_key


class TopologyParts(Builder):
    """The group repositories of a ``private`` course."""

    def repositories(self, topology: str, groups: tuple[str, ...]) -> Repositories | None:
        """``repositories:`` (topology: private), with what the schema cannot check: every
        group's repository name is one GitHub accepts, and no two groups share one."""
        spec = self.data.get("repositories")
        if topology != "private":
            if spec is not None:
                self.problem(("repositories",), "repositories: is for `topology: private` (one "
                             "repository per group); add that line, or remove this section")
            return None
        if spec is None:
            self.problem(("topology",), "topology: private needs `repositories:` with the "
                         "organisation and the name pattern, e.g. {owner: my-org, pattern: "
                         "\"cse585-{group}\"}")
            return None
        repos = Repositories(owner=spec["owner"], pattern=spec["pattern"],
                             course=spec.get("course"), ref=spec.get("ref", "main"),
                             template=spec.get("template"), staff_team=spec.get("staff_team"))
        if repos.pattern.count("{group}") != 1:
            self.problem(("repositories", "pattern"), f"{repos.pattern!r} must name {{group}} "
                         "exactly once")
            return repos
        seen: dict[str, str] = {}
        for g in groups:
            name = repos.name_of(g)
            if len(name) > 100 or name in (".", "..") or name.endswith(".git"):
                self.problem(("repositories", "pattern"), f"group {g}'s repository would be "
                             f"named {name!r}, which GitHub refuses (at most 100 characters, "
                             "not . or .., not ending in .git)")
            key = login_key(name)
            if key in seen:
                self.problem(("repositories", "pattern"), f"groups {seen[key]} and {g} would "
                             f"share the repository {name!r} (GitHub ignores case in names)")
            seen[key] = g
        course_repo = repos.course
        if course_repo is not None and repos.group_of(course_repo, groups) is not None:
            self.problem(("repositories", "course"), f"{course_repo} is also a group's "
                         "repository; the course repository must be another one")
        return repos
