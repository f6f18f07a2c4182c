"""``python -m checker setup --topology private`` through the CLI against a fake GitHub
organisation (``fake_org.OrgGitHub``): one private repository per group of a 15-group course."""

from __future__ import annotations

import base64
import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_org import ADMIN_TOKEN, EXAMPLES, OrgGitHub, blob_sha
from fake_repo_settings import REST, rest_errors
from private_course import COURSE_REPO, ORG, ROOT, caller_workflow, private_schedule

from checker.cli import main
from checker.config import load_course
from checker.repo_setup import ACTIONS_APP_ID, CHECK_NAME

STAFF = ("mosharaf", "insujang")  # the shipped course's staff logins


def write_roster(root: Path, groups: list[str]) -> None:
    for i, g in enumerate(groups, 1):
        lines = ["members:"]
        for m in range(1, 4):
            login = f"stu{i:02d}{m}"
            lines += [f"  - github: {login}", f"    name: Student {i}-{m}",
                      f"    email: {login}@umich.edu"]
        folder = root / "submissions" / g
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "group.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def members(i: int) -> list[str]:
    return [f"stu{i:02d}{m}" for m in range(1, 4)]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / "schedule.yaml").write_text(private_schedule(), encoding="utf-8")
    shutil.copy(ROOT / ".github" / "labels.yml", tmp_path / ".github" / "labels.yml")
    shutil.copy(ROOT / ".github" / "workflows" / "receipt.yml",
                tmp_path / ".github" / "workflows" / "receipt.yml")
    write_roster(tmp_path, list(load_course(tmp_path).groups))
    return tmp_path


@pytest.fixture
def org() -> Iterator[OrgGitHub]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with OrgGitHub(ORG) as fake:
        for login in STAFF:
            fake.add_user(login, member=True)
        for i in range(1, 16):
            for login in members(i):
                fake.add_user(login, token=f"ghp_{login}")
        yield fake


