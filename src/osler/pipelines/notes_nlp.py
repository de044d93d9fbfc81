"""Concepts of stored notes into the stored timeline: the job behind ``osler nlp annotate``.

Each patient's notes are read from the store, run through the concept extractor and their
coded mentions written back as events (a negated finding as a refuted Condition, a stopped
drug never as a medication taken; see :mod:`osler.nlp.timeline`). A patient's NLP events are
replaced whole on every run, in one transaction with the write, so that re-running after a
rule change leaves no mention the new rules no longer find.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from osler.nlp.timeline import NLP_SOURCE, mention_events
from osler.record import Note, PatientRecord

__all__ = ["AnnotateReport", "annotate_store"]


@dataclass
class AnnotateReport:
    """What a run read and wrote."""

    patients: int = 0
    notes: int = 0
    events: Counter[str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)   # asked-for ids not in the store


def annotate_store(store, patient_ids: Iterable[str] | None = None, *, extractor=None,
                   batch: int = 50) -> AnnotateReport:
    """Extract the concepts of every stored note (or of ``patient_ids``' notes) and store
    them as events of their patients' timelines; return what was done."""
    if extractor is None:
        from osler.nlp.concepts import ConceptExtractor

        extractor = ConceptExtractor()
    wanted = list(patient_ids) if patient_ids is not None else _patients_with_notes(store)
    report = AnnotateReport()
    pending: list[PatientRecord] = []
    for pid in wanted:
        record = store.patient(pid)
        if record is None:
            report.missing.append(pid)
            continue
        notes = [e for e in record.events if isinstance(e, Note) and e.text]
        found = extractor.extract_many(n.text for n in notes)
        events = [ev for note, mentions in zip(notes, found)
                  for ev in mention_events(note, mentions)]
        report.patients += 1
        report.notes += len(notes)
        report.events.update(getattr(e.kind, "value", e.kind) for e in events)
        pending.append(PatientRecord(patient_id=pid, provenance=record.provenance,
                                     events=tuple(events)))
        if len(pending) >= batch:
            store.replace_derived(pending, NLP_SOURCE + ":")
            pending = []
    if pending:
        store.replace_derived(pending, NLP_SOURCE + ":")
    return report


def _patients_with_notes(store) -> list[str]:
    return [r["person_id"] for r in store.query(
        "SELECT DISTINCT person_id FROM note WHERE note_text IS NOT NULL AND note_text <> '' "
        "ORDER BY person_id")]
