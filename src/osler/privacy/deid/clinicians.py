"""Whose name is a clinician's: its stand-in is then the key's alone, in every modality.

A patient's or relative's name gets stand-ins scoped by the patient (two patients named Smith
get different ones, so a stand-in's frequency does not betray a common name). A clinician is
no patient's: FHIR de-id gives a Practitioner's name, and every mention of it in the record's
text, stand-ins keyed by the name's words and the key alone
(:func:`~osler.privacy.deid.surrogates.surrogate_name` with no scope). Notes have no
Practitioner resource; what tells a clinician there is how the note writes the name: after
"Dr." ("Dr. Hestia Brackenridge"), before a degree ("Hestia Brackenridge, MD"), after a
clinical role ("Attending: Hestia Brackenridge", "Electronically signed by ..."). Such words
get the same key-only stand-ins in ``deid text`` as in ``deid fhir``, so the same clinician
reads the same in a patient's de-identified notes and FHIR. Words a note also writes as a
patient's or relative's ("Mr. Brackenridge", "daughter Hestia") stay that patient's.

A name's stand-in is the key's alone only when every word of it is a clinician's
(:func:`name_scope`), as FHIR decides: "Hestia Brackenridge" with only "Brackenridge" known to
be a clinician's stays the patient's. Stand-ins stay keyed HMAC-SHA256 either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from osler.privacy.deid.visible import visible

__all__ = ["NAME_WORD", "clinician_words", "name_scope", "name_words_of"]

#: A word of a person's name ("O'Brien-Smith" is one): how FHIR de-id reads a HumanName, DICOM
#: de-id a person name's components, and :func:`name_words_of` a name.
NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]+")
# A capitalised name word, then up to two more (an initial may sit between them).
_WORD = r"[A-Z][A-Za-z'’-]+"
_NAMES = rf"{_WORD}(?:[ \t]+(?:[A-Z]\.?[ \t]+)?{_WORD}){{0,2}}"
_DEGREES = (r"M\.?D|N\.?P|PA-C|R\.?N|MBBS|MBChB|DNP|FNP|APRN|CRNA|CNM|MRCP|FRCP|"
            r"FRCS|PharmD")
_ROLES = (r"attending(?:[ \t]+(?:physician|surgeon))?|resident|fellow|intern|pcp|surgeon|"
          r"anesthesiologist|radiologist|pathologist|hospitalist|physician|provider|"
          r"(?:referring|ordering|admitting|consulting|covering|primary[ \t]+care)"
          r"(?:[ \t]+(?:physician|provider|md|doctor|clinician))?|"
          r"(?:electronically[ \t]+)?(?:signed|cosigned|co-signed|dictated|authored)[ \t]+by")
_CLINICIAN = re.compile(
    rf"(?<![\w.])(?:Drs?|DR|Doctor|Prof)\.?[ \t]+(?P<title>{_NAMES})"
    rf"|(?P<degree>{_NAMES})[ \t]*,?[ \t]*(?:{_DEGREES})\b"
    rf"|(?<![\w.])(?i:{_ROLES})[ \t]*:?[ \t]*(?P<role>{_NAMES})")
_RELATIONS = (r"wife|husband|spouse|partner|son|daughter|dtr|mother|mom|father|dad|sister|"
              r"brother|aunt|uncle|niece|nephew|cousin|grandson|granddaughter|grandmother|"
              r"grandfather|friend|neighbou?r|guardian|proxy|hcp|caregiver|"
              r"patient|pt|client|(?:patient|pt)'?s?[ \t]+name|name")
_LAYPERSON = re.compile(
    rf"(?<![\w.])(?:Mr|Mrs|Ms|Miss|Mister|MR|MRS|MS)\.?[ \t]+(?P<title>{_NAMES})"
    rf"|(?<![\w.])(?i:{_RELATIONS})[ \t]*[:,]?[ \t]*(?P<role>{_NAMES})")


def name_words_of(name: str) -> list[str]:
    """Lower-case words of ``name`` as a reader sees it ("Jo\u200bhn O'Brien" -> john,
    o'brien)."""
    return [w.lower() for w in NAME_WORD.findall(visible(name))]


def _cued(pattern: re.Pattern[str], texts: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        for m in pattern.finditer(visible(text)):
            words.update(name_words_of(next(g for g in m.groups() if g)))
    return words


def clinician_words(texts: Iterable[str]) -> frozenset[str]:
    """Lower-case words of the names ``texts`` write as a clinician's, less any they also
    write as a patient's or relative's.

    >>> sorted(clinician_words(["Seen by Dr. Hestia Brackenridge.", "Ulric Fenwick, MD"]))
    ['brackenridge', 'fenwick', 'hestia', 'ulric']
    >>> sorted(clinician_words(["Dr. Quimby saw Mr. Quimby and Dr. Ott."]))
    ['ott']
    """
    texts = list(texts)
    return frozenset(_cued(_CLINICIAN, texts) - _cued(_LAYPERSON, texts))


def name_scope(name: str, staff: frozenset[str] | set[str], patient: str | None) -> str | None:
    """The scope of ``name``'s stand-in: None (the key's alone, the same for every patient)
    when every word of it is one of ``staff`` (a clinician's), else ``patient``.

    >>> name_scope("Dr. Hestia Brackenridge", {"dr", "hestia", "brackenridge"}, "p1") is None
    True
    >>> name_scope("Hestia Brackenridge", {"brackenridge"}, "p1")
    'p1'
    """
    words = name_words_of(name)
    return None if words and all(w in staff for w in words) else patient
