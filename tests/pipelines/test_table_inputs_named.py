"""heart-disease and readmission name what is wrong with an input: the column that is not a
number, a zip archive (not read), a folder (not a table file)."""

from __future__ import annotations

import zipfile

import pytest
from cli_run import run_osler

from osler.errors import DataError

ROW = "63,1,1,145,233,1,2,150,0,2.3,3,0,6,0\n"


def test_not_a_number_names_the_column_not_the_cell(tmp_path):
    from osler.pipelines.heart_disease import load_heart_disease

    f = tmp_path / "site.data"
    f.write_text(ROW * 3 + "63,1,1,145,abcde,1,2,150,0,2.3,3,0,6,0\n"
                 + "63,1,1,145,233,1,2,150,0,2.3,3,0,6,zz\n")
    d = load_heart_disease([f])
    reasons = [r for _f, r in d.skipped]
    assert len(d.ids) == 3 and len(reasons) == 2
    assert "line 4 (row 3): a value is not a number (column 'chol')" in reasons[0]
    assert "line 5 (row 4): a value is not a number (column 'num')" in reasons[1]
    assert not any("abcde" in r or "zz" in r for r in reasons)


def test_a_zip_is_refused_as_a_format_not_read(tmp_path):
    from osler.pipelines.heart_disease import load_heart_disease

    archive = tmp_path / "hd.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("site.data", ROW * 30)
    with pytest.raises(DataError, match=r"hd\.zip: is a zip archive.*does not read"):
        load_heart_disease([archive])


@pytest.mark.parametrize("task", ["heart-disease", "readmission"])
def test_a_folder_is_named_as_a_folder(task, tmp_path, capsys):
    folder = tmp_path / "somedir"
    folder.mkdir()
    (folder / "site.data").write_text(ROW)
    code, err = run_osler(["train", task, "--data", str(folder), "--model",
                           str(tmp_path / "m")], capsys)
    assert code == 2
    assert f"--data {folder}: is a folder" in err and "IsADirectoryError" not in err
    assert not (tmp_path / "m" / "model.joblib").exists()


def test_readmission_loader_refuses_a_folder(tmp_path):
    from osler.pipelines.readmission import load_readmission

    with pytest.raises(DataError, match="is a folder; give the diabetes-130 encounter table"):
        load_readmission([tmp_path])
