#!/usr/bin/env bash
# The checker on the shipped example course (examples/course: the real schedule.yaml, two
# groups, sample submissions that pass and fail). Run from the repository root:
#     bash examples/demo.sh
# Each step prints the command, as a student or staff member would type it, and its report.
set -u
cd "$(dirname "$0")/course" || exit 2
PY=${PYTHON:-python3}
run() {
  printf '\n\033[1m$ %s\033[0m\n' "$*"
  "$@"
  printf '(exit %s)\n' "$?"
}
run $PY -m checker validate
run $PY -m checker deadlines --group g10
echo; echo "== g10 pushes its slides for Oct 3, a day early: passes"
run $PY -m checker check submissions/g10/slides/2024-10-03.pdf \
    --author ada-lovelace --at 2024-10-01T20:15:00-04:00
echo; echo "== g11 pushes its summary 2 h 14 min after the deadline: recorded late"
run $PY -m checker check submissions/g11/summaries/2024-10-03.pdf \
    --author edsger-d --at 2024-10-04T14:14:00-04:00
echo; echo "== g10 submits a summary for a session it does not summarise, and edits schedule.yaml"
run $PY -m checker check submissions/g10/summaries/2024-10-03.pdf schedule.yaml \
    --author alan-turing --at 2024-10-04T09:00:00-04:00
echo; echo "== questions before class: one complete, one missing a paper and someone else's"
run $PY -m checker check submissions/questions/2024-10-10/alan-turing.md \
    submissions/questions/2024-10-10/grace-hopper.md \
    --author alan-turing --at 2024-10-10T08:00:00-04:00
echo; echo "== g11's code archive: no README, and junk"
run $PY -m checker check submissions/g11/final/code.zip \
    --author barbara-l --at 2024-12-16T17:00:00-05:00
echo; echo "== what the checker sees in the proposal"
run $PY -m checker inspect submissions/g10/proposal.pdf
exit 0
