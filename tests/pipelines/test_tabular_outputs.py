"""Where the one-shot tasks (heart-disease, readmission, icu-mortality) write: outputs checked
before the work, written whole or not at all, and no earlier run's file left by a failed run.
Made-up heart-disease files."""

import pytest
from tabular_synth import write_heart

from cli_run import run_osler
from osler.errors import DataError
from osler.pipelines.heart_disease import TASK

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


def test_outputs_under_a_file_are_refused_before_the_data_is_read(heart_model, tmp_path,
                                                                  monkeypatch):
    data = write_heart(tmp_path / "b", n=20, seed=2, site="beta")
    afile = tmp_path / "afile"
    afile.write_text("made-up\n")

    def never(*args, **kwargs):
        raise AssertionError("the data was read before the output was checked")

    monkeypatch.setattr(TASK, "loader", never)
    calls = [lambda: TASK.train([data], model_dir=afile / "m"),
             lambda: TASK.predict(heart_model, data, afile / "x.csv"),
             lambda: TASK.predict(heart_model, data, tmp_path / "p.csv",
                                  explain=afile / "e.jsonl"),
             lambda: TASK.evaluate(heart_model, [data], report=afile / "c.html", n_boot=5)]
    for call in calls:
        with pytest.raises(DataError, match=f"cannot be written: {afile} is a file, not a "
                                            "folder; choose another path"):
            call()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "b"]


def test_a_failed_predict_leaves_no_earlier_prediction_at_out(heart_model, tmp_path, capsys):
    """Exit 2 used to keep the previous run's CSV (and evidence): a caller reading --out took
    the earlier run's predictions for this one's, as sepsis no longer lets happen."""
    good = write_heart(tmp_path / "b", n=20, seed=2, site="beta")
    bad = tmp_path / "processed.bad.data"
    bad.write_text("1,2,3\n4,5,6\n")
    out, evidence = tmp_path / "out" / "p.csv", tmp_path / "out" / "e.jsonl"
    argv = ["predict", "heart-disease", "--model", str(heart_model), "--out", str(out),
            "--explain", str(evidence)]
    assert run_osler(argv + ["--data", str(good)], capsys) == (0, "")
    assert len(out.read_text().splitlines()) == 21 and evidence.is_file()
    code, err = run_osler(argv + ["--data", str(bad)], capsys)
    assert code == 2 and "no usable row" in err
    assert f"removed the predictions at {out} and the evidence at {evidence}" in err
    assert list((tmp_path / "out").iterdir()) == []
    # a file that is not an earlier prediction is left as it was
    out.write_text("made-up notes\n")
    code, err = run_osler(argv[:-2] + ["--data", str(bad)], capsys)
    assert code == 2 and "removed" not in err and out.read_text() == "made-up notes\n"


def test_predictions_are_written_whole_or_not_at_all(heart_model, tmp_path, monkeypatch):
    good = write_heart(tmp_path / "b", n=20, seed=2, site="beta")
    out, evidence = tmp_path / "p.csv", tmp_path / "e.jsonl"
    TASK.predict(heart_model, good, out)
    before = out.read_text()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device", str(evidence))

    monkeypatch.setattr(type(TASK), "_write_explanations", fail)
    with pytest.raises(DataError, match=f"cannot write {evidence} \\(No space left on device\\); "
                                        f"removed the predictions at {out}"):
        TASK.predict(heart_model, good, out, explain=evidence)
    # no half-written CSV or evidence, no temporary file, and not the earlier run's CSV
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]
    monkeypatch.undo()
    TASK.predict(heart_model, good, out)
    assert out.read_text() == before


def test_an_out_that_is_a_link_is_written_through(heart_model, tmp_path):
    good = write_heart(tmp_path / "b", n=20, seed=2, site="beta")
    target, link = tmp_path / "kept" / "p.csv", tmp_path / "p.csv"
    target.parent.mkdir()
    target.write_text("row,probability\n")
    link.symlink_to(target)
    TASK.predict(heart_model, good, link)
    assert link.is_symlink() and len(target.read_text().splitlines()) == 21
