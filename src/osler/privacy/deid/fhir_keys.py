"""Keying a FHIR patient's de-identification by its MRN instead of its ``Patient.id``.

A FHIR export's ``Patient.id`` is its server's (often a UUID), while DICOM de-id keys a patient
by ``PatientID`` and notes by their ``patient``: in a hospital, both the MRN. With a
:class:`~osler.record.PatientIdentifier` (``osler deid fhir --patient-identifier``), the
pseudonyms, surrogate names and date shift of a patient's resources are keyed by the value of
that identifier, chosen exactly as ``osler ingest --patient-identifier`` chooses it, so one
person gets one pseudonym and one date shift in all three.

A patient whose key cannot be told (no such identifier, two values of it, or its Patient
resource not read) is refused with every resource of it: keyed by anything else, its dates
would move by another shift than its images' and nothing would say so. Messages name the rule
and, when given a way to (``shown``), the patient by the pseudonym its output id gets; never a
source id (often the MRN or a name) nor an identifier's value.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from typing import Any

from osler.errors import IngestError
from osler.privacy.deid.fhir_patients import entry_patient_id, identifier_of_key
from osler.record import PatientIdentifier

__all__ = ["PatientKeys", "mrn_identifier", "refusal"]


class PatientKeys:
    """Each patient's de-identification key under ``rule``: its identifier's value.

    Parameters
    ----------
    rule : str or PatientIdentifier
        An ``Identifier.system`` URI or an HL7 v2-0203 type code (``'MR'``).
    identifiers : mapping, optional
        Patient source id -> its ``Patient.identifier`` list, read elsewhere in the export
        (:attr:`~osler.privacy.deid.fhir_patients.KnownNames.patient_identifiers`).
    shown : callable, optional
        A patient's source id -> how messages name it (its pseudonym); without it they
        say "its patient" alone. Never the source id itself: it is often the MRN or a name.

    Examples
    --------
    >>> keys = PatientKeys("http://hospital.example.org/mrn")
    >>> keys.add({"resourceType": "Patient", "id": "p1", "identifier": [
    ...     {"system": "http://hospital.example.org/mrn", "value": "MRN-0001"}]})
    >>> keys.key("p1")
    'MRN-0001'
    """

    def __init__(self, rule: str | PatientIdentifier,
                 identifiers: Mapping[str, list[Any]] | None = None,
                 shown: Callable[[str], str] | None = None) -> None:
        self.rule = PatientIdentifier.parse(rule)
        self._shown = shown
        # the export's map is read through, never copied: NDJSON de-id builds one of these
        # per line, and a copy per line cost lines x patients
        self._identifiers: ChainMap[str, list[Any]] = ChainMap({}, identifiers or {})

    def add(self, patient: dict[str, Any], full_url: str | None = None) -> None:
        """Take the identifiers of the Patient resource ``patient``."""
        pid = entry_patient_id(patient, full_url)
        if pid is not None:
            idents = patient.get("identifier")
            self._identifiers[pid] = idents if isinstance(idents, list) else []

    def child(self) -> PatientKeys:
        """Keys that read through these and take more Patients of their own (those in an
        attachment's JSON), leaving these as they were."""
        out = PatientKeys(self.rule, shown=self._shown)
        out._identifiers = self._identifiers.new_child()
        return out

    def own(self, patient: dict[str, Any], full_url: str | None = None) -> str:
        """The key of the Patient resource ``patient`` (taken too, see :meth:`add`).

        Raises
        ------
        ValueError
            It has no such identifier, or two values of it; the message holds no value.
        """
        self.add(patient, full_url)
        return self.rule.value_of(patient)[0]

    def key(self, pid: str) -> str:
        """The key of the patient ``pid`` (as :func:`~.fhir_patients.patient_of` gives it).

        Raises
        ------
        ValueError
            Its key cannot be told; the message names the patient as ``shown`` does, never
            by source id nor identifier value.
        """
        if pid in self._identifiers:
            try:
                return self.rule.value_of({"identifier": self._identifiers[pid]})[0]
            except ValueError as exc:
                raise ValueError(f"{self._patient(pid)} cannot be keyed: {exc}") from None
        by_identifier = identifier_of_key(pid)
        if by_identifier is not None:   # referenced by identifier, its Patient not read
            system, value = by_identifier
            if self.rule.keys({"system": system, "value": value}):
                return value.strip()
            if self.rule.type_code is not None:   # a reference's identifier has no type
                raise ValueError(f"its patient is referenced by identifier, which cannot say "
                                 f"whether it is of type {self.rule.type_code}; its Patient "
                                 "resource was not read with it (give it with --names-from)")
            raise ValueError(f"its patient is referenced by another identifier than the "
                             f"{self.rule} patients are keyed by, and its Patient resource was "
                             "not read with it")
        raise ValueError(f"{self._patient(pid)} was not read: a patient's pseudonyms "
                         f"and date shift come from the {self.rule} of its Patient resource "
                         "(de-identify NDJSON with the Patient file as --names-from)")

    def _patient(self, pid: str) -> str:
        return "its patient" if self._shown is None else f"its patient {self._shown(pid)}"

    def conditional_key(self, criteria: tuple[tuple[str | None, str], ...],
                        candidates: tuple[str, ...] = ()) -> str | None:
        """The key of a conditional reference (``Patient?identifier=SYSTEM|VALUE``) that finds
        no one Patient: the one key of the several Patients it found (registrations of one
        MRN), or, its Patient not read, the value of an identifier of the rule's system among
        its criteria, which keys the patient whatever its ``Patient.id``; else None."""
        keys = set()
        for pid in candidates:
            try:
                keys.add(self.key(pid))
            except ValueError:
                return None
        if keys:
            return keys.pop() if len(keys) == 1 else None
        for system, value in criteria:
            if system and self.rule.keys({"system": system, "value": value}):
                return value.strip()
        return None

    def refusal(self, resource: dict[str, Any], why: str) -> IngestError:
        """The error that refuses ``resource`` for ``why`` (from :meth:`key` or :meth:`own`),
        naming it by its type alone (see :func:`refusal`)."""
        return refusal(resource, why)


def refusal(resource: dict[str, Any], why: str) -> IngestError:
    """The error that refuses ``resource`` for ``why`` (which holds no PHI), naming it by its
    ``resourceType`` alone: its source id is often an MRN or a name, and only the caller
    knows its position and the key of its pseudonym."""
    rtype = resource.get("resourceType")
    return IngestError(f"{why}; it is not written",
                       record=rtype if isinstance(rtype, str) else None)


def mrn_identifier(ident: dict[str, Any], rule: PatientIdentifier, pseudonym: str
                   ) -> dict[str, Any]:
    """The identifier ``ident`` that keys its patient under ``rule``, with ``pseudonym`` for
    its value: its system (and, keyed by type, its v2-0203 type coding) kept, so that ingest
    keyed by the same rule finds it and joins the DICOM files whose PatientID became the same
    pseudonym."""
    out: dict[str, Any] = {}
    if isinstance(ident.get("system"), str):
        out["system"] = ident["system"]
    if rule.type_code is not None:
        codings = [{k: c[k] for k in ("system", "code") if k in c}
                   for c in ident["type"]["coding"]
                   if isinstance(c, dict) and c.get("code") == rule.type_code]
        out["type"] = {"coding": codings[:1]}
    out["value"] = pseudonym
    return out
