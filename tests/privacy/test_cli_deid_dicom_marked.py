"""Files another tool marked de-identified (PatientIdentityRemoved YES without an Osler
DeidentificationMethod) are de-identified again, counted, and the CLI says so, naming them by
number: before, nothing told the user that part of the input had been through another tool."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_dicom_dir

pydicom = pytest.importorskip("pydicom")
STUDY = "1.2.826.0.1.3680043.8.498.31"


def _input(tmp_path, write_dicom):
    """Four CT files under a folder named after the patient: a plain one, two another tool
    marked (one naming its method, one not), and one Osler itself de-identified."""
    src = tmp_path / "in" / "QUIMBY_HAROLD"
    src.mkdir(parents=True)
    for n, (method, name) in enumerate([(None, "a.dcm"), ("Other tool 1.0", "b.dcm"),
                                        ("", "c.dcm")], 1):
        path = src / name
        write_dicom(path, "CT", STUDY, f"{STUDY}.{n}")
        if method is not None:
            ds = pydicom.dcmread(path)
            ds.PatientIdentityRemoved = "YES"
            if method:
                ds.DeidentificationMethod = [method, "Basic Profile"]
            ds.save_as(path)
    write_dicom(src / "d.dcm", "CT", STUDY, f"{STUDY}.4")
    key = DeidKey(b"marked elsewhere test, 32 bytes!")
    (result,) = deidentify_dicom_dir(src, tmp_path / "osler", key, again=False)[3:]
    ours = pydicom.dcmread(result.output)
    ours.save_as(src / "d.dcm")
    return tmp_path / "in"


def test_files_another_tool_marked_are_deidentified_again_and_counted(tmp_path, write_dicom):
    src = _input(tmp_path, write_dicom)
    results = deidentify_dicom_dir(src, tmp_path / "out", DeidKey(b"k" * 32), again=True)
    assert [r.marked_by_other_tool for r in results] == [False, True, True, False]
    assert all(r.output and r.error is None for r in results)
    for r in results[1:3]:
        out = pydicom.dcmread(r.output)
        assert "Quimby" not in str(out.PatientName) and out.PatientID != "MRN-1234"
        assert out.DeidentificationMethod[0].startswith("Osler ")


def test_the_cli_summary_counts_them_and_names_them_by_number_only(tmp_path, write_dicom):
    src = _input(tmp_path, write_dicom)
    result = CliRunner().invoke(cli, ["deid", "dicom", str(src), str(tmp_path / "out"),
                                      "--key-file", str(tmp_path / "k.json")])
    out = result.output
    assert "3 files de-identified, 2 of them already marked de-identified by another tool" in out
    assert "file 2 -> " in out and "file 3 -> " in out
    marked_lines = [line for line in out.splitlines() if "marked de-identified by another" in
                    line and line.startswith("file")]
    assert [line.split()[1] for line in marked_lines] == ["2", "3"]
    assert "skipped file 4" in out and "already de-identified by Osler" in out
    for secret in ("QUIMBY", "Quimby", "HAROLD", "MRN-1234", "Other tool", "a.dcm", "b.dcm"):
        assert secret not in out, secret
