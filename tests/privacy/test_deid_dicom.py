from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_dicom_dir

pydicom = pytest.importorskip("pydicom")
KEY = DeidKey(b"dicom test secret, 32 bytes long")


def test_directory_is_deidentified_with_consistent_uids(tmp_path, write_dicom):
    src = tmp_path / "in"
    src.mkdir()
    study = "1.2.826.0.1.3680043.8.498.1"
    write_dicom(src / "a.dcm", "CT", study, study + ".1")
    write_dicom(src / "b.dcm", "US", study, study + ".2")
    (src / "broken.dcm").write_bytes(b"not dicom at all")
    results = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    ok = [r for r in results if not r.error]
    assert len(ok) == 2 and any(r.error for r in results)
    assert {r.modality: r.burned_in_risk for r in ok} == {"CT": False, "US": True}
    out = [pydicom.dcmread(r.output) for r in ok]
    assert {ds.StudyInstanceUID for ds in out} == {KEY.uid(study)}
    for ds in out:
        assert ds.PatientID == KEY.pseudonym("MRN-1234")
        assert "Quimby" not in str(ds.PatientName)
        # X/Z/D in Table E.1-1: kept, when the input has it, as a dummy naming nothing
        assert ds.InstitutionName == "ANONYMIZED" and ds.ReferringPhysicianName == ""
        assert ds.PatientIdentityRemoved == "YES"
        assert not any(elem.tag.is_private for elem in ds)
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.2"


def _deidentified(tmp_path, write_dicom, attribute: str, values: dict[str, str]) -> dict:
    """One CT file per name with ``attribute`` set to its value, de-identified: name ->
    the output dataset."""
    src = tmp_path / "in"
    src.mkdir()
    study = "1.2.826.0.1.3680043.8.498.5"
    for n, name in enumerate(values):
        write_dicom(src / name, "CT", study, f"{study}.{n}")
        ds = pydicom.dcmread(src / name)
        setattr(ds, attribute, values[name])
        ds.save_as(src / name)
    return {r.source: pydicom.dcmread(r.output) for r in deidentify_dicom_dir(
        src, tmp_path / "out", KEY)}


def test_patient_age_over_89_is_aggregated_to_90_and_other_ages_are_kept(tmp_path,
                                                                         write_dicom):
    results = _deidentified(tmp_path, write_dicom, "PatientAge", {
        "a.dcm": "092Y", "b.dcm": "089Y", "c.dcm": "011M", "d.dcm": "101Y"})
    assert {name: str(ds.PatientAge) for name, ds in results.items()} == {
        "a.dcm": "090Y", "b.dcm": "089Y", "c.dcm": "011M", "d.dcm": "090Y"}


def test_a_birth_date_over_89_years_ago_becomes_the_year_for_90_or_older(tmp_path,
                                                                         write_dicom):
    from datetime import date

    born = {"old.dcm": "19250506", "young.dcm": f"{date.today().year - 40}0506"}
    results = _deidentified(tmp_path, write_dicom, "PatientBirthDate", born)
    assert str(results["old.dcm"].PatientBirthDate) == f"{date.today().year - 90}0101"
    assert str(results["young.dcm"].PatientBirthDate) != born["young.dcm"]     # shifted
    assert str(results["young.dcm"].PatientBirthDate)[:4] in {
        str(date.today().year - 41), str(date.today().year - 40), str(date.today().year - 39)}


def test_a_truncated_file_is_skipped_with_its_reason_not_written(tmp_path, write_dicom):
    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "a.dcm", "CT", "1.2.826.0.1.3680043.8.498.9", "1.2.826.0.1.3680043.8.498.9.1")
    (src / "cut.dcm").write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00")
    results = {r.source: r for r in deidentify_dicom_dir(src, tmp_path / "out", KEY)}
    assert results["a.dcm"].error is None
    assert results["cut.dcm"].output is None and "SOP Class" in results["cut.dcm"].error
    assert len(list((tmp_path / "out").rglob("*.dcm"))) == 1


