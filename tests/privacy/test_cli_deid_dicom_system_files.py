"""`osler deid dicom` does not read hidden or system files (.DS_Store, Thumbs.db,
desktop.ini, names starting with "."): before, each counted as a skipped file and turned a
clean run into a partial one (exit 3)."""

from __future__ import annotations

import pytest
from cli_run import run_osler

pytest.importorskip("pydicom")
ROOT = "1.2.826.0.1.3680043.8.498"


def _litter(folder) -> None:
    """What Finder, Explorer and macOS copies leave beside images (made-up bytes)."""
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + b"\x00" * 40)
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 40)
    (folder / "DESKTOP.INI").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    (folder / "._a.dcm").write_bytes(b"\x00\x05\x16\x07 made-up resource fork")
    (folder / ".Trashes").mkdir()
    (folder / ".Trashes" / "old.dcm").write_bytes(b"made-up leftover")


def test_system_files_beside_dicom_are_ignored_not_skipped(tmp_path, capsys, write_dicom):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "series").mkdir(parents=True)
    write_dicom(src / "series" / "a.dcm", "CT", f"{ROOT}.81", f"{ROOT}.81.1")
    write_dicom(src / "series" / "b.dcm", "CT", f"{ROOT}.81", f"{ROOT}.81.2")
    _litter(src)
    _litter(src / "series")
    code, err = run_osler(["deid", "dicom", str(src), str(out),
                           "--key-file", str(tmp_path / "k.json")], capsys)
    assert code == 0, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("2 files de-identified, 0 skipped, 10 hidden or system files "
                           "ignored, ")
    assert "skipped file" not in err and "unreadable" not in err
    assert len(list(out.rglob("*.dcm"))) == 2
    assert not [p for p in out.rglob("*") if p.name.lower() in {".ds_store", "thumbs.db"}]


def test_the_summary_says_nothing_of_system_files_when_there_are_none(tmp_path, capsys,
                                                                      write_dicom):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    write_dicom(src / "a.dcm", "CT", f"{ROOT}.82", f"{ROOT}.82.1")
    code, err = run_osler(["deid", "dicom", str(src), str(out)], capsys)
    assert code == 0
    assert "hidden or system" not in err
    assert err.strip().splitlines()[-1].startswith("1 files de-identified, 0 skipped, 0 ")


def test_a_folder_of_only_system_files_holds_no_dicom_file(tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    _litter(src)
    code, err = run_osler(["deid", "dicom", str(src), str(out),
                           "--key-file", str(tmp_path / "k.json")], capsys)
    assert code == 2
    assert (f"no DICOM file found in IN_DIR {src}: it holds only 5 hidden or system files"
            in err)
    assert not out.exists() and not (tmp_path / "k.json").exists()


def test_a_real_file_that_is_not_dicom_is_still_skipped(tmp_path, capsys, write_dicom):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    write_dicom(src / "a.dcm", "CT", f"{ROOT}.83", f"{ROOT}.83.1")
    (src / "readme.txt").write_text("made-up, not an image\n", encoding="utf-8")
    (src / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    code, err = run_osler(["deid", "dicom", str(src), str(out)], capsys)
    assert code == 3
    assert ", 1 skipped, 1 hidden or system files ignored, " in err


def test_dicom_input_files_splits_read_from_ignored(tmp_path):
    from osler.privacy.deid.dicom import dicom_input_files

    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "IM1").write_bytes(b"x")
    (tmp_path / "s" / "ehthumbs.db").write_bytes(b"x")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "IM2").write_bytes(b"x")
    read, ignored = dicom_input_files(tmp_path)
    assert read == [tmp_path / "s" / "IM1"]
    assert ignored == [tmp_path / ".cache" / "IM2", tmp_path / "s" / "ehthumbs.db"]


def test_help_says_system_files_are_not_read():
    from click.testing import CliRunner

    from osler.cli import cli

    result = CliRunner().invoke(cli, ["deid", "dicom", "--help"])
    words = " ".join(result.output.split())
    assert result.exit_code == 0
    assert "Hidden and system files" in words and "are not read" in words
    assert "only hidden or system files" in words
