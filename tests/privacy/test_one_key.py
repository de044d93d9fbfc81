"""One key: the same patient gets the same pseudonym and date shift in notes, FHIR and DICOM.

Either because all three carry one id (FHIR Patient.id == DICOM PatientID == note patient), or,
when Patient.id is a server UUID, because FHIR is keyed by the MRN the others carry
(``patient_identifier``)."""

from __future__ import annotations

from datetime import date

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_dataset, deidentify_text

pydicom = pytest.importorskip("pydicom")

PATIENT = "patient-0042"
SERVER_ID = "0b7e4c1a-9d2f-4e61-8a35-5c0d9e2b7f14"   # a FHIR server's Patient.id
MRN_SYSTEM = "http://hospital.example.org/mrn"
MRN = "MRN-TEST-0042"                                 # DICOM PatientID and note patient


def _bundle(pid: str = PATIENT, identifiers: tuple[dict, ...] = ()) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": f"Patient/{pid}",
         "resource": {"resourceType": "Patient", "id": pid, "birthDate": "1950-03-14",
                      "identifier": list(identifiers),
                      "name": [{"family": "Quimby", "given": ["Harold"]}]}},
        {"resource": {"resourceType": "Encounter", "id": "enc-1",
                      "subject": {"reference": f"Patient/{pid}"},
                      "period": {"start": "2020-06-01T10:00:00Z"}}},
    ]}


def _mrn_bundle() -> dict:
    return _bundle(SERVER_ID, ({"system": "urn:other-hospital", "value": "OTHER-0042"},
                               {"system": MRN_SYSTEM, "value": MRN}))


def _dataset(patient_id: str = PATIENT) -> "pydicom.Dataset":
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.PatientID = patient_id
    ds.PatientName = "Quimby^Harold"
    ds.StudyDate = "20200601"
    ds.PatientBirthDate = "19500314"
    ds.StudyInstanceUID = generate_uid()
    ds.SOPInstanceUID = generate_uid()
    ds.Modality = "CT"
    return ds


def _assert_shifted_alike(shift, note_text: str, patient_res: dict, encounter: dict, ds) -> None:
    """The 6/1/2020 admission and the 1950-03-14 birth date moved by `shift` in the note,
    the FHIR Patient and Encounter, and the DICOM header."""
    moved = date(2020, 6, 1) + shift
    birth = date(1950, 3, 14) + shift
    assert f"{moved.month}/{moved.day}/{moved.year}" in note_text
    assert encounter["period"]["start"].startswith(moved.isoformat())
    assert ds.StudyDate == moved.strftime("%Y%m%d")
    assert patient_res["birthDate"] == birth.isoformat()
    assert ds.PatientBirthDate == birth.strftime("%Y%m%d")


def test_same_patient_same_pseudonym_and_shift_in_notes_fhir_and_dicom():
    key = DeidKey(b"a test secret, 32 bytes long!!!!")
    note = deidentify_text("Admitted 6/1/2020 after a fall.", key, patient=PATIENT)
    bundle = deidentify_bundle(_bundle(), key)
    ds = deidentify_dataset(_dataset(), key)

    patient_res = bundle["entry"][0]["resource"]
    encounter = bundle["entry"][1]["resource"]
    # Same pseudonym: FHIR Patient.id, the Encounter's reference and DICOM PatientID.
    assert patient_res["id"] == ds.PatientID == key.pseudonym(PATIENT)
    assert encounter["subject"]["reference"] == f"Patient/{ds.PatientID}"
    # Same shift: the admission date moved by the same number of days in all three.
    _assert_shifted_alike(key.date_shift(PATIENT), note.text, patient_res, encounter, ds)
    assert "Quimby" not in str(patient_res) and "Quimby" not in str(ds.PatientName)


def test_another_key_gives_other_pseudonyms():
    a = DeidKey(b"first secret of thirty-two bytes")
    b = DeidKey(b"other secret of thirty-two bytes")
    assert a.pseudonym(PATIENT) != b.pseudonym(PATIENT)


def test_the_patients_name_gets_one_stand_in_in_notes_fhir_and_dicom():
    key = DeidKey(b"a test secret, 32 bytes long!!!!")
    note = deidentify_text("Harold Quimby seen after a fall.", key, patient=PATIENT).text
    name = deidentify_bundle(_bundle(), key)["entry"][0]["resource"]["name"][0]
    ds = deidentify_dataset(_dataset(), key)
    given, family = name["given"][0], name["family"]
    assert f"{given} {family}" in note
    assert str(ds.PatientName) == f"{family}^{given}"
    assert "Quimby" not in note + family + given + str(ds.PatientName)


