"""Conditional references (``Patient?identifier=SYSTEM|VALUE``, as transaction Bundles and
Synthea write them) resolve to the Patient with that identifier, as ``Patient/<id>`` would;
one that finds no Patient, or two, quarantines that resource alone."""

from __future__ import annotations

import json

import orjson
import pytest

from fhir_factory import patient_bundle
from osler.errors import IngestError
from osler.ingest import read_fhir
from osler.record import conditional_identifiers

MRN_SYSTEM = "http://hospital.example.org/mrn"
#: Made-up values: none may appear in any error message.
PHI = ("MRN-COND-", "Quixmoor")


def _bundle(n: int, mrn: str) -> dict:
    bundle = patient_bundle(n)
    patient = bundle["entry"][0]["resource"]
    patient["name"] = [{"family": "Quixmoor", "given": ["Ada"]}]
    patient["identifier"] = [{"system": MRN_SYSTEM, "value": mrn}]
    return bundle


def _conditional(bundle: dict, reference: str, types: tuple[str, ...] = ("Observation",)) -> dict:
    for e in bundle["entry"]:
        r = e["resource"]
        if r["resourceType"] in types and "subject" in r:
            r["subject"] = {"reference": reference}
    return bundle


def _read(source, **kw):
    errors: list[IngestError] = []
    records = list(read_fhir(source, on_error=errors.append, **kw))
    for err in errors:
        assert not any(value in str(err) for value in PHI), str(err)
    return records, errors


def _write(path, doc):
    path.write_bytes(orjson.dumps(doc))
    return path


@pytest.mark.parametrize("reference", [
    f"Patient?identifier={MRN_SYSTEM}|MRN-COND-1",
    "Patient?identifier=http%3A%2F%2Fhospital.example.org%2Fmrn%7CMRN-COND-1",
    "Patient?identifier=MRN-COND-1",
    f"https://ehr.example.org/fhir/Patient?identifier={MRN_SYSTEM}|MRN-COND-1",
])
def test_a_conditional_subject_lands_on_the_patient_a_literal_one_gives(tmp_path, reference):
    literal = _write(tmp_path / "literal.json", _bundle(1, "MRN-COND-1"))
    conditional = _write(tmp_path / "conditional.json",
                         _conditional(_bundle(1, "MRN-COND-1"), reference))
    (want,), errors = _read(literal)
    assert errors == []
    (got,), errors = _read(conditional)
    assert errors == []
    assert got.patient_id == want.patient_id and got.counts() == want.counts()
    assert {e.id for e in got.events} == {e.id for e in want.events}


def test_conditional_references_resolve_per_patient_in_a_bundle_of_two(tmp_path):
    a, b = _bundle(1, "MRN-COND-1"), _bundle(2, "MRN-COND-2")
    _conditional(a, f"Patient?identifier={MRN_SYSTEM}|MRN-COND-1")
    _conditional(b, f"Patient?identifier={MRN_SYSTEM}|MRN-COND-2")
    both = {"resourceType": "Bundle", "type": "transaction", "entry": a["entry"] + b["entry"]}
    records, errors = _read(_write(tmp_path / "both.json", both))
    assert errors == []
    ids = {a["entry"][0]["resource"]["id"]: a, b["entry"][0]["resource"]["id"]: b}
    for rec in records:
        own = {f"Observation/{e['resource']['id']}" for e in ids[rec.patient_id]["entry"]
               if e["resource"]["resourceType"] == "Observation"}
        assert {e.provenance.record for e in rec.events
                if e.provenance.record.startswith("Observation/")} == own


def test_under_mrn_keying_a_conditional_reference_keys_by_the_mrn(tmp_path):
    path = _write(tmp_path / "b.json", _conditional(
        _bundle(1, "MRN-COND-1"), f"Patient?identifier={MRN_SYSTEM}|MRN-COND-1",
        ("Observation", "Condition", "Encounter")))
    (rec,), errors = _read(path, patient_identifier=MRN_SYSTEM)
    (plain,), _ = _read(_write(tmp_path / "p.json", _bundle(1, "MRN-COND-1")),
                        patient_identifier=MRN_SYSTEM)
    assert errors == [] and rec.patient_id == "MRN-COND-1" and rec.counts() == plain.counts()


