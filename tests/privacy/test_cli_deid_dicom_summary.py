"""`osler deid dicom`'s last line counts what was written, what was skipped (refused) and what
was written of no known patient, and names no file, patient or header value."""

from __future__ import annotations

import pytest
from cli_run import run_osler

pydicom = pytest.importorskip("pydicom")
ROOT = "1.2.826.0.1.3680043.8.498"
PHI = ("Quimby", "Harold", "MRN-1234", "Lochmoor", "Osler^William", "QUIMBY_HAROLD")


def _mixed_folder(src, write_dicom) -> None:
    """Under a folder named as a patient would be: two files of a patient, one of no
    PatientID, one not DICOM, one this tool already de-identified."""
    from osler.privacy import DeidKey
    from osler.privacy.deid.dicom import deidentify_dataset

    folder = src / "QUIMBY_HAROLD"
    folder.mkdir(parents=True)
    write_dicom(folder / "a.dcm", "CT", f"{ROOT}.71", f"{ROOT}.71.1")
    write_dicom(folder / "b.dcm", "CT", f"{ROOT}.71", f"{ROOT}.71.2")
    write_dicom(folder / "c.dcm", "CT", f"{ROOT}.72", f"{ROOT}.72.1")
    ds = pydicom.dcmread(folder / "c.dcm")
    ds.PatientID = ""
    ds.save_as(folder / "c.dcm")
    (folder / "d.dcm").write_bytes(b"not a DICOM file at all")
    write_dicom(folder / "e.dcm", "CT", f"{ROOT}.73", f"{ROOT}.73.1")
    done = deidentify_dataset(pydicom.dcmread(folder / "e.dcm"), DeidKey(b"x" * 32))
    done.save_as(folder / "e.dcm")


def test_the_summary_counts_written_skipped_and_patientless_files(tmp_path, capsys,
                                                                    write_dicom):
    src, out = tmp_path / "in", tmp_path / "out"
    _mixed_folder(src, write_dicom)
    code, err = run_osler(["deid", "dicom", str(src), str(out),
                           "--key-file", str(tmp_path / "k.json")], capsys)
    assert code == 3   # some written, some skipped
    last = err.strip().splitlines()[-1]
    assert last.startswith("3 files de-identified, 2 skipped, 1 written of no known patient "
                           "(no PatientID), 0 flagged for burned-in text -> ")
    assert len(list(out.rglob("*.dcm"))) == 3
    for secret in PHI:
        assert secret not in err, secret


def test_a_run_of_known_patients_only_counts_none_of_no_patient(tmp_path, capsys,
                                                                write_dicom):
    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "a.dcm", "US", f"{ROOT}.81", f"{ROOT}.81.1")
    code, err = run_osler(["deid", "dicom", str(src), str(tmp_path / "out")], capsys)
    assert code == 0
    assert ("1 files de-identified, 0 skipped, 0 written of no known patient (no PatientID), "
            "1 flagged for burned-in text -> ") in err
    assert "warning: file" not in err


def test_the_summary_counts_a_dicomdirs_patient_records_of_no_patient_id(tmp_path, capsys):
    from test_deid_dicom_no_patient_keys import _patientless_file_set

    src = tmp_path / "in"
    _patientless_file_set(src)
    code, err = run_osler(["deid", "dicom", str(src), str(tmp_path / "out")], capsys)
    assert code == 0
    # four images and their DICOMDIR written; the images and two records of no patient
    assert ("5 files de-identified, 0 skipped, 4 written of no known patient (no PatientID; "
            "and 2 DICOMDIR patient records), 0 flagged for burned-in text -> ") in err
    assert "Quixmoor" not in err and "Thistlewood" not in err
