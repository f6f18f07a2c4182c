"""Static checks of .github/: schema, zizmor (pedantic, offline), and our own security rules."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.github import labels

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
SUBMISSION = GITHUB / "workflows" / "submission.yml"
PINNED = {  # the real commits of these tags
    "actions/checkout": ("11bd71901bbe5b1630ceea73d27597364c9af683", "v4"),
    "actions/setup-python": ("a26af69be951a213d495a4c3e4e4022e16d87065", "v5"),
    "actions/upload-artifact": ("ea165f8d65b6e75b540449e92b4886f43607fa02", "v4"),
    "actions/download-artifact": ("d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4"),
    "actions/cache/restore": ("5a3ec84eff668545956fd18022155c47e93e2684", "v4"),
    "actions/cache/save": ("5a3ec84eff668545956fd18022155c47e93e2684", "v4"),
    # v3.0.1 and v4.0.5, as pinned across many public workflows in the search index
    "actions/upload-pages-artifact": ("56afc609e74202658d3ffba0e8f6dda462b719fa", "v3"),
    "actions/deploy-pages": ("d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4"),
}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.skip(f"{name} is not installed")
    return found


def zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("zizmor"), "--offline", "--persona", "pedantic", "--format",
                           "json", str(path)], capture_output=True, text=True, timeout=120)


def test_workflows_match_githubs_schema() -> None:
    proc = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_pedantic_finds_nothing() -> None:
    proc = zizmor(GITHUB)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == []


def test_the_only_suppression_is_the_expected_trigger_and_it_is_needed(tmp_path: Path) -> None:
    ignores = [(p, n, line) for p in GITHUB.rglob("*.yml")
               for n, line in enumerate(p.read_text().splitlines(), 1) if "zizmor:" in line]
    assert len(ignores) == 1
    path, _, line = ignores[0]
    assert path == SUBMISSION
    m = re.fullmatch(r"  pull_request_target:  # zizmor: ignore\[dangerous-triggers,"
                     r"concurrency-limits\] (.{20,})", line)
    assert m, line  # the trigger line, with a reason
    # without the suppression zizmor reports exactly that trigger, nothing else
    bare = tmp_path / ".github" / "workflows"
    bare.mkdir(parents=True)
    (bare / "submission.yml").write_text(SUBMISSION.read_text().replace(line,
                                                                        "  pull_request_target:"))
    proc = zizmor(tmp_path / ".github")
    findings = json.loads(proc.stdout)
    # the trigger, and no concurrency group: on purpose, a group is a name any workflow of the
    # repository can join to cancel the check (test_no_group_a_classmate_could_join)
    assert sorted(f["ident"] for f in findings) == ["concurrency-limits",
                                                    "dangerous-triggers"], proc.stdout


def test_zizmor_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
                   "    steps:\n      - uses: actions/checkout@v4\n"
                   "      - run: echo ${{ github.event.pull_request.title }}\n")
    idents = {f["ident"] for f in json.loads(zizmor(bad).stdout)}
    assert {"unpinned-uses", "template-injection", "artipacked"} <= idents


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_pins_and_no_event_text_in_scripts(path: Path) -> None:
    wf = load(path)
    text = path.read_text()
    assert wf["permissions"] == {}
    if path != SUBMISSION:  # the check has none: no group a classmate could join
        assert "${{" in str(wf["concurrency"]["group"])
    for name, job in wf["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), name
        if path.name == "receipt.yml":  # reads nothing, writes nothing: no token rights
            assert job["permissions"] == {}, name
        else:
            assert job["permissions"], name
        for perm in job["permissions"]:  # every grant says why
            assert re.search(rf"^\s+{perm}: (read|write)  # \w", text, re.M), (name, perm)
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), (name, step.get("name"))
            uses = step.get("uses")
            if uses:
                action, _, ref = uses.partition("@")
                sha, tag = PINNED[action]
                assert ref == sha, uses
                assert re.search(rf"{re.escape(uses)} # {tag}\.\d+\.\d+$", text, re.M), uses
            if uses and uses.startswith("actions/checkout"):
                assert step["with"]["persist-credentials"] is False
            if "pip install" in step.get("run", ""):
                assert "--require-hashes" in step["run"] and "--no-deps" in step["run"]


def test_submission_workflow_shape() -> None:
    wf = load(SUBMISSION)
    assert wf["on"] == {"pull_request_target": {
        "types": ["opened", "synchronize", "reopened", "ready_for_review"]}}
    assert "concurrency" not in wf and all("concurrency" not in j for j in wf["jobs"].values())
    check, publish, withdraw = (wf["jobs"][j] for j in ("check", "publish", "withdraw"))
    assert check["permissions"] == {"contents": "read", "actions": "read"}
    assert publish["permissions"] == {"contents": "read", "issues": "write",
                                      "pull-requests": "write", "checks": "write",
                                      "statuses": "write"}
    assert withdraw["permissions"] == {"contents": "read", "issues": "write",
                                       "pull-requests": "write"}
    # a cancelled run publishes nothing; a failed check is still published, after withdraw
    assert publish["needs"] == ["withdraw", "check"] and publish["if"] == "${{ !cancelled() }}"
    for job in (withdraw, check, publish):  # the default branch's code, never the PR base's
        [checkout] = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout")]
        assert checkout["with"]["ref"] == "${{ github.event.repository.default_branch }}"
    assert "base.ref" not in SUBMISSION.read_text()  # base.sha: only the diff's base, as data
    runs = "\n".join(s.get("run", "") for s in publish["steps"])
    assert "checker publish" in runs and "checker check" not in runs  # parses no submission
    assert "github.token" not in json.dumps(check["steps"][-3:])  # parsing steps: no token


def test_labels_file_matches_the_code() -> None:
    defined = yaml.safe_load((GITHUB / "labels.yml").read_text())
    fixed = {d["name"]: (d["color"], d["description"]) for d in defined if "name" in d}
    prefixes = {d["prefix"]: (d["color"], d["description"]) for d in defined if "prefix" in d}
    assert fixed == labels.LABELS and prefixes == labels.PREFIXES


def test_codeowners_and_template() -> None:
    owners = (GITHUB / "CODEOWNERS").read_text().splitlines()
    assert any(re.fullmatch(r"\*\s+@\S+", x) for x in owners)
    assert "/submissions/" in owners  # no owner: students' area
    assert "submissions/" in (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text()
