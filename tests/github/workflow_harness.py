"""Run a workflow file's jobs the way a GitHub runner would, locally, against the fake GitHub.

The ``run:`` steps are executed exactly as written in the YAML (bash -eo pipefail, the step's
``env:`` with its ``${{ }}`` expressions evaluated by the runner, never inside the script), in
order, with the environment a runner sets. Only ``uses:`` steps are emulated:

- ``actions/checkout``: the action's own git commands (``checkout_action``) from the step's
  ``with:`` (``path``: into that folder of the workspace, replacing only it), against the
  test's bare "origin" as a ``file://`` URL, serving partial clones as
  GitHub does (a blobless clone fetches each blob it reads from it; ``Runner.checkouts``
  keeps the git commands of each checkout); with ``with.repository`` (a reusable workflow
  checking out the course repository), that repository from ``repositories`` (OWNER/NAME ->
  a bare repository), at its default branch; an empty ``repository``, as GitHub does, means
  the workflow's own repository;
- ``actions/setup-python``: nothing; ``python`` on PATH is this interpreter, found through its
  own folder (a venv's ``bin/``) first on PATH, as an activated venv or setup-python puts it.
  (A link to it from another folder would start the base interpreter without the venv.)
- ``actions/upload-artifact`` / ``download-artifact``: copy a folder;
- ``actions/upload-pages-artifact`` / ``deploy-pages``: the folder kept as the ``github-pages``
  artifact, and a ``github-pages-deployed`` mark;
- ``run:`` steps that only ``pip install`` are skipped: the checker's dependencies are
  installed already, and ``python -m checker`` in ``$GITHUB_WORKSPACE`` imports the checked-out
  base branch's ``checker/`` (the current directory comes first on ``sys.path``).
- ``run:`` steps whose every line runs ``sudo`` are recorded, not run (``Runner.apt_installed``
  keeps the packages of their ``apt-get install``): the runner image has no LibreOffice, so
  until a step installs it every step runs with ``CHECKER_SOFFICE=none``; after it, with this
  machine's LibreOffice.
- ``actions/cache/restore`` / ``save``: a folder per key under ``Runner.cache_dir`` (shared by
  the runs of one test, as a repository's cache is), the ``cache-hit`` output, and each restore
  and save in ``Runner.cache_log``.

Expressions: the small subset the workflows use (contexts github, steps, needs, runner, vars,
secrets; ``always()``, ``!cancelled()``, ``==``, ``&&``, ``||``; ``vars`` holds the repository
variables the test sets, ``secrets`` the secrets a caller passes). ``GITHUB_SERVER_URL`` is
``server_url`` (a ``file://`` folder of bare repositories named OWNER/NAME.git lets a step fetch
from "GitHub"). Anything else raises, so a workflow change cannot silently
escape the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from checkout_action import Checkout, serve_partial_clones

# tests/conftest.py's guard that every Python a test starts is the test environment's own
TEST_GUARD_VARIABLES = ("PYTHONPATH", "CHECKER_TESTS_PYTHON_PREFIX")
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class StepLog:
    name: str
    outcome: str  # success | failure | skipped
    stdout: str = ""
    stderr: str = ""
    started: float = 0.0  # time.monotonic() around the step (bench/bench_checkouts.py)
    ended: float = 0.0


@dataclass
class JobRun:
    result: str = "success"
    outputs: dict[str, str] = field(default_factory=dict)
    steps: list[StepLog] = field(default_factory=list)
    summary: str = ""

    def step(self, name: str) -> StepLog:
        return next(s for s in self.steps if s.name == name)

    @property
    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)


class Runner:
    def __init__(self, workflow: Path, *, origin: Path, event: dict[str, Any], event_name: str,
                 api_url: str, token: str, tmp: Path, repository: str,
                 extra_env: dict[str, str] | None = None,
                 variables: dict[str, str] | None = None,
                 never: frozenset[str] = frozenset(),
                 secrets: dict[str, str] | None = None,
                 repositories: dict[str, Path] | None = None,
                 server_url: str = "https://github.com") -> None:
        self.wf = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        if True in self.wf:
            self.wf["on"] = self.wf.pop(True)
        self.origin, self.event, self.tmp = origin, event, tmp
        self.event_name, self.api_url, self.token = event_name, api_url, token
        self.repository = repository
        self.extra_env = extra_env or {}
        self.variables = variables or {}
        self.secrets = secrets or {}
        self.repositories = {k.lower(): v for k, v in (repositories or {}).items()}
        self.server_url = server_url
        self.artifacts = tmp / "artifacts"
        self.workspace = self.runner_temp = tmp / "no-job-yet"
        self.event_path = tmp / "event.json"
        tmp.mkdir(parents=True, exist_ok=True)
        import json

        self.event_path.write_text(json.dumps(event), encoding="utf-8")
        # sys.executable unresolved: the venv's bin/, whose python finds the venv's pyvenv.cfg
        self.bin = Path(sys.executable).parent
        self.apt_installed: list[str] = []  # Debian packages the steps installed, in order
        self.never = never  # jobs that never run (cancelled, or the runner lost): "cancelled"
        self.checkouts: list[Checkout] = []  # each actions/checkout step, with its git commands
        self.cache_dir = tmp.parent / "actions-cache"  # the repository's Actions cache
        self.cache_log: list[tuple[str, str, bool]] = []  # (restore | save, key, found)
        self.git_env: dict[str, str] | None = None  # the checkout's git environment (bench)

    # -- expressions -----------------------------------------------------------------------
    def _lookup(self, expr: str, ctx: dict[str, Any]) -> Any:
        if not re.fullmatch(r"[A-Za-z_][\w-]*(\.[\w-]+)*", expr):
            raise ValueError(f"harness cannot evaluate ${{{{ {expr} }}}}")
        value: Any = ctx
        for part in expr.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return value

    def _eval(self, expr: str, ctx: dict[str, Any]) -> Any:
        expr = expr.strip()
        if "||" in expr:  # the first truthy operand, else the last
            values = [self._eval(p, ctx) for p in expr.split("||")]
            return next((v for v in values if self._truthy(v)), values[-1])
        if "&&" in expr:
            return all(self._truthy(self._eval(p, ctx)) for p in expr.split("&&"))
        m = re.fullmatch(r"(.+?)\s*(==|!=)\s*'([^']*)'", expr)
        if m:
            return (str(self._eval(m.group(1), ctx)) == m.group(3)) == (m.group(2) == "==")
        if expr == "always()":
            return True
        if expr in ("cancelled()", "!cancelled()"):  # the harness never cancels a run
            return expr.startswith("!")
        if expr == "success()":
            return ctx["_job_ok"]
        return self._lookup(expr, ctx)

    @staticmethod
    def _truthy(v: Any) -> bool:
        return bool(v) and v != "false"

    def _subst(self, value: Any, ctx: dict[str, Any]) -> str:
        return EXPR.sub(lambda m: str(self._eval(m.group(1), ctx)), str(value))

    def _cond(self, cond: Any, ctx: dict[str, Any]) -> bool:
        if cond is None:
            return bool(ctx["_job_ok"])
        text = str(cond)
        m = EXPR.fullmatch(text.strip())
        return self._truthy(self._eval(m.group(1) if m else text, ctx))

    # -- jobs ------------------------------------------------------------------------------
    def run(self) -> dict[str, JobRun]:
        results: dict[str, JobRun] = {}
        for job_id, job in self.wf["jobs"].items():  # written in dependency order
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            needs_ctx = {n: {"result": results[n].result, "outputs": results[n].outputs}
                         for n in needs}
            ctx = self._context(needs_ctx, {}, True)
            deps_ok = all(results[n].result == "success" for n in needs)
            ctx["_job_ok"] = deps_ok
            if job_id in self.never:
                results[job_id] = JobRun(result="cancelled")
                continue
            if not self._cond(job.get("if"), ctx):
                results[job_id] = JobRun(result="skipped")
                continue
            results[job_id] = self._run_job(job_id, job, needs_ctx)
        return results

    def _context(self, needs: dict[str, Any], steps: dict[str, Any], ok: bool) -> dict[str, Any]:
        return {"github": {"event": self.event, "token": self.token,
                           "repository": self.repository, "event_name": self.event_name},
                "needs": needs, "steps": steps, "vars": self.variables,
                "secrets": self.secrets,
                "runner": {"temp": str(self.runner_temp)},
                "_job_ok": ok}

    def _run_job(self, job_id: str, job: dict[str, Any], needs: dict[str, Any]) -> JobRun:
        run = JobRun()
        job_dir = self.tmp / "jobs" / job_id
        self.workspace = job_dir / "workspace"
        self.runner_temp = job_dir / "temp"
        self.workspace.mkdir(parents=True)
        self.runner_temp.mkdir(parents=True)
        summary = job_dir / "summary.md"
        summary.touch()
        steps_ctx: dict[str, Any] = {}
        ok = True
        for i, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or f"step {i}"
            ctx = self._context(needs, steps_ctx, ok)
            if not self._cond(step.get("if"), ctx):
                run.steps.append(StepLog(name, "skipped"))
                if step.get("id"):
                    steps_ctx[step["id"]] = {"outcome": "skipped", "outputs": {}}
                continue
            env = {k: self._subst(v, ctx) for k, v in (step.get("env") or {}).items()}
            with_ = {k: self._subst(v, ctx) for k, v in (step.get("with") or {}).items()}
            output_file = job_dir / f"output-{i}"
            output_file.touch()
            started = time.monotonic()
            if "uses" in step:
                log = self._uses(name, step["uses"], with_, output_file)
            else:
                log = self._run(name, step["run"], env, output_file, summary)
            log.started, log.ended = started, time.monotonic()
            outputs = dict(re.findall(r"^([\w-]+)=(.*)$", output_file.read_text(), re.M))
            if step.get("id"):
                steps_ctx[step["id"]] = {"outcome": log.outcome, "outputs": outputs}
            run.steps.append(log)
            if log.outcome == "failure" and not step.get("continue-on-error"):
                ok = False
        run.result = "success" if ok else "failure"
        ctx = self._context(needs, steps_ctx, ok)
        run.outputs = {k: self._subst(v, ctx) for k, v in (job.get("outputs") or {}).items()}
        run.summary = summary.read_text()
        return run

    def _run(self, name: str, script: str, env: dict[str, str], output: Path,
             summary: Path) -> StepLog:
        lines = [x for x in script.splitlines() if x.strip()]
        if lines and all(x.strip().startswith("python -m pip install") for x in lines):
            return StepLog(name, "success", stdout="(pip install skipped: already installed)")
        commands = " ".join(x.strip() for x in script.splitlines()).replace("\\ ", "")
        if lines and all(x.strip().startswith("sudo ") or
                         (i and lines[i - 1].rstrip().endswith("\\"))
                         for i, x in enumerate(lines)):
            for command in commands.split("sudo ")[1:]:
                words = command.split()
                if words[:1] == ["apt-get"] and "install" in words:
                    after = words[words.index("install") + 1:]
                    self.apt_installed += [w for i, w in enumerate(after) if not w.startswith(
                        "-") and (i == 0 or after[i - 1] != "-o")]
            return StepLog(name, "success", stdout="(sudo recorded: " +
                           " ".join(self.apt_installed) + ")")
        runner_image = {} if any(p.startswith("libreoffice") for p in self.apt_installed) \
            else {"CHECKER_SOFFICE": "none"}  # the runner image ships no LibreOffice
        script_file = self.runner_temp / f"{abs(hash(name))}.sh"
        script_file.write_text(script, encoding="utf-8")
        base = {k: v for k, v in os.environ.items()
                if k in ("HOME", "LANG", "LC_ALL", "TMPDIR", "PYENV_ROOT", "SYSTEMROOT",
                         *TEST_GUARD_VARIABLES)}
        full_env = {
            **base,
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "CI": "true", "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": self.event_name, "GITHUB_EVENT_PATH": str(self.event_path),
            "GITHUB_API_URL": self.api_url, "GITHUB_SERVER_URL": self.server_url,
            "GITHUB_REPOSITORY": self.repository, "GITHUB_RUN_ID": "4242",
            "GITHUB_WORKSPACE": str(self.workspace), "RUNNER_TEMP": str(self.runner_temp),
            "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
            "GIT_CONFIG_GLOBAL": str(self.tmp / "gitconfig"),
            **runner_image, **self.extra_env, **env,
        }
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                               str(script_file)], cwd=self.workspace, env=full_env,
                              capture_output=True, text=True, timeout=120)
        return StepLog(name, "success" if proc.returncode == 0 else "failure", proc.stdout,
                       proc.stderr)

    def _uses(self, name: str, uses: str, with_: dict[str, str], output: Path) -> StepLog:
        action = uses.split("@")[0]
        if action in ("actions/cache/restore", "actions/cache/save"):
            return self._cache(name, action.rsplit("/", 1)[1], with_, output)
        if action == "actions/checkout":
            origin, inputs = self.origin, dict(with_)
            into = str(inputs.pop("path", "") or "")
            if into and (into.startswith("/") or ".." in into.split("/")):
                raise ValueError(f"checkout path {into!r} is outside the workspace")
            target = self.workspace / into if into else self.workspace
            shutil.rmtree(target, ignore_errors=True)  # a path: only that folder is replaced
            # GITHUB_REF and GITHUB_SHA: the base branch (pull_request_target) or main, now
            branch = ((self.event.get("pull_request") or {}).get("base") or {}).get("ref")
            event_ref = f"refs/heads/{branch or 'main'}"
            if "repository" in inputs or self.repository.lower() in self.repositories:
                wanted = (str(inputs.pop("repository", "")) or self.repository).lower()
                if wanted not in self.repositories:
                    target.mkdir(parents=True)
                    return StepLog(name, "failure", stderr=f"Repository not found: {wanted}")
                origin = self.repositories[wanted]
                if wanted != self.repository.lower():  # another repository: its default branch
                    event_ref = "refs/heads/main"
            serve_partial_clones(origin)
            event_sha = subprocess.run(["git", "-C", str(origin), "rev-parse", event_ref],
                                       check=True, capture_output=True, text=True).stdout.strip()
            checkout = Checkout(target, self.git_env)
            checkout.run(origin.resolve().as_uri(), inputs, event_ref=event_ref,
                         event_sha=event_sha)
            self.checkouts.append(checkout)
            return StepLog(name, "success")
        if action == "actions/setup-python":
            return StepLog(name, "success")
        if action == "actions/upload-artifact":
            src, dst = Path(with_["path"]), self.artifacts / with_["name"]
            if dst.exists():
                shutil.rmtree(dst)
            if src.is_dir() and any(src.iterdir()):
                shutil.copytree(src, dst)
            return StepLog(name, "success")
        if action == "actions/upload-pages-artifact":  # kept where a test can look
            src, dst = Path(with_["path"]), self.artifacts / "github-pages"
            shutil.copytree(src, dst, dirs_exist_ok=True)
            return StepLog(name, "success")
        if action == "actions/deploy-pages":
            (self.artifacts / "github-pages-deployed").touch()
            return StepLog(name, "success")
        if action == "actions/download-artifact":
            src, dst = self.artifacts / with_["name"], Path(with_["path"])
            if not src.is_dir():
                return StepLog(name, "failure", stderr="Artifact not found")
            shutil.copytree(src, dst, dirs_exist_ok=True)
            return StepLog(name, "success")
        raise ValueError(f"harness cannot emulate {uses}")

    def _cache(self, name: str, verb: str, with_: dict[str, str], output: Path) -> StepLog:
        key, path = with_["key"], Path(with_["path"])
        stored = self.cache_dir / re.sub(r"[^\w.-]", "_", key)
        found = stored.is_dir()
        self.cache_log.append((verb, key, found))
        if verb == "restore":
            if found:
                shutil.copytree(stored, path, dirs_exist_ok=True)
            output.write_text(f"cache-hit={'true' if found else 'false'}\n"
                              f"cache-primary-key={key}\n")
        elif not found and path.is_dir():  # an entry is never overwritten; no path: no entry
            shutil.copytree(path, stored)
        return StepLog(name, "success")
