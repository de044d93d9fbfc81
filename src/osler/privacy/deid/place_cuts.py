"""Final-span cuts of places: words read as places that a note's context shows are not.

A drug's name used as a drug ("Norco 10/325 mg", also a town) and a clinical service
("Hepatology Clinic", "Department of Oncology", "Brief Hospital Course"). Split out of
:mod:`osler.privacy.deid.places`, which imports them back.
"""

from __future__ import annotations

import re

from osler.privacy.deid.lexicons import census_names, department_words, place_names, us_places
from osler.privacy.deid.place_words import SPECIALTIES
from osler.privacy.deid.spans import PhiSpan, cut_out


# --- final-span cuts: words read as places that a note's context shows are not --------------
# (applied to the final spans, so the rule layers, the tagger's features, stay as they are)

# A dose, route or frequency right after a drug's name: "Norco 10/325 mg PO q6h", "Norco 2 tabs",
# "Xanax 0.5mg", "Ambien qhs prn"; not a ZIP code ("Norco 92860").
_DOSE_AFTER = re.compile(
    r"[ \t]*(?:\(?[ \t]*\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?[ \t]*(?:mg|mcg|g|ml|cc|units?|u|tabs?|"
    r"tablets?|caps?|capsules?|puffs?|patch)\b|\d{1,3}/\d{3}\b|(?:tab|tabs|tablet|cap|caps|po|iv|"
    r"ivp|im|sc|subq|sq|pr|sl|prn|q\.?\d+h?|q\.?[hd]|qhs|qd|qod|qid|tid|bid|daily|nightly|er|xr|"
    r"sr|cr|xl|cd|ir|dose|doses|dosing)\b)", re.I)
# A word that gives or stops a drug right before it: "taking Norco", "restarted on Xanax",
# "switched from Norco", "held Lyrica", "Allergies: Norco".
_DRUG_BEFORE = re.compile(
    r"(?:\b(?:takes?|taking|took|on|start(?:s|ed|ing)?|restart(?:s|ed|ing)?|resum(?:e|ed|ing)|"
    r"continu(?:e|ed|ing)|cont|given|gave|giving|receiv(?:e|es|ed|ing)|prescribed|rx|hold|held|"
    r"holding|stop(?:ped|ping)?|d/?c'?d?|discontinu(?:e|ed|ing)|increas(?:e|ed|ing)|"
    r"decreas(?:e|ed|ing)|titrat(?:e|ed|ing)|wean(?:ed|ing)?|refill(?:s|ed)?|dose\s+of|"
    r"allerg(?:y|ies|ic)(?:\s+to)?|switch(?:ed|ing)?\s+(?:to|from)|chang(?:e|ed|ing)\s+(?:to|from)|"
    r"(?:his|her|home|prn|po|iv)\s*)[ \t]*:?[ \t]*(?:(?:from|off|on|with)[ \t]+)?"
    r"(?:(?:his|her|the|home|po|iv|prn)[ \t]+)?)$", re.I)
# The word before a drug in a list of drugs: "Lisinopril, Norco", "Tylenol/Norco", "and Norco".
_LISTED_AFTER = re.compile(r"(?P<w>[A-Za-z]+)[ \t]*(?:,|/|\+|\band\b|\bor\b)[ \t]*$", re.I)
# A heading that opens a medication list: "Discharge Medications:", "Home meds:", "Rx:".
_MED_HEADING = re.compile(r"[A-Za-z /]{0,40}?\b(?:medications?|meds|prescriptions|rx)\b"
                          r"[^\n:]{0,30}:", re.I)
# Any heading at a line's start ("Social History:"), which ends the list before it.
_HEADING = re.compile(r"(?m)^[ \t]*[A-Za-z][A-Za-z /()-]{0,50}:")
# A blank line ends a list.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A move or a home before a town: "transferred from Norco", "lives in Norco", "moved to Norco",
# "from Norco", "near Norco".
_MOVED_BEFORE = re.compile(r"(?:\b(?:from|near|outside(?:\s+of)?|(?:lives?|living|resides?|"
                           r"residing|home|house|born|raised|moved|moving|relocated)\s+(?:in|to|"
                           r"at|near))\s+(?:the\s+)?(?:city\s+of\s+|town\s+of\s+)?$)", re.I)


