"""Code archives as the course page asks: "The self-contained (i.e., include ALL dependencies)
code must be submitted as a zip file. Each zip file containing the code must include a README
file with a step-by-step guide on how to compile and run the provided code."

Archives are made by zipfile and judged through the public CLI (``python -m checker inspect
FILE... --deliverable code``, with the shipped course's schedule.yaml), or, for the labelled
README set of ``tests/fixtures/readmes/`` (also measured by bench/bench_readmes.py), through
``inspect_file`` and the document rules as ``check`` runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import code_files, write_zip

from checker.inspect import inspect_file
from checker.inspect.bundled import dependency_of, environment_roots, is_package_archive
from checker.inspect.readme import analyse, decode, find_readme
from checker.model import Deliverable, Limits
from checker.rules.document import document_findings

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "tests" / "fixtures" / "course"
READMES = ROOT / "tests" / "fixtures" / "readmes"
README_NAME = {".md": "README.md", ".txt": "README.txt", ".rst": "README.rst", "": "README"}
LABELS = {"pass": "pass", "warn": "warning", "error": "error"}


def inspect_cli(*paths: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    """Exit code and each file's JSON facts (by file name) of ``inspect --deliverable code``."""
    env = dict(os.environ, CHECKER_SOFFICE="none", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "checker", "inspect", "--format", "json", "--deliverable", "code",
         "--root", str(COURSE), *map(str, paths)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    files = json.loads(done.stdout)["files"]
    return done.returncode, {Path(f["path"]).name: f for f in files}


def readme_rules(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """(rule, severity) of the README findings, apart from files a command names."""
    return [(f["rule"], f["severity"]) for f in facts["findings"]
            if f["rule"].startswith("zip.readme") and f["rule"] != "zip.readme-missing-file"]


# --- README: the forms students write ------------------------------------------------------

SOURCES: dict[str, bytes | str] = {
    "main.py": "print('serving')\n", "requirements.txt": "numpy\n",
    "src/sim.py": "", "train.py": "", "Makefile": "all:\n\tcc -o sim sim.c\n", "sim.c": "",
    "base.yaml": "", "input.txt": "",
}
FORMS: dict[str, tuple[str, str | bytes]] = {
    "numbered": ("README.md", "# KV paging\n\n1. pip install -r requirements.txt\n"
                              "2. python main.py --config base.yaml\n"),
    "bulleted": ("README.md", "How to run:\n\n- install: pip install -r requirements.txt\n"
                              "- run: python main.py\n"),
    "dollar-prompts": ("README.txt", "Build and run:\n\n$ make\n$ ./sim traces/a.csv\n"),
    "prose-steps": ("README.txt", "Step 1. Unzip the archive.\nStep 2. Compile with make.\n"
                                  "Step 3. Run ./sim input.txt\n"),
    "fenced": ("README.md", "## Usage\n\n```bash\npython train.py --epochs 3\n```\n"),
    "indented": ("README.rst", "Usage\n-----\n\nRun::\n\n    python main.py\n"),
    "backticks": ("README.md", "Install with `pip install -r requirements.txt`, then run "
                               "`python main.py`.\n"),
    "no-extension": ("README", "To compile: make\nTo run: ./sim 8080\n"),
    "lower-case": ("readme.md", "1. python main.py\n"),
    "utf16-notepad": ("README.txt", "1. pip install -r requirements.txt\r\n"
                                    "2. python main.py\r\n".encode("utf-16")),
}


def _form_zip(folder: Path, name: str, readme: str, text: str | bytes,
              prefix: str = "") -> Path:
    files = {prefix + k: v for k, v in SOURCES.items()}
    files[prefix + readme] = text
    return write_zip(folder / f"{name}.zip", files)


def test_every_form_of_steps_passes(tmp_path: Path) -> None:
    zips = [_form_zip(tmp_path, name, readme, text) for name, (readme, text) in FORMS.items()]
    code, facts = inspect_cli(*zips)
    assert code == 0
    for name, (readme, _) in FORMS.items():
        got = facts[f"{name}.zip"]
        assert got["archive"]["readme"] == readme, name
        assert got["findings"] == [], (name, got["findings"])
        assert got["archive"]["readme_steps"] >= 1 and got["archive"]["readme_run"], name


@pytest.mark.parametrize(("files", "readme"), [
    ({"project/README.md": "1. python main.py\n", "project/main.py": ""}, "project/README.md"),
    ({"final/code/README.txt": "$ python main.py\n", "final/code/main.py": ""},
     "final/code/README.txt"),
    # what Finder's Compress adds does not make a second top-level folder
    ({"project/README.md": "1. python main.py\n", "project/main.py": "",
      "__MACOSX/project/._main.py": b"\x00\x05\x16\x07", ".DS_Store": b"\x00\x00\x00\x01Bud1"},
     "project/README.md"),
    ({"README.md": "1. python main.py\n", "main.py": "", "src/README.md": "inner"}, "README.md"),
    ({"README.txt": "", "README.md": "1. python main.py\n", "main.py": ""}, "README.md"),
    # the page asks the zip to "include a README file", not where: the shallowest counts
    ({"a/README.md": "1. make\n", "b/x.py": ""}, "a/README.md"),
    ({"main.py": "", "notes/README.md": "1. make\n", "x/y/README": ""}, "notes/README.md"),
])
def test_where_the_readme_is_found(files: dict[str, bytes | str], readme: str) -> None:
    assert find_readme(list(files)) == readme


@pytest.mark.parametrize("names", [
    ["src/main.py", "node_modules/left-pad/README.md", "package.json"],
    ["main.py", "venv/lib/python3.11/site-packages/x/README.md"],
])
def test_where_the_readme_is_not_looked_for(names: list[str]) -> None:
    assert find_readme(names) is None


@pytest.mark.parametrize("top", ["project", "deps", "vendor"])
def test_the_readme_is_read_whatever_the_top_folder_is_called(
    top: str, tmp_path: Path, code_deliverable: Deliverable
) -> None:
    path = write_zip(tmp_path / "code.zip", {f"{top}/README.md": "1. python main.py\n",
                                             f"{top}/main.py": ""})
    facts = inspect_file(path, "code.zip", Limits(), "zip")
    assert facts.archive is not None and facts.archive["readme"] == f"{top}/README.md"
    assert facts.archive["readme_steps"] == 1 and facts.archive["readme_run"]
    assert document_findings(facts, code_deliverable, ()) == []


def test_missing_empty_and_stepless_readmes_are_errors(tmp_path: Path) -> None:
    cases = {
        "missing": write_zip(tmp_path / "missing.zip", dict(SOURCES)),
        "two-tops": write_zip(tmp_path / "two-tops.zip", {
            "code/main.py": "", "deps/node_modules/x/README.md": "1. python main.py\n"}),
        "empty": _form_zip(tmp_path, "empty", "README.md", ""),
        "blank": _form_zip(tmp_path, "blank", "README.txt", "\n  \n\t\n"),
        "prose": _form_zip(tmp_path, "prose", "README.md",
                           "# Serving LoRA adapters\n\nThis project studies how to serve many "
                           "adapters on one GPU.\nOur results show a 2x improvement.\n"),
        "headings": _form_zip(tmp_path, "headings", "README.md",
                              "# Project\n\n## Installation\n\n## Usage\n\nTODO\n"),
    }
    code, facts = inspect_cli(*cases.values())
    assert code == 1
    expected = {"missing": "zip.readme-missing", "two-tops": "zip.readme-missing",
                "empty": "zip.readme-no-instructions", "blank": "zip.readme-no-instructions",
                "prose": "zip.readme-no-instructions", "headings": "zip.readme-no-instructions"}
    for name, rule in expected.items():
        [finding] = [f for f in facts[f"{name}.zip"]["findings"] if f["rule"] == rule]
        assert finding["severity"] == "error", name
        assert f"{name}.zip" in finding["message"] and "step-by-step guide" in finding["message"]
        assert "1. pip install -r requirements.txt" in finding["hint"]
    assert "is empty" in facts["empty.zip"]["findings"][0]["message"]
    assert "is empty" in facts["blank.zip"]["findings"][0]["message"]
    assert "gives no steps" in facts["prose.zip"]["findings"][0]["message"]


def test_steps_that_never_run_the_code_are_a_warning(tmp_path: Path) -> None:
    install_only = _form_zip(tmp_path, "install-only", "README.md",
                             "## Installation\n\n```\npip install -r requirements.txt\n```\n")
    features = _form_zip(tmp_path, "features", "README.md",
                         "## Features\n- Paged KV cache\n- Continuous batching\n")
    pdf = write_zip(tmp_path / "pdf-readme.zip", {**SOURCES, "README.pdf": b"%PDF-1.7\n"})
    code, facts = inspect_cli(install_only, features, pdf)
    assert code == 0
    assert readme_rules(facts["install-only.zip"]) == [("zip.readme-no-run-step", "warning")]
    assert "none that says how to run the code" in facts["install-only.zip"]["findings"][0][
        "message"]
    assert "how to build or run" in facts["features.zip"]["findings"][0]["message"]
    assert readme_rules(facts["pdf-readme.zip"]) == [("zip.readme-not-text", "warning")]
    assert facts["pdf-readme.zip"]["archive"]["readme"] == "README.pdf"


def _judge(path: Path, code: Deliverable) -> str:
    facts = inspect_file(path, f"submissions/g01/final/{path.name}", Limits(), "zip")
    severities = {f.severity.value for f in facts.findings + document_findings(facts, code, ())
                  if f.rule.startswith("zip.readme") and f.rule != "zip.readme-missing-file"}
    return "error" if "error" in severities else "warning" if severities else "pass"


@pytest.mark.parametrize("name", sorted(p.name for p in READMES.iterdir()))
def test_labelled_readmes(name: str, tmp_path: Path, code_deliverable: Deliverable) -> None:
    """The READMEs of bench/bench_readmes.py, each judged as its label says."""
    readme = README_NAME[Path(name).suffix]
    path = write_zip(tmp_path / "code.zip",
                     {readme: (READMES / name).read_bytes(), "main.py": ""})
    assert _judge(path, code_deliverable) == LABELS[name.split("-", 1)[0]]


def test_labelled_set_is_large_and_varied() -> None:
    names = [p.name for p in READMES.iterdir()]
    assert len(names) >= 30
    assert {n.split("-", 1)[0] for n in names} == set(LABELS)


def test_readme_text_in_other_encodings() -> None:
    assert decode("1. run\n".encode("utf-16")) == "1. run\n"
    assert decode(b"\xef\xbb\xbf1. run") == "1. run"
    assert decode("caf\u00e9 main.py".encode("cp1252")) == "caf\u00e9 main.py"


# --- self-contained code: bundled dependencies ---------------------------------------------

def _wheel(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("numpy/__init__.py", "")
        zf.writestr("numpy-1.26.4.dist-info/METADATA", "Name: numpy\n")
    return path.read_bytes()


def test_bundled_dependencies_are_what_the_page_asks_for(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "w.whl")
    site = "project/venv/lib/python3.11/site-packages"
    files = code_files(prefix="project/")
    files.update({
        # a virtualenv, as `python -m venv venv && pip install ...` leaves it
        "project/venv/pyvenv.cfg": "home = /usr/bin\n",
        "project/venv/bin/activate": "# source me\n",
        f"{site}/certifi/cacert.pem": "-----BEGIN CERTIFICATE-----\n",
        f"{site}/certifi/__pycache__/core.cpython-311.pyc": b"\x00" * 16,
        f"{site}/pandas/tests/io/data/legacy.zip": wheel,
        # a conda environment under any name
        "project/env/conda-meta/history": "",
        "project/env/lib/libz.so": b"\x7fELF",
        # npm packages, their tarballs, their own READMEs
        "project/web/node_modules/left-pad/index.js": "module.exports = 1\n",
        "project/web/node_modules/left-pad/README.md": "# left-pad\n",
        "project/web/node_modules/.cache/pkg-1.0.0.tgz": b"\x1f\x8b\x08\x00" + b"\x00" * 20,
        # vendored sources, wheels and source packages
        "project/vendor/flash-attn-2.5.0.tar.gz": b"\x1f\x8b\x08\x00" + b"\x00" * 20,
        "project/third_party/cutlass/include/cutlass.h": "",
        "project/wheels/numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl": wheel,
        "project/torch-2.3.0.tar.gz": b"\x1f\x8b\x08\x00" + b"\x00" * 20,
        "project/lib/gson.jar": wheel,
        # files that are ZIP containers or compressed data, not archives to unpack
        "project/checkpoints/model.pt": wheel,
        "project/data/traces.csv.gz": b"\x1f\x8b\x08\x00" + b"\x00" * 20,
    })
    code, facts = inspect_cli(write_zip(tmp_path / "bundled.zip", files))
    got = facts["bundled.zip"]
    assert code == 0 and got["findings"] == []
    assert got["archive"]["readme"] == "project/README.md"
    roots = {d["path"]: d["kind"] for d in got["archive"]["dependencies"]}
    assert roots == {"project/venv/": "a virtualenv", "project/env/": "a conda environment",
                     "project/web/node_modules/": "installed npm packages",
                     "project/vendor/": "vendored dependencies",
                     "project/third_party/": "vendored dependencies",
                     "project/wheels/": "bundled wheels"}
    assert sorted(got["archive"]["dependency_archives"]) == ["project/lib/gson.jar",
                                                             "project/torch-2.3.0.tar.gz"]


def test_junk_and_unknown_archives_stay_warnings(tmp_path: Path) -> None:
    files = code_files(prefix="project/")
    files.update({
        "__MACOSX/project/._train.py": b"\x00\x05\x16\x07",
        "project/.DS_Store": b"\x00\x00\x00\x01Bud1",
        "project/__pycache__/train.cpython-311.pyc": b"\x00" * 16,
        "project/.git/HEAD": "ref: refs/heads/main\n",
        "project/venv/pyvenv.cfg": "home = /usr/bin\n",
        "project/venv/lib/python3.11/site-packages/x/__pycache__/y.pyc": b"\x00" * 16,
        "project/old/submission-backup.zip": _wheel(tmp_path / "b.zip"),
    })
    code, facts = inspect_cli(write_zip(tmp_path / "junk.zip", files))
    got = facts["junk.zip"]
    assert code == 0
    assert sorted((f["rule"], f["severity"]) for f in got["findings"]) == [
        ("zip.junk", "warning"), ("zip.nested", "warning")]
    junk, nested = sorted(got["findings"], key=lambda f: f["rule"])
    for kind in ("__MACOSX/", ".DS_Store", "__pycache__/", ".git/"):
        assert kind in junk["message"], kind
    assert "(1 entry)" in junk["message"]  # the project's .pyc, not the virtualenv's
    assert "venv" not in junk["message"] and "git archive" not in junk["hint"]
    assert "'*__pycache__/*'" in junk["hint"] and "self-contained" in junk["hint"]
    assert "submission-backup.zip" in nested["message"]
    assert "Dependencies are fine as they are" in nested["hint"]


@pytest.mark.parametrize(("name", "root"), [
    ("venv/lib/python3.11/site-packages/a.py", "venv/"),
    ("p/.venv/bin/python", "p/.venv/"),
    ("p/node_modules/a/node_modules/b/index.js", "p/node_modules/"),
    ("p/myenv/lib/python3.12/site-packages/a.py", "p/myenv/"),  # pyvenv.cfg says so
    ("p/src/vendor.py", None),
    ("p/src/app.py", None),
])
def test_dependency_roots(name: str, root: str | None) -> None:
    envs = environment_roots(["p/myenv/pyvenv.cfg", "pyvenv.cfg"])
    assert "" not in envs and "/" not in envs  # a project that is itself a venv is not all deps
    found = dependency_of(name, envs)
    assert (found.root if found else None) == root


@pytest.mark.parametrize(("name", "package"), [
    ("numpy-1.26.4-cp311-cp311-win_amd64.whl", True), ("deps/anything.zip", True),
    ("lib/guava.jar", True), ("flash_attn-2.5.0.tar.gz", True), ("llama.cpp-v0.2.1.zip", True),
    ("data-2024.zip", False), ("results.tar.gz", False), ("old/code.zip", False),
])
def test_package_archives(name: str, package: bool) -> None:
    assert is_package_archive(name) is package


def test_unknown_deliverable_is_a_usage_error(tmp_path: Path) -> None:
    env = dict(os.environ, CHECKER_SOFFICE="none", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "checker", "inspect", "--deliverable", "kode", "--root",
         str(COURSE), str(write_zip(tmp_path / "c.zip", dict(SOURCES)))],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no such deliverable" in done.stderr
    assert "code" in done.stderr


def test_a_real_virtualenv_zipped_by_make_archive(tmp_path: Path) -> None:
    """``python -m venv`` then ``shutil.make_archive`` (which stores what links point to):
    the virtualenv is listed as a bundled dependency and nothing is reported."""
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / "venv")],
                   check=True, timeout=120)
    (project / "README.md").write_text("1. source venv/bin/activate\n2. python main.py\n")
    (project / "main.py").write_text("print('hello')\n")
    archive = Path(shutil.make_archive(str(tmp_path / "code"), "zip", tmp_path, "project"))
    code, facts = inspect_cli(archive)
    got = facts["code.zip"]
    assert code == 0 and got["findings"] == []
    assert [d["path"] for d in got["archive"]["dependencies"]] == ["project/venv/"]


