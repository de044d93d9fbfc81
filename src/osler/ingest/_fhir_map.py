"""FHIR R4 resources -> Osler events. One small function per resource type.

Codes are kept as the source gave them (LOINC, SNOMED CT, RxNorm, ICD-10, CVX ...): the first
coding of a concept is the event's coding. Resource types Osler does not use clinically
(Claim, ExplanationOfBenefit, Organization, Practitioner, CarePlan, Goal ...) are skipped and
counted, not quarantined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from osler.record import (Coding, Condition, Consent, Encounter, Event, ImagingStudy, Medication,
                          Note, Observation, Procedure, Provenance, Quantity, event_id)

from osler.ingest._fhir_time import known_by, parse_datetime
from osler.ingest._note_text import READ_TYPES, NoteText, decode_attachment

__all__ = ["MAPPERS", "MapContext", "coding_of", "fhir_event_id", "fhir_server_name"]


def fhir_event_id(server: str | None, rtype: str, resource_id: object, *parts: object) -> str:
    """The stored id of an event read from FHIR resource ``rtype/resource_id``.

    A resource id is unique on its server only: two servers' ``Observation/1`` are two
    observations. ``server`` (``osler ingest --fhir-server``) names the server, so that they
    get two ids; without it the id is the one Osler has always given, so a store filled before
    re-reads the same source onto the same rows."""
    if server:
        return event_id("fhir", server, rtype, resource_id, *parts)
    return event_id("fhir", rtype, resource_id, *parts)


def fhir_server_name(server: object) -> str | None:
    """``server`` as part of an id, one spelling per server: a base URL's scheme and host in
    lower case, without the scheme's default port or a trailing slash, so that
    ``HTTPS://EHR.example:443/fhir/`` and ``https://ehr.example/fhir`` name one server (the
    path keeps its case: servers may tell it apart)."""
    if server is None:
        return None
    name = server.strip().rstrip("/") if isinstance(server, str) else ""
    if not name or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise ValueError("a FHIR server is named by its base URL or by a name without spaces "
                         f"('https://ehr.example.org/fhir', 'site-a'); got {server!r}")
    return _canonical_url(name)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _canonical_url(name: str) -> str:
    parts = urlsplit(name)
    if "@" in parts.netloc:
        raise ValueError("a FHIR server's name must not carry a user name or password")
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return name                  # a name, not a web address: kept as given
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return name
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    netloc = host + (f":{port}" if port not in (None, _DEFAULT_PORTS[scheme]) else "")
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, ""))


@dataclass
class MapContext:
    """What a mapper needs besides the resource: provenance and the resolved encounter id."""

    provenance: Provenance
    encounter_id: str | None
    resource_id: str
    resolve: Callable[[str], dict[str, Any] | None]  # reference -> resource in the same source
    server: str | None = None                        # the FHIR server it came from, if named


def coding_of(concept: dict[str, Any] | None) -> Coding | None:
    if not concept:
        return None
    for c in concept.get("coding") or ():
        if c.get("code"):
            return Coding(c.get("system"), str(c["code"]), c.get("display") or concept.get("text"))
    if concept.get("text"):
        return Coding(None, concept["text"], concept["text"])
    return None


def _code(concept: dict[str, Any] | None) -> str | None:
    c = coding_of(concept)
    return c.code if c else None


def _time(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _period_start(r: dict[str, Any], prefix: str) -> tuple[datetime | None, datetime | None]:
    if r.get(f"{prefix}DateTime"):
        return _time(r[f"{prefix}DateTime"]), None
    return _period(r.get(f"{prefix}Period"))


def _period(period: dict[str, Any] | None) -> tuple[datetime | None, datetime | None]:
    """Start and end of a FHIR Period (an element typed Period, not a choice[x])."""
    period = period if isinstance(period, dict) else {}
    return _time(period.get("start")), _time(period.get("end"))


def _base(r: dict[str, Any], ctx: MapContext, *parts: object) -> dict[str, Any]:
    return {"id": fhir_event_id(ctx.server, r["resourceType"], ctx.resource_id, *parts),
            "provenance": ctx.provenance, "encounter_id": ctx.encounter_id,
            "status": r.get("status")}


def _quantity(q: dict[str, Any] | None) -> Quantity | None:
    if not q or q.get("value") is None:
        return None
    return Quantity(float(q["value"]), q.get("code") or q.get("unit"))


def _category(r: dict[str, Any]) -> str | None:
    cats = r.get("category") or []
    if isinstance(cats, dict):
        cats = [cats]
    return _code(cats[0]) if cats else None


def encounter(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    start, end = _period(r.get("period"))
    klass = r.get("class") or {}
    types = r.get("type") or [None]
    hosp = r.get("hospitalization") or {}
    base = {**_base(r, ctx), "encounter_id": None}  # an encounter is not inside itself
    return [Encounter(
        **base, coding=coding_of(types[0]) or Coding(klass.get("system"), klass.get("code", "unknown")),
        time=start, end_time=end, encounter_class=klass.get("code"),
        care_site=(r.get("serviceProvider") or {}).get("display"),
        discharge_disposition=_code(hosp.get("dischargeDisposition")))]


def condition(r: dict[str, Any], ctx: MapContext, category: str | None = None) -> list[Event]:
    onset, _ = _period_start(r, "onset")
    recorded = _time(r.get("recordedDate"))
    return [Condition(**_base(r, ctx), coding=coding_of(r.get("code")),
                      time=onset or recorded,
                      known_time=recorded if onset and recorded and recorded != onset else None,
                      end_time=_time(r.get("abatementDateTime")),
                      verification=_code(r.get("verificationStatus")) or "confirmed",
                      clinical_status=_code(r.get("clinicalStatus")),
                      category=category or _category(r))]


def allergy(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    return condition(r, ctx, category="allergy")


def _observation_values(r: dict[str, Any]) -> dict[str, Any]:
    return {"value": _quantity(r.get("valueQuantity")),
            "value_text": r.get("valueString") or (
                str(r["valueBoolean"]) if "valueBoolean" in r else None),
            "value_code": coding_of(r.get("valueCodeableConcept"))}


def observation(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    time, _ = _period_start(r, "effective")
    issued = _time(r.get("issued"))
    common = {"time": time, "known_time": issued if issued and issued != time else None,
              "category": _category(r)}
    components = r.get("component") or []
    out: list[Event] = []
    if not components or any(k.startswith("value") for k in r):
        out.append(Observation(**_base(r, ctx), coding=coding_of(r.get("code")), **common,
                               **_observation_values(r)))
    for i, comp in enumerate(components):  # e.g. systolic and diastolic of a blood pressure
        out.append(Observation(**_base(r, ctx, i), coding=coding_of(comp.get("code")), **common,
                               **_observation_values(comp)))
    return out


def _target(r: dict[str, Any], ref: str, ctx: MapContext) -> dict[str, Any] | None:
    """The resource ``ref`` points at: contained in ``r`` (``#id``) or in the same source."""
    if ref.startswith("#"):
        return next((c for c in r.get("contained") or () if c.get("id") == ref[1:]), None)
    return ctx.resolve(ref)


def _medication_coding(r: dict[str, Any], ctx: MapContext) -> Coding | None:
    if r.get("medicationCodeableConcept"):
        return coding_of(r["medicationCodeableConcept"])
    ref = (r.get("medicationReference") or {}).get("reference", "")
    return coding_of(((_target(r, ref, ctx) if ref else None) or {}).get("code"))


def medication_request(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    dosage = (r.get("dosageInstruction") or [{}])[0]
    dose_rate = (dosage.get("doseAndRate") or [{}])[0]
    return [Medication(**_base(r, ctx), coding=_medication_coding(r, ctx),
                       time=_time(r.get("authoredOn")), action="request",
                       dose=_quantity(dose_rate.get("doseQuantity")),
                       route=_code(dosage.get("route")))]


def medication_administration(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    start, end = _period_start(r, "effective")
    dosage = r.get("dosage") or {}
    return [Medication(**_base(r, ctx), coding=_medication_coding(r, ctx), time=start,
                       end_time=end, action="administration", dose=_quantity(dosage.get("dose")),
                       route=_code(dosage.get("route")))]


def immunization(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    return [Medication(**_base(r, ctx), coding=coding_of(r.get("vaccineCode")),
                       time=_time(r.get("occurrenceDateTime")), action="immunization",
                       dose=_quantity(r.get("doseQuantity")), route=_code(r.get("route")))]


def procedure(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    start, end = _period_start(r, "performed")
    return [Procedure(**_base(r, ctx), coding=coding_of(r.get("code")), time=start, end_time=end)]


class _NoContent(ValueError):
    """No attachment content in this source (only urls elsewhere, or nothing at all)."""


def _reference_kind(url: str) -> str:
    if "?" in url:
        return "a conditional reference"   # its search holds identifier values: never shown
    if url.startswith("urn:"):
        return "a urn reference"
    return "an absolute URL" if "://" in url else "a relative reference"


def _binary(r: dict[str, Any], url: str, ctx: MapContext) -> dict[str, Any]:
    target = _target(r, url, ctx)
    if target is None or target.get("resourceType") != "Binary" or not target.get("data"):
        raise _NoContent(f"attachment url ({_reference_kind(url)}) does not resolve to a Binary "
                         "with data in this source; only inline data and Binary resources in "
                         "the same Bundle or export are read")
    return target


def _attachment(r: dict[str, Any], att: dict[str, Any], ctx: MapContext) -> NoteText:
    """Text of one Attachment: its inline data, or the Binary its url names in this source."""
    data, content_type = att.get("data"), att.get("contentType")
    if not data and att.get("url"):
        binary = _binary(r, att["url"], ctx)
        data, content_type = binary["data"], binary.get("contentType") or content_type
    if not data:
        raise _NoContent("attachment has neither data nor a url")
    return decode_attachment(data, content_type)


def _document_text(r: dict[str, Any], attachments: list[dict[str, Any]],
                   ctx: MapContext) -> NoteText:
    """One text for a document. Several attachments are the same document in other formats
    (FHIR R4), so the plainest readable one is kept rather than all of them joined."""
    found: list[NoteText] = []
    problems: list[ValueError] = []
    for att in attachments:
        try:
            found.append(_attachment(r, att, ctx))
        except ValueError as exc:
            problems.append(exc)
    if not found:
        reason = "; ".join(dict.fromkeys(map(str, problems))) or "no attachment to read"
        only_absent = all(isinstance(p, _NoContent) for p in problems)
        raise _NoContent(reason) if only_absent else ValueError(reason)
    return min(found, key=lambda t: READ_TYPES.index(t.source_type))


def diagnostic_report(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    time, _ = _period_start(r, "effective")
    issued = _time(r.get("issued"))
    known = issued if issued and issued != time else None
    if known is None and time is not None and r.get("effectiveDateTime"):
        known = _date_known(r["effectiveDateTime"])   # dated by day only: known once it is over
    try:
        doc = _document_text(r, r.get("presentedForm") or [], ctx)
    except _NoContent:  # the report itself is still a result: kept as before, without its form
        doc = None
    if doc is not None:
        return [Note(**_base(r, ctx), coding=coding_of(r.get("code")), time=time,
                     known_time=known, text=doc.text, content_type=doc.content_type,
                     title=(r.get("code") or {}).get("text"))]
    return [Observation(**_base(r, ctx), coding=coding_of(r.get("code")), time=time,
                        known_time=known, category="diagnostic-report",
                        value_text=r.get("conclusion"))]


def _role(codes: list[dict[str, Any]] | None) -> str | None:
    """A PractitionerRole.code as words: its text, else its first coding's display or code."""
    for concept in codes or ():
        if concept.get("text"):
            return concept["text"]
        for c in concept.get("coding") or ():
            if c.get("display") or c.get("code"):
                return c.get("display") or c.get("code")
    return None


def _author_role(r: dict[str, Any], ctx: MapContext) -> str | None:
    """The role of the first author that is a PractitionerRole with a code, else ``None``: a
    Practitioner or Organization reference says who wrote the note, not in which role."""
    for author in r.get("author") or ():
        ref = author.get("reference") if isinstance(author, dict) else None
        target = _target(r, ref, ctx) if isinstance(ref, str) and ref else None
        if target and target.get("resourceType") == "PractitionerRole":
            role = _role(target.get("code"))
            if role:
                return role
    return None


def _date_known(value: Any, *others: datetime | None) -> datetime | None:
    """When a note dated ``value`` can first be read if ``value`` is a date only (no time of
    day): once that day is over (:func:`known_by`), in the zone of the resource's other times
    when they carry one; ``None`` for a dated-and-timed value."""
    if not isinstance(value, str):
        return None
    zone = next((t.tzinfo for t in others if t is not None and t.utcoffset()), None)
    return known_by(value, zone)


def document_reference(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    doc = _document_text(r, [c.get("attachment") or {} for c in r.get("content") or ()], ctx)
    time, known = _time(r.get("date")), None
    context = r.get("context")   # R5: a list of references, no period
    start, end = _period(context.get("period") if isinstance(context, dict) else None)
    if time is None:
        # Undated: about its context's period, and written no earlier than that period ended
        # (an undated discharge summary is not known at admission). With no end, when it was
        # written cannot be told, so no time at all: a note of unknown time is never read.
        time, known = (start, end) if end is not None else (None, None)
    elif (day_over := _date_known(r.get("date"), start, end)) is not None:
        # Dated by day only ("2024-03-10"): written at some time of that day, so known once the
        # day is over, and not before the encounter it is about ended (context.period.end).
        known = max(t for t in (day_over, end) if t is not None)
    return [Note(**{**_base(r, ctx), "status": _document_status(r)},
                 coding=coding_of(r.get("type")), time=time, known_time=known,
                 text=doc.text, content_type=doc.content_type, title=r.get("description"),
                 author_role=_author_role(r, ctx))]


def _document_status(r: dict[str, Any]) -> str | None:
    """The status a DocumentReference's note is stored with: its ``status`` (current,
    superseded, entered-in-error), unless ``docStatus`` says the document itself was entered
    in error (``{"status": "current", "docStatus": "entered-in-error"}``): the one column
    then says so, so that its text gives no finding (:attr:`osler.record.Note.withdrawn`)."""
    if r.get("docStatus") == "entered-in-error":
        return "entered-in-error"
    return r.get("status")


def imaging_study(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    series = (r.get("series") or [{}])[0]
    uid = next((i.get("value") for i in r.get("identifier") or () if i.get("value")), None)
    modality = series.get("modality") or (r.get("modality") or [{}])[0]
    body = series.get("bodySite") or {}
    return [ImagingStudy(**_base(r, ctx),
                         coding=Coding(modality.get("system"), modality.get("code", "unknown"),
                                       modality.get("display")),
                         time=_time(r.get("started")), study_uid=uid, series_uid=series.get("uid"),
                         modality=modality.get("code"), body_part=body.get("display") or body.get("code"),
                         n_instances=r.get("numberOfInstances"), description=r.get("description"))]


def consent(r: dict[str, Any], ctx: MapContext) -> list[Event]:
    provision = r.get("provision") or {}
    purposes = tuple(p.get("code") for p in provision.get("purpose") or () if p.get("code"))
    return [Consent(**_base(r, ctx), coding=coding_of((r.get("category") or [None])[0]),
                    time=_time(r.get("dateTime")), provision=provision.get("type", "permit"),
                    scope=_code(r.get("scope")), purposes=purposes)]


MAPPERS: dict[str, Callable[[dict[str, Any], MapContext], list[Event]]] = {
    "Encounter": encounter, "Condition": condition, "Observation": observation,
    "MedicationRequest": medication_request, "MedicationAdministration": medication_administration,
    "Immunization": immunization, "Procedure": procedure, "DiagnosticReport": diagnostic_report,
    "DocumentReference": document_reference, "ImagingStudy": imaging_study,
    "AllergyIntolerance": allergy, "Consent": consent,
}
