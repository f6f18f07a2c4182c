"""A ``private`` course whose record was made the way the course makes it, for the staff
commands that rebuild it from GitHub's own facts (``gradebook --recheck``, ``publish-slides``).

Four groups, each with its own private repository in a fake organisation (real PyGithub
answers, ``tests/github/fake_org.py``) backed by a real bare git repository under one "server"
folder (``GITHUB_SERVER_URL=file://SERVER``). Each pull request is pushed to its group's
repository, GitHub's record of the push is made (a receipt run and a push-log entry), and the
check job's steps run through the CLI in the course repository's checkout, as
``submission-private.yml`` runs them: ``receipts``, ``check`` and ``publish`` with the group
repository's token, the group's pull request fetched into that checkout as data.

The staff's checkout (``World.staff``) is the course's files with the roster laid over them.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from course_repo import GROUPS, group_yaml, pdf_bytes
from fake_github import ACTIONS_TOKEN, BOT_LOGIN
from fake_org import OrgGitHub, OrgRepo
from private_course import PATTERN, Repo, git, group_repo, private_schedule
from test_gh_e2e import event

from checker.cli import main

MEMBERS = {**GROUPS, "g04": [("frances-a", "Frances Allen"), ("john-m", "John McCarthy")]}
BEFORE = "2024-09-20T03:59:30Z"  # the proposal is due 23:59:59 in Detroit (03:59:59Z)
AFTER = "2024-09-20T04:00:20Z"


@dataclass
class Pull:
    group: str
    number: int
    author: str
    files: dict[str, bytes]
    at: str  # when GitHub received the push
    head: str = ""


@dataclass
class World:
    tmp: Path
    org: OrgGitHub
    server: Path
    ci: Path  # the check job's checkout of the course repository
    staff: Path  # the staff's checkout: the course's files and the roster
    repos: dict[str, Repo] = field(default_factory=dict)  # group -> its git repository
    pulls: list[Pull] = field(default_factory=list)

    def org_repo(self, group: str) -> OrgRepo:
        return self.org.repository(PATTERN.replace("{group}", group))

    def submit(self, group: str, number: int, author: str, files: dict[str, bytes],
               at: str) -> Pull:
        """A pull request pushed to the group's repository, GitHub's record of the push, and
        the check job's verdict published on it."""
        repo, fake = self.repos[group], self.org_repo(group)
        pull = Pull(group, number, author, files, at)
        pull.head = repo.push(number, dict(files))
        branch = f"pr{number}"
        fake.add_pull(number, author=author, head_sha=pull.head, head_ref=branch,
                      base_sha=repo.base, head_repo=repo.full_name, updated_at=at)
        fake.pulls[number]["created_at"] = at
        fake.receive_push(number, pull.head, at, head_branch=branch)
        fake.log_push(pull.head, at, branch=branch, actor=author)
        self.check_and_publish(repo, pull, branch)
        self.pulls.append(pull)
        return pull

    def check_and_publish(self, repo: Repo, pull: Pull, branch: str) -> None:
        git(self.ci, "fetch", "-q", str(repo.bare), f"+refs/pull/{pull.number}/head",
            f"+main:refs/remotes/{pull.group}/main")
        payload = event(repo, pull.number, pull.head, pull.at,  # type: ignore[arg-type]
                        action="opened", author=pull.author, branch=branch,
                        head_repo=repo.full_name, title=f"Submission of {pull.group}")
        payload["repository"]["full_name"] = repo.full_name
        payload["pull_request"]["base"]["repo"]["full_name"] = repo.full_name
        ev = self.tmp / "event.json"
        ev.write_text(json.dumps(payload), encoding="utf-8")
        rec, res = self.tmp / "receipts.json", self.tmp / "result.json"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("GITHUB_API_URL", self.org.url)
            mp.setenv("GITHUB_REPOSITORY", repo.full_name)
            mp.delenv("GITHUB_ACTIONS", raising=False)
            mp.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
            assert main(["receipts", "--event", str(ev), "--root", str(self.ci), "--output",
                         str(rec)]) == 0
            rc = main(["check", "--root", str(self.ci), "--event", str(ev), "--receipts",
                       str(rec), "--format", "json", "--output", str(self.tmp / "report.json"),
                       "--json", str(res)])
            assert rc in (0, 1)
            mp.setenv("GITHUB_TOKEN", ACTIONS_TOKEN)
            assert main(["publish", str(res), "--pr", str(pull.number), "--sha", pull.head,
                         "--event", str(ev), "--check-exit-code", str(rc)]) == 0


