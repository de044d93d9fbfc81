"""CDS Hooks 2.0: discovery, the sepsis early-warning service on ``patient-view``, feedback.

The EHR calls ``POST /cds-services/osler-sepsis`` when a clinician opens a chart. Osler scores
the latest hour of the patient's ICU stay from its own store (fed by ``osler ingest``; no
prefetch is needed) and answers with one card when the risk is above the model's alert
threshold, and no card otherwise. A chart whose patient has opted out gets an info card saying
that no assessment was made, so that silence is never read as low risk.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from osler.errors import ConsentError, DataError
from osler.serve.deps import caller, service
from osler.serve.resources import TASK_SYSTEM, evidence_display
from osler.serve.service import NotFound, Ready, Service
from osler.serve.users import Principal

__all__ = ["router"]

router = APIRouter(prefix="/cds-services", tags=["CDS Hooks"])

_SERVICES = {
    "osler-sepsis": {
        "id": "osler-sepsis",
        "task": "sepsis",
        "hook": "patient-view",
        "title": "Osler sepsis early warning",
        "description": "Risk of sepsis onset within 6 hours for a patient in the ICU, from the "
                       "latest hour of the stay, with the measurements behind it.",
    },
}


class HookRequest(BaseModel):
    hook: str
    hookInstance: str  # noqa: N815 (the CDS Hooks field name)
    context: dict[str, Any]
    fhirServer: str | None = None  # noqa: N815
    prefetch: dict[str, Any] | None = None


class OverrideReason(BaseModel):
    reason: dict[str, Any] | None = None      # a Coding
    userComment: str | None = Field(None, max_length=1000)  # noqa: N815


class FeedbackItem(BaseModel):
    card: str = Field(min_length=1, max_length=100)
    outcome: Literal["accepted", "overridden"]
    outcomeTimestamp: str = Field(min_length=1, max_length=40)  # noqa: N815
    overrideReason: OverrideReason | None = None  # noqa: N815
    acceptedSuggestions: list[dict[str, Any]] | None = None  # noqa: N815


class Feedback(BaseModel):
    feedback: list[FeedbackItem] = Field(min_length=1, max_length=100)


@router.get("")
def discovery(svc: Service = Depends(service)) -> dict[str, Any]:
    """The services this deployment offers (one per loaded model)."""
    return {"services": [
        {"id": sid, "hook": s["hook"], "title": s["title"], "description": s["description"],
         "prefetch": {}, "usageRequirements": "Patients must be ingested into the Osler store."}
        for sid, s in _SERVICES.items() if s["task"] in svc.monitors]}


def _spec(service_id: str, svc: Service) -> dict[str, Any]:
    spec = _SERVICES.get(service_id)
    if spec is None or spec["task"] not in svc.monitors:
        raise HTTPException(404, f"no CDS service {service_id!r} here; see GET /cds-services")
    return spec


@router.post("/{service_id}")
async def call(service_id: str, request: HookRequest, svc: Service = Depends(service),
               who: Principal = Depends(caller)) -> dict[str, Any]:
    """Answer one hook call with zero or one card.

    A chart whose assessment is ready (kept and current: :meth:`Service.ready`) is
    answered here on the event loop, in about a tenth of a millisecond; any other is read and
    scored in a worker thread (tens of milliseconds), so that it never holds up the others.
    """
    spec = _spec(service_id, svc)
    if request.hook != spec["hook"]:
        raise HTTPException(400, f"service {service_id!r} answers the {spec['hook']!r} hook; "
                                 f"got {request.hook!r}")
    patient_id = request.context.get("patientId")
    if isinstance(patient_id, str):   # the FHIR id; tolerate a reference form and padding
        patient_id = patient_id.strip().removeprefix("Patient/")
    if not isinstance(patient_id, str) or not patient_id:
        raise HTTPException(400, "context.patientId is required")
    user = request.context.get("userId")
    user = user[:200] if isinstance(user, str) else None
    encounter = request.context.get("encounterId")
    encounter = encounter if isinstance(encounter, str) and encounter else None
    ready = svc.ready(patient_id, spec["task"], encounter)
    if ready is not None:
        return _respond(svc, who, spec, patient_id, user, encounter, ready)
    return await run_in_threadpool(_respond, svc, who, spec, patient_id, user, encounter, None)


def _respond(svc: Service, who: Principal, spec: dict[str, Any], patient_id: str,
             user: str | None, encounter: str | None, ready: Ready | None) -> dict[str, Any]:
    """The answer, from ``ready`` (on the event loop: nothing is read or scored) or from the
    store and the model (in a worker thread)."""
    try:
        record = svc.patient_for(who, patient_id, action=f"cds:{spec['id']}", user=user,
                                 record=ready.record if ready else None)
    except ConsentError:
        return _answer(svc, who, spec, patient_id, user, "info",
                       "No sepsis assessment: the patient has not consented to decision "
                       "support from Osler.")
    except NotFound:
        return {"cards": []}   # not an Osler patient: nothing to say
    task = spec["task"]
    stays, named = (ready.stays, ready.named) if ready else svc.stays(record, encounter, task)
    note = None
    if not stays:
        return {"cards": []}   # no ICU stay: the service does not apply
    if len(named) != 1:
        if len(stays) > 1 or named:
            return _answer(svc, who, spec, patient_id, user, "info",
                           "No sepsis assessment: several ICU stays are on record and the "
                           "EHR did not name one of them as current.")
        named = stays       # one stay, and the EHR's encounter id is not one Osler knows
        note = ("The EHR's encounter is not known to Osler; this is the only ICU stay on "
                "record.")
    monitor = svc.monitors[task]
    try:
        risk = ready.assess(named[0]) if ready else svc.assess(task, record, named[0])
    except DataError:          # a stay without any measurement yet
        return {"cards": []}
    if not risk.alarm:
        return {"cards": []}
    summary = (f"Sepsis risk {_percent(risk.probability)} at ICU hour {risk.hour:g}: "
               "above the alert threshold")
    return _answer(svc, who, spec, patient_id, user, "warning", summary,
                   _detail(risk, monitor.bundle, note))


def _answer(svc: Service, who: Principal, spec: dict[str, Any], patient_id: str,
            user: str | None, indicator: str, summary: str, detail: str | None = None) -> dict:
    """One card, its id written to the audit trail so that feedback can be traced to it."""
    card = _card(spec, indicator, summary, detail)
    svc.audit.record(actor=who.actor, role=who.role, action=f"cds-card:{spec['task']}",
                     patient=patient_id, purpose="treatment", outcome=f"card-{indicator}",
                     user=user, ref=card["uuid"])
    return {"cards": [card]}


@router.post("/{service_id}/feedback")
def feedback(service_id: str, body: Feedback, svc: Service = Depends(service),
             who: Principal = Depends(caller)) -> dict[str, Any]:
    """Record what the clinician did with a card (accepted / overridden) in the audit trail."""
    _spec(service_id, svc)
    svc.allow(who, "patient-risk", audit_as=f"cds-feedback:{service_id}")
    for item in body.feedback:
        reason = item.overrideReason.reason if item.overrideReason else None
        code = reason.get("code") if isinstance(reason, dict) else None
        outcome = f"card-{item.outcome}" + (f":{str(code)[:64]}" if code else "")
        svc.audit.record(actor=who.actor, role=who.role, action=f"cds-feedback:{service_id}",
                         purpose="treatment", outcome=outcome, ref=item.card)
    return {"recorded": len(body.feedback)}


def _percent(p: float) -> str:
    """A probability as a clinician reads it; never "100%" or "0%" from a model."""
    return ">99%" if p > 0.99 else "<1%" if p < 0.01 else f"{p:.0%}"


def _card(spec: dict[str, Any], indicator: str, summary: str, detail: str | None) -> dict:
    card: dict[str, Any] = {"uuid": str(uuid.uuid4()), "summary": summary[:139],
                            "indicator": indicator,
                            "source": {"label": spec["title"],
                                       "topic": {"system": TASK_SYSTEM, "code": spec["task"]}}}
    if detail:
        card["detail"] = detail
    return card


def _detail(risk, bundle, note: str | None = None) -> str:
    lines = [f"Calibrated probability **{_percent(risk.probability)}** of sepsis onset within "
             f"6 hours (alert threshold {bundle.threshold:.1%}), ICU stay `{risk.stay_id}`, "
             f"hour {risk.hour:g}.", "", "What raised or lowered it (latest values the model saw):"]
    for e in risk.evidence:
        where = f" (hour {e.offset.total_seconds() / 3600:g}, {e.source})" \
            if e.offset is not None else ""
        arrow = "raises" if e.contribution > 0 else "lowers"
        lines.append(f"- {evidence_display(e)}{where}, {arrow} the risk")
    if note:
        lines += ["", note]
    lines += ["", f"Model `{bundle.fingerprint[:12]}`; see its model card for hold-out, "
              "calibration and subgroup figures."]
    return "\n".join(lines)
