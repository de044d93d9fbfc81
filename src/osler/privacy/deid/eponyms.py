"""Medical eponyms are not PHI: "Stevens-Johnson syndrome", "Mallory-Weiss tear".

The name rules and the learned tagger read capitalised surnames; clinical text is full of
diseases, signs, scores and devices named after people. Redacting them costs the note its
meaning (a drug's severe skin reaction becomes "[NAME]-[NAME] syndrome") and protects no one.
The phrases are versioned data (``resources/deid/medical_eponyms.txt``): hyphenated eponyms
are matched whole; a single surname only before a clinical head word ("Graves disease",
"Foley catheter"), so that the same word as a person's name ("Mr. Graves") stays PHI.
"""

from __future__ import annotations

import re
from functools import lru_cache

from osler.privacy.deid.spans import PhiSpan, cut_out, merge_spans
from osler.resources import path as resource_path

__all__ = ["eponym_heads", "eponym_spans", "eponym_surnames", "without_eponyms"]

# only these types can be an eponym read as PHI; dates, numbers and ids never are
_NAMELIKE = frozenset({"NAME", "LOCATION"})


@lru_cache(maxsize=1)
def _sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in resource_path("deid/medical_eponyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return sections


def _alternatives(phrases: list[str], possessive_first: bool = False) -> str:
    # longest first, so "Child-Turcotte-Pugh" wins over "Child-Pugh"; spaces match any run
    # of spaces. A hyphen is matched as written: "Mallory Weiss" may be a person, not a tear.
    # With ``possessive_first``, the first word of a phrase of several words may be written
    # possessive ("Hartmann pouch" matches "Hartmann's pouch").
    ordered = sorted(phrases, key=len, reverse=True)
    out = []
    for phrase in ordered:
        escaped = re.escape(phrase).replace(r"\ ", r"\s+")
        if possessive_first and " " in phrase:
            first, rest = escaped.split(r"\s+", 1)
            escaped = rf"{first}(?:['’]s?)?\s+{rest}"
        out.append(escaped)
    return "|".join(out)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    s = _sections()
    joined = _alternatives(s.get("joined", []), possessive_first=True)
    before = _alternatives(s.get("before", []))
    heads = _alternatives(s.get("heads", []))
    return re.compile(rf"\b(?:(?P<joined>{joined})(?:['’]s)?\b"
                      rf"|(?:{before})(?:['’]s?)?\s+(?:{heads})\b)", re.IGNORECASE)


@lru_cache(maxsize=1)
def eponym_surnames() -> frozenset[str]:
    """Lower-case one-word surnames of section "before" ("foley", "graves"): written after a
    title or a role ("Nurse Foley") they are a person's name, not an eponym."""
    return frozenset(p.lower() for p in _sections().get("before", []) if " " not in p)


@lru_cache(maxsize=1)
def eponym_heads() -> frozenset[str]:
    """Lower-case one-word clinical head words ("disease", "catheter")."""
    return frozenset(p.lower() for p in _sections().get("heads", []) if " " not in p)


# "Mr. Wilson disease ..." reads as a person before anything else
_TITLE_BEFORE = re.compile(r"\b(?:mr|mrs|ms|miss|dr|prof|pt)\.?\s+$", re.IGNORECASE)


def eponym_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each medical eponym phrase in ``text``.

    >>> text = "Hx of Stevens-Johnson syndrome; Foley catheter in; Mr. Graves disease"
    >>> [text[a:b] for a, b in eponym_spans(text)]
    ['Stevens-Johnson', 'Foley catheter']
    """
    found = [m.span() for m in _pattern().finditer(text)
             if not _TITLE_BEFORE.search(text, max(0, m.start() - 8), m.start())]
    found += [m.span("p" if m.group("p") else "q") for m in _BRAINSTEM.finditer(text)]
    return sorted(found + _alone(text, found)) if _ALONE_HINT.search(text) else sorted(found)


# "Pons, medulla and midbrain", "midbrain/pons": the pons is a part of the brain, not a person
# named Pons, in a list of the other parts of the brainstem and brain
_BRAIN_PART = (r"(?:midbrain|medulla(?:\s+oblongata)?|cerebell(?:um|ar\s+\w+)|brain\s*stem|"
               r"thalam(?:us|i)|basal\s+ganglia|cerebral\s+peduncles?|cortex|vermis)")
_BRAINSTEM = re.compile(rf"(?:\b{_BRAIN_PART}[ \t]*(?:,|/|\band\b|\bor\b)[ \t]*(?:and[ \t]+)?"
                        rf"(?P<p>pons)\b|\b(?P<q>pons)(?=[ \t]*(?:,|/|\band\b|\bor\b)[ \t]*"
                        rf"(?:and[ \t]+)?{_BRAIN_PART}\b))", re.IGNORECASE)
# the cheap test first: most notes hold no disease eponym without a head word
_ALONE_HINT = re.compile(r"['’]|\b(?:hx|h/o|pmh|dx)\b", re.IGNORECASE)
# a history cue right before a bare eponym ("Hx: Graves", "h/o Crohn", "history of Graves")
_CUE_BEFORE = re.compile(r"\b(?:hx|h/o|pmh|dx|history|diagnosis)\b[ \t]*(?:of\b|:)?[ \t]*$",
                         re.IGNORECASE)
# further on in a list a history cue opened on the same line ("PMH: HTN, Graves, DM")
_IN_CUED_LIST = re.compile(r"\b(?:hx|h/o|pmh|dx|history|diagnoses)\b[ \t]*(?:of\b|:)"
                           r"[^\n.;:]*,[ \t]*$", re.IGNORECASE)
# a list's joint after another eponym ("Crohn's and Graves", "Crohn's, Graves")
_JOINT = re.compile(r"[ \t]*(?:,|/|&|\band\b|\bor\b)[ \t]*", re.IGNORECASE)
# words for a person after a possessive: "Parkinson's daughter" is someone's relative
_PERSON_AFTER = re.compile(r"\s+(?:wife|husband|son|daughter|mother|father|sister|brother|"
                           r"family|friend|partner|spouse|children|kids|house|home|room|"
                           r"office|phone|number|team|service|note)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _alone_pattern() -> re.Pattern[str]:
    words = sorted((w.rstrip("'’s") if w.endswith("'s") else w.rstrip("'’"))
                   for w in _sections().get("alone", []))
    names = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{names})(?P<possessive>['’]s\b|(?<=s)['’](?!\w))?(?![\w'’])",
                      re.IGNORECASE)


def _alone(text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Disease eponyms of section "alone" without a head word (see the resource's header):
    possessive ("Pt has Parkinson's"), or bare after a history cue or another eponym, or in a
    list that a history cue opened on its line ("PMH: HTN, Graves, DM")."""
    out: list[tuple[int, int]] = []
    for m in _alone_pattern().finditer(text):
        if (any(a <= m.start() < b for a, b in found)
                or _TITLE_BEFORE.search(text, max(0, m.start() - 8), m.start())
                or _PERSON_AFTER.match(text, m.end())):
            continue
        before = text[max(0, m.start() - 40):m.start()]
        after_eponym = any(_JOINT.fullmatch(text, b, m.start()) for _a, b in [*found, *out])
        if (m.group("possessive") or _CUE_BEFORE.search(before) or after_eponym
                or _IN_CUED_LIST.search(text, max(0, m.start() - 80), m.start())):
            out.append(m.span())
    return out


def without_eponyms(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with no name or place inside a medical eponym: a span wholly inside one is
    dropped, one that runs into one (a tagger's "Quimby diagnosed Stevens" before
    "-Johnson syndrome") is cut back to the words outside it. Names known from elsewhere (the
    patient's other notes, a record's people) do not make an eponym a name: a "Dr. Parkinson"
    of one note must not turn "Parkinson disease" of the next into another real disease;
    after a title an eponym is not matched at all ("Mr. Graves"). A name or place that stops
    at the hyphen of a capitalised compound ("Dana" of "Dana-Farber") is first widened to the
    whole compound."""
    found = eponym_spans(text)
    spans = _whole_compounds(text, spans, found)
    return cut_out(text, spans, found, _NAMELIKE) if found else spans


# a capitalised word joined by a hyphen to the end or start of a span: "Dana|-Farber"
_JOINED_AFTER = re.compile(r"-[A-Z][A-Za-z']*(?:-[A-Z][A-Za-z']*)*")
_JOINED_BEFORE = re.compile(r"(?<![\w'-])[A-Z][A-Za-z']*(?:-[A-Z][A-Za-z']*)*-$")


def _whole_compounds(text: str, spans: list[PhiSpan],
                     eponyms: list[tuple[int, int]]) -> list[PhiSpan]:
    """``spans`` with each name or place that ends or starts at the hyphen of a compound of
    capitalised words ("Dana-Farber", "Newton-Wellesley") widened to the whole compound: a
    hyphenated institution or name is redacted whole, never left half ("[LOCATION]-Farber").
    Never across an everyday word ("DAUGHTER-TREVA") or into one of ``eponyms`` ("Non-Hodgkin
    lymphoma")."""
    from osler.privacy.deid.detect import everyday_words   # detect imports this module

    def named(part: str) -> bool:   # "DAUGHTER-TREVA": a relation joined to a name stays out
        return all(w.lower() not in everyday_words() for w in part.split("-") if w)

    out, changed = [], False
    for span in spans:
        start, end = span.start, span.end
        if span.type in _NAMELIKE and text[start:end][:1].isupper():
            m = _JOINED_AFTER.match(text, end)
            if m and named(m.group()) and not (m.end() < len(text) and (
                    text[m.end()].isalnum() or text[m.end()] == "_")):
                end = m.end()
            m = _JOINED_BEFORE.search(text, max(0, start - 40), start)
            if m and named(m.group()):
                start = m.start()
        if any(a < end and start < b for a, b in eponyms):
            start, end = span.start, span.end
        changed = changed or (start, end) != (span.start, span.end)
        out.append(PhiSpan(start, end, span.type) if (start, end) != (span.start, span.end)
                   else span)
    return merge_spans(out) if changed else spans