def test_a_server_uuid_patient_keyed_by_its_mrn_matches_its_images_and_notes():
    key = DeidKey(b"a test secret, 32 bytes long!!!!")
    note = deidentify_text("Harold Quimby admitted 6/1/2020 after a fall.", key, patient=MRN)
    bundle = deidentify_bundle(_mrn_bundle(), key, patient_identifier=MRN_SYSTEM)
    ds = deidentify_dataset(_dataset(MRN), key)

    patient_res = bundle["entry"][0]["resource"]
    encounter = bundle["entry"][1]["resource"]
    # Same pseudonym: the FHIR MRN (under its own system) is the DICOM PatientID's, and the
    # note's (`osler deid text` writes key.pseudonym(patient)); the resource id stays its own.
    [mrn] = [i for i in patient_res["identifier"] if i["system"] == MRN_SYSTEM]
    assert mrn["value"] == ds.PatientID == key.pseudonym(MRN)
    assert patient_res["id"] == key.pseudonym(SERVER_ID) != ds.PatientID
    assert encounter["subject"]["reference"] == f"Patient/{patient_res['id']}"
    # Same shift in all three: the MRN's.
    shift = key.date_shift(MRN)
    assert shift != key.date_shift(SERVER_ID)   # else this test could not tell the keys apart
    _assert_shifted_alike(shift, note.text, patient_res, encounter, ds)
    # Same stand-in name.
    given, family = patient_res["name"][0]["given"][0], patient_res["name"][0]["family"]
    assert f"{given} {family}" in note.text and str(ds.PatientName) == f"{family}^{given}"


def test_without_the_option_a_server_uuid_patient_keeps_its_own_key():
    # the gap the option closes: keyed by Patient.id, FHIR and DICOM of one person differ
    key = DeidKey(b"a test secret, 32 bytes long!!!!")
    encounter = deidentify_bundle(_mrn_bundle(), key)["entry"][1]["resource"]
    moved = date(2020, 6, 1) + key.date_shift(SERVER_ID)
    assert encounter["period"]["start"].startswith(moved.isoformat())
    assert deidentify_dataset(_dataset(MRN), key).PatientID != key.pseudonym(SERVER_ID)


def test_deidentified_fhir_and_dicom_ingested_by_the_mrn_are_one_patient(tmp_path, capsys):
    """End to end through the CLI: one key file, FHIR de-identified keyed by its MRN system,
    then ingest keyed by the same system: the de-identified FHIR and DICOM land as one patient
    whose id is the pseudonym the DICOM PatientID and the notes got, with one date shift."""
    import json
    from datetime import datetime

    import numpy as np
    import orjson

    from cli_run import run_osler
    from fhir_factory import expected_counts, patient_bundle
    from osler.imaging.synthetic import write_radiograph
    from osler.privacy import load_key
    from osler.store import open_store

    src, out = tmp_path / "in", tmp_path / "deid"
    bundle = patient_bundle(1)   # Patient.id a UUID, as a FHIR server gives it
    bundle["entry"][0]["resource"]["identifier"] = [
        {"system": "urn:other-hospital", "value": "OTHER-0042"},
        {"system": MRN_SYSTEM, "value": MRN}]
    src.mkdir()
    (src / "export.json").write_bytes(orjson.dumps(bundle))
    write_radiograph(src / "pacs" / "chest.dcm", np.zeros((16, 16), dtype=np.uint8),
                     patient_id=MRN, study_uid="1.2.826.0.1.3680043.8.498.1",
                     series_uid="1.2.826.0.1.3680043.8.498.1.1",
                     when=datetime(2020, 1, 2, 9, 0), tz_offset="+0000")
    (src / "notes.jsonl").write_text(json.dumps(
        {"id": "n1", "patient": MRN, "text": "Chest film reviewed on 1/2/2020."}) + "\n",
        encoding="utf-8")
    key_file = tmp_path / "deid.key"
    common = ["--key-file", str(key_file)]
    for argv in (["deid", "fhir", str(src / "export.json"), str(out / "export.json"),
                  "--patient-identifier", MRN_SYSTEM, *common],
                 ["deid", "dicom", str(src / "pacs"), str(out / "pacs"), *common],
                 ["deid", "text", "--in", str(src / "notes.jsonl"), "--out",
                  str(out / "notes.jsonl"), "--rules-only", "--profile", "surrogate", *common]):
        code, err = run_osler(argv, capsys)
        assert code == 0, err
    key = load_key(key_file)
    pseudonym = key.pseudonym(MRN)
    db = tmp_path / "deid.duckdb"
    code, err = run_osler(["ingest", "--db", str(db), "--patient-identifier", MRN_SYSTEM,
                           str(out / "export.json"), str(out / "pacs")], capsys)
    assert code == 0, err
    with open_store(str(db)) as store:
        assert store.patient_ids() == [pseudonym]
        record = store.patient(pseudonym)
    counts = record.counts()
    fhir = expected_counts(patient_bundle(1))
    assert counts["imaging_study"] == 1
    assert all(counts[kind] == n for kind, n in fhir.items())
    # one shift: the FHIR condition's onset and the image's study date moved alike (read
    # from the header; see tests/pipelines/test_deid_patient_join.py for the stored times)
    moved = date(2020, 1, 1) + key.date_shift(MRN)
    [condition] = [e for e in record.events if e.kind.value == "condition"]
    assert condition.time.date() == moved
    [image] = list((out / "pacs").rglob("*.dcm"))
    day = moved + (date(2020, 1, 2) - date(2020, 1, 1))
    assert pydicom.dcmread(image).StudyDate == day.strftime("%Y%m%d")
    assert not any(phi in repr(record) for phi in (MRN, "OTHER-0042"))
    # and the note names the same patient, its date moved by the same shift
    note = json.loads((out / "notes.jsonl").read_text(encoding="utf-8"))
    assert note["patient"] == pseudonym and f"{day.month}/{day.day}/{day.year}" in note["text"]
