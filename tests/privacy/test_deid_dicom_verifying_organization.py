"""The Verifying Observer Sequence's type 1 attributes under DICOM de-id.

PS3.15 Table E.1-1 gives VerifyingOrganization (0040,A027) and VerifyingObserverName
(0040,A075) the action D (a dummy value); both are type 1 inside a Verifying Observer
Sequence item (PS3.3 Table C.17-2). Before, the organization was removed (the table was
transcribed as X), which left a VERIFIED report's item without a type 1 attribute."""

from __future__ import annotations

import pytest

from dicom_factory import round_trip
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_dataset
from osler.privacy.deid.dicom import profile_actions

pydicom = pytest.importorskip("pydicom")
KEY = DeidKey(b"verifying organization test key!")
ORGANIZATION = "Fernhollow Imaging Partners"
OBSERVER = "Vantreight^Odalys"


def _verified_report(organization: str = ORGANIZATION):
    """A VERIFIED Basic Text SR with one verifying observer (made-up people and places)."""
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.11"
    ds.SOPInstanceUID = "1.2.826.0.1.3680043.8.498.4242.1"
    ds.PatientID, ds.PatientName, ds.Modality = "MRN-VO-5150", "Orrindale^Piers", "SR"
    ds.ContentDate, ds.ContentTime = "20210910", "101500"
    ds.CompletionFlag, ds.VerificationFlag = "COMPLETE", "VERIFIED"
    observer = Dataset()
    observer.VerifyingObserverName = OBSERVER
    observer.VerifyingOrganization = organization
    observer.VerificationDateTime = "20210910113000"
    observer.VerifyingObserverIdentificationCodeSequence = []
    ds.VerifyingObserverSequence = [observer]
    return ds


def test_the_profile_table_gives_both_type_1_attributes_a_dummy():
    actions = profile_actions()
    assert actions[0x0040A027] == ("VerifyingOrganization", "D")
    assert actions[0x0040A075] == ("VerifyingObserverName", "D")


def test_the_verifying_organization_is_present_with_a_dummy_that_names_no_one():
    out = round_trip(deidentify_dataset(_verified_report(), KEY))
    (item,) = out.VerifyingObserverSequence
    assert item.VerifyingOrganization == "ANONYMIZED"
    assert str(item.VerifyingObserverName)           # type 1: present, not empty
    raw = repr(out)
    for secret in ("Fernhollow", "Imaging Partners", "Vantreight", "Odalys"):
        assert secret not in raw, secret


def test_an_empty_verifying_organization_also_gets_the_dummy():
    # an input that broke type 1 leaves conformant all the same
    out = round_trip(deidentify_dataset(_verified_report(organization=""), KEY))
    assert out.VerifyingObserverSequence[0].VerifyingOrganization == "ANONYMIZED"


def test_every_type_1_attribute_of_the_item_is_present_after_de_id():
    out = round_trip(deidentify_dataset(_verified_report(), KEY))
    (item,) = out.VerifyingObserverSequence
    for keyword in ("VerifyingObserverName", "VerifyingOrganization", "VerificationDateTime"):
        assert keyword in item and str(item[keyword].value), keyword
    # type 2: present, and empty as Z leaves it
    assert "VerifyingObserverIdentificationCodeSequence" in item
