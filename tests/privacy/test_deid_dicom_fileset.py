"""A folder holding a DICOMDIR (a CD's file-set) de-identified: the output DICOMDIR's records
point at the de-identified files as written, by valid PS3.10 File IDs, and pydicom opens it.

Before, the output DICOMDIR kept its records but not one ReferencedFileID (the outputs are
named by UIDs, which no File ID can spell), and its record offsets were those of the input,
which cleaning had changed the lengths of: a viewer found no image through it."""

from __future__ import annotations

import gc
import re
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_dicom_dir

pydicom = pytest.importorskip("pydicom")
KEY = DeidKey(b"dicom file-set test, 32 bytes!!!")
_COMPONENT = re.compile(r"^[A-Z0-9_]{1,8}$")
SECRETS = (b"Quixmoor", b"QUIXMOOR", b"Zebulon", b"ZEBULON", b"MRN-5521", b"Thistlewood",
           b"MRN-5530", b"Lochmoor", b"QUIX_CD")


def _instance(patient: tuple[str, str], study: int, series: int, number: int, modality="CT"):
    """A CT (or SR) instance as a scanner writes one, with made-up people and places."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

    root = "1.2.826.0.1.3680043.8.498"
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = (CTImageStorage if modality == "CT"
                      else "1.2.840.10008.5.1.4.1.1.88.11")
    ds.SOPInstanceUID = f"{root}.{study}.{series}.{number}"
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.PatientName, ds.PatientID = patient
    ds.PatientBirthDate = "19610723"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = f"{root}.{study}", f"{root}.{study}.{series}"
    ds.StudyDate, ds.StudyTime, ds.StudyID = "20210304", "101500", f"S{study}"
    ds.AccessionNumber = f"ACC{study}77"
    ds.StudyDescription = f"CT CHEST {patient[0].split('^')[0].upper()}"
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = modality, series, number
    ds.InstitutionName = "Lochmoor General"
    if modality == "SR":
        from pydicom.dataset import Dataset as Item

        concept = Item()
        concept.CodeValue, concept.CodingSchemeDesignator = "18748-4", "LN"
        concept.CodeMeaning = "Diagnostic imaging report"
        ds.ConceptNameCodeSequence = [concept]
        ds.CompletionFlag, ds.VerificationFlag = "COMPLETE", "UNVERIFIED"
        ds.ContentDate, ds.ContentTime = "20210304", "120000"
    return ds


def _file_set(folder: Path) -> None:
    """A CD's file-set, written by pydicom as media creators do: a DICOMDIR at ``folder`` and
    PT000000/ST000000/SE000000/IM000000 ... File IDs, two patients, two series, a report."""
    from pydicom.fileset import FileSet

    first, second = ("Quixmoor^Zebulon", "MRN-5521"), ("Thistlewood^Ottilie", "MRN-5530")
    with _pydicom_staging():
        fs = FileSet()
        for ds in [_instance(first, 31, 1, 1), _instance(first, 31, 1, 2),
                   _instance(first, 31, 2, 1), _instance(first, 31, 3, 1, "SR"),
                   _instance(second, 41, 1, 1)]:
            fs.add(ds)
        fs.ID = "QUIX_CD"
        fs.write(folder)
        del fs


@contextmanager
def _pydicom_staging():
    """pydicom's FileSet stages in TemporaryDirectory objects it leaves to the garbage
    collector, which warns (ResourceWarning) when one goes: let them go here, quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=ResourceWarning)
        yield
        gc.collect()


def _check_dicomdir(dicomdir: Path, outputs: set[Path]) -> list:
    """Open ``dicomdir`` as pydicom's FileSet does (its offsets followed, each file looked
    for) and check each record's file: there, de-identified, the instance it names."""
    from pydicom.fileset import FileSet

    with _pydicom_staging():   # and a record pointing at no file warns: an error here
        fs = FileSet(dicomdir)
        instances = [(instance.ReferencedFileID, instance.ReferencedSOPInstanceUIDInFile)
                     for instance in fs]
        del fs
    for file_id, uid in instances:
        parts = [file_id] if isinstance(file_id, str) else list(file_id)
        assert len(parts) <= 8 and all(_COMPONENT.match(p) for p in parts), parts
        path = dicomdir.parent.joinpath(*parts)
        assert path.is_file() and path in outputs
        ds = pydicom.dcmread(path)
        assert ds.SOPInstanceUID == uid
        assert ds.SOPInstanceUID.startswith("2.25.") and ds.PatientIdentityRemoved == "YES"
    return instances


