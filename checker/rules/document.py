"""Rules over what an inspector learned about a document (pure: no file or network I/O).

Page limits (``pages.too-many`` / ``pages.too-few``), required and optional sections
(``sections.missing``, ``sections.optional-missing``, ``sections.order``), the layout
(``layout.*``, in ``checker.rules.layout``), member names and emails (``members.missing``) and
the code-archive README
(``zip.readme-missing``, ``zip.readme-no-instructions``, ``zip.readme-missing-file``), each as
configured on the deliverable in schedule.yaml.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence

from checker.facts import NO_LIBREOFFICE, FileFacts
from checker.findings import Finding, Severity, error, warning
from checker.inspect import sections as sec
from checker.model import Deliverable, Member, PageRule, Section
from checker.rules.layout import layout_findings

# Findings after which a file's content is unknown: content rules stay silent.
BLOCKING = frozenset({"file.empty", "file.unreadable", "file.encrypted", "file.too-complex",
                      "file.too-large", "zip.bomb"})
DOCUMENT_KINDS = frozenset({"pdf", "docx", "pptx"})
_EMAIL_GROUP = re.compile(r"\{([^{}]{1,200})\}\s*@\s*([\w.-]+)")


def document_findings(facts: FileFacts, deliverable: Deliverable,
                      members: Sequence[Member], *, ci: bool = False) -> list[Finding]:
    """``ci``: the check that decides the pull request, where a page limit is never passed
    on an estimated page count."""
    if any(f.rule in BLOCKING for f in facts.findings):
        return []
    out: list[Finding] = []
    if deliverable.pages is not None:
        out += page_findings(facts, deliverable.pages, ci=ci)
    if deliverable.sections:
        out += section_findings(facts, deliverable.sections)
    if deliverable.members_named and members:
        out += member_findings(facts, members)
    if deliverable.zip is not None:
        out += zip_findings(facts, require_readme=deliverable.zip.readme)
    if deliverable.layout is not None:
        out += layout_findings(facts, deliverable.layout)
    return out


# --- pages -------------------------------------------------------------------------------

def page_findings(facts: FileFacts, rule: PageRule, *, ci: bool = False) -> list[Finding]:
    if facts.kind not in DOCUMENT_KINDS or facts.pages is None:
        return []
    if not facts.pages_exact and (rule.min is not None or rule.max is not None):
        if ci:
            return [not_exact_finding(facts, rule)]
        estimate = [estimate_finding(facts, rule)]
    else:
        estimate = []
    unit = "slides" if facts.kind == "pptx" else "pages"
    total = facts.pages

    def n(count: int) -> str:
        return f"{count} {unit[:-1] if count == 1 else unit}"

    if rule.references_count or facts.kind == "pptx":
        counted = total
        what = n(total)
        scope = "including the references"
    else:
        counted = facts.body_pages if facts.body_pages is not None else total
        if facts.references_page is None:
            why = ("its text cannot be read, so no References heading could be found"
                   if any(f.rule == "pdf.text-unreadable" for f in facts.findings)
                   else "no References heading was found")
            what = f"{n(total)} ({why}, so every page counts)"
        else:
            what = (f"{n(counted)} before the references (they start on page "
                    f"{facts.references_page} of {total})")
        scope = "not counting the references"
    about = "" if facts.pages_exact else "about "
    estimate_note = ("" if facts.pages_exact else
                     " The count is estimated from the amount of text (LibreOffice was not "
                     "available to lay the document out); export a PDF to check it exactly.")
    make = error if facts.pages_exact else warning
    out: list[Finding] = estimate
    if rule.max is not None and counted > rule.max:
        out.append(make(
            "pages.too-many",
            f"{facts.path} has {about}{what}; the limit is {rule.max} {unit} ({scope}).",
            f"Shorten it to at most {rule.max} {unit} {scope}.{estimate_note}",
            facts.path,
        ))
    if rule.min is not None and counted < rule.min:
        out.append(make(
            "pages.too-few",
            f"{facts.path} has {about}{what}; at least {rule.min} {unit} are expected "
            f"({scope}).",
            f"Complete it to at least {rule.min} {unit} {scope}.{estimate_note}",
            facts.path,
        ))
    return out


def _limit(rule: PageRule) -> str:
    if rule.min is not None and rule.max is not None:
        span = f"{rule.min} to {rule.max} pages"
    else:
        span = f"at most {rule.max} pages" if rule.max is not None else f"at least {rule.min} pages"
    return span + (" including the references" if rule.references_count else
                   " not counting the references")


def _why_estimated(facts: FileFacts) -> str:
    return facts.estimate_reason or NO_LIBREOFFICE


PDF_EXPORT = ("Word: File → Save As → PDF; Google Docs: File → Download → PDF document; "
              "LibreOffice: File → Export as PDF")


def not_exact_finding(facts: FileFacts, rule: PageRule) -> Finding:
    """CI: no exact page count, so the page limit cannot be passed (rule ``pages.not-exact``)."""
    return error(
        "pages.not-exact",
        f"{facts.path}: its pages could not be counted exactly ({_why_estimated(facts)}); "
        f"the estimate from its amount of text is about {facts.pages} pages, and a page limit "
        f"({_limit(rule)}) is never passed on an estimate.",
        f"Submit a PDF export instead ({PDF_EXPORT}): a PDF's page count is always exact. "
        "Replace the .docx by the .pdf in your pull request.",
        facts.path,
    )


def estimate_finding(facts: FileFacts, rule: PageRule) -> Finding:
    """Locally: the page count is an estimate; say so loudly (rule ``pages.estimate``)."""
    return warning(
        "pages.estimate",
        f"{facts.path}: ESTIMATED page count, about {facts.pages} pages "
        f"({_why_estimated(facts)}). The pull request's check counts the pages exactly and "
        f"does not pass the page limit ({_limit(rule)}) on an estimate.",
        "For the exact count here, install LibreOffice (Debian/Ubuntu: `sudo apt install "
        "libreoffice-writer`; macOS: `brew install --cask libreoffice`; Windows: "
        "libreoffice.org) and run the check again, or export a PDF "
        f"({PDF_EXPORT}) and check the PDF.",
        facts.path,
    )


# --- sections ----------------------------------------------------------------------------

HEADING_SOURCES = {
    "styles": "its headings (paragraphs in a Heading style)",
    "bold": "its headings (short bold paragraphs)",
    "outline": "its headings (the PDF's bookmarks)",
    "fonts": "its headings (lines set larger or in bold)",
    "lines": "its headings (short lines shaped like titles)",
}
MAX_LISTED_HEADINGS = 12


def closest_heading(section: Section, headings: Sequence[str]) -> str | None:
    """The heading most like the section's name or an alias ("Realted Work"), if any is."""
    import difflib  # only when a section is missing

    names = [sec.normalize(n) for n in (section.name, *section.aliases)]
    best: tuple[float, str] | None = None
    for heading in headings:
        text = sec.normalize(heading)
        for name in names:
            score = difflib.SequenceMatcher(None, name, text).ratio()
            if score >= 0.75 and (best is None or score > best[0]):
                best = (score, heading)
    return best[1] if best else None


