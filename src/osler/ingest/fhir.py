"""FHIR R4 reader: Bundles (``.json``, ``.json.gz``), bulk-export NDJSON (``.ndjson[.gz]``), and
a single resource in a ``.json`` file.

Resources are grouped into one :class:`PatientRecord` per Patient. References are resolved
within the source: ``urn:uuid:`` full URLs, relative ``Type/id``, absolute URLs ending in
``Type/id``, and conditional references by identifier (``Patient?identifier=SYSTEM|VALUE``, as
transaction Bundles write them), which resolve when exactly one resource of the source has
that identifier (:func:`osler.record.conditional_identifiers`, shared with de-identification).
For NDJSON, the source is every NDJSON file under the given path, or paths (a bulk export
writes one resource type per file, which may be named one by one), so a patient is assembled
across files.

A resource that fails validation or whose subject does not resolve is quarantined alone; the
patient is stored with the rest. A Patient resource that fails is quarantined with everything
that hangs on it: Osler never stores half a patient under a broken identity.

A resource on its own (a DocumentReference posted by itself, say) has no Patient beside it, so
its subject must name the patient as ``Patient/<id>``: the events are stored under that id with
no demographics, and a later or earlier Bundle for the same id keeps its own. A subject that
names no id (``urn:uuid:``, contained) is quarantined saying so.

With ``patient_identifier`` (``osler ingest --patient-identifier``) a patient is keyed by the
value of one of its identifiers (the MRN a PACS writes as DICOM ``PatientID``) instead of its
``Patient.id``, so FHIR, images and notes of one person join into one record. Every resource
that references the Patient (``Patient/<id>``, ``urn:uuid:``, across the NDJSON files of one
export) lands under that value; what is refused and what is merged is told in
:mod:`osler.ingest._fhir_identity`. A resource on its own names its patient by server id
only, which no identifier maps here, so under this option it is quarantined saying so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any

import orjson

from osler.errors import IngestError
from osler.ingest._fhir_identity import IdentityLedger, merge_records
from osler.ingest._fhir_map import MAPPERS, MapContext, fhir_event_id, fhir_server_name
from osler.ingest._fhir_notes import merge_pairs
from osler.ingest._fhir_time import parse_date, parse_datetime
from osler.ingest._fhir_validate import validate_fast, validate_strict
from osler.ingest._files import Member, iter_members
from osler.record import (ConditionalReference, Event, IdentifierIndex, Note, PatientIdentifier,
                          PatientRecord, Provenance, conditional_identifiers)

__all__ = ["read_fhir", "sniff_fhir_bundle", "sniff_fhir_ndjson", "sniff_fhir_resource"]

OnError = Callable[[IngestError], None] | None
_SUBJECT = ("subject", "patient")
_US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-"
_FHIR_ID = re.compile(r"[A-Za-z0-9.-]{1,64}")
_LONE_SUBJECT = ("a {} on its own (not in a Bundle) must name its patient as subject "
                 "'Patient/<id>' (a relative reference: an absolute URL may name another "
                 "server's patient of the same id); a urn:uuid or contained reference resolves "
                 "only inside a Bundle")
_LONE_UNKEYED = ("a {} on its own (not in a Bundle) names its patient by server id, and the "
                 "patient is keyed by {} here: read it together with its Patient (in its "
                 "Bundle, or in the directory of its NDJSON export)")


@dataclass
class _Entry:
    resource: dict[str, Any]
    full_url: str | None
    provenance: Provenance


@dataclass
class _Source:
    """All resources of one bundle, or of all NDJSON files of one export."""

    name: str
    entries: list[_Entry] = field(default_factory=list)
    standalone: bool = False  # one resource on its own: its patient is named, not included


def sniff_fhir_bundle(path: Path, head: bytes) -> bool:
    text = head.lstrip()[:4096]
    return text.startswith(b"{") and b'"resourceType"' in text and b'"Bundle"' in text


def sniff_fhir_resource(path: Path, head: bytes) -> bool:
    """One FHIR resource as a JSON document (checked after NDJSON, which it also resembles)."""
    text = head.lstrip()[:4096]
    return text.startswith(b"{") and b'"resourceType"' in text


def sniff_fhir_ndjson(path: Path, head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"resourceType"' in first and b'"Bundle"' not in first[:200]


def read_fhir(source: Path | str | Sequence[Path | str], *, on_error: OnError = None,
              validation: str = "fast",
              patient_identifier: str | PatientIdentifier | None = None,
              server: str | None = None,
              on_note_merged: Callable[[Note], None] | None = None) -> Iterator[PatientRecord]:
    """Patient records from FHIR Bundles and NDJSON files in a file, directory or zip.

    Parameters
    ----------
    source : Path or list of Path
        A bundle, an NDJSON file, or a directory / zip holding them; or several, read as one
        export: the NDJSON files of all of them (``Patient.ndjson`` and
        ``Observation.ndjson`` named one by one) are one source, so a resource in one file
        resolves its patient in another.
    on_error : callable, optional
        Receives an :class:`IngestError` per rejected file or resource; without it the first
        error is raised.
    validation : {'fast', 'strict'}
        ``fast`` checks what Osler relies on; ``strict`` also validates every resource against
        the full R4 model with fhir.resources (slower; see docs/benchmarks.md).
    patient_identifier : str or PatientIdentifier, optional
        Key each patient by the value of its identifier of this ``Identifier.system`` URI
        (``'http://hospital.example.org/mrn'``) or HL7 v2-0203 type code (``'MR'``) instead
        of by ``Patient.id``. A Patient without it is quarantined with its events; Patients
        sharing one value are merged unless their birth date or sex disagree.
    server : str, optional
        The FHIR server the source came from (its base URL, or any stable name for it:
        ``osler ingest --fhir-server``). A resource id is unique on its server only, so two
        servers' ``Observation/1`` would otherwise be one event, and the second read would
        move it to its own patient. Give each server's sources the same name at every read:
        it is part of every event id, not of the patient key: patients are keyed by
        ``Patient.id`` or ``patient_identifier`` whatever their server, so several servers'
        patients need an identifier whose values are unique across them to stay apart.
        Each record's ``fhir_server`` is the server's name.
    on_note_merged : callable, optional
        Called with each note not stored because it is another's twin: a DiagnosticReport's
        ``presentedForm`` and a DocumentReference of the same patient, encounter, time and
        text are one note (Synthea writes every note both ways), stored once
        (:mod:`osler.ingest._fhir_notes`).

    Examples
    --------
    >>> records = read_fhir(Path("export/"), patient_identifier="MR")  # doctest: +SKIP
    >>> records = read_fhir([Path("Patient.ndjson"), Path("Observation.ndjson")])  # doctest: +SKIP
    """
    if validation not in ("fast", "strict"):
        raise ValueError(f"The 'validation' parameter must be one of {{'fast', 'strict'}}; "
                         f"got {validation!r}")
    sources = _paths(source)
    server = fhir_server_name(server)
    ledger = (IdentityLedger(PatientIdentifier.parse(patient_identifier))
              if patient_identifier is not None else None)
    report = _reporter(on_error)
    members = _members(sources, on_error)
    ndjson = _Source(name=", ".join(p.name for p in sources))
    for member in members:
        if ".ndjson" in member.suffixes:
            ndjson.entries.extend(_ndjson_entries(member, report))
            continue
        bundle = _bundle_source(member, report)
        if bundle is not None:
            yield from _at_server(_assemble(bundle, report, validation, ledger, server,
                                            on_note_merged), server)
    if ndjson.entries:
        yield from _at_server(_assemble(ndjson, report, validation, ledger, server,
                                        on_note_merged), server)


def _at_server(records: Iterable[PatientRecord], server: str | None
               ) -> Iterator[PatientRecord]:
    """A named server's patients carry its name: what tells two servers' ``Patient/1`` apart
    when both are stored under one key."""
    for record in records:
        yield record if server is None else replace(record, fhir_server=server)



def _paths(source: Path | str | Sequence[Path | str]) -> list[Path]:
    if isinstance(source, str | PathLike):
        return [Path(source)]
    if isinstance(source, Iterable):
        paths = [Path(p) for p in source]
        if paths:
            return paths
    raise ValueError("The 'source' parameter must be a path or a non-empty list of paths; "
                     f"got {type(source).__name__}")


def _members(sources: list[Path], on_error: OnError) -> list[Member]:
    """The FHIR files under ``sources``, each once (a file named beside its directory)."""
    seen: set[tuple[Path, str | None]] = set()
    out = []
    for path in sources:
        for member in iter_members(path, lambda n: n.endswith(
                (".json", ".json.gz", ".ndjson", ".ndjson.gz")), on_error):
            where = (member.path.resolve(), member.inner)
            if where not in seen:
                seen.add(where)
                out.append(member)
    return out


def _reporter(on_error: OnError) -> Callable[[IngestError], None]:
    def report(err: IngestError) -> None:
        if on_error is None:
            raise err
        on_error(err)
    return report


_MAGIC = {b"\x89PNG": "a PNG image", b"%PDF": "a PDF document", b"PK\x03\x04": "a zip archive",
          b"\x1f\x8b": "gzip data", b"\xff\xd8\xff": "a JPEG image"}


def _load_json(member: Member, data: bytes) -> Any:
    start = data.lstrip()[:1]
    if start not in (b"{", b"["):
        looks = next((what for magic, what in _MAGIC.items() if data.startswith(magic)),
                     "not JSON text")
        raise IngestError(f"not valid JSON: content is {looks}, whatever the file name says",
                          file=member.name)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        reason = ("not UTF-8 text (FHIR JSON must be UTF-8)" if "utf-8" in str(exc).lower()
                  else f"not valid JSON ({exc})")
        raise IngestError(reason, file=member.name) from None


def _bundle_source(member: Member, report: Callable[[IngestError], None]) -> _Source | None:
    try:
        doc = _load_json(member, member.open_bytes())
        if isinstance(doc, dict) and _readable_alone(doc.get("resourceType")):
            return _standalone_source(member, doc)
        if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
            got = doc.get("resourceType") if isinstance(doc, dict) else type(doc).__name__
            raise IngestError(f"expected a FHIR Bundle, a Patient or one clinical resource "
                              f"({', '.join(sorted(MAPPERS))}); got {got!r}", file=member.name)
        if not isinstance(doc.get("entry", []), list):
            raise IngestError("Bundle.entry must be a list", file=member.name)
    except IngestError as err:
        report(err)
        return None
    src = _Source(name=member.name)
    for i, entry in enumerate(doc.get("entry", [])):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            report(IngestError("Bundle entry has no resource", file=member.name, record=f"entry[{i}]"))
            continue
        rid = str(resource.get("id") or entry.get("fullUrl") or f"entry[{i}]")
        src.entries.append(_Entry(resource, entry.get("fullUrl"),
                                  Provenance(member.name, f"{resource.get('resourceType')}/{rid}")))
    return src


def _readable_alone(rtype: object) -> bool:
    return rtype == "Patient" or rtype in MAPPERS


def _standalone_source(member: Member, resource: dict[str, Any]) -> _Source:
    rid = str(resource.get("id") or member.stem)
    return _Source(name=member.name, standalone=True, entries=[_Entry(
        resource, None, Provenance(member.name, f"{resource['resourceType']}/{rid}"))])


def _ndjson_entries(member: Member, report: Callable[[IngestError], None]) -> Iterable[_Entry]:
    try:
        data = member.open_bytes()
    except IngestError as err:
        report(err)
        return
    for lineno, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            resource = _load_json(member, line)
            if not isinstance(resource, dict) or "resourceType" not in resource:
                raise IngestError("line is not a FHIR resource", file=member.name)
        except IngestError as err:
            report(IngestError(err.reason, file=member.name, line=lineno))
            continue
        rid = resource.get("id", f"line{lineno}")
        yield _Entry(resource, None, Provenance(member.name, f"{resource['resourceType']}/{rid}",
                                                lineno))


def _key(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id')}"


class _Index(dict[str, dict[str, Any]]):
    """Every way a resource of this source can be referenced -> the resource; and the
    resources by identifier, for conditional references (``Patient?identifier=sys|value``)."""

    def __init__(self) -> None:
        super().__init__()
        self.identifiers = IdentifierIndex()


def _index(src: _Source) -> _Index:
    index = _Index()
    for e in src.entries:
        key = _key(e.resource) if e.resource.get("id") else e.full_url
        if e.resource.get("id"):
            index[_key(e.resource)] = e.resource
        if e.full_url:
            index[e.full_url] = e.resource
        if key:
            index.identifiers.add(key, e.resource)
    return index


def _resolve(index: _Index, ref: str) -> dict[str, Any] | None:
    """The resource ``ref`` names in this source, or None. ValueError (no PHI in it) for a
    conditional reference that finds no resource, or several."""
    conditional = conditional_identifiers(ref)
    if conditional is not None:
        return index[index.identifiers.resolve(conditional)]
    hit = index.get(ref)
    if hit is None and "/" in ref and not ref.startswith("urn:"):
        hit = index.get("/".join(ref.rstrip("/").split("/")[-2:]))  # absolute URL
    return hit


def _resolve_or_none(index: _Index, ref: str) -> dict[str, Any] | None:
    """:func:`_resolve` for what a mapper looks up (an author, a medication, an attachment):
    a conditional reference that finds nothing is as unknown as a plain one that finds
    nothing, and costs the resource nothing; only the patient's must resolve."""
    try:
        return _resolve(index, ref)
    except ValueError:
        return None


