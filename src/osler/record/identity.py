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

A reference may also name its patient by a search, ``Patient?identifier=SYSTEM|VALUE`` (a
*conditional reference*, as FHIR transaction Bundles and Synthea write them).
:func:`conditional_identifiers` reads one and :class:`IdentifierIndex` finds the Patient it
names, so that ingest and de-identification resolve it the same way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["ConditionalReference", "IdentifierIndex", "PatientIdentifier",
           "conditional_identifiers"]

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


@dataclass(frozen=True)
class ConditionalReference:
    """A reference by search, ``Type?identifier=[system|]value[&identifier=...]``.

    ``criteria`` holds one ``(system, value)`` per ``identifier`` parameter, all of which a
    resource must match: ``system`` None matches any system, ``''`` an identifier without one
    (FHIR token search). Its text holds identifier values (PHI): never put it in a message.
    """

    resource_type: str
    criteria: tuple[tuple[str | None, str], ...]


_RESOURCE_TYPE = re.compile(r"[A-Z][A-Za-z]+")
# FHIR search parameters a conditional reference may use instead of identifier, named in
# messages; any other text is only counted (a malformed "identifier|M123" or a bare "smith"
# could be a value)
_SEARCH_PARAMETERS = frozenset({
    "_id", "_lastUpdated", "active", "address", "address-city", "address-country",
    "address-postalcode", "address-state", "birthdate", "death-date", "deceased", "email",
    "family", "gender", "general-practitioner", "given", "language", "link", "name",
    "organization", "phone", "phonetic", "telecom", "code", "subject", "patient", "status",
    "date", "category", "type", "url", "version"})


def conditional_identifiers(reference: object) -> ConditionalReference | None:
    """The identifiers a conditional reference searches by, or None when ``reference`` is no
    conditional reference (``Patient/123``, ``urn:uuid:...``, not a string).

    Only ``identifier`` criteria resolve: a search by anything else (``name``, ``birthdate``)
    cannot be told apart from a guess.

    Raises
    ------
    ValueError
        A conditional reference that searches by other criteria, or by no identifier value;
        the message names the criteria, never their values.

    Examples
    --------
    >>> conditional_identifiers("Patient?identifier=http://hospital.example.org/mrn|M1")
    ConditionalReference(resource_type='Patient', criteria=(('http://hospital.example.org/mrn', 'M1'),))
    >>> conditional_identifiers("Patient/123") is None
    True
    """
    if not isinstance(reference, str) or "?" not in reference or reference.startswith("#"):
        return None
    path, _, query = reference.partition("?")
    rtype = path.rstrip("/").rsplit("/", 1)[-1]   # relative, or on a server's base URL
    if not _RESOURCE_TYPE.fullmatch(rtype):
        return None
    params = parse_qsl(query, keep_blank_values=True)
    other = sorted({name for name, _ in params if name != "identifier"})
    if other:
        # a search parameter's name, never text that could be a value ("identifier|M123"):
        # those are only counted
        bases = [o.partition(":")[0] for o in other]   # a modifier is not shown either
        named = sorted({b for b in bases if b in _SEARCH_PARAMETERS})
        unnamed = sum(b not in _SEARCH_PARAMETERS for b in bases)
        got = ", ".join([repr(o) for o in named]
                        + ([f"{unnamed} criteria that are no search parameter name"]
                           if unnamed else []))
        raise ValueError(f"a conditional reference to a {rtype} resolves by 'identifier' "
                         f"criteria only; got {got}")
    criteria = []
    for _, token in params:
        system, bar, value = token.partition("|")   # parse_qsl decoded %7C already
        if not bar:   # a value alone: of any system
            system, value = None, token
        if not value.strip():
            raise ValueError(f"a conditional reference to a {rtype} has an identifier "
                             "criterion without a value")
        criteria.append((system, value.strip()))
    if not criteria:
        raise ValueError(f"a conditional reference to a {rtype} names no identifier")
    return ConditionalReference(rtype, tuple(criteria))


class IdentifierIndex:
    """The resources of one source (a Bundle, an export) by their identifiers, to resolve
    conditional references to them as a FHIR server would: a reference resolves when exactly
    one resource of its type matches every criterion.

    Examples
    --------
    >>> index = IdentifierIndex()
    >>> index.add("p1", {"resourceType": "Patient", "identifier": [
    ...     {"system": "http://hospital.example.org/mrn", "value": "M1"}]})
    >>> index.resolve(conditional_identifiers("Patient?identifier=M1"))
    'p1'
    """

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str | None, str], set[str]] = defaultdict(set)

    def add(self, key: str, resource: dict[str, Any]) -> None:
        """Index ``resource`` (its identifiers) under ``key`` (what a reference resolves to)."""
        rtype = resource.get("resourceType")
        for ident in resource.get("identifier") or ():
            value = ident.get("value") if isinstance(ident, dict) else None
            if not isinstance(rtype, str) or not isinstance(value, str) or not value.strip():
                continue
            system = ident.get("system") if isinstance(ident.get("system"), str) else ""
            self._by_key[(rtype, None, value.strip())].add(key)
            self._by_key[(rtype, system, value.strip())].add(key)

    def copy(self) -> IdentifierIndex:
        out = IdentifierIndex()
        out._by_key.update((k, set(v)) for k, v in self._by_key.items())
        return out

    def matches(self, reference: ConditionalReference) -> set[str]:
        """The keys of every resource ``reference`` finds."""
        found: set[str] | None = None
        for system, value in reference.criteria:
            hits = self._by_key.get((reference.resource_type, system, value), set())
            found = set(hits) if found is None else found & hits
        return found or set()

    def resolve(self, reference: ConditionalReference) -> str:
        """The key of the one resource ``reference`` finds.

        Raises
        ------
        ValueError
            None or several match; the message holds no identifier value.
        """
        found = self.matches(reference)
        what = f"a conditional reference to a {reference.resource_type} by identifier"
        if not found:
            raise ValueError(f"{what} matches no {reference.resource_type} in this source "
                             f"(read it together with the {reference.resource_type} it names)")
        if len(found) > 1:
            raise ValueError(f"{what} matches {len(found)} {reference.resource_type} resources "
                             "in this source; which one it names cannot be told")
        return next(iter(found))
