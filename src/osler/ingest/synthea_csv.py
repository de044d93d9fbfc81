"""Synthea CSV export (v3.0.0; v2 column names are read too): one record per ``patients.csv`` row.

What becomes what
-----------------
- ``patients``: birth date, sex (``GENDER`` M/F), race, ethnicity, death (``DEATHDATE``).
  Names, addresses, SSN, driver's licence and passport numbers are PHI and are never read
  into the record.
- ``encounters`` -> :class:`~osler.record.Encounter` (SNOMED type; ``ENCOUNTERCLASS`` as the
  HL7 ActCode Synthea's FHIR exporter writes, e.g. wellness -> AMB; ``ORGANIZATION`` id as
  ``care_site``). ``conditions`` -> Condition (SNOMED; ``STOP`` is the abatement, so
  ``clinical_status`` is resolved, else active). ``allergies`` -> Condition with category
  ``allergy`` (code system from ``SYSTEM``). ``observations`` -> Observation (LOINC; numeric
  ``VALUE`` with ``UNITS`` as a Quantity, else ``value_text``; ``CATEGORY``).
  ``medications`` -> Medication(action='request', RxNorm); ``immunizations`` ->
  Medication(action='immunization', CVX); ``procedures`` -> Procedure (SNOMED);
  ``imaging_studies`` (one row per instance) -> one ImagingStudy per series.
- Not read, see :data:`SKIPPED_TABLES` for why each.

Times
-----
Date-times are UTC (Synthea writes ``Z``). Some columns are date-only (``BIRTHDATE``,
``DEATHDATE``, condition and allergy ``START``/``STOP``): ``birth_date`` is a ``date``; a
date-only event time is midnight UTC and has day precision only. Osler does not invent a time
of day, so features must not read an hour into such events.

Bad input
---------
Errors name file, record and line and go to ``on_error`` (raised without it). A patient whose
own ``patients.csv`` row is bad is rejected whole, with its events (covered by that one error).
A bad event row (no PATIENT, an unreadable date, a patient absent from ``patients.csv``) is
quarantined alone: the patient is still whole without it, as the source holds no other
version of that fact. A table whose header lacks a required column is rejected as a table.
Events may point at an encounter whose own row was quarantined; the id is kept as given.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from osler.errors import IngestError
from osler.ingest._synthea_export import PATIENT_COLUMNS, SyntheaExport, is_patients_header
from osler.ingest._synthea_rows import (EVENT_TABLES, TableSpec, optional_time, parse_date,
                                        parse_time)
from osler.record import Event, PatientRecord, Provenance, event_id

__all__ = ["SKIPPED_TABLES", "read_synthea_csv", "sniff_synthea_csv", "sniff_synthea_csv_dir"]

OnError = Callable[[IngestError], None] | None
_SOURCE = "synthea-csv"
_SEX = {"M": "male", "F": "female"}

#: Tables of the export that are read but not turned into events, and why.
SKIPPED_TABLES = {
    "careplans": "a plan of care, not something done or observed; the FHIR reader skips "
                 "CarePlan too",
    "devices": "a device in place (SNOMED physical object), not a procedure; Osler's record "
               "has no device event and mapping it to Procedure would mislabel it",
    "supplies": "consumables used at an encounter (gloves, respirators): no clinical signal",
    "claims": "billing, not clinical events", "claims_transactions": "billing, not clinical events",
    "payers": "insurers, not patient data", "payer_transitions": "insurance history, not clinical",
    "providers": "clinicians, not patient data", "organizations": "sites, not patient data",
}


def _report(err: IngestError, on_error: OnError) -> None:
    if on_error is None:
        raise err
    on_error(err)


def sniff_synthea_csv(path: Path, head: bytes) -> bool:
    """A ``patients.csv`` of a Synthea export, or a zip holding one, judged by its header."""
    if head.startswith(b"PK\x03\x04"):
        try:
            export = SyntheaExport(Path(path))
        except IngestError:
            return False
        try:
            return export.has("patients") and is_patients_header(
                ",".join(export.header("patients")))
        except (IngestError, OSError, UnicodeDecodeError):
            return False
        finally:
            export.close()
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    return is_patients_header(first.decode("utf-8", errors="replace"))


def sniff_synthea_csv_dir(path: Path) -> bool:
    """A directory holding a Synthea ``patients.csv`` (the registry's directory sniffer)."""
    patients = Path(path) / "patients.csv"
    if not patients.is_file():
        return False
    with patients.open("rb") as fh:
        return sniff_synthea_csv(patients, fh.read(4096))


def read_synthea_csv(source: Path, *, on_error: OnError = None) -> Iterator[PatientRecord]:
    """One :class:`PatientRecord` per patient of a Synthea CSV export (directory or zip).

    Parameters
    ----------
    source : Path
        The export directory, a zip of it, or its ``patients.csv``.
    on_error : callable, optional
        Called with each :class:`IngestError`; reading goes on. Without it, the first error
        is raised.

    Yields
    ------
    PatientRecord
        Whole patients, in ``patients.csv`` order, with their events table by table.
    """
    try:
        export = SyntheaExport(Path(source))
    except IngestError as err:
        _report(err, on_error)
        return
    try:
        if not export.has("patients"):
            _report(IngestError("the required table patients.csv is missing from the export",
                                file=export.name("patients")), on_error)
            return
        if _missing_columns(export, "patients", PATIENT_COLUMNS, on_error):
            return  # without its patients an export has no one to attach events to
        patients, rejected, complete = _read_patients(export, on_error)
        rows = _group_event_rows(export, patients, rejected if complete else None, on_error)
        for pid, (line, demographics) in patients.items():
            events = _events(export, pid, rows.pop(pid, []), on_error)
            yield PatientRecord(patient_id=pid, provenance=Provenance(
                export.name("patients"), pid, line), events=tuple(events), **demographics)
    finally:
        export.close()


def _missing_columns(export: SyntheaExport, table: str, needed: tuple[str, ...],
                     on_error: OnError) -> bool:
    missing = [c for c in needed if c not in export.header(table)]
    if missing:
        _report(IngestError(f"header must have the columns {list(needed)}; missing {missing}",
                            file=export.name(table), line=1), on_error)
    return bool(missing)


def _read_patients(export: SyntheaExport, on_error: OnError
                   ) -> tuple[dict[str, tuple[int, dict]], set[str], bool]:
    """``Id -> (line, demographics)`` of the patients whose own row reads, the rejected ids,
    and whether the table was read to its end."""
    patients: dict[str, tuple[int, dict]] = {}
    rejected: set[str] = set()
    name = export.name("patients")
    try:
        for line, row in export.rows("patients"):
            pid = row.get("Id") or ""
            try:
                if not pid:
                    raise ValueError("column Id is empty; a patient needs an id")
                if pid in patients:
                    raise ValueError(f"patient Id appears twice (first at line "
                                     f"{patients[pid][0]}); the later row is rejected")
                patients[pid] = (line, _demographics(row))
            except ValueError as exc:
                if pid not in patients:
                    rejected.add(pid)
                _report(IngestError(str(exc), file=name, record=pid or None, line=line), on_error)
    except IngestError as err:
        _report(err, on_error)
        return patients, rejected, False
    return patients, rejected, True


def _demographics(row: dict[str, str]) -> dict:
    if None in row:
        raise ValueError(f"row has {row[None]}")
    if not row.get("BIRTHDATE"):
        raise ValueError("column BIRTHDATE is empty")
    gender = row.get("GENDER") or ""
    if gender and gender not in _SEX:
        raise ValueError(f"column GENDER must be one of ['F', 'M'] or empty; got {gender!r}")
    try:
        birth = parse_date(row["BIRTHDATE"])
    except ValueError as exc:
        raise ValueError(f"column BIRTHDATE {exc}") from None
    death = optional_time(row, "DEATHDATE")
    return {"birth_date": birth, "deceased_time": death, "sex": _SEX.get(gender),
            "race": row.get("RACE") or None, "ethnicity": row.get("ETHNICITY") or None}


_Row = tuple[TableSpec, str, int, dict[str, str]]  # spec, time column, line, row


def _group_event_rows(export: SyntheaExport, patients: dict, rejected: set[str] | None,
                      on_error: OnError) -> dict[str, list[_Row]]:
    """Raw rows of every clinical table, by patient; orphan rows are reported here.

    ``rejected`` is ``None`` when patients.csv could not be read to its end: then a row of an
    unknown patient is dropped silently, as that table's error already covers it.
    """
    by_patient: dict[str, list[_Row]] = defaultdict(list)
    for spec in EVENT_TABLES:
        if not export.has(spec.table):
            continue  # Synthea can be told to export fewer tables: absent is not an error
        header = export.header(spec.table)
        time_col = spec.time_column(header)
        if _missing_columns(export, spec.table, spec.required + (time_col or spec.times[0],),
                            on_error):
            continue
        name = export.name(spec.table)
        try:
            for line, row in export.rows(spec.table):
                pid = row.get("PATIENT") or ""
                if pid in patients:
                    by_patient[pid].append((spec, time_col, line, row))
                elif rejected is not None and pid not in rejected:  # rejected: its one error
                    reason = ("column PATIENT is empty" if not pid else
                              "patient is not in patients.csv")
                    _report(IngestError(reason, file=name, record=_record(spec, row), line=line),
                            on_error)
        except IngestError as err:
            _report(err, on_error)
    return by_patient


def _record(spec: TableSpec, row: dict[str, str]) -> str:
    if "Id" in spec.key and row.get("Id"):
        return row["Id"]
    return f"{row.get('PATIENT') or '?'}:{row.get('CODE') or '?'}"


def _events(export: SyntheaExport, pid: str, rows: list[_Row], on_error: OnError) -> list[Event]:
    """A patient's events; a bad row is reported and left out, the rest is kept."""
    events: list[Event] = []
    seen: Counter[tuple] = Counter()
    series: dict[str, int] = {}  # imaging event id -> its index in events
    for spec, time_col, line, row in rows:
        try:
            event = _event(export, pid, spec, time_col, line, row, seen)
        except ValueError as exc:
            _report(IngestError(str(exc), file=export.name(spec.table),
                                record=_record(spec, row), line=line), on_error)
            continue
        if spec.per_series and event.id in series:
            i = series[event.id]
            events[i] = replace(events[i], n_instances=events[i].n_instances + 1)
            continue
        if spec.per_series:
            series[event.id] = len(events)
        events.append(event)
    return events


def _event(export: SyntheaExport, pid: str, spec: TableSpec, time_col: str, line: int,
           row: dict[str, str], seen: Counter[tuple]) -> Event:
    if None in row:
        raise ValueError(f"row has {row[None]}")
    if not row.get(time_col):
        raise ValueError(f"column {time_col} is empty; an event needs a time")
    try:
        time = parse_time(row[time_col])
    except ValueError as exc:
        raise ValueError(f"column {time_col}: {exc}") from None
    missing = [c for c in spec.required if not row.get(c)]
    if missing:
        raise ValueError(f"columns {missing} must not be empty")
    if "Id" in spec.key:  # the source's own id: what other tables use to point at the row
        key: tuple = (spec.table, *(row[c] for c in spec.key))
    else:
        key = (spec.table, pid, *(row.get(c, "") for c in spec.key), row[time_col])
    n, seen[key] = seen[key], seen[key] + 1
    if n and not spec.per_series:  # same content twice (a drug ordered twice): number them
        key = (*key, n)
    encounter = row.get("ENCOUNTER")
    base = {"id": event_id(_SOURCE, *key), "time": time,
            "provenance": Provenance(export.name(spec.table), _record(spec, row), line),
            "encounter_id": _encounter_id(encounter) if encounter else None}
    return spec.mapper(row, base)


@lru_cache(maxsize=4096)  # a visit's rows come together: most lookups hit
def _encounter_id(encounter: str) -> str:
    return event_id(_SOURCE, "encounters", encounter)
