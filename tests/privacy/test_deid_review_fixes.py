"""Regressions a review of the day's de-identification changes found (made-up data)."""

from __future__ import annotations

from collections import Counter

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, detect_phi
from osler.privacy.deid.fhir import KnownNames

KEY = DeidKey(b"review fixes secret, 32 bytes...")
U1 = "urn:uuid:11111111-2222-3333-4444-555555555555"


def test_a_patient_without_an_id_shares_its_shift_and_names_with_its_resources():
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": U1, "resource": {"resourceType": "Patient", "birthDate": "1970-06-15",
                                     "name": [{"family": "Quixmoor", "given": ["Zebulon"]}]}},
        {"resource": {"resourceType": "Patient", "id": "p2"}},
        {"resource": {"resourceType": "Observation", "subject": {"reference": U1},
                      "effectiveDateTime": "1970-06-15",
                      "note": [{"text": "Zebulon Quixmoor seen"}]}}]}
    dropped: Counter = Counter()
    out = deidentify_bundle(bundle, KEY, dropped=dropped)
    patient, _, obs = (e["resource"] for e in out["entry"])
    assert patient["birthDate"] == obs["effectiveDateTime"]
    given, family = patient["name"][0]["given"][0], patient["name"][0]["family"]
    assert obs["note"][0]["text"] == f"{given} {family} seen"
    assert not dropped


def test_a_uuid_subject_outside_a_bundle_keys_one_shift_across_files():
    shifted = []
    for rtype, field in (("Observation", "effectiveDateTime"), ("Encounter", "period")):
        res = {"resourceType": rtype, "subject": {"reference": U1}}
        res[field] = "2020-01-01" if field != "period" else {"start": "2020-01-01"}
        out = deidentify_bundle(res, KEY, names=KnownNames())
        shifted.append(out[field] if field != "period" else out[field]["start"])
    assert shifted[0] == shifted[1]


@pytest.mark.parametrize("code", ["248152002", "C0011849", "1.2.840.10008.5.1.4.1.1.2"])
def test_clinical_codes_in_extensions_are_kept(code):
    res = {"resourceType": "Patient", "id": "p1", "extension": [
        {"url": "http://example.org/fhir/StructureDefinition/x", "valueCode": code}]}
    assert deidentify_bundle(res, KEY)["extension"][0]["valueCode"] == code


@pytest.mark.parametrize(("text", "names"), [
    ("Met with Barnaby Quixmoor today.", ["Barnaby", "Quixmoor"]),
    ("Contacted Quixmoor family by phone.", ["Quixmoor"]),
    ("Grandmother Quixmoor has diabetes.", ["Quixmoor"]),
    ("Dx: Hodgkin\nQuixmoor tolerated chemo.", ["Quixmoor"]),
    ("Vomited brown fluid overnight.", []),
])
def test_a_first_name_before_a_known_surname_but_no_ordinary_word(text, names):
    known = {"quixmoor": "NAME", "brown": "NAME"}
    assert [text[s.start:s.end] for s in detect_phi(text, known=known)] == names


def test_everyday_words_in_staff_names_do_not_wipe_dicom_descriptions(write_dicom, tmp_path):
    import pydicom

    from osler.privacy.deid.dicom import deidentify_dataset

    path = tmp_path / "a.dcm"
    write_dicom(path, "CT", "1.2.826.0.1.3680043.8.498.3", "1.2.826.0.1.3680043.8.498.3.1")
    ds = pydicom.dcmread(path)
    ds.PatientName, ds.ReferringPhysicianName, ds.OperatorsName = (
        "QUIXMOOR^ZEBULON", "EMERGENCY^DEPARTMENT", "CT^TECH")
    ds.StudyDescription = "CT HEAD EMERGENCY WITHOUT CONTRAST"
    ds.SeriesDescription = "Head Trauma Quixmoor"
    deidentify_dataset(ds, KEY)
    assert ds.StudyDescription == "CT HEAD EMERGENCY WITHOUT CONTRAST"
    assert "Quixmoor" not in ds.SeriesDescription


def test_an_extension_whose_value_is_dropped_goes_whole():
    res = {"resourceType": "Patient", "id": "p1", "extension": [
        {"url": "http://example.org/a", "valueUri": "https://ehr.example.org/p?name=Quixmoor"},
        {"url": "http://example.org/b", "valueBase64Binary": "UXVpeG1vb3I="},
        {"url": "http://example.org/c", "valueString": "kept"}]}
    out = deidentify_bundle(res, KEY)
    assert [x["url"] for x in out["extension"]] == ["http://example.org/c"]