def setup(org: OrgGitHub, root: Path, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, str, str]:
    monkeypatch.setenv("GITHUB_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", org.url)
    org.clear_log()
    code = main(["setup", "--topology", "private", "--repo", COURSE_REPO, "--root", str(root),
                 *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_then_apply_makes_15_private_group_repositories_and_again_writes_nothing(
        org: OrgGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = setup(org, root, capsys, monkeypatch)
    assert code == 0, out
    assert org.writes() == [] and org.repos == {}
    assert "+ create repository course-org/cse585-g01: private, empty, for group g01" in out
    assert "+ create collaborator stu011 on course-org/cse585-g01: member of g01: write" in out
    assert "+ create collaborator mosharaf on course-org/cse585-g01: staff: admin" in out
    assert "+ create file .github/workflows/submission.yml on course-org/cse585-g15" in out
    assert "run again with --apply" in out

    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert code == 0, out
    assert len(org.repos) == 15
    caller = caller_workflow()
    for i, g in enumerate(load_course(root).groups, 1):
        repo = org.repository(f"cse585-{g}")
        assert repo.private
        # students are not organisation members: invited, with write; staff added at once
        assert {k: v["permissions"] for k, v in repo.invitations.items()} == {
            login: "write" for login in members(i)}
        assert repo.roles == {"mosharaf": "admin", "insujang": "admin"}
        assert repo.files[".github/workflows/submission.yml"].decode() == caller
        assert repo.files[".github/workflows/receipt.yml"] == (
            ROOT / ".github" / "workflows" / "receipt.yml").read_bytes()
        assert b"/submissions/" in repo.files[".github/CODEOWNERS"]
        assert repo.variables["COURSE_REPOSITORY"]["value"] == COURSE_REPO
        names = set(repo.labels)
        assert f"group: {g}" in names and "late" in names and "deliverable: summary" in names
        assert not any(n.startswith("group: ") and n != f"group: {g}" for n in names)
        (rs,) = repo.rulesets.values()
        rules = {r["type"]: r.get("parameters") for r in rs["rules"]}
        assert rules["required_status_checks"]["required_status_checks"] == [
            {"context": CHECK_NAME, "integration_id": ACTIONS_APP_ID}]
    assert "uses: course-org/course/.github/workflows/submission-private.yml@main" in caller

    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert code == 0, out
    assert org.writes() == []
    assert "= already set: 15 group repositories" in out and "nothing to change" in out


def test_a_group_formed_later_is_one_more_run(
        org: OrgGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    declaration = root / "submissions" / "g15" / "group.yaml"
    text = declaration.read_text()
    declaration.unlink()
    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert code == 0, out
    assert len(org.repos) == 14
    assert "· g15: no group.yaml in the roster yet" in out
    declaration.write_text(text)
    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert code == 0, out
    assert len(org.repos) == 15
    assert {w.split(" ")[1].split("/")[3] for w in org.writes()
            if w.split(" ")[1].startswith("/repos/")} == {"cse585-g15"}


def test_an_edited_caller_is_put_back_and_an_accepted_invitation_stays(
        org: OrgGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    setup(org, root, capsys, monkeypatch, "--apply")
    repo = org.repository("cse585-g03")
    repo.accept("stu031")
    edited = caller_workflow("my-branch").encode()
    repo.files[".github/workflows/submission.yml"] = edited
    repo.roles["stranger"] = "write"
    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert code == 0, out
    assert ("~ update file .github/workflows/submission.yml on course-org/cse585-g03: "
            "differs from the course's: put back") in out
    assert "warning: course-org/cse585-g03: stranger has write access but is neither" in out
    assert repo.files[".github/workflows/submission.yml"].decode() == caller_workflow()
    assert repo.roles["stu031"] == "write" and "stranger" in repo.roles  # nothing removed
    assert org.writes() == ["PUT /repos/course-org/cse585-g03/contents/"
                            ".github/workflows/submission.yml"]
    [put] = [r for r in org.requests("PUT")]
    assert put.body["sha"] == blob_sha(edited)  # an update names what it replaces


def test_from_a_template_with_a_staff_team(
        org: OrgGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = root / "schedule.yaml"
    schedule.write_text(schedule.read_text().replace(
        "course: course-org/course}", "course: course-org/course, template: "
        "course-org/group-template, staff_team: staff, ref: "
        "11bd71901bbe5b1630ceea73d27597364c9af683}"))
    org.add_team("staff", STAFF)
    org.add_repo("group-template", is_template=True, files={
        "README.md": b"# Your group's repository\n", ".github/CODEOWNERS": b"* @someone\n"})
    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert code == 0, out
    assert "is not a commit SHA" not in out
    repo = org.repository("cse585-g07")
    assert repo.files["README.md"] == b"# Your group's repository\n"
    assert repo.files[".github/CODEOWNERS"].startswith(b"# Installed by the course staff")
    assert b"@course-org/staff" in repo.files[".github/CODEOWNERS"]
    assert repo.team_access == {"staff": "admin"} and repo.roles == {}
    assert "@11bd71901bbe5b1630ceea73d27597364c9af683" in repo.files[
        ".github/workflows/submission.yml"].decode()
    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert org.writes() == [], out


def test_a_free_organisation_refuses_rulesets_once_told_and_the_rest_is_made(
        root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with OrgGitHub(ORG, plan="free") as org:
        for login in STAFF:
            org.add_user(login, member=True)
        for i in range(1, 16):
            for login in members(i):
                org.add_user(login)
        code, out, err = setup(org, root, capsys, monkeypatch, "--apply")
        assert code == 1
        assert "Upgrade to GitHub Pro" in out and "(15 repositories)" in out
        assert out.count("Upgrade to GitHub Pro") == 1
        assert all(r.files and r.variables and not r.rulesets for r in org.repos.values())
        assert "continues where it stopped" in err


def test_a_token_without_the_workflow_scope_is_told_what_it_needs(
        org: OrgGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    org.scopes["course-admin"] = ("repo", "read:org")
    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert code == 1
    assert "needs a token with the `workflow` scope" in out
    assert all(".github/CODEOWNERS" in r.files and ".github/workflows/submission.yml"
               not in r.files for r in org.repos.values())


def test_the_topology_must_be_schedule_yamls(
        org: OrgGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".github").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "course" / "schedule.yaml",
                tmp_path / "schedule.yaml")
    shutil.copy(ROOT / ".github" / "labels.yml", tmp_path / ".github" / "labels.yml")
    code, _, err = setup(org, tmp_path, capsys, monkeypatch)
    assert code == 2 and "schedule.yaml says topology: shared" in err
    assert org.requests() == []


def test_fake_org_answers_match_githubs_schemas_and_refuses_what_github_refuses(
        org: OrgGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    setup(org, root, capsys, monkeypatch, "--apply")

    def call(method: str, path: str, body: Any = None, token: str = ADMIN_TOKEN
             ) -> tuple[int, Any]:
        req = urllib.request.Request(org.url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None
                                     else None,
                                     headers={"Authorization": f"token {token}"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    r = "/repos/course-org/cse585-g01"
    for schema, path in [("minimal-repository-items", "/orgs/course-org/repos"),
                         ("full-repository", r),
                         ("repository-invitation-items", f"{r}/invitations"),
                         ("content-file", f"{r}/contents/.github/CODEOWNERS"),
                         ("actions-variable", f"{r}/actions/variables/COURSE_REPOSITORY"),
                         ("collaborator-items", f"{r}/collaborators?affiliation=direct")]:
        status, data = call("GET", path)
        assert status == 200 and rest_errors(schema, data) == [], (schema, data)
    org.add_team("staff", STAFF)
    assert call("PUT", "/orgs/course-org/teams/staff/repos/course-org/cse585-g01",
                {"permission": "admin"})[0] == 204
    status, data = call("GET", f"{r}/teams")
    assert status == 200 and rest_errors("team-items", data) == []
    text = base64.b64encode(b"x\n").decode()
    status, data = call("PUT", f"{r}/contents/notes.txt", {"message": "m", "content": text})
    assert status == 201 and rest_errors("file-commit", data) == []
    # what GitHub refuses
    assert call("PUT", f"{r}/contents/notes.txt", {"message": "m", "content": text})[0] == 422
    assert call("PUT", f"{r}/contents/notes.txt", {"message": "m", "content": text,
                                                   "sha": "0" * 40})[0] == 409
    assert call("PUT", f"{r}/contents/notes.txt", {"content": text})[0] == 422
    assert call("POST", "/orgs/course-org/repos", {"name": "cse585-g01"})[0] == 422
    assert call("POST", "/orgs/course-org/repos", {"private": True})[0] == 422
    assert call("POST", f"{r}/actions/variables", {"name": "COURSE_REPOSITORY",
                                                   "value": "x/y"})[0] == 409
    assert call("PUT", f"{r}/collaborators/nobody-at-all", {"permission": "push"})[0] == 404
    assert call("POST", f"{r}/generate", {"name": "copy"})[0] == 422  # not a template
    # a student reaches their own group's repository, never another's
    org.repository("cse585-g01").accept("stu011")
    assert call("GET", f"{r}/pulls", token="ghp_stu011")[0] == 200
    assert call("GET", "/repos/course-org/cse585-g02/pulls", token="ghp_stu011")[0] == 404
    assert call("GET", "/repos/course-org/cse585-g02", token="ghp_stu021")[0] == 404  # invited
    assert (REST / "SOURCE").is_file()


def test_each_group_gets_only_its_own_extensions_never_a_reason(
        org: OrgGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "extensions.yaml").write_text(
        "extensions:\n"
        "  - {deliverable: proposal, group: g03, extra: 3d, reason: surgery recovery}\n"
        "  - {deliverable: questions, student: stu051, extra: 48h}\n", encoding="utf-8")
    code, out, _ = setup(org, root, capsys, monkeypatch, "--apply")
    assert code == 0, out
    values = {name: repo.variables["COURSE_EXTENSIONS"]["value"]
              for name, repo in ((r.repo, r) for r in org.repos.values())}
    assert values["cse585-g03"] == ('extensions:\n  - {deliverable: "proposal", group: "g03", '
                                    'extra: "3d"}\n')
    assert values["cse585-g05"] == ('extensions:\n  - {deliverable: "questions", student: '
                                    '"stu051", extra: "48h"}\n')
    assert {v for k, v in values.items() if k not in ("cse585-g03", "cse585-g05")} == {
        "extensions: []\n"}
    assert "surgery" not in json.dumps([r.variables for r in org.repos.values()]) + out
