"""FHIR R4 shapes of what the service answers: RiskAssessment, Observation, OperationOutcome.

Times the source never gave are not invented: a PhysioNet-style stay knows only hours since ICU
admission, so those go in an extension (``ICU_HOUR``) instead of ``occurrenceDateTime``.
"""

from __future__ import annotations

import uuid
from typing import Any

from osler.explain import Evidence
from osler.record import UCUM, Event

__all__ = ["ICU_HOUR", "TASK_SYSTEM", "evidence_display", "observation", "operation_outcome", "risk_assessment",
           "searchset"]

#: Extension: hours since the start of the ICU stay, where no clock time is known.
ICU_HOUR = "https://osler.dev/fhir/StructureDefinition/icu-hour"
#: Extension on a basis reference: the evidence item's signed contribution (log-odds).
CONTRIBUTION = "https://osler.dev/fhir/StructureDefinition/contribution"
#: Code system of Osler's tasks (RiskAssessment.method).
TASK_SYSTEM = "urn:osler:task"

_OUTCOMES = {
    "sepsis": "Sepsis (Sepsis-3) onset within the next 6 hours (PhysioNet 2019 label)",
    "icu-mortality": "In-hospital death, predicted from the first 48 h of the ICU stay "
                     "(PhysioNet 2012 label)",
}


def _hour(hour: float | None) -> list[dict[str, Any]]:
    return [] if hour is None else [{"url": ICU_HOUR, "valueDecimal": round(float(hour), 3)}]


def evidence_display(e: Evidence) -> str:
    """``label: value unit`` of one evidence item."""
    return f"{e.label}: {e.value_text()}"


def risk_assessment(task: str, patient_id: str, risk, *, fingerprint: str,
                    threshold: float | None, encounter_id: str | None = None) -> dict[str, Any]:
    """A RiskAssessment for one scored hour (``risk``: :class:`HourlyRisk`).

    ``basis`` lists the evidence: a reference to the Observation it came from where the store
    holds one, with its value in ``display`` and its contribution in an extension.
    """
    basis = []
    for e in risk.evidence:
        ref: dict[str, Any] = {"display": evidence_display(e),
                               "extension": [{"url": CONTRIBUTION,
                                              "valueDecimal": round(e.contribution, 4)}]}
        if e.event_ids:
            ref["reference"] = f"Observation/{e.event_ids[0]}"
        basis.append(ref)
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment", "id": str(uuid.uuid4()),
        # a mortality risk from fewer than the 48 h the model expects is not final
        "status": "preliminary" if task == "icu-mortality" and risk.hour < 47 else "final",
        "extension": _hour(risk.hour),
        "subject": {"reference": f"Patient/{patient_id}"},
        "method": {"coding": [{"system": TASK_SYSTEM, "code": task}],
                   "text": f"Osler {task} model {fingerprint[:12]}"},
        "prediction": [{"outcome": {"text": _OUTCOMES.get(task, task)},
                        "probabilityDecimal": round(risk.probability, 4)}],
        "basis": basis,
        "note": [{"text": _note(task, risk, threshold)}],
    }
    if encounter_id:
        resource["encounter"] = {"reference": f"Encounter/{encounter_id}"}
    return {k: v for k, v in resource.items() if v != []}   # FHIR JSON has no empty arrays


def _note(task: str, risk, threshold: float | None) -> str:
    if threshold is not None:
        return (("above" if risk.alarm else "below")
                + f" the model's alert threshold {threshold:.3f} (ICU stay {risk.stay_id})")
    young = (f"; the stay holds data to hour {risk.hour:g} only, and the model expects 48"
             if task == "icu-mortality" and risk.hour < 47 else "")
    return f"no alert threshold for this task (ICU stay {risk.stay_id}){young}"


def observation(event: Event, patient_id: str) -> dict[str, Any]:
    """An Observation resource for a stored observation event."""
    out: dict[str, Any] = {"resourceType": "Observation", "id": event.id,
                           "status": event.status or "final",
                           "subject": {"reference": f"Patient/{patient_id}"},
                           "meta": {"source": str(event.provenance)}}
    out["code"] = {"text": "unknown"}          # required (1..1)
    if event.coding is not None:
        coding = {"system": event.coding.system, "code": event.coding.code}
        if event.coding.display:
            coding["display"] = event.coding.display
        out["code"] = {"coding": [coding]}
    if getattr(event, "category", None):
        out["category"] = [{"text": event.category}]
    if event.encounter_id:
        out["encounter"] = {"reference": f"Encounter/{event.encounter_id}"}
    if event.time is not None:
        out["effectiveDateTime"] = event.time.isoformat()
    if event.known_time is not None:
        out["issued"] = event.known_time.isoformat()
    offset = event.available_offset
    if event.time is None and offset is not None:
        out["extension"] = _hour(offset.total_seconds() / 3600.0)
    value = getattr(event, "value", None)
    if value is not None:
        q: dict[str, Any] = {"value": value.value}
        if value.unit:
            q.update(unit=value.unit, system=UCUM, code=value.unit)
        out["valueQuantity"] = q
    elif getattr(event, "value_text", None):
        out["valueString"] = event.value_text
    return out


def searchset(resources: list[dict[str, Any]], outcome: str | None = None) -> dict[str, Any]:
    """A searchset Bundle of ``resources``; ``outcome`` adds an informational OperationOutcome
    entry saying why fewer (or no) resources matched."""
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r, "search": {"mode": "match"}}
               for r in resources]
    if outcome:
        entries.append({"resource": operation_outcome("not-found", outcome, "information"),
                        "search": {"mode": "outcome"}})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset",
                              "total": len(resources)}
    if entries:
        bundle["entry"] = entries
    return bundle


def operation_outcome(code: str, text: str, severity: str = "error") -> dict[str, Any]:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": text}]}
