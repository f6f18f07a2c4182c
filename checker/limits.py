"""Named limits for reading untrusted files, and the one error they raise (LimitExceeded).

Every limit that protects the checker from a submitted file is a named constant here, so a
reviewer can see all of them in one place and docs/inspection.md ("Limits (hostile input)")
can list them.
``checker.model.Limits`` carries the ones a course may change (schedule.yaml ``limits:``), with
these constants as defaults.
"""

from __future__ import annotations

from checker.errors import LimitExceeded

MiB = 1024 * 1024

# Every file
MAX_FILE_BYTES = 50 * MiB  # default per-file size limit (Limits.max_bytes)
GITHUB_HARD_LIMIT_BYTES = 100 * MiB  # GitHub refuses pushes with a file larger than this
CPU_SECONDS = 10  # RLIMIT_CPU of the worker that parses one file (Limits.cpu_seconds)
MEMORY_BYTES = 512 * MiB  # RLIMIT_AS of that worker (Limits.memory_bytes)
# Per-file wall clock, for everything done with one file (LibreOffice too): the larger of
# cpu_seconds * WALL_SECONDS_FACTOR and cpu_seconds + WALL_SECONDS_EXTRA; 20 s by default.
WALL_SECONDS_FACTOR = 2
WALL_SECONDS_EXTRA = 5
WORKER_REPLY_MAX_BYTES = 8 * MiB  # JSON a worker may send back; a larger answer is refused unread
PR_REPLY_MAX_BYTES = 64 * MiB  # JSON all the workers of one check may send back, together
MAX_TEXT_CHARS = 1_000_000  # extracted text kept per file
SNIFF_BYTES = 8192  # bytes read to recognise the content type

# ZIP archives, and DOCX/PPTX (which are ZIP archives)
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNCOMPRESSED_BYTES = 512 * MiB  # counted while decompressing, never from headers
ZIP_MAX_RATIO = 200  # uncompressed / compressed, per entry, once past ZIP_RATIO_MIN_BYTES
ZIP_RATIO_MIN_BYTES = 1 * MiB  # small entries may compress well (a 6 KB .DS_Store is ~25:1)
ZIP_README_MAX_BYTES = 256 * 1024  # README text kept for the instruction checks
OOXML_MAX_XML_PART_BYTES = 32 * MiB  # any one XML part of a DOCX/PPTX (document.xml, ...)

# PDF
PDF_MAX_PAGES = 5_000
PDF_MAX_TEXT_PAGES = 60  # pages whose text is extracted (page limits are far below this)

# DOCX page count through LibreOffice
CONVERT_SECONDS = 20  # at most this much of the file's wall clock for one soffice conversion
# LibreOffice runs under the file's own limits (Limits.memory_bytes, cpu_seconds): a normal
# conversion needs about 215 MB resident and runs within a 512 MB address space.


# Which finding a limit turns into (limits not listed give file.too-complex).
_LIMIT_RULES = {
    "zip_entries": "zip.bomb",
    "zip_uncompressed_bytes": "zip.bomb",
    "zip_ratio": "zip.bomb",
    "zip_overlap": "zip.bomb",
}


def rule_for(exc: LimitExceeded) -> str:
    return _LIMIT_RULES.get(exc.limit, "file.too-complex")


__all__ = ["LimitExceeded", "rule_for"]
