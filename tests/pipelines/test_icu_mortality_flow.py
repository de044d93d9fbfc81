"""icu-mortality through the CLI contract on synthetic PhysioNet 2012-shaped stays."""

import csv
import re

import numpy as np
import pytest

from icu2012_factory import write_stays_2012 as _write_stays

from osler.cli import main

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


def run(*args):
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.mark.slow
def test_train_predict_evaluate_keep_the_cli_contract(tmp_path, capsys):
    stays, outcomes = _write_stays(tmp_path)
    model, out, card = tmp_path / "model", tmp_path / "pred.csv", tmp_path / "card.html"
    ev = tmp_path / "evidence.jsonl"
    assert run("train", "icu-mortality", "--data", stays, "--outcomes", outcomes,
               "--model", model) == 0
    assert "held out" in capsys.readouterr().out
    assert run("predict", "icu-mortality", "--model", model, "--data", stays, "--out", out,
               "--explain", ev) == 0
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0] == ["RecordID", "probability"] and len(rows) == 161
    assert all(0 <= float(p) <= 1 for _, p in rows[1:])
    _check_explanations(ev, rows[1:], stays)
    assert run("evaluate", "icu-mortality", "--model", model, "--data", stays,
               "--outcomes", outcomes, "--report", card) == 0
    text = capsys.readouterr().out
    assert "AUROC" in text and "logistic" in text
    assert card.is_file() and card.with_suffix(".json").is_file()
    capsys.readouterr()
    assert run("predict", "pneumonia", "--model", model, "--data", stays, "--out",
               tmp_path / "s.csv", "--explain", ev) == 2
    assert "--explain is not available for pneumonia" in capsys.readouterr().err


def _check_explanations(ev, preds, stays):
    """Every prediction explained, each evidence item pointing back into its own stay file."""
    import json

    lines = [json.loads(x) for x in ev.read_text().splitlines()]
    assert [x["id"] for x in lines] == [r[0] for r in preds] and len(lines) == 160
    assert [round(x["probability"], 6) for x in lines] == [float(r[1]) for r in preds]
    pointed = 0
    for x in lines:
        ev_items = x["evidence"]
        assert len(ev_items) == 5
        sizes = [abs(e["contribution"]) for e in ev_items]
        assert sizes == sorted(sizes, reverse=True)
        for e in ev_items:
            assert f"{x['id']}.txt#{x['id']}" in e["source"]   # the stay's own file
            if e["event_ids"]:          # one measurement: its line, hour and value
                pointed += 1
                hour, line = e["offset_hours"], int(e["source"].rsplit(":", 1)[1])
                assert hour <= 48
                text = (stays / f"{x['id']}.txt").read_text().splitlines()[line - 1]
                if e["detail"].endswith(("__last", "__first", "__min", "__max")):
                    assert float(text.split(",")[2]) == pytest.approx(e["value"])
    assert pointed > 0


def test_evidence_sources_choose_readings_as_the_features_do(tmp_path):
    """Ties at one time resolve as the features sort (hour, then value); the 24-h extremes
    point at a valid reading inside their window."""
    from osler.ingest import read_physionet2012
    from osler.pipelines.icu_mortality import _sources

    lines = ["Time,Parameter,Value", "00:00,RecordID,1", "00:00,Age,60", "00:00,Gender,1",
             "00:00,Height,-1", "00:00,Weight,80", "01:00,Urine,453", "01:00,Urine,100",
             "10:00,HR,0", "10:30,HR,70", "30:00,HR,120", "47:00,Urine,20", "47:00,Urine,300"]
    (tmp_path / "1.txt").write_text("\n".join(lines) + "\n")
    (record,) = read_physionet2012(tmp_path)
    src = _sources(record)

    def value(pick):
        return float(lines[pick[0].line - 1].split(",")[2])
    assert value(src["Urine"]["first"]) == 100 and value(src["Urine"]["last"]) == 300
    assert value(src["HR"]["min"]) == 0                      # plain min reads every value
    assert value(src["HR"]["first_window_min"]) == 70        # the failed 0 is not valid
    assert value(src["HR"]["last_window_max"]) == 120
    assert src["HR"]["first_window_max"][1] <= 24


