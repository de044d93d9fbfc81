"""The LightGBM risk model keeps the scikit-learn contract and calibrates on held-out groups."""

import numpy as np
import pytest
from sklearn.base import clone

from osler.models import GradientBoostedRiskModel, ModelBundle, load_model, save_model
from osler.errors import ModelError

pytestmark = pytest.mark.filterwarnings(
    # sklearn's feature-name check warns when LightGBM was fitted on a numpy array.
    "ignore:X does not have valid feature names:UserWarning")


def _data(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    X[rng.random(X.shape) < 0.1] = np.nan
    y = (np.nan_to_num(X[:, 0]) + 0.5 * np.nan_to_num(X[:, 1]) + rng.normal(0, 1, n) > 1)
    return X, y.astype(int), np.repeat(np.arange(n // 5), 5)


def test_sklearn_contract_and_calibrated_probabilities():
    X, y, groups = _data()
    model = GradientBoostedRiskModel(n_estimators=60, num_leaves=7, n_jobs=1)
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "booster_")
    assert model.fit(X, y, groups=groups) is model
    p = model.predict_proba(X)
    assert p.shape == (len(y), 2) and np.allclose(p.sum(axis=1), 1)
    assert set(model.predict(X)) <= {0, 1}
    assert model.n_features_in_ == 6 and model.calibrator_ is not None


@pytest.mark.slow
@pytest.mark.filterwarnings(
    # shap announces its changed output format for LightGBM binary models; we handle both.
    "ignore:LightGBM binary classifier with TreeExplainer:UserWarning")
def test_contributions_equal_shap_tree_explainer():
    shap = pytest.importorskip("shap")
    X, y, groups = _data(600)
    model = GradientBoostedRiskModel(n_estimators=30, num_leaves=7, calibration=None,
                                     validation_fraction=0, n_jobs=1).fit(X, y)
    ours = model.contributions(X[:50])
    explainer = shap.TreeExplainer(model.booster_.booster_)
    theirs = np.asarray(explainer.shap_values(X[:50].astype(np.float32)))
    theirs = theirs[-1] if theirs.ndim == 3 else theirs
    np.testing.assert_allclose(ours[:, :-1], theirs, atol=1e-5)
    np.testing.assert_allclose(ours.sum(axis=1), model.decision_function(X[:50]), atol=1e-5)


def test_bad_parameters_and_unfitted_use_fail_clearly():
    X, y, _ = _data(200)
    with pytest.raises(ValueError, match="'calibration' parameter must be one of"):
        GradientBoostedRiskModel(calibration="platt").fit(X, y)
    with pytest.raises(Exception, match="not fitted"):
        GradientBoostedRiskModel().predict_proba(X)


def test_saved_model_round_trip_and_task_check(tmp_path):
    X, y, _ = _data(300)
    model = GradientBoostedRiskModel(n_estimators=20, n_jobs=1).fit(X, y)
    save_model(ModelBundle("demo", model, [f"f{i}" for i in range(6)], "abc", 0.3), tmp_path)
    loaded = load_model(tmp_path, "demo", [f"f{i}" for i in range(6)])
    np.testing.assert_allclose(loaded.estimator.predict_proba(X), model.predict_proba(X))
    assert loaded.threshold == 0.3
    with pytest.raises(ModelError, match="trained for task 'demo', not 'sepsis'"):
        load_model(tmp_path, "sepsis")
