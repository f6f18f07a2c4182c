"""Run one file's inspection in a worker process with CPU, memory and wall-clock limits.

Workers come from a multiprocessing "forkserver" (Linux, macOS): the server imports pypdf and
python-docx once, and each file's worker is a cheap fork of it (a few milliseconds, against
about 0.3 s to start a fresh interpreter). The worker sets RLIMIT_AS (memory), RLIMIT_CPU
(SIGXCPU, then SIGKILL one second later), RLIMIT_CORE 0 and RLIMIT_FSIZE 0 (a parser has no
reason to write files), runs the inspection and sends the facts back over a pipe. The parent
waits at most the wall-clock limit; a worker that overruns is killed and joined, so it leaves
no zombie. Where forkserver is unavailable (Windows), "spawn" is used and only the wall-clock
limit applies.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from checker.model import Limits

PRELOAD = ["checker.inspect.worker", "checker.inspect.pdf", "checker.inspect.docx",
           "checker.inspect.codezip", "pypdf", "docx"]

_context: Any = None


def context() -> Any:
    global _context
    if _context is None:
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


@dataclass
class Outcome:
    value: Any = None
    failure: str | None = None  # why the worker gave no value, in plain words
    exitcode: int | None = None
    peak_rss_bytes: int | None = None  # the worker's peak resident memory, when it answered


def _apply_limits(cpu_seconds: int, memory_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: wall clock only
        return
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _peak_rss() -> int | None:
    try:
        import resource
    except ImportError:
        return None
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib if sys.platform == "darwin" else kib * 1024  # macOS reports bytes


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...],
           cpu_seconds: int, memory_bytes: int) -> None:
    try:
        _apply_limits(cpu_seconds, memory_bytes)
        result = func(*args)
        conn.send(("ok", result, _peak_rss()))
    except BaseException as exc:  # reported to the parent as a failure
        with contextlib.suppress(BaseException):
            conn.send(("error", f"{type(exc).__name__}: {exc}", _peak_rss()))
    finally:
        conn.close()


def _describe_exit(code: int | None, lim: Limits) -> str:
    cpu = f"it needs more than {lim.cpu_seconds} s of processor time"
    if code is None:
        return f"it took longer than {lim.wall_seconds:.0f} s"
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"{cpu} (or more than {lim.memory_bytes // 2**20} MB of memory)"
    if code < 0:
        return f"the parser stopped with signal {-code} (memory limit "  \
               f"{lim.memory_bytes // 2**20} MB)"
    return f"the parser stopped unexpectedly (exit code {code})"


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start workers without re-importing the caller's ``__main__`` script in them.

    multiprocessing makes every spawned or forkserver child import the parent's main script
    (as ``__mp_main__``) so that functions defined there unpickle. The worker only runs
    functions of this package, so the script is hidden while the child is prepared: a script
    without an ``if __name__ == "__main__"`` guard, or code read from stdin, then works too.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved: dict[str, Any] = {k: main.__dict__[k] for k in ("__file__", "__spec__")
                             if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def run_limited(func: Callable[..., Any], args: tuple[Any, ...], lim: Limits) -> Outcome:
    """Call ``func(*args)`` in a limited worker; never raises for anything the worker does."""
    ctx = context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, func, args, lim.cpu_seconds,
                                           lim.memory_bytes), daemon=True)
    with _main_module_hidden():
        proc.start()
    child.close()
    outcome = Outcome()
    try:
        ready = wait([parent, proc.sentinel], timeout=lim.wall_seconds)
        if parent in ready:
            try:
                status, payload, outcome.peak_rss_bytes = parent.recv()
            except (EOFError, OSError):
                status, payload = "died", None
            if status == "ok":
                outcome.value = payload
            elif status == "error":
                outcome.failure = f"the inspection failed ({payload})"
        if outcome.value is None and outcome.failure is None:
            if not ready:  # wall-clock timeout
                proc.kill()
                proc.join()
                outcome.exitcode = None
                outcome.failure = _describe_exit(None, lim)
            else:
                proc.join(timeout=lim.wall_seconds)
                outcome.exitcode = proc.exitcode
                outcome.failure = _describe_exit(proc.exitcode, lim)
    finally:
        parent.close()
        if proc.is_alive():
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        outcome.exitcode = proc.exitcode
        proc.close()
    return outcome