def test_two_stay_files_with_one_record_id_give_one_row_and_a_named_skip(tmp_path):
    from osler.pipelines.icu_mortality import load_icu_mortality

    stays, outcomes = _write_stays(tmp_path, n=6)
    first = sorted(stays.glob("*.txt"))[0]
    (stays / "zz-copy.txt").write_text(first.read_text() + "\n\n")   # and blank lines
    d = load_icu_mortality([stays], outcomes)
    assert len(d.ids) == 6 and len(set(d.ids)) == 6
    # both files named, as the input shows them
    assert (str(stays), f"file set-x/zz-copy.txt, RecordID {first.stem}: set-x/{first.name} "
                        "has the same RecordID; only that first file is used") in d.skipped


def test_inputs_without_a_usable_stay_are_refused_by_name(tmp_path):
    """As readmission and heart-disease: an empty input is a named error in every command
    (each loads through ``TASK.load``), never an empty file of predictions."""
    from osler.errors import DataError
    from osler.pipelines.icu_mortality import TASK

    (tmp_path / "none").mkdir()
    (tmp_path / "header").mkdir()
    (tmp_path / "header" / "140001.txt").write_text("Time,Parameter,Value\n")
    with pytest.raises(DataError, match=r"no usable stays under \['\S*none'\]; first problem: "
                                        "no .txt stays found"):
        TASK.load([tmp_path / "none"], None)
    with pytest.raises(DataError, match=r"header'\]; first problem: file \S*140001.txt, record "
                                        "140001, line 2: stay has no measurement"):
        TASK.load([tmp_path / "header"], None)


def test_a_stay_whose_times_go_back_is_skipped_and_counted_by_every_command(tmp_path):
    from osler.pipelines.icu_mortality import load_icu_mortality

    stays, outcomes = _write_stays(tmp_path, n=6)
    first = sorted(stays.glob("*.txt"))[0]
    lines = first.read_text().splitlines()
    lines[6], lines[9] = lines[9], lines[6]             # 04:10 HR on line 7, then 00:10
    first.write_text("\n".join(lines) + "\n")
    for labelled in (None, outcomes):
        d = load_icu_mortality([stays], labelled)
        assert len(d.ids) == 5 and first.stem not in d.ids
        assert any(f"record {first.stem}, line 8: Time must not decrease" in r
                   for _, r in d.skipped)


def test_training_or_evaluating_without_outcomes_asks_for_them(tmp_path):
    """The 2012 labels live in a separate file: without --outcomes no stay has one, and the
    error says so rather than counting 'labelled rows' that are not."""
    from osler.errors import DataError
    from osler.pipelines.icu_mortality import TASK

    stays, _ = _write_stays(tmp_path, n=30)
    with pytest.raises(DataError, match=r"task icu-mortality: none of the 30 stays read has an "
                                        r"outcome; training takes them from a separate outcomes "
                                        r"file .*which --outcomes is required to give"):
        TASK.train([stays], outcomes=None, model_dir=tmp_path / "m")
    assert not (tmp_path / "m").exists()


@pytest.mark.slow
def test_stays_without_outcomes_and_outcomes_without_stays_are_counted_apart(tmp_path):
    """A partial outcomes file: the stays it lacks are skipped, its rows for stays not given
    are not (no input was skipped for them); the two are counted and named apart."""
    from osler.pipelines.icu_mortality import TASK

    stays, outcomes = _write_stays(tmp_path, n=120)
    TASK.train([stays], outcomes=outcomes, model_dir=tmp_path / "m")
    rows = outcomes.read_text().splitlines()
    partial = tmp_path / "Outcomes-partial.txt"
    partial.write_text("\n".join(rows[:111] + ["150001,10,3,8,-1,0", "150002,10,3,8,-1,1"])
                       + "\n")                       # 10 stays lack one; 2 rows have no stay
    d = TASK.load([stays], partial)
    assert len(d.ids) == 110 and len(d.skipped) == 10
    assert all("stay has no row in the outcomes file" in r for _, r in d.skipped)
    assert d.unmatched_outcomes == [
        "file Outcomes-partial.txt, RecordID 150001: outcome row has no stay",
        "file Outcomes-partial.txt, RecordID 150002: outcome row has no stay"]
    summary = TASK.evaluate(tmp_path / "m", [stays], outcomes=partial,
                            report=tmp_path / "card.html", n_boot=5)
    assert re.search(r"icu-mortality: \d+ stays \(\d+ left out: seen in training\), AUROC "
                     r".*; 10 skipped \(file set-x/\d+\.txt, record \d+: stay has no row in the "
                     r"outcomes file; .*\); 2 outcome rows with no stay \(file "
                     r"Outcomes-partial.txt, RecordID 150001: outcome row has no stay; ",
                     summary), summary


