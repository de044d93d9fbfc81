"""Keying FHIR patients by one of their identifiers (an MRN) instead of ``Patient.id``.

Which identifier keys a patient is :class:`osler.record.PatientIdentifier` (shared with FHIR
de-identification, which keys pseudonyms and date shifts by the same value). What ingest does
with it, chosen so that a wrong join is refused rather than stored:

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

from dataclasses import dataclass, field, replace
from typing import Any

from osler.record import PatientIdentifier, PatientRecord

__all__ = ["IdentityLedger", "merge_records"]


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