def test_urls_documents_overlays_and_unlisted_instance_uids_do_not_survive(tmp_path, write_dicom):
    import numpy as np

    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "a.dcm", "CT", "1.2.826.0.1.3680043.8.498.7", "1.2.826.0.1.3680043.8.498.7.1")
    ds = pydicom.dcmread(src / "a.dcm")
    ds.RetrieveURL = "https://pacs.example.org/wado?patientID=5523190"
    ds.add_new(0x00420011, "OB", b"%PDF-1.4 Patient: Thaddeus Quixwell MRN 5523190")
    ds.add_new(0x60003000, "OW", np.ones(64, dtype=np.uint8).tobytes())
    ds.add_new(0x00181002, "UI", "1.2.3.4.5523190")          # DeviceUID: an instance
    ds.save_as(src / "a.dcm")
    (result,) = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    assert result.error is None and result.burned_in_risk   # the overlay may hold text
    raw = Path(result.output).read_bytes()
    for secret in (b"5523190", b"Quixwell", b"%PDF", b"pacs.example.org"):
        assert secret not in raw, secret
    out = pydicom.dcmread(result.output)
    assert out.SOPClassUID == "1.2.840.10008.5.1.4.1.1.2"    # a class UID is kept
    assert out[0x00181002].value == KEY.uid("1.2.3.4.5523190")


def _with_identifying_meta(path) -> None:
    """Plant a name and MRN in the preamble and in the file meta's optional elements."""
    ds = pydicom.dcmread(path)
    ds.preamble = b"QUIMBY HAROLD MRN-1234".ljust(128, b"\0")
    ds.file_meta.SourceApplicationEntityTitle = "QUIMBY_PC"
    ds.file_meta.ImplementationVersionName = "LOCHMOOR_1"
    ds.file_meta.add_new(0x00020100, "UI", "1.2.826.0.1.3680043.8.498.555")
    ds.file_meta.add_new(0x00020102, "OB", b"Harold Quimby MRN-1234")
    ds.save_as(path)


def test_preamble_is_zeroed_and_file_meta_keeps_only_required_elements(tmp_path, write_dicom):
    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "a.dcm", "CT", "1.2.826.0.1.3680043.8.498.11",
                "1.2.826.0.1.3680043.8.498.11.1")
    _with_identifying_meta(src / "a.dcm")
    (result,) = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    raw = Path(result.output).read_bytes()
    assert raw[:128] == b"\0" * 128 and raw[128:132] == b"DICM"
    for secret in (b"QUIMBY", b"Quimby", b"MRN-1234", b"LOCHMOOR", b"8.498.555"):
        assert secret not in raw, secret
    meta = pydicom.dcmread(result.output).file_meta
    assert {e.keyword for e in meta} - {"FileMetaInformationGroupLength"} == {
        "FileMetaInformationVersion", "MediaStorageSOPClassUID", "MediaStorageSOPInstanceUID",
        "TransferSyntaxUID", "ImplementationClassUID", "ImplementationVersionName"}
    assert meta.MediaStorageSOPClassUID == "1.2.840.10008.5.1.4.1.1.2"
    assert meta.MediaStorageSOPInstanceUID == KEY.uid("1.2.826.0.1.3680043.8.498.11.1")


def _one_deidentified(tmp_path, write_dicom, plant) -> tuple[Any, bytes]:
    """One CT file changed by ``plant(ds)``, de-identified: the output dataset and bytes."""
    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "a.dcm", "CT", "1.2.826.0.1.3680043.8.498.12",
                "1.2.826.0.1.3680043.8.498.12.1")
    ds = pydicom.dcmread(src / "a.dcm")
    plant(ds)
    ds.save_as(src / "a.dcm")
    (result,) = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    return pydicom.dcmread(result.output), Path(result.output).read_bytes()


def test_cleaned_text_loses_the_files_own_names_even_joined_by_underscores(tmp_path,
                                                                           write_dicom):
    from pydicom.dataset import Dataset

    def plant(ds):
        ds.PatientName = "ZORBLATT^HAROLD^WENDELL"
        ds.PatientMotherBirthName = "FENWICKE^MAUD"
        ds.StudyDescription = "CT HEAD for ZORBLATT HAROLD"
        ds.SeriesDescription = "Fenwicke present"
        ds.ProtocolName = "ZORBLATT_HEAD"
        ds.PerformedProcedureStepDescription = "WENDELL^HAROLD protocol"
        request = Dataset()
        request.RequestedProcedureDescription = "CT for Harold Zorblatt"
        request.RetrieveAETitle = "ZORBLATT_AE"
        ds.RequestAttributesSequence = [request]

    out, raw = _one_deidentified(tmp_path, write_dicom, plant)
    for secret in (b"ZORBLATT", b"Zorblatt", b"HAROLD", b"Harold", b"WENDELL", b"FENWICKE",
                   b"Fenwicke"):
        assert secret not in raw, secret
    # the name's stand-in is PatientName's, as in the patient's notes (deid text's surrogate)
    family = str(out.PatientName).split("^")[0]
    assert out.ProtocolName == f"{family}_HEAD" and out.StudyDescription.startswith("CT HEAD")
    assert "RequestAttributesSequence" not in out   # PS3.15 E.1-1: X, the whole sequence


