"""Small, valid FHIR R4 bundles built in code for portable tests (no shared data)."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from pathlib import Path
from typing import Any


def _uid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def patient_bundle(n: int = 0, *, n_obs: int = 3) -> dict[str, Any]:
    """A transaction bundle for synthetic patient ``n``: encounter, condition, observations
    (one blood pressure with components), a medication, a procedure and a note."""
    pid, enc = _uid(f"patient-{n}"), _uid(f"enc-{n}")
    subject = {"reference": f"urn:uuid:{pid}"}
    encounter = {"reference": f"urn:uuid:{enc}"}
    loinc = "http://loinc.org"
    resources: list[dict[str, Any]] = [
        {"resourceType": "Patient", "id": pid, "gender": "female" if n % 2 else "male",
         "birthDate": f"19{50 + n % 40}-0{1 + n % 9}-1{n % 10}"},
        {"resourceType": "Encounter", "id": enc, "status": "finished",
         "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
         "subject": subject, "period": {"start": "2020-01-01T08:00:00+00:00",
                                        "end": "2020-01-03T08:00:00+00:00"}},
        {"resourceType": "Condition", "id": _uid(f"cond-{n}"), "subject": subject,
         "encounter": encounter, "onsetDateTime": "2020-01-01T09:00:00+00:00",
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44054006",
                              "display": "Diabetes mellitus type 2"}]}},
        {"resourceType": "Observation", "id": _uid(f"bp-{n}"), "status": "final",
         "subject": subject, "encounter": encounter,
         "effectiveDateTime": "2020-01-01T10:00:00+00:00",
         "code": {"coding": [{"system": loinc, "code": "85354-9", "display": "Blood pressure"}]},
         "component": [
             {"code": {"coding": [{"system": loinc, "code": "8480-6"}]},
              "valueQuantity": {"value": 120 + n, "unit": "mm[Hg]", "code": "mm[Hg]"}},
             {"code": {"coding": [{"system": loinc, "code": "8462-4"}]},
              "valueQuantity": {"value": 80, "unit": "mm[Hg]", "code": "mm[Hg]"}}]},
        {"resourceType": "MedicationRequest", "id": _uid(f"med-{n}"), "status": "active",
         "intent": "order", "subject": subject, "authoredOn": "2020-01-01T11:00:00+00:00",
         "medicationCodeableConcept": {"coding": [{
             "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "860975"}]}},
        {"resourceType": "Procedure", "id": _uid(f"proc-{n}"), "status": "completed",
         "subject": subject, "performedDateTime": "2020-01-02T10:00:00+00:00",
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "73761001"}]}},
        {"resourceType": "DocumentReference", "id": _uid(f"doc-{n}"), "status": "current",
         "subject": subject, "date": "2020-01-02T12:00:00+00:00",
         "type": {"coding": [{"system": loinc, "code": "11506-3"}]},
         "content": [{"attachment": {"contentType": "text/plain", "data": base64.b64encode(
             b"Synthetic note. No fever. Denies chest pain.").decode()}}]},
    ]
    for i in range(n_obs):
        resources.append(
            {"resourceType": "Observation", "id": _uid(f"hr-{n}-{i}"), "status": "final",
             "subject": subject, "encounter": encounter,
             "category": [{"coding": [{"code": "vital-signs"}]}],
             "effectiveDateTime": f"2020-01-01T1{i}:00:00+00:00",
             "code": {"coding": [{"system": loinc, "code": "8867-4", "display": "Heart rate"}]},
             "valueQuantity": {"value": 70 + i, "unit": "/min", "code": "/min"}})
    return {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": f"urn:uuid:{r['id']}", "resource": r,
         "request": {"method": "POST", "url": r["resourceType"]}} for r in resources]}


def expected_counts(bundle: dict[str, Any]) -> dict[str, int]:
    """Event counts by kind, counted from the JSON with the mapping's documented rules."""
    kinds = {"Encounter": "encounter", "Condition": "condition", "AllergyIntolerance": "condition",
             "MedicationRequest": "medication", "Immunization": "medication",
             "MedicationAdministration": "medication", "Procedure": "procedure",
             "DocumentReference": "note", "ImagingStudy": "imaging_study", "Consent": "consent"}
    out: dict[str, int] = {}
    for e in bundle["entry"]:
        r = e["resource"]
        t = r["resourceType"]
        if t == "Observation":
            n = len(r.get("component", [])) or 1
            out["observation"] = out.get("observation", 0) + n
        elif t == "DiagnosticReport":
            k = "note" if r.get("presentedForm") else "observation"
            out[k] = out.get(k, 0) + 1
        elif t in kinds:
            out[kinds[t]] = out.get(kinds[t], 0) + 1
    return out


def mutate(bundle: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(bundle)


def ndjson_export(folder: Path, n_patients: int = 2) -> dict[str, Path]:
    """A bulk export of synthetic patients: one file per resource type, ``Type/id``
    references. Returns resource type -> file."""
    by_type: dict[str, list[dict]] = {}
    for n in range(n_patients):
        for e in patient_bundle(n)["entry"]:
            r = json.loads(json.dumps(e["resource"]))
            for name in ("subject", "encounter"):
                if name in r:
                    target = r[name]["reference"].removeprefix("urn:uuid:")
                    r[name]["reference"] = f"{'Encounter' if name == 'encounter' else 'Patient'}/{target}"
            by_type.setdefault(r["resourceType"], []).append(r)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for rtype, rows in by_type.items():
        files[rtype] = folder / f"{rtype}.ndjson"
        files[rtype].write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return files
