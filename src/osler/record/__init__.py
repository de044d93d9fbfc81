"""The domain model: :class:`PatientRecord` and its typed events. Imports nothing else of Osler."""

from osler.record.codes import (CVX, ICD9CM, ICD10CM, LOINC, OSLER, RXNORM, SNOMED, UCUM, Coding,
                                Quantity, system_name)
from osler.record.events import (Condition, Consent, Encounter, Event, EventKind, Genotype,
                                 ImagingStudy, Label, Medication, Note, Observation, Procedure,
                                 Provenance, event_id)
from osler.record.identity import (ConditionalReference, IdentifierIndex, PatientIdentifier,
                                   conditional_identifiers)
from osler.record.patient import PatientRecord

__all__ = [
    "CVX",
    "Coding",
    "Condition",
    "ConditionalReference",
    "Consent",
    "Encounter",
    "Event",
    "EventKind",
    "Genotype",
    "ICD10CM",
    "ICD9CM",
    "IdentifierIndex",
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
    "conditional_identifiers",
    "event_id",
    "system_name",
]