def test_accepted_extreme_values_never_overflow_a_feature_and_the_run_completes(tmp_path,
                                                                              capsys):
    """BUN 1e9 over creatinine 1e-30 is 1e39: finite in float64, inf in float32. The ratio is
    missing instead, and predict scores every stay."""
    from osler.pipelines.icu_mortality import TASK, feature_names_2012

    stays, outcomes = _write_stays(tmp_path, n=40)
    model = tmp_path / "m"
    assert run("train", "icu-mortality", "--data", stays, "--outcomes", outcomes,
               "--model", model) == 0
    odd = sorted(stays.glob("*.txt"))[0]
    lines = odd.read_text().splitlines()     # before the last line (50:00, after 48 h)
    odd.write_text("\n".join(lines[:-1] + ["47:00,BUN,1000000000", "47:00,Creatinine,1e-30",
                                           "47:00,PaO2,1000000000", "47:00,FiO2,1e-30",
                                           lines[-1]]) + "\n")
    d = TASK.load([stays], None)
    X = np.asarray(d.X, dtype=np.float32)
    assert not np.isinf(X).any()
    row = list(d.ids).index(odd.stem)
    assert np.isnan(X[row, feature_names_2012().index("bun_creatinine_last")])
    out = tmp_path / "pred.csv"
    capsys.readouterr()
    assert run("predict", "icu-mortality", "--model", model, "--data", stays, "--out", out) == 0
    rows = out.read_text().splitlines()
    assert len(rows) == 41 and all(0 <= float(r.split(",")[1]) <= 1 for r in rows[1:])


def test_outcomes_without_saps_and_sofa_leave_those_baselines_out_and_say_so(tmp_path):
    """RecordID and In-hospital_death are all the outcomes file must hold: evaluation used to
    fail with "scores contain NaN" (the median of no score)."""
    from osler.models.persist import load_model
    from osler.pipelines.icu_mortality import TASK

    stays, outcomes = _write_stays(tmp_path, n=60)
    TASK.train([stays], outcomes=outcomes, model_dir=tmp_path / "m", held_out=0.0)
    rows = [r.split(",") for r in outcomes.read_text().splitlines()]
    minimal = tmp_path / "Outcomes-min.txt"
    minimal.write_text("\n".join(f"{r[0]},{r[5]}" for r in rows) + "\n")
    only_sofa = tmp_path / "Outcomes-sofa.txt"   # SAPS-I there but never computed (-1)
    only_sofa.write_text("\n".join([",".join(rows[0])] + [",".join([r[0], "-1", *r[2:]])
                                                          for r in rows[1:]]) + "\n")
    bundle = load_model(tmp_path / "m", TASK.name)
    for path, absent, kept in ((minimal, "SAPS-I and SOFA", []), (only_sofa, "SAPS-I", ["SOFA"])):
        d = TASK.load([stays], path)
        result = TASK.evaluate_data(bundle, d, n_boot=5)
        models = set(result.baselines["model"])
        assert "SAPS-I" not in models and all(k in models for k in kept), models
        assert any(n.startswith(f"{absent} left out of the baselines") for n in result.notes)
    d = TASK.load([stays], outcomes)
    assert not any("left out of the baselines" in n
                   for n in TASK.evaluate_data(bundle, d, n_boot=5).notes)
