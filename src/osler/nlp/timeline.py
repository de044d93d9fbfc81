"""Concept mentions into the patient timeline, and mention counts as model features.

A negated finding becomes a Condition with verification ``refuted`` (FHIR
verificationStatus), never a present one; a possible one is ``provisional``. A finding told as
resolved ("pneumonia resolved with antibiotics") is negated for NegEx, but the patient had it:
it is ``confirmed`` with clinical status ``resolved``. A finding told as
history keeps an unknown clinical status (it is not thereby resolved) and the category
``note-mention-history``; others are ``note-mention``. Mentions about
someone else or about a hypothetical future are not events of this patient's timeline, nor is
a drug named as an allergy.

Medications and procedures follow FHIR MedicationStatement and Procedure:

=====================  ==========================================  ===========================
mention                medication (``action="statement"``)          procedure
=====================  ==========================================  ===========================
affirmed, recent       no status (taken), at the note's time        ``completed``, at the note's
                                                                    time
affirmed, historical   status ``completed`` (no longer taken),      ``completed``, no performed
                       no effective time                            time
negated                not stored ("not on warfarin")               ``not-done`` (no time when
                                                                    historical)
possible               not stored                                   ``unknown``
hypothetical           not stored (planned, ordered, recommended:   not stored (a planned
                       a request, not a statement)                  procedure is no Procedure)
=====================  ==========================================  ===========================

A history mention ("s/p CABG in 2010", "previously on warfarin") tells that it happened, not
when: it has no ``time`` (FHIR ``effective[x]`` / ``performed[x]`` unknown) and is known when
the note was (``known_time``, FHIR ``dateAsserted``), so that it is never an event at the note's
time; :func:`concept_features` counts it, as every mention, by when its note was known.
Every event is known when its note was written, so features stay leakage-safe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from osler.nlp.concepts import Mention
from osler.record import Condition, Event, Medication, Note, Procedure, Provenance, event_id

__all__ = ["NLP_SOURCE", "annotate_record", "concept_features", "derived_by_nlp",
           "mention_events", "note_events", "readable_notes"]

#: ``Provenance.record`` prefix of events derived from notes by NLP.
NLP_SOURCE = "nlp"
_VERIFICATION = {"Affirmed": "confirmed", "Negated": "refuted", "Possible": "provisional"}


def _mention_id(note_id: str, start: int, end: int, code: str | None) -> str:
    """The id of the event a mention becomes (remade by :func:`derived_by_nlp`)."""
    return event_id("nlp", note_id, start, end, code)


def _provenance(note: Note, mention: Mention) -> Provenance:
    return Provenance(note.provenance.source, f"{NLP_SOURCE}:{note.id}:{mention.start}-"
                                              f"{mention.end}", note.provenance.line)


def mention_events(note: Note, mentions: Iterable[Mention]) -> list[Event]:
    """Coded events for the mentions of one note (uncoded mentions are skipped)."""
    events: list[Event] = []
    for m in mentions:
        a = m.assertion
        if m.coding is None or a.experiencer != "Patient" or a.temporality == "Hypothetical":
            continue
        history = a.temporality == "Historical"
        common = dict(id=_mention_id(note.id, m.start, m.end, m.coding.code),
                      coding=m.coding, provenance=_provenance(note, m), time=note.time,
                      known_time=note.available_time, offset=note.offset,
                      known_offset=note.available_offset, encounter_id=note.encounter_id)
        # told as past, a drug or procedure is of an unknown time before the note: not dated
        # at the note's time, known when the note was
        dated = {**common, "time": None, "offset": None} if history else common
        if m.category in ("problem", "symptom", "finding"):
            # A history is not a resolution: "History: hypertension" is still hypertension.
            # Its clinical status is unknown; the category says the note told it as history.
            # A resolution is no refutation: "AKI (resolved)" says the patient had it.
            events.append(Condition(**common, verification="confirmed" if m.resolved
                                    else _VERIFICATION[a.negation],
                                    clinical_status="resolved" if m.resolved else None,
                                    category="note-mention-history"
                                    if a.temporality == "Historical" else "note-mention"))
        elif m.category == "medication" and a.negation == "Affirmed" and not m.allergen:
            events.append(Medication(**dated, action="statement",
                                     status="completed" if history else None))
        elif m.category == "procedure":
            events.append(Procedure(**dated, status="not-done" if a.negation == "Negated"
                                    else "completed" if a.negation == "Affirmed" else "unknown"))
    return events


def concept_features(events: Iterable[Event], *, at: datetime,
                     windows: Iterable[timedelta] = (timedelta(days=1), timedelta(days=30),
                                                     timedelta(days=365))) -> dict[str, int]:
    """Affirmed NLP mentions by concept and time window, known at or before ``at``.

    Keys are ``nlp:<code>:<days>d``. Refuted and provisional mentions never count as present;
    a condition told as resolved counts, as one told as history does: the patient had it.

    Examples
    --------
    >>> concept_features([], at=datetime(2020, 1, 1).astimezone())
    {}
    """
    windows = sorted(windows)
    counts: Counter[str] = Counter()
    for e in events:
        if not (e.provenance.record or "").startswith(NLP_SOURCE + ":") or e.coding is None:
            continue
        if isinstance(e, Condition) and e.verification != "confirmed":
            continue
        if isinstance(e, Procedure) and e.status != "completed":
            continue
        t = e.available_time
        if t is None or t > at:
            continue
        for w in windows:
            if at - t <= w:
                counts[f"nlp:{e.coding.code}:{w.days}d"] += 1
    return dict(sorted(counts.items()))


def readable_notes(notes: Iterable[Note]) -> list[Note]:
    """The notes whose words stand: with text, and not withdrawn (:attr:`Note.withdrawn`:
    entered in error, superseded, a cancelled report). "Assessment: pneumonia and sepsis."
    in a note entered in error is no pneumonia of the patient's."""
    return [n for n in notes if n.text and not n.withdrawn]


def note_events(notes: list[Note], extractor) -> list[Event]:
    """The coded events of the mentions that ``extractor`` finds in ``notes``; a withdrawn
    note gives none (:func:`readable_notes`)."""
    notes = readable_notes(notes)
    found = extractor.extract_many(n.text for n in notes)
    return [ev for note, mentions in zip(notes, found) for ev in mention_events(note, mentions)]


def derived_by_nlp(row_id: str, source_record: str | None, code: str | None) -> bool:
    """Whether a stored event row is one that :func:`mention_events` made: its source record
    names a note and a span, and its id is the one made from them (a source's own record that
    merely starts with ``nlp:`` is not)."""
    if not source_record or not source_record.startswith(NLP_SOURCE + ":"):
        return False
    head, _, span = source_record.rpartition(":")
    start, _, end = span.partition("-")
    if not (start.isdigit() and end.isdigit()):
        return False
    note_id = head[len(NLP_SOURCE) + 1:]
    return row_id == _mention_id(note_id, int(start), int(end), code)


def annotate_record(record, extractor) -> object:
    """``record`` with the coded events of all its notes appended (a new, frozen record).

    Parameters
    ----------
    record : PatientRecord
        A patient's record holding :class:`Note` events.
    extractor : ConceptExtractor
        The NLP pipeline to run over the notes.
    """
    events = note_events([e for e in record.events if isinstance(e, Note)], extractor)
    known = {e.id for e in record.events}
    return record.with_events(e for e in events if e.id not in known)
