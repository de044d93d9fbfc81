"""SeedAveragedStack: seed-averaged trees blended with the logistic baseline."""

import numpy as np
import pytest
from sklearn.base import clone

from osler.models.seed_stack import SeedAveragedStack

SMALL = {"n_estimators": 30, "num_leaves": 4, "min_child_samples": 5, "n_jobs": 1,
         "calibration": "sigmoid", "validation_fraction": 0.25, "early_stopping_rounds": 10}


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    X[::7, 2] = np.nan
    y = (X[:, 0] + 0.5 * np.nan_to_num(X[:, 2]) + rng.normal(0, 0.7, n) > 0.8).astype(int)
    return X, y


def test_blend_predicts_ranks_and_explains():
    X, y = _data()
    model = SeedAveragedStack(SMALL, n_seeds=3, logistic_weight=0.2).fit(X, y)
    p = model.predict_proba(X)
    assert p.shape == (300, 2) and np.allclose(p.sum(axis=1), 1)
    assert len(model.members_) == 3
    assert len({m.random_state for m in model.members_}) == 3  # different validation splits
    assert p[y == 1, 1].mean() > p[y == 0, 1].mean() + 0.2
    contrib = model.contributions(X)
    assert contrib.shape == (300, 5)
    assert np.abs(contrib[:, 0]).mean() > np.abs(contrib[:, 3]).mean()  # x0 drives y, x3 noise
    assert set(clone(model).get_params()) == {"gbm_params", "n_seeds", "logistic_weight",
                                              "random_state", "linear", "linear_C",
                                              "linear_columns"}


def test_without_logistic_weight_it_is_the_mean_of_its_members():
    X, y = _data(seed=1)
    model = SeedAveragedStack(SMALL, n_seeds=2, logistic_weight=0.0).fit(X, y)
    expected = np.mean([m.predict_proba(X)[:, 1] for m in model.members_], axis=0)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], expected)
    assert model.logistic_ is None


def test_quantile_logistic_partner_reads_only_its_columns():
    X, y = _data(seed=2)
    model = SeedAveragedStack(SMALL, n_seeds=2, logistic_weight=0.3, linear="quantile-logistic",
                              linear_C=0.5, linear_columns=[0, 2]).fit(X, y)
    assert model.logistic_.named_steps["logistic"].C == 0.5
    assert model.logistic_.n_features_in_ == 2
    noisy = X.copy()
    noisy[:, 1] = 1e6  # an outlier in a column the partner does not read changes only the trees
    q = model.logistic_.predict_proba(noisy[:, [0, 2]])[:, 1]
    np.testing.assert_allclose(q, model.logistic_.predict_proba(X[:, [0, 2]])[:, 1])
    p = model.predict_proba(X)[:, 1]
    assert p[y == 1].mean() > p[y == 0].mean() + 0.2
    contrib = model.contributions(X)
    assert contrib.shape == (300, 5)
    members = np.mean([m.contributions(X) for m in model.members_], axis=0)
    np.testing.assert_allclose(contrib[:, [1, 3]], 0.7 * members[:, [1, 3]])  # trees only


@pytest.mark.parametrize("bad", [{"n_seeds": 0}, {"logistic_weight": 1.0}, {"linear": "svm"}])
def test_bad_parameters_are_named(bad):
    X, y = _data(n=60)
    with pytest.raises(ValueError, match=next(iter(bad))):
        SeedAveragedStack(SMALL, **bad).fit(X, y)
