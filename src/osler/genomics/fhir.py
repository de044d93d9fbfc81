"""Gene calls as FHIR R4 Observations in the style of the HL7 Genomics Reporting IG.

Per gene: a *genotype* Observation (LOINC 84413-4, the diplotype, with the gene studied and
each haplotype as components) and, where there is one, a *phenotype* Observation (LOINC
53040-2, metabolizer status / function, with the activity score) derived from it. Each field
comes from :meth:`PgxCall.to_dict`, so ``osler pgx call --format json`` maps one-to-one.
"""

from __future__ import annotations

from osler.genomics.calling import PgxCall
from osler.record import LOINC, event_id

__all__ = ["GENOTYPE_PROFILE", "to_fhir_bundle", "to_observations"]

GENOTYPE_PROFILE = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/genotype"
_HGNC = "http://www.genenames.org/geneId"
_LAB = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "laboratory"}]}


def _concept(code: str, display: str) -> dict:
    return {"coding": [{"system": LOINC, "code": code, "display": display}]}


def _component(code: str, display: str, value: dict) -> dict:
    return {"code": _concept(code, display), **value}


def to_observations(call: PgxCall, patient_id: str) -> list[dict]:
    """The genotype (and phenotype) Observations for one gene call."""
    d = call.to_dict()
    subject = {"reference": f"Patient/{patient_id}"}
    gid = event_id("pgx-genotype", patient_id, d["gene"])
    components = [_component("48018-6", "Gene studied [ID]",
                             {"valueCodeableConcept": {"coding": [{"system": _HGNC,
                                                                    "display": d["gene"]}],
                                                       "text": d["gene"]}})]
    for name in (d["diplotypes"][0].split("/") if d["diplotypes"] else []):
        components.append(_component("84414-2", "Haplotype name",
                                     {"valueCodeableConcept": {"text": name}}))
    genotype = {
        "resourceType": "Observation", "id": gid, "meta": {"profile": [GENOTYPE_PROFILE]},
        "status": "final" if d["callable"] and d["diplotypes"] else "preliminary",
        "category": [_LAB], "code": _concept("84413-4", "Genotype display name"),
        "subject": subject, "valueCodeableConcept": {"text": d["diplotype"]},
        "component": components,
        "method": {"text": f"Osler PharmCAT-style allele matching ({d['source']})"},
    }
    if d["missing_positions"]:
        genotype["note"] = [{"text": "Positions without a call: " + ", ".join(d["missing_positions"])}]
    out = [genotype]
    if d["phenotype"]:
        phenotype = {
            "resourceType": "Observation", "id": event_id("pgx-phenotype", patient_id, d["gene"]),
            "status": genotype["status"], "category": [_LAB],
            "code": _concept("53040-2", "Genetic variation's effect on drug metabolism"),
            "subject": subject, "valueCodeableConcept": {"text": d["phenotype"]},
            "derivedFrom": [{"reference": f"Observation/{gid}"}],
            "component": [components[0]],
        }
        if _is_number(d["activity_score"]):
            phenotype["component"].append({"code": {"text": "Activity score"},
                                           "valueQuantity": {"value": float(d["activity_score"])}})
        out.append(phenotype)
    return out


def to_fhir_bundle(calls: list[PgxCall], patient_id: str) -> dict:
    """A collection Bundle of every gene's Observations."""
    entries = [{"fullUrl": f"Observation/{obs['id']}", "resource": obs}
               for call in calls for obs in to_observations(call, patient_id)]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _is_number(text: str | None) -> bool:
    try:
        float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True
