"""Synthea CSV rows -> Osler events: one table spec and one small mapper per clinical table.

Each mapper gets the row (column -> cell) and the fields every event shares (id, provenance,
time, encounter id) and returns one event. A cell that cannot be read raises ``ValueError``
naming the column; the reader turns it into an :class:`~osler.errors.IngestError` with file,
record and line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from osler.record import (CVX, LOINC, RXNORM, SNOMED, Coding, Condition, Encounter, Event,
                          ImagingStudy, Medication, Observation, Procedure, Quantity)

__all__ = ["DICOM_DCM", "EVENT_TABLES", "TableSpec", "encounter_class", "optional_time",
           "parse_date", "parse_time"]

#: DICOM's own code system, the one FHIR (and the FHIR reader) uses for imaging modalities.
DICOM_DCM = "http://dicom.nema.org/resources/ontology/DCM"

# Synthea's EncounterType -> the HL7 v3 ActCode its FHIR exporter writes as Encounter.class, so a
# patient reads the same from CSV and FHIR (checked on ../shared/data/synthea-fhir-r4: only AMB,
# EMER and IMP occur there). An unknown class is kept as the source spelled it.
_ACT_CODE = {"wellness": "AMB", "ambulatory": "AMB", "outpatient": "AMB", "urgentcare": "AMB",
             "emergency": "EMER", "inpatient": "IMP", "home": "HH", "hospice": "HH",
             "snf": "SNF", "virtual": "VR", "telemedicine": "VR"}

# The SYSTEM column (allergies in v3.0.0; conditions and others in later versions).
_SYSTEMS = {"SNOMED-CT": SNOMED, "SNOMED": SNOMED, "SNOMEDCT": SNOMED, "RXNORM": RXNORM,
            "LOINC": LOINC, "CVX": CVX}


@lru_cache(maxsize=65536)
def parse_time(text: str) -> datetime:
    """ISO 8601 with a zone (Synthea writes ``Z``) or a date-only value, as UTC.

    A date-only value becomes midnight UTC: it carries day precision, no time of day.
    """
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"must be an ISO 8601 date or date-time; got {text!r}") from None
    if value.tzinfo is None:
        if len(text) > 10:  # a time of day without a zone cannot be placed on a timeline
            raise ValueError(f"a date-time must carry a zone (Z or +hh:mm); got {text!r}")
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_date(text: str) -> date:
    """A calendar date (``BIRTHDATE``); a date-time is reduced to its UTC date."""
    return parse_time(text).date()


def optional_time(row: dict[str, str], column: str) -> datetime | None:
    text = row.get(column) or ""
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError as exc:
        raise ValueError(f"column {column}: {exc}") from None


def encounter_class(text: str) -> str | None:
    return _ACT_CODE.get(text.lower(), text) if text else None


def _coding(row: dict[str, str], default_system: str) -> Coding:
    system = default_system
    if row.get("SYSTEM"):
        system = _SYSTEMS.get(row["SYSTEM"].upper().replace(" ", ""))
        if system is None:
            raise ValueError(f"column SYSTEM must be one of {sorted(_SYSTEMS)}; "
                             f"got {row['SYSTEM']!r}")
    return Coding(system, row["CODE"], row.get("DESCRIPTION") or None)


def _encounter(row: dict[str, str], base: dict[str, Any]) -> Event:
    return Encounter(**{**base, "encounter_id": None}, coding=_coding(row, SNOMED),
                     end_time=optional_time(row, "STOP"),
                     encounter_class=encounter_class(row.get("ENCOUNTERCLASS") or ""),
                     care_site=row.get("ORGANIZATION") or None)


def _condition(row: dict[str, str], base: dict[str, Any], category: str | None = None) -> Event:
    end = optional_time(row, "STOP")
    return Condition(**base, coding=_coding(row, SNOMED), end_time=end,
                     clinical_status="resolved" if end else "active", category=category)


def _allergy(row: dict[str, str], base: dict[str, Any]) -> Event:
    return _condition(row, base, category="allergy")


def _observation(row: dict[str, str], base: dict[str, Any]) -> Event:
    text, kind = row.get("VALUE") or "", (row.get("TYPE") or "").lower()
    value = value_text = None
    if text and kind != "text":
        try:
            value = float(text)
        except ValueError:
            if kind == "numeric":
                raise ValueError(f"column VALUE must be a number when TYPE is numeric; "
                                 f"got {text!r}") from None
            value_text = text  # older exports have no TYPE column: a word is text
    elif text:
        value_text = text
    return Observation(**base, coding=_coding(row, LOINC), category=row.get("CATEGORY") or None,
                       value=Quantity(value, row.get("UNITS") or None) if value is not None
                       else None, value_text=value_text)


def _medication(row: dict[str, str], base: dict[str, Any]) -> Event:
    return Medication(**base, coding=_coding(row, RXNORM), end_time=optional_time(row, "STOP"),
                      action="request")


def _immunization(row: dict[str, str], base: dict[str, Any]) -> Event:
    return Medication(**base, coding=_coding(row, CVX), action="immunization")


def _procedure(row: dict[str, str], base: dict[str, Any]) -> Event:
    return Procedure(**base, coding=_coding(row, SNOMED), end_time=optional_time(row, "STOP"))


def _imaging_series(row: dict[str, str], base: dict[str, Any]) -> Event:
    modality = row.get("MODALITY_CODE") or "unknown"
    return ImagingStudy(**base, coding=Coding(DICOM_DCM, modality,
                                              row.get("MODALITY_DESCRIPTION") or None),
                        study_uid=row.get("Id") or None, series_uid=row.get("SERIES_UID") or None,
                        modality=row.get("MODALITY_CODE") or None,
                        body_part=row.get("BODYSITE_DESCRIPTION") or row.get("BODYSITE_CODE")
                        or None, description=row.get("SOP_DESCRIPTION") or None, n_instances=1)


@dataclass(frozen=True)
class TableSpec:
    """How one clinical table becomes events.

    ``times``: the event-time column, first present wins (older exports say DATE where v3
    says START). ``key``: the content columns that identify a row for its deterministic id;
    rows with the same key get an occurrence number. ``per_series``: imaging rows are one per
    instance and are merged into one event per series.
    """

    table: str
    mapper: Callable[[dict[str, str], dict[str, Any]], Event]
    times: tuple[str, ...]
    key: tuple[str, ...]
    required: tuple[str, ...] = ("PATIENT", "CODE")
    per_series: bool = False

    def time_column(self, header: list[str]) -> str | None:
        return next((c for c in self.times if c in header), None)


#: Clinical tables in the order their events appear in a record.
EVENT_TABLES: tuple[TableSpec, ...] = (
    TableSpec("encounters", _encounter, ("START",), ("Id",), ("Id", "PATIENT", "CODE")),
    TableSpec("conditions", _condition, ("START", "DATE"), ("ENCOUNTER", "CODE")),
    TableSpec("allergies", _allergy, ("START", "DATE"), ("ENCOUNTER", "CODE")),
    TableSpec("observations", _observation, ("DATE", "START"), ("ENCOUNTER", "CODE")),
    TableSpec("medications", _medication, ("START", "DATE"), ("ENCOUNTER", "CODE")),
    TableSpec("immunizations", _immunization, ("DATE", "START"), ("ENCOUNTER", "CODE")),
    TableSpec("procedures", _procedure, ("START", "DATE"), ("ENCOUNTER", "CODE")),
    TableSpec("imaging_studies", _imaging_series, ("DATE", "START"), ("Id", "SERIES_UID"),
              ("Id", "PATIENT", "SERIES_UID"), per_series=True),
)
