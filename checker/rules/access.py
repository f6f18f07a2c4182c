"""Who may change what (pure): protection of everything outside submissions, and of other
groups' and students' files; membership; session assignments."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from checker import shell
from checker.findings import Finding, error
from checker.model import Course, Roster, login_key
from checker.routing import Route, Target
from checker.rules.provenance import course_choice


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
    """The author's own path that ``path`` most likely means, upcoming ones first.

    A name that says which deliverable it is (``summary.pdf``, ``paper-summary.pdf``,
    ``final_report.docx``) gets that deliverable's path (for a summary, the group's assigned
    session), never a closer-looking path of another deliverable; any other name gets the
    closest path (difflib)."""
    ext = posixpath.splitext(path)[1].lstrip(".").lower()
    candidates: list[tuple[str, str]] = []  # (path, deliverable id)
    if at is not None:
        from checker.rules.deadlines import deadline

        targets = sorted(targets, key=lambda t: deadline(course, t).due < at)  # upcoming first
    for t in targets:
        t = replace(t, student=author) if t.student else t
        fmt = ext if ext in t.deliverable.formats else t.deliverable.formats[0]
        candidate = (t.path(fmt), t.deliverable.id)
        if candidate not in candidates:
            candidates.append(candidate)
    import difflib  # only when a path needs a suggestion

    named = named_deliverables(course, path)
    chosen = [c for c, d in candidates if d in named]
    if chosen:  # the closest of them; among equals, the first (upcoming)
        return max(chosen, key=lambda c: difflib.SequenceMatcher(None, path, c).ratio())
    best = difflib.get_close_matches(path, [c for c, _ in candidates], n=1, cutoff=0.5)
    return best[0] if best else None


def _words(text: str) -> set[str]:
    """The words of a name, lower case and singular (``summaries`` -> ``summary``)."""
    out = set()
    for word in re.findall(r"[a-z]{3,}", text.lower()):
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.add(word)
    return out


def named_deliverables(course: Course, path: str) -> set[str]:
    """The deliverables whose name the submitted path uses (``paper-summary.pdf`` -> summary).

    A word of a deliverable's id or path (``slides``, ``summaries``) weighs twice a word of its
    title only (``Mid-semester presentation slides``), and a word of one deliverable twice a
    word several share (``final``); the best score wins."""
    prefix = course.submissions_dir + "/"
    said = _words(posixpath.splitext(path.removeprefix(prefix))[0])
    named = {d.id: _words(d.id + " " + re.sub(r"{[a-z]+}", " ", d.path.removeprefix(prefix)))
             for d in course.deliverables.values()}
    titled = {d.id: _words(d.title) | named[d.id] for d in course.deliverables.values()}
    scores: dict[str, int] = {}
    for word in said:
        having = [d for d, words in titled.items() if word in words]
        for d in having:
            weight = (2 if word in named[d] else 1) * (2 if len(having) == 1 else 1)
            scores[d] = scores.get(d, 0) + weight
    top = max(scores.values(), default=0)
    return {d for d, score in scores.items() if score == top > 0}


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
            f"Take this file out of your pull request: `git checkout upstream/main -- "
            f"{shell.sh(path)}` (upstream: the course repository; origin/main if you cloned "
            f"the course repository itself), or `git rm --cached {shell.sh(path)}` if you "
            f"added it; submissions go under {prefix}.",
            path=path,
        )]
    owner = path[len(prefix):].split("/", 1)[0]
    guess = did_you_mean(course, author, path, mine, at)
    move = (f"Did you mean {guess}? Move it there (`{shell.move(path, guess)}`)." if guess
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


def unsupported_format(target: Target, path: str, course: Course | None = None
                       ) -> list[Finding]:
    d = target.deliverable
    if target.ext in d.formats:
        return []
    lower = (target.ext or "").lower()
    if lower in d.formats:  # proposal.PDF: the right format, named in upper case
        # the format is the page's; the file's name is the staff's layout of submissions/
        return [replace(error(
            "format.unsupported",
            f"{path}: the extension .{target.ext} is in upper case; the course names this "
            f"file {target.path(lower)}: rename to lower case.",
            f"Rename it to lower case: `{shell.move(path, target.path(lower))}`.",
            path=path,
        ), source="staff", staff_rule=course_choice(course, "submission"))]
    allowed = " or ".join(f".{f}" for f in d.formats)
    return [error(
        "format.unsupported",
        f"{path}: .{target.ext} is not accepted for the {d.title.lower()}; it must be {allowed}.",
        f"Export or save it as {allowed} and name it "
        + " or ".join(target.path(f) for f in d.formats) + ".",
        path=path,
    )]