def without_drugs(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` without a name or place that is a drug's name used as a drug: "Norco 10/325 mg
    PO q6h PRN pain" keeps "Norco" (also a town).

    A dose, route or frequency after the word, or a word that gives or stops a drug before it
    ("switched from Norco"), makes it the drug. Else a move or a home said right before it
    ("transferred from Norco", "lives in Norco") makes it the town; failing that, a medication
    list around it or the same word used as a drug elsewhere in the note makes it the drug.
    A drug's name that is no town and no person's name ("Xanax") is a drug unless such a move
    is said."""
    from osler.privacy.deid.lexicons import medication_names

    drugs = medication_names()
    mentions = [s for s in spans if s.type in ("NAME", "LOCATION")
                and _drug_word(text, s) in drugs]
    if not mentions:
        return spans
    used = {m.group().lower() for m in _all_mentions(text, drugs)
            if _dosed(text, *m.span()) or _in_drug_list(text, *m.span())}
    gone = {s for s in mentions if _dosed(text, s.start, s.end) or (
        not _MOVED_BEFORE.search(text, max(0, s.start - 40), s.start)
        and (_drug_word(text, s) in used or not _ambiguous_drug(_drug_word(text, s))))}
    return [s for s in spans if s not in gone] if gone else spans


def _drug_word(text: str, span: PhiSpan) -> str:
    """The lower-case word of ``span`` without a possessive ("Norco's" is "norco")."""
    return text[span.start:span.end].lower().removesuffix("'s")


_ONE_WORD = re.compile(r"[A-Za-z]+")


def _all_mentions(text: str, drugs: frozenset[str]) -> list[re.Match[str]]:
    """Every mention of a drug's name in ``text``, found or not."""
    return [m for m in _ONE_WORD.finditer(text) if m.group().lower() in drugs]


def _dosed(text: str, start: int, end: int) -> bool:
    """Whether the mention ``text[start:end]`` is given as a drug: a dose, route or frequency
    after it ("Norco 10/325 mg"), or a word that gives or stops a drug before it ("taking
    Norco")."""
    return bool(_DOSE_AFTER.match(text, end)
                or _DRUG_BEFORE.search(text, max(0, start - 40), start))


def _in_drug_list(text: str, start: int, end: int) -> bool:
    """Whether the mention ``text[start:end]`` stands in a list of drugs: after another drug's
    name ("Lisinopril, Norco") or under a medication heading."""
    from osler.privacy.deid.lexicons import medication_names

    listed = _LISTED_AFTER.search(text, max(0, start - 40), start)
    if listed and listed.group("w").lower() in medication_names():
        return True
    return _in_medication_list(text, start)


def _in_medication_list(text: str, start: int) -> bool:
    """Whether ``start`` is in a list under a medication heading ("Home meds:\n1. Norco"):
    the last heading before it in its paragraph is one."""
    before = text[max(0, start - 2000):start]
    blank = list(_BLANK_LINE.finditer(before))
    paragraph = before[blank[-1].end() if blank else 0:]
    headings = list(_HEADING.finditer(paragraph))
    return bool(headings) and bool(_MED_HEADING.fullmatch(headings[-1].group().strip()))


def _ambiguous_drug(word: str) -> bool:
    """A drug's name that is also a town or a person's name ("norco", "colace")."""
    from osler.privacy.deid.lexicons import first_names, last_names

    return any(word in words for words in (us_places(), place_names(), census_names(),
                                           first_names(), last_names()))


# Words of a clinical service ("Hepatology Clinic", "Department of Oncology", "Hematology and
# Oncology Clinic"): they name a department, not a place.
_SERVICE_WORDS = SPECIALTIES | department_words()
# The service's head word after it, or its "Department of" before it.
_SERVICE_HEAD = re.compile(r"[ \t]+(?:clinic|clinics|service|services|department|dept|division|"
                           r"section|team|consult|consults|fellow|attending|office|unit|floor|"
                           r"ward|follow[- ]?up)\b", re.I)
_SERVICE_OF = re.compile(r"\b(?:department|dept\.?|division|section|service|services)[ \t]+of"
                         r"[ \t]+(?:the[ \t]+)?$", re.I)
# "Brief Hospital Course:": a discharge summary's heading, no hospital named "Brief".
_COURSE_HEADING = re.compile(r"(?:brief|concise|short|summary[ \t]+of)[ \t]+hospital[ \t]+course"
                             r"\b", re.I)
_SERVICE_JOINTS = frozenset({"and", "&", "/"})


def without_services(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with no place over a clinical service ("Hepatology Clinic", "Department of
    Oncology", "Hematology and Oncology Clinic") or the heading "Brief Hospital Course": a
    place's own name next to them stays ("Hepatology Clinic at Quellmoor General Hospital")."""
    found = []
    for span in spans:
        if span.type != "LOCATION":
            continue
        if _COURSE_HEADING.match(text, span.start):
            found.append(_COURSE_HEADING.match(text, span.start).span())
            continue
        if _only_a_service(text, span):   # "transferred to General Medicine"
            found.append((span.start, span.end))
            continue
        for a, b in _service_runs(text, span):
            head, of = _SERVICE_HEAD.match(text, b), _SERVICE_OF.search(text, max(0, a - 30), a)
            if head or of:
                found.append((of.start() if of else a, head.end() if head else b))
    return cut_out(text, spans, found, frozenset({"LOCATION"})) if found else spans


_SERVICE_TOKEN = re.compile(r"[A-Za-z]+|&|/")
# Words that name a service alone, with no head word ("transferred to Medicine", "to General
# Surgery", "Hem/Onc"); never a body part or a kind of care that a place's name may hold
# ("Sacred Heart", "Urgent Care").
_SERVICE_ALONE = frozenset("""medicine surgery general internal hem onc heme ortho neurosurgery
gyn obgyn ent micu sicu""".split())


def _only_a_service(text: str, span: PhiSpan) -> bool:
    """Whether ``span`` holds only the name of a medical service ("General Medicine",
    "Hematology/Oncology", "Neurosurgery"), with a word other than "General"."""
    words = [m.group().lower() for m in _SERVICE_TOKEN.finditer(text, span.start, span.end)]
    named = [w for w in words if w not in _SERVICE_JOINTS]
    return (bool(named) and words[0] not in _SERVICE_JOINTS and words[-1] not in _SERVICE_JOINTS
            and any(w != "general" for w in named)
            and all(w in _SERVICE_ALONE or w.endswith(("ology", "iatry", "iatrics")) and len(w) > 6
                    for w in named))


def _service_runs(text: str, span: PhiSpan) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of service words in ``span`` ("Hematology and Oncology"),
    joined by spaces, "and", "&" or "/", that starts and ends on a service word."""
    runs: list[tuple[int, int]] = []
    start = end = None
    for m in _SERVICE_TOKEN.finditer(text, span.start, span.end):
        low = m.group().lower()
        if low in _SERVICE_WORDS or low.endswith("ology") and len(low) > 6:
            start, end = (m.start() if start is None else start), m.end()
        elif low in _SERVICE_JOINTS and start is not None:
            continue
        else:
            if start is not None:
                runs.append((start, end))
            start = end = None
    if start is not None:
        runs.append((start, end))
    return runs
