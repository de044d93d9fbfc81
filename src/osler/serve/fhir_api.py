"""A FHIR-shaped read API over the store's predictions and the records behind them.

- ``GET /fhir/metadata``: a CapabilityStatement of what is here.
- ``GET /fhir/RiskAssessment?patient=ID[&method=sepsis][&encounter=STAY]``: a searchset
  Bundle with the assessment of the latest hour of the patient's ICU stay, its evidence in
  ``basis`` pointing at Observations.
- ``GET /fhir/Observation/{id}``: one stored observation, so that every ``basis`` reference
  resolves.

Errors are OperationOutcome resources with the matching HTTP status.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from osler.errors import DataError
from osler.record import EventKind
from osler.serve.deps import caller, service
from osler.serve.resources import TASK_SYSTEM, observation, operation_outcome, risk_assessment, \
    searchset
from osler.serve.service import NotFound, Service
from osler.serve.users import Principal

__all__ = ["FHIR_JSON", "router"]

FHIR_JSON = "application/fhir+json"
router = APIRouter(prefix="/fhir", tags=["FHIR"])


def _fhir(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON)


@router.get("/metadata")
def metadata(svc: Service = Depends(service)) -> JSONResponse:
    from osler import __version__
    return _fhir({
        "resourceType": "CapabilityStatement", "status": "active", "kind": "instance",
        "fhirVersion": "4.0.1", "format": ["json"],
        "implementation": {"description": "Osler risk models over the Osler store"}, "date": svc.started.date().isoformat(),
        "software": {"name": "Osler", "version": __version__},
        "rest": [{"mode": "server", "security": {"description": "Bearer token; role clinician "
                                                                "for patient data"},
                  "resource": [
                      {"type": "RiskAssessment", "interaction": [{"code": "search-type"}],
                       "searchParam": [{"name": n, "type": t} for n, t in
                                       (("patient", "reference"), ("method", "token"),
                                        ("encounter", "reference"))]},
                      {"type": "Observation", "interaction": [{"code": "read"}]}]}],
        "extension": [{"url": "https://osler.dev/fhir/StructureDefinition/served-task",
                       "valueCoding": {"system": TASK_SYSTEM, "code": t}}
                      for t in svc.monitors]})


@router.get("/RiskAssessment")
def search_risk(patient: str = Query(..., description="Patient id (or Patient/id)"),
                method: str | None = Query(None, description="task, e.g. sepsis"),
                encounter: str | None = Query(None, description="ICU stay or encounter id"),
                svc: Service = Depends(service),
                who: Principal = Depends(caller)) -> JSONResponse:
    patient_id = patient.strip().removeprefix("Patient/")
    default = "sepsis" if "sepsis" in svc.monitors else next(iter(svc.monitors))
    task = (method or default).removeprefix(f"{TASK_SYSTEM}|")
    if task not in svc.monitors:
        return _fhir(operation_outcome("not-supported", f"no model for method {task!r}; served: "
                                       f"{sorted(svc.monitors)}"), 400)
    try:
        record = svc.patient_for(who, patient_id, action=f"fhir:RiskAssessment:{task}")
    except NotFound:
        return _fhir(searchset([], outcome="no such patient in the store"))
    stays, named = svc.stays(record, encounter, task)
    if not named:
        return _fhir(searchset([], outcome="no ICU stay of the patient has that encounter id"
                               if stays else f"the patient has no ICU stay that {task} reads "
                               "in the store"))
    monitor = svc.monitors[task]
    found, unscored = [], 0
    for stay in named:          # one assessment per stay: the latest hour of each
        try:
            risk = svc.assess(task, record, stay)
        except DataError:
            unscored += 1       # a stay without any measured value yet
            continue
        found.append(risk_assessment(task, patient_id, risk,
                                     fingerprint=monitor.bundle.fingerprint,
                                     threshold=monitor.threshold,
                                     encounter_id=stay.events[0].id))
    return _fhir(searchset(found, outcome=f"{unscored} ICU stay(s) hold no measured value yet"
                           if unscored else None))


@router.get("/Observation/{event_id}")
def read_observation(event_id: str, svc: Service = Depends(service),
                     who: Principal = Depends(caller)) -> JSONResponse:
    svc.allow(who, "patient-read", audit_as="fhir:Observation")
    patient_id = svc.patient_of_event(event_id)
    if patient_id is None:
        raise NotFound(f"no Observation/{event_id} in the store")
    record = svc.patient_for(who, patient_id, action="fhir:Observation")
    event = next((e for e in record.events if e.id == event_id
                  and e.kind is EventKind.OBSERVATION), None)
    if event is None:
        raise NotFound(f"Observation/{event_id} is not an observation")
    return _fhir(observation(event, patient_id))
