"""Codings, quantities and the code systems Osler keeps from its sources."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CVX", "Coding", "ICD10CM", "ICD9CM", "LOINC", "OSLER", "Quantity", "RXNORM", "SNOMED",
           "UCUM", "system_name"]

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD9CM = "http://hl7.org/fhir/sid/icd-9-cm"
CVX = "http://hl7.org/fhir/sid/cvx"
UCUM = "http://unitsofmeasure.org"
#: Osler's own namespace for source codes that have no standard code (e.g. PhysioNet columns).
OSLER = "urn:osler"

_SHORT = {LOINC: "LOINC", SNOMED: "SNOMED", RXNORM: "RxNorm", ICD10CM: "ICD-10-CM",
          ICD9CM: "ICD-9-CM", CVX: "CVX", UCUM: "UCUM"}


def system_name(system: str | None) -> str:
    """Short human name of a code system URI (``LOINC`` for ``http://loinc.org``)."""
    if system is None:
        return "-"
    if system in _SHORT:
        return _SHORT[system]
    if system.startswith(OSLER + ":"):
        return system[len(OSLER) + 1:]
    return system.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Coding:
    """A code from a code system, as the source gave it.

    >>> Coding(LOINC, "8867-4", "Heart rate").label
    'LOINC 8867-4 Heart rate'
    """

    system: str | None
    code: str
    display: str | None = None

    @property
    def label(self) -> str:
        text = f"{system_name(self.system)} {self.code}"
        return f"{text} {self.display}" if self.display else text


@dataclass(frozen=True, slots=True)
class Quantity:
    """A numeric value with its UCUM unit (``None`` when the source gave no unit)."""

    value: float
    unit: str | None = None

    def __str__(self) -> str:
        v = f"{self.value:g}"
        return f"{v} {self.unit}" if self.unit else v
