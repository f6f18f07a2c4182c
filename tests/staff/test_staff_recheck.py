"""``gradebook --recheck``: the record rebuilt from GitHub's own facts (pull requests, receipt
runs, push logs, commits by id) with the trusted checker equals the record the workflow
published in the bot's comments, and differs exactly where a comment was tampered with.

The published record is made the way the course makes it: the submission workflow's steps
(workflow harness) for the test course, and ``receipts`` + ``check`` + ``publish`` through the
CLI for a generated course of 300 students; the fake GitHub serves both.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fake_course_github import EXAMPLES, CourseGitHub

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from course_repo import GROUPS, pdf_bytes
from fake_github import ACTIONS_TOKEN, BOT_LOGIN
from test_gh_e2e import REPO, Course, debug, git, run_workflow
from test_gh_receipts import AFTER, BEFORE
from test_gh_record import staff_env  # noqa: F401  (fixture)

from checker import trailer
from checker.cli import main
from checker.github import comment

NOW = "2024-11-01T00:00:00Z"


def proposal_of(group: str, pages: int = 2) -> bytes:
    members = [f"{name} {login}@umich.edu" for login, name in GROUPS[group]]
    return pdf_bytes(pages, ["Project proposal", *members])


def staff_clone(course: Course) -> Path:
    """Staff's checkout of the course repository: its default branch, origin = GitHub."""
    root = course.tmp / f"staff-{len(list(course.tmp.glob('staff-*')))}"
    git(course.tmp, "clone", "-q", "--no-local", "-b", "main", str(course.origin), str(root))
    return root


def recheck(fake: CourseGitHub, root: Path, out: Path, monkeypatch: pytest.MonkeyPatch,
            *extra: str) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    code = main(["gradebook", "--recheck", "--repo", REPO, "--root", str(root), "--format",
                 "json", "--output", str(out), "--now", NOW, *extra])
    data: dict[str, Any] = json.loads(out.read_text())
    return code, data


def bot_comment(fake: CourseGitHub, pr: int) -> dict[str, Any]:
    [c] = [c for c in fake.comments_on(pr) if c["user"]["login"] == BOT_LOGIN]
    return c


def tamper(fake: CourseGitHub, pr: int, **changes: Any) -> None:
    """What a student with write access can do: edit the bot's comment, here its files block
    (every file of it gets ``changes``)."""
    c = bot_comment(fake, pr)
    payload = trailer.files_payload(c["body"])
    assert isinstance(payload, dict)
    for f in payload["files"]:
        f.update(changes)
    block = trailer.encode("files", payload)
    lines = c["body"].rstrip("\n").split("\n")
    assert lines[-1].startswith("<!-- submission-checker:files ")
    c["body"] = "\n".join([*lines[:-1], block]) + "\n"


