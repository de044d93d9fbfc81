"""A DICOM PatientName with ideographic and phonetic groups ("=") gets the same stand-in as the
patient's FHIR name, and no group of the original survives."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_dataset

pydicom = pytest.importorskip("pydicom")
KEY = DeidKey(b"dicom name groups, 32 bytes long")


def _fhir_name(pid: str, family: str, given: str) -> str:
    out = deidentify_bundle({"resourceType": "Patient", "id": pid,
                             "name": [{"family": family, "given": [given]}]}, KEY)
    return f"{out['name'][0]['family']}^{out['name'][0]['given'][0]}"


def _dicom_name(tmp_path, write_dicom, pid: str, name: str) -> str:
    path = tmp_path / "a.dcm"
    write_dicom(path, "CT", "1.2.3.4", "1.2.3.4.5")
    ds = pydicom.dcmread(path)
    ds.SpecificCharacterSet = ["", "ISO 2022 IR 87"]
    ds.PatientID, ds.PatientName = pid, name
    deidentify_dataset(ds, KEY)
    return str(ds.PatientName)


def test_name_groups_get_the_fhir_names_stand_in_and_no_made_up_middle_name(tmp_path,
                                                                            write_dicom):
    got = _dicom_name(tmp_path, write_dicom, "JP-0001", "Quixada^Zentarou=山田^太郎=やまだ^たろう")
    assert got == _fhir_name("JP-0001", "Quixada", "Zentarou")
    assert got.count("^") == 1 and "=" not in got
    assert not any(c in got for c in "山田太郎やまだたろう")


def test_a_name_written_only_in_its_ideographic_group_is_replaced(tmp_path, write_dicom):
    got = _dicom_name(tmp_path, write_dicom, "JP-0002", "=山田^太郎")
    assert got and got.isascii() and "=" not in got