def _listed(headings: Sequence[str]) -> str:
    shown = [f'"{h}"' for h in headings[:MAX_LISTED_HEADINGS]]
    more = len(headings) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def section_findings(facts: FileFacts, wanted: Sequence[Section]) -> list[Finding]:
    if facts.kind not in ("pdf", "docx") or not (facts.text.strip() or facts.headings):
        return []
    loose = sec.heading_lines(facts.text)
    primary = facts.headings if facts.headings else loose
    where: list[tuple[Section, int | None]] = []
    missing: list[Section] = []
    for section in wanted:
        alts = sec.alternatives(section.name, section.aliases)
        index = sec.find_section(primary, alts)
        if index is None and sec.find_section(loose, alts) is None:
            missing.append(section)
        where.append((section, index))
    out: list[Finding] = []
    source = HEADING_SOURCES.get(facts.headings_source or "lines", HEADING_SOURCES["lines"])
    seen = ("; the headings found are " + _listed(primary)) if primary else \
        "; no headings were found"
    required = [s for s in missing if not s.optional]
    if required:
        names = "; ".join(f'"{s.name}"' for s in required)
        plural = "sections" if len(required) > 1 else "section"
        guesses = [(s, closest_heading(s, primary or loose)) for s in required]
        did_you_mean = " ".join(f"For \"{s.name}\": did you mean '{g}'?"
                                for s, g in guesses if g is not None)
        out.append(error(
            "sections.missing",
            f"{facts.path} lacks the required {plural} {names}: none of {source} matches "
            f"{'them' if len(required) > 1 else 'it'}{seen}."
            + (f" {did_you_mean}" if did_you_mean else ""),
            "Give each required section its own heading, named as in the instructions "
            f"(e.g. '{required[0].name}'); in Word or Google Docs use a Heading style.",
            facts.path,
        ))
    for section in (s for s in missing if s.optional):
        guess = closest_heading(section, primary or loose)
        out.append(warning(
            "sections.optional-missing",
            f'{facts.path} has no "{section.name}" section (recommended, not required): none '
            f"of {source} matches it"
            + (f"; did you mean '{guess}'?" if guess else "."),
            f"Consider adding a heading '{section.name}' with that part of your text.",
            facts.path,
        ))
    found: list[tuple[Section, int]] = [(s, i) for s, i in where if i is not None]
    for (first, i), (second, j) in itertools.pairwise(found):
        if j < i:
            order = ", ".join(s.name for s in wanted)
            out.append(warning(
                "sections.order",
                f'{facts.path}: the section "{second.name}" comes before "{first.name}".',
                f"Put the sections in the expected order: {order}.",
                facts.path,
            ))
            break
    return out


