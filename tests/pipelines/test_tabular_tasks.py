"""heart-disease and readmission end to end on synthetic files, portable and quick."""

import csv

import pandas as pd
import pytest
from tabular_synth import write_heart, write_readmission

from osler.errors import DataError
from osler.pipelines.heart_disease import TASK as HEART
from osler.pipelines.readmission import TASK as READMISSION

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


@pytest.mark.slow
def test_heart_disease_cross_site_flow(tmp_path):
    site_a = write_heart(tmp_path / "a", seed=1, site="alpha")
    site_b = write_heart(tmp_path / "b", seed=2, site="beta")
    model = tmp_path / "model"
    assert "trained on 150 rows" in HEART.train([site_a], outcomes=None, model_dir=model)
    out = tmp_path / "pred.csv"
    HEART.predict(model, site_b, out)
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0] == ["row", "probability"] and rows[1][0] == "0" and len(rows) == 151
    summary = HEART.evaluate(model, [site_b], report=tmp_path / "card.html", n_boot=20)
    assert "AUROC" in str(summary) and (tmp_path / "card.json").is_file()
    with pytest.raises(DataError, match="every row .* was used to train"):
        HEART.evaluate(model, [site_a], report=tmp_path / "x.html", n_boot=5)


@pytest.mark.slow
def test_readmission_flow_holds_out_patients(tmp_path):
    data = write_readmission(tmp_path / "d")
    model = tmp_path / "model"
    summary = READMISSION.train([data], outcomes=None, model_dir=model)
    assert "held out" in str(summary) and "skipped" in str(summary)
    out = tmp_path / "pred.csv"
    READMISSION.predict(model, data, out)
    header = next(csv.reader(out.read_text().splitlines()))
    assert header == ["encounter_id", "probability"]
    text = READMISSION.evaluate(model, [data], report=tmp_path / "card.html", n_boot=20)
    assert "logistic" in text


def test_malformed_tables_fail_with_the_file_named(tmp_path):
    bad = tmp_path / "processed.bad.data"
    bad.write_text("1,2,3\n4,5,6\n")
    with pytest.raises(DataError, match="processed.bad.data: no usable row .2 skipped"):
        HEART.load([bad], None)
    csvfile = tmp_path / "enc.csv"
    csvfile.write_text("encounter_id,patient_nbr\n1,2\n")
    with pytest.raises(DataError, match="missing columns"):
        READMISSION.load([csvfile], None)


def test_heart_rows_that_are_not_13_or_14_numbers_are_skipped_by_line(tmp_path):
    good = write_heart(tmp_path / "g", n=30, seed=3)
    lines = good.read_text().splitlines()
    lines[4] = "1,2,3"                         # too few values
    lines[7] = lines[7].replace("1", "x", 1) if "1" in lines[7] else "x" + lines[7]
    mixed = tmp_path / "processed.mixed.data"
    mixed.write_text("\n".join(lines) + "\n")
    d = HEART.load([mixed], None)
    assert len(d.ids) == 28 and 4 not in d.ids and 7 not in d.ids and 8 in d.ids
    reasons = [r for _, r in d.skipped]
    assert any("line 5 (row 4): 3 values" in r for r in reasons)
    assert any("line 8 (row 7): a value is not a number" in r for r in reasons)


