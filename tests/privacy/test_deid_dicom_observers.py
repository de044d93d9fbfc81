"""A structured report's clinicians under DICOM de-id: their stand-ins are a FHIR
Practitioner's (the same for every patient), the patient's stay the patient's, and the
Verifying Observer Sequence a VERIFIED report requires is kept with PS3.15 E.1-1's actions.

Before, a verifying observer's or a Person Observer's name got a stand-in scoped by the
patient (two patients' reports by one radiologist named two people), and the sequence was
removed whole, leaving a VERIFIED report without its type 1C sequence."""

from __future__ import annotations

from datetime import date

import pytest

from dicom_factory import code_item, round_trip
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_dataset

pydicom = pytest.importorskip("pydicom")
KEY = DeidKey(b"dicom observers test, 32 bytes!!")
OBSERVER = "Brackenridge^Hestia^Maple"


def _pname(concept, name: str):
    from pydicom.dataset import Dataset

    item = Dataset()
    item.RelationshipType, item.ValueType = "HAS OBS CONTEXT", "PNAME"
    item.ConceptNameCodeSequence = [concept]
    item.PersonName = name
    return item


def _report(patient_id: str, patient_name: str):
    """A verified Basic Text SR, as a reporting system writes one (made-up people)."""
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.11"
    ds.SOPInstanceUID = f"1.2.826.0.1.3680043.8.498.{len(patient_id)}.77"
    ds.PatientID, ds.PatientName, ds.Modality = patient_id, patient_name, "SR"
    ds.ContentDate, ds.ContentTime = "20200601", "143000"
    ds.ReferringPhysicianName = "Pemberton^Wilfred"
    ds.CompletionFlag, ds.VerificationFlag = "COMPLETE", "VERIFIED"
    observer = Dataset()
    observer.VerifyingObserverName = OBSERVER
    observer.VerifyingOrganization = "Lochmoor General Radiology"
    observer.VerificationDateTime = "20200601151500"
    observer.VerifyingObserverIdentificationCodeSequence = [
        code_item("EMP-4471", "99STAFF", "Brackenridge")]
    ds.VerifyingObserverSequence = [observer]
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = [code_item("18748-4", "LN", "Diagnostic imaging report")]
    ds.ContentSequence = [
        _pname(code_item("121008", "DCM", "Person Observer Name"), OBSERVER),
        _pname(code_item("121029", "DCM", "Subject Name"), patient_name)]
    return ds


def _practitioner_name() -> str:
    out = deidentify_bundle({"resourceType": "Practitioner", "id": "pr-1",
                             "name": [{"family": "Brackenridge", "given": ["Hestia", "Maple"]}]},
                            KEY)
    name = out["name"][0]
    return "^".join([name["family"], *name["given"]])


def _patient_name(pid: str, family: str, given: str) -> str:
    out = deidentify_bundle({"resourceType": "Patient", "id": pid,
                             "name": [{"family": family, "given": [given]}]}, KEY)
    return f"{out['name'][0]['family']}^{out['name'][0]['given'][0]}"


def test_a_clinicians_stand_in_is_a_fhir_practitioners_in_every_patients_report():
    first = round_trip(deidentify_dataset(_report("MRN-A-1001", "Quixmoor^Zebulon"), KEY))
    second = round_trip(deidentify_dataset(_report("MRN-B-2002", "Thistlewood^Ottilie"), KEY))
    expected = _practitioner_name()
    for out in (first, second):
        assert str(out.VerifyingObserverSequence[0].VerifyingObserverName) == expected
        assert str(out.ContentSequence[0].PersonName) == expected
    assert "Brackenridge" not in expected and "Hestia" not in expected


def test_the_patients_names_keep_the_patients_stand_in():
    out = round_trip(deidentify_dataset(_report("MRN-A-1001", "Quixmoor^Zebulon"), KEY))
    patient = _patient_name("MRN-A-1001", "Quixmoor", "Zebulon")
    assert str(out.PatientName) == patient
    assert str(out.ContentSequence[1].PersonName) == patient   # the Subject Name item


def test_a_pname_item_holding_the_patients_name_under_another_concept_stays_the_patients():
    ds = _report("MRN-A-1001", "Quixmoor^Zebulon")
    ds.ContentSequence[0].PersonName = "Quixmoor^Zebulon"
    out = deidentify_dataset(ds, KEY)
    assert str(out.ContentSequence[0].PersonName) == str(out.PatientName)


def test_the_verifying_observer_sequence_is_kept_with_the_profiles_actions():
    out = round_trip(deidentify_dataset(_report("MRN-A-1001", "Quixmoor^Zebulon"), KEY))
    assert out.VerificationFlag == "VERIFIED"
    (observer,) = out.VerifyingObserverSequence            # D: kept, one item as written
    assert observer.VerifyingOrganization == "ANONYMIZED"   # D: type 1 in the item
    assert len(observer.VerifyingObserverIdentificationCodeSequence) == 0   # Z: no items
    shifted = date(2020, 6, 1) + KEY.date_shift("MRN-A-1001")
    assert observer.VerificationDateTime == shifted.strftime("%Y%m%d") + "151500"
    assert out.ContentDate == shifted.strftime("%Y%m%d")   # the same offset as other dates
    text = repr(out)
    for secret in ("Lochmoor", "EMP-4471", "Brackenridge", "Hestia", "Maple", "Quixmoor",
                   "Zebulon", "Pemberton"):
        assert secret not in text, secret
