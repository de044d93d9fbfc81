"""De-identify free text: find PHI, then replace it with surrogates or tags."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from osler.errors import DataError
from osler.privacy.deid.clinicians import clinician_words, name_scope
from osler.privacy.deid.dates import date_of_text, date_text_year
from osler.privacy.deid.detect import detect_phi
from osler.privacy.deid.fold import lower_keeping_length
from osler.privacy.deid.patient import detect_phi_notes
from osler.privacy.deid.spans import PhiSpan, merge_spans
from osler.privacy.deid.surrogates import surrogate, tag
from osler.privacy.deid.vocab import WEEKDAYS
from osler.privacy.keys import DeidKey

if TYPE_CHECKING:
    from osler.privacy.deid.tagger import PhiTagger

__all__ = ["DeidentifiedText", "PROFILES", "deidentify_notes", "deidentify_text",
           "identifier_mentions", "replace_phi"]

PROFILES = ("surrogate", "tag")


@dataclass(frozen=True)
class DeidentifiedText:
    """The de-identified text and the PHI found, with offsets into the ORIGINAL text."""

    text: str
    phi: tuple[PhiSpan, ...] = field(default_factory=tuple)


def deidentify_text(text: str, key: DeidKey, *, patient: str | None = None,
                    profile: str = "surrogate", tagger: PhiTagger | str | Path | None = "bundled",
                    known: Mapping[str, str] | None = None,
                    identifiers: Sequence[str] = ()) -> DeidentifiedText:
    """Replace every PHI span of ``text``.

    Parameters
    ----------
    text : str
        A clinical note.
    key : DeidKey
        The de-identification key; the same key gives the same surrogates and date shift in
        notes, FHIR and DICOM.
    patient : str, optional
        The patient's source id: dates move by this patient's offset.
    profile : {'surrogate', 'tag'}
        Realistic stand-ins of the same type, or ``[TYPE]`` tags.
    tagger : PhiTagger, path, 'bundled' or None
        The learned tagger used with the rules (see :func:`detect_phi`); ``None``: rules only.
    known : mapping, optional
        Words known to be this patient's PHI (see :func:`detect_phi`).
    identifiers : sequence of str, optional
        Identifiers known to be the patient's (MRN, FHIR ``Patient.identifier`` values, DICOM
        ``PatientID``): every mention is PHI of type ID, as in :func:`deidentify_notes`.

    Examples
    --------
    >>> from osler.privacy.keys import DeidKey
    >>> deidentify_text("Seen by Dr. Osler.", DeidKey(b"k" * 32), profile="tag").text
    'Seen by Dr. [NAME].'
    """
    _check_profile(profile)
    spans = detect_phi(text, tagger=tagger, known=known)
    if identifiers:
        spans = merge_spans([*spans, *identifier_mentions(text, identifiers)])
    return replace_phi(text, spans, key, patient=patient, profile=profile,
                       scope_of=clinician_scope(clinician_words([text]), patient))


def deidentify_notes(texts: Sequence[str], key: DeidKey, *, patient: str | None = None,
                     profile: str = "surrogate",
                     tagger: PhiTagger | str | Path | None = "bundled",
                     identifiers: Sequence[str] = ()) -> list[DeidentifiedText]:
    """Replace every PHI span of the notes of ONE patient, found together.

    A name or place found in one note is replaced at every mention in all of them (see
    :func:`~osler.privacy.deid.patient.detect_phi_notes`). Names get stand-ins scoped by
    ``patient``, except a name whose every word the notes write as a clinician's ("Dr. Hestia
    Brackenridge", "H. Brackenridge, MD"), which gets the key's alone, as FHIR de-id gives a
    Practitioner's name (:mod:`~osler.privacy.deid.clinicians`); otherwise as
    :func:`deidentify_text`, note by note, in the order given. Memory: the notes and their
    spans.

    Parameters
    ----------
    texts : sequence of str
        The patient's notes.
    key : DeidKey
        The de-identification key (surrogates and date shift, as for one note).
    patient : str, optional
        The patient's source id: dates move by this patient's offset.
    profile : {'surrogate', 'tag'}
        Realistic stand-ins of the same type, or ``[TYPE]`` tags.
    tagger : PhiTagger, path, 'bundled' or None
        The learned tagger used with the rules; ``None``: rules only.
    identifiers : sequence of str
        Identifiers known to be the patient's (the MRN its notes are keyed by): every mention
        is PHI of type ID, whatever its shape. Ones shorter than 4 characters are not looked
        for ("p1" would match inside "K p1 ..."; "1" inside "3.1").

    Returns
    -------
    list of DeidentifiedText
        One per note, in order, with offsets into that note's original text.

    Examples
    --------
    >>> from osler.privacy.keys import DeidKey
    >>> notes = ["Seen by Dr. Quimby today.", "Quimby aware of K 3.1."]
    >>> [d.text for d in deidentify_notes(notes, DeidKey(b"k" * 32), profile="tag",
    ...                                   tagger=None)]
    ['Seen by Dr. [NAME] today.', '[NAME] aware of K 3.1.']
    """
    _check_profile(profile)
    found = detect_phi_notes(texts, tagger=tagger)
    if identifiers:
        found = [merge_spans([*spans, *identifier_mentions(text, identifiers)])
                 for text, spans in zip(texts, found)]
    # a name the notes write as a clinician's ("Dr. Hestia Brackenridge") has the key's
    # stand-in alone, as FHIR gives a Practitioner's name (:mod:`.clinicians`)
    scope_of = clinician_scope(clinician_words(texts), patient)
    return [replace_phi(text, spans, key, patient=patient, profile=profile, scope_of=scope_of)
            for text, spans in zip(texts, found)]


def clinician_scope(staff: frozenset[str], patient: str | None
                    ) -> Callable[[PhiSpan, str], str | None] | None:
    """The ``scope_of`` of :func:`replace_phi` that gives a name all of whose words are in
    ``staff`` (a clinician's) the key's stand-in alone, and any other span ``patient``'s;
    None (every span ``patient``'s) when ``staff`` is empty."""
    if not staff:
        return None
    return lambda span, value: (name_scope(value, staff, patient) if span.type == "NAME"
                                else patient)


_MIN_IDENTIFIER = 4


def identifier_mentions(text: str, identifiers: Sequence[str]) -> list[PhiSpan]:
    """Spans (type ID) of each mention of one of ``identifiers`` in ``text``, in any case,
    not inside a longer word or number; identifiers shorter than 4 characters are skipped.

    >>> identifier_mentions("MRN mrn-7731; not XMRN-77310.", ["MRN-7731"])
    [PhiSpan(start=4, end=12, type='ID')]
    """
    low = lower_keeping_length(text)
    spans = []
    for ident in {lower_keeping_length(i.strip()) for i in identifiers
                  if len(i.strip()) >= _MIN_IDENTIFIER}:
        start = low.find(ident)
        while start >= 0:
            end = start + len(ident)
            if not (start and low[start - 1].isalnum()) and not (end < len(low)
                                                                  and low[end].isalnum()):
                spans.append(PhiSpan(start, end, "ID"))
            start = low.find(ident, start + 1)
    return spans


def _note_years(text: str, spans: list[PhiSpan]) -> list[tuple[int, int]]:
    """(offset, year) of each full date (day, month, year) among the DATE ``spans``."""
    found = []
    for span in spans:
        if span.type == "DATE":
            year = date_text_year(text[span.start:span.end])
            if year is not None:
                found.append((span.start, year))
    return found


def _year_near(years: list[tuple[int, int]], start: int) -> int | None:
    """The year of the nearest full date before ``start``, else of the first after it: the
    year a date written without one ("On 3/5 ...") is read in."""
    before = [y for pos, y in years if pos < start]
    if before:
        return before[-1]
    return years[0][1] if years else None


_WEEKDAYS = WEEKDAYS
# A weekday written right before a date ("Wednesday, March 3, 2021", "Wed 3/3/2021")
_WEEKDAY_BEFORE = re.compile(r"\b(?P<day>(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|wed|"
                             r"thu(?:rs?)?|fri|sat|sun)(?P<sep>\.?,?[ \t]+)$", re.I)


def _with_weekday(plain: str, new: str) -> str:
    """``plain`` (the text before a date replaced by ``new``) with the weekday that ends it
    made ``new``'s: a real date's weekday left beside the shifted one would contradict it
    and narrow the real date down ("Wednesday, March 3, 2021" -> "Monday, February 8, 2021")."""
    m = _WEEKDAY_BEFORE.search(plain)
    day = date_of_text(new) if m else None
    if day is None:
        return plain
    name = _WEEKDAYS[day.weekday()]
    name = name if m["day"].lower().endswith("day") else name[:3]
    word = m["day"]
    name = (name.upper() if word.isupper() and len(word) > 1
            else name.capitalize() if word[:1].isupper() else name)
    return plain[:m.start("day")] + name + m["sep"]


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise DataError(f"The 'profile' parameter must be one of {set(PROFILES)}; got {profile!r}")


def replace_phi(text: str, spans: list[PhiSpan], key: DeidKey, *, patient: str | None = None,
                profile: str = "surrogate",
                scope_of: Callable[[PhiSpan, str], str | None] | None = None
                ) -> DeidentifiedText:
    """Replace the given non-overlapping ``spans`` of ``text`` (see :func:`deidentify_text`).

    ``scope_of``: the scope of a span's stand-in (given the span and its text), instead of
    ``patient``; FHIR de-id gives a practitioner's name one stand-in across every patient
    of a Bundle (None: no patient's)."""
    shift = key.date_shift(patient)
    years = _note_years(text, spans) if profile != "tag" else []
    parts, pos = [], 0
    for span in spans:
        parts.append(text[pos:span.start])
        value = text[span.start:span.end]
        new = (tag(span.type) if profile == "tag"
               else surrogate(key, span.type, value, shift,
                              scope=patient if scope_of is None else scope_of(span, value),
                              year=_year_near(years, span.start)))
        if span.type == "DATE" and profile != "tag":
            parts[-1] = _with_weekday(parts[-1], new)
        if span.type == "AGE" and profile != "tag" and text.startswith("+", span.end):
            # "90+" already says "or older" (this function's own output read again): the
            # age alone is the span, and its stand-in "90+" must not become "90++"
            new = new.replace("+", "", 1)
        parts.append(new)
        pos = span.end
    parts.append(text[pos:])
    return DeidentifiedText("".join(parts), tuple(spans))
