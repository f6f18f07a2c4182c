"""Rules over what an inspector learned about a document (pure: no file or network I/O).

Page limits (``pages.too-many`` / ``pages.too-few``), required and optional sections
(``sections.missing``, ``sections.optional-missing``, ``sections.order``), the layout
(``layout.*``, in ``checker.rules.layout``), member names and emails (``members.missing``) and
the code-archive README
(``zip.readme-missing``, ``zip.readme-no-instructions``, ``zip.readme-no-run-step``,
``zip.readme-not-text``, ``zip.readme-missing-file``), each as
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
        out += page_findings(facts, deliverable.pages, ci=ci,
                             accepts_pdf="pdf" in deliverable.formats)
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

def page_findings(facts: FileFacts, rule: PageRule, *, ci: bool = False,
                  accepts_pdf: bool = True) -> list[Finding]:
    """Page limits. A DOCX counted without LibreOffice has an estimate and a range: in CI no
    limit passes on it (``pages.not-exact``); locally the whole range must be within the limit
    to pass (``pages.estimate``, a warning), a range entirely outside it fails
    (``pages.too-many``/``pages.too-few``) and a range across the limit is ``pages.not-verified``
    (an error: the pre-push hook refuses what CI may reject)."""
    if facts.kind not in DOCUMENT_KINDS or facts.pages is None:
        return []
    if not facts.pages_exact and (rule.min is not None or rule.max is not None):
        if ci:
            return [not_exact_finding(facts, rule)]
        return estimated_page_findings(facts, rule, accepts_pdf)
    unit = "slides" if facts.kind == "pptx" else "pages"
    counted, what, scope = _counted(facts, rule)
    least, least_what, least_scope = _least(facts)
    out: list[Finding] = []
    if rule.max is not None and counted > rule.max:
        out.append(error(
            "pages.too-many",
            f"{facts.path} has {what}; the limit is {rule.max} {unit} ({scope}).",
            f"Shorten it to at most {rule.max} {unit} {scope}.",
            facts.path,
        ))
    if rule.min is not None and least < rule.min:
        out.append(error(
            "pages.too-few",
            f"{facts.path} has {least_what}; at least {rule.min} {unit} are expected "
            f"({least_scope}).",
            f"Complete it to at least {rule.min} {unit} {least_scope}.",
            facts.path,
        ))
    return out


def _n(count: int, unit: str = "pages") -> str:
    return f"{count} {unit[:-1] if count == 1 else unit}"


def _counted(facts: FileFacts, rule: PageRule) -> tuple[int, str, str]:
    """What the maximum applies to: (the count, it in words, what it includes)."""
    unit = "slides" if facts.kind == "pptx" else "pages"
    total = facts.pages or 0
    if rule.references_count or facts.kind == "pptx":
        return total, _n(total, unit), "including the references"
    counted = facts.body_pages if facts.body_pages is not None else total
    if facts.references_page is None:
        why = ("its text cannot be read, so no References heading could be found"
               if any(f.rule == "pdf.text-unreadable" for f in facts.findings)
               else "no References heading was found")
        what = f"{_n(total, unit)} ({why}, so every page counts)"
    else:
        what = (f"{_n(counted, unit)} before the references (they start on page "
                f"{facts.references_page} of {total})")
    return counted, what, "not counting the references"


def _least(facts: FileFacts) -> tuple[int, str, str]:
    """What the minimum applies to. References never push a document over its maximum, and
    they do count toward its minimum: where the page is silent on them, the reading that fails
    no one."""
    total = facts.pages or 0
    return total, _n(total, "slides" if facts.kind == "pptx" else "pages"), \
        "including the references"


def _estimate_range(span: list[int], counted: int) -> tuple[int, int]:
    """The lowest and highest page count an estimate allows (its measured error)."""
    if len(span) == 2 and all(isinstance(x, int) for x in span):
        return min(span[0], counted), max(span[1], counted)
    return counted, counted


def estimated_page_findings(facts: FileFacts, rule: PageRule,
                            accepts_pdf: bool = True) -> list[Finding]:
    """Locally, on an estimated page count: fail what is outside the limit even at the
    estimate's most favourable, refuse to verify what its range straddles the limit, and pass
    (with a warning saying it is an estimate) only a range wholly inside the limit."""
    counted, what, scope = _counted(facts, rule)
    body = not rule.references_count and facts.body_pages_range
    low, high = _estimate_range(facts.body_pages_range if body else facts.pages_range, counted)
    least, least_what, least_scope = _least(facts)
    least_low, least_high = _estimate_range(facts.pages_range, least)
    estimate = (f"an estimate of {counted} pages (range {low}-{high})"
                + ("" if rule.references_count else " before the references"))
    least_estimate = f"an estimate of {least} pages (range {least_low}-{least_high})"
    ways = _exact_ways(facts, accepts_pdf)
    if rule.max is not None and low > rule.max:
        return [error(
            "pages.too-many",
            f"{facts.path} has about {what}, by {estimate}: even at the estimate's lowest, "
            f"{low} pages, it is over the limit of {rule.max} pages ({scope}).",
            f"Shorten it to at most {rule.max} pages {scope}. {ways}",
            facts.path,
        )]
    if rule.min is not None and least_high < rule.min:
        return [error(
            "pages.too-few",
            f"{facts.path} has about {least_what}, by {least_estimate}: even at the "
            f"estimate's highest, {least_high} pages, it is under the {rule.min} pages "
            f"expected ({least_scope}).",
            f"Complete it to at least {rule.min} pages {least_scope}. {ways}",
            facts.path,
        )]
    over = rule.max is not None and high > rule.max
    under = rule.min is not None and least_low < rule.min
    if over or under:
        bound = (f"the maximum of {rule.max}" if over else f"the minimum of {rule.min}")
        return [error(
            "pages.not-verified",
            f"{facts.path}: the page limit ({_limit(rule)}) is NOT VERIFIED. The page count is "
            f"{estimate if over else least_estimate}, because {_why_estimated(facts)}. An "
            "estimate is not a layout: measured against LibreOffice it is off by a few "
            "percent, more where LibreOffice lacks the document's fonts, so with "
            f"{bound} inside its range the exact count may be on either side of the limit, "
            "and the pull request's check, which counts exactly, may reject the file. "
            f"{_two_ways(facts, accepts_pdf)}",
            ways,
            facts.path,
        )]
    return [warning(
        "pages.estimate",
        f"{facts.path}: ESTIMATED page count, about {counted} pages (range {low}-{high}), "
        f"because {_why_estimated(facts)}. The whole range is within the page limit "
        f"({_limit(rule)}), so it passes here; the pull request's check counts the pages "
        "exactly.",
        ways,
        facts.path,
    )]


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
INSTALL_LIBREOFFICE = ("Debian/Ubuntu: `sudo apt-get install libreoffice-writer-nogui`; "
                       "macOS: `brew install --cask libreoffice`; Windows: libreoffice.org")


def _two_ways(facts: FileFacts, accepts_pdf: bool) -> str:
    """The ways to an exact count, in one sentence."""
    pdf = "export a PDF" + (" and submit it instead of the .docx" if accepts_pdf else
                            " and check the PDF")
    if (facts.estimate_reason or NO_LIBREOFFICE) != NO_LIBREOFFICE:
        return f"To count exactly, {pdf}."
    return (f"Two ways to an exact count: {pdf}; or install LibreOffice "
            "(Debian/Ubuntu: `sudo apt-get install libreoffice-writer-nogui`; macOS: "
            "`brew install --cask libreoffice`) and run the check again.")


def _exact_ways(facts: FileFacts, accepts_pdf: bool) -> str:
    """How to get an exact page count: a PDF export, or LibreOffice where it was missing."""
    pdf = (f"export a PDF ({PDF_EXPORT}) and submit the PDF in place of the .docx (a PDF's "
           "pages are counted exactly)" if accepts_pdf else
           f"export a PDF ({PDF_EXPORT}) and count its pages "
           "(`python -m checker inspect FILE.pdf`)")
    if (facts.estimate_reason or NO_LIBREOFFICE) != NO_LIBREOFFICE:
        return f"For the exact count, {pdf}."
    return (f"For the exact count, either {pdf}; or install LibreOffice ({INSTALL_LIBREOFFICE}) "
            "and run the check again.")


def not_exact_finding(facts: FileFacts, rule: PageRule) -> Finding:
    """CI: no exact page count, so the page limit cannot be passed (rule ``pages.not-exact``)."""
    span = facts.pages_range
    spread = f" (range {span[0]}-{span[1]})" if len(span) == 2 else ""
    return error(
        "pages.not-exact",
        f"{facts.path}: its pages could not be counted exactly ({_why_estimated(facts)}); "
        f"the estimate is about {facts.pages} pages{spread}, and a page limit "
        f"({_limit(rule)}) is never passed on an estimate.",
        f"Submit a PDF export instead ({PDF_EXPORT}): a PDF's page count is always exact. "
        "Replace the .docx by the .pdf in your pull request.",
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

# The course page's words, quoted by the README rules.
PAGE_README = ("a README file with a step-by-step guide on how to compile and run the provided "
               "code")


def zip_findings(facts: FileFacts, require_readme: bool = True) -> list[Finding]:
    """The README the page asks for: missing, empty or without a single step is an error; steps
    none of which runs the code, a warning; a README the checker cannot read (README.pdf), a
    warning. Files a README command names that are not in the archive, a warning."""
    archive = facts.archive
    if facts.kind != "zip" or archive is None:
        return []
    if any(f.rule == "file.encrypted" for f in facts.findings):
        return []
    readme = archive.get("readme")
    if not require_readme:
        return _missing_files(facts) if readme else []
    if readme is None:
        return [error(
            "zip.readme-missing",
            f"{facts.path} has no README (README.md, README.txt, README.rst or README, "
            "anywhere outside its bundled dependencies); the course page asks for "
            f"{PAGE_README}.",
            "Add a README.md next to your code with numbered steps and the exact commands, "
            "e.g. `1. pip install -r requirements.txt` and `2. python main.py`.",
            facts.path,
        )]
    if not archive.get("readme_text", True):
        return [warning(
            "zip.readme-not-text",
            f"{facts.path}: the checker reads only plain-text READMEs (Markdown, .txt, .rst), "
            f"so the steps in {readme} were not checked; the staff will read it.",
            "Add a README.md (or README.txt) with the steps, so that anyone can read them "
            "without another program.",
            facts.path,
        )]
    out: list[Finding] = []
    if archive.get("readme_empty") or not archive.get("readme_steps"):
        what = "is empty" if archive.get("readme_empty") else (
            "gives no steps (no command, code block, numbered or bulleted step)")
        out.append(error(
            "zip.readme-no-instructions",
            f"{facts.path}: {readme} {what}; the course page asks for {PAGE_README}.",
            "Write the steps one per line, with the exact commands, e.g. "
            "`1. pip install -r requirements.txt`, `2. python main.py --config config.yaml` "
            "(a numbered list, `$ ` prompts or a code block all work).",
            facts.path,
        ))
    elif not archive.get("readme_run"):
        lacks = "how to run the code" if archive.get("readme_build") else \
            "how to build or run the code"
        out.append(warning(
            "zip.readme-no-run-step",
            f"{facts.path}: {readme} gives {archive.get('readme_steps')} step(s), but none "
            f"that says {lacks}; the course page asks for {PAGE_README}.",
            "Add the step that runs it with its exact command, e.g. `2. python main.py` or "
            "`$ ./bin/sim input.txt`.",
            facts.path,
        ))
    return out + _missing_files(facts)


def _missing_files(facts: FileFacts) -> list[Finding]:
    archive = facts.archive or {}
    absent = archive.get("readme_missing_files") or []
    if not absent:
        return []
    return [warning(
        "zip.readme-missing-file",
        f"{facts.path}: {archive.get('readme')} runs files that are not in the archive: "
        f"{', '.join(absent[:10])}.",
        "Add the missing files to the archive, or correct the commands in the README.",
        facts.path,
    )]


def has_errors(findings: Sequence[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
