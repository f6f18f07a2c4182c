"""``publish-slides``: in a ``private`` course, copy each group's slides that pass the course's
checks from its own repository to a folder of the course repository, where the class reads
them (staff, a token that reads every group repository and writes the course repository).

Which slides: those whose row in the record the groups' checks published is ``on-time`` or
``late``; each is judged again from GitHub's own facts before it is copied (the group's pull
request, its commits fetched by id from the group repository, GitHub's record of the pushes),
by the checker, ``schedule.yaml`` and roster of ``--root``: a comment a group edited in its own
repository publishes nothing. The file copied is the one that passed, at that commit. Prints
the plan; ``--apply`` writes it (one commit per changed file, then the folder's README), and a
second run writes nothing. Nothing is ever removed from the folder.
"""

from __future__ import annotations

import argparse
import sys

from checker.errors import UsageError
from checker.staff.common import add_common


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "publish-slides", help="private course: copy the slides that pass to the course "
        "repository for the class (staff)",
        description="In a private course (schedule.yaml topology: private), reads every group "
        "repository, judges each group's slides again from GitHub's facts with the checker of "
        "--root (the staff's checkout: the course's files and the roster), and plans copying "
        "those that pass (on time or late, no error) to FOLDER/<session>-<group>.<ext> of the "
        "course repository, with FOLDER/README.md listing them by session. --apply writes. "
        "Reads GITHUB_TOKEN (read every group repository, write the course repository), "
        "GITHUB_API_URL and GITHUB_SERVER_URL. Exit 1 when a row the groups' checks published "
        "as passing does not pass on GitHub's facts, or a write failed.")
    add_common(p)
    p.add_argument("--to", metavar="OWNER/NAME",
                   help="the repository the class reads (default: schedule.yaml's "
                   "repositories.course)")
    p.add_argument("--folder", default="slides",
                   help="its folder for the slides (default: slides)")
    p.add_argument("--deliverable", default="slides",
                   help="the deliverable to publish (default: slides)")
    p.add_argument("--now", help="the time to judge against (ISO 8601; default now)")
    p.add_argument("--apply", action="store_true", help="write (default: only print the plan)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    import re
    from pathlib import Path

    from checker import gitio
    from checker.commands.course_state import load_state, server_url
    from checker.commands.rebuild import rebuild_org
    from checker.github.client import PublishError
    from checker.github.orgrepos import OrgRepos
    from checker.staff import slides as sl
    from checker.staff.common import course_and_roster
    from checker.staff.core import build_rows

    course, _ = course_and_roster(args.root)
    if course.topology != "private":
        raise UsageError("publish-slides is for a private course (schedule.yaml topology: "
                         "private): in a shared course the class already reads every group's "
                         "slides in the course repository")
    if args.deliverable not in course.deliverables:
        raise UsageError(f"--deliverable {args.deliverable!r} is not a deliverable of "
                         "schedule.yaml")
    try:
        folder = sl.check_folder(args.folder)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    to = args.to or (course.repositories.course if course.repositories else None)
    if not to or not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", to):
        raise UsageError("--to OWNER/NAME: the course repository the class reads (or "
                         "schedule.yaml's repositories.course)")
    where = server_url()
    st = load_state(args)  # the record the groups' checks published: the candidates
    assert st.org is not None
    wanted = {(r.target.group, r.target.session) for r in sl.passed(st.rows, args.deliverable)}
    numbers = {(g, r.chosen.pull.number) for r in sl.passed(st.rows, args.deliverable)
               if r.chosen is not None and (g := r.target.group)}
    by_group = {g: [p.pull for p in ps if (g, p.pull.number) in numbers]
                for g, ps in st.org.by_group.items()}
    done = rebuild_org(Path(args.root), st.course, st.roster,
                       {g: ps for g, ps in by_group.items() if ps},
                       os.environ.get("GITHUB_API_URL") or "https://api.github.com",
                       os.environ.get("GITHUB_TOKEN") or "", where, now=st.now)
    facts = build_rows(st.course, st.roster, done.pulls, st.now)
    ok = sl.slides_of(facts, args.deliverable)
    passing = {(s.group, s.session) for s in ok}
    code = 0
    for problem in done.problems:
        print(f"publish-slides: not read in full: {problem}", file=sys.stderr)
    for group, session in sorted((g, s.date) for g, s in wanted if g and s):
        if (group, session) not in passing:
            code = 1
            print(f"publish-slides: not published: the {args.deliverable} of {group} for "
                  f"{session}: the bot's comment in {course.repository_of(group)} "
                  "says they pass, but judged again from GitHub's facts they do not (run "
                  "`python -m checker gradebook --recheck` to see why)", file=sys.stderr)
    files: dict[str, bytes] = {}
    why: dict[str, str] = {}
    for s in ok:
        data = gitio.file_at(Path(args.root), s.head_sha, s.path)
        if data is None:
            code = 1
            print(f"publish-slides: not published: {s.path} at {s.head_sha[:12]} of "
                  f"{course.repository_of(s.group)}: git has not got it (was it fetched?)",
                  file=sys.stderr)
            continue
        files[s.name()] = data
        why[s.name()] = f"{s.group}, {s.session}: {s.pull_url}"
    repos = OrgRepos(st.session, st.session.gh, to.split("/", 1)[0])
    have = repos.folder_shas(to, folder)
    changes = sl.plan(folder, files, have, why)
    names = sorted(set(sl.published_names(have)) | set(files))
    readme = sl.index(course, names).encode("utf-8")
    changes += sl.plan(folder, {sl.INDEX: readme}, have,
                       {sl.INDEX: "the list of published slides, by session"})
    todo = [c for c in changes if c.action != "same"]
    print(f"publish-slides: {to}, folder {folder}/: {len(ok)} passed, {len(todo)} to write"
          + ("" if args.apply else " (a plan: add --apply to write)"))
    for c in changes:
        print(f"  {c.action:<7} {c.path}  ({c.why})")
    if not args.apply:
        return code
    wrote = 0
    for c in todo:
        try:
            repos.put_file(to, c.path, c.data, c.sha, message=(
                f"{c.path}: {c.why} (python -m checker publish-slides)"))
            wrote += 1
        except PublishError as exc:
            code = 1
            print(f"publish-slides: could not write {c.path} in {to}: {exc}", file=sys.stderr)
    print(f"publish-slides: wrote {wrote} of {len(todo)} file(s); {st.session.calls} API "
          "requests in all", file=sys.stderr)
    return code
