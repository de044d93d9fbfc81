"""Which ``Patient.identifier`` keys a patient (an MRN) instead of ``Patient.id``.

A FHIR server's ``Patient.id`` is its own (often a UUID); a PACS keys images by the MRN in
``PatientID`` and notes carry the MRN too. :class:`PatientIdentifier` names the identifier that
joins them: an ``Identifier.system`` URI, or an HL7 v2-0203 identifier type code such as ``MR``
(Synthea writes its MRN with that type, under ``http://hospital.smarthealthit.org``).

Ingest keys the stored patient by its value (:mod:`osler.ingest.fhir`), and FHIR
de-identification keys the patient's pseudonym and date shift by it
(:mod:`osler.privacy.deid.fhir`), so both choose it here, one way. An identifier with
``use: old`` is a superseded number and never keys a patient; none, or two different values,
cannot key one. Messages name the rule, never an identifier's value (PHI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["PatientIdentifier"]

_V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
_TYPE_CODE = re.compile(r"[A-Za-z]{1,10}")
_SPEC_HELP = ("an Identifier.system URI (e.g. 'http://hospital.example.org/mrn') or an HL7 "
              "v2-0203 identifier type code (e.g. 'MR')")


@dataclass(frozen=True)
class PatientIdentifier:
    """Which ``Patient.identifier`` keys a patient: by ``system`` URI or by ``type_code``.

    Examples
    --------
    >>> PatientIdentifier.parse("http://hospital.example.org/mrn").system
    'http://hospital.example.org/mrn'
    >>> PatientIdentifier.parse("MR").type_code
    'MR'
    """

    system: str | None = None
    type_code: str | None = None

    @classmethod
    def parse(cls, spec: str | PatientIdentifier) -> PatientIdentifier:
        """A URI (it has a ``:``) is a system; letters alone are a v2-0203 type code."""
        if isinstance(spec, PatientIdentifier):
            return spec
        if isinstance(spec, str) and spec and not any(c.isspace() for c in spec):
            if ":" in spec and not spec.startswith(":"):
                return cls(system=spec)
            if _TYPE_CODE.fullmatch(spec):
                return cls(type_code=spec)
        raise ValueError(f"The 'patient_identifier' parameter must be {_SPEC_HELP}; "
                         f"got {str(spec)[:80]!r}")

    def __str__(self) -> str:
        return (f"identifier system {self.system!r}" if self.system else
                f"identifier of type {self.type_code!r} (HL7 v2-0203)")

    def matches(self, ident: dict[str, Any]) -> bool:
        """Whether the Identifier ``ident`` is of this system or type (whatever its ``use``)."""
        if self.system is not None:
            return ident.get("system") == self.system
        concept = ident.get("type")
        codings = concept.get("coding") if isinstance(concept, dict) else None
        return any(isinstance(c, dict) and c.get("code") == self.type_code
                   and c.get("system") in (None, _V2_0203) for c in codings or ())

    def keys(self, ident: dict[str, Any]) -> bool:
        """Whether the Identifier ``ident`` is one that keys a patient: of this system or
        type, not ``use: old``, with a value."""
        value = ident.get("value")
        return (ident.get("use") != "old" and isinstance(value, str) and bool(value.strip())
                and self.matches(ident))

    def value_of(self, patient: dict[str, Any]) -> tuple[str, str | None]:
        """``(value, system)`` of the identifier that keys ``patient``.

        Raises
        ------
        ValueError
            None or several different values; the message holds no value.
        """
        found: dict[str, str | None] = {}
        for ident in patient.get("identifier") or ():
            if isinstance(ident, dict) and self.keys(ident):
                found.setdefault(ident["value"].strip(), ident.get("system"))
        if not found:
            raise ValueError(f"Patient has no {self}, which patients are keyed by here (an "
                             "identifier with use 'old' does not count)")
        if len(found) > 1:
            raise ValueError(f"Patient has {len(found)} different values of {self}; which one "
                             "keys the patient cannot be told")
        [(value, system)] = found.items()
        return value, system
