"""Who may change what (pure): protection of everything outside submissions, and of other
groups' and students' files; membership; session assignments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from checker.findings import Finding, error
from checker.model import Course, Roster, login_key
from checker.routing import Route, Target


def allowed_paths(course: Course, roster: Roster, author: str, targets: Sequence[Target]) -> str:
    if not targets:
        groups = ", ".join(course.groups)
        return (f"{author} is in no declared group yet. Declare one first: "
                f"{course.submissions_dir}/<group>/group.yaml, with <group> one of {groups}.")
    # the author's own files are shown with the login as they write it
    shown = sorted({replace(t, student=author).path() if t.student else t.path()
                    for t in targets})
    return "Files you may submit: " + "; ".join(shown[:40]) + ("; ..." if len(shown) > 40 else "")


def protection(course: Course, roster: Roster, author: str, route: Route,
               allowed: str) -> list[Finding]:
    """Findings for a path that is not a deliverable instance."""
    if course.is_staff(author):
        return []
    path = route.path
    prefix = course.submissions_dir + "/"
    if not path.startswith(prefix):
        return [error(
            "path.protected",
            f"{path}: only course staff may change files outside {prefix}.",
            f"Take this file out of your pull request (`git checkout origin/main -- {path}`, "
            f"or `git rm --cached {path}` if you added it); submissions go under {prefix}.",
            path=path,
        )]
    owner = path[len(prefix):].split("/", 1)[0]
    if owner in course.groups and login_key(author) not in roster.members_of(owner):
        return [error(
            "path.protected",
            f"{path}: this is group {owner}'s folder and {author} is not a member of {owner}.",
            "Only change files in your own group's folder. " + allowed,
            path=path,
        )]
    why = f" ({route.unknown})" if route.unknown else ""
    return [error(
        "path.unknown",
        f"{path}: this is not a file the course expects{why}.",
        "Rename or move it to the path of the deliverable you mean. " + allowed,
        path=path,
    )]


def authorization(course: Course, roster: Roster, author: str, target: Target,
                  path: str) -> list[Finding]:
    """Findings for a recognised deliverable instance: may this author submit it?"""
    if course.is_staff(author):
        return []
    login = login_key(author)
    if target.student is not None and target.student != login:
        return [error(
            "auth.wrong-student",
            f"{path}: these are {target.student}'s questions, but the pull request is by {author}.",
            f"Submit your own questions as {replace(target, student=author).path()}.",
            path=path,
        )]
    if target.group is None:
        return []
    members = roster.members_of(target.group)
    if login not in members:
        if not members:
            hint = (f"Group {target.group} has not declared its members yet: add "
                    f"{course.submissions_dir}/{target.group}/group.yaml listing {author} first "
                    "(it may be in the same pull request).")
        else:
            mine = roster.groups_of(login)
            hint = (f"Submit for your own group ({', '.join(mine)}) instead." if mine else
                    f"{author} is not in any group; ask a member of {target.group} to add you to "
                    "its group.yaml, or ask staff.")
        return [error(
            "auth.not-member",
            f"{path}: {author} is not a member of group {target.group}.",
            hint,
            path=path,
        )]
    role = target.deliverable.sessions
    if target.session is not None and role in ("presenter", "summary", "reviewer"):
        assigned = target.session.group_for(role)
        if assigned != target.group:
            mine = [
                Target(target.deliverable, target.group, None, s).path()
                for s in course.sessions if s.group_for(role) == target.group
            ]
            return [error(
                "auth.not-assigned",
                f"{path}: group {target.group} is not the {role} group on {target.session.id} "
                f"(that is {assigned}).",
                f"Group {target.group}'s {target.deliverable.title.lower()} goes to "
                f"{' or '.join(mine) or 'no session: ask staff'}.",
                path=path,
            )]
    return []


def unsupported_format(target: Target, path: str) -> list[Finding]:
    d = target.deliverable
    if target.ext in d.formats:
        return []
    allowed = " or ".join(f".{f}" for f in d.formats)
    return [error(
        "format.unsupported",
        f"{path}: .{target.ext} is not accepted for the {d.title.lower()}; it must be {allowed}.",
        f"Export or save it as {allowed} and name it "
        + " or ".join(target.path(f) for f in d.formats) + ".",
        path=path,
    )]