@pytest.mark.slow
def test_predict_needs_no_outcome(tmp_path):
    heart_model, readm_model = tmp_path / "h", tmp_path / "r"
    HEART.train([write_heart(tmp_path / "a", seed=1)], outcomes=None, model_dir=heart_model)
    data = write_readmission(tmp_path / "d")
    READMISSION.train([data], outcomes=None, model_dir=readm_model)
    # heart: one patient, 13 attributes and no 'num'; and a one-class labelled batch
    one = tmp_path / "processed.one.data"
    one.write_text(",".join(write_heart(tmp_path / "b", n=5).read_text().splitlines()[0]
                            .split(",")[:13]) + "\n")
    HEART.predict(heart_model, one, tmp_path / "one.csv")
    assert (tmp_path / "one.csv").read_text().splitlines()[1].startswith("0,")
    # readmission: no 'readmitted' column, an empty id and a non-numeric count
    frame = pd.read_csv(data).head(6).drop(columns="readmitted")
    frame["discharge_disposition_id"] = 1
    frame["encounter_id"] = frame["encounter_id"].astype(object)
    frame.loc[2, "encounter_id"] = None
    frame["time_in_hospital"] = frame["time_in_hospital"].astype(object)
    frame.loc[4, "time_in_hospital"] = "seven"
    unlabelled = tmp_path / "unlabelled.csv"
    frame.to_csv(unlabelled, index=False)
    summary = READMISSION.predict(readm_model, unlabelled, tmp_path / "r.csv")
    rows = list(csv.reader((tmp_path / "r.csv").read_text().splitlines()))
    assert [r[0] for r in rows[1:]] == [str(e) for e in frame["encounter_id"][[0, 1, 3, 5]]]
    assert "2 skipped" in str(summary) and "line 4: no encounter_id" in str(summary)
    assert "seven" not in str(summary)
    with pytest.raises(DataError, match=r"none of the 4 rows read has an outcome; evaluation "
                                        r"takes them from the 'readmitted' column"):
        READMISSION.evaluate(readm_model, [unlabelled], report=tmp_path / "x.html")


def test_held_out_share_is_a_training_option(tmp_path, capsys):
    from osler.cli import main

    data = write_readmission(tmp_path / "d")
    model = tmp_path / "final"
    main(["train", "readmission", "--data", str(data), "--model", str(model), "--held-out", "0"])
    summary = capsys.readouterr().out
    assert "; 0 rows held out;" in str(summary)
    with pytest.raises(DataError, match="every row .* was used to train"):
        READMISSION.evaluate(model, [data], report=tmp_path / "x.html", n_boot=5)
    half = READMISSION.train([data], outcomes=None, model_dir=tmp_path / "half", held_out=0.5)
    default = READMISSION.train([data], outcomes=None, model_dir=tmp_path / "default")
    held = [int(s.split(" rows held out")[0].rsplit(" ", 1)[1]) for s in (half, default)]
    assert held[0] > held[1] > 0
    with pytest.raises(DataError, match="from 0 to 0.9"):
        READMISSION.train([data], outcomes=None, model_dir=tmp_path / "x", held_out=1.0)


def test_predict_never_overwrites_its_input(tmp_path):
    data = write_readmission(tmp_path / "d")
    model = tmp_path / "model"
    READMISSION.train([data], outcomes=None, model_dir=model)
    before = data.read_bytes()
    with pytest.raises(DataError, match="is the input file"):
        READMISSION.predict(model, data, data)
    with pytest.raises(DataError, match="is a folder"):
        READMISSION.predict(model, data, tmp_path)
    assert data.read_bytes() == before


def test_heart_and_readmission_predictions_explained_with_their_rows(tmp_path):
    import json

    site_a = write_heart(tmp_path / "a", seed=1, site="alpha")
    site_b = write_heart(tmp_path / "b", seed=2, site="beta")
    HEART.train([site_a], outcomes=None, model_dir=tmp_path / "m")
    ev = tmp_path / "ev.jsonl"
    with pytest.raises(DataError, match="is the --out file"):
        HEART.predict(tmp_path / "m", site_b, tmp_path / "p.csv", explain=tmp_path / "p.csv")
    summary = HEART.predict(tmp_path / "m", site_b, tmp_path / "p.csv", explain=ev)
    assert "and their evidence" in str(summary)
    lines = [json.loads(x) for x in ev.read_text().splitlines()]
    rows = site_b.read_text().splitlines()
    assert len(lines) == 150
    for x in lines:
        for e in x["evidence"]:
            # "processed.beta.data#row 7:8": the file, the row id, its 1-based line
            assert e["source"] == f"{site_b.name}#row {x['id']}:{int(x['id']) + 1}"
            column = e["detail"]
            if column in ("chol", "trestbps", "thalach", "age"):
                index = ["age", "sex", "cp", "trestbps", "chol"].index(column) \
                    if column != "thalach" else 7
                assert float(rows[int(x["id"])].split(",")[index]) == e["value"]
                assert e["unit"] in ("mg/dL", "mm[Hg]", "/min", "a")
    data = write_readmission(tmp_path / "d")
    READMISSION.train([data], outcomes=None, model_dir=tmp_path / "r")
    (first,) = READMISSION.explain(tmp_path / "r", [data], top_k=3)[:1]
    assert len(first.evidence) == 3 and first.evidence[0].source.source == data.name
    assert first.evidence[0].source.record == first.id


