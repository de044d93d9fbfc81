"""Keying FHIR patients by one of their identifiers (an MRN) instead of ``Patient.id``.

A FHIR server's ``Patient.id`` is its own (often a UUID); a PACS keys images by the MRN in
``PatientID`` and notes carry the MRN too. :class:`PatientIdentifier` names the identifier that
joins them: an ``Identifier.system`` URI, or an HL7 v2-0203 identifier type code such as ``MR``
(Synthea writes its MRN with that type, under ``http://hospital.smarthealthit.org``).

Rules, chosen so that a wrong join is refused rather than stored:

- An identifier with ``use: old`` is a superseded number and never keys a patient.
- A Patient with no such identifier, or with two different values of it, cannot be keyed: it
  is quarantined with everything that hangs on it.
- Two Patient resources with the same value are one person registered twice (a duplicate
  registration, or the same person from two endpoints): they are merged, as the store already
  merges a DICOM file of that MRN into the patient. When their birth dates or sexes disagree,
  or (keyed by type code) the value comes from different identifier systems, the number was
  reused or mistyped: merging would make one timeline of two people and keeping one would drop
  the other silently, so all of them are quarantined instead.

Messages name resource ids and fields, never identifier values, names or birth dates (PHI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from osler.record import PatientRecord

__all__ = ["IdentityLedger", "PatientIdentifier", "merge_records"]

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

    def _matches(self, ident: dict[str, Any]) -> bool:
        if self.system is not None:
            return ident.get("system") == self.system
        concept = ident.get("type")
        codings = concept.get("coding") if isinstance(concept, dict) else None
        return any(isinstance(c, dict) and c.get("code") == self.type_code
                   and c.get("system") in (None, _V2_0203) for c in codings or ())

    def value_of(self, patient: dict[str, Any]) -> tuple[str, str | None]:
        """``(value, system)`` of the identifier that keys ``patient``.

        Raises
        ------
        ValueError
            None or several different values; the message holds no value.
        """
        found: dict[str, str | None] = {}
        for ident in patient.get("identifier") or ():
            if not isinstance(ident, dict) or ident.get("use") == "old" or not self._matches(ident):
                continue
            value = ident.get("value")
            if isinstance(value, str) and value.strip():
                found.setdefault(value.strip(), ident.get("system"))
        if not found:
            raise ValueError(f"Patient has no {self}, which patients are keyed by here (an "
                             "identifier with use 'old' does not count)")
        if len(found) > 1:
            raise ValueError(f"Patient has {len(found)} different values of {self}; which one "
                             "keys the patient cannot be told")
        [(value, system)] = found.items()
        return value, system


@dataclass(frozen=True)
class _Seen:
    where: str              # "file, record Patient/<id>": where a key was first read
    birth_date: str | None
    sex: str | None
    system: str | None


def _sex(r: dict[str, Any]) -> str | None:
    gender = r.get("gender")
    return gender if isinstance(gender, str) and gender not in ("", "unknown") else None


def _birth(r: dict[str, Any]) -> str | None:
    birth = r.get("birthDate")
    return birth if isinstance(birth, str) and birth else None


def _disagreement(a: _Seen, b: _Seen) -> str | None:
    """The field two registrations of one identifier disagree on, or ``None``."""
    if a.birth_date and b.birth_date and not (a.birth_date.startswith(b.birth_date)
                                              or b.birth_date.startswith(a.birth_date)):
        return "birth date"  # '1980' and '1980-05-01' agree: one is less precise
    if a.sex and b.sex and a.sex != b.sex:
        return "sex"
    if a.system and b.system and a.system != b.system:
        return "identifier system"
    return None


@dataclass
class IdentityLedger:
    """Every identifier value keyed so far in one read, so that a second Patient of the same
    value in a later Bundle is checked against the first as one in the same Bundle is."""

    rule: PatientIdentifier
    seen: dict[str, _Seen] = field(default_factory=dict)

    def conflict(self, key: str, members: list[tuple[dict[str, Any], str | None, str]]
                 ) -> str | None:
        """Why the Patient resources ``members`` (resource, system, where) of one value may
        not be merged, with each other or with the one of that value read before; or ``None``.
        """
        regs = [_Seen(where, _birth(r), _sex(r), system) for r, system, where in members]
        earlier = self.seen.get(key)
        for i, reg in enumerate(regs):
            for other in regs[:i]:
                differs = _disagreement(other, reg)
                if differs:
                    return (f"Patient resources {other.where} and {reg.where} share one value "
                            f"of {self.rule} but their {differs} differs: one number for two "
                            "people is not merged, so no Patient of that value in this source "
                            "is kept")
            differs = _disagreement(earlier, reg) if earlier else None
            if differs:
                return (f"Patient {reg.where} shares its value of {self.rule} with {earlier.where}"
                        f", stored before, but their {differs} differs: one number for two "
                        "people is not merged")
        return None

    def remember(self, key: str, members: list[tuple[dict[str, Any], str | None, str]]) -> None:
        """Note that the Patients ``members`` of value ``key`` were stored."""
        if key not in self.seen:
            resource, system, where = members[0]
            self.seen[key] = _Seen(where, _birth(resource), _sex(resource), system)


def merge_records(records: list[PatientRecord]) -> PatientRecord:
    """One patient from several registrations: the first one's provenance, each demographic
    from the first that has it, and every event."""
    first = records[0]
    demographics = {name: next((getattr(r, name) for r in records
                                if getattr(r, name) is not None), None)
                    for name in ("birth_date", "sex", "race", "ethnicity", "deceased_time")}
    events = tuple(e for r in records for e in r.events)
    return replace(first, events=events, **demographics)
