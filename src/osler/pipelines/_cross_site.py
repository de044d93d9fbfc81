"""Two FHIR servers' patients under one key: one person only when their demographics agree.

A ``Patient.id`` (or a local MRN) is unique on its own server only. Read with
``--fhir-server``, each server's patients carry it as their ``site``; a patient whose key is
already stored from another named server is stored with it (one person, e.g. by an enterprise
identifier) unless birth date or sex, where both are known, disagree: then they are two
people, and the newcomer is quarantined whole rather than merged into the other's timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from osler.errors import IngestError
from osler.record import PatientRecord
from osler.store import Store

__all__ = ["keep_sites_apart"]

_CHUNK = 500   # patients looked up in the store at once


def keep_sites_apart(records: Iterable[PatientRecord], store: Store,
                     report: Callable[[IngestError], None]) -> Iterator[PatientRecord]:
    """``records``, less those whose key is stored from another FHIR server for someone else
    (reported, never stored). Records without a site pass unchecked."""
    it = iter(records)
    while chunk := list(islice(it, _CHUNK)):
        stored = store.persons(r.patient_id for r in chunk if _from_fhir_server(r))
        for record in chunk:
            other = stored.get(record.patient_id)
            if other is not None and _two_people(record, other):
                report(IngestError(
                    f"another person from FHIR server {other['site']!r} is stored under this "
                    f"patient's key (birth date or sex differ); not merged, its "
                    f"{_events(len(record.events))} not stored. Key patients by an "
                    "identifier unique across servers (--patient-identifier)",
                    file=record.provenance.source, record=record.provenance.record))
                continue
            yield record


def _events(n: int) -> str:
    return "1 event is" if n == 1 else f"{n} events are"


def _from_fhir_server(record: PatientRecord) -> bool:
    return record.site is not None and (record.provenance.record or "").startswith("Patient/")


def _two_people(record: PatientRecord, stored: dict) -> bool:
    if (not _from_fhir_server(record) or stored["site"] in (None, record.site)
            or not str(stored.get("source_record") or "").startswith("Patient/")):
        return False   # same server (a correction), or not known to come from another one
    pairs = ((record.birth_date, stored["birth_date"]), (record.sex, stored["sex"]))
    return any(a is not None and b is not None and str(a) != str(b) for a, b in pairs)
