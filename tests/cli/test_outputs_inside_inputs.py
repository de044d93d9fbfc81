"""predict --out/--explain and evaluate --report: an output that is an input, or lies inside
an input folder, is refused before any work (exit 2, one line naming option, path, reason)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_run import run_osler

STAY = "Time,Parameter,Value\n00:00,RecordID,900001\n00:10,HR,80\n"


def _inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    data = tmp_path / "stays"
    (data / "sub").mkdir(parents=True)
    (data / "900001.txt").write_text(STAY)
    (data / "sub" / "900002.txt").write_text(STAY.replace("900001", "900002"))
    model = tmp_path / "model"
    model.mkdir()
    table = tmp_path / "table.data"
    table.write_text("63,1,1,145,233,1,2,150,0,2.3,3,0,6,0\n")
    return data, model, table


def _unchanged(data: Path, table: Path) -> None:
    assert (data / "900001.txt").read_text() == STAY
    assert (data / "sub" / "900002.txt").read_text() == STAY.replace("900001", "900002")
    assert table.read_text() == "63,1,1,145,233,1,2,150,0,2.3,3,0,6,0\n"


@pytest.mark.parametrize("task", ["icu-mortality", "sepsis", "readmission", "heart-disease"])
@pytest.mark.parametrize("where", ["900001.txt", "sub/900002.txt", "new.csv", "sub/new.csv"])
def test_out_inside_the_data_folder_is_refused(task, where, tmp_path, capsys):
    data, model, table = _inputs(tmp_path)
    code, err = run_osler(["predict", task, "--model", str(model), "--data", str(data),
                           "--out", str(data / where)], capsys)
    assert code == 2, err
    line = err.strip()
    assert "\n" not in line and "--out" in line and "inside the --data input folder" in line
    assert "Traceback" not in err and "80" not in line.replace(str(tmp_path), "")
    _unchanged(data, table)
    assert not (data / "new.csv").exists() and not (data / "sub" / "new.csv").exists()


@pytest.mark.parametrize("task", ["icu-mortality", "sepsis", "readmission", "heart-disease"])
def test_explain_inside_the_data_folder_is_refused(task, tmp_path, capsys):
    data, model, table = _inputs(tmp_path)
    code, err = run_osler(["predict", task, "--model", str(model), "--data", str(data),
                           "--out", str(tmp_path / "preds.csv"),
                           "--explain", str(data / "900001.txt")], capsys)
    assert code == 2, err
    assert "--explain" in err and "inside the --data input folder" in err
    assert "--out " not in err
    _unchanged(data, table)
    assert not (tmp_path / "preds.csv").exists()


def test_explain_that_is_the_data_file_names_explain(tmp_path, capsys):
    data, model, table = _inputs(tmp_path)
    code, err = run_osler(["predict", "heart-disease", "--model", str(model), "--data",
                           str(table), "--out", str(tmp_path / "q.csv"), "--explain",
                           str(table)], capsys)
    assert code == 2
    assert f"--explain {table}: is the --data input" in err and "--out" not in err
    _unchanged(data, table)


def test_out_that_is_the_data_file_through_a_link_is_refused(tmp_path, capsys):
    data, model, table = _inputs(tmp_path)
    link = tmp_path / "link.csv"
    link.symlink_to(table)
    code, err = run_osler(["predict", "heart-disease", "--model", str(model), "--data",
                           str(table), "--out", str(link)], capsys)
    assert code == 2 and "--out" in err and "is the --data input" in err
    _unchanged(data, table)


def test_out_in_a_folder_reached_by_a_link_to_the_data_folder_is_refused(tmp_path, capsys):
    data, model, table = _inputs(tmp_path)
    alias = tmp_path / "alias"
    alias.symlink_to(data, target_is_directory=True)
    code, err = run_osler(["predict", "icu-mortality", "--model", str(model), "--data",
                           str(data), "--out", str(alias / "900001.txt")], capsys)
    assert code == 2 and "inside the --data input folder" in err
    _unchanged(data, table)


def test_out_under_a_zip_input_is_refused(tmp_path, capsys):
    _data, model, _table = _inputs(tmp_path)
    archive = tmp_path / "stays.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    code, err = run_osler(["predict", "icu-mortality", "--model", str(model), "--data",
                           str(archive), "--out", str(archive / "900001.txt")], capsys)
    assert code == 2 and "--out" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["card.html", "sub/card.html", "900001.json"])
def test_report_inside_the_data_folder_is_refused(name, tmp_path, capsys):
    data, model, table = _inputs(tmp_path)
    code, err = run_osler(["evaluate", "icu-mortality", "--model", str(model), "--data",
                           str(data), "--report", str(data / name)], capsys)
    assert code == 2, err
    assert "--report" in err and "inside the --data input folder" in err
    _unchanged(data, table)
    assert not list(data.rglob("card.*"))


def test_outputs_beside_the_inputs_pass_the_check(tmp_path):
    from osler.cli._common import refuse_inside_inputs

    data, _model, table = _inputs(tmp_path)
    for out in (tmp_path / "preds.csv", tmp_path / "stays-out" / "p.csv", tmp_path / "o"):
        refuse_inside_inputs(out, "--out", {"--data": [data, table]})   # no error
    from osler.errors import DataError
    with pytest.raises(DataError, match="--out .*is the --data input"):
        refuse_inside_inputs(table, "--out", {"--data": [data, table]})


def test_pipeline_output_file_names_its_option(tmp_path):
    from osler.errors import DataError
    from osler.pipelines._shared import output_file

    data, _model, table = _inputs(tmp_path)
    with pytest.raises(DataError, match="^--explain .*is the input file"):
        output_file(table, table, "--explain")
    with pytest.raises(DataError, match="^--explain .*inside the input folder"):
        output_file(data, data / "sub" / "e.jsonl", "--explain")
    assert output_file(data, tmp_path / "e.jsonl", "--explain") == tmp_path / "e.jsonl"