def _assemble(src: _Source, report: Callable[[IngestError], None], validation: str,
              ledger: IdentityLedger | None = None, server: str | None = None,
              on_note_merged: Callable[[Note], None] | None = None
              ) -> Iterator[PatientRecord]:
    index = _index(src)
    patients: dict[str, _Entry] = {}
    events: dict[str, list[Event]] = defaultdict(list)
    for e in src.entries:
        r = e.resource
        rtype = r.get("resourceType")
        if rtype != "Patient" and rtype not in MAPPERS:
            continue  # not clinical data (Claim, Organization ...): skipped by design
        problem = validate_fast(r) or (validate_strict(r) if validation == "strict" else None)
        if problem:
            report(IngestError(problem, file=e.provenance.source, record=e.provenance.record,
                               line=e.provenance.line))
            continue
        if rtype == "Patient":
            patients[r.get("id") or e.full_url or e.provenance.record] = e
            continue
        if src.standalone and ledger is not None:
            report(IngestError(_LONE_UNKEYED.format(rtype, ledger.rule), file=e.provenance.source,
                               record=e.provenance.record, line=e.provenance.line))
            continue
        try:
            pid = (_named_patient(r) if src.standalone else
                   _subject(r, index, ledger.rule if ledger is not None else None))
        except ValueError as exc:   # a conditional reference that finds no one Patient
            report(IngestError(f"subject: {exc}", file=e.provenance.source,
                               record=e.provenance.record, line=e.provenance.line))
            continue
        if pid is None:
            report(IngestError(_LONE_SUBJECT.format(rtype) if src.standalone else
                               "subject reference does not resolve to a Patient in this source",
                               file=e.provenance.source, record=e.provenance.record,
                               line=e.provenance.line))
            continue
        mapped = _map(e, index, report, src.standalone, server)
        if mapped is not None:
            events[pid].extend(mapped)
    for pid in events:   # one note as a DiagnosticReport and a DocumentReference: stored once
        events[pid] = merge_pairs(events[pid], on_note_merged)
    if ledger is not None:
        yield from _keyed(src, patients, events, ledger, report)
        return
    for pid, entry in patients.items():
        record = _patient(entry, pid, events.pop(pid, []), report)
        if record is not None:
            yield record
    for pid, evs in events.items():
        if src.standalone:  # the patient is named, not given: an id with no demographics
            yield PatientRecord(patient_id=pid, provenance=Provenance(src.name, f"Patient/{pid}"),
                                events=tuple(evs))
            continue
        # a subject that resolved to a Patient that was rejected
        report(IngestError(f"{len(evs)} events belong to a Patient that was rejected",
                           file=src.name, record=f"Patient/{pid}"))


