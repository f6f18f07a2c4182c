"""Reading the PR's blobs from git as data: two git processes for any number of files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from checker import gitio
from checker.errors import UsageError


def _repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "repo"
    root.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "init", "-q", str(root)], check=True, env=env)
    files = {"small.txt": b"hello\n", "empty.bin": b"",
             "large.bin": os.urandom(3 * 2**20), "newline-last.bin": b"\n\n"}
    shas = {}
    for name, data in files.items():
        (root / name).write_bytes(data)
        shas[name] = subprocess.run(["git", "-C", str(root), "hash-object", "-w", name],
                                    capture_output=True, text=True, check=True).stdout.strip()
    return root, shas


def test_sizes_of_many_blobs_from_one_batch_and_a_missing_one_left_out(tmp_path: Path) -> None:
    root, shas = _repo(tmp_path)
    missing = "0" * 39 + "1"
    sizes = gitio.blob_sizes(root, [*shas.values(), missing])
    assert sizes == {shas["small.txt"]: 6, shas["empty.bin"]: 0,
                     shas["large.bin"]: 3 * 2**20, shas["newline-last.bin"]: 2}
    assert gitio.blob_sizes(root, []) == {}


def test_blobs_stream_through_one_process_in_any_order(tmp_path: Path) -> None:
    root, shas = _repo(tmp_path)
    with gitio.BlobStream(root) as blobs:
        blobs.copy(shas["large.bin"], tmp_path / "copy.bin")
        assert blobs.read(shas["newline-last.bin"]) == b"\n\n"
        assert blobs.read(shas["empty.bin"]) == b""
        assert blobs.read(shas["small.txt"]) == b"hello\n"
        with pytest.raises(UsageError, match="no blob"):
            blobs.read("0" * 39 + "1")
        assert blobs.read(shas["small.txt"]) == b"hello\n"  # still in step after a miss
    assert (tmp_path / "copy.bin").read_bytes() == (root / "large.bin").read_bytes()


@pytest.mark.parametrize("bad", ["HEAD", "--batch-all-objects", "abc", "0" * 40 + "\n" + "1" * 40])
def test_anything_but_an_object_id_is_refused_before_git_sees_it(tmp_path: Path,
                                                                  bad: str) -> None:
    root, _ = _repo(tmp_path)
    with pytest.raises(UsageError, match="not an object id"):
        gitio.blob_sizes(root, [bad])
    with gitio.BlobStream(root) as blobs, pytest.raises(UsageError, match="not an object id"):
        blobs.read(bad)


def test_a_partial_clone_fetches_what_is_read_and_never_takes_an_unfetchable_blob_for_no_file(
        tmp_path: Path) -> None:
    from tests.core.partial_clone import serve_partial_clones

    root, shas = _repo(tmp_path)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "files"], check=True,
                   env={**os.environ, **env})
    serve_partial_clones(root)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--filter=blob:none", "--no-checkout",
                    root.as_uri(), str(clone)], check=True)
    head = gitio.resolve_commit(clone, "HEAD")
    assert gitio.promisor_remote(clone) == "origin" and gitio.promisor_remote(root) is None
    wanted = [shas["small.txt"], shas["large.bin"], shas["newline-last.bin"]]
    assert gitio.missing_blobs(clone, head, wanted) == sorted(wanted)  # listed, not fetched
    assert gitio.missing_blobs(clone, head, wanted) == sorted(wanted)
    gitio.prefetch_blobs(clone, head, wanted[:2])  # one request for the two
    assert gitio.missing_blobs(clone, head, wanted) == [shas["newline-last.bin"]]
    assert gitio.file_at(clone, head, "large.bin") == (root / "large.bin").read_bytes()
    assert gitio.file_at(clone, head, "no-such-file") is None
    subprocess.run(["git", "-C", str(clone), "remote", "set-url", "origin",
                    (tmp_path / "gone.git").as_uri()], check=True)
    with pytest.raises(gitio.MissingObject, match=r"newline-last\.bin in commit"):
        gitio.file_at(clone, head, "newline-last.bin")  # there, but not fetched: not "absent"
    with pytest.raises(gitio.MissingObject, match="fetching them from 'origin' failed"):
        gitio.prefetch_blobs(clone, head, wanted)
