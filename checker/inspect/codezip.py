"""Facts about a code archive: README and its instructions, junk, secrets, nested archives."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path

from checker.facts import FileFacts
from checker.findings import warning
from checker.inspect import readme as readme_mod
from checker.inspect.archive import ZipScan, scan_zip
from checker.inspect.common import encrypted_finding
from checker.inspect.magic import ARCHIVE_KINDS, sniff
from checker.limits import ZIP_README_MAX_BYTES
from checker.model import Limits

_JUNK_DIRS = {
    "__macosx": "__MACOSX/ (macOS Finder metadata)",
    ".git": ".git/ (the repository history)",
    "node_modules": "node_modules/ (installed packages)",
    "__pycache__": "__pycache__/ (compiled Python)",
    ".ipynb_checkpoints": ".ipynb_checkpoints/",
    ".idea": ".idea/ (editor settings)",
    ".venv": "a virtualenv",
    "venv": "a virtualenv",
    "site-packages": "installed packages (site-packages/)",
}
_JUNK_FILES = {
    ".ds_store": ".DS_Store (macOS Finder metadata)",
    "thumbs.db": "Thumbs.db (Windows thumbnails)",
    "desktop.ini": "desktop.ini",
}
_SECRET_NAMES = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".netrc", ".pypirc", ".npmrc",
                 "credentials.json", ".git-credentials", "secrets.json", "service-account.json"}
_SECRET_EXT = re.compile(r"\.(pem|key|p12|pfx|keystore|jks|ppk)$", re.IGNORECASE)
_ENV = re.compile(r"^\.env(\..+)?$", re.IGNORECASE)
_ENV_OK = re.compile(r"\.(example|sample|template|dist)$", re.IGNORECASE)
_NESTED_EXT = re.compile(r"\.(zip|tar|tgz|tar\.gz|gz|bz2|tbz2|xz|txz|zst|7z|rar|ace|cab)$",
                         re.IGNORECASE)


def junk_kind(name: str) -> str | None:
    parts = [p.lower() for p in name.rstrip("/").split("/")]
    for part in parts[:-1] if not name.endswith("/") else parts:
        if part in _JUNK_DIRS:
            return _JUNK_DIRS[part]
    base = parts[-1]
    if base in _JUNK_FILES:
        return _JUNK_FILES[base]
    if base == "pyvenv.cfg":
        return "a virtualenv"
    if base.endswith(".pyc"):
        return "__pycache__/ (compiled Python)"
    return None


def is_secret(name: str) -> bool:
    base = posixpath.basename(name.rstrip("/"))
    if base.lower() in _SECRET_NAMES:
        return True
    if _ENV.match(base) and not _ENV_OK.search(base):
        return True
    return bool(_SECRET_EXT.search(base))


def inspect_code_zip(path: Path, facts: FileFacts, lim: Limits) -> None:
    repo_path = facts.path
    scan = scan_zip(
        path, repo_path, lim,
        keep=lambda n: posixpath.basename(n).lower() in readme_mod.README_NAMES,
        keep_bytes=ZIP_README_MAX_BYTES,
    )
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
    raw = scan.content(readme_path) or b""
    text = raw.decode("utf-8", errors="replace")
    report = readme_mod.analyse(text, names, readme_path)
    facts.text = text
    facts.archive.update({
        "readme": readme_path,
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
    for e in scan.entries:
        kind = junk_kind(e.name)
        if kind:
            junk[kind] += 1
            continue
        if e.is_dir:
            continue
        if is_secret(e.name):
            secrets.append(e.name)
        if _NESTED_EXT.search(e.name) or (e.head and sniff(e.head) in ARCHIVE_KINDS):
            nested.append(e.name)
    if junk:
        what = ", ".join(f"{k} ({n} entr{'y' if n == 1 else 'ies'})" for k, n in junk.most_common())
        facts.findings.append(warning(
            "zip.junk",
            f"{repo_path} contains files that do not belong in a submission: {what}.",
            "Zip only your sources, e.g. `git archive -o code.zip HEAD`, or "
            "`zip -r code.zip . -x '*.DS_Store' '__MACOSX/*' '.git/*' 'node_modules/*' "
            "'*venv/*'`.",
            repo_path,
        ))
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
            "Unpack them into the folder and zip it once, so that reviewers see the files.",
            repo_path,
        ))
    facts.archive = dict(facts.archive or {}, junk=sum(junk.values()), secrets=secrets,
                         nested=nested)
