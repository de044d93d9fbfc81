"""FHIR patients keyed by an identifier (the MRN) instead of Patient.id: references of every
shape follow, a Patient that cannot be keyed is quarantined whole, and one MRN on two Patient
resources is merged when they agree and refused when they are two people."""

from __future__ import annotations

import json
import uuid

import orjson
import pytest

from fhir_factory import expected_counts, patient_bundle
from osler.errors import IngestError
from osler.ingest import PatientIdentifier, read_fhir

MRN_SYSTEM = "http://hospital.example.org/mrn"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
#: Made-up values: none may appear in any error message.
PHI = ("MRN-TEST-", "Quixmoor", "Zebulon", "1950-", "1951-", "1952-")


def _mrn(value: str, **extra) -> dict:
    return {"system": MRN_SYSTEM, "value": value, **extra}


def _synthea_like(value: str) -> list[dict]:
    """The shape Synthea gives its identifiers: a record id, then an MRN typed MR."""
    return [{"system": "https://github.com/synthetichealth/synthea", "value": str(uuid.uuid4())},
            {"type": {"coding": [{"system": V2_0203, "code": "MR",
                                  "display": "Medical Record Number"}]},
             "system": "http://hospital.smarthealthit.org", "value": value}]


def _bundle(n: int, identifiers: list[dict] | None, **patient) -> dict:
    bundle = patient_bundle(n)
    resource = bundle["entry"][0]["resource"]
    resource.update(name=[{"family": "Quixmoor", "given": ["Zebulon"]}], **patient)
    if identifiers is not None:
        resource["identifier"] = identifiers
    return bundle


def _write(path, doc):
    path.write_bytes(orjson.dumps(doc))
    return path


def _read(path, **kw):
    errors: list[IngestError] = []
    records = list(read_fhir(path, on_error=errors.append, **kw))
    for err in errors:
        assert not any(value in str(err) for value in PHI), str(err)
    return records, errors


def _ndjson(folder, bundles: list[dict], names: dict[str, str] | None = None) -> None:
    """A bulk export of ``bundles``: one file per type, references as ``Type/id``."""
    by_type: dict[str, list[dict]] = {}
    for bundle in bundles:
        for e in bundle["entry"]:
            r = json.loads(json.dumps(e["resource"]))
            for key in ("subject", "patient", "encounter"):
                if key in r:
                    target = r[key]["reference"].removeprefix("urn:uuid:")
                    r[key]["reference"] = f"{'Encounter' if key == 'encounter' else 'Patient'}/{target}"
            by_type.setdefault(r["resourceType"], []).append(r)
    folder.mkdir(parents=True, exist_ok=True)
    for rtype, rows in by_type.items():
        name = (names or {}).get(rtype, f"{rtype}.ndjson")
        (folder / name).write_text("\n".join(json.dumps(r) for r in rows))


def test_a_bundle_patient_is_keyed_by_its_mrn_and_keeps_every_urn_uuid_reference(tmp_path):
    bundle = _bundle(1, [_mrn("MRN-TEST-1")])
    path = _write(tmp_path / "b.json", bundle)
    (rec,), errors = _read(path, patient_identifier=MRN_SYSTEM)
    assert errors == [] and rec.patient_id == "MRN-TEST-1"
    assert rec.counts() == expected_counts(bundle) and rec.birth_date is not None
    server_id = bundle["entry"][0]["resource"]["id"]
    assert rec.provenance.record == f"Patient/{server_id}"  # where it came from, not the MRN
    (plain,), _ = _read(path)
    assert plain.patient_id == server_id and plain.events == rec.events


def test_synthea_s_mrn_is_found_by_its_type_code(tmp_path):
    path = _write(tmp_path / "b.json", _bundle(2, _synthea_like("MRN-TEST-2")))
    (rec,), errors = _read(path, patient_identifier="MR")
    assert errors == [] and rec.patient_id == "MRN-TEST-2"
    (rec,), errors = _read(path, patient_identifier="http://hospital.smarthealthit.org")
    assert errors == [] and rec.patient_id == "MRN-TEST-2"


