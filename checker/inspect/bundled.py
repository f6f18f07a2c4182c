"""Which entries of a code archive are bundled dependencies, by their names alone.

The course page asks for "self-contained (i.e., include ALL dependencies)" code: a virtualenv,
a conda environment, ``node_modules/``, ``site-packages/``, vendored sources (``vendor/``,
``third_party/``, ...) and package files (wheels, jars, ``name-1.2.3.tar.gz`` source
packages) are what it asks for. They are never junk, their archives are not "nested archives"
to unpack, and the files packages ship (certifi's ``cacert.pem``, test keys, ``__pycache__``)
are not the group's secrets or clutter.

Pure functions over entry names.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Folder names that hold dependencies, and what a person calls them.
DEPENDENCY_DIRS = {
    "node_modules": "installed npm packages",
    "bower_components": "installed Bower packages",
    "site-packages": "installed Python packages",
    "dist-packages": "installed Python packages",
    "venv": "a virtualenv",
    ".venv": "a virtualenv",
    "virtualenv": "a virtualenv",
    "vendor": "vendored dependencies",
    "vendored": "vendored dependencies",
    "third_party": "vendored dependencies",
    "third-party": "vendored dependencies",
    "thirdparty": "vendored dependencies",
    "3rdparty": "vendored dependencies",
    "deps": "bundled dependencies",
    "dependencies": "bundled dependencies",
    "wheels": "bundled wheels",
    "wheelhouse": "bundled wheels",
    "jars": "bundled jars",
}
# Installed package trees: every package in them brings its own README, LICENSE, tests.
INSTALLED_DIRS = frozenset({"node_modules", "bower_components", "site-packages",
                            "dist-packages"})
# Folders whose archives are packages (Java's lib/*.jar, NuGet's packages/, ...).
_PACKAGE_DIRS = frozenset(DEPENDENCY_DIRS) | {"lib", "libs", "packages", "pkgs", "external",
                                              "extern", "offline", "downloads"}
# Files that are packages by their format: wheels, eggs, jars, gems, NuGet, crates, conda.
_PACKAGE_EXT = re.compile(r"\.(whl|egg|jar|aar|war|ear|gem|nupkg|crate|conda)$", re.IGNORECASE)
# A source package named as package managers name them: numpy-1.26.4.tar.gz, lib-v2.0.1.zip.
_SOURCE_PACKAGE = re.compile(
    r"^[a-z0-9][\w.+-]*-v?\d+(\.\d+)+[\w.+-]*\.(tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|zip)$",
    re.IGNORECASE)


@dataclass(frozen=True)
class Dependency:
    root: str  # "venv/", "project/node_modules/"
    kind: str  # "a virtualenv", ...


def environment_roots(names: Iterable[str]) -> dict[str, str]:
    """Folders that are a Python virtualenv (they hold ``pyvenv.cfg``) or a conda environment
    (they hold ``conda-meta/``), whatever they are called; not the archive's root itself."""
    roots: dict[str, str] = {}
    for name in names:
        parts = name.rstrip("/").split("/")
        if parts[-1] == "pyvenv.cfg" and len(parts) > 1:
            roots.setdefault("/".join(parts[:-1]) + "/", "a virtualenv")
        if "conda-meta" in parts[:-1] or (name.endswith("/") and parts[-1] == "conda-meta"):
            at = parts.index("conda-meta")
            if at > 0:
                roots.setdefault("/".join(parts[:at]) + "/", "a conda environment")
    return roots


def dependency_of(name: str, environments: dict[str, str]) -> Dependency | None:
    """The outermost bundled dependency ``name`` is inside, or None."""
    parts = name.rstrip("/").split("/")
    folders = parts if name.endswith("/") else parts[:-1]
    prefix = ""
    for part in folders:
        prefix += part + "/"
        if prefix in environments:
            return Dependency(prefix, environments[prefix])
        kind = DEPENDENCY_DIRS.get(part.lower())
        if kind is not None:
            return Dependency(prefix, kind)
    return None


def is_package_archive(name: str) -> bool:
    """An archive that is a dependency: a wheel, jar, gem, ..., a source package named
    ``name-1.2.3.tar.gz``, or any archive in a folder of packages (``lib/``, ``vendor/``)."""
    base = posixpath.basename(name)
    if _PACKAGE_EXT.search(base) or _SOURCE_PACKAGE.match(base):
        return True
    return any(p.lower() in _PACKAGE_DIRS for p in name.split("/")[:-1])
