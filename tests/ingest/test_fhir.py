"""FHIR reader: mapping, references, NDJSON, and every kind of bad input."""

from __future__ import annotations

import gzip
import json
import zipfile
from collections import Counter

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhir_factory import expected_counts, mutate, patient_bundle
from osler.errors import IngestError
from osler.ingest import read_fhir
from osler.record import Condition, Note, Observation


def _read(path, **kw):
    errors: list[IngestError] = []
    records = list(read_fhir(path, on_error=errors.append, **kw))
    return records, errors


def _write(path, bundle):
    path.write_bytes(orjson.dumps(bundle))
    return path


def test_bundle_maps_every_resource(tmp_path):
    bundle = patient_bundle(1)
    (rec,), errors = _read(_write(tmp_path / "b.json", bundle))
    assert errors == []
    assert rec.counts() == expected_counts(bundle)
    bp = sorted(e.value.value for e in rec.events
                if isinstance(e, Observation) and e.coding.code in ("8480-6", "8462-4"))
    assert bp == [80.0, 121.0]
    note = next(e for e in rec.events if isinstance(e, Note))
    assert "Denies chest pain" in note.text
    enc_ids = {e.encounter_id for e in rec.events if isinstance(e, Condition)}
    assert enc_ids == {next(e.id for e in rec.events if e.kind.value == "encounter")}


def test_gzip_and_strict_validation_agree(tmp_path):
    path = tmp_path / "b.json.gz"
    path.write_bytes(gzip.compress(orjson.dumps(patient_bundle(2))))
    fast, _ = _read(path)
    strict, errors = _read(path, validation="strict")
    assert errors == [] and fast == strict


def test_ndjson_export_assembles_patients_across_files(tmp_path):
    by_type: dict[str, list] = {}
    for n in range(3):
        for e in patient_bundle(n)["entry"]:
            r = json.loads(json.dumps(e["resource"]))
            for key in ("subject", "patient", "encounter"):
                if key in r:
                    target = r[key]["reference"].removeprefix("urn:uuid:")
                    kind = "Encounter" if key == "encounter" else "Patient"
                    r[key]["reference"] = f"{kind}/{target}"
            by_type.setdefault(r["resourceType"], []).append(r)
    for rtype, rows in by_type.items():
        (tmp_path / f"{rtype}.ndjson").write_text("\n".join(json.dumps(r) for r in rows))
    records, errors = _read(tmp_path)
    assert errors == [] and len(records) == 3
    assert all(r.counts() == expected_counts(patient_bundle(0)) for r in records)


@pytest.mark.parametrize("content, reason", [
    (b'{"resourceType": "Bundle", "entry": [', "not valid JSON"),
    ('{"resourceType": "Bundle", "entry": [], "x": "caf\u00e9"}'.encode("latin-1"), "UTF-8"),
    (b'{"resourceType": "Organization", "id": "x"}', "expected a FHIR Bundle, a Patient or"),
    (b"\x89PNG\r\n\x1a\n", "not valid JSON"),
])
def test_bad_files_are_reported_with_file_and_reason(tmp_path, content, reason):
    good = _write(tmp_path / "good.json", patient_bundle(5))
    (tmp_path / "bad.json").write_bytes(content)
    records, errors = _read(tmp_path)
    assert [r.patient_id for r in records] == [patient_bundle(5)["entry"][0]["resource"]["id"]]
    assert len(errors) == 1 and reason in errors[0].reason and errors[0].file.endswith("bad.json")
    assert good.exists()


@pytest.mark.parametrize("breakage, reason", [
    (lambda r: r.pop("code"), "missing required element code"),
    (lambda r: r.update(subject={"reference": "urn:uuid:nowhere"}), "does not resolve"),
    (lambda r: r.update(encounter={"reference": "Encounter/missing"}), "encounter reference"),
    (lambda r: r["code"]["coding"][0].update(system="loinc"), "absolute URI"),
    (lambda r: r.update(effectiveDateTime="yesterday"), "not a FHIR dateTime"),
])
def test_a_bad_resource_is_quarantined_alone(tmp_path, breakage, reason):
    bundle = patient_bundle(3)
    target = next(e["resource"] for e in bundle["entry"]
                  if e["resource"]["resourceType"] == "Observation" and "valueQuantity" in e["resource"])
    breakage(target)
    (rec,), errors = _read(_write(tmp_path / "b.json", bundle))
    assert len(errors) == 1 and reason in errors[0].reason
    assert errors[0].record == f"Observation/{target['id']}"
    expected = expected_counts(bundle)
    expected["observation"] -= 1
    assert rec.counts() == expected