@pytest.mark.parametrize("patient_file", ["Patient.ndjson", "z-Patient.ndjson"])
def test_a_bulk_export_is_keyed_across_its_files_in_any_order(tmp_path, patient_file):
    bundles = [_bundle(n, [_mrn(f"MRN-TEST-{n}")]) for n in range(3)]
    _ndjson(tmp_path / "export", bundles, {"Patient": patient_file})
    records, errors = _read(tmp_path / "export", patient_identifier=MRN_SYSTEM)
    assert errors == []
    assert sorted(r.patient_id for r in records) == ["MRN-TEST-0", "MRN-TEST-1", "MRN-TEST-2"]
    assert all(r.counts() == expected_counts(bundles[0]) for r in records)


def test_a_patient_without_the_identifier_is_quarantined_whole_naming_file_and_line(tmp_path):
    bundles = [_bundle(0, [_mrn("MRN-TEST-0")]), _bundle(1, [{"system": "urn:other",
                                                              "value": "MRN-TEST-9"}])]
    _ndjson(tmp_path / "export", bundles)
    records, (error,) = _read(tmp_path / "export", patient_identifier=MRN_SYSTEM)
    assert [r.patient_id for r in records] == ["MRN-TEST-0"]
    lost = bundles[1]["entry"][0]["resource"]["id"]
    assert error.file.endswith("Patient.ndjson") and error.line == 2
    assert error.record == f"Patient/{lost}"
    assert f"no identifier system {MRN_SYSTEM!r}" in error.reason
    assert f"its {sum(expected_counts(bundles[1]).values())} events are not stored" in error.reason


@pytest.mark.parametrize("identifiers, reason", [
    ([_mrn("MRN-TEST-1", use="old")], "use 'old' does not count"),
    ([_mrn("MRN-TEST-1"), _mrn("MRN-TEST-2")], "2 different values"),
    ([{"system": MRN_SYSTEM}], "no identifier system"),
    ([], "no identifier system"),
])
def test_an_ambiguous_or_missing_identifier_refuses_the_patient(tmp_path, identifiers, reason):
    records, (error,) = _read(_write(tmp_path / "b.json", _bundle(1, identifiers)),
                              patient_identifier=MRN_SYSTEM)
    assert records == [] and reason in error.reason and "not stored" in error.reason


def test_an_old_mrn_beside_the_current_one_is_ignored(tmp_path):
    path = _write(tmp_path / "b.json",
                  _bundle(1, [_mrn("MRN-TEST-0", use="old"), _mrn("MRN-TEST-1", use="usual")]))
    (rec,), errors = _read(path, patient_identifier=MRN_SYSTEM)
    assert errors == [] and rec.patient_id == "MRN-TEST-1"


def _two_registrations(second: dict) -> dict:
    """One Bundle with two Patient resources (two server ids) of the same MRN."""
    first = _bundle(1, [_mrn("MRN-TEST-1")], gender="female", birthDate="1951-02-03")
    other = _bundle(2, [_mrn("MRN-TEST-1")])
    for absent in ("gender", "birthDate"):  # what the second registration does not say
        other["entry"][0]["resource"].pop(absent)
    other["entry"][0]["resource"].update(second)
    first["entry"].extend(other["entry"])
    return first


@pytest.mark.parametrize("first_birth, second_birth", [("1951-02-03", "1951"),
                                                       ("1951", "1951-02-03")])
def test_two_patient_resources_of_one_mrn_that_agree_are_one_patient(tmp_path, first_birth,
                                                                      second_birth):
    bundle = _two_registrations({"gender": "female", "birthDate": second_birth})
    bundle["entry"][0]["resource"]["birthDate"] = first_birth
    (rec,), errors = _read(_write(tmp_path / "b.json", bundle), patient_identifier=MRN_SYSTEM)
    assert errors == [] and rec.patient_id == "MRN-TEST-1"
    assert sum(rec.counts().values()) == 2 * sum(expected_counts(patient_bundle(1)).values())
    assert (rec.sex, rec.birth_date.isoformat()) == ("female", "1951-02-03")


