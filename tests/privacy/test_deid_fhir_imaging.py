"""An ImagingStudy's UIDs are remapped as DICOM de-id remaps them (made-up data)."""

from __future__ import annotations

import json

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle

KEY = DeidKey(b"fhir imaging secret, 32 bytes ok")
STUDY, SERIES, SOP = "1.2.826.0.1.3680043.9.7777.1", "1.2.826.0.1.3680043.9.7777.1.1", \
    "1.2.826.0.1.3680043.9.7777.1.1.1"


def test_imaging_study_uids_match_the_de_identified_dicom(tmp_path, write_dicom):
    path = tmp_path / "ct.dcm"
    write_dicom(path, "CT", STUDY, SOP)
    pydicom = pytest.importorskip("pydicom")
    from osler.privacy.deid.dicom import deidentify_dataset

    ds = pydicom.dcmread(path)
    ds.SeriesInstanceUID = SERIES
    deidentify_dataset(ds, KEY)
    study = {"resourceType": "ImagingStudy", "id": "is1", "subject": {"reference": "Patient/p1"},
             "identifier": [{"system": "urn:dicom:uid", "value": f"urn:oid:{STUDY}"}],
             "series": [{"uid": SERIES, "instance": [
                 {"uid": SOP, "sopClass": {"code": "1.2.840.10008.5.1.4.1.1.2"}}]}]}
    out = deidentify_bundle(study, KEY)
    assert "7777" not in json.dumps(out)
    assert out["identifier"][0]["value"] == f"urn:oid:{ds.StudyInstanceUID}"
    assert out["series"][0]["uid"] == ds.SeriesInstanceUID
    assert out["series"][0]["instance"][0]["uid"] == ds.SOPInstanceUID
    assert out["series"][0]["instance"][0]["sopClass"]["code"] == "1.2.840.10008.5.1.4.1.1.2"