def test_readmission_rows_are_named_by_their_line_in_the_file(tmp_path):
    """A blank line and a quoted field spanning two lines move every later row down the file:
    skipped rows and evidence name the line a row starts on, not its position."""
    from osler.pipelines.readmission import load_readmission

    data = write_readmission(tmp_path / "d")
    frame = pd.read_csv(data).head(8)
    frame["encounter_id"] = frame["encounter_id"].astype(object)
    frame.loc[6, "encounter_id"] = None                      # skipped: no id
    frame["medical_specialty"] = frame["medical_specialty"].astype(object)
    frame.loc[2, "medical_specialty"] = "Surgery-\nGeneral"  # one row over two lines
    text = frame.to_csv(index=False).splitlines(keepends=True)
    text.insert(2, "\n")                                     # a blank line after row 0
    odd = tmp_path / "odd.csv"
    odd.write_text("".join(text))
    lines = odd.read_text().splitlines()
    got = load_readmission([odd], sources=True)
    # row 6 (no id) starts on line 10: header, row 0, blank, rows 1-5 (row 2 on two lines)
    assert any("line 10: no encounter_id" in why for _, why in got.skipped)
    for source in got.sources:
        assert lines[source.line - 1].startswith(f"{source.record},")


def test_infinite_values_repeated_ids_and_odd_labels_skip_their_row_by_line(tmp_path):
    heart = write_heart(tmp_path / "h", n=20, seed=4)
    lines = heart.read_text().splitlines()
    cells = lines[3].split(",")
    cells[4] = "inf"
    lines[3] = ",".join(cells)
    heart.write_text("\n".join(lines) + "\n")
    d = HEART.load([heart], None)
    assert len(d.ids) == 19 and any("line 4 (row 3): a value is infinite" in r for _, r in d.skipped)

    data = write_readmission(tmp_path / "d", n=60)
    df = pd.read_csv(data, dtype=str)
    df.loc[5, "num_medications"] = "inf"
    df.loc[9, "encounter_id"] = df.loc[8, "encounter_id"]
    df.loc[12, "readmitted"] = "YES"
    df.to_csv(data, index=False)
    d = READMISSION.load([data], None)
    reasons = " ".join(r for _, r in d.skipped)
    assert "line 7: 'num_medications' is not finite" in reasons
    assert "line 11: encounter_id repeats an earlier row's" in reasons
    assert "line 14: 'readmitted' is not one of" in reasons and "YES" not in reasons
    assert len(set(d.ids)) == len(d.ids)


def test_a_report_named_json_keeps_the_html_card_beside_it(tmp_path):
    from osler.evaluate.card import ModelCard

    card = ModelCard(title="t", task="x", summary={"AUROC": 0.5})
    written = card.write(tmp_path / "card.json")
    assert written == tmp_path / "card.html"
    assert (tmp_path / "card.html").read_text().lower().startswith("<!doctype html")
    assert (tmp_path / "card.json").read_text().lstrip().startswith("{")


