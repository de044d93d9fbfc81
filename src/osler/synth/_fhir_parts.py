"""Small FHIR R4 building blocks for the synthetic bundle writer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from osler.record import SNOMED, UCUM, Condition, Medication

if TYPE_CHECKING:
    from osler.synth.cohort import SyntheticPatient

__all__ = ["codeable", "condition_resource", "medication_resource", "patient_resource",
           "reference"]

_US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-"
_OMB = "urn:oid:2.16.840.1.113883.6.238"
_ROUTES = {"oral": ("26643006", "Oral route"), "intravenous": ("47625008", "Intravenous route"),
           "subcutaneous": ("34206005", "Subcutaneous route"),
           "inhalation": ("447694001", "Respiratory tract route")}
_TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"


def codeable(system: str | None, code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding], **({"text": display} if display else {})}


def reference(urn: str) -> dict[str, str]:
    return {"reference": urn}


def _omb_extension(kind: str, text: str) -> dict[str, Any]:
    from osler.synth.cohort import ETHNICITIES, RACES
    table = {name: code for code, name, *_ in (RACES if kind == "race" else ETHNICITIES)}
    return {"url": _US_CORE + kind, "extension": [
        {"url": "ombCategory", "valueCoding": {"system": _OMB, "code": table[text],
                                               "display": text}},
        {"url": "text", "valueString": text}]}


def patient_resource(patient: SyntheticPatient) -> dict[str, Any]:
    """Patient with a pseudonymous id, an obviously synthetic name and US Core race/ethnicity."""
    record = patient.record
    number = patient.label.rsplit("-", 1)[-1]
    return {"resourceType": "Patient", "id": patient.patient_id,
            "extension": [_omb_extension("race", record.race),
                          _omb_extension("ethnicity", record.ethnicity)],
            "identifier": [{"system": "urn:osler:synthetic-patient",
                            "value": patient.patient_id}],
            "name": [{"use": "anonymous", "text": patient.label, "family": "Synthetic",
                      "given": [number]}],
            "gender": record.sex, "birthDate": record.birth_date.isoformat()}


def condition_resource(c: Condition) -> dict[str, Any]:
    out = {"resourceType": "Condition",
           "clinicalStatus": codeable(_TERMINOLOGY + "condition-clinical", c.clinical_status),
           "verificationStatus": codeable(_TERMINOLOGY + "condition-ver-status", c.verification),
           "category": [codeable(_TERMINOLOGY + "condition-category", c.category)],
           "code": codeable(c.coding.system, c.coding.code, c.coding.display),
           "onsetDateTime": c.time.isoformat(), "recordedDate": c.time.isoformat()}
    return out


def medication_resource(m: Medication) -> dict[str, Any]:
    route_code, route_display = _ROUTES[m.route]
    dose = {"value": m.dose.value, "unit": m.dose.unit, "system": UCUM, "code": m.dose.unit}
    return {"resourceType": "MedicationRequest", "status": m.status, "intent": "order",
            "medicationCodeableConcept": codeable(m.coding.system, m.coding.code,
                                                  m.coding.display),
            "authoredOn": m.time.isoformat(),
            "dosageInstruction": [{"route": codeable(SNOMED, route_code, route_display),
                                   "doseAndRate": [{"doseQuantity": dose}]}]}
