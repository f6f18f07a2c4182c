"""The record's pure rules with plain values (docs/record.md): which source wins, when a late
verdict is withheld, and what labels say about a record that could not be read in full."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from checker.github.history import apply_history
from checker.github.labels import desired
from checker.github.pushlog import Push
from checker.github.receipts import Receipt
from checker.received import combine, date_files, uncertain

T0 = datetime(2024, 9, 20, 3, 0, tzinfo=timezone.utc)
A, B, C = "a" * 40, "b" * 40, "c" * 40


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_earliest_time_per_commit_wins_and_nothing_counts_before_the_pr_opened() -> None:
    receipts = [Receipt(A, at(1), 1), Receipt(B, at(30), 2)]
    pushes = [Push(A, at(0), 10, "push"), Push(C, at(20), 11, "push"),  # C: no receipt run
              Push(B, at(31), 12, "force_push")]
    got = combine(receipts, pushes)
    assert [(r.head_sha, r.received_at, r.source) for r in got] == [
        (A, at(0), "push"), (C, at(20), "push"), (B, at(30), "receipt")]
    # a push to the branch before the pull request existed counts from its opening
    opened = combine(receipts, pushes, opened_at=at(10))
    assert next((r.head_sha, r.received_at) for r in opened) == (A, at(10))


def test_a_file_counts_from_the_first_commit_that_holds_its_bytes() -> None:
    trees = {A: {"p.pdf": "1"}, B: {"p.pdf": "2"}, C: {"p.pdf": "2"}}
    record = combine([Receipt(A, at(0), 1), Receipt(C, at(50), 3)], [Push(B, at(40), 9, "push")])
    got = date_files({"p.pdf": "2"}, record, at(60), lambda c, paths: trees.get(c))
    assert got == {"p.pdf": at(40)}
    assert date_files({"p.pdf": "3"}, record, at(60), lambda c, paths: trees.get(c)) == {
        "p.pdf": at(60)}  # no entry vouches: the event's time


def test_a_commit_no_entry_names_makes_only_its_files_uncertain() -> None:
    trees = {A: {"p.pdf": "1", "q.pdf": "9"}, B: {"p.pdf": "1", "q.pdf": "8"}}
    wanted = {"p.pdf": "1", "q.pdf": "8"}
    # A is in the PR's history but no receipt or push names it: p's bytes may have come then
    assert uncertain(wanted, [B], [B, A], lambda c, paths: trees.get(c)) == {"p.pdf"}
    assert uncertain(wanted, [A, B], [B, A], lambda c, paths: trees.get(c)) == set()
    assert uncertain(wanted, [B], None, lambda c, paths: trees.get(c)) == set(wanted)


def result(status: str, **extra: object) -> dict[str, object]:
    f = {"path": "submissions/g10/proposal.pdf", "deliverable": "proposal", "group": "g10",
         "status": status, "findings": [], "removed": False}
    return {"verdict": "pass", "files": [f], "findings": [], **extra}


def test_labels_never_claim_a_time_the_record_could_not_establish() -> None:
    assert "on-time" in desired(result("on-time"))
    assert not {"on-time", "late"} & set(desired(result("unverified")))
    both = result("on-time")
    both["files"].append({**both["files"][0], "path": "x.pdf", "status": "unverified"})  # type: ignore[attr-defined]
    assert "on-time" not in desired(both)


def test_a_pr_into_another_branch_gets_only_needs_fix() -> None:
    wrong = result("on-time", verdict="fail", findings=[
        {"rule": "pr.wrong-base", "severity": "error", "message": "", "hint": ""}])
    assert desired(wrong) == ["needs-fix"]


def test_the_bots_cache_can_settle_an_unverified_file_only_when_it_was_on_time() -> None:
    base = {"path": "p.pdf", "blob_sha": "1" * 40, "due": "2024-09-20T03:30:00+00:00",
            "grace_seconds": 0, "removed": False, "late_seconds": 1800,
            "findings": [{"rule": "deadline.unverified", "severity": "info", "message": "",
                          "hint": ""}]}
    res = {"submitted_at": "2024-09-20T04:00:00+00:00", "verdict": "pass", "counts": {},
           "files": [{**base, "status": "unverified"}], "findings": []}
    early = apply_history(res, {"p.pdf": {"1" * 40: "2024-09-20T03:10:00Z"}})
    assert early["files"][0]["status"] == "on-time"
    late = apply_history(res, {"p.pdf": {"1" * 40: "2024-09-20T03:50:00Z"}})
    f = late["files"][0]
    assert f["status"] == "unverified" and f["late_seconds"] == 1200
    assert [x["rule"] for x in f["findings"]] == ["deadline.unverified", "deadline.history"]
