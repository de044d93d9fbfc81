"""`osler deid dicom` on an IN_DIR of no DICOM file: before, an empty folder exited 0 with a
summary of zeros, as if the run had done its work. Now it says no DICOM file was found in
IN_DIR and exits 2 (nothing usable written), as the other de-id commands do when nothing
could be de-identified."""

from __future__ import annotations

import pytest
from cli_run import run_osler

pytest.importorskip("pydicom")


def test_an_empty_in_dir_is_reported_and_exits_2_without_making_out_dir(tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "nested").mkdir(parents=True)   # folders, but no file in any of them
    code, err = run_osler(["deid", "dicom", str(src), str(out),
                           "--key-file", str(tmp_path / "k.json")], capsys)
    assert code == 2
    assert f"no DICOM file found in IN_DIR {src}: it holds no files" in err
    assert not out.exists()   # nothing made, not even the folder
    assert not (tmp_path / "k.json").exists()   # stopped before a key was made


def test_a_folder_of_files_none_of_them_dicom_is_said_to_hold_no_dicom_file(tmp_path,
                                                                             capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "notes.txt").write_text("made-up text, not an image\n", encoding="utf-8")
    (src / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    code, err = run_osler(["deid", "dicom", str(src), str(out)], capsys)
    assert code == 2
    assert f"no DICOM file found in IN_DIR {src}: none of its 2 files reads as DICOM" in err
    assert not [p for p in out.rglob("*") if p.is_file()]


def test_one_dicom_file_among_others_is_no_such_report(tmp_path, capsys, write_dicom):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    write_dicom(src / "a.dcm", "CT", "1.2.826.0.1.3680043.8.498.61",
                "1.2.826.0.1.3680043.8.498.61.1")
    (src / "notes.txt").write_text("not an image\n", encoding="utf-8")
    code, err = run_osler(["deid", "dicom", str(src), str(out)], capsys)
    assert code == 3   # some written, one skipped
    assert "no DICOM file found" not in err
    assert len(list(out.rglob("*.dcm"))) == 1


def test_help_names_no_dicom_file_and_exit_2():
    from click.testing import CliRunner

    from osler.cli import cli

    result = CliRunner().invoke(cli, ["deid", "dicom", "--help"])
    assert result.exit_code == 0
    words = " ".join(result.output.split())
    assert "holds no DICOM file" in words and "2 when all were (or IN_DIR holds no DICOM" in words