def _keyed(src: _Source, patients: dict[str, _Entry], events: dict[str, list[Event]],
           ledger: IdentityLedger, report: Callable[[IngestError], None]
           ) -> Iterator[PatientRecord]:
    """Records keyed by identifier value, the Patients of one value merged into one. A value
    that cannot be stored whole is not stored at all (see :mod:`._fhir_identity`)."""
    groups: dict[str, list[tuple[str, _Entry, str | None]]] = defaultdict(list)
    for pid, entry in patients.items():
        try:
            value, system = ledger.rule.value_of(entry.resource)
        except ValueError as exc:
            _refuse(entry, str(exc), len(events.pop(pid, [])), report)
            continue
        groups[value].append((pid, entry, system))
    for key, members in groups.items():
        # the most precise birth date first: merged, '1951' must not win over '1951-02-03'
        members.sort(key=lambda m: -len(str(m[1].resource.get("birthDate") or "")))
        owned = {pid: events.pop(pid, []) for pid, _, _ in members}
        described = [(e.resource, system, _where(e)) for _, e, system in members]
        problem = ledger.conflict(key, described)
        if problem:
            for pid, e, _ in members:
                _refuse(e, problem, len(owned[pid]), report)
            continue
        records = [_patient(e, key, owned[pid], report) for pid, e, _ in members]
        if any(r is None for r in records):  # that one said why; the others are not half of it
            for (pid, e, _), record in zip(members, records, strict=True):
                if record is not None:
                    _refuse(e, "another Patient resource of the same identifier value could "
                            "not be read", len(owned[pid]), report)
            continue
        ledger.remember(key, described)
        yield merge_records(records)
    for pid, evs in events.items():  # a subject that resolved to a Patient that was rejected
        report(IngestError(f"{len(evs)} events belong to a Patient that was rejected",
                           file=src.name, record=f"Patient/{pid}"))


