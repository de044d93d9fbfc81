"""Helpers shared by the privacy tests."""

from __future__ import annotations

import pytest


def _write(path, modality, study_uid, sop_uid):
    """A tiny CT/US DICOM file with identifying headers and a private tag."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = study_uid
    ds.PatientID = "MRN-1234"
    ds.PatientName = "Quimby^Harold"
    ds.PatientBirthDate = "19500314"
    ds.StudyDate = "20200601"
    ds.InstitutionName = "Lochmoor Hospital"
    ds.ReferringPhysicianName = "Osler^William"
    ds.Modality = modality
    ds.add_new(0x00110010, "LO", "ACME private creator")
    ds.save_as(path, enforce_file_format=True)


@pytest.fixture()
def write_dicom():
    pytest.importorskip("pydicom")
    return _write
