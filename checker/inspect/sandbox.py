"""Run one file's inspection in a forked worker with CPU, memory and wall-clock limits.

The worker is a plain ``os.fork()`` of this process, taken after the caller imported the
parser the file needs (``checker.inspect.preload``): it starts in about a millisecond with
PDFium or python-docx already loaded, and no server process outlives the command. The worker
sets RLIMIT_AS (the memory it may add to what it inherited), RLIMIT_CPU (SIGXCPU, then SIGKILL
one second later), RLIMIT_CORE 0 and RLIMIT_FSIZE 0 (a parser has no reason to write files),
runs the inspection and writes its answer to a pipe as JSON: an 8-byte length, then the text.

The parent trusts nothing in that answer: it reads at most ``WORKER_REPLY_MAX_BYTES`` (a
larger answer is refused unread and its size reported), parses it as JSON (never pickle, so a
compromised parser cannot run code in the parent, which writes the result ``publish``
trusts), and waits at most the wall-clock limit, after which the worker is killed; a worker
that has answered is killed at once too (it has nothing left to do). Every worker is reaped
before :func:`run_many` returns; its peak memory comes from the kernel
(``wait4``), not from the worker.

Where ``os.fork`` does not exist (Windows) the inspection runs in this process without limits.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import select
import signal
import struct
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

try:  # imported here, once, not in every worker (a worker exists only where fork does)
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

from checker.bounds import clean, clean_json
from checker.limits import WORKER_REPLY_MAX_BYTES
from checker.model import Limits

_HEADER = struct.Struct("<Q")
MAX_WORKERS = 4  # files parsed at once (each may use the memory limit)
_CHUNK = 1 << 16


class WorkerFailed(Exception):
    """The checker itself failed in a worker (a bug, a missing dependency): never the file's
    fault. It reaches ``main`` as an internal error: traceback and exit 3."""


@dataclass
class Budget:
    """Bytes of answers that several runs of :func:`run_many` may receive, together (a pull
    request's files are inspected in batches: the parent's memory is bounded per PR)."""

    max_bytes: int
    used: int = 0


@dataclass
class Outcome:
    value: Any = None  # the worker's JSON answer
    failure: str | None = None  # why the worker gave no value (the file's doing), in plain words
    exitcode: int | None = None  # negative: killed by that signal (-9: killed after answering)
    peak_rss_bytes: int | None = None  # the worker's peak resident memory (kernel's figure)
    seconds: float = 0.0  # wall clock from fork to reaping
    over_budget: bool = False  # answered, but the Budget was spent: the answer was dropped


def _apply_limits(cpu_seconds: int, memory_bytes: int) -> None:
    assert resource is not None  # workers exist only where fork and resource do
    inherited = _address_space_bytes()
    budget = inherited + memory_bytes
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _address_space_bytes() -> int:
    """This process's virtual size (Linux); 0 where unknown, so the limit is memory_bytes."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _format_exc() -> str:
    import traceback  # only when the checker itself failed in the worker

    return traceback.format_exc()


def _answer(func: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    try:
        body = {"status": "ok", "value": clean_json(func(*args))}
        return json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except MemoryError:
        return b'{"status": "memory"}'
    except BaseException as exc:  # the checker's own failure: reported, never a finding
        return json.dumps({"status": "internal",
                           "error": clean(f"{type(exc).__name__}: {exc}"[:2000]),
                           "traceback": clean(_format_exc()[-8000:])}).encode()


def _child(write_fd: int, func: Callable[..., Any], args: tuple[Any, ...],
           lim: Limits) -> None:  # pragma: no cover - the worker
    code = 0
    try:
        # Only its answer pipe (and stdin, stdout, stderr): not the other workers' pipes, nor
        # those of the git processes the command reads the PR through.
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, _fd_limit())
        faulthandler.disable()  # a parser that aborts is an answer, not a crash report to print
        _apply_limits(lim.cpu_seconds, lim.memory_bytes)
        data = _answer(func, args)
        _write_all(write_fd, _HEADER.pack(len(data)) + data)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _fd_limit() -> int:
    try:
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0] if resource is not None else -1
    except (OSError, ValueError):
        soft = -1
    return soft if 0 < soft <= 1 << 20 else 1 << 16


