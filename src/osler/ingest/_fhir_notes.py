"""One note written twice in one FHIR source: a DiagnosticReport's ``presentedForm`` and a
DocumentReference holding the same text.

US Core exposes clinical notes both ways, and Synthea writes every note of an encounter as a
DiagnosticReport (status ``final``, ``presentedForm``) and a DocumentReference (the same
attachment; status ``current`` for the patient's last note, ``superseded`` for the others).
Stored as two notes, each concept of the note ("Cough x2 days") was counted twice on the
timeline. A pair is one note when the two resources belong to the same patient and
encounter, at the same time, with the same text; one of them is stored (:func:`merge_pairs`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from osler.record import Event, Note

__all__ = ["merge_pairs"]

_REPORT = "DiagnosticReport/"
_DOCUMENT = "DocumentReference/"

_Key = tuple[str | None, datetime | None, str]


def _key(note: Note) -> _Key:
    return note.encounter_id, note.time, note.text


def _from(event: Event, prefix: str) -> Note | None:
    """``event`` if it is a note with text read from a resource of this type, else None."""
    ok = isinstance(event, Note) and event.text and \
        (event.provenance.record or "").startswith(prefix)
    return event if ok else None   # type: ignore[return-value]


def _kept(document: Note, report: Note) -> Note:
    """The note of a pair that is stored. The DocumentReference (the clinical-notes
    resource, with author and description), unless the pair's statuses say otherwise:
    a side entered in error makes the text one entered in error; a superseded
    DocumentReference whose text a report still presents as standing (Synthea's
    ``superseded`` reference beside its ``final`` report) is that report's note, so
    the text is not dropped as replaced when nothing replaced it."""
    if document.status == "entered-in-error" or report.status == "entered-in-error":
        return document if document.status == "entered-in-error" else report
    if document.status == "superseded" and not report.withdrawn:
        return report
    return document


def merge_pairs(events: list[Event], on_merged: Callable[[Note], None] | None = None
                ) -> list[Event]:
    """``events`` (one patient's, from one source) with each DiagnosticReport note whose
    encounter, time and text are those of a DocumentReference note stored once: one of the
    two is kept (:func:`_kept`) and ``on_merged`` is called with the other. Reports and
    documents with no twin, and a second report of one text, stay as they are."""
    documents: dict[_Key, Note] = {}
    for e in events:
        doc = _from(e, _DOCUMENT)
        if doc is not None:
            documents.setdefault(_key(doc), doc)
    dropped: set[str] = set()
    for e in events:
        report = _from(e, _REPORT) if documents else None
        twin = documents.pop(_key(report), None) if report is not None else None
        if twin is None:
            continue
        other = report if _kept(twin, report) is twin else twin
        dropped.add(other.id)
        if on_merged is not None:
            on_merged(other)
    return [e for e in events if e.id not in dropped] if dropped else events
