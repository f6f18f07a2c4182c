"""Who may change what (pure): protection of everything outside submissions, and of other
groups' and students' files; membership; session assignments."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

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


def did_you_mean(course: Course, author: str, path: str, targets: Sequence[Target],
                 at: datetime | None = None) -> str | None:
    """The closest of the author's own paths to ``path`` (difflib), upcoming ones first."""
    ext = posixpath.splitext(path)[1].lstrip(".").lower()
    candidates: list[str] = []
    if at is not None:
        from checker.rules.deadlines import deadline

        targets = sorted(targets, key=lambda t: deadline(course, t).due < at)  # upcoming first
    for t in targets:
        t = replace(t, student=author) if t.student else t
        fmt = ext if ext in t.deliverable.formats else t.deliverable.formats[0]
        candidate = t.path(fmt)
        if candidate not in candidates:
            candidates.append(candidate)
    # get_close_matches keeps the best ratio; among equals, the first (upcoming) candidate
    import difflib  # only when a path needs a suggestion

    best = difflib.get_close_matches(path, candidates, n=1, cutoff=0.5)
    return best[0] if best else None


def protection(course: Course, roster: Roster, author: str, route: Route,
               allowed: str, mine: Sequence[Target] = (),
               at: datetime | None = None) -> list[Finding]:
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
    guess = did_you_mean(course, author, path, mine, at)
    move = (f"Did you mean {guess}? Move it there (`git mv {path} {guess}`)." if guess
            else None)
    if owner in course.groups and login_key(author) not in roster.members_of(owner):
        mine_groups = roster.groups_of(author)
        if not roster.members_of(owner) and not mine_groups:
            advice = (f"If you are in group {owner}, declare it first: "
                      f"{course.submissions_dir}/{owner}/group.yaml listing your login "
                      "(it may be in the same pull request).")
        else:
            advice = (f"You are in {', '.join(mine_groups)}: only change files in your own "
                      "group's folder." if mine_groups else
                      "Only change files in your own group's folder.")
        return [error(
            "path.protected",
            f"{path}: this is group {owner}'s folder and {author} is not a member of {owner}.",
            f"{move} {advice}" if move else f"{advice} {allowed}",
            path=path,
        )]
    why = f" ({route.unknown})" if route.unknown else ""
    return [error(
        "path.unknown",
        f"{path}: this is not a file the course expects{why}.",
        move or "Rename or move it to the path of the deliverable you mean. " + allowed,
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
        mine = roster.groups_of(login)
        if mine:  # never lead a student of another group into group.duplicate-member
            own = ", ".join(mine)
            hint = (f"You are in {own}: submit your group's files under "
                    f"{course.submissions_dir}/{mine[0]}/ instead. Do not add yourself to "
                    f"{target.group}'s group.yaml: a student is in one group only.")
        elif not members:
            hint = (f"Group {target.group} has not declared its members yet: add "
                    f"{course.submissions_dir}/{target.group}/group.yaml listing {author} first "
                    "(it may be in the same pull request).")
        else:
            hint = (f"{author} is not in any group; ask a member of {target.group} to add you "
                    "to its group.yaml, or ask staff.")
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
