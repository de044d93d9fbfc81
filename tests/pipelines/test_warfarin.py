"""warfarin-dose task: train/predict/evaluate on synthetic IWPC-format data; IWPC on the real set."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from osler.errors import DataError, ModelError

pytest.importorskip("lightgbm")


def _synthetic_iwpc(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """IWPC-format patients whose dose follows the pharmacogenetic algorithm plus noise."""
    from osler.genomics.dosing import dosing_inputs, iwpc_dose
    rng = np.random.default_rng(seed)
    decades = rng.integers(3, 9, n)
    frame = pd.DataFrame({
        "PharmGKB Subject ID": [f"SYN{i:05d}" for i in range(n)],
        "Gender": rng.choice(["male", "female"], n),
        "Race": rng.choice(["White", "Asian", "Black or African American", "Unknown"], n),
        "Age": [f"{d * 10} - {d * 10 + 9}" for d in decades],
        "Height (cm)": rng.normal(170, 10, n).round(1),
        "Weight (kg)": rng.normal(78, 15, n).round(1),
        "Cyp2C9 genotypes": rng.choice(["*1/*1", "*1/*2", "*1/*3", "*2/*3", None], n,
                                       p=[0.6, 0.15, 0.1, 0.05, 0.1]),
        "VKORC1 -1639 consensus": rng.choice(["G/G", "A/G", "A/A", None], n),
        "Amiodarone (Cordarone)": rng.choice([0.0, 1.0, np.nan], n, p=[0.8, 0.1, 0.1]),
        "Target INR": rng.choice([2.5, 3.0], n),
    })
    frame.loc[:5, "Height (cm)"] = np.nan  # missing values must be handled
    dose = iwpc_dose(dosing_inputs(frame).fillna({"height_cm": 170.0}), "pharmacogenetic")
    frame["Therapeutic Dose of Warfarin"] = (dose * rng.lognormal(0, 0.15, n)).round(2)
    return frame


def test_train_predict_evaluate(tmp_path: Path) -> None:
    from osler.pipelines.warfarin import TASK, held_out_mask
    data = tmp_path / "iwpc.csv"
    frame = _synthetic_iwpc()
    frame.to_csv(data, index=False)
    model = tmp_path / "model"
    summary = TASK.train([data], outcomes=None, model_dir=model, seed=0)
    assert "trained on" in str(summary)
    meta = json.loads((model / "model.json").read_text())
    assert not set(meta["train_subjects"]) & set(frame.loc[held_out_mask(frame["PharmGKB Subject ID"]),
                                                           "PharmGKB Subject ID"])
    out = tmp_path / "pred.csv"
    TASK.predict(model, data, out)
    pred = pd.read_csv(out)
    assert list(pred.columns) == ["subject_id", "dose_mg_week", "iwpc_pharmacogenetic_mg_week",
                                  "iwpc_clinical_mg_week"]
    assert pred["subject_id"].tolist() == frame["PharmGKB Subject ID"].tolist()
    assert (pred["dose_mg_week"] > 0).all()
    report = tmp_path / "card.html"
    text = TASK.evaluate(model, [data], outcomes=None, report=report)
    card = json.loads(report.with_suffix(".json").read_text())
    table = next(s["table"] for s in card["sections"] if "table" in s)
    models = {r["model"] for r in table}
    assert models == {"learned (LightGBM + linear)", "IWPC pharmacogenetic", "IWPC clinical"}
    groups = {r["group"] for r in table}
    assert {"overall", "dose low (<=21)", "dose high (>=49)", "race Asian"} <= groups
    n_eval = card["summary"]["patients evaluated"]
    assert n_eval == int(held_out_mask(frame["PharmGKB Subject ID"]).sum()) and "unseen" in text
    # the data follow the IWPC algorithm, so it must beat the clinical one here
    overall = {r["model"]: r for r in table if r["group"] == "overall"}
    assert overall["IWPC pharmacogenetic"]["mae_mg_week"] < overall["IWPC clinical"]["mae_mg_week"]
    paired = next(s["table"] for s in card["sections"]
                  if s["heading"].startswith("Learned against"))
    assert [r["learned vs"] for r in paired] == ["IWPC pharmacogenetic", "IWPC clinical"]
    learned_mae = overall["learned (LightGBM + linear)"]["mae_mg_week"]
    for row in paired:  # the paired difference is exactly the difference of the two MAEs
        assert row["MAE difference (mg/week)"] == pytest.approx(
            learned_mae - overall[row["learned vs"]]["mae_mg_week"], abs=1e-3)
    assert "paired bootstrap by patient" in text


@pytest.mark.slow
def test_the_card_says_what_the_model_was_trained_and_evaluated_on(tmp_path: Path) -> None:
    from osler.pipelines.warfarin import TASK, held_out_mask
    frame = _synthetic_iwpc(n=200, seed=3)
    frame.loc[frame.index[-4:], "Therapeutic Dose of Warfarin"] = np.nan   # neither trained on
    data = tmp_path / "iwpc.csv"                                           # nor evaluated
    frame.to_csv(data, index=False)
    model = tmp_path / "model"
    TASK.train([data], outcomes=None, model_dir=model, seed=0)
    meta = json.loads((model / "model.json").read_text())
    TASK.evaluate(model, [data], outcomes=None, report=tmp_path / "card.html")
    provenance = json.loads((tmp_path / "card.json").read_text())["provenance"]
    trained_on, evaluated = provenance["training data"], provenance["evaluation data"]
    assert trained_on["files"] == evaluated["files"] == ["iwpc.csv"]
    assert trained_on["patients trained on"] == meta["n_train"] == len(meta["train_subjects"])
    held_out = int(held_out_mask(frame["PharmGKB Subject ID"]).sum())
    assert trained_on["patients held out"] == held_out and trained_on["held-out share"] == 0.2
    assert trained_on["patients trained on"] + trained_on["patients held out"] \
        + trained_on["patients without a dose (not trained on)"] == evaluated["rows usable"] \
        == 200
    assert provenance["left out as seen in training"][
        "patients trained on (by PharmGKB subject id)"] == meta["n_train"]
    assert evaluated["patients evaluated"] + evaluated["patients without a dose (not evaluated)"] \
        == 200 - meta["n_train"] and evaluated["patients without a dose (not evaluated)"] == 4
    card = json.loads((tmp_path / "card.json").read_text())
    assert evaluated["patients evaluated"] == card["summary"]["patients evaluated"]
    assert provenance["training data fingerprint (SHA-256)"] == meta["train_fingerprint"]
    assert provenance["decision threshold"]["value"] == "none"
    assert "regression" in provenance["decision threshold"]["rule"]
    assert provenance["library versions"] == meta["versions"]
    assert {"lightgbm", "scikit-learn", "numpy", "osler"} <= set(meta["versions"])
    assert "<h2>Provenance</h2>" in (tmp_path / "card.html").read_text()
    for kept_later in ("training_data", "versions"):       # a model saved before they were kept
        del meta[kept_later]
    (model / "model.json").write_text(json.dumps(meta))
    TASK.evaluate(model, [data], outcomes=None, report=tmp_path / "old.html")
    old = json.loads((tmp_path / "old.json").read_text())["provenance"]
    assert old["training data"].startswith("not recorded")
    assert old["library versions"].startswith("not recorded")
    assert old["evaluation data"] == evaluated


def test_paired_difference_by_hand() -> None:
    from osler.pipelines._warfarin_metrics import paired_difference
    actual = pd.Series([20.0, 30.0, 40.0, 50.0])
    better = pd.Series([21.0, 30.0, 40.0, 50.0])     # errors 1, 0, 0, 0; within 20%: all four
    worse = pd.Series([26.0, 33.0, 40.0, 70.0])      # errors 6, 3, 0, 20; within 20%: 2 of 4
    diff = paired_difference(actual, better, worse, n_boot=500)
    assert diff["n"] == 4
    assert diff["mae_difference"] == pytest.approx((1 - 29) / 4)
    assert diff["within_20pct_difference"] == pytest.approx(0.5)
    assert diff["mae_difference_low"] <= diff["mae_difference"] <= diff["mae_difference_high"]
    assert diff["mae_difference_high"] < 0  # no patient is worse, three are better
    same = paired_difference(actual, better, better, n_boot=200)
    assert same["mae_difference_low"] == same["mae_difference_high"] == 0.0
    with pytest.raises(ValueError, match="no patient"):
        paired_difference(pd.Series([], dtype=float), pd.Series([], dtype=float),
                          pd.Series([], dtype=float))


def test_bad_inputs(tmp_path: Path) -> None:
    from osler.pipelines.warfarin import TASK, read_iwpc
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"id": [1]}).to_csv(bad, index=False)
    with pytest.raises(DataError, match="PharmGKB Subject ID"):
        read_iwpc(bad)
    with pytest.raises(ModelError, match="no model.json"):
        TASK.predict(tmp_path, bad, tmp_path / "o.csv")


@pytest.mark.slow
def test_rows_that_cannot_be_dosed_are_skipped_and_named(tmp_path: Path) -> None:
    from osler.pipelines.warfarin import TASK
    frame = _synthetic_iwpc(n=200, seed=3)
    train = tmp_path / "train.csv"
    frame.to_csv(train, index=False)
    model = tmp_path / "model"
    TASK.train([train], outcomes=None, model_dir=model, seed=0)
    odd = frame.head(8).copy().astype(object)
    odd.loc[1, "PharmGKB Subject ID"] = None
    odd.loc[2, "Age"] = "banana"
    odd.loc[3, "Cyp2C9 genotypes"] = "*99/*zz"
    odd.loc[4, "VKORC1 -1639 consensus"] = "X/Y"
    odd.loc[5, "Weight (kg)"] = "heavy"
    data = tmp_path / "odd.csv"
    odd.to_csv(data, index=False)
    with data.open("a") as fh:
        fh.write("SHORT1,male\n")  # a line with two fields: pandas would pad it silently
    out = tmp_path / "o.csv"
    summary = TASK.predict(model, data, out)
    written = pd.read_csv(out)
    assert written["subject_id"].tolist() == [frame.loc[i, "PharmGKB Subject ID"]
                                              for i in (0, 6, 7)]
    assert "6 rows skipped" in str(summary) and "line 3: no PharmGKB Subject ID" in str(summary)
    for value in ("banana", "*99/*zz", "X/Y", "heavy", "SHORT1"):
        assert value not in str(summary)
    from osler.pipelines._warfarin_input import read_checked
    from osler.pipelines.warfarin import read_iwpc
    _, skipped = read_checked([data], read_iwpc)
    assert [s.split(": ", 1)[0] for s in skipped] == [f"file odd.csv line {n}"
                                                     for n in (3, 4, 5, 6, 7, 10)]
    assert "another number of fields" in skipped[-1]


def test_regressor_follows_the_sklearn_contract() -> None:
    from sklearn.base import clone

    from osler.errors import NotFittedError
    from osler.pipelines._warfarin_model import WarfarinDoseRegressor
    model = WarfarinDoseRegressor(blend=0.5, n_estimators=20)
    assert clone(model).get_params()["blend"] == 0.5
    with pytest.raises(NotFittedError):
        model.predict(pd.DataFrame({"a": [1.0]}))
    X = pd.DataFrame({"a": np.arange(50.0), "b": np.r_[np.nan, np.arange(49.0)]})
    assert model.fit(X, 10 + X["a"].to_numpy()) is model
    assert model.predict(X).shape == (50,)


@pytest.mark.shared_data
def test_iwpc_algorithms_reproduce_published_accuracy(shared_data: Path) -> None:
    """On complete cases of the IWPC set, both algorithms land near the NEJM 2009 figures."""
    from osler.genomics.dosing import DOSE_COLUMN, dosing_inputs, iwpc_dose
    frame = pd.read_csv(shared_data / "warfarin-iwpc" / "warfarin_dev.csv")
    x = dosing_inputs(frame)
    dose = frame[DOSE_COLUMN]
    ok = dose.notna() & x[["age_decades", "height_cm", "weight_kg"]].notna().all(axis=1)
    within = {}
    for algorithm in ("pharmacogenetic", "clinical"):
        error = np.abs(iwpc_dose(x[ok], algorithm) - dose[ok])
        within[algorithm] = float((error <= 0.2 * dose[ok]).mean())
    # published (validation cohort): 45.5% and 39.3%
    assert 0.43 < within["pharmacogenetic"] < 0.48
    assert 0.37 < within["clinical"] < 0.42


def test_features_read_the_medication_list_and_target_inr_range() -> None:
    from osler.pipelines._warfarin_model import warfarin_features
    frame = _synthetic_iwpc(n=3)
    frame["Medications"] = ["pacerone; digoxin", "not amiodarone", None]
    frame["Estimated Target INR Range Based on Indication"] = ["2-3", "2.5-3.5", None]
    fill = {"age_decades": 6.0, "height_cm": 170.0, "weight_kg": 78.0}
    features = warfarin_features(frame, fill)
    assert features["med_amiodarone"].tolist()[:2] == [1.0, 0.0]
    assert np.isnan(features["med_amiodarone"].iloc[2])
    assert features["med_count"].tolist()[:2] == [2.0, 0.0]
    assert features["target_inr_low"].tolist()[:2] == [2.0, 2.5]
    assert features["target_inr_high"].tolist()[:2] == [3.0, 3.5]
    # the IWPC algorithm's own amiodarone input stays the flag column, as published
    assert "amiodarone" in features and "Medications" not in features


def test_regressor_rejects_an_unknown_loss() -> None:
    from osler.pipelines._warfarin_model import WarfarinDoseRegressor
    X = pd.DataFrame({"a": np.arange(20.0)})
    with pytest.raises(ValueError, match="objective"):
        WarfarinDoseRegressor(objective="quantile", n_estimators=5).fit(X, 10 + X["a"].to_numpy())