def _where(e: _Entry) -> str:
    line = f" line {e.provenance.line}" if e.provenance.line is not None else ""
    return f"{e.provenance.source} {e.provenance.record}{line}"


def _refuse(e: _Entry, reason: str, n_events: int, report: Callable[[IngestError], None]) -> None:
    report(IngestError(f"{reason}; the Patient and its {n_events} events are not stored",
                       file=e.provenance.source, record=e.provenance.record,
                       line=e.provenance.line))


def _subject(r: dict[str, Any], index: _Index, rule: PatientIdentifier | None = None
             ) -> str | None:
    """The id of the Patient ``r`` belongs to; ValueError for a conditional reference that
    finds no one Patient (under ``rule``, no one patient key)."""
    for name in _SUBJECT:
        ref = (r.get(name) or {}).get("reference")
        if ref:
            conditional = conditional_identifiers(ref)
            if conditional is not None:   # Patient/<id>, or the fullUrl of one without an id
                ref = _conditional_patient(index, conditional, rule)
            target = _resolve(index, ref)
            if target is not None and target.get("resourceType") == "Patient":
                return target.get("id") or ref
            return None
    return None


def _conditional_patient(index: _Index, conditional: ConditionalReference,
                         rule: PatientIdentifier | None) -> str:
    """The one Patient ``conditional`` finds; keyed by ``rule``, the first of several that
    share one key (registrations of one MRN, merged as one patient, or refused together)."""
    try:
        return index.identifiers.resolve(conditional)
    except ValueError:
        found = sorted(index.identifiers.matches(conditional))
        if rule is None or len(found) < 2:
            raise
        keys = {_value_or_none(rule, index[k]) for k in found}
        if len(keys) != 1 or None in keys:
            raise
        return found[0]