@pytest.mark.parametrize("reference, reason", [
    (f"Patient?identifier={MRN_SYSTEM}|MRN-COND-9", "matches no Patient in this source"),
    ("Patient?identifier=urn:other|MRN-COND-1", "matches no Patient in this source"),
    ("Patient?name=Quixmoor", "resolves by 'identifier' criteria only"),
    ("Patient?identifier=", "without a value"),
])
def test_an_unresolvable_conditional_reference_quarantines_that_record_only(
        tmp_path, reference, reason):
    bundle = _bundle(1, "MRN-COND-1")
    obs = next(e["resource"] for e in bundle["entry"]
               if e["resource"]["resourceType"] == "Observation")
    obs["subject"] = {"reference": reference}
    (rec,), (error,) = _read(_write(tmp_path / "b.json", bundle))
    assert error.file == "b.json" and error.record == f"Observation/{obs['id']}"
    assert reason in error.reason
    assert f"Observation/{obs['id']}" not in {e.provenance.record for e in rec.events}
    (whole,), _ = _read(_write(tmp_path / "whole.json", _bundle(1, "MRN-COND-1")))
    assert sum(rec.counts().values()) == sum(whole.counts().values()) - 2  # a BP: 2 events


def test_a_conditional_reference_matching_two_patients_is_refused(tmp_path):
    a, b = _bundle(1, "MRN-COND-1"), _bundle(2, "MRN-COND-1")
    _conditional(a, "Patient?identifier=MRN-COND-1")
    both = {"resourceType": "Bundle", "type": "transaction", "entry": a["entry"] + b["entry"]}
    records, errors = _read(_write(tmp_path / "both.json", both))
    assert len(records) == 2 and errors
    assert all("matches 2 Patient resources" in e.reason for e in errors)


def test_a_bulk_export_resolves_conditional_references_across_files(tmp_path):
    bundle = _bundle(1, "MRN-COND-1")
    (tmp_path / "export").mkdir()
    by_type: dict[str, list[dict]] = {}
    for e in bundle["entry"]:
        r = e["resource"]
        if "subject" in r:
            r["subject"] = {"reference": f"Patient?identifier={MRN_SYSTEM}|MRN-COND-1"}
        if "encounter" in r:
            r["encounter"] = {"reference": f"Encounter/{r['encounter']['reference'][9:]}"}
        by_type.setdefault(r["resourceType"], []).append(r)
    for rtype, rows in by_type.items():
        (tmp_path / "export" / f"{rtype}.ndjson").write_text(
            "\n".join(json.dumps(r) for r in rows))
    (rec,), errors = _read(tmp_path / "export")
    (want,), _ = _read(_write(tmp_path / "b.json", _bundle(1, "MRN-COND-1")))
    assert errors == [] and rec.patient_id == want.patient_id and rec.counts() == want.counts()


def test_conditional_identifiers_reads_system_and_value():
    ref = conditional_identifiers(f"Patient?identifier={MRN_SYSTEM}|M1&identifier=|M2")
    assert ref.resource_type == "Patient"
    assert ref.criteria == ((MRN_SYSTEM, "M1"), ("", "M2"))
    assert conditional_identifiers("Patient/123") is None
    assert conditional_identifiers("urn:uuid:1") is None


def test_keyed_by_the_mrn_two_registrations_of_it_are_one_patient_to_refer_to(tmp_path):
    a, b = _bundle(1, "MRN-COND-1"), _bundle(2, "MRN-COND-1")
    b["entry"][0]["resource"].update(gender=a["entry"][0]["resource"]["gender"],
                                     birthDate=a["entry"][0]["resource"]["birthDate"])
    _conditional(a, f"Patient?identifier={MRN_SYSTEM}|MRN-COND-1")
    both = {"resourceType": "Bundle", "type": "transaction", "entry": a["entry"] + b["entry"]}
    (rec,), errors = _read(_write(tmp_path / "both.json", both), patient_identifier=MRN_SYSTEM)
    assert errors == [] and rec.patient_id == "MRN-COND-1"


@pytest.mark.parametrize("reference", ["Patient?identifier|MRN-SECRET-7", "Patient?quixmoor",
                                       "Patient?name:quixmoor=x"])
def test_a_malformed_conditional_reference_is_refused_without_its_text(reference):
    with pytest.raises(ValueError) as err:
        conditional_identifiers(reference)
    assert "SECRET" not in str(err.value) and "quixmoor" not in str(err.value).lower()


def test_an_unresolved_conditional_author_costs_the_note_nothing(tmp_path):
    """Only the patient must resolve: a note whose author is a Practitioner searched by NPI
    that the Bundle does not hold is stored, its author's role unknown, as with a plain
    reference that finds nothing."""
    bundle = _bundle(1, "MRN-COND-9")
    for e in bundle["entry"]:
        if e["resource"]["resourceType"] == "DocumentReference":
            e["resource"]["author"] = [
                {"reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999"}]
    path = tmp_path / "b.json"
    path.write_bytes(orjson.dumps(bundle))
    records, errors = _read(path)
    assert errors == []
    [note] = [e for r in records for e in r.events if e.kind.value == "note"]
    assert note.author_role is None