def test_a_bad_patient_takes_its_events_with_it(tmp_path):
    bundle = patient_bundle(4)
    bundle["entry"][0]["resource"]["birthDate"] = "not-a-date"
    _write(tmp_path / "bad.json", bundle)
    _write(tmp_path / "good.json", patient_bundle(6))
    records, errors = _read(tmp_path)
    assert len(records) == 1 and len(errors) == 1
    assert "events are not stored" in errors[0].reason
    assert "Patient.birthDate is not a FHIR date" in errors[0].reason
    assert "not-a-date" not in str(errors[0])  # a birth date is PHI: named, never echoed


def test_empty_zip_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "empty.zip"
    zipfile.ZipFile(path, "w").close()
    records, errors = _read(path)
    assert records == [] and errors == []


def test_without_on_error_the_first_error_raises(tmp_path):
    (tmp_path / "bad.json").write_bytes(b"{")
    with pytest.raises(IngestError, match="bad.json"):
        list(read_fhir(tmp_path / "bad.json"))


_MUTATIONS = st.lists(st.tuples(st.integers(0, 50), st.sampled_from(
    ["drop_key", "null_value", "wrong_type", "bad_ref", "bad_date"])), max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=_MUTATIONS)
def test_mutated_bundles_never_crash_and_keep_valid_patients(tmp_path, mutations):
    """Fuzz: random damage to one bundle costs at most that bundle's damaged parts."""
    good = patient_bundle(7)
    damaged = mutate(patient_bundle(8))
    entries = damaged["entry"]
    for index, kind in mutations:
        r = entries[index % len(entries)]["resource"]
        keys = sorted(k for k in r if k not in ("resourceType", "id"))
        if not keys:
            continue
        key = keys[index % len(keys)]
        if kind == "drop_key":
            r.pop(key, None)
        elif kind == "null_value":
            r[key] = None
        elif kind == "wrong_type":
            r[key] = 12345
        elif kind == "bad_ref":
            r["subject"] = {"reference": "Patient/ghost"}
        else:
            r["effectiveDateTime"] = "2020-13-45"
    folder = tmp_path / f"fuzz{abs(hash(str(mutations)))}"
    folder.mkdir()
    _write(folder / "a_good.json", good)
    _write(folder / "b_damaged.json", damaged)
    records, errors = _read(folder)
    by_id = {r.patient_id: r for r in records}
    good_id = good["entry"][0]["resource"]["id"]
    assert by_id[good_id].counts() == expected_counts(good)
    damaged_events = sum(sum(r.counts().values()) for pid, r in by_id.items() if pid != good_id)
    assert damaged_events + len(errors) >= 1 or not by_id.keys() - {good_id}
    assert damaged_events <= sum(expected_counts(patient_bundle(8)).values())
    assert all(isinstance(e, IngestError) and e.file for e in errors)


def _lone_document(subject: dict | None) -> dict:
    doc = {"resourceType": "DocumentReference", "id": "d1", "status": "current",
           "date": "2020-01-02T12:00:00+00:00",
           "content": [{"attachment": {"contentType": "text/plain", "data": "Tm8gZmV2ZXIu"}}]}
    return {**doc, "subject": subject} if subject else doc


@pytest.mark.parametrize("reference", ["Patient/p9", "Patient/p9/"])
def test_a_document_reference_on_its_own_is_read_under_the_patient_it_names(tmp_path, reference):
    from osler.ingest.registry import detect
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(_lone_document({"reference": reference}), indent=2))
    assert detect(path).name == "fhir-resource"
    (rec,), errors = _read(path)
    assert errors == [] and rec.patient_id == "p9" and rec.birth_date is None
    assert [e.text for e in rec.events] == ["No fever."]


@pytest.mark.parametrize("subject, reason", [
    ({"reference": "urn:uuid:5b1c"}, "must name its patient as subject 'Patient/<id>'"),
    # another server's patient p9 is not this store's p9 (found in review)
    ({"reference": "https://ehr.example.org/fhir/Patient/p9"}, "may name another server's"),
    (None, "DocumentReference is missing required element subject"),
])
def test_a_lone_resource_whose_patient_cannot_be_named_is_quarantined_saying_why(
        tmp_path, subject, reason):
    path = tmp_path / "doc.json"
    path.write_bytes(orjson.dumps(_lone_document(subject)))
    records, (error,) = _read(path)
    assert records == [] and reason in error.reason
    assert (error.file, error.record) == ("doc.json", "DocumentReference/d1")
    assert "expected a FHIR Bundle" not in error.reason


def test_a_patient_on_its_own_is_a_patient(tmp_path):
    path = tmp_path / "patient.json"
    path.write_bytes(orjson.dumps({"resourceType": "Patient", "id": "p9", "gender": "female"}))
    (rec,), errors = _read(path)
    assert errors == [] and (rec.patient_id, rec.sex) == ("p9", "female")
