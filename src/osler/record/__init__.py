"""The domain model: :class:`PatientRecord` and its typed events. Imports nothing else of Osler."""

from osler.record.codes import (CVX, ICD9CM, ICD10CM, LOINC, OSLER, RXNORM, SNOMED, UCUM, Coding,
                                Quantity, system_name)
from osler.record.events import (Condition, Consent, Encounter, Event, EventKind, Genotype,
                                 ImagingStudy, Label, Medication, Note, Observation, Procedure,
                                 Provenance, event_id)
from osler.record.identity import PatientIdentifier
from osler.record.patient import PatientRecord

__all__ = [
    "CVX",
    "Coding",
    "Condition",
    "Consent",
    "Encounter",
    "Event",
    "EventKind",
    "Genotype",
    "ICD10CM",
    "ICD9CM",
    "ImagingStudy",
    "LOINC",
    "Label",
    "Medication",
    "Note",
    "OSLER",
    "Observation",
    "PatientIdentifier",
    "PatientRecord",
    "Procedure",
    "Provenance",
    "Quantity",
    "RXNORM",
    "SNOMED",
    "UCUM",
    "event_id",
    "system_name",
]
