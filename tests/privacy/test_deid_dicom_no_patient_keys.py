"""DICOM objects of no PatientID are keyed by their study, in files and in a DICOMDIR alike.

Before, a DICOMDIR's PATIENT records with an empty PatientID were all keyed by the empty id:
every patient-less record of the file-set shared one pseudonym and one date shift (as if one
patient), and their STUDY records' dates moved by another offset than their own files'. A
file of no PatientID and no UID at all shared the one offset of every such file too."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_dicom_dir
from osler.privacy.deid.dicom import deidentify_dataset
from osler.privacy.deid.dicom_names import NO_PATIENT_RECORD, no_patient_key, study_patient

pydicom = pytest.importorskip("pydicom")
from test_deid_dicom_fileset import _file_set, _instance, _pydicom_staging  # noqa: E402
KEY = DeidKey(b"no-patient keying test, 32 bytes")
ROOT = "1.2.826.0.1.3680043.8.498"


def _patientless_file_set(folder: Path) -> None:
    """A file-set of two PATIENT records with an empty PatientID: the first holding studies
    31 (two series) and 32, the second study 41; every image's PatientID empty too."""
    from pydicom.fileset import FileSet

    first, second = ("Quixmoor^Zebulon", "PA"), ("Thistlewood^Ottilie", "PB")
    with _pydicom_staging():
        fs = FileSet()
        for ds in [_instance(first, 31, 1, 1), _instance(first, 31, 2, 1),
                   _instance(first, 32, 1, 1), _instance(second, 41, 1, 1)]:
            fs.add(ds)   # pydicom wants a PatientID to make a PATIENT record ...
        fs.write(folder)
        del fs
    dicomdir = folder / "DICOMDIR"
    ds = pydicom.dcmread(dicomdir)
    for record in ds.DirectoryRecordSequence:
        if record.DirectoryRecordType == "PATIENT":
            record.PatientID = "  "   # ... blanked as long, so the records' offsets hold
    ds.save_as(dicomdir)
    for path in folder.rglob("IM*"):
        image = pydicom.dcmread(path)
        image.PatientID = ""
        image.save_as(path)


def _outputs(src: Path, results) -> dict:
    """Each written image by its input's SOP Instance UID's last three parts ("31.1.1")."""
    out = {}
    for r in results:
        if r.output and r.source != "DICOMDIR":
            uid = str(pydicom.dcmread(src / r.source).SOPInstanceUID)
            out[uid.removeprefix(ROOT + ".")] = pydicom.dcmread(r.output)
    return out


def test_studies_of_no_patient_in_a_file_set_share_no_key_and_its_records_follow_them(
        tmp_path):
    src = tmp_path / "in"
    _patientless_file_set(src)
    results = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    assert all(r.error is None for r in results), [r.error for r in results]
    images = _outputs(src, results)
    assert set(images) == {"31.1.1", "31.2.1", "32.1.1", "41.1.1"}
    # one study's files stay together: one pseudonym, one shift
    assert images["31.1.1"].PatientID == images["31.2.1"].PatientID
    assert images["31.1.1"].StudyDate == images["31.2.1"].StudyDate
    # three studies of no known patient: three pseudonyms, three shifts
    assert len({images[s].PatientID for s in ("31.1.1", "32.1.1", "41.1.1")}) == 3
    assert len({images[s].StudyDate for s in ("31.1.1", "32.1.1", "41.1.1")}) == 3
    assert all(r.no_patient for r in results if r.source != "DICOMDIR")
    (dicomdir,) = [r for r in results if r.source == "DICOMDIR"]
    assert dicomdir.no_patient_records == 2
    records = pydicom.dcmread(dicomdir.output).DirectoryRecordSequence
    patients = [str(r.PatientID) for r in records if r.DirectoryRecordType == "PATIENT"]
    # each PATIENT record keyed by its first study, as that study's files: not one shared id
    assert patients == [images["31.1.1"].PatientID, images["41.1.1"].PatientID]
    assert len(set(patients)) == 2 and "" not in patients
    # each STUDY record's date moved by its own study's offset, as its files' dates
    study_dates = [str(r.StudyDate) for r in records if r.DirectoryRecordType == "STUDY"]
    assert study_dates == [images[s].StudyDate for s in ("31.1.1", "32.1.1", "41.1.1")]
    raw = Path(dicomdir.output).read_bytes()
    assert b"Quixmoor" not in raw and b"Thistlewood" not in raw


def test_the_cli_warns_of_patient_records_with_no_patient_id_by_file_number(tmp_path):
    from click.testing import CliRunner

    from osler.cli import cli

    src = tmp_path / "in"
    _patientless_file_set(src)
    result = CliRunner().invoke(cli, ["deid", "dicom", str(src), str(tmp_path / "out"),
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    assert "2 patient records with no PatientID" in result.output
    assert "4 files of no known patient" in result.output
    for secret in ("Quixmoor", "Zebulon", "Thistlewood", str(src)):
        assert f"warning: {secret}" not in result.output
    assert "Quixmoor" not in result.output and "Thistlewood" not in result.output


def _bare(sop: str | None = None, study: str | None = None):
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.PatientID, ds.StudyDate = "", "20200110"
    if sop:
        ds.SOPInstanceUID = sop
    if study:
        ds.StudyInstanceUID = study
    return ds


def test_a_dataset_of_no_patient_and_no_uid_takes_its_fallback_or_a_key_of_its_own():
    same = [deidentify_dataset(_bare(), KEY, fallback="a/1.dcm") for _ in range(2)]
    assert same[0].StudyDate == same[1].StudyDate and same[0].PatientID == same[1].PatientID
    other = deidentify_dataset(_bare(), KEY, fallback="b/2.dcm")
    assert other.PatientID != same[0].PatientID
    # with neither UID nor fallback, a random key: no shared id across such datasets
    alone = {str(deidentify_dataset(_bare(), KEY).PatientID) for _ in range(4)}
    assert len(alone) == 4


def test_the_study_keys_before_the_instance_and_the_fallback():
    assert no_patient_key(_bare(sop="1.2.3.4", study="1.2.3"), "x") == "study:1.2.3"
    assert no_patient_key(_bare(sop="1.2.3.4"), "x") == "study:1.2.3.4"
    assert no_patient_key(_bare(), "x") == "file:x"
    assert no_patient_key(_bare()).startswith("random:")
    assert study_patient("  ") is None


def test_a_dicomdir_of_known_patients_counts_no_patient_record(tmp_path):
    from test_deid_dicom_fileset import _file_set

    _file_set(tmp_path / "in")
    dropped: Counter = Counter()
    deidentify_dataset(pydicom.dcmread(tmp_path / "in" / "DICOMDIR"), KEY, dropped=dropped)
    assert dropped[NO_PATIENT_RECORD] == 0
    results = deidentify_dicom_dir(tmp_path / "in", tmp_path / "out", KEY)
    assert not any(r.no_patient or r.no_patient_records for r in results)
