"""``actions/checkout`` as the workflows pin it (v4.2.2), run locally: the same git commands, in
the same order, from the ``with:`` inputs a workflow step declares.

Read from the action's source at that commit (src/input-helper.ts, git-source-provider.ts,
ref-helper.ts, git-command-manager.ts):

- inputs: ``ref`` (a branch, a tag, ``refs/...`` or a 40-hex SHA; empty: the event's
  ``GITHUB_REF`` at ``GITHUB_SHA``), ``filter`` (default none, but ``blob:none`` whenever
  ``sparse-checkout`` is set), ``sparse-checkout`` (one pattern a line),
  ``sparse-checkout-cone-mode`` (default true), ``fetch-depth`` (default 1; 0: every branch
  and tag, whole history), ``fetch-tags`` (default false);
- ``git init``, ``git remote add origin URL``, ``git config --local gc.auto 0``;
- ``git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules [--filter=F]
  [--depth=N] origin REFSPECS`` (with fetch-depth 0: all branches and tags, then the ref itself
  if the first fetch did not bring it at the event's commit);
- the sparse checkout: ``git sparse-checkout set PATTERNS`` (cone mode), else
  ``core.sparseCheckout=true`` and the patterns appended to ``info/sparse-checkout``; without
  it, ``git sparse-checkout disable``;
- ``git checkout --progress --force [-B BRANCH START]``.

Authentication, ``persist-credentials``, progress output and the safe-directory setting change
nothing git fetches; any other input raises, so a workflow change cannot escape the tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from core.partial_clone import serve_partial_clones

__all__ = ["Checkout", "Inputs", "checkout_steps", "serve_partial_clones"]

TAGS = "+refs/tags/*:refs/tags/*"
IGNORED = {"persist-credentials", "show-progress", "set-safe-directory", "token", "clean"}
KNOWN = {"ref", "filter", "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth",
         "fetch-tags", *IGNORED}


@dataclass(frozen=True)
class Inputs:
    ref: str
    commit: str
    filter: str | None
    sparse: tuple[str, ...]
    cone: bool
    fetch_depth: int
    fetch_tags: bool

    @classmethod
    def parse(cls, with_: Mapping[str, object], event_ref: str, event_sha: str) -> Inputs:
        unknown = set(with_) - KNOWN
        if unknown:
            raise ValueError(f"checkout_action cannot emulate the input(s) {sorted(unknown)}")

        def text(key: str) -> str:
            value = with_.get(key)
            if isinstance(value, bool):
                return str(value).lower()
            return "" if value is None else str(value).strip()

        ref, commit = text("ref"), ""
        if not ref:
            ref, commit = event_ref, event_sha
            if commit and ref and not ref.startswith("refs/"):
                ref = f"refs/heads/{ref}"
        elif re.fullmatch(r"[0-9a-fA-F]{40}", ref):
            ref, commit = "", ref
        try:
            depth = int(float(text("fetch-depth") or "1"))
        except ValueError:
            depth = 0
        sparse = tuple(line.strip() for line in str(with_.get("sparse-checkout") or "")
                       .splitlines() if line.strip())
        return cls(ref=ref, commit=commit, filter=text("filter") or None, sparse=sparse,
                   cone=(text("sparse-checkout-cone-mode") or "true").lower() == "true",
                   fetch_depth=max(depth, 0),
                   fetch_tags=(text("fetch-tags") or "false").lower() == "true")


def refspec_all_history(ref: str, commit: str) -> list[str]:
    out = ["+refs/heads/*:refs/remotes/origin/*", TAGS]
    if ref.upper().startswith("REFS/PULL/"):
        out.append(f"+{commit or ref}:refs/remotes/pull/{ref[len('refs/pull/'):]}")
    return out


def refspec(ref: str, commit: str) -> list[str]:
    upper = ref.upper()
    if commit:
        if upper.startswith("REFS/HEADS/"):
            return [f"+{commit}:refs/remotes/origin/{ref[len('refs/heads/'):]}"]
        if upper.startswith("REFS/PULL/"):
            return [f"+{commit}:refs/remotes/pull/{ref[len('refs/pull/'):]}"]
        if upper.startswith("REFS/TAGS/"):
            return [f"+{commit}:{ref}"]
        return [commit]
    if not upper.startswith("REFS/"):
        return [f"+refs/heads/{ref}*:refs/remotes/origin/{ref}*",
                f"+refs/tags/{ref}*:refs/tags/{ref}*"]
    if upper.startswith("REFS/HEADS/"):
        return [f"+{ref}:refs/remotes/origin/{ref[len('refs/heads/'):]}"]
    if upper.startswith("REFS/PULL/"):
        return [f"+{ref}:refs/remotes/pull/{ref[len('refs/pull/'):]}"]
    return [f"+{ref}:{ref}"]


class Checkout:
    """One run of the action into ``workspace``; ``commands`` keeps every git command run."""

    def __init__(self, workspace: Path, env: Mapping[str, str] | None = None) -> None:
        self.workspace = workspace
        self.env = dict(env) if env is not None else None
        self.commands: list[list[str]] = []

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        self.commands.append(["git", *args])
        proc = subprocess.run(["git", "-C", str(self.workspace), *args], capture_output=True,
                              text=True, env=self.env, timeout=600)
        if check and proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc

    def fetch(self, specs: list[str], inputs: Inputs, *, depth: int = 0) -> None:
        args = ["-c", "protocol.version=2", "fetch"]
        if TAGS not in specs and not (depth and inputs.fetch_tags):
            args.append("--no-tags")
        args += ["--prune", "--no-recurse-submodules"]
        fetch_filter = inputs.filter or ("blob:none" if inputs.sparse else None)
        if fetch_filter:
            args.append(f"--filter={fetch_filter}")
        if depth > 0:
            args.append(f"--depth={depth}")
        self.git(*args, "origin", *specs)

    def branch_exists(self, name: str) -> bool:
        return self.git("rev-parse", "--verify", "--quiet", f"refs/remotes/{name}",
                        check=False).returncode == 0

    def tested(self, ref: str, commit: str) -> bool:
        """ref-helper.ts testRef: did the all-history fetch bring ``ref`` at ``commit``?"""
        if not commit:
            return True
        if not ref:
            return self.git("cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode == 0
        if ref.upper().startswith("REFS/HEADS/"):
            branch = ref[len("refs/heads/"):]
            got = self.git("rev-parse", "--verify", "--quiet", f"refs/remotes/origin/{branch}",
                           check=False).stdout.strip()
            return got == commit
        return True

    def run(self, url: str, with_: Mapping[str, object], *, event_ref: str,
            event_sha: str) -> Inputs:
        inputs = Inputs.parse(with_, event_ref, event_sha)
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.git("init", str(self.workspace))
        self.git("remote", "add", "origin", url)
        self.git("config", "--local", "gc.auto", "0")
        if inputs.fetch_depth <= 0:
            self.fetch(refspec_all_history(inputs.ref, inputs.commit), inputs)
            if not self.tested(inputs.ref, inputs.commit):
                self.fetch(refspec(inputs.ref, inputs.commit), inputs)
        else:
            self.fetch(refspec(inputs.ref, inputs.commit), inputs, depth=inputs.fetch_depth)
        branch, start = self.checkout_info(inputs.ref, inputs.commit)
        if not inputs.sparse:
            self.git("sparse-checkout", "disable")
        elif inputs.cone:
            self.git("sparse-checkout", "set", *inputs.sparse)
        else:
            self.git("config", "core.sparseCheckout", "true")
            path = self.workspace / self.git("rev-parse", "--git-path",
                                             "info/sparse-checkout").stdout.strip()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as out:
                out.write("\n" + "\n".join(inputs.sparse) + "\n")
        if start:
            self.git("checkout", "--progress", "--force", "-B", branch, start)
        else:
            self.git("checkout", "--progress", "--force", branch)
        return inputs

    def checkout_info(self, ref: str, commit: str) -> tuple[str, str]:
        """ref-helper.ts getCheckoutInfo: (ref to check out, start point or "")."""
        upper = ref.upper()
        if not ref:
            return commit, ""
        if upper.startswith("REFS/HEADS/"):
            branch = ref[len("refs/heads/"):]
            return branch, f"refs/remotes/origin/{branch}"
        if upper.startswith("REFS/PULL/"):
            return f"refs/remotes/pull/{ref[len('refs/pull/'):]}", ""
        if upper.startswith("REFS/TAGS/"):
            return ref, ""
        if upper.startswith("REFS/"):
            return commit or ref, ""
        if self.branch_exists(f"origin/{ref}"):
            return ref, f"refs/remotes/origin/{ref}"
        if self.git("rev-parse", "--verify", "--quiet", f"refs/tags/{ref}",
                    check=False).returncode == 0:
            return f"refs/tags/{ref}", ""
        raise RuntimeError(f"A branch or tag with the name '{ref}' could not be found")


def checkout_steps(workflow: Mapping[str, object]) -> list[tuple[str, str, dict[str, object]]]:
    """(job id, step name, with:) of every actions/checkout step of a parsed workflow."""
    out = []
    jobs = workflow.get("jobs")
    assert isinstance(jobs, dict)
    for job_id, job in jobs.items():
        for i, step in enumerate(job.get("steps", [])):
            if str(step.get("uses", "")).split("@")[0] == "actions/checkout":
                out.append((job_id, step.get("name") or f"step {i}", dict(step.get("with") or {})))
    return out
