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

Judging parses the groups' files; writing needs a token that can change the course repository.
The staff workflow keeps the two apart, as the submission workflow keeps check and publish:
``--output DIR`` judges and writes the files that passed and ``plan.json`` to DIR (no write
to GitHub); ``--from DIR`` writes them, parsing no submitted file: it takes from DIR only files
named as published slides of a group and a session of the course, each with the blob SHA the
plan gives, and makes the folder's README itself.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from checker.errors import UsageError
from checker.staff.common import add_common

if TYPE_CHECKING:
    from pathlib import Path

    from checker.model import Course
    from checker.staff.slides import Planned


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
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--output", metavar="DIR",
                      help="only judge: write the slides that pass and plan.json to DIR (for a "
                      "second job that holds the write token: --from DIR)")
    mode.add_argument("--from", dest="source", metavar="DIR",
                      help="only write: the slides --output left in DIR (no group repository is "
                      "read, no submitted file parsed)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import re
    from pathlib import Path

    from checker.config import load_course
    from checker.staff import slides as sl

    course = load_course(Path(args.root))
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
    if args.source:
        planned = read_plan(course, args.deliverable, Path(args.source))
        return write(args, course, to, folder, planned)
    code, planned = judge(args)
    if args.output:
        write_plan(Path(args.output), planned)
        print(f"publish-slides: {len(planned)} passed; written to {args.output} for "
              "`publish-slides --from`", file=sys.stderr)
        return code
    return max(code, write(args, course, to, folder, planned))


def judge(args: argparse.Namespace) -> tuple[int, list[Planned]]:
    """The slides that pass, judged again from GitHub's facts: (exit code, their bytes)."""
    import os
    from pathlib import Path

    from checker import gitio
    from checker.commands.course_state import load_state, server_url
    from checker.commands.rebuild import rebuild_org
    from checker.github.receipts import api_of_env
    from checker.staff import slides as sl
    from checker.staff.core import build_rows

    where = server_url()
    st = load_state(args)  # the record the groups' checks published: the candidates
    assert st.org is not None
    course = st.course
    candidates = sl.passed(st.rows, args.deliverable)
    numbers = {(r.target.group, r.chosen.pull.number) for r in candidates if r.chosen}
    by_group = {g: [p.pull for p in ps if (g, p.pull.number) in numbers]
                for g, ps in st.org.by_group.items()}
    done = rebuild_org(Path(args.root), course, st.roster,
                       {g: ps for g, ps in by_group.items() if ps}, api_of_env(),
                       os.environ.get("GITHUB_TOKEN") or "", where, now=st.now)
    ok = sl.slides_of(build_rows(course, st.roster, done.pulls, st.now), args.deliverable)
    passing = {(s.group, s.session) for s in ok}
    code = 0
    for problem in done.problems:
        print(f"publish-slides: not read in full: {problem}", file=sys.stderr)
    for group, day in sorted({(r.target.group, r.target.session.date) for r in candidates
                              if r.target.group and r.target.session}):
        if (group, day) not in passing:
            code = 1
            print(f"publish-slides: not published: the {args.deliverable} of {group} for "
                  f"{day}: the bot's comment in {course.repository_of(group)} says they pass, "
                  "but judged again from GitHub's facts they do not (run `python -m checker "
                  "gradebook --recheck` to see why)", file=sys.stderr)
    planned = []
    for s in ok:
        data = gitio.file_at(Path(args.root), s.head_sha, s.path)
        if data is None:
            code = 1
            print(f"publish-slides: not published: {s.path} at {s.head_sha[:12]} of "
                  f"{course.repository_of(s.group)}: its commit could not be fetched into "
                  f"{args.root} (see the lines above); run publish-slides again",
                  file=sys.stderr)
            continue
        planned.append(sl.Planned(s.name(), data, f"{s.group}, {s.session}: {s.pull_url}"))
    return code, planned


def write(args: argparse.Namespace, course: Course, to: str, folder: str,
          planned: list[Planned]) -> int:
    """The plan against the course repository's folder; with --apply, the writes."""
    from checker.commands.course_state import connect_from_env
    from checker.github.client import PublishError
    from checker.github.orgrepos import OrgRepos
    from checker.staff import slides as sl

    session, _ = connect_from_env(args)
    repos = OrgRepos(session, session.gh, to.split("/", 1)[0])
    have = repos.folder_shas(to, folder)
    files = {p.name: p.data for p in planned}
    changes = sl.plan(folder, files, have, {p.name: p.why for p in planned})
    readme = sl.index(course, sorted(set(sl.published_names(have)) | set(files)))
    changes += sl.plan(folder, {sl.INDEX: readme.encode("utf-8")}, have,
                       {sl.INDEX: "the list of published slides, by session"})
    todo = [c for c in changes if c.action != "same"]
    print(f"publish-slides: {to}, folder {folder}/: {len(planned)} passed, {len(todo)} to write"
          + ("" if args.apply else " (a plan: add --apply to write)"))
    for c in changes:
        print(f"  {c.action:<7} {c.path}  ({c.why})")
    if not args.apply:
        return 0
    code = wrote = 0
    for c in todo:
        try:
            repos.put_file(to, c.path, c.data, c.sha, message=(
                f"{c.path}: {c.why} (python -m checker publish-slides)"))
            wrote += 1
        except PublishError as exc:
            code = 1
            print(f"publish-slides: could not write {c.path} in {to}: {exc}", file=sys.stderr)
    print(f"publish-slides: wrote {wrote} of {len(todo)} file(s); {session.calls} API "
          "requests in all", file=sys.stderr)
    return code


PLAN = "plan.json"


def write_plan(out: Path, planned: list[Planned]) -> None:
    """DIR/plan.json (name, blob SHA and note of each file) and DIR/<name>, for ``--from``."""
    import json

    from checker.staff.slides import blob_sha

    out.mkdir(parents=True, exist_ok=True)
    for p in planned:
        (out / p.name).write_bytes(p.data)
    doc = {"slides": [{"name": p.name, "sha": blob_sha(p.data), "why": p.why} for p in planned]}
    (out / PLAN).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def read_plan(course: Course, deliverable: str, source: Path) -> list[Planned]:
    """What ``--output`` left in ``source``, each file checked (``slides.refused``) and read
    as bytes, never parsed; a file refused stops the run before anything is written."""
    import json
    import re

    from checker.staff.slides import Planned, refused

    where = source / PLAN
    try:
        doc = json.loads(where.read_text(encoding="utf-8"))
        entries = doc["slides"]
        assert isinstance(entries, list) and len(entries) <= 1000
        triples = [(str(e["name"]), str(e["sha"]), str(e["why"])) for e in entries]
    except (OSError, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise UsageError(f"{where}: not a plan written by `publish-slides --output` "
                         f"({type(exc).__name__}); run that first") from None
    out = []
    for name, sha, why in triples:
        path = source / name
        plain = re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", name) is not None
        data = (path.read_bytes() if plain and path.is_file() and not path.is_symlink()
                else None)
        problem = refused(course, deliverable, name, data, sha, why)
        if problem or data is None:
            raise UsageError(f"{where}: {name[:80]!r} will not be published: {problem}. Run "
                             "`publish-slides --output` again to make a new plan")
        out.append(Planned(name, data, why))
    return out
