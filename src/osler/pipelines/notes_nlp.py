"""Concepts of stored notes into the stored timeline: the job behind ``osler nlp annotate``.

Each patient's notes are read from the store, run through the concept extractor and their
coded mentions written back as events (a negated finding as a refuted Condition, a past or
stopped drug as a completed statement with no time, never as one taken at the note's time; see
:mod:`osler.nlp.timeline`). A note whose status
withdraws it (entered in error, superseded) is not read, and is counted. A patient's NLP events are
replaced whole on every run, in one transaction with the write, so that re-running after a
rule change, or after a note was removed, leaves no mention the notes no longer give. Only rows
that NLP made are removed: their ids are re-made from their source record and checked.

:func:`concept_feature_table` reads the stored NLP events back as model features
(:func:`osler.nlp.timeline.concept_features`, one row per patient at a prediction time): the job
behind ``osler nlp features``. No built-in task reads it (they read PhysioNet and UCI files);
it is the store-based feature matrix a task of one's own joins to its other features.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from osler.nlp.timeline import (NLP_SOURCE, concept_features, derived_by_nlp, note_events,
                                readable_notes)
from osler.record import Note, PatientRecord
from osler.store.rows import KIND_TABLES

__all__ = ["AnnotateReport", "annotate_store", "concept_feature_table"]

#: The tables of the kinds :func:`osler.nlp.timeline.mention_events` makes.
_DERIVED_TABLES = tuple(t for kind in ("condition", "medication", "procedure")
                        for t in KIND_TABLES[kind])


@dataclass
class AnnotateReport:
    """What a run read and wrote."""

    patients: int = 0
    notes: int = 0
    events: Counter[str] = field(default_factory=Counter)
    removed: int = 0                                    # NLP events the notes no longer give
    withdrawn: int = 0      # notes not read: entered in error, superseded, a cancelled report
    missing: list[str] = field(default_factory=list)   # asked-for ids not in the store


def annotate_store(store, patient_ids: Iterable[str] | None = None, *, extractor=None,
                   batch: int = 50) -> AnnotateReport:
    """Extract the concepts of every stored note (or of ``patient_ids``' notes) and store
    them as events of their patients' timelines; return what was done. Without
    ``patient_ids``, patients whose notes are gone but whose NLP events remain are visited
    too."""
    if extractor is None:
        from osler.nlp.concepts import ConceptExtractor

        extractor = ConceptExtractor()
    derived = _derived_rows(store, None if patient_ids is None else list(patient_ids))
    wanted = (list(patient_ids) if patient_ids is not None
              else sorted(set(_patients_with_notes(store)) | set(derived)))
    report = AnnotateReport()
    pending: list[tuple[PatientRecord, set[str]]] = []
    for pid in wanted:
        record = store.patient(pid)
        if record is None:
            report.missing.append(pid)
            continue
        notes = [e for e in record.events if isinstance(e, Note) and e.text]
        readable = readable_notes(notes)
        events = note_events(readable, extractor)
        report.patients += 1
        report.notes += len(readable)
        report.withdrawn += len(notes) - len(readable)
        report.events.update(getattr(e.kind, "value", e.kind) for e in events)
        stale = derived.get(pid, set()) - {e.id for e in events}
        report.removed += len(stale)
        pending.append((PatientRecord(patient_id=pid, provenance=record.provenance,
                                      events=tuple(events)), stale))
        if len(pending) >= batch:
            _flush(store, pending)
            pending = []
    _flush(store, pending)
    return report


def _flush(store, pending: list[tuple[PatientRecord, set[str]]]) -> None:
    if pending:
        store.write_replacing([r for r, _ in pending],
                              [i for _, stale in pending for i in stale])


def _derived_rows(store, patient_ids: list[str] | None) -> dict[str, set[str]]:
    """Ids of the stored rows NLP made, by patient (all patients, or ``patient_ids``)."""
    out: dict[str, set[str]] = {}
    where = "source_record LIKE ?" + ("" if patient_ids is None else " AND person_id = ANY(?)")
    params = (NLP_SOURCE + ":%",) + (() if patient_ids is None else (patient_ids,))
    for table in _DERIVED_TABLES:
        for row in store.query(f"SELECT event_id, person_id, source_record, code FROM {table} "
                               f"WHERE {where}", params):
            if derived_by_nlp(row["event_id"], row["source_record"], row["code"]):
                out.setdefault(row["person_id"], set()).add(row["event_id"])
    return out


def _patients_with_notes(store) -> list[str]:
    return [r["person_id"] for r in store.query(
        "SELECT DISTINCT person_id FROM note WHERE note_text IS NOT NULL AND note_text <> '' "
        "ORDER BY person_id")]


def concept_feature_table(store, at: datetime | Mapping[str, datetime],
                          patient_ids: Iterable[str] | None = None,
                          missing: list[str] | None = None, **windows
                          ) -> tuple[list[str], list[dict[str, object]]]:
    """The concept features of stored patients at a prediction time: column names
    (``patient_id``, then ``nlp:<code>:<days>d`` sorted) and one row per patient, 0 where a
    patient has no such mention. Only NLP events known at or before the patient's time are
    read (:meth:`PatientRecord.known_at`), so the table is leakage-safe. A patient not in the
    store gets no row (a row of zeros would say it has no concept) and is appended to
    ``missing`` when given.

    Parameters
    ----------
    at : datetime or mapping
        One time for every patient, or each patient's own (patient id -> time; its keys are
        the patients when ``patient_ids`` is not given).
    patient_ids : iterable of str, optional
        The patients; by default every patient with NLP events (``osler nlp annotate``).
    windows
        Passed to :func:`osler.nlp.timeline.concept_features` (``windows=``).
    """
    if patient_ids is None:
        patient_ids = sorted(at) if isinstance(at, Mapping) else sorted(_derived_rows(store, None))
    rows: list[dict[str, object]] = []
    for pid in patient_ids:
        when = at[pid] if isinstance(at, Mapping) else at
        record = store.patient(pid)
        if record is None:
            if missing is not None:
                missing.append(pid)
            continue
        events = list(record.known_at(time=when))
        rows.append({"patient_id": pid, **concept_features(events, at=when, **windows)})
    names = sorted({k for r in rows for k in r} - {"patient_id"})
    return ["patient_id", *names], [{n: r.get(n, 0) for n in ["patient_id", *names]}
                                    for r in rows]