def test_other_patient_ids_sequence_is_removed_as_the_profile_lists_it(tmp_path, write_dicom):
    from pydicom.dataset import Dataset

    def plant(ds):
        other = Dataset()
        other.PatientID = "MRN-OLD-9931"
        other.IssuerOfPatientID = "Lochmoor Hospital"
        ds.OtherPatientIDsSequence = [other]

    out, raw = _one_deidentified(tmp_path, write_dicom, plant)
    assert "OtherPatientIDsSequence" not in out
    assert b"9931" not in raw and b"Lochmoor" not in raw


def _write_dicomdir(path, image_uid: str) -> None:
    """A DICOMDIR-like file: one patient (MRN-1234, as write_dicom's), study, series, image."""
    from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.1.3.10"
    meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.8.498.100"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dd = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    dd.FileSetID = "QUIMBY_CD"
    dd.FileSetDescriptorFileID = ["QUIMBY", "README"]
    records = []
    for kind, values in [
            ("PATIENT", {"PatientName": "Quimby^Harold", "PatientID": "MRN-1234",
                         "PatientBirthDate": "19500314"}),
            ("STUDY", {"StudyDate": "20200601", "StudyDescription": "CT HEAD QUIMBY",
                       "StudyInstanceUID": "1.2.826.0.1.3680043.8.498.13"}),
            ("IMAGE", {"ReferencedFileID": ["QUIMBY", "HAROLD", "CT1"],
                       "ReferencedSOPClassUIDInFile": CTImageStorage,
                       "ReferencedSOPInstanceUIDInFile": image_uid,
                       "ReferencedTransferSyntaxUIDInFile": ExplicitVRLittleEndian})]:
        record = Dataset()
        record.DirectoryRecordType = kind
        for keyword, value in values.items():
            setattr(record, keyword, value)
        records.append(record)
    dd.DirectoryRecordSequence = records
    dd.save_as(path, enforce_file_format=True)


def test_dicomdir_records_follow_their_patient_and_keep_class_uids(tmp_path, write_dicom):
    src = tmp_path / "in"
    src.mkdir()
    image_uid = "1.2.826.0.1.3680043.8.498.13.1"
    write_dicom(src / "a.dcm", "CT", "1.2.826.0.1.3680043.8.498.13", image_uid)
    _write_dicomdir(src / "DICOMDIR", image_uid)
    results = {r.source: r for r in deidentify_dicom_dir(src, tmp_path / "out", KEY)}
    image = pydicom.dcmread(results["a.dcm"].output)
    raw = Path(results["DICOMDIR"].output).read_bytes()
    for secret in (b"QUIMBY", b"Quimby", b"HAROLD", b"MRN-1234"):
        assert secret not in raw, secret
    directory = pydicom.dcmread(results["DICOMDIR"].output)
    assert directory.FileSetID == "" and "FileSetDescriptorFileID" not in directory
    patient, study, instance = directory.DirectoryRecordSequence
    assert patient.PatientID == image.PatientID and patient.PatientName == image.PatientName
    assert patient.PatientBirthDate == image.PatientBirthDate
    assert study.StudyDate == image.StudyDate
    assert study.StudyInstanceUID == image.StudyInstanceUID
    # its file ID no longer names the input's folders, but the image as written
    assert Path(results["DICOMDIR"].output).parent.joinpath(*instance.ReferencedFileID) == \
        Path(results["a.dcm"].output)
    assert instance.ReferencedSOPClassUIDInFile == "1.2.840.10008.5.1.4.1.1.2"
    assert instance.ReferencedTransferSyntaxUIDInFile == "1.2.840.10008.1.2.1"
    assert instance.ReferencedSOPInstanceUIDInFile == image.SOPInstanceUID


def test_output_folders_are_named_by_new_uids_not_by_the_input_folders(tmp_path, write_dicom):
    # Found by a tester: QUIXMOOR/ZEBULON/ under the input came out under OUT_DIR as it was.
    src = tmp_path / "in" / "QUIXMOOR" / "ZEBULON"
    src.mkdir(parents=True)
    study = "1.2.826.0.1.3680043.8.498.7"
    write_dicom(src / "image1.dcm", "CT", study, study + ".1")
    (result,) = deidentify_dicom_dir(tmp_path / "in", tmp_path / "out", KEY)
    written = Path(result.output).relative_to(tmp_path / "out")
    assert "QUIXMOOR" not in str(written) and "ZEBULON" not in str(written)
    assert written.parts[0] == KEY.uid(study) and len(written.parts) == 3


