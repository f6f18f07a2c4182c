"""Facts about a code archive: README and its steps, bundled dependencies, junk, secrets,
nested archives.

Bundled dependencies (``checker.inspect.bundled``: a virtualenv, ``node_modules/``, vendored
sources, wheels and source tarballs) are what the course page asks for ("self-contained
(i.e., include ALL dependencies)"): they are listed, never called junk, and their files are
not judged as the group's own (no secret, nested-archive or ``__pycache__`` warnings inside).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path

from checker.facts import FileFacts
from checker.findings import Finding, warning
from checker.inspect import bundled
from checker.inspect import readme as readme_mod
from checker.inspect.archive import ZipScan, scan_zip
from checker.inspect.common import encrypted_finding
from checker.inspect.magic import ARCHIVE_KINDS, sniff
from checker.limits import ZIP_README_MAX_BYTES
from checker.model import Limits

# Never dependencies, wherever they are: OS metadata and the repository history.
_JUNK_ANYWHERE = {
    "__macosx": "__MACOSX/ (macOS Finder metadata)",
    ".git": ".git/ (the repository history)",
}
# Clutter of the group's own folders (inside a bundled dependency, it is the package's).
_JUNK_DIRS = {
    "__pycache__": "__pycache__/ (compiled Python)",
    ".ipynb_checkpoints": ".ipynb_checkpoints/",
    ".idea": ".idea/ (editor settings)",
}
_JUNK_FILES = {
    ".ds_store": ".DS_Store (macOS Finder metadata)",
    "thumbs.db": "Thumbs.db (Windows thumbnails)",
    "desktop.ini": "desktop.ini",
}
# What to add to `zip -r code.zip . -x ...` to leave each kind out.
_EXCLUDE = {
    "__MACOSX/ (macOS Finder metadata)": "'__MACOSX/*'",
    ".git/ (the repository history)": "'.git/*' '*/.git/*'",
    "__pycache__/ (compiled Python)": "'*__pycache__/*' '*.pyc'",
    ".ipynb_checkpoints/": "'*.ipynb_checkpoints/*'",
    ".idea/ (editor settings)": "'.idea/*'",
    ".DS_Store (macOS Finder metadata)": "'*.DS_Store'",
    "Thumbs.db (Windows thumbnails)": "'*Thumbs.db'",
    "desktop.ini": "'*desktop.ini'",
}
_SECRET_NAMES = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".netrc", ".pypirc", ".npmrc",
                 "credentials.json", ".git-credentials", "secrets.json", "service-account.json"}
_SECRET_EXT = re.compile(r"\.(pem|key|p12|pfx|keystore|jks|ppk)$", re.IGNORECASE)
_ENV = re.compile(r"^\.env(\..+)?$", re.IGNORECASE)
_ENV_OK = re.compile(r"\.(example|sample|template|dist)$", re.IGNORECASE)
_NESTED_EXT = re.compile(r"\.(zip|tar|tgz|tar\.gz|gz|bz2|tbz2|xz|txz|zst|7z|rar|ace|cab)$",
                         re.IGNORECASE)
# Files that are ZIP containers or compressed single files, not archives of files to unpack:
# documents, NumPy/PyTorch/Keras data and models, data compressed one file at a time.
_NOT_ARCHIVES = re.compile(
    r"(\.(docx|xlsx|pptx|odt|ods|odp|epub|npz|pt|pth|keras)|"
    r"\.(csv|tsv|json|jsonl|txt|log|npy|parquet|arrow|pkl|pickle|fits|nii|vcf|fasta|fastq|"
    r"bin|safetensors|h5|hdf5|mtx)\.(gz|bz2|xz|zst))$",
    re.IGNORECASE)


def junk_kind(name: str, in_dependency: bool = False) -> str | None:
    """What kind of clutter an entry is, or None. Inside a bundled dependency only OS
    metadata and ``.git/`` are clutter: ``__pycache__`` is part of an installed package."""
    parts = [p.lower() for p in name.rstrip("/").split("/")]
    for part in parts[:-1] if not name.endswith("/") else parts:
        if part in _JUNK_ANYWHERE:
            return _JUNK_ANYWHERE[part]
        if part in _JUNK_DIRS and not in_dependency:
            return _JUNK_DIRS[part]
    base = parts[-1]
    if base in _JUNK_FILES:
        return _JUNK_FILES[base]
    if base.endswith(".pyc") and not in_dependency:
        return "__pycache__/ (compiled Python)"
    return None


def is_secret(name: str) -> bool:
    base = posixpath.basename(name.rstrip("/"))
    if base.lower() in _SECRET_NAMES:
        return True
    if _ENV.match(base) and not _ENV_OK.search(base):
        return True
    return bool(_SECRET_EXT.search(base))


def _may_be_readme(name: str) -> bool:
    """The READMEs whose bytes are kept while scanning: plain-text ones that ``find_readme``
    could choose (not deeper than it looks, not in an installed package tree)."""
    return (readme_mod.is_text_readme(name) and name.count("/") <= readme_mod.MAX_DEPTH
            and not bundled.INSTALLED_DIRS & {p.lower() for p in name.split("/")[:-1]})


def inspect_code_zip(path: Path, facts: FileFacts, lim: Limits) -> None:
    repo_path = facts.path
    scan = scan_zip(path, repo_path, lim, keep=_may_be_readme, keep_bytes=ZIP_README_MAX_BYTES)
    facts.findings.extend(scan.findings)
    files = [e for e in scan.entries if not e.is_dir]
    facts.archive = {
        "entries": len(scan.entries),
        "files": len(files),
        "uncompressed_bytes": scan.uncompressed_bytes,
        "readme": None,
    }
    if scan.encrypted:
        facts.findings.append(encrypted_finding(
            repo_path, "Create the archive again without a password (no `zip -e`)."))
        return
    _report_contents(scan, facts)
    names = scan.names
    readme_path = readme_mod.find_readme(names)
    if readme_path is None:
        return
    facts.archive.update(readme=readme_path,
                         readme_text=readme_mod.is_text_readme(readme_path))
    if not facts.archive["readme_text"]:
        return
    text = readme_mod.decode(scan.content(readme_path) or b"")
    report = readme_mod.analyse(text, names, readme_path)
    facts.text = text
    facts.archive.update({
        "readme_empty": report.empty,
        "readme_steps": report.steps,
        "readme_build": report.build,
        "readme_run": report.run,
        "readme_commands": report.commands[:20],
        "readme_missing_files": report.missing_files,
    })


def _report_contents(scan: ZipScan, facts: FileFacts) -> None:
    repo_path = facts.path
    junk: Counter[str] = Counter()
    secrets: list[str] = []
    nested: list[str] = []
    environments = bundled.environment_roots(scan.names)
    dependencies: dict[bundled.Dependency, int] = {}
    packages: list[str] = []
    for e in scan.entries:
        dependency = bundled.dependency_of(e.name, environments)
        if dependency is not None and not e.is_dir:
            dependencies[dependency] = dependencies.get(dependency, 0) + 1
        kind = junk_kind(e.name, in_dependency=dependency is not None)
        if kind:
            junk[kind] += 1
            continue
        if e.is_dir or dependency is not None:
            continue  # a package's own files are not the group's secrets or archives
        if is_secret(e.name):
            secrets.append(e.name)
        if _NOT_ARCHIVES.search(e.name):
            continue
        if _NESTED_EXT.search(e.name) or (e.head and sniff(e.head) in ARCHIVE_KINDS):
            (packages if bundled.is_package_archive(e.name) else nested).append(e.name)
    if junk:
        facts.findings.append(_junk_finding(repo_path, junk))
    if secrets:
        facts.findings.append(warning(
            "zip.secret",
            f"{repo_path} contains files that usually hold passwords or private keys: "
            f"{', '.join(secrets[:10])}.",
            "Remove them from the archive, and revoke or rotate any key or token they contain: "
            "pushed files stay in the repository history.",
            repo_path,
        ))
    if nested:
        facts.findings.append(warning(
            "zip.nested",
            f"{repo_path} contains other archives, which the checker does not open: "
            f"{', '.join(nested[:10])}.",
            "If they are your own files, unpack them into the folder and zip it once, so that "
            "reviewers see them. Dependencies are fine as they are: wheels, jars and source "
            "packages (`name-1.2.3.tar.gz`), or any archive under `vendor/`, `third_party/`, "
            "`deps/`, `wheels/` or `lib/`.",
            repo_path,
        ))
    facts.archive = dict(
        facts.archive or {}, junk=sum(junk.values()), secrets=secrets, nested=nested,
        dependencies=[{"path": d.root, "kind": d.kind, "files": n}
                      for d, n in sorted(dependencies.items(), key=lambda x: x[0].root)][:20],
        dependency_archives=packages[:20],
    )


def _junk_finding(repo_path: str, junk: Counter[str]) -> Finding:
    what = ", ".join(f"{k} ({n} entr{'y' if n == 1 else 'ies'})" for k, n in junk.most_common())
    exclude = " ".join(_EXCLUDE[k] for k in junk if k in _EXCLUDE)
    return warning(
        "zip.junk",
        f"{repo_path} contains files that do not belong in a submission: {what}.",
        f"Leave them out, e.g. `zip -r code.zip . -x {exclude}` from your project folder "
        "(Finder's Compress adds __MACOSX/ and .DS_Store). Keep the bundled dependencies "
        "(a virtualenv, node_modules/, vendor/, wheels): the course asks for self-contained "
        "code.",
        repo_path,
    )
