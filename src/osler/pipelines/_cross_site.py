"""Two FHIR servers' patients under one key: one person only when their demographics agree.

A ``Patient.id`` (or a local MRN) is unique on its own server only. Read with
``--fhir-server``, each server's patients carry its name (``fhir_server``); a patient whose key is
already stored from another named server is stored with it (one person, e.g. by an enterprise
identifier) unless birth date or sex, where both are known, disagree: then they are two
people, and the newcomer is quarantined whole rather than merged into the other's timeline.
A FHIR patient stored from a named server and read again without the name (or the reverse)
is quarantined too: its resources' event ids depend on the name, so it would be stored twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from osler.errors import IngestError
from osler.record import PatientRecord
from osler.store import Store

__all__ = ["keep_sites_apart"]

_CHUNK = 500   # patients looked up in the store at once
_ADVICE = "Key patients by an identifier unique across servers (--patient-identifier)"


def keep_sites_apart(records: Iterable[PatientRecord], store: Store,
                     report: Callable[[IngestError], None]) -> Iterator[PatientRecord]:
    """``records``, less the FHIR patients whose key is stored from another FHIR server for
    someone else, or from the same source under another naming (reported, never stored)."""
    it = iter(records)
    while chunk := list(islice(it, _CHUNK)):
        stored = store.persons(r.patient_id for r in chunk if _fhir_patient(r.provenance.record))
        for record in chunk:
            other = stored.get(record.patient_id)
            problem = _conflict(record, other) if other is not None else None
            if problem is not None:
                events = len(record.events)
                report(IngestError(f"{problem}; not merged, its "
                                   f"{'1 event is' if events == 1 else f'{events} events are'} "
                                   "not stored", file=record.provenance.source,
                                   record=record.provenance.record))
                continue
            yield record


def _fhir_patient(source_record: object) -> bool:
    return isinstance(source_record, str) and source_record.startswith("Patient/")


def _conflict(record: PatientRecord, stored: dict) -> str | None:
    """Why ``record`` may not join the stored person row of its key, or None."""
    if not (_fhir_patient(record.provenance.record) and _fhir_patient(stored["source_record"])):
        return None
    theirs, ours = stored["fhir_server"], record.fhir_server
    if theirs == ours:
        return None                  # the same server again: a re-read or a correction
    if ours is None:
        return (f"this patient is stored from FHIR server {theirs!r}; read without "
                "--fhir-server, its resources would be stored a second time under other ids. "
                f"Read that server's exports with --fhir-server {theirs}")
    if theirs is None:
        return (f"this patient is stored from a FHIR read without --fhir-server; read as "
                f"server {ours!r}, its resources would be stored a second time under other "
                "ids. Give each server one name at every read, or read it into a fresh store")
    pairs = ((record.birth_date, stored["birth_date"]), (record.sex, stored["sex"]))
    if any(a is not None and b is not None and str(a) != str(b) for a, b in pairs):
        return (f"another person from FHIR server {theirs!r} is stored under this patient's "
                f"key (birth date or sex differ). {_ADVICE}")
    return None