def test_a_well_formed_timezone_offset_is_kept_and_anything_else_removed(tmp_path,
                                                                         write_dicom):
    # PS3.15 E.1-1: C under Retain Longitudinal Temporal Information with Modified Dates,
    # which Osler applies; whole-day shifts leave the offset true
    results = _deidentified(tmp_path, write_dicom, "TimezoneOffsetFromUTC", {
        "a.dcm": "+0100", "b.dcm": "-0500", "c.dcm": "Lochmoor", "d.dcm": "+2500"})
    kept = {name: ds.get("TimezoneOffsetFromUTC") for name, ds in results.items()}
    assert kept == {"a.dcm": "+0100", "b.dcm": "-0500", "c.dcm": None, "d.dcm": None}


def test_the_deidentification_method_is_coded_as_cid_7050(tmp_path, write_dicom):
    (ds,) = _deidentified(tmp_path, write_dicom, "PatientAge", {"a.dcm": "040Y"}).values()
    assert ds.PatientIdentityRemoved == "YES" and ds.DeidentificationMethod
    codes = [(c.CodeValue, c.CodingSchemeDesignator, c.CodeMeaning)
             for c in ds.DeidentificationMethodCodeSequence]
    assert codes == [
        ("113100", "DCM", "Basic Application Confidentiality Profile"),
        ("113104", "DCM", "Clean Structured Content Option"),   # a report's TEXT is cleaned
        ("113105", "DCM", "Clean Descriptors Option"),   # StudyDescription cleaned, not removed
        ("113107", "DCM", "Retain Longitudinal Temporal Information Modified Dates Option"),
        ("113108", "DCM", "Retain Patient Characteristics Option")]   # sex, age, size kept


def _with_pixels(path) -> None:
    """Give the tiny file 16x16 pixels (made up), written with their length."""
    import numpy as np

    ds = pydicom.dcmread(path)
    ds.Rows = ds.Columns = 16
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit, ds.SamplesPerPixel, ds.PixelRepresentation = 15, 1, 0
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelData = np.arange(256, dtype=np.uint16).tobytes()
    ds["PixelData"].VR = "OW"
    ds.save_as(path)


@pytest.mark.parametrize("cut", ["meta-only", "pixels-cut", "header-cut"])
def test_a_file_cut_short_is_unreadable_not_de_identified(tmp_path, write_dicom, cut):
    from click.testing import CliRunner

    from osler.cli import cli

    src = tmp_path / "in"
    src.mkdir()
    for name, uid in (("a.dcm", "1.2.826.0.1.3680043.8.498.7.1"),
                      ("b.dcm", "1.2.826.0.1.3680043.8.498.7.2")):
        write_dicom(src / name, "CT", "1.2.826.0.1.3680043.8.498.7", uid)
        _with_pixels(src / name)
    data = (src / "b.dcm").read_bytes()
    meta_end = 132 + 12 + int.from_bytes(data[140:144], "little")   # preamble, group length
    keep = {"meta-only": meta_end, "pixels-cut": len(data) - 100, "header-cut": len(data) - 3}
    (src / "b.dcm").write_bytes(data[:keep[cut]])
    results = {r.source: r for r in deidentify_dicom_dir(src, tmp_path / "out", KEY)}
    assert results["a.dcm"].error is None and results["a.dcm"].output
    assert results["b.dcm"].output is None and "unreadable" in results["b.dcm"].error
    assert [p.name for p in (tmp_path / "out").rglob("*.dcm")] == [
        Path(results["a.dcm"].output).name]
    result = CliRunner().invoke(cli, ["deid", "dicom", str(src), str(tmp_path / "out2")])
    assert result.exit_code == 3, result.output
    assert "skipped file 2 (in sorted path order): unreadable" in result.output   # not its path
    assert "1 files de-identified, 1 skipped" in result.output
    assert not (tmp_path / "out2" / "unknown").exists()   # no study: nothing of b.dcm


def test_a_deflated_file_is_not_taken_for_a_truncated_one(tmp_path, write_dicom):
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "d.dcm", "CT", "1.2.826.0.1.3680043.8.498.8", "1.2.826.0.1.3680043.8.498.8.1")
    _with_pixels(src / "d.dcm")
    ds = pydicom.dcmread(src / "d.dcm")
    ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    ds.save_as(src / "d.dcm")
    [result] = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    assert result.error is None and result.output