def make_world(tmp: Path, org: OrgGitHub) -> World:
    """The course repository's checkout (no roster), the staff's (with it), and one private
    repository per group, each holding its own declaration, as ``setup`` leaves them."""
    server = tmp / "server"
    ci = tmp / "ci"
    ci.mkdir()
    (ci / "schedule.yaml").write_text(private_schedule(), encoding="utf-8")
    git(ci, "init", "-q", "-b", "main")
    git(ci, "add", "-A")
    git(ci, "-c", "user.email=staff@example.invalid", "-c", "user.name=Staff", "commit", "-q",
        "-m", "course")
    staff = tmp / "staff"
    shutil.copytree(ci, staff)
    w = World(tmp, org, server, ci, staff)
    for g, members in MEMBERS.items():
        declaration = group_yaml(members).encode()
        (staff / "submissions" / g).mkdir(parents=True)
        (staff / "submissions" / g / "group.yaml").write_bytes(declaration)
        repo = group_repo(server, tmp, g, {f"submissions/{g}/group.yaml": declaration})
        git(repo.bare, "config", "uploadpack.allowAnySHA1InWant", "true")  # as GitHub serves
        w.repos[g] = repo
        fake = org.add_repo(PATTERN.replace("{group}", g))
        fake.roles[BOT_LOGIN] = "write"  # the group repository's own workflow token
        for login, _ in members:
            org.add_user(login)
            fake.roles[login] = "write"
    return w


def slides(group: str) -> bytes:
    return pdf_bytes(6, [f"Slides of {group}", "Motivation", "Design", "Evaluation"])


def proposal(group: str) -> bytes:
    return pdf_bytes(2, ["Project proposal", *(f"{name} {login}@umich.edu"
                                               for login, name in MEMBERS[group])])


def semester(w: World) -> None:
    """g10: an on-time proposal and its slides for Oct 3 (they pass); g11: a late proposal;
    g03: an on-time proposal; g04: slides for Sep 19 that are not a PDF (they fail)."""
    w.submit("g10", 1, "ada-lovelace", {"submissions/g10/proposal.pdf": proposal("g10")},
             BEFORE)
    w.submit("g11", 1, "edsger-d", {"submissions/g11/proposal.pdf": proposal("g11")}, AFTER)
    w.submit("g03", 1, "ken-t", {"submissions/g03/proposal.pdf": proposal("g03")}, BEFORE)
    w.submit("g10", 2, "alan-turing", {"submissions/g10/slides/2024-10-03.pdf": slides("g10")},
             "2024-10-01T15:00:00Z")
    w.submit("g04", 1, "frances-a", {"submissions/g04/slides/2024-09-19.pdf":
                                     b"these slides are a text file named .pdf\n"},
             "2024-09-17T15:00:00Z")
    # a classmate's stray copy in g03's repository: never g10's work
    w.submit("g03", 2, "dennis-r", {"submissions/g10/slides/2024-10-03.pdf": slides("g03")},
             "2024-10-01T16:00:00Z")


def tamper(fake: OrgRepo, pr: int, **changes: Any) -> None:
    """What a group member can do in the group's own repository: edit the bot's comment."""
    from checker import trailer

    [c] = [c for c in fake.comments_on(pr) if c["user"]["login"] == BOT_LOGIN]
    payload = trailer.files_payload(c["body"])
    assert isinstance(payload, dict)
    for f in payload["files"]:
        f.update(changes)
    lines = c["body"].rstrip("\n").split("\n")
    assert lines[-1].startswith("<!-- submission-checker:files ")
    c["body"] = "\n".join([*lines[:-1], trailer.encode("files", payload)]) + "\n"
