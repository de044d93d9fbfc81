"""The patient each FHIR entry or resource belongs to, by whose key it is de-identified."""

from __future__ import annotations

from collections import Counter
from typing import Any

from osler.privacy.deid.fhir_keys import PatientKeys, refusal
from osler.privacy.deid.fhir_patients import (NO_PATIENT, _own_key, entry_patient_id, patient_of,
                                              unresolved_reason)

__all__ = ["entry_patient", "only_patient", "patient_or_own"]


def patient_or_own(resource: dict[str, Any], links: dict[str, str] | None,
                    dropped: Counter, default: str | None = None,
                    keys: PatientKeys | None = None, full_url: str | None = None) -> str:
    """The patient of ``resource`` (its key, under ``keys``), else ``default``, else its own
    key (counted). IngestError when it references its patient conditionally (by identifier)
    and that finds no one Patient, and under ``keys`` when its patient's key cannot be told."""
    try:
        if keys is not None and resource.get("resourceType") == "Patient":
            return keys.own(resource, full_url)
        pid = patient_of(resource, links)
        why = unresolved_reason(pid)
        if why is not None:
            by_mrn = (keys.conditional_key(pid.criteria, pid.candidates) if keys is not None
                      else None)
            if by_mrn is None:
                raise refusal(resource, f"its patient cannot be told: {why}")
            return by_mrn
        if pid is not None:
            return pid if keys is None else keys.key(pid)
    except ValueError as exc:
        if keys is None:
            raise
        raise keys.refusal(resource, str(exc)) from None
    if default is None:
        dropped[NO_PATIENT] += 1
        return _own_key(resource)
    return default


def only_patient(patients: list[str], keys: PatientKeys | None) -> str | None:
    """The key of a Bundle's only Patient, which its entries of no patient take; None when
    it has none or several, or (under ``keys``) when that one's key cannot be told."""
    if len(patients) != 1:
        return None
    try:
        return patients[0] if keys is None else keys.key(patients[0])
    except ValueError:
        return None   # it is refused; an entry that does not name it is not


def entry_patient(res: Any, url: Any, bundle: dict[str, Any], links: dict[str, str],
                   dropped: Counter, only: str | None, keys: PatientKeys | None) -> str:
    """The key of the patient a Bundle entry belongs to (see :func:`deidentify_bundle`)."""
    url = url if isinstance(url, str) else None
    if not isinstance(res, dict):
        return only or _own_key(bundle)
    if res.get("resourceType") == "Patient" and keys is None:
        own_id = entry_patient_id(res, url)
        if own_id:
            return own_id
    return patient_or_own(res, links, dropped, only, keys=keys, full_url=url)
