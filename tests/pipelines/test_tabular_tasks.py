"""heart-disease and readmission end to end on synthetic files, portable and quick."""

import csv

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
    assert "AUROC" in summary and (tmp_path / "card.json").is_file()
    with pytest.raises(DataError, match="every row .* was used to train"):
        HEART.evaluate(model, [site_a], report=tmp_path / "x.html", n_boot=5)


@pytest.mark.slow
def test_readmission_flow_holds_out_patients(tmp_path):
    data = write_readmission(tmp_path / "d")
    model = tmp_path / "model"
    summary = READMISSION.train([data], outcomes=None, model_dir=model)
    assert "held out" in summary and "skipped" in summary
    out = tmp_path / "pred.csv"
    READMISSION.predict(model, data, out)
    header = next(csv.reader(out.read_text().splitlines()))
    assert header == ["encounter_id", "probability"]
    text = READMISSION.evaluate(model, [data], report=tmp_path / "card.html", n_boot=20)
    assert "logistic" in text


def test_malformed_tables_fail_with_the_file_named(tmp_path):
    bad = tmp_path / "processed.bad.data"
    bad.write_text("1,2,3\n4,5,6\n")
    with pytest.raises(DataError, match="processed.bad.data: rows must have 14"):
        HEART.load([bad], None)
    csvfile = tmp_path / "enc.csv"
    csvfile.write_text("encounter_id,patient_nbr\n1,2\n")
    with pytest.raises(DataError, match="missing columns"):
        READMISSION.load([csvfile], None)