@pytest.mark.parametrize(("text", "steps", "build", "run"), [
    ("```\npython -m venv .venv\npip install -r requirements.txt\n```\n", 2, True, False),
    ("Python 3.10 is required.\n", 0, False, False),  # a sentence, not a command
    ("100% of requests met the SLO.\n", 0, False, False),  # not a "%" prompt
    ("> Note: the traces are large.\n", 0, False, False),  # a quote, not a ">" prompt
    ("```\nCUDA_VISIBLE_DEVICES=0 torchrun train.py\n```\n", 1, False, True),
    ("```\nsudo ./run.sh\n```\n", 1, False, True),
    ("```\nbash install_deps.sh\n```\n", 1, True, False),
    ("1. Open analysis.ipynb in Jupyter and run all cells\n", 1, False, True),
    ("This ``pip``-installable package is great.\n", 0, False, False),
    ("Usage: python main.py <input>\n", 1, False, True),
])
def test_what_a_step_does(text: str, steps: int, build: bool, run: bool) -> None:
    report = analyse(text, ["README.md", "main.py"], "README.md")
    assert (report.steps, report.build, report.run) == (steps, build, run)


def test_files_named_after_cd_are_found_in_the_project() -> None:
    names = ["p/README.md", "p/configs/a.json"]
    assert analyse("```\ncd build\n./kvsim ../configs/a.json\n```\n", names,
                   "p/README.md").missing_files == []
    assert analyse("```\n./kvsim ../configs/b.json\n```\n", names,
                   "p/README.md").missing_files == ["../configs/b.json"]
