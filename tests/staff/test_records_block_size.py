"""The hidden files block in the bot comment stays small whatever the pull request holds."""

from __future__ import annotations

from checker.staff.records import MAX_BLOCK_CHARS, decode_files, files_block


def result_with(n: int, path_len: int) -> dict[str, object]:
    files = [{"path": f"submissions/g01/{i:04d}" + "x" * path_len, "deliverable": "proposal",
              "removed": False, "facts": {"pages": 2}, "blob_sha": "a" * 40,
              "findings": [{"rule": "r.x", "severity": "error", "message": "m", "hint": "h"}]}
             for i in range(n)]
    return {"submitted_at": "2024-09-19T10:00:00-04:00", "files": files}


def test_block_is_bounded_and_still_parses() -> None:
    block = files_block(result_with(300, 900))
    assert len(block) <= MAX_BLOCK_CHARS
    records = decode_files(block)
    assert records is not None and 0 < len(records) < 300
    assert records[0].errors == 1 and records[0].pages == 2


def test_small_pr_keeps_every_file() -> None:
    records = decode_files(files_block(result_with(3, 10)))
    assert records is not None and len(records) == 3
