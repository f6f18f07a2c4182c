"""Benchmark (not a test): what the Actions cache of LibreOffice's packages saves a DOCX run.

The `check` job installs ``libreoffice-writer-nogui`` when a pull request carries a DOCX, with
its Debian packages kept in the Actions cache (.github/workflows/submission.yml). This measures,
on this machine, the two sides of that cache for the packages a runner image lacks (the
dependency closure's LibreOffice, UNO and document-library packages; the image has the rest):

- downloading them from the Debian mirror (``apt-get download``: what every DOCX run did);
- saving and restoring them as actions/cache does (a tar archive compressed with zstd).

LibreOffice itself is not installed or removed: the unpacking and the dpkg triggers, the larger
part of the install, are not measured here (docs/performance.md gives published figures).

    python bench/bench_libreoffice_cache.py
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path

PACKAGE = "libreoffice-writer-nogui"
# in the closure, the packages an Ubuntu runner image does not ship (LibreOffice and the
# document libraries it alone uses); fonts and common libraries are on the image
OWN = re.compile(r"^(libreoffice|libuno|uno-|ure|libclucene|libmwaw|libetonyek|libodfgen|"
                 r"libe-book|libwp[dgs]|librevenge|libabw|libepubgen|libmspub|libqxp|libzmf|"
                 r"libstaroffice|libcdr|libfreehand|libpagemaker|libvisio|libmythes|libhyphen|"
                 r"liblangtag|libraptor|librasqal|librdf|libxmlsec|libcmis|libexttextcat|"
                 r"libnumbertext|libbox2d|liborcus)")


def closure() -> list[str]:
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends",
                          "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                          "--no-enhances", PACKAGE], capture_output=True, text=True,
                         check=True).stdout
    return sorted({line for line in out.splitlines() if OWN.match(line)})


def timed(args: list[str], cwd: Path) -> float:
    start = time.monotonic()
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)
    return time.monotonic() - start


def main() -> int:
    packages = closure()
    with tempfile.TemporaryDirectory(prefix="bench-libreoffice-") as tmp:
        folder = Path(tmp)
        debs = folder / "libreoffice-debs"
        debs.mkdir()
        download = timed(["apt-get", "download", "-q", *packages], debs)
        size = sum(p.stat().st_size for p in debs.glob("*.deb"))
        archive = folder / "cache.tzst"
        save = timed(["sh", "-c", f"tar -cf - libreoffice-debs | zstd -q -T0 -o {archive}"],
                     folder)
        restored = folder / "restored"
        restored.mkdir()
        restore = timed(["sh", "-c", f"zstd -dc {archive} | tar -xf - -C {restored}"], folder)
        entry = archive.stat().st_size
    print(f"{len(packages)} packages of {PACKAGE}'s closure that a runner image lacks: "
          f"{size / 2**20:.1f} MB of .deb files, a cache entry of {entry / 2**20:.1f} MB")
    print(f"  download from the Debian mirror (apt-get download): {download:.2f} s")
    print(f"  save as actions/cache does (tar | zstd):             {save:.2f} s")
    print(f"  restore (zstd -d | tar -x):                           {restore:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
