"""DOCX to PDF with LibreOffice (``soffice --headless --convert-to pdf``), for exact page counts.

Runs only on a DOCX that passed the ZIP safety scan and fetches nothing from outside (no
external image or object links). LibreOffice gets a temporary folder with a copy of the file,
its own user profile (reused within this process, removed at exit), and the file's own limits:
what is left of its wall clock, its CPU seconds and its memory (RLIMIT_AS), in its own process
group, which is killed whole on timeout. A conversion stopped by a limit is the file's doing
(``file.too-complex``); one LibreOffice cannot do for another reason leaves an estimate.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from checker.model import Limits

_profile: Path | None = None


def soffice() -> str | None:
    """The LibreOffice executable; ``CHECKER_SOFFICE`` names another one, or "none" to skip."""
    chosen = os.environ.get("CHECKER_SOFFICE")
    if chosen is not None:
        if chosen.strip().lower() in ("", "none", "off", "0"):
            return None
        return shutil.which(chosen)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile_dir() -> Path:
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="checker-lo-profile-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def _limit_child(cpu_seconds: int, memory_bytes: int) -> None:  # pragma: no cover - child
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass


def to_pdf(source: Path, workdir: Path, timeout: float,
           lim: Limits) -> tuple[Path | None, str, bool]:
    """Convert ``source`` (a .docx) into ``workdir`` within ``timeout`` seconds and the file's
    CPU and memory limits: (the PDF or None, why not, whether a limit stopped it)."""
    exe = soffice()
    if exe is None:
        return None, "LibreOffice (soffice) is not installed", False
    cpu = max(1, min(lim.cpu_seconds, int(timeout + 0.999)))
    copy = workdir / "document.docx"
    shutil.copyfile(source, copy)
    profile = _profile_dir().as_uri()
    cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
           "--nolockcheck", "--nodefault", "--convert-to", "pdf", "--outdir", str(workdir),
           str(copy)]
    env = dict(os.environ, HOME=str(workdir))
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        cwd=workdir, env=env, start_new_session=True,
        preexec_fn=lambda: _limit_child(cpu, lim.memory_bytes),
    )
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, f"LibreOffice took longer than the {timeout:.0f} s left for it", True
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    pdf = workdir / "document.pdf"
    # Killed by a signal: SIGXCPU/SIGKILL (CPU), SIGABRT/SIGSEGV (out of memory: a 31 MB
    # styles.xml under the 512 MB limit). The soffice launcher script reports its child's
    # signal as 128 + N, as a shell does.
    signal_number = -proc.returncode if proc.returncode < 0 else proc.returncode - 128
    if signal_number > 0:
        return None, (f"LibreOffice was stopped by signal {signal_number} within the limits "
                      f"for one file ({lim.cpu_seconds} s of processor time, "
                      f"{lim.memory_bytes // 2**20} MB of memory)"), True
    if proc.returncode != 0 or not pdf.is_file():
        reason = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
        return (None, "LibreOffice could not convert it" + (f" ({reason[0]})" if reason else ""),
                False)
    return pdf, "", False
