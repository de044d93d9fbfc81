"""One key: the same patient gets the same pseudonym and date shift in notes, FHIR and DICOM."""

from __future__ import annotations

from datetime import date

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_dataset, deidentify_text

pydicom = pytest.importorskip("pydicom")

PATIENT = "patient-0042"


def _bundle() -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": f"Patient/{PATIENT}",
         "resource": {"resourceType": "Patient", "id": PATIENT, "birthDate": "1950-03-14",
                      "name": [{"family": "Quimby", "given": ["Harold"]}]}},
        {"resource": {"resourceType": "Encounter", "id": "enc-1",
                      "subject": {"reference": f"Patient/{PATIENT}"},
                      "period": {"start": "2020-06-01T10:00:00Z"}}},
    ]}


def _dataset() -> "pydicom.Dataset":
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.PatientID = PATIENT
    ds.PatientName = "Quimby^Harold"
    ds.StudyDate = "20200601"
    ds.PatientBirthDate = "19500314"
    ds.StudyInstanceUID = generate_uid()
    ds.SOPInstanceUID = generate_uid()
    ds.Modality = "CT"
    return ds


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
    shift = key.date_shift(PATIENT)
    moved = date(2020, 6, 1) + shift
    assert f"{moved.month}/{moved.day}/{moved.year}" in note.text
    assert encounter["period"]["start"].startswith(moved.isoformat())
    assert ds.StudyDate == moved.strftime("%Y%m%d")
    assert patient_res["birthDate"] == (date(1950, 3, 14) + shift).isoformat()
    assert ds.PatientBirthDate == (date(1950, 3, 14) + shift).strftime("%Y%m%d")
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
