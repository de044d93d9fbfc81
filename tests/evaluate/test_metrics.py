"""Metrics, bootstrap CIs, calibration and subgroups against scikit-learn and by hand."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from osler.evaluate import (age_bands, bootstrap_metrics, brier_score,
                            expected_calibration_error, evaluate_binary, reliability_curve,
                            roc_auc, sensitivity_at_specificity, subgroup_table)
from osler.evaluate.metrics import average_precision


@pytest.fixture()
def scored():
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.2).astype(float)
    s = np.round(y * 0.8 + rng.normal(0, 0.6, y.size), 1)  # rounding makes ties
    return y, s


def test_auroc_and_average_precision_match_scikit_learn(scored):
    y, s = scored
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))
    assert average_precision(y, s) == pytest.approx(average_precision_score(y, s))
    w = np.random.default_rng(1).integers(0, 3, y.size).astype(float)
    assert roc_auc(y, s, w) == pytest.approx(roc_auc_score(y, s, sample_weight=w))


def test_bootstrap_ci_brackets_the_estimate_and_resamples_patients(scored):
    y, s = scored
    patients = np.repeat(np.arange(400), 5)
    table = bootstrap_metrics(y, s, patients, n_boot=60).set_index("metric")
    for m in ("AUROC", "AUPRC", "Brier"):
        assert table.loc[m, "ci_low"] <= table.loc[m, "estimate"] <= table.loc[m, "ci_high"]
    assert table.loc["AUROC", "n_boot"] == 60


def test_sensitivity_at_specificity_by_hand():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1.0])
    s = np.array([0.1, 0.2, 0.3, 0.9, 0.4, 0.5, 0.6, 0.05])
    # specificity 0.75 allows one false positive (0.9): all of 0.4-0.6 positives -> 3/4
    assert sensitivity_at_specificity(y, s, 0.75) == pytest.approx(0.75)
    assert sensitivity_at_specificity(y, s, 1.0) == pytest.approx(0.0)


def test_calibration_of_a_calibrated_predictor_is_close():
    rng = np.random.default_rng(2)
    p = rng.random(20000)
    y = (rng.random(p.size) < p).astype(float)
    assert expected_calibration_error(y, p) < 0.02
    assert expected_calibration_error(y, np.clip(p + 0.3, 0, 1)) > 0.2
    curve = reliability_curve(y, p, n_bins=5)
    assert list(curve.columns) == ["bin", "mean_predicted", "observed", "count"]
    assert curve["count"].sum() == p.size
    assert brier_score(np.array([1, 0.0]), np.array([0.75, 0.25])) == pytest.approx(0.0625)


def test_subgroups_warn_when_too_small(scored):
    y, s = scored
    sex = np.where(np.arange(y.size) < 1950, "female", "male")
    table = subgroup_table(y, s, np.arange(y.size), {"sex": sex}, n_boot=20).set_index("group")
    assert table.loc["female", "warning"] == ""
    assert "too small to judge" in table.loc["male", "warning"]
    assert table.loc["female", "AUROC low"] < table.loc["female", "AUROC"]
    assert list(age_bands(np.array([17, 30, 50, 70, 90, np.nan]))) == [
        "<18", "18-44", "45-64", "65-79", "80+", "unknown"]


def test_evaluation_report_is_json_ready(scored):
    import json
    y, s = scored
    p = 1 / (1 + np.exp(-s))
    report = evaluate_binary("demo", y, p, np.arange(y.size), baselines={"score": s}, n_boot=20)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["n_samples"] == y.size
    assert {r["model"] for r in data["baselines"]} == {"score", "this model"}
    assert report.metric("AUROC") == pytest.approx(roc_auc_score(y, p))


def test_a_group_whose_patients_all_have_the_outcome_still_gets_hourly_figures():
    # two patients, both septic in their last hours: hours of both classes, one patient class
    y = np.array([0, 0, 1, 0, 0, 1])
    s = np.array([0.1, 0.2, 0.9, 0.1, 0.3, 0.8])
    clusters = np.array(["a", "a", "a", "b", "b", "b"])
    row = subgroup_table(y, s, clusters, {"g": np.array(["X"] * 6)}, n_boot=50).iloc[0]
    assert row["patients_with_event"] == 2 and row["AUROC"] == 1.0
