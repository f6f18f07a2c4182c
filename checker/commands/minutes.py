"""``minutes``: the GitHub Actions minutes this course's workflows are expected to cost."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "minutes", help="expected GitHub Actions minutes per month for this course (staff)",
        description="Computes, month by month over the term, the runs of every workflow in "
        ".github/workflows (scheduled runs from their cron lines; runs on merges and on pushes "
        "to submission pull requests from the deliverables due that month) and the minutes "
        "they bill: each job rounded up to --job-minutes.")
    p.add_argument("--root", default=".", help="the course repository (default: .)")
    p.add_argument("--pushes", type=int, default=1,
                   help="pushes per submitted pull request (default: 1)")
    p.add_argument("--job-minutes", type=int, default=1,
                   help="billed minutes per job (default: 1; GitHub rounds each job up)")
    p.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                   help="a repository variable the workflows test (vars.NAME), e.g. "
                   "BOARD_PAGES=true when the board is published to GitHub Pages")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import yaml

    from checker.config import load_course, load_roster
    from checker.errors import UsageError
    from checker.staff import cron, minutes

    if args.pushes < 0 or args.job_minutes < 1:
        raise UsageError("--pushes must be 0 or more and --job-minutes 1 or more")
    variables = dict(v.split("=", 1) for v in args.var if "=" in v)
    if len(variables) != len(args.var):
        raise UsageError("--var takes NAME=VALUE")
    root = Path(args.root)
    course = load_course(root)
    roster, _ = load_roster(root, course)
    workflows = [minutes.workflow(f.name, yaml.safe_load(f.read_text(encoding="utf-8")) or {},
                                  variables)
                 for f in sorted((root / ".github" / "workflows").glob("*.yml"))]
    subs = minutes.submissions_per_month(course, roster)
    months = minutes.month_range([*subs, *cron.runs_per_month(cron.moments(course)),
                                  *(f"{s.date:%Y-%m}" for s in course.sessions)])
    rows = minutes.monthly(workflows, months, subs, pushes=args.pushes,
                           job_minutes=args.job_minutes)
    print(f"GitHub Actions minutes for {course.name} (each job billed {args.job_minutes} min; "
          f"{args.pushes} push(es) per submission)")
    for wf in workflows:
        crons = "; ".join(wf.crons) if len(wf.crons) < 3 else f"{len(wf.crons)} cron lines"
        when = [w for w, on in (("schedule: " + crons, wf.crons),
                                ("each merge", wf.on_merge),
                                ("each push to a submission PR", wf.on_pr_push)) if on]
        cond = f" ({wf.conditional_jobs} with a condition)" if wf.conditional_jobs else ""
        print(f"  {wf.name}: {wf.jobs} job(s) run{cond}; "
              f"{', '.join(when) or 'not on submissions'}")
    print(f"{'month':8} {'submissions':>11} {'sched. runs':>11} {'scheduled':>9} "
          f"{'merges':>7} {'PR pushes':>9} {'total':>7}")
    for r in rows:
        print(f"{r.month:8} {subs[r.month]:>11} {r.scheduled_runs:>11} {r.scheduled_minutes:>9} "
              f"{r.merge_minutes:>7} {r.push_minutes:>9} {r.total:>7}")
    top = max(rows, key=lambda r: r.total)
    print(f"busiest month {top.month}: {top.total} min ({top.scheduled_minutes} of them "
          f"scheduled); term total {sum(r.total for r in rows)} min")
    return 0
