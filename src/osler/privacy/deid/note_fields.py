"""A note's fields beside its text, de-identified as its patient's FHIR and DICOM are.

``osler deid text`` writes, next to the de-identified text, the fields that let the note join
the rest of its patient's de-identified record under the same key:

- ``patient``: the keyed pseudonym ``osler deid fhir`` gives ``Patient.id`` (or, keyed by
  ``--patient-identifier``, the MRN) and ``osler deid dicom`` gives ``PatientID``;
- ``time``: moved by the patient's date shift, as its FHIR dates and DICOM dates move;
- ``encounter``: the pseudonym ``osler deid fhir`` gives the Encounter's id;
- ``type`` and ``author_role``: kept, as they name a kind of note and of author, not a person.

A note with a time but no patient has no offset shared with anything else: its time is
dropped (:data:`TIME_WITHOUT_PATIENT`), as is a time that is not a date (:data:`NOT_A_TIME`).
Any other field of the input line is left out: it was not checked for PHI.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from osler.privacy.deid.detect import detect_phi
from osler.privacy.deid.text import replace_phi
from osler.privacy.keys import DeidKey

__all__ = ["KEPT_FIELDS", "NOT_A_TIME", "TIME_WITHOUT_PATIENT", "deidentify_note_fields",
           "encounter_pseudonym", "note_id_pseudonym", "shift_time"]

#: Fields kept: kinds of note and of author, not identifiers (checked for PHI all the same).
KEPT_FIELDS = ("type", "author_role")

#: Why a note's time was dropped (summary reasons; they hold no value).
TIME_WITHOUT_PATIENT = "notes with a 'time' but no 'patient': their time was dropped, as no " \
                       "date shift is shared with the rest of a patient's record"
NOT_A_TIME = "notes whose 'time' is not an ISO 8601 date or date-time: their time was dropped"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shift_time(value: Any, shift: timedelta) -> str | None:
    """An ISO 8601 date or date-time moved by ``shift``, at its own precision and in its own
    time zone (``Z`` stays ``Z``); None when it is not one.

    Examples
    --------
    >>> from datetime import timedelta
    >>> shift_time("2020-01-02T10:00:00Z", timedelta(days=-3))
    '2019-12-30T10:00:00Z'
    >>> shift_time("2020-01-02", timedelta(days=-3)), shift_time("soon", timedelta(days=-3))
    ('2019-12-30', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _DATE.match(text):
            return (date.fromisoformat(text) + shift).isoformat()
        if len(text) <= 10:   # fromisoformat reads "2020" and "20200102" too: not note times
            return None
        moved = (datetime.fromisoformat(text.replace("Z", "+00:00")) + shift).isoformat()
    except (ValueError, OverflowError):
        return None
    return moved.removesuffix("+00:00") + "Z" if text.endswith("Z") else moved


def encounter_pseudonym(key: DeidKey, encounter: str | int) -> str:
    """The pseudonym ``osler deid fhir`` gives the Encounter ``encounter`` (its id, or a
    ``Encounter/<id>`` reference) under ``key``."""
    rid = str(encounter).strip().removeprefix("Encounter/")
    return key.pseudonym(f"Encounter/{rid}", "fhir-id")


def note_id_pseudonym(key: DeidKey, note_id: str | int) -> str:
    """A keyed pseudonym of a note's id (its own namespace: it matches no other id)."""
    return key.pseudonym(str(note_id), "note-id")


def deidentify_note_fields(note: dict[str, Any], key: DeidKey, patient: str | None
                           ) -> tuple[dict[str, Any], str | None]:
    """The de-identified ``patient``, ``time``, ``encounter``, ``type`` and ``author_role``
    of the note line ``note`` whose patient is ``patient`` (its source id, or None), and the
    reason its time was dropped (:data:`TIME_WITHOUT_PATIENT`, :data:`NOT_A_TIME`) or None.

    Examples
    --------
    >>> key = DeidKey(b"k" * 32)
    >>> fields, dropped = deidentify_note_fields(
    ...     {"time": "2020-01-02T10:00:00Z", "type": "progress"}, key, "p1")
    >>> fields["patient"] == key.pseudonym("p1"), fields["type"], dropped
    (True, 'progress', None)
    >>> deidentify_note_fields({"time": "2020-01-02T10:00:00Z"}, key, None)[1] is not None
    True
    """
    out: dict[str, Any] = {}
    if patient is not None:
        out["patient"] = key.pseudonym(patient, "patient")
    dropped = None
    if note.get("time") not in (None, ""):
        moved = None if patient is None else shift_time(note["time"], key.date_shift(patient))
        if moved is not None:
            out["time"] = moved
        else:
            dropped = TIME_WITHOUT_PATIENT if patient is None else NOT_A_TIME
    encounter = note.get("encounter")
    if isinstance(encounter, (str, int)) and not isinstance(encounter, bool) \
            and str(encounter).strip():
        out["encounter"] = encounter_pseudonym(key, encounter)
    for name in KEPT_FIELDS:
        if isinstance(note.get(name), str):
            out[name] = _checked(note[name], key, patient)
    return out, dropped


def _checked(value: str, key: DeidKey, patient: str | None) -> str:
    """A kind of note or author as written, unless it names someone or something PHI ("Dr
    Quimby's note"): then with that part tagged, as text de-identification tags it."""
    spans = detect_phi(value, tagger=None)
    return replace_phi(value, spans, key, patient=patient, profile="tag").text if spans else value