def _value_or_none(rule: PatientIdentifier, patient: dict[str, Any]) -> str | None:
    try:
        return rule.value_of(patient)[0]
    except ValueError:
        return None


def _named_id(ref: object, rtype: str) -> str | None:
    """The id in a reference ``<rtype>/<id>``, relative or an absolute URL; else ``None``."""
    if not isinstance(ref, str) or ref.startswith(("urn:", "#")):
        return None
    parts = ref.rstrip("/").split("/")
    ok = len(parts) >= 2 and parts[-2] == rtype and _FHIR_ID.fullmatch(parts[-1])
    return parts[-1] if ok else None


def _named_patient(r: dict[str, Any]) -> str | None:
    """The patient a resource on its own names: its subject (or patient) ``Patient/<id>``."""
    ref = next((r[n].get("reference") for n in _SUBJECT if isinstance(r.get(n), dict)), None)
    if isinstance(ref, str) and "://" in ref:
        return None   # another server's Patient/<id> is not this store's
    return _named_id(ref, "Patient")


def _encounter_refs(r: dict[str, Any]) -> list[str]:
    """The references of the encounter(s) ``r`` was made in, in every shape FHIR gives them:
    ``encounter`` (R4 Observation, DiagnosticReport ...), ``context`` as one Reference (STU3
    Observation), ``context.encounter`` as a list (R4 DocumentReference:
    ``{"context": {"encounter": [{"reference": "urn:uuid:enc1"}]}}``) or as one Reference
    (STU3 DocumentReference), and ``context`` as a list (R5 DocumentReference)."""
    holder = r.get("encounter") or r.get("context")
    if isinstance(holder, dict) and "reference" not in holder:
        holder = holder.get("encounter")
    refs = holder if isinstance(holder, list) else [holder]
    return [h["reference"] for h in refs
            if isinstance(h, dict) and isinstance(h.get("reference"), str) and h["reference"]]


