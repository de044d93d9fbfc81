"""Where a note's section says less than its sentence: the limits of section-level overrides.

:class:`~osler.nlp.concepts.ConceptExtractor` reads a concept in a past history section as
Historical and one in a family history section as someone else's, and a procedure in a plan
as not yet done. The sentence may say otherwise, and these tests say when:

* a sentence of a family history whose subject is the patient ("Patient has diabetes.", "The
  patient presents with fever", "He presents with chest pain") is the patient's
  (:func:`patient_subject`); ConText still reads a relative named in it ("Patient's mother had
  ...", "Patient has a brother with diabetes");
* a family history ends at a line that opens with the patient as subject and names no
  relative, and at a blank line followed by the patient's prose (a cue of the patient or of
  this visit, no relative: "FH: non-contributory\\n\\nPt c/o chest pain");
  "FAMILY HISTORY:\\n\\nDiabetes\\nHypertension", a list with no relative word, stays the
  family's (:func:`family_ended_by_patient`);
* in a past history, an explicit cue of the present before the concept in its sentence keeps
  it Recent ("PMH: DM.\\nPresents today with fever", "PMH: asthma, currently with wheezing":
  the asthma stays Historical; :func:`present_cue`);
* a procedure in a plan or recommendations section ("PLAN: Cardiac catheterization.") is
  Hypothetical unless its sentence, or the line a list item hangs from, says it was done
  ("The following procedures were conducted:\\n- chest x-ray", "Echo showed EF 30%";
  :func:`plan_section`, :func:`told_as_done`). A medication in a plan ("Continue metformin")
  is not changed by the section.

A header in the middle of a line after a sentence's end starts a section when it is a header
the sectionizer knows, with its colon, of a part of the note that ends a past or family
history ("PAST MEDICAL HISTORY: Diabetes. HPI: Presents with fever."; :func:`midline_headers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from osler.nlp.experiencer import FEMALE, MALE, NEUTRAL

__all__ = ["family_ended_by_patient", "midline_headers", "patient_subject", "plan_section",
           "present_cue", "told_as_done"]

#: Bullets and numbers that open a list line ("- ", "* ", "1. ", "2) ").
_BULLET = r"(?:[-*\u2022]+|\d{1,2}[.)])"
#: The patient as the subject a sentence opens with, never a possessive ("Patient's mother").
_PATIENT = re.compile(
    rf"^\s*(?:{_BULLET}\s*)?(?:(?:the|this|our)\s+)?(?:patient|pt)\b\.?(?!\s*['\u2019]s?\b)"
    r"(?!\s*:)", re.I)
#: "He presents ...", "She denies ...": a pronoun of the patient by what it does here.
_PRONOUN_PATIENT = re.compile(
    rf"^\s*(?:{_BULLET}\s*)?(?:he|she)\s+(?:(?:is|was)\s+)?(?:presents?|presented|presenting"
    r"|denies|denied|complains?|complained|complaining|c/o|endorses|endorsed|comes|came"
    r"|arrives|arrived|returns|returned|here|seen)\b", re.I)
#: Words of a relative or of the family: a line holding one may still be the family history.
_FAMILY_WORDS = (MALE | FEMALE | NEUTRAL) | frozenset(
    """family fam familial fh fhx hereditary heredity relative relatives adopted""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
#: Cues of the patient or of this visit in prose after a blank line.
_PATIENT_PROSE = re.compile(
    r"\b(?:patient|pt|presents?|presented|presenting|p/w|c/o|complains?|complained|complaining"
    r"|denies|denied|endorses|endorsed|reports?|reported|today|tonight|now|currently"
    r"|this (?:morning|afternoon|evening|admission|visit)|on (?:exam|arrival)"
    r"|(?:x|for(?: the (?:past|last))?) ?\d+ ?(?:hours?|hrs?|days?|d|weeks?|wks?))\b", re.I)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
#: Cues of the present in a past history's sentence, before the concept.
_PRESENT = re.compile(
    r"\b(?:today|tonight|this (?:morning|afternoon|evening|admission|visit)"
    r"|presents?|presented|presenting|p/w|c/o|complains?|complained|complaining"
    r"|(?:now|currently)\s+(?:with|w/|has|having|c/o|complains?|complaining|presents?"
    r"|presenting|reports?|reporting|notes?|endorses?|endorsing|developed|develops|experiencing"
    r"|admitted))(?![\w/])", re.I)
#: "now" or "currently" opening a clause ("PMH: DM. Now fever and cough."), or "new" up to one
#: word before the concept ("new chest pain", "new-onset atrial", "new left weakness").
_PRESENT_OPENS = re.compile(r"(?:^|[,;:.(]|\band\b|\bbut\b)\s*(?:now|currently)\b", re.I)
_NEW_BEFORE = re.compile(r"\bnew(?:ly)?(?:[- ]onset)?\s+(?:[A-Za-z-]+\s+)?$", re.I)
#: Words of a header that make its section a plan ("PLAN:", "# Plan", "Recommendations:").
_PLAN_WORDS = frozenset({"plan", "plans", "recommendation", "recommendations", "recs"})
#: Words of a header that make it more than a plan: an assessment tells of what was found.
_ASSESSMENT_WORDS = frozenset({"assessment", "impression", "a/p", "ap", "diagnosis",
                               "diagnoses", "assessments", "impressions"})
#: A procedure told as done in a plan: its result, its completion, its time in the past.
_DONE = re.compile(
    r"\b(?:done|performed|conducted|completed|obtained|underwent|undergone|had|received"
    r"|showed|shows|showing|revealed|reveals|revealing|demonstrated|demonstrates|demonstrating"
    r"|s/p|status post|yesterday|results?|resulted|negative|positive|unremarkable|normal"
    r"|c/w|consistent with|findings?|was (?:done|performed|negative|positive|normal)"
    r"|were (?:done|performed|conducted))(?![\w/])", re.I)
