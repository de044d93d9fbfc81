"""The mark a de-identified FHIR resource carries, so that it is not de-identified twice."""

from __future__ import annotations

from typing import Any

__all__ = ["ALREADY_DEIDENTIFIED", "DEID_LABEL", "EMBEDDED_DEIDENTIFIED", "label", "labelled"]

#: The security label every de-identified resource's ``meta.security`` gets (HL7 v3
#: ObservationValue "PSEUDED", pseudonymised): a resource that has it is not de-identified a
#: second time (its dates would move again, parting it from its images and notes) unless
#: ``again``. Another tool's label is not read as this one.
DEID_LABEL = {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
              "code": "PSEUDED", "display": "pseudonymized"}
#: Why a resource that carries :data:`DEID_LABEL` is refused.
ALREADY_DEIDENTIFIED = ("already de-identified (meta.security PSEUDED): de-identifying it again "
                        "would shift its dates and pseudonymise its ids a second time; use "
                        "--again to do so")
#: What a resource in an attachment's FHIR JSON that carries :data:`DEID_LABEL` is counted
#: under when it is left out (the attachment's other resources are written).
EMBEDDED_DEIDENTIFIED = "resources in attachments already de-identified (meta.security PSEUDED)"


def labelled(resource: Any) -> bool:
    """Whether ``resource`` carries :data:`DEID_LABEL` in its ``meta.security``."""
    meta = resource.get("meta") if isinstance(resource, dict) else None
    labels = meta.get("security") if isinstance(meta, dict) else None
    return isinstance(labels, list) and any(
        isinstance(c, dict) and c.get("system") == DEID_LABEL["system"]
        and c.get("code") == DEID_LABEL["code"] for c in labels)


def label(resource: Any) -> Any:
    """``resource`` (de-identified) with :data:`DEID_LABEL` in its ``meta.security``."""
    if isinstance(resource, dict) and not labelled(resource):
        meta = resource.get("meta")
        meta = dict(meta) if isinstance(meta, dict) else {}
        labels = meta.get("security")
        meta["security"] = [*(labels if isinstance(labels, list) else []), dict(DEID_LABEL)]
        resource["meta"] = meta
    return resource
