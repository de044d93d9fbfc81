"""PS3.15 Table E.1-1's compound actions (X/Z, X/D, Z/D, X/Z/D, X/Z/U*) under DICOM de-id.

A compound action removes the attribute unless the IOD needs it: zero length where it is
type 2, a dummy where type 1, a sequence's instance UIDs replaced for U*. Osler does not look
up each IOD's module types, so an attribute the input has is written with the least removal
every IOD allows (X/Z -> Z; X/D, Z/D, X/Z/D -> D; X/Z/U* -> items kept, UIDs remapped), and
one the input lacks is never added. Before, DeviceSerialNumber (X/Z/D, type 1 in the
Enhanced General Equipment module) was removed, leaving enhanced multi-frame objects
non-conformant. All values here are made up."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_dataset
from osler.privacy.deid.dicom import profile_actions
from dicom_factory import code_item, round_trip

pydicom = pytest.importorskip("pydicom")
KEY = DeidKey(b"compound actions test key 32 b..")
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"
SERIAL = "SN-77Q1-ZX"
SITE = "Harrowgate Vale Clinic"
STATION = "HVC-CT-02"


def _enhanced_ct(**attributes):
    """An Enhanced CT header with the General and Enhanced General Equipment attributes."""
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.SOPClassUID = ENHANCED_CT
    ds.SOPInstanceUID = "1.2.826.0.1.3680043.8.498.7301.1"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.7301"
    ds.PatientID, ds.Modality = "MRN-CA-3141", "CT"
    ds.Manufacturer, ds.ManufacturerModelName, ds.SoftwareVersions = "Acme", "Scan 9", "1.0"
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    return ds


def _deidentified(ds):
    """``ds`` de-identified, written and read back: what a reader of the file gets."""
    return round_trip(deidentify_dataset(ds, KEY))


def test_the_profile_table_keeps_the_compound_actions_as_the_standard_writes_them():
    actions = profile_actions()
    assert actions[0x00181000] == ("DeviceSerialNumber", "X/Z/D")
    assert actions[0x00080080] == ("InstitutionName", "X/Z/D")
    assert actions[0x00081072] == ("OperatorIdentificationSequence", "X/D")
    assert actions[0x00081110] == ("ReferencedStudySequence", "X/Z")
    assert actions[0x00082112] == ("SourceImageSequence", "X/Z/U*")


def test_a_device_serial_number_is_kept_as_a_dummy_so_the_type_1_attribute_stays():
    out = _deidentified(_enhanced_ct(DeviceSerialNumber=SERIAL))
    assert out.DeviceSerialNumber == "ANONYMIZED"
    assert SERIAL not in repr(out)


def test_an_attribute_the_input_lacks_is_not_added():
    out = _deidentified(_enhanced_ct())
    for keyword in ("DeviceSerialNumber", "InstitutionName", "StationName",
                    "InstitutionCodeSequence", "SourceImageSequence"):
        assert keyword not in out, keyword


def test_institution_and_station_names_are_dummies_naming_no_one():
    out = _deidentified(_enhanced_ct(InstitutionName=SITE, StationName=STATION))
    assert (out.InstitutionName, out.StationName) == ("ANONYMIZED", "ANONYMIZED")
    assert "Harrowgate" not in repr(out) and STATION not in repr(out)


def test_an_x_z_attribute_is_kept_with_zero_length():
    from pydicom.dataset import Dataset

    ds = _enhanced_ct()
    ds.add_new(0x30080105, "LO", "SRC-9911")   # SourceSerialNumber, X/Z
    ds.add_new(0x300E0008, "PN", "Quellbrook^Amsel")   # ReviewerName, X/Z
    ds.ReferencedStudySequence = [Dataset()]   # X/Z: a sequence kept with no items
    ds.ReferencedStudySequence[0].ReferencedSOPInstanceUID = "1.2.826.0.1.3680043.8.498.88"
    out = _deidentified(ds)
    assert out[0x30080105].value == "" and not str(out[0x300E0008].value)
    assert len(out.ReferencedStudySequence) == 0


def test_an_x_z_d_code_sequence_keeps_its_item_with_a_dummy_code():
    ds = _enhanced_ct(InstitutionCodeSequence=[code_item("HVC-01", "99SITES", SITE)])
    out = _deidentified(ds)
    (item,) = out.InstitutionCodeSequence
    assert (item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning) == (
        "ANONYMIZED", "ANONYMIZED", "ANONYMIZED")
    assert "HVC-01" not in repr(out) and "Harrowgate" not in repr(out)


def test_an_operator_is_a_stand_in_and_the_identification_item_stays_whole():
    from pydicom.dataset import Dataset

    operator = Dataset()
    operator.PersonIdentificationCodeSequence = [code_item("EMP-4410", "99STAFF", "Tech")]
    operator.InstitutionName = SITE
    operator.PersonTelephoneNumbers = "555-0142"   # X: removed even in a kept item
    out = _deidentified(_enhanced_ct(OperatorsName="Quellbrook^Amsel",
                                     OperatorIdentificationSequence=[operator]))
    name = str(out.OperatorsName)
    assert name and "Quellbrook" not in name and "Amsel" not in name
    (item,) = out.OperatorIdentificationSequence
    assert item.PersonIdentificationCodeSequence[0].CodeValue == "ANONYMIZED"
    assert item.InstitutionName == "ANONYMIZED" and "PersonTelephoneNumbers" not in item
    for secret in ("EMP-4410", "99STAFF", "555-0142", "Harrowgate"):
        assert secret not in repr(out), secret


def test_an_x_z_u_star_sequence_keeps_its_references_with_remapped_uids():
    from pydicom.dataset import Dataset

    source = Dataset()
    source.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    source.ReferencedSOPInstanceUID = "1.2.826.0.1.3680043.8.498.7301.9"
    out = _deidentified(_enhanced_ct(SourceImageSequence=[source]))
    (item,) = out.SourceImageSequence
    assert item.ReferencedSOPInstanceUID == KEY.uid("1.2.826.0.1.3680043.8.498.7301.9")
    assert item.ReferencedSOPClassUID == "1.2.840.10008.5.1.4.1.1.2"


def test_rows_the_default_kept_are_now_removed_as_the_table_says():
    from pydicom.dataset import Dataset

    ds = _enhanced_ct()
    ds.add_new(0x00160072, "DS", "51.5")   # GPSLatitude: X, was kept as a number
    ds.add_new(0x00160074, "DS", "-0.12")   # GPSLongitude
    ds.PatientInsurancePlanCodeSequence = [code_item("PLAN-7", "99INS", "Gold plan")]
    ds.AuthorObserverSequence = [Dataset()]
    out = _deidentified(ds)
    for keyword in ("GPSLatitude", "GPSLongitude", "PatientInsurancePlanCodeSequence",
                    "AuthorObserverSequence"):
        assert keyword not in out, keyword


def test_a_dummy_of_a_vr_with_none_is_an_empty_value_of_that_vr():
    ds = _enhanced_ct()
    ds.add_new(0x00340002, "OB", b"\x07\x01")   # FlowIdentifier: D, bytes
    ds.add_new(0x00720071, "UR", "http://pacs.example/hp/1")   # SelectorURValue: D
    out = _deidentified(ds)
    assert not out[0x00340002].value and not out[0x00720071].value


def test_a_code_item_version_is_a_coding_scheme_s_not_the_patient_s_date():
    from pydicom.dataset import Dataset

    concept = code_item("121071", "DCM", "Finding")
    concept.ContextGroupVersion = "20040101"
    item = Dataset()
    item.ValueType, item.ConceptNameCodeSequence = "TEXT", [concept]
    out = _deidentified(_enhanced_ct(ContentSequence=[item]))
    assert out.ContentSequence[0].ConceptNameCodeSequence[0].ContextGroupVersion == "20040101"
