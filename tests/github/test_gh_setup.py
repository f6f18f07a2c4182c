"""``python -m checker setup`` through the CLI against the fake GitHub's settings endpoints."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_github import EXAMPLES
from fake_repo_settings import ADMIN_TOKEN, REST, SettingsGitHub, rest_errors

from checker.cli import main
from checker.repo_setup import ACTIONS_APP_ID, CHECK_NAME, RULESET_NAME

REPO_ROOT = Path(__file__).resolve().parents[2]
COURSE = REPO_ROOT / "tests" / "fixtures" / "course" / "schedule.yaml"  # the shipped course
STAFF = ("mosharaf", "insujang")  # its staff logins
CODEOWNERS = """# staff own everything outside submissions/
*              @mosharaf @insujang
/.github/      @course/staff
/submissions/
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / ".github").mkdir()
    shutil.copy(COURSE, tmp_path / "schedule.yaml")
    shutil.copy(REPO_ROOT / ".github" / "labels.yml", tmp_path / ".github" / "labels.yml")
    (tmp_path / ".github" / "CODEOWNERS").write_text(CODEOWNERS, encoding="utf-8")
    return tmp_path


@pytest.fixture
def fake() -> Iterator[SettingsGitHub]:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with SettingsGitHub() as f:
        for login in STAFF:
            f.add_user(login, "admin")
        f.teams.add(("course", "staff"))
        f.add_label("graded", "ffffff", "Staff: graded")  # someone else's label
        f.add_label("late", "000000", "old text")  # ours, with the wrong colour
        yield f


