"""DOCX to PDF with LibreOffice (``soffice --headless --convert-to pdf``), for exact page counts.

Runs only on a DOCX that passed the ZIP safety scan and links to nothing outside (no external
image or object links, no fields that include other files: ``checker.inspect.docx``).
LibreOffice gets a temporary folder with a copy of the file, its own user profile (reused
within this process, removed at exit), and the file's own limits: what is left of its wall
clock, its CPU seconds and its memory (RLIMIT_AS), in its own process group, which is killed
whole on timeout. A conversion stopped by a limit is the file's doing (``file.too-complex``);
one LibreOffice cannot do for another reason leaves an estimate.

A pattern guard is never complete (issue 19: three ways around the first one), so LibreOffice
is also cut off from what a file could make it fetch, as far as the platform allows
(:func:`isolation`):
  - "network": it runs in a network namespace of its own, with no interface but a loopback
    that is down (``unshare --net``, inside a user namespace: no privilege needed where the
    kernel allows unprivileged user namespaces; as root without one), so no request leaves it;
  - "files": in the same namespaces, a mount namespace in which the home folders and the
    folder the checker runs in (the repository: every other file) are empty; LibreOffice
    itself starts without any capability (``setpriv``), so it cannot undo those mounts;
  - everywhere, its profile sends HTTP, HTTPS and FTP through a proxy on a closed local port,
    and curl's proxy variables say the same, so that without namespaces (macOS, Windows, a
    kernel that refuses them: Ubuntu 24.04's AppArmor default) a fetch fails at once instead of
    reaching the address a student wrote or waiting for it.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from checker.model import Limits

_profile: Path | None = None
# Folders hidden from LibreOffice (mounted empty) when a mount namespace is available.
_HIDDEN = ("/home", "/root", "/mnt", "/srv", "/media", "/run/user")
_DEAD_PROXY = "127.0.0.1:9"  # the discard port: nothing listens there, a connection fails
_PROXY_SETTINGS = (("ooInetProxyType", "2"),
                   ("ooInetHTTPProxyName", "127.0.0.1"), ("ooInetHTTPProxyPort", "9"),
                   ("ooInetHTTPSProxyName", "127.0.0.1"), ("ooInetHTTPSProxyPort", "9"),
                   ("ooInetFTPProxyName", "127.0.0.1"), ("ooInetFTPProxyPort", "9"),
                   ("ooInetNoProxy", ""))
# Run as: sh -c SCRIPT sh DIR... -- COMMAND...: mount an empty tmpfs on each DIR, then exec.
_HIDE_SCRIPT = ('while [ "$1" != "--" ]; do mount -t tmpfs -o size=1m,mode=0755 '
                'checker-hidden "$1" || exit 97; shift; done; shift; exec "$@"')


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
        items = "".join(
            f'<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="{name}" '
            f'oor:op="fuse"><value>{value}</value></prop></item>\n'
            for name, value in _PROXY_SETTINGS)
        (_profile / "user").mkdir()
        (_profile / "user" / "registrymodifications.xcu").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/'
            '2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.'
            f'w3.org/2001/XMLSchema-instance">\n{items}</oor:items>\n', encoding="utf-8")
    return _profile


def _probe(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=1)
def _namespaces() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the ``unshare`` command and flags that work here, what they cut off), probed once per
    process: a user namespace first (no privilege needed), then none (root)."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return (), ()
    hide = [d for d in _HIDDEN if os.path.isdir(d)][:1]
    for flags in ((unshare, "--map-root-user"), (unshare,)):
        if _probe([*flags, "--net", "--mount", "--", "sh", "-c", _HIDE_SCRIPT, "sh", *hide,
                   "--", "true"]):
            return flags, ("network", "files")
        if _probe([*flags, "--net", "--", "true"]):
            return flags, ("network",)
    return (), ()


def isolation() -> tuple[str, ...]:
    """How LibreOffice is cut off here, beyond its proxy settings: ("network", "files") where
    user namespaces (or root) allow a network and a mount namespace, ("network",) with a
    network namespace only, () where neither is possible (macOS, Windows, a kernel or an
    AppArmor policy that refuses unprivileged user namespaces)."""
    return _namespaces()[1]


def _isolated(cmd: list[str], keep: list[Path]) -> list[str]:
    """``cmd`` run inside the namespaces found, with the folders that may hold other files
    mounted empty (never one that holds a path of ``keep``)."""
    flags, found = _namespaces()
    if not found:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is not None:  # no capability left in the namespaces: the mounts cannot be undone
        cmd = [setpriv, "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--", *cmd]
    if "files" not in found:
        return [*flags, "--net", "--", *cmd]
    kept = [p.resolve() for p in keep]
    hidden: list[Path] = []
    for folder in sorted({Path(d).resolve() for d in (*_HIDDEN, os.getcwd())
                          if os.path.isdir(d)}, key=lambda d: len(d.parts)):
        if len(folder.parts) > 1 and not any(h == folder or h in folder.parents
                                             for h in hidden) \
                and not any(k == folder or folder in k.parents for k in kept):
            hidden.append(folder)  # a folder inside one already hidden is gone already
    return [*flags, "--net", "--mount", "--", "sh", "-c", _HIDE_SCRIPT, "sh",
            *map(str, hidden), "--", *cmd]


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
    profile = _profile_dir()
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--nodefault", "--convert-to", "pdf", "--outdir", str(workdir),
           str(copy)]
    cmd = _isolated(cmd, [workdir, profile, Path(exe).resolve(), Path(exe)])
    proxy = f"http://{_DEAD_PROXY}"
    env = dict(os.environ, HOME=str(workdir), http_proxy=proxy, https_proxy=proxy,
               ftp_proxy=proxy, all_proxy=proxy, HTTP_PROXY=proxy, HTTPS_PROXY=proxy,
               FTP_PROXY=proxy, ALL_PROXY=proxy, no_proxy="", NO_PROXY="")
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