def test_the_rebuilt_record_equals_the_published_one_and_finds_a_tampered_comment(
        staff_env: tuple[Course, CourseGitHub], tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    course, fake = staff_env
    g10, g11, g03 = (f"submissions/{g}/proposal.pdf" for g in ("g10", "g11", "g03"))
    # 1: g10 on time, from a branch of the course repository
    head = course.push(1, {g10: proposal_of("g10")})
    fake.receive_push(1, head, BEFORE)
    fake.log_push(head, BEFORE)
    jobs = run_workflow(course, fake, 1, head, BEFORE, action="opened")
    assert jobs["publish"].result == "success", debug(jobs)
    # 2: g11 late, from a fork
    fork = "edsger-d/seminar"
    head = course.push(2, {g11: proposal_of("g11")})
    fake.receive_push(2, head, AFTER, head_repo=fork)
    fake.log_push(head, AFTER, repo=fork)
    run_workflow(course, fake, 2, head, AFTER, action="opened", author="edsger-d",
                 head_repo=fork)
    # 3: g03 on time, then force-pushed after the deadline with the same proposal
    head1 = course.push(3, {g03: proposal_of("g03")})
    fake.receive_push(3, head1, BEFORE, conclusion="cancelled")
    git(course.work, "checkout", "-q", "pr3")
    git(course.work, "commit", "-q", "--amend", "-m", "rewritten")
    head2 = git(course.work, "rev-parse", "HEAD")
    git(course.work, "push", "-q", "-f", str(course.origin), "HEAD:refs/pull/3/head")
    git(course.work, "checkout", "-q", "main")
    fake.receive_push(3, head2, AFTER)
    run_workflow(course, fake, 3, head2, AFTER, author="ken-t", opened_at=BEFORE)
    # 4: g10's summary needs a fix (not a deliverable g10 owes yet: its rows stay as they are)
    # 5: into a staff draft branch: neither record counts it
    git(course.work, "branch", "draft", course.base)
    git(course.work, "push", "-q", str(course.origin), "draft")
    head = course.push(5, {g10: proposal_of("g10", 3)})
    fake.receive_push(5, head, AFTER)
    jobs = run_workflow(course, fake, 5, head, AFTER, base_ref="draft")
    assert jobs["publish"].result == "success", debug(jobs)
    assert fake.issue_labels[5] == ["needs-fix"]

    root = staff_clone(course)
    code, data = recheck(fake, root, tmp_path / "rb.json", monkeypatch)
    rows = {(r["deliverable"], r["group"]): r for r in data["rows"] if r["group"]}
    assert (rows["proposal", "g10"]["status"], rows["proposal", "g10"]["pr"]) == ("on-time", 1)
    assert (rows["proposal", "g11"]["status"], rows["proposal", "g11"]["pr"]) == ("late", 2)
    assert (rows["proposal", "g03"]["status"], rows["proposal", "g03"]["pr"]) == ("on-time", 3)
    assert data["recheck"]["judged"] == 3  # PR 5 targets another branch: not judged
    assert data["recheck"]["problems"] == []
    assert data["recheck"]["disagreements"] == [] and code == 0, data["recheck"]

    # a student with write access edits the bot's comment of PR 2: "on time, no problems"
    tamper(fake, 2, at="2024-09-19T12:00:00Z")
    code, data = recheck(fake, root, tmp_path / "rb2.json", monkeypatch)
    assert code == 1
    [d] = data["recheck"]["disagreements"]
    assert (d["deliverable"], d["group"]) == ("proposal", "g11")
    assert d["fields"]["status"] == {"comment": "on-time", "facts": "late"}
    # the rebuilt gradebook is the facts': the tampered comment changes none of its rows
    assert {(r["deliverable"], r["group"]): r["status"] for r in data["rows"] if r["group"]} == {
        k: r["status"] for k, r in rows.items()}
    # the comment itself is untouched by the recheck (it reports; staff decide)
    assert "2024-09-19T12:00:00Z" in json.dumps(trailer.files_payload(bot_comment(
        fake, 2)["body"]))
    assert comment.MARKER in bot_comment(fake, 2)["body"]


def test_recheck_reads_no_comment_or_label_for_the_rebuilt_record(
        staff_env: tuple[Course, CourseGitHub], tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every comment and label deleted after publishing: the rebuilt rows do not change."""
    course, fake = staff_env
    head = course.push(1, {"submissions/g10/proposal.pdf": proposal_of("g10")})
    fake.receive_push(1, head, BEFORE)
    run_workflow(course, fake, 1, head, BEFORE, action="opened")
    root = staff_clone(course)
    _, before = recheck(fake, root, tmp_path / "a.json", monkeypatch)
    fake.comments.clear()
    fake.issue_labels[1] = ["checks-passed", "on-time", "late"]  # nonsense a student set
    code, after = recheck(fake, root, tmp_path / "b.json", monkeypatch)
    assert [r for r in after["rows"]] == [r for r in before["rows"]]
    row = next(r for r in after["rows"] if r["deliverable"] == "proposal" and r["group"] == "g10")
    assert (row["status"], row["pr"]) == ("on-time", 1)
    # the published record (no comment now) disagrees with the facts: reported, exit 1
    assert code == 1 and any(d["group"] == "g10" for d in after["recheck"]["disagreements"])


# -- a generated course of 300 students --------------------------------------------------------

STUDENTS_GROUPS, MEMBERS = 75, 4  # 300 students; the rows are theirs x 74 sessions


@dataclass
class Big:
    root: Path  # staff's checkout
    fake: CourseGitHub
    pulls: int
    kinds: dict[str, int]  # how many PRs of each kind of history


def _sheet(target: Any, good: bool) -> str:
    readings = target.session.readings
    body = "".join(f"## {r.short or r.title}\n" + ("- What limits this approach at scale?\n"
                                                   if good else "") + "\n" for r in readings)
    return f"# Questions for {target.session.id}\n\n{body}"


def _cli(*argv: str) -> int:
    return main(list(argv))


def fast_import(repo: Path, stream: bytes) -> dict[str, str]:
    """Objects and refs into ``repo`` in one ``git fast-import`` (its marks -> commit ids)."""
    import subprocess

    marks = repo / "marks.txt"
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet", "--force",
                    f"--export-marks={marks}"], input=stream, check=True, capture_output=True)
    return dict(line.split() for line in marks.read_text().splitlines())


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Big]:
    """A course of 300 students (75 groups of 4); every fourth student submits one question
    sheet in a pull request of their own: most on time, some late, some needing a fix, some
    force-pushed after an on-time push, some from a private fork, some pushed while the PR had
    a merge conflict (no receipt run). Each is published the way the workflow publishes it:
    ``receipts``, ``check`` and ``publish`` through the CLI, from the check job's clone."""
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus not found")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import semester
    from bench_course import large_schedule
    from test_gh_e2e import event

    from checker.config import load_course, load_roster
    from checker.routing import instances
    from checker.rules.deadlines import deadline

    tmp = tmp_path_factory.mktemp("big")
    work, origin = tmp / "course", tmp / "origin.git"
    work.mkdir()
    (work / "schedule.yaml").write_text(large_schedule(STUDENTS_GROUPS), encoding="utf-8")
    course = load_course(work)
    semester.write_roster(work, course, members=MEMBERS)
    roster, problems = load_roster(work, course)
    assert not problems
    git(work, "init", "-q", "-b", "main")
    git(work, "config", "user.email", "staff@example.invalid")
    git(work, "config", "user.name", "Staff")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "course")
    base = git(work, "rev-parse", "HEAD")
    git(tmp, "init", "-q", "--bare", str(origin))
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    git(work, "push", "-q", str(origin), "main")
    logins = sorted(m for g in course.groups for m in roster.members_of(g))
    assert len(logins) == 300
    kinds: dict[str, int] = {}
    plan = []  # (n, login, target, kind, due)
    stream = bytearray()
    for n, login in enumerate(logins[::4], 1):
        [t, *_] = [t for t in instances(course, roster, student=login)
                   if t.deliverable.id == "questions"]
        kind = ("late" if n % 5 == 0 else "needs-fix" if n % 7 == 0 else
                "force-push" if n % 6 == 0 else "private-fork" if n % 11 == 0 else
                "conflict" if n % 13 == 0 else "on-time")
        kinds[kind] = kinds.get(kind, 0) + 1
        data = _sheet(t, kind != "needs-fix").encode()
        stream += b"blob\nmark :%d\ndata %d\n%s\n" % (n * 10, len(data), data)
        for k in range(2 if kind == "force-push" else 1):  # a force-push: the same tree again
            msg = b"questions" + b" (again)" * k
            stream += (b"commit refs/pull/%d/head\nmark :%d\ncommitter %s <%s@example.edu> "
                       b"1700000000 +0000\ndata %d\n%s\nfrom %s\nM 100644 :%d %s\n\n" % (
                           n, n * 10 + 1 + k, login.encode(), login.encode(), len(msg), msg,
                           base.encode(), n * 10, t.path("md").encode()))
        plan.append((n, login, t, kind, deadline(course, t).due))
    marks = fast_import(origin, bytes(stream))
    with CourseGitHub() as fake, pytest.MonkeyPatch.context() as mp:
        mp.setenv("GITHUB_API_URL", fake.url)
        mp.setenv("GITHUB_REPOSITORY", REPO)
        mp.delenv("GITHUB_ACTIONS", raising=False)
        published = []
        for n, login, _t, kind, due in plan:
            early = due - timedelta(hours=2)
            pushes = [(marks[f":{n * 10 + 1}"], due + timedelta(hours=3) if kind == "late"
                       else early)]
            if kind == "force-push":  # the same sheet, rewritten and force-pushed late
                pushes.append((marks[f":{n * 10 + 2}"], due + timedelta(hours=5)))
            head, last = pushes[-1]
            branch = f"q-{login}"
            head_repo = f"{login}/seminar" if kind == "private-fork" else REPO
            fake.add_pull(n, author=login, head_sha=head, head_ref=branch, base_sha=base,
                          head_repo=head_repo)
            fake.pulls[n]["created_at"] = _iso(early - timedelta(hours=1))
            if kind == "private-fork":
                fake.private_forks.add(head_repo)
            for sha, when in pushes:
                if kind != "conflict":
                    fake.receive_push(n, sha, _iso(when), head_branch=branch,
                                      head_repo=head_repo)
                fake.log_push(sha, _iso(when), branch=branch, repo=head_repo, actor=login)
            published.append((n, login, head, _iso(last), branch, head_repo))
        ci = tmp / "ci"  # the check job's clone: main, and every PR's head fetched as data
        git(tmp, "clone", "-q", "--no-local", "-b", "main", str(origin), str(ci))
        git(ci, "fetch", "-q", "origin", "+refs/pull/*/head:refs/remotes/pull/*")
        shim = type("C", (), {"base": base})()
        for n, login, head, at, branch, head_repo in published:
            ev, rec, res = tmp / "event.json", tmp / "receipts.json", tmp / "result.json"
            payload = event(shim, n, head, at, author=login,  # type: ignore[arg-type]
                            branch=branch, head_repo=head_repo,
                            opened_at=fake.pulls[n]["created_at"])
            ev.write_text(json.dumps(payload), encoding="utf-8")
            mp.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
            assert _cli("receipts", "--event", str(ev), "--root", str(ci), "--output",
                        str(rec)) == 0
            rc = _cli("check", "--root", str(ci), "--event", str(ev), "--receipts", str(rec),
                      "--format", "json", "--output", str(tmp / "report.json"), "--json",
                      str(res))
            assert rc in (0, 1)
            mp.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
            assert _cli("publish", str(res), "--pr", str(n), "--sha", head, "--event", str(ev),
                        "--check-exit-code", str(rc)) == 0
        root = tmp / "staff"
        git(tmp, "clone", "-q", "--no-local", "-b", "main", str(origin), str(root))
        yield Big(root, fake, len(published), kinds)


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_300_student_course_rebuilt_from_facts_equals_its_comments_but_a_tampered_one(
        big: Big, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big.fake.clear_log()
    code, data = recheck(big.fake, big.root, tmp_path / "big.json", monkeypatch,
                         "--now", "2024-12-20T12:00:00Z")
    requests = len(big.fake.requests())
    rows = [r for r in data["rows"] if r["deliverable"] == "questions" and r["pr"]]
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    print(f"\nrecheck: {big.pulls} pull requests ({big.kinds}); {len(data['rows'])} rows, "
          f"submitted rows by status {statuses}; {len(data['recheck']['disagreements'])} "
          f"disagreements; {requests} API requests")
    # pulls and comments (one page each), the course's receipt runs (a page per window), its
    # push log, and one push log per fork: never a request per pull request of the course repo
    assert requests <= 2 + 3 + 1 + big.kinds["private-fork"] + 2
    assert data["recheck"]["judged"] == big.pulls == len(rows) == 75
    assert len({r["student"] for r in data["rows"] if r["student"]}) == 300
    assert data["recheck"]["disagreements"] == [] and code == 0
    assert statuses.get("late") == big.kinds["late"]
    assert statuses.get("needs-fix") == big.kinds["needs-fix"]
    assert statuses.get("on-time") == 75 - big.kinds["late"] - big.kinds["needs-fix"]
    assert all(big.kinds[k] for k in ("force-push", "private-fork", "conflict"))

    victim = next(r for r in rows if r["status"] == "late")
    tamper(big.fake, victim["pr"], at="2024-09-01T00:00:00Z")
    try:
        code, data = recheck(big.fake, big.root, tmp_path / "big2.json", monkeypatch,
                             "--now", "2024-12-20T12:00:00Z")
    finally:
        tamper(big.fake, victim["pr"], at=victim_at(victim))
    assert code == 1
    [d] = data["recheck"]["disagreements"]
    assert (d["student"], d["session"]) == (victim["student"], victim["session"])
    assert d["fields"]["status"] == {"comment": "on-time", "facts": "late"}


def victim_at(row: dict[str, Any]) -> str:
    return _iso(datetime.fromisoformat(row["submitted_at"]))