def _describe_exit(code: int | None, lim: Limits, wall: float) -> str:
    memory = f"{lim.memory_bytes // 2**20} MB of memory"
    if code is None:
        return f"it took longer than {wall:.0f} s"
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"it needs more than {lim.cpu_seconds} s of processor time (or more than {memory})"
    if code in (-signal.SIGABRT, -signal.SIGTRAP):  # PDFium's reaction to running out
        return (f"the parser stopped with signal {-code}, most likely because reading it needs "
                f"more than {memory}")
    if code < 0:
        return f"the parser crashed on it (signal {-code}; the memory limit is {memory})"
    return f"the parser stopped unexpectedly (exit code {code})"


@dataclass
class Job:
    """One call to run in a limited worker: ``func(*args)`` returning JSON values."""

    func: Callable[..., Any]
    args: tuple[Any, ...]
    lim: Limits
    wall_seconds: float | None = None  # default: the limits' wall clock


@dataclass
class _Running:
    job: Job
    pid: int
    fd: int
    start: float
    deadline: float
    buf: bytearray
    want: int | None = None
    data: bytes | None = None
    why: str | None = None  # why there is no answer: "timeout", "no answer", or in words

    @property
    def done(self) -> bool:
        return self.data is not None or self.why is not None

    def feed(self) -> None:
        """Read what the worker wrote; settle once the answer is whole, refused or cut off."""
        chunk = os.read(self.fd, _CHUNK)
        if not chunk:
            self.why = "no answer"
            return
        self.buf += chunk
        if self.want is None and len(self.buf) >= _HEADER.size:
            (self.want,) = _HEADER.unpack_from(self.buf)
            if self.want > WORKER_REPLY_MAX_BYTES:
                over = (self.want - WORKER_REPLY_MAX_BYTES) / 2**20
                self.why = (f"the facts it produced are {self.want / 2**20:.1f} MB, more than "
                            f"the {WORKER_REPLY_MAX_BYTES // 2**20} MB a worker may return "
                            f"({over:.1f} MB left out)")
                return
        if self.want is not None and len(self.buf) >= _HEADER.size + self.want:
            self.data = bytes(self.buf[_HEADER.size:_HEADER.size + self.want])


