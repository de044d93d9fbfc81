"""Small pydicom items built in code for the DICOM tests (made-up values, no shared data)."""

from __future__ import annotations


def code_item(value: str, scheme: str, meaning: str):
    """A code sequence item (PS3.3 Table 8.8-1): CodeValue, CodingSchemeDesignator and
    CodeMeaning."""
    from pydicom.dataset import Dataset

    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning
    return item


def round_trip(ds):
    """``ds`` given file meta (Explicit VR Little Endian), written as a file and read back:
    what a viewer of the de-identified file gets."""
    from io import BytesIO

    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    buffer = BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    buffer.seek(0)
    return pydicom.dcmread(buffer)