def setup(fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, str, str]:
    monkeypatch.setenv("GITHUB_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    fake.clear_log()
    code = main(["setup", "--repo", "course/seminar", "--root", str(root), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_changes_nothing_apply_does_all_second_apply_writes_nothing(
        fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = setup(fake, root, capsys, monkeypatch)
    assert code == 0, out
    assert fake.writes() == []  # the plan only reads
    plan_requests = len(fake.requests())
    assert "+ create label 'on-time'" in out
    assert "~ update label 'late': colour 000000 -> d93f0b" in out
    assert "+ create label 'deliverable: proposal'" in out and "+ create label 'group: g15'" in out
    assert f"+ create branch ruleset '{RULESET_NAME}'" in out
    assert "~ update Actions default workflow token" in out
    assert "run again with --apply" in out
    assert "graded" not in out

    code, out, _ = setup(fake, root, capsys, monkeypatch, "--apply")
    assert code == 0, out
    writes = fake.writes()
    assert writes and not any(w.startswith("DELETE") for w in writes)
    apply_requests = len(fake.requests())
    # labels: every one of labels.yml, with its colour; others untouched
    assert fake.labels["late"]["color"] == "d93f0b"
    assert fake.labels["deliverable: proposal"]["description"] == (
        "Submission of deliverable proposal (set by the submission checker)")
    assert fake.labels["group: g01"]["color"] == "5319e7"
    assert fake.labels["graded"]["color"] == "ffffff"
    # the ruleset, pinned to GitHub Actions
    (rs,) = fake.rulesets.values()
    assert rs["enforcement"] == "active" and rs["target"] == "branch"
    assert rs["conditions"] == {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}}
    rules = {r["type"]: r["parameters"] for r in rs["rules"]}
    assert rules["pull_request"]["require_code_owner_review"] is True
    assert rules["required_status_checks"]["required_status_checks"] == [
        {"context": CHECK_NAME, "integration_id": ACTIONS_APP_ID}]
    assert fake.workflow == {"default_workflow_permissions": "read",
                             "can_approve_pull_request_reviews": False}
    assert fake.fork_policy == "all_external_contributors"  # a fork's own workflow waits

    code, out, _ = setup(fake, root, capsys, monkeypatch, "--apply")
    assert code == 0
    assert fake.writes() == []
    assert "nothing to change" in out
    labels = len(fake.labels) - 1  # all but `graded`
    assert (f"= already set: {labels} of {labels} labels, the ruleset submission-checker, the "
            "read-only workflow token, the fork approval policy all_external_contributors") in out
    assert f"({len(fake.requests())} API requests)" in out
    print(f"requests: plan {plan_requests}, apply {apply_requests}, "
          f"second apply {len(fake.requests())}")


def test_existing_ruleset_is_completed_keeping_staff_rules(
        fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake.rulesets[5] = fake._ruleset_shape(5, {
        "name": RULESET_NAME, "enforcement": "evaluate",
        "bypass_actors": [{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}],
        "conditions": {"ref_name": {"include": ["refs/heads/main"], "exclude": []}},
        "rules": [{"type": "deletion"},
                  {"type": "required_status_checks", "parameters": {
                      "strict_required_status_checks_policy": True,
                      "required_status_checks": [{"context": CHECK_NAME},
                                                 {"context": "tests"}]}}]},
        "2024-08-01T00:00:00Z")
    code, out, _ = setup(fake, root, capsys, monkeypatch, "--apply")
    assert code == 0
    assert "enforcement is 'evaluate'" in out and "not pinned to the GitHub Actions app" in out
    assert "no pull request is required" in out
    rs = fake.rulesets[5]
    assert len(fake.rulesets) == 1 and rs["enforcement"] == "active"
    assert rs["bypass_actors"][0]["actor_id"] == 5
    rules = {r["type"]: r.get("parameters") for r in rs["rules"]}
    assert "deletion" in rules and rules["pull_request"]["require_code_owner_review"]
    assert rules["required_status_checks"]["required_status_checks"] == [
        {"context": "tests"}, {"context": CHECK_NAME, "integration_id": ACTIONS_APP_ID}]
    assert rules["required_status_checks"]["strict_required_status_checks_policy"] is True
    setup(fake, root, capsys, monkeypatch, "--apply")
    assert fake.writes() == []


def test_placeholder_codeowners_unknown_staff_and_student_with_write_access(
        fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(REPO_ROOT / ".github" / "CODEOWNERS", root / ".github" / "CODEOWNERS")
    fake.users.discard("insujang")  # a staff login that does not exist on GitHub
    fake.add_user("alice-student", "write")
    fake.add_user("bob-student", "read")
    code, out, err = setup(fake, root, capsys, monkeypatch)
    assert code == 1
    assert ("error: .github/CODEOWNERS:5: names the template's placeholder @COURSE-ORG/staff "
            "(and lines 6, 7, 8): replace it with your staff team") in out
    assert "error: schedule.yaml: staff login 'insujang' does not exist on GitHub" in out
    assert "warning: alice-student may push to course/seminar (role write)" in out
    assert "bob-student" not in out and "mosharaf may push" not in out
    assert "1 error" not in err and "error(s) to fix" in err
    assert fake.writes() == []


def test_codeowners_team_and_logins_are_looked_up(
        fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (root / ".github" / "CODEOWNERS").write_text(
        "*  @course/tas @mosharaf @ghost-ta\n/checker/ @outsider\n", encoding="utf-8")
    fake.add_user("outsider")
    code, out, _ = setup(fake, root, capsys, monkeypatch)
    assert code == 1
    assert ".github/CODEOWNERS:1: team @course/tas not found" in out
    assert ".github/CODEOWNERS:1: @ghost-ta does not exist on GitHub" in out
    assert "warning: .github/CODEOWNERS:2: @outsider is a code owner but not staff" in out
    assert "no `/submissions/` line without owners" in out


def test_private_repository_sets_private_fork_workflows(
        root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/corpus/github-rest not found")
    with SettingsGitHub(private=True) as fake:
        for login in STAFF:
            fake.add_user(login, "admin")
        fake.teams.add(("course", "staff"))
        code, out, _ = setup(fake, root, capsys, monkeypatch, "--apply",
                             "--fork-approval", "first_time_contributors")
        assert code == 0, out
        assert "(private, default branch main)" in out
        # approval whatever the option says, and the plan says why
        assert "require_approval_for_fork_pr_workflows False -> True: a fork pull request can " \
               "add a workflow with a job named submission-checker" in out
        assert "warning: --fork-approval" not in out  # only a public repository has a policy
        assert fake.private_forks == {"run_workflows_from_fork_pull_requests": True,
                                      "send_write_tokens_to_workflows": False,
                                      "send_secrets_and_variables": False,
                                      "require_approval_for_fork_pr_workflows": True}
        setup(fake, root, capsys, monkeypatch, "--apply",
              "--fork-approval", "all_external_contributors")
        assert fake.writes() == []


def test_fork_approval_is_required_and_the_plan_says_why(
        fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = setup(fake, root, capsys, monkeypatch)
    assert code == 0
    assert ("~ update approval for fork pull request workflows: first_time_contributors -> "
            "all_external_contributors: a fork pull request can add a workflow with a job named "
            "submission-checker: its check run comes from the GitHub Actions app like the "
            "checker's") in out
    assert "a receipt run waiting for approval is still a receipt" in out
    assert "warning: --fork-approval" not in out
    code, out, _ = setup(fake, root, capsys, monkeypatch, "--apply")
    assert code == 0 and fake.fork_policy == "all_external_contributors"


def test_a_weaker_fork_approval_is_the_course_choice_with_a_warning(
        fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake.fork_policy = "all_external_contributors"
    code, out, _ = setup(fake, root, capsys, monkeypatch, "--apply",
                         "--fork-approval", "first_time_contributors")
    assert code == 0
    assert "all_external_contributors -> first_time_contributors (the course's choice" in out
    assert ("warning: --fork-approval first_time_contributors: some students' fork pull "
            "requests run their own workflows without approval") in out
    assert fake.fork_policy == "first_time_contributors"


def test_token_without_admin_rights_is_one_clear_line(
        fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_actions_token")
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    code = main(["setup", "--repo", "course/seminar", "--root", str(root), "--apply"])
    _, err = capsys.readouterr()
    assert code == 2 and "no admin rights on course/seminar" in err
    assert fake.writes() == []


def test_fake_settings_answers_match_githubs_schemas(
        fake: SettingsGitHub, root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake.add_user("alice-student", "write")
    setup(fake, root, capsys, monkeypatch, "--apply")
    import json
    import urllib.request

    def get(path: str) -> object:
        req = urllib.request.Request(fake.url + path,
                                     headers={"Authorization": f"token {ADMIN_TOKEN}"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())

    r = "/repos/course/seminar"
    (rid,) = fake.rulesets
    for schema, path in [("full-repository", r), ("repository-ruleset", f"{r}/rulesets/{rid}"),
                         ("repository-ruleset-items", f"{r}/rulesets"),
                         ("actions-get-default-workflow-permissions",
                          f"{r}/actions/permissions/workflow"),
                         ("actions-fork-pr-contributor-approval",
                          f"{r}/actions/permissions/fork-pr-contributor-approval"),
                         ("collaborator-items", f"{r}/collaborators"),
                         ("public-user", "/users/mosharaf"),
                         ("team-full", "/orgs/course/teams/staff")]:
        assert rest_errors(schema, get(path)) == [], schema
    # the schema check can fail, and request bodies GitHub would refuse are refused
    assert rest_errors("repository-ruleset", {"id": 1})
    assert rest_errors("request-create-repo-ruleset", {"name": "x", "enforcement": "on"})
    assert (REST / "SOURCE").is_file()