def _reap(pid: int, deadline: float) -> tuple[int, int | None]:
    """Wait for the worker until ``deadline``, then kill it; (exit code, peak RSS bytes)."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() >= deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.002)
    code = os.waitstatus_to_exitcode(status)
    kib = usage.ru_maxrss
    return code, (kib if sys.platform == "darwin" else kib * 1024)


def _start(job: Job) -> _Running:
    wall = job.lim.wall_seconds if job.wall_seconds is None else job.wall_seconds
    for stream in (sys.stdout, sys.stderr):  # else the worker could print them a second time
        with contextlib.suppress(Exception):
            stream.flush()
    start = time.monotonic()
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except BaseException:
        os.close(read_fd)
        os.close(write_fd)
        raise
    if pid == 0:  # pragma: no cover - the worker
        os.close(read_fd)
        _child(write_fd, job.func, job.args, job.lim)
    os.close(write_fd)
    return _Running(job, pid, read_fd, start, start + wall, bytearray())


def _finish(run: _Running) -> Outcome:
    """Turn what the worker said into an Outcome (WorkerFailed: the checker's failure).

    A worker that answered has nothing left to do but exit: it is killed now and reaped by the
    caller later (exit code and peak memory are filled in then), so the next file's worker does
    not wait for its teardown. One that did not answer is reaped now: how it ended is the
    reason given."""
    os.close(run.fd)
    code: int | None = None
    peak: int | None = None
    if run.data is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(run.pid, signal.SIGKILL)
    else:
        code, peak = _reap(run.pid, 0.0)
    lim = run.job.lim
    wall = run.deadline - run.start
    outcome = Outcome(exitcode=code, peak_rss_bytes=peak, seconds=time.monotonic() - run.start)
    if run.data is None:
        if run.why == "timeout":
            outcome.failure = _describe_exit(None, lim, wall)
        elif run.why == "no answer":
            outcome.failure = _describe_exit(code, lim, wall)
        else:
            outcome.failure = run.why
        return outcome
    try:
        reply = json.loads(run.data)
        status = reply["status"]
    except (ValueError, TypeError, KeyError) as exc:
        raise WorkerFailed(f"the inspection worker's answer is not valid ({exc})") from None
    if status == "ok":
        outcome.value = reply.get("value")
    elif status == "memory":
        outcome.failure = f"reading it needs more than {lim.memory_bytes // 2**20} MB of memory"
    else:
        raise WorkerFailed(f"the checker failed in the inspection worker: "
                           f"{reply.get('error')}\n--- worker traceback ---\n"
                           f"{reply.get('traceback', '')}")
    return outcome


def worker_count() -> int:
    """Workers run at once: the processors this process may use, at most ``MAX_WORKERS``."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def run_many(jobs: Iterable[Job], workers: int | None = None,
             budget: Budget | None = None) -> list[Outcome]:
    """Run ``jobs`` in limited workers, at most ``workers`` at once; outcomes in job order.

    ``jobs`` is pulled one job at a time, at most one ahead of the busy workers: producing a
    job (copying the next file) overlaps the workers already running. Each job has its own wall
    clock from the moment its worker starts. With a ``budget``, an answer that would take the
    bytes received past it is dropped (``Outcome.over_budget``). Never raises for anything a
    file makes a worker do; raises :class:`WorkerFailed` when the checker's own code failed in
    one, and whatever pulling a job raised (every worker is killed and reaped first).
    """
    if not hasattr(os, "fork"):
        return [Outcome(value=job.func(*job.args)) for job in jobs]
    limit = workers or worker_count()
    pending = iter(jobs)
    exhausted = False
    ahead: Job | None = None  # pulled while every worker was busy: its file is ready
    outcomes: list[Outcome | None] = []
    running: dict[int, _Running] = {}
    dying: list[tuple[int, int]] = []  # (job index, pid): answered, killed, not yet reaped
    try:
        while True:
            while len(running) < limit:
                job, ahead = (ahead, None) if ahead is not None else (
                    None if exhausted else next(pending, None), None)
                if job is None:
                    exhausted = True
                    break
                running[len(outcomes)] = _start(job)
                outcomes.append(None)
            if not running:
                break
            if ahead is None and not exhausted:  # prepare the next job while workers run
                ahead = next(pending, None)
                exhausted = ahead is None
            now = time.monotonic()
            for run in running.values():
                if not run.done and now >= run.deadline:
                    run.why = "timeout"
            listening = {run.fd: run for run in running.values() if not run.done}
            if listening:
                soonest = min(run.deadline for run in listening.values())
                ready, _, _ = select.select(list(listening), [], [], max(0.0, soonest - now))
                for fd in ready:
                    listening[fd].feed()
            for index, run in list(running.items()):
                if run.done:
                    del running[index]
                    over = (budget is not None and run.data is not None
                            and budget.used + len(run.data) > budget.max_bytes)
                    if over:  # dropped: the worker is reaped now, as one that did not answer
                        run.data = None
                        run.why = "the answers of this run came to more than its budget"
                    elif budget is not None and run.data is not None:
                        budget.used += len(run.data)
                    if run.data is not None:
                        dying.append((index, run.pid))
                    outcome = _finish(run)
                    outcome.over_budget = over
                    outcomes[index] = outcome
    finally:
        for run in running.values():  # only after a failure: leave no worker behind
            with contextlib.suppress(OSError):
                os.close(run.fd)
            _reap(run.pid, 0.0)
        for index, pid in dying:
            code, peak = _reap(pid, 0.0)
            answered = outcomes[index]
            if answered is not None:
                answered.exitcode, answered.peak_rss_bytes = code, peak
    return [o if o is not None else Outcome(failure="not run") for o in outcomes]


def run_limited(func: Callable[..., Any], args: tuple[Any, ...], lim: Limits,
                wall_seconds: float | None = None) -> Outcome:
    """Call ``func(*args)`` (which returns JSON values) in a limited worker.

    Never raises for anything the file makes the worker do (a timeout, a crash, memory,
    an oversized answer: ``Outcome.failure``); raises :class:`WorkerFailed` when the checker's
    own code failed in the worker.
    """
    return run_many([Job(func, args, lim, wall_seconds)], 1)[0]
