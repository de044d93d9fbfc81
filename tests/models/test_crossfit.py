"""The cross-fitted ensemble scores every training row out of fold and explains exactly."""

import numpy as np
import pytest
from sklearn.base import clone

from osler.errors import DataError
from osler.models.crossfit import CrossFittedRiskModel

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")

_PARAMS = {"n_estimators": 20, "num_leaves": 7, "min_child_samples": 10}


def _data(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    X[rng.random(X.shape) < 0.1] = np.nan
    y = (np.nan_to_num(X[:, 0]) + rng.normal(0, 1, n) > 1).astype(int)
    return X, y, np.repeat(np.arange(n // 4), 4)


def test_out_of_fold_scores_come_from_the_member_that_never_saw_the_patient():
    X, y, groups = _data()
    model = CrossFittedRiskModel(_PARAMS, n_folds=4, calibration=None)
    assert clone(model).get_params() == model.get_params()
    model.fit(X, y, groups=groups)
    assert len(model.members_) == 4
    margins = np.column_stack([m.decision_function(X) for m in model.members_])
    oof_margin = np.log(model.oof_proba_ / (1 - model.oof_proba_))
    # Each row's out-of-fold score equals exactly one member's score, the same for a patient.
    matches = np.isclose(margins, oof_margin[:, None], atol=1e-6)
    member = matches.argmax(axis=1)
    assert matches.any(axis=1).all()
    for g in np.unique(groups)[:50]:
        assert len(set(member[groups == g])) == 1
    # ... and that member did not train on the row: in-fold scores fit the labels better.
    assert np.mean((model.oof_proba_ - y) ** 2) > np.mean(
        (model.predict_proba(X)[:, 1] - y) ** 2)


def test_calibrated_probabilities_and_additive_contributions():
    X, y, groups = _data(seed=1)
    model = CrossFittedRiskModel(_PARAMS, n_folds=3).fit(X, y, groups=groups)
    p = model.predict_proba(X)
    assert p.shape == (len(y), 2) and np.allclose(p.sum(axis=1), 1)
    assert abs(model.oof_proba_.mean() - y.mean()) < 0.01  # isotonic on out-of-fold scores
    contrib = model.contributions(X[:30])
    assert contrib.shape == (30, 6)
    assert np.allclose(contrib.sum(axis=1), model.decision_function(X[:30]), atol=1e-5)


def test_bad_settings_fail_clearly():
    X, y, groups = _data(n=40)
    with pytest.raises(ValueError, match="n_folds"):
        CrossFittedRiskModel(_PARAMS, n_folds=1).fit(X, y, groups=groups)
    with pytest.raises(ValueError, match="calibration"):
        CrossFittedRiskModel(_PARAMS, calibration="platt").fit(X, y, groups=groups)
    with pytest.raises(DataError, match="at least 5 patients"):
        CrossFittedRiskModel(_PARAMS, n_folds=5).fit(X[:12], y[:12], groups=groups[:12] * 0)