# --- members -----------------------------------------------------------------------------

def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"\s+", " ", re.sub(r"[^\w@.\s-]", " ", text)).strip()


def name_mentioned(name: str, plain_text: str) -> bool:
    """First and last name close together ("Jane Q. Doe", "Doe, Jane"), ignoring accents."""
    words = [w for w in _plain(name).replace(".", " ").split() if len(w) > 1]
    if not words:
        return True
    first, last = re.escape(words[0]), re.escape(words[-1])
    if len(words) == 1:
        return re.search(rf"\b{first}\b", plain_text) is not None
    gap = r"(?:[\s.-]+\w+){0,2}?[\s.-]+"
    return (re.search(rf"\b{first}{gap}{last}\b", plain_text) is not None
            or re.search(rf"\b{last}[\s,]+{first}\b", plain_text) is not None)


def emails_in(text: str) -> str:
    """Text with whitespace removed and "{a, b}@host" expanded, for email look-ups."""
    expanded = [f"{part.strip()}@{m.group(2)}" for m in _EMAIL_GROUP.finditer(text)
                for part in m.group(1).split(",")]
    return re.sub(r"\s+", "", text.casefold()) + " " + " ".join(expanded).casefold()


def member_findings(facts: FileFacts, members: Sequence[Member]) -> list[Finding]:
    if not facts.text.strip():
        return []
    plain = _plain(facts.text.replace("-\n", ""))
    mail = emails_in(facts.text)
    missing: list[str] = []
    for m in members:
        lacks = []
        if not name_mentioned(m.name, plain):
            lacks.append("name")
        if m.email and m.email.casefold() not in mail:
            lacks.append("email")
        if lacks:
            missing.append(f"{m.name} <{m.email}> ({' and '.join(lacks)} missing)")
    if not missing:
        return []
    return [error(
        "members.missing",
        f"{facts.path} does not name every member of the group: {'; '.join(missing)}.",
        "List every member's full name and email (as in the group's group.yaml) near the top "
        "of the document.",
        facts.path,
    )]


# --- code archive ------------------------------------------------------------------------

def zip_findings(facts: FileFacts, require_readme: bool = True) -> list[Finding]:
    archive = facts.archive
    if facts.kind != "zip" or archive is None:
        return []
    if any(f.rule == "file.encrypted" for f in facts.findings):
        return []
    readme = archive.get("readme")
    out: list[Finding] = []
    if readme is None:
        if require_readme:
            out.append(error(
                "zip.readme-missing",
                f"{facts.path} has no README at its top level (README, README.md, README.txt "
                "or README.rst, at the root or inside the single top-level folder).",
                "Add a README.md that says how to install or build the code and how to run "
                "it, with the exact commands.",
                facts.path,
            ))
        return out
    lacks = []
    if not archive.get("readme_build"):
        lacks.append("build or install steps")
    if not archive.get("readme_run"):
        lacks.append("steps to run it")
    if not archive.get("readme_commands"):
        lacks.append("a command line or code block")
    if lacks and require_readme:
        out.append(error(
            "zip.readme-no-instructions",
            f"{facts.path}: {readme} does not give {', '.join(lacks)}.",
            "Add sections such as '## Installation' and '## Running' with the exact commands "
            "in code blocks, e.g. `pip install -r requirements.txt` and `python main.py`.",
            facts.path,
        ))
    absent = archive.get("readme_missing_files") or []
    if absent:
        out.append(warning(
            "zip.readme-missing-file",
            f"{facts.path}: {readme} runs files that are not in the archive: "
            f"{', '.join(absent[:10])}.",
            "Add the missing files to the archive, or correct the commands in the README.",
            facts.path,
        ))
    return out


def has_errors(findings: Sequence[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