def _encounter_id(r: dict[str, Any], index: _Index, standalone: bool,
                  server: str | None = None) -> str | None:
    """The stored id of the Encounter ``r`` was made in: the first of its references
    (:func:`_encounter_refs`) that is not plainly of another type (a DocumentReference's
    context may also name an EpisodeOfCare or an Appointment); ValueError when that one does
    not resolve in this source (on its own, a resource may name ``Encounter/<id>``). An
    ``encounter`` element names an Encounter only: one that names anything else is wrong."""
    in_context = not r.get("encounter")
    for enc_ref in _encounter_refs(r):
        target = _resolve(index, enc_ref)
        if target is not None and target.get("resourceType") == "Encounter":
            return fhir_event_id(server, "Encounter", target.get("id"))
        if in_context and _other_type(target, enc_ref):
            continue
        named = _named_id(enc_ref, "Encounter") if standalone else None
        if named is None:
            raise ValueError("encounter reference does not resolve in this source")
        return fhir_event_id(server, "Encounter", named)
    return None


def _other_type(target: dict[str, Any] | None, ref: str) -> bool:
    """Whether a context reference names something other than an Encounter: it resolves to
    another resource type, or reads ``EpisodeOfCare/7`` (not ``Encounter/7``, nor a
    ``urn:uuid:`` that names no type)."""
    if target is not None:
        return True
    parts = ref.rstrip("/").split("/")
    return not ref.startswith(("urn:", "#")) and len(parts) >= 2 and parts[-2] != "Encounter" \
        and parts[-2][:1].isupper()


def _map(e: _Entry, index: _Index, report: Callable[[IngestError], None],
         standalone: bool = False, server: str | None = None) -> list[Event] | None:
    r = e.resource
    try:
        enc_id = _encounter_id(r, index, standalone, server)
        ctx = MapContext(e.provenance, enc_id, str(r.get("id") or e.full_url or e.provenance.record),
                         lambda ref: _resolve_or_none(index, ref), server)
        return MAPPERS[r["resourceType"]](r, ctx)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        report(IngestError(f"cannot map {r['resourceType']}: {exc}", file=e.provenance.source,
                           record=e.provenance.record, line=e.provenance.line))
        return None


def _extension_text(r: dict[str, Any], name: str) -> str | None:
    for ext in r.get("extension") or ():
        if ext.get("url") == _US_CORE + name:
            for sub in ext.get("extension") or ():
                if sub.get("url") == "text" and sub.get("valueString"):
                    return sub["valueString"]
                if sub.get("url") == "ombCategory":
                    return (sub.get("valueCoding") or {}).get("display")
    return None


def _patient(e: _Entry, pid: str, events: list[Event],
             report: Callable[[IngestError], None]) -> PatientRecord | None:
    r = e.resource
    element = "birthDate"
    try:
        birth = parse_date(r["birthDate"]) if r.get("birthDate") else None
        element = "deceasedDateTime"
        deceased = parse_datetime(r["deceasedDateTime"]) if r.get("deceasedDateTime") else None
    except (ValueError, TypeError):
        # the element, not its value: a birth date is PHI even when mistyped
        report(IngestError(f"Patient cannot be read (Patient.{element} is not a FHIR "
                           f"{'date' if element == 'birthDate' else 'dateTime'}); its "
                           f"{len(events)} events are not stored", file=e.provenance.source,
                           record=e.provenance.record, line=e.provenance.line))
        return None
    return PatientRecord(patient_id=pid, provenance=e.provenance, birth_date=birth,
                         sex=r.get("gender"), race=_extension_text(r, "race"),
                         ethnicity=_extension_text(r, "ethnicity"), deceased_time=deceased,
                         events=tuple(events))