@pytest.mark.parametrize("second, field", [
    ({"gender": "male", "birthDate": "1951-02-03"}, "sex"),
    ({"gender": "female", "birthDate": "1952-02-03"}, "birth date"),
])
def test_two_patient_resources_of_one_mrn_that_disagree_are_both_refused(tmp_path, second, field):
    bundle = _two_registrations(second)
    records, errors = _read(_write(tmp_path / "b.json", bundle), patient_identifier=MRN_SYSTEM)
    ids = [e["resource"]["id"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert records == [] and sorted(e.record for e in errors) == sorted(f"Patient/{i}" for i in ids)
    assert all(f"{field} differs" in e.reason and all(i in e.reason for i in ids) for e in errors)


def test_one_mrn_in_a_later_bundle_with_another_birth_date_is_refused_naming_the_first(tmp_path):
    _write(tmp_path / "a.json", _bundle(1, [_mrn("MRN-TEST-1")], birthDate="1951-02-03"))
    _write(tmp_path / "b.json", _bundle(2, [_mrn("MRN-TEST-1")], birthDate="1952-02-03"))
    _write(tmp_path / "c.json", _bundle(3, [_mrn("MRN-TEST-1")], birthDate="1951-02-03"))
    records, (error,) = _read(tmp_path, patient_identifier=MRN_SYSTEM)
    assert [r.provenance.source[-6:] for r in records] == ["a.json", "c.json"]  # c agrees
    assert error.file.endswith("b.json") and "a.json" in error.reason and "birth date differs" in error.reason


def test_a_registration_that_cannot_be_read_takes_the_whole_mrn_with_it(tmp_path):
    bundle = _two_registrations({"gender": "female"})
    bundle["entry"][-len(patient_bundle(2)["entry"])]["resource"]["deceasedDateTime"] = "soon"
    records, errors = _read(_write(tmp_path / "b.json", bundle), patient_identifier=MRN_SYSTEM)
    assert records == [] and len(errors) == 2
    assert any("same identifier value could not be read" in e.reason for e in errors)


def test_a_lone_resource_cannot_be_keyed_and_a_lone_patient_can(tmp_path):
    doc = {"resourceType": "DocumentReference", "id": "d1", "status": "current",
           "subject": {"reference": "Patient/p9"},
           "content": [{"attachment": {"contentType": "text/plain", "data": "Tm8gZmV2ZXIu"}}]}
    records, (error,) = _read(_write(tmp_path / "doc.json", doc), patient_identifier=MRN_SYSTEM)
    assert records == [] and error.record == "DocumentReference/d1"
    assert "read it together with its Patient" in error.reason
    patient = {"resourceType": "Patient", "id": "p9", "identifier": [_mrn("MRN-TEST-9")]}
    (rec,), errors = _read(_write(tmp_path / "p.json", patient), patient_identifier=MRN_SYSTEM)
    assert errors == [] and rec.patient_id == "MRN-TEST-9"


@pytest.mark.parametrize("spec", ["", "a b", "MRN-TEST-1", ":x", "urn:x\n"])
def test_a_patient_identifier_that_is_neither_system_nor_type_code_is_refused(tmp_path, spec):
    with pytest.raises(ValueError, match="must be an Identifier.system URI"):
        list(read_fhir(tmp_path, patient_identifier=spec))


def test_the_synthetic_cohort_keyed_by_its_identifier_has_the_same_patients(tmp_path):
    """The repo's generator writes one identifier, urn:osler:synthetic-patient, equal to id."""
    from osler.synth import generate_cohort
    from osler.synth.fhir_writer import bundle_of

    folder = tmp_path / "fhir"
    folder.mkdir()
    for patient in generate_cohort(3, seed=7):
        _write(folder / f"{patient.patient_id}.json", bundle_of(patient))
    plain, _ = _read(folder)
    keyed, errors = _read(folder, patient_identifier="urn:osler:synthetic-patient")
    assert errors == [] and plain == keyed
