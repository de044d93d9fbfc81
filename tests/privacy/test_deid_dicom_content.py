"""A structured report's content and a multi-frame image's per-frame dates under de-id.

Before, every attribute the profile table does not list was removed when it was text or a
date, at any depth: a report lost its concept codes, units and dates, and an enhanced
multi-frame image lost the FrameAcquisitionDateTime its functional groups require."""

from __future__ import annotations

from datetime import date

import pytest

from dicom_factory import code_item
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_dataset

pydicom = pytest.importorskip("pydicom")
KEY = DeidKey(b"dicom test secret, 32 bytes long")
PATIENT = "MRN-TEST-0077"


def _content_item(value_type: str, concept, **values):
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    item = Dataset()
    item.RelationshipType, item.ValueType = "CONTAINS", value_type
    item.ConceptNameCodeSequence = Sequence([concept])
    for keyword, value in values.items():
        setattr(item, keyword, value)
    return item


def _report():
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    ds = Dataset()
    ds.PatientID, ds.PatientName, ds.Modality = PATIENT, "Quimby^Harold", "SR"
    ds.StudyDate = "20200601"
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = Sequence(
        [code_item("18748-4", "LN", "Diagnostic imaging report")])
    measured = Dataset()
    measured.NumericValue = "12.5"
    measured.MeasurementUnitsCodeSequence = Sequence([code_item("mm", "UCUM", "millimeter")])
    ds.ContentSequence = Sequence([
        _content_item("TEXT", code_item("121071", "DCM", "Finding"),
                      TextValue="Harold Quimby seen for a nodule, stable since 5/3/2019."),
        _content_item("DATE", code_item("111060", "DCM", "Study Date"), Date="20200601"),
        _content_item("NUM", code_item("410668003", "SCT", "Length"),
                      MeasuredValueSequence=Sequence([measured])),
        _content_item("CODE", code_item("L-77", "99LOCAL", "Nodule, per Dr Quimby's protocol")),
    ])
    return ds


def test_a_reports_codes_units_and_numbers_are_kept():
    ds = deidentify_dataset(_report(), KEY)
    concepts = [item.ConceptNameCodeSequence[0] for item in ds.ContentSequence]
    assert [c.CodeValue for c in concepts] == ["121071", "111060", "410668003", "L-77"]
    assert [c.CodeMeaning for c in concepts[:3]] == ["Finding", "Study Date", "Length"]
    assert ds.ConceptNameCodeSequence[0].CodeMeaning == "Diagnostic imaging report"
    measured = ds.ContentSequence[2].MeasuredValueSequence[0]
    assert float(measured.NumericValue) == 12.5
    assert measured.MeasurementUnitsCodeSequence[0].CodeValue == "mm"


def test_a_reports_text_is_cleaned_and_its_dates_move_by_the_patients_shift():
    ds = deidentify_dataset(_report(), KEY)
    text = ds.ContentSequence[0].TextValue
    assert "Quimby" not in text and "Harold" not in text and "5/3/2019" not in text
    assert "nodule" in text                       # cleaned, not removed
    moved = date(2020, 6, 1) + KEY.date_shift(PATIENT)
    assert ds.ContentSequence[1].Date == moved.strftime("%Y%m%d") == ds.StudyDate


def test_a_local_schemes_meaning_is_cleaned_as_text():
    ds = deidentify_dataset(_report(), KEY)
    meaning = ds.ContentSequence[3].ConceptNameCodeSequence[0].CodeMeaning
    assert "Quimby" not in meaning and "Nodule" in meaning


def test_per_frame_acquisition_times_move_and_are_not_removed():
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    ds = Dataset()
    ds.PatientID, ds.Modality, ds.AcquisitionDateTime = PATIENT, "MR", "20200601101500"
    frames = []
    for minute in ("15", "16"):
        content = Dataset()
        content.FrameAcquisitionDateTime = f"2020060110{minute}00.000000"
        content.FrameReferenceDateTime = f"2020060110{minute}00.000000"
        group = Dataset()
        group.FrameContentSequence = Sequence([content])
        frames.append(group)
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    out = deidentify_dataset(ds, KEY)
    day = (date(2020, 6, 1) + KEY.date_shift(PATIENT)).strftime("%Y%m%d")
    written = [g.FrameContentSequence[0].FrameAcquisitionDateTime
               for g in out.PerFrameFunctionalGroupsSequence]
    assert written == [f"{day}101500.000000", f"{day}101600.000000"]
    assert out.AcquisitionDateTime == f"{day}101500"


def _coded(keyword: str, value: str, scheme: str, meaning: str):
    from pydicom.sequence import Sequence

    return keyword, Sequence([code_item(value, scheme, meaning)])


def test_codes_that_name_people_or_institutions_do_not_survive():
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    ds = _report()
    operator = Dataset()
    operator.PersonIdentificationCodeSequence = Sequence([code_item("EMP12345", "99STAFF", "Op")])
    ds.OperatorIdentificationSequence = Sequence([operator])
    ds.InstitutionCodeSequence = Sequence([code_item("H-042", "99SITES", "Lochmoor General")])
    observer = Dataset()
    observer.VerifyingObserverIdentificationCodeSequence = Sequence(
        [code_item("121008", "DCM", "Quimby^Rosalind")])
    ds.VerifyingObserverSequence = Sequence([observer])
    ds.IssuerOfAdmissionIDSequence = Sequence([code_item("ADM-77", "99LOCAL", "Ward 7 desk")])
    out = deidentify_dataset(ds, KEY)
    text = repr(out)
    for secret in ("EMP12345", "H-042", "Lochmoor", "Quimby", "Rosalind", "ADM-77", "Ward 7"):
        assert secret not in text, secret
    assert out.ContentSequence[0].ConceptNameCodeSequence[0].CodeValue == "121071"


def test_each_value_of_a_multi_valued_date_moves():
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.PatientID = PATIENT
    ds.add_new(0x00181200, "DA", ["20200601", "20200715"])   # DateOfLastCalibration, VM 1-n
    out = deidentify_dataset(ds, KEY)
    shift = KEY.date_shift(PATIENT)
    assert list(out[0x00181200].value) == [
        (date(2020, 6, 1) + shift).strftime("%Y%m%d"), (date(2020, 7, 15) + shift).strftime("%Y%m%d")]