_LIST_LINE = re.compile(rf"[ \t]*{_BULLET}[ \t]")   # used with .match(text, pos)


def _words(text: str) -> list[str]:
    return [w.lower().rstrip("'\u2019s") if w.lower().endswith(("'s", "\u2019s")) else w.lower()
            for w in _WORD.findall(text)]


def _names_family(text: str) -> bool:
    return any(w in _FAMILY_WORDS for w in _words(text))


def patient_subject(clause: str) -> bool:
    """Whether ``clause`` (a sentence's text from its start, or from a header inside it, up to
    a concept) opens with the patient as its subject: "Patient has", "The patient presents
    with", "Pt c/o", "- Pt with", "He presents with", "She denies" (not "Patient's mother")."""
    return bool(_PATIENT.match(clause) or _PRONOUN_PATIENT.match(clause))


def family_ended_by_patient(text: str, since: int, until: int) -> bool:
    """Whether the family history running from ``since`` ended before ``until`` in ``text``:
    a line opens with the patient as subject and names no relative ("Patient has
    hypertension."), or a blank line is followed by prose of the patient (a cue of the patient
    or of this visit, no relative or family word: "Pt c/o chest pain and nausea.")."""
    pos = since
    while True:
        line_end = text.find("\n", pos)
        if line_end < 0 or line_end >= until:
            return False
        line_start = line_end + 1
        next_end = text.find("\n", line_start)
        line = text[line_start:until if next_end < 0 else min(next_end, until)]
        blank = _BLANK_LINE.match(text, line_end) is not None
        if blank:   # the paragraph's first line with words
            rest = text[line_start:until]
            line = rest.strip().split("\n", 1)[0] if rest.strip() else ""
        if line.strip() and not _names_family(line) and (
                patient_subject(line) or (blank and _PATIENT_PROSE.search(line))):
            return True
        pos = line_start


def present_cue(clause: str) -> bool:
    """Whether ``clause`` (a past history's sentence up to a concept) tells of the present:
    "Presents today with", "p/w", "c/o", "complains of", "now with", "currently with", "Now
    ...", "new" right before the concept."""
    return bool(_PRESENT.search(clause) or _PRESENT_OPENS.search(clause)
                or _NEW_BEFORE.search(clause))


def plan_section(title: str) -> bool:
    """Whether a section header's text names a plan or recommendations alone ("PLAN:",
    "# Plan", "Recommendations:", "Discharge plan:"); "Assessment and Plan" and "A/P" tell of
    findings too and are not."""
    words = set(re.findall(r"a/p|[a-z]+", title.lower()))
    return bool(words & _PLAN_WORDS) and not words & _ASSESSMENT_WORDS


def told_as_done(sentence: str, lead_in: str = "") -> bool:
    """Whether a procedure's ``sentence`` in a plan, or the ``lead_in`` line its list item
    hangs from, tells it was done ("The following procedures were conducted:", "CT showed
    ...", "s/p cath")."""
    return bool(_DONE.search(sentence) or (lead_in and _DONE.search(lead_in)))


def lead_in_line(text: str, since: int, at: int) -> str:
    """The line a list item at ``at`` hangs from: the nearest line before the item's line (and
    after ``since``, a header's end) that is not itself a list item; "" when the item's line is
    not a list item or no such line is in reach."""
    line_start = text.rfind("\n", 0, at) + 1
    if not _LIST_LINE.match(text, line_start):
        return ""
    end = line_start - 1
    while end > since:
        start = max(text.rfind("\n", 0, end) + 1, since)
        line = text[start:end]
        if not line.strip():
            return ""   # a blank line: no lead-in
        if not _LIST_LINE.match(line):
            return line
        end = start - 1
    return ""


#: Section categories whose headers may start a section in mid-line: those that end a past or
#: family history (and a plan, whose procedures are to be done). Not a past or family history
#: itself: in mid-line that is mostly one statement in prose ("Presents with fever. PMH: DM.
#: Denies chest pain."; ConText reads its sentence), and its section would run on over the
#: patient's next sentences to the next header.
_MIDLINE_CATEGORIES = frozenset({
    "history_of_present_illness", "observation_and_plan", "chief_complaint", "social_history",
    "medications", "allergies", "allergy", "review_of_systems", "physical_exam",
    "hospital_course", "problem_list"})
#: Header texts too ambiguous in mid-line: "PE:" (a pulmonary embolism), "cc:" (a copy to).
_NOT_MIDLINE = frozenset({"pe:", "cc:"})


def midline_headers(rules: Iterable[tuple[str, str]]) -> re.Pattern[str]:
    """A pattern of the white space between a sentence's end and a known header with its colon
    in the same line ("Diabetes. HPI: Presents with fever."): the space to make a line break,
    so that the sectionizer, which wants a header to open a line, starts a section there.
    ``rules`` are the sectionizer's (header text, category) pairs; only headers that end with
    a colon and whose category is one of :data:`_MIDLINE_CATEGORIES` count (a header without
    a colon mid-line is prose; "Neuro:", "Primary:" in mid-line are no matter here)."""
    heads = sorted({lit.strip().lower() for lit, category in rules
                    if lit.strip().endswith(":") and category in _MIDLINE_CATEGORIES
                    and not lit.strip().startswith("#")
                    and lit.strip().lower() not in _NOT_MIDLINE}, key=len, reverse=True)
    alternatives = "|".join(re.escape(h) for h in heads) or r"(?!x)x"
    return re.compile(rf"(?<=[.!?]) (?=(?:{alternatives})(?![/\d]))", re.I)
