"""Keyed pseudonyms of FHIR resource ids, the names messages give resources and patients
(never their source ids, which are often MRNs or names), and the identifier values a
patient's free text may repeat."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from osler.privacy.deid.fhir_patients import embedded_patients, patient_of
from osler.privacy.keys import DeidKey

__all__ = ["entry_url", "identifier_values", "patient_identifier_values", "pseudo_id",
           "record_name", "shown_patient"]


def pseudo_id(key: DeidKey, resource_type: str | None, rid: str) -> str:
    # Patients share the "patient" namespace with notes and DICOM; other ids are namespaced by
    # type so that two resources that happen to share an id stay distinct.
    if resource_type in (None, "Patient"):
        return key.pseudonym(rid, "patient")
    return key.pseudonym(f"{resource_type}/{rid}", "fhir-id")


def entry_url(key: DeidKey, url: str, resource: Any) -> str:
    """What a Bundle entry's fullUrl of no standard form ('urn:uuid:1', 'urn:oid:...')
    becomes: its resource's pseudonymised ``Type/id``, else a keyed pseudonym of the url."""
    rtype = resource.get("resourceType") if isinstance(resource, dict) else None
    rid = resource.get("id") if isinstance(resource, dict) else None
    if isinstance(rtype, str) and isinstance(rid, str) and rid:
        return f"{rtype}/{pseudo_id(key, rtype, rid)}"
    return "urn:uuid:" + key.pseudonym(url, "fhir-url")


def record_name(key: DeidKey, resource: Any, entry: int | None = None) -> str:
    """How messages name ``resource``: by its position in the Bundle (``Bundle.entry[2]``, as
    FHIRPath counts) and its ``Type/id`` with the pseudonym its output id gets, never its
    source id (often an MRN or a name)."""
    rtype = resource.get("resourceType") if isinstance(resource, dict) else None
    rid = resource.get("id") if isinstance(resource, dict) else None
    name = str(rtype) if isinstance(rtype, str) else "entry of no resource"
    if isinstance(rtype, str) and isinstance(rid, str) and rid:
        name = f"{rtype}/{pseudo_id(key, rtype, rid)}"
    return name if entry is None else f"Bundle.entry[{entry}] {name}"


def shown_patient(key: DeidKey) -> Callable[[str], str]:
    """How messages name a patient of source id ``pid``: the pseudonym of its output id."""
    return lambda pid: f"Patient/{pseudo_id(key, 'Patient', pid)}"


def identifier_values(*lists: Any) -> tuple[str, ...]:
    """The string values of FHIR ``identifier`` lists (a patient's MRN, SSN ...), which its
    free text may repeat without a label."""
    values = {str(i["value"]).strip() for idents in lists if isinstance(idents, list)
              for i in idents if isinstance(i, dict) and isinstance(i.get("value"), (str, int))}
    return tuple(sorted(v for v in values if v))


def patient_identifier_values(resource: Any, links: Mapping[str, str] | None,
                               identifiers: Mapping[str, list[Any]] | None) -> tuple[str, ...]:
    """The identifier values of ``resource``'s patient: its own when it is a Patient, else
    those ``identifiers`` (Patient id -> ``identifier`` list) holds for its patient."""
    if not isinstance(resource, dict):
        return ()
    if resource.get("resourceType") == "Patient":
        own = resource.get("identifier")
        pid = resource.get("id")
    else:
        own = None
        try:
            pid = patient_of(resource, links)
        except ValueError:
            pid = None
    other = identifiers.get(pid) if identifiers and isinstance(pid, str) else None
    # a Patient in its attachment's JSON: its other attachments may repeat that one's MRN
    return identifier_values(own, other, *(p.get("identifier")
                                            for p in embedded_patients(resource)))
