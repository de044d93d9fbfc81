"""Validation of FHIR R4 resources before mapping.

The fast path checks what Osler relies on: required elements (R4 cardinality 1..1 and the
subject Osler attaches the resource by), reference and coding shapes, and absolute code-system
URIs. ``strict`` additionally validates each resource against the full R4 model with
``fhir.resources`` (R4B package), which is complete but several times slower; the ingest
benchmark measures both (docs/benchmarks.md).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from osler._extras import require

__all__ = ["REQUIRED", "validate_fast", "validate_strict"]

#: resourceType -> elements that must be present (a tuple means: one of these, e.g. value[x]).
REQUIRED: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "Patient": (),
    "Encounter": ("status", "class", "subject"),
    "Condition": ("subject", "code"),
    "Observation": ("status", "code", "subject"),
    "MedicationRequest": ("status", "intent", "subject",
                          ("medicationCodeableConcept", "medicationReference")),
    "MedicationAdministration": ("status", "subject",
                                 ("medicationCodeableConcept", "medicationReference"),
                                 ("effectiveDateTime", "effectivePeriod")),
    "Procedure": ("status", "subject", "code"),
    "DiagnosticReport": ("status", "code", "subject"),
    "DocumentReference": ("status", "content", "subject"),
    "ImagingStudy": ("status", "subject"),
    "Immunization": ("status", "vaccineCode", "patient",
                     ("occurrenceDateTime", "occurrenceString")),
    "AllergyIntolerance": ("patient", "code"),
    "Consent": ("status", "scope", "category", "patient"),
}

_CODE_ELEMENTS = ("code", "vaccineCode", "medicationCodeableConcept", "type")


def _check_codings(resource: dict[str, Any]) -> str | None:
    for element in _CODE_ELEMENTS:
        concept = resource.get(element)
        if not isinstance(concept, dict):
            continue
        codings = concept.get("coding", [])
        if not isinstance(codings, list):
            return f"{element}.coding must be a list"
        for c in codings:
            system = c.get("system") if isinstance(c, dict) else None
            if system is not None and not (isinstance(system, str) and
                                           (":" in system and not system.startswith(":"))):
                return (f"{element}.coding.system must be an absolute URI (http://..., urn:...); "
                        f"got {str(system)[:60]!r}")
        if element == "code" and not concept.get("text") and not any(
                isinstance(c, dict) and c.get("code") for c in codings):
            return "code has neither a coding with a code nor a text"
    return None


def validate_fast(resource: dict[str, Any]) -> str | None:
    """Return why ``resource`` cannot be used, or ``None`` when it can."""
    rtype = resource.get("resourceType")
    for element in REQUIRED.get(rtype, ()):
        options = element if isinstance(element, tuple) else (element,)
        if not any(resource.get(o) not in (None, "", [], {}) for o in options):
            return f"{rtype} is missing required element {'|'.join(options)}"
    for ref_name in ("subject", "patient", "encounter"):
        ref = resource.get(ref_name)
        if ref is not None and not (isinstance(ref, dict) and isinstance(ref.get("reference"), str)):
            return f"{rtype}.{ref_name} must be a Reference with a 'reference' string"
    return _check_codings(resource)


@lru_cache(maxsize=64)
def _model(rtype: str):  # noqa: ANN202 - a pydantic model class
    module = require(f"fhir.resources.R4B.{rtype.lower()}", "fhir")
    return getattr(module, rtype)


def validate_strict(resource: dict[str, Any]) -> str | None:
    """Full R4 validation with fhir.resources; the first error line, or ``None``."""
    from pydantic import ValidationError
    try:
        _model(resource["resourceType"]).model_validate(resource)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return None