def test_the_output_dicomdir_points_at_the_deidentified_files(tmp_path):
    src = tmp_path / "in"
    _file_set(src)
    results = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    assert all(r.error is None for r in results), [r.error for r in results]
    (dicomdir,) = [Path(r.output) for r in results if r.source == "DICOMDIR"]
    assert dicomdir == tmp_path / "out" / "DICOMDIR"
    outputs = {Path(r.output) for r in results if r.source != "DICOMDIR"}
    instances = _check_dicomdir(dicomdir, outputs)
    assert len(instances) == len(outputs) == 5
    # and ingest, given the DICOMDIR, reads every de-identified file through it
    from osler.ingest.dicom import iter_dicom_files

    assert {path for path, _ in iter_dicom_files(dicomdir)} == outputs
    raw = dicomdir.read_bytes()
    for secret in SECRETS:
        assert secret not in raw, secret
    # the patient records follow their images' pseudonyms
    patients = {str(pydicom.dcmread(path).PatientID) for path in outputs}
    directory = pydicom.dcmread(dicomdir)
    assert {str(r.PatientID) for r in directory.DirectoryRecordSequence
            if r.DirectoryRecordType == "PATIENT"} == patients


def test_a_record_whose_file_was_not_written_is_dropped_with_its_empty_series(tmp_path):
    src = tmp_path / "in"
    _file_set(src)
    # the only image of a series cut short: skipped as unreadable, its record must go
    lone = next(p for p in sorted(src.rglob("IM*"))
                if pydicom.dcmread(p).SOPInstanceUID.endswith(".31.2.1"))
    lone.write_bytes(lone.read_bytes()[:200])
    results = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    failed = [r for r in results if r.error]
    assert len(failed) == 1 and failed[0].source == str(lone.relative_to(src))
    dicomdir = tmp_path / "out" / "DICOMDIR"
    outputs = {Path(r.output) for r in results if r.output and r.source != "DICOMDIR"}
    assert len(_check_dicomdir(dicomdir, outputs)) == 4
    kinds = [r.DirectoryRecordType for r in pydicom.dcmread(dicomdir).DirectoryRecordSequence]
    assert kinds.count("SERIES") == 3   # of four: the emptied one went with its image


def test_a_file_set_in_a_subfolder_gets_a_root_of_its_own_named_by_number(tmp_path,
                                                                            write_dicom):
    src = tmp_path / "in"
    _file_set(src / "QUIX_CD")
    write_dicom(src / "loose.dcm", "CT", "1.2.826.0.1.3680043.8.498.90",
                "1.2.826.0.1.3680043.8.498.90.1")
    results = {r.source: r for r in deidentify_dicom_dir(src, tmp_path / "out", KEY)}
    dicomdir = Path(results["QUIX_CD/DICOMDIR"].output)
    assert dicomdir == tmp_path / "out" / "FILESET1" / "DICOMDIR"
    outputs = {Path(r.output) for s, r in results.items() if s.startswith("QUIX_CD/IM")
               or s.startswith("QUIX_CD/PT")}
    assert len(_check_dicomdir(dicomdir, outputs)) == 5
    # a file outside the file-set keeps its UID name
    loose = Path(results["loose.dcm"].output)
    assert loose.name.startswith("2.25.") and loose.suffix == ".dcm"
    assert not any("QUIX" in part for r in results.values() for part in Path(r.output).parts)


def test_the_cli_writes_a_dicomdir_that_finds_its_files(tmp_path):
    from click.testing import CliRunner

    from osler.cli import cli

    src = tmp_path / "in"
    _file_set(src)
    result = CliRunner().invoke(cli, ["deid", "dicom", str(src), str(tmp_path / "out"),
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    written = {p for p in (tmp_path / "out").rglob("*") if p.is_file() and p.name != "DICOMDIR"}
    assert len(_check_dicomdir(tmp_path / "out" / "DICOMDIR", written)) == 5
    for secret in SECRETS:
        assert secret.decode() not in result.output


def test_a_dicomdir_that_cannot_be_relinked_is_left_out_with_its_reason(tmp_path,
                                                                         monkeypatch):
    from osler.privacy.deid import dicom
    from osler.privacy.deid.dicom_fileset import FileSetError

    def fail(*args, **kwargs):
        raise FileSetError("its records' offsets point at no record, or loop")

    monkeypatch.setattr(dicom, "relinked_dicomdir", fail)
    src = tmp_path / "in"
    _file_set(src)
    results = {r.source: r for r in deidentify_dicom_dir(src, tmp_path / "out", KEY)}
    left_out = results.pop("DICOMDIR")
    assert left_out.output is None and left_out.error.startswith("DICOMDIR left out: its")
    assert not (tmp_path / "out" / "DICOMDIR").exists()
    assert all(r.output and Path(r.output).is_file() for r in results.values())
