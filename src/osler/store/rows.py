"""Events to table rows and back. The only place that knows both shapes."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

from osler.record import (Coding, Condition, Consent, Encounter, Event, Genotype, ImagingStudy,
                          Label, Medication, Note, Observation, PatientRecord, Procedure,
                          Provenance, Quantity, event_id)
from osler.store.schema import TABLES

__all__ = ["KIND_TABLES", "event_from_row", "label_from_row", "person_from_row", "record_rows",
           "table_for"]

_TABLE_OF = {Encounter: "visit_occurrence", Condition: "condition_occurrence",
             Medication: "drug_exposure", Procedure: "procedure_occurrence", Note: "note",
             ImagingStudy: "image_study", Genotype: "genotype", Consent: "consent"}
_CLASS_OF = {v: k for k, v in _TABLE_OF.items()}
_CLASS_OF["measurement"] = Observation
_CLASS_OF["observation"] = Observation

#: event kind -> tables that hold it (for stats).
KIND_TABLES = {"encounter": ["visit_occurrence"], "condition": ["condition_occurrence"],
               "observation": ["measurement", "observation"], "medication": ["drug_exposure"],
               "procedure": ["procedure_occurrence"], "note": ["note"],
               "imaging_study": ["image_study"], "genotype": ["genotype"], "consent": ["consent"]}

_RENAMES = {"text": "note_text"}  # attribute -> column where the names differ


def table_for(event: Event) -> str:
    if isinstance(event, Observation):
        # OMOP: quantitative results are measurements; other facts are observations.
        return "measurement" if event.value is not None else "observation"
    return _TABLE_OF[type(event)]


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _base(event: Event, person_id: str) -> list[Any]:
    c, p = event.coding, event.provenance
    return [event.id, person_id, event.encounter_id,
            c.system if c else None, c.code if c else None, c.display if c else None,
            event.time, _seconds(event.offset), event.known_time, _seconds(event.known_offset),
            event.end_time, event.status, p.source, p.record, p.line]


def _extra(event: Event, table: str) -> list[Any]:
    if isinstance(event, Observation):
        v, vc = event.value, event.value_code
        return [event.category, v.value if v else None, v.unit if v else None, event.value_text,
                vc.system if vc else None, vc.code if vc else None, vc.display if vc else None,
                event.interpretation]
    if isinstance(event, Medication):
        d = event.dose
        return [event.action, d.value if d else None, d.unit if d else None, event.route]
    out = []
    for col, _ in TABLES[table].columns[15:]:
        attr = next((a for a, c in _RENAMES.items() if c == col), col)
        value = getattr(event, attr, None)
        out.append(json.dumps(list(value)) if isinstance(value, tuple) else value)
    return out


def record_rows(record: PatientRecord) -> dict[str, list[tuple]]:
    """All rows of one patient, by table (person, events, labels)."""
    rows: dict[str, list[tuple]] = defaultdict(list)
    pid, p = record.patient_id, record.provenance
    rows["person"].append((pid, record.birth_date, record.sex, record.race, record.ethnicity,
                           record.deceased_time, record.site, p.source, p.record,
                           record.fhir_server))
    for e in record.events:
        table = table_for(e)
        rows[table].append(tuple(_base(e, pid) + _extra(e, table)))
    for i, lab in enumerate(record.labels):
        lp = lab.provenance
        rows["label"].append((event_id("label", pid, lab.name, lp.source, lp.record, lp.line, i),
                              pid, lab.encounter_id, lab.name, lab.value, lab.time,
                              _seconds(lab.offset), lp.source, lp.record, lp.line))
    return rows


def _td(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


def event_from_row(table: str, row: dict[str, Any]) -> Event:
    """Rebuild the event a row of ``table`` was made from."""
    cls = _CLASS_OF[table]
    kw: dict[str, Any] = dict(
        id=row["event_id"], encounter_id=row["visit_id"], time=row["start_time"],
        offset=_td(row["start_offset_s"]), known_time=row["known_time"],
        known_offset=_td(row["known_offset_s"]), end_time=row["end_time"], status=row["status"],
        coding=Coding(row["system"], row["code"], row["display"]) if row["code"] else None,
        provenance=Provenance(row["source_file"], row["source_record"], row["source_line"]))
    if cls is Observation:
        kw.update(category=row["category"], value_text=row["value_text"],
                  interpretation=row["interpretation"],
                  value=(Quantity(row["value_as_number"], row["unit"])
                         if row["value_as_number"] is not None else None),
                  value_code=(Coding(row["value_system"], row["value_code"], row["value_display"])
                              if row["value_code"] else None))
    elif cls is Medication:
        kw.update(action=row["action"], route=row["route"],
                  dose=Quantity(row["dose_value"], row["dose_unit"])
                  if row["dose_value"] is not None else None)
    else:
        names = {f.name for f in fields(cls)}
        for col, typ in TABLES[table].columns[15:]:
            attr = next((a for a, c in _RENAMES.items() if c == col), col)
            if attr in names and row[col] is not None:
                kw[attr] = tuple(json.loads(row[col])) if typ == "json" else row[col]
    return cls(**kw)


def label_from_row(row: dict[str, Any]) -> Label:
    return Label(name=row["name"], value=row["value"], time=row["label_time"],
                 offset=_td(row["label_offset_s"]), encounter_id=row["visit_id"],
                 provenance=Provenance(row["source_file"], row["source_record"], row["source_line"]))


def person_from_row(row: dict[str, Any], events: list[Event], labels: list[Label]) -> PatientRecord:
    birth = row["birth_date"]
    if isinstance(birth, datetime):
        birth = birth.date()
    return PatientRecord(patient_id=row["person_id"], birth_date=birth, sex=row["sex"],
                         race=row["race"], ethnicity=row["ethnicity"],
                         deceased_time=row["deceased_time"], site=row["site"],
                         fhir_server=row.get("fhir_server"),
                         provenance=Provenance(row["source_file"], row["source_record"]),
                         events=tuple(events), labels=tuple(labels))