def test_a_loader_that_returns_no_row_is_refused_with_its_inputs_named(tmp_path):
    import numpy as np

    from osler.pipelines._tabular import TabularData, TabularTask

    def nothing(data, outcomes, **_):
        empty = np.zeros(0)
        return TabularData(np.zeros((0, 1)), None, empty, empty, ["x"], empty, empty,
                           skipped=[("in.csv", "file in.csv line 2: no id; row skipped")])

    task = TabularTask(name="toy", title="toy", id_column="id", loader=nothing, model_params={})
    with pytest.raises(DataError, match=r"task toy: no usable row in \['\S*in.csv'\] "
                                        r"\(1 skipped \(file in.csv line 2: no id"):
        task.load([tmp_path / "in.csv"], None)


def test_an_invalid_label_costs_no_prediction_but_is_refused_by_training(tmp_path):
    """Labels play no part in prediction: a row with an odd label is scored; training and
    evaluation still skip it, naming file, line and reason."""
    data = write_readmission(tmp_path / "d", n=60)
    df = pd.read_csv(data, dtype=str)
    df.loc[3, "readmitted"] = "maybe"
    df.loc[4, "readmitted"] = None
    df.to_csv(data, index=False)
    predicting = READMISSION.load([data], None, labels=False)
    training = READMISSION.load([data], None)
    ids = {df.loc[3, "encounter_id"], df.loc[4, "encounter_id"]}
    assert ids <= set(predicting.ids) and not ids & set(training.ids)
    assert predicting.y is None and not any("'readmitted'" in r for _, r in predicting.skipped)
    reasons = " ".join(r for _, r in training.skipped)
    assert f"file {data} line 5: 'readmitted' is not one of" in reasons
    assert f"file {data} line 6: 'readmitted' is empty" in reasons

    heart = write_heart(tmp_path / "h", n=20, seed=4)
    lines = heart.read_text().splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0] + ",maybe"
    heart.write_text("\n".join(lines) + "\n")
    assert len(HEART.load([heart], None, labels=False).ids) == 20
    training = HEART.load([heart], None)
    assert len(training.ids) == 19 and "line 3 (row 2): a value is not a number" in training.skipped[0][1]


def test_a_small_extract_gets_a_model_that_ranks_and_full_data_keeps_its_leaf_size(tmp_path):
    """238 development rows and a smallest leaf of 100 left readmission no split to make: every
    risk the same, AUROC 0.500, saved without a word."""
    from osler.pipelines.icu_mortality import TASK as ICU

    data = write_readmission(tmp_path / "d")          # 400 made-up rows, ~240 trained on
    READMISSION.train([data], outcomes=None, model_dir=tmp_path / "m")
    out = tmp_path / "p.csv"
    READMISSION.predict(tmp_path / "m", data, out)
    assert pd.read_csv(out)["probability"].nunique() > 1      # was one risk for all
    # the full data sets' row counts (docs/benchmarks.md) keep each task's own setting
    for task, rows in ((READMISSION, 63_182), (ICU, 3_223), (HEART, 294), (HEART, 303)):
        assert task.tree_params(rows) == task.model_params, task.name
    assert READMISSION.tree_params(238)["min_child_samples"] == 11
    assert HEART.tree_params(40)["min_child_samples"] == 5


def test_a_model_that_gives_every_row_one_risk_is_refused_not_saved(tmp_path):
    row = write_heart(tmp_path / "a", n=1).read_text().splitlines()[0].split(",")[:13]
    same = tmp_path / "processed.same.data"           # one made-up patient's attributes, 40 times
    same.write_text("".join(",".join(row + [str(k % 2)]) + "\n" for k in range(40)))
    with pytest.raises(DataError, match=r"task heart-disease: the model fitted on 40 training "
                                        r"rows gives every one the same risk \(0\.\d+\); its "
                                        r"trees found no split \(smallest leaf 5 rows\)"):
        HEART.train([same], outcomes=None, model_dir=tmp_path / "m")
    assert not (tmp_path / "m").exists()
