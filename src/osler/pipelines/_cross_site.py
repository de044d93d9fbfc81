"""FHIR patients of several servers in one store: one person per key, stored once.

A ``Patient.id`` (or a local MRN) is unique on its own server only. Read with ``--fhir-server``,
each patient carries its server's name (``fhir_server``). A patient whose key is already stored
from another named server is the same person (an enterprise identifier) unless birth date or sex
disagree: then the newcomer is quarantined whole, with the notes and images of its key in the
same read (``ingest_paths`` reads FHIR sources first), rather than merged into the other's
timeline. A patient stored from a named server and read again without the name is quarantined
too: its resources' event ids depend on the name, so it would be stored twice. (A person row
without a server is not known to be unnamed: stores older than schema 3 hold none.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any

from osler.errors import IngestError
from osler.record import PatientRecord
from osler.store import Store

__all__ = ["keep_sites_apart"]

_CHUNK = 500   # patients looked up in the store at once
_SEXES = frozenset({"female", "male"})


def keep_sites_apart(records: Iterable[PatientRecord], store: Store,
                     report: Callable[[IngestError], None]) -> Iterator[PatientRecord]:
    """``records``, less the FHIR patients that would join another server's person or be
    stored twice, and the other records of their keys (reported, never stored)."""
    rejected: set[str] = set()
    it = iter(records)
    while chunk := list(islice(it, _CHUNK)):
        fhir = [r for r in chunk if _is_fhir(r.provenance.record)]
        rows = store.persons((r.patient_id for r in fhir), source_records=(
            r.provenance.record for r in fhir if r.fhir_server is None))
        by_key = {row["person_id"]: row for row in rows}
        by_source = {(row["source_file"], row["source_record"]): row for row in rows
                     if row["fhir_server"] is not None}
        for record in chunk:
            is_fhir = _is_fhir(record.provenance.record)
            if not is_fhir:
                problem = (None if record.patient_id not in rejected else
                           "the FHIR Patient of this record's patient key was quarantined in "
                           "this read")
            else:
                problem = _conflict(record, by_key.get(record.patient_id),
                                    by_source.get((record.provenance.source,
                                                   record.provenance.record)))
            if problem is None:
                yield record
                continue
            if is_fhir:
                rejected.add(record.patient_id)
            n = len(record.events)
            report(IngestError(f"{problem}; not stored, nor its "
                               f"{'1 event' if n == 1 else f'{n} events'}",
                               file=record.provenance.source, record=record.provenance.record))


def _is_fhir(source_record: object) -> bool:
    return isinstance(source_record, str) and source_record.startswith("Patient/")


def _conflict(record: PatientRecord, by_key: dict[str, Any] | None,
              by_source: dict[str, Any] | None) -> str | None:
    """Why a FHIR patient may not be stored, or None."""
    ours = record.fhir_server
    if ours is None:
        stored = by_key if by_key is not None and by_key["fhir_server"] else by_source
        if stored is not None and _is_fhir(stored["source_record"]):
            theirs = stored["fhir_server"]
            return (f"this patient is stored from FHIR server {theirs!r}; read without "
                    "--fhir-server its resources would be stored a second time under other "
                    f"ids. Read that server's exports with --fhir-server {theirs}")
        return None
    if by_key is None or not _is_fhir(by_key["source_record"]):
        return None
    theirs = by_key["fhir_server"]
    if theirs is None or theirs == ours:
        return None      # the same server again (a re-read, a correction), or not known
    if _other_person(record, by_key):
        return (f"another person from FHIR server {theirs!r} is stored under this patient's "
                "key (birth date or sex differ). Key patients by an identifier unique "
                "across servers (--patient-identifier)")
    return None


def _other_person(record: PatientRecord, stored: dict[str, Any]) -> bool:
    """Whether birth date or sex tell two people apart. A partial birth date ('1970-03', read
    as 1970-03-01) agrees with every day it may stand for; 'unknown' or 'other' agree with
    any sex."""
    sexes = {record.sex, stored["sex"]}
    if sexes <= _SEXES and len(sexes) == 2:
        return True
    born, theirs = record.birth_date, stored["birth_date"]
    if born is None or theirs is None:
        return False
    if isinstance(theirs, datetime):
        theirs = theirs.date()
    return not (_could_be(born, theirs) or _could_be(theirs, born))


def _could_be(short: date, full: date) -> bool:
    """Whether ``short`` may be ``full`` written to the month (day 1) or the year (1 January)."""
    if short == full:
        return True
    if short.year != full.year or short.day != 1:
        return False
    return short.month == full.month or short.month == 1
