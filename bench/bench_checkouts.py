"""Benchmark (not a test): what each workflow's checkout costs at the end of a term, at two sizes.

For each size (``--groups``, two numbers), builds the course repository as it looks at the end
of the term (tests/github/term_repo.py: this project's files, and for every group its
group.yaml and 7 documents pushed ``--revisions`` times, incompressible as PDFs and archives
are, ``--scale`` times about 14 MB a revision, plus every student's pre-class questions), served
by a local bare repository that serves partial clones as GitHub does. Then:

- every ``actions/checkout`` step of every workflow, run with the git commands of the pinned
  action from the step's own ``with:`` (tests/github/checkout_action.py; read from the YAML,
  never restated here), and the same checkout as a full clone (all history, whole tree);
- the ``submission check`` workflow's both jobs on the term's last pull request (the first
  group's final report and code), run step by step as the YAML says (tests/github/
  workflow_harness.py, against the fake GitHub), once as declared and once with full-clone
  checkouts; the two results must be identical (the bench stops otherwise).

Prints, for each: bytes fetched from origin (every upload-pack, lazy fetches included) and
requests, files written outside .git, and wall time; then how each grows from the smaller term
to the larger. Ratios and counts are what to compare (timings move with the machine's load).

    python bench/bench_checkouts.py                     # 5 and 15 groups, 2 revisions
    python bench/bench_checkouts.py --groups 15 60 --revisions 1 --scale 1
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for sub in ("tests/github", "tests", ""):
    sys.path.insert(0, str(ROOT / sub))

import yaml  # noqa: E402
from checkout_action import Checkout, checkout_steps  # noqa: E402
from fake_github import FakeGitHub  # noqa: E402
from term_repo import (  # noqa: E402
    Counter,
    Term,
    build_term,
    full_clone_workflow,
    result_of,
    run_submission,
    written,
)

WORKFLOWS = ROOT / ".github" / "workflows"
SUBMISSION = WORKFLOWS / "submission.yml"
FULL = {"fetch-depth": 0, "persist-credentials": False}


@dataclass(frozen=True)
class Cost:
    fetched: int  # bytes origin sent
    requests: int
    files: int  # written outside .git
    seconds: float


def mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def checkout_cost(term: Term, with_: dict[str, object], folder: Path) -> Cost:
    counter = Counter(folder / "count")
    workspace = folder / "workspace"
    import os

    start = time.monotonic()
    Checkout(workspace, {**os.environ, **counter.env}).run(
        term.origin.resolve().as_uri(), with_, event_ref="refs/heads/main", event_sha=term.base)
    seconds = time.monotonic() - start
    fetched, requests = counter.between(start, time.monotonic())
    cost = Cost(fetched, requests, written(workspace).files, seconds)
    shutil.rmtree(folder)
    return cost


def job_cost(counter: Counter, steps: list, workspace: Path) -> Cost:  # type: ignore[type-arg]
    ran = [s for s in steps if s.outcome != "skipped"]
    start, end = ran[0].started, ran[-1].ended
    fetched, requests = counter.between(start, end)
    return Cost(fetched, requests, written(workspace).files, end - start)


def measure(term: Term, tmp: Path) -> dict[str, tuple[Cost, Cost]]:
    """(as declared, full clone) for every checkout step, and the check job as a whole."""
    out: dict[str, tuple[Cost, Cost]] = {}
    full_tree: Cost | None = None
    for workflow in sorted(WORKFLOWS.glob("*.yml")):
        if workflow == SUBMISSION:
            continue
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        for job, _, with_ in checkout_steps(data):
            if any("${{" in str(v) for v in with_.values()):
                raise SystemExit(f"{workflow.name}: the bench cannot evaluate {with_}")
            declared = checkout_cost(term, with_, tmp / f"{workflow.stem}-{job}")
            if full_tree is None:  # every full clone of main is the same clone
                full_tree = checkout_cost(term, FULL, tmp / "full-clone")
            out[f"{workflow.name} {job}: checkout"] = (declared, full_tree)
    results = {}
    runs = {}
    with FakeGitHub() as fake:
        for label, wf in (("declared", SUBMISSION),
                          ("full", full_clone_workflow(SUBMISSION, tmp / "full-clone.yml"))):
            counter = Counter(tmp / f"count-{label}")
            runner, jobs = run_submission(term, wf, tmp / f"run-{label}", fake, counter)
            for job in ("check", "publish"):
                if jobs[job].result != "success":
                    raise SystemExit(f"{label}: the {job} job failed:\n" + "\n".join(
                        f"{s.name}: {s.stderr[-800:]}" for s in jobs[job].steps))
            results[label] = result_of(runner)
            workspace = tmp / f"run-{label}" / "jobs"
            runs[label] = {
                "check": job_cost(counter, jobs["check"].steps, workspace / "check" / "workspace"),
                "checkout": job_cost(counter, jobs["check"].steps[:1],
                                     workspace / "check" / "workspace"),
                "publish": job_cost(counter, jobs["publish"].steps[:1],
                                    workspace / "publish" / "workspace")}
            shutil.rmtree(tmp / f"run-{label}")
    if results["declared"] != results["full"]:
        raise SystemExit("the check's result differs from a full clone's:\n"
                         + json.dumps(results, indent=1)[:4000])
    verdict = results["declared"]["verdict"]
    print(f"  the check's result on PR #{term.pr} ({verdict}) is identical to a full clone's")
    for key in ("checkout", "check", "publish"):
        name = {"checkout": "submission.yml check: checkout",
                "check": "submission.yml check: whole job",
                "publish": "submission.yml publish: checkout"}[key]
        out[name] = (runs["declared"][key], runs["full"][key])
    return out


def show(term: Term, costs: dict[str, tuple[Cost, Cost]]) -> None:
    print(f"  {'':38} {'as declared':>34}   {'full clone':>34}")
    print(f"  {'':38} {'fetched':>11} {'req':>4} {'files':>6} {'time':>9}   "
          f"{'fetched':>11} {'req':>4} {'files':>6} {'time':>9}")
    for name, (a, b) in costs.items():
        print(f"  {name:38} {mb(a.fetched):>11} {a.requests:>4} {a.files:>6} "
              f"{a.seconds:>8.2f}s   {mb(b.fetched):>11} {b.requests:>4} {b.files:>6} "
              f"{b.seconds:>8.2f}s")


def growth(small: dict[str, tuple[Cost, Cost]], large: dict[str, tuple[Cost, Cost]]) -> None:
    def ratio(x: float, y: float) -> str:
        return f"x{y / x:.2f}" if x else "-"

    print(f"  {'':38} {'as declared: fetched, files, time':>34}   "
          f"{'full clone: fetched, files, time':>34}")
    for name in small:
        (a1, b1), (a2, b2) = small[name], large[name]
        print(f"  {name:38} {ratio(a1.fetched, a2.fetched):>11} {ratio(a1.files, a2.files):>11} "
              f"{ratio(a1.seconds, a2.seconds):>10}   {ratio(b1.fetched, b2.fetched):>11} "
              f"{ratio(b1.files, b2.files):>11} {ratio(b1.seconds, b2.seconds):>10}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--groups", type=int, nargs=2, default=[5, 15], metavar=("SMALL", "LARGE"))
    p.add_argument("--revisions", type=int, default=2, help="pushes of each document (2)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="document sizes, times about 14 MB a group and revision (1.0)")
    args = p.parse_args()
    measured = []
    for groups in args.groups:
        with tempfile.TemporaryDirectory(prefix="bench-checkouts-") as tmp:
            start = time.monotonic()
            term = build_term(Path(tmp), groups, revisions=args.revisions, scale=args.scale)
            built = time.monotonic() - start
            disk = subprocess.run(["du", "-sb", str(term.origin)], capture_output=True,
                                  text=True, check=True).stdout.split()[0]
            print(f"\nterm of {groups} groups ({args.revisions} revisions, scale {args.scale}): "
                  f"{term.commits} commits on main, {mb(term.history_bytes)} of file versions, "
                  f"origin {mb(int(disk))} on disk (built in {built:.1f} s); the last PR: "
                  f"{mb(term.pr_bytes)} in {len(term.pr_files)} files")
            costs = measure(term, Path(tmp))
            show(term, costs)
            check = costs["submission.yml check: whole job"][0]
            print(f"  check job fetched {mb(check.fetched)} for a PR of {mb(term.pr_bytes)}: "
                  f"{mb(check.fetched - term.pr_bytes)} more than the PR's own files")
            measured.append((groups, costs))
    (g1, small), (g2, large) = measured
    print(f"\ngrowth from {g1} to {g2} groups ({g2 / g1:.1f} times the term):")
    growth(small, large)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
