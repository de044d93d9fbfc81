"""The patient's own identifiers, known up front, are removed wherever they are written."""

from __future__ import annotations

from osler.privacy.deid.text import identifier_mentions


def test_identifier_offsets_hold_after_letters_whose_lower_case_is_longer():
    # "İ".lower() is two code points; offsets must still point into the original text.
    text = "İİİİ Istanbul. Ref QXJVTRW here."
    spans = identifier_mentions(text, ["QXJVTRW"])
    assert [text[s.start:s.end] for s in spans] == ["QXJVTRW"]


def test_an_identifier_with_a_dotted_capital_is_found_in_any_case():
    text = "ref İZ-4471 and iz-4471."
    spans = identifier_mentions(text, ["İZ-4471"])
    assert [text[s.start:s.end] for s in spans] == ["İZ-4471", "iz-4471"]


# --- FHIR and DICOM: the patient's identifiers in free text, with no "MRN" before them ---

import pytest  # noqa: E402

from osler.privacy import DeidKey  # noqa: E402
from osler.privacy.deid import deidentify_bundle, deidentify_dataset  # noqa: E402
from osler.privacy.deid.fhir import KnownNames  # noqa: E402

KEY = DeidKey(b"known identifier tests, 32 bytes")
_PATIENT = {"resourceType": "Patient", "id": "p1",
            "name": [{"family": "Quixmoor", "given": ["Zebulon"]}],
            "identifier": [{"system": "urn:example:mrn", "value": "5550199"},
                           {"system": "urn:example:other", "value": "ZX-40417"}]}
_OBS = {"resourceType": "Observation", "id": "o1", "status": "final",
        "subject": {"reference": "Patient/p1"}, "code": {"text": "note"},
        "valueString": "Ref 5550199 today; old chart zx-40417. Potassium 4.1 kept.",
        "note": [{"text": "see 5550199"}]}


def _bundle(*resources):
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in resources]}


def test_a_patients_identifiers_are_removed_from_fhir_free_text_in_a_bundle():
    out = deidentify_bundle(_bundle(_PATIENT, _OBS), KEY)
    obs = out["entry"][1]["resource"]
    assert "5550199 " not in obs["valueString"] and "40417" not in obs["valueString"]
    assert "5550199" not in obs["note"][0]["text"]
    assert "today; old chart" in obs["valueString"] and "Potassium 4.1 kept." in obs["valueString"]


def test_a_patients_identifiers_from_the_export_reach_a_resource_without_its_patient():
    names = KnownNames()
    names.add(_PATIENT)
    out = deidentify_bundle(_OBS, KEY, names=names)
    assert "5550199 " not in out["valueString"] and "40417" not in out["valueString"]
    out = deidentify_bundle(_bundle(_OBS), KEY, names=names)
    assert "40417" not in out["entry"][0]["resource"]["valueString"]


def test_an_identifier_inside_a_longer_number_or_word_is_not_a_mention():
    text = "ids 5550199000, x5550199 and zx-404170; ref 5550199."
    spans = identifier_mentions(text, ["5550199", "ZX-40417"])
    assert [text[s.start:s.end] for s in spans] == ["5550199"]


def test_the_patient_id_and_other_ids_are_removed_from_dicom_text_elements(write_dicom,
                                                                            tmp_path):
    pydicom = pytest.importorskip("pydicom")
    path = tmp_path / "a.dcm"
    write_dicom(path, "CT", "1.2.3.4", "1.2.3.4.5")
    ds = pydicom.dcmread(path)
    ds.PatientID = "7730418"
    ds.OtherPatientIDs = ["QX-99120", "Q7731"]
    ds.StudyDescription = "CT head 7730418"
    ds.SeriesDescription = "pt qx-99120 axial 2.5"
    ds.ProtocolName = "old id Q7731; protocol 77304189"
    deidentify_dataset(ds, KEY)
    assert "7730418" not in ds.StudyDescription and "CT head" in ds.StudyDescription
    assert "99120" not in ds.SeriesDescription and "axial 2.5" in ds.SeriesDescription
    assert "Q7731" not in ds.ProtocolName and "old id" in ds.ProtocolName


def test_each_dicomdir_study_record_loses_its_own_patients_id():
    pydicom = pytest.importorskip("pydicom")
    from pydicom.dataset import Dataset

    ds = Dataset()
    records = []
    for kind, values in [("PATIENT", {"PatientID": "8810023"}),
                         ("STUDY", {"StudyDescription": "CT 8810023 9920017"}),
                         ("PATIENT", {"PatientID": "9920017"}),
                         ("STUDY", {"StudyDescription": "MR 9920017 8810023"})]:
        record = Dataset()
        record.DirectoryRecordType = kind
        for keyword, value in values.items():
            setattr(record, keyword, value)
        records.append(record)
    ds.DirectoryRecordSequence = pydicom.sequence.Sequence(records)
    deidentify_dataset(ds, KEY)
    first, second = (r.StudyDescription for r in ds.DirectoryRecordSequence[1::2])
    assert "8810023" not in first and first.startswith("CT ")
    assert "9920017" not in second and second.startswith("MR ")
