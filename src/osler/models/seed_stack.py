"""Seed-averaged gradient boosting stacked with the logistic baseline, for one-shot tasks.

Each :class:`~osler.models.gbm.GradientBoostedRiskModel` holds out a different share of the
patients for early stopping and calibration, so averaging several seeds lets every training
row reach the trees of most members; blending in a little of the logistic regression (on the
log-odds scale, fixed weight) adds the smooth monotone trends that shallow trees approximate in
steps. The linear partner may be the plain logistic baseline or the rank-based
:func:`~osler.models.baselines.quantile_logistic`, and may read only some of the columns.
Chosen by repeated cross-validation for icu-mortality (docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["SeedAveragedStack"]

_EPS = 1e-6
_LINEAR = ("logistic", "quantile-logistic")


class SeedAveragedStack(ClassifierMixin, BaseEstimator):
    """Mean probability of ``n_seeds`` LightGBM models, blended with a logistic regression.

    Parameters
    ----------
    gbm_params : dict
        Parameters of each :class:`~osler.models.gbm.GradientBoostedRiskModel` (without
        ``random_state``).
    n_seeds : int
        Number of tree models; member ``k`` uses seed ``100 * random_state + k``.
    logistic_weight : float
        Weight of the logistic regression's log-odds in the blend, in ``[0, 1)``.
    random_state : int
        Base seed.
    linear : {'logistic', 'quantile-logistic'}
        The linear partner: :func:`~osler.models.baselines.logistic_baseline` (``C=1``) or
        :func:`~osler.models.baselines.quantile_logistic` with ``linear_C``.
    linear_C : float
        Inverse L2 penalty of ``'quantile-logistic'``.
    linear_columns : sequence of int, optional
        Columns of ``X`` the linear partner reads (all by default); the trees read every column.
    """

    def __init__(self, gbm_params: dict | None = None, n_seeds: int = 5,
                 logistic_weight: float = 0.2, random_state: int = 0, linear: str = "logistic",
                 linear_C: float = 0.2, linear_columns=None) -> None:
        self.gbm_params = gbm_params
        self.n_seeds = n_seeds
        self.logistic_weight = logistic_weight
        self.random_state = random_state
        self.linear = linear
        self.linear_C = linear_C
        self.linear_columns = linear_columns

    def fit(self, X, y, groups=None):
        """Fit every member on ``X, y``; ``groups`` (patient ids) as for the tree model."""
        from osler.models.gbm import GradientBoostedRiskModel

        if not isinstance(self.n_seeds, int) or self.n_seeds < 1:
            raise ValueError(f"The 'n_seeds' parameter must be an int >= 1; got {self.n_seeds!r}")
        if not 0 <= self.logistic_weight < 1:
            raise ValueError("The 'logistic_weight' parameter must be in [0, 1); got "
                             f"{self.logistic_weight!r}")
        if self.linear not in _LINEAR:
            raise ValueError(f"The 'linear' parameter must be one of {set(_LINEAR)}; got "
                             f"{self.linear!r}")
        params = dict(self.gbm_params or {})
        self.members_ = [GradientBoostedRiskModel(**params,
                                                  random_state=100 * self.random_state + k)
                         .fit(X, y, groups=groups) for k in range(self.n_seeds)]
        self.classes_ = self.members_[0].classes_
        self.n_features_in_ = self.members_[0].n_features_in_
        self.logistic_ = self._linear(len(y)).fit(self._linear_X(X), y) \
            if self.logistic_weight else None
        return self

    def _linear(self, n_rows: int):
        from osler.models import logistic_baseline, quantile_logistic
        if self.linear == "logistic":
            return logistic_baseline()
        return quantile_logistic(C=self.linear_C, n_quantiles=min(200, n_rows))

    def _linear_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        return X if self.linear_columns is None else X[:, list(self.linear_columns)]

    def predict_proba(self, X) -> np.ndarray:
        """Blended probabilities, shape ``(n, 2)``."""
        check_is_fitted(self, "members_")
        p = np.mean([m.predict_proba(X)[:, 1] for m in self.members_], axis=0)
        if self.logistic_ is not None:
            w = self.logistic_weight
            q = self.logistic_.predict_proba(self._linear_X(X))[:, 1]
            z = (1 - w) * _logit(p) + w * _logit(q)
            p = 1.0 / (1.0 + np.exp(-z))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def contributions(self, X) -> np.ndarray:
        """Per-feature log-odds contributions, last column the expected value: the members'
        mean tree SHAP values (before calibration) and the logistic regression's linear terms,
        weighted as in the blend. For ranking features, not for exact reconstruction."""
        check_is_fitted(self, "members_")
        trees = np.mean([m.contributions(X) for m in self.members_], axis=0)
        if self.logistic_ is None:
            return trees
        w = self.logistic_weight
        X = np.asarray(X, dtype=float)
        linear = _linear_contributions(self.logistic_, self._linear_X(X))
        if self.linear_columns is not None:  # back onto the columns of X; the rest get 0
            full = np.zeros((len(X), X.shape[1] + 1))
            full[:, list(self.linear_columns)] = linear[:, :-1]
            full[:, -1] = linear[:, -1]
            linear = full
        return (1 - w) * trees + w * linear


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def _linear_contributions(pipeline, X: np.ndarray) -> np.ndarray:
    """coef x standardised value per input feature (its missing indicator added to it)."""
    impute, scale, logistic = (pipeline.named_steps[k] for k in ("impute", "scale", "logistic"))
    imputed = impute.transform(X)
    if "quantile" in pipeline.named_steps:
        imputed = pipeline.named_steps["quantile"].transform(imputed)
    terms = scale.transform(imputed) * logistic.coef_[0]
    n = X.shape[1]
    out = np.zeros((len(X), n + 1))
    out[:, :n] = terms[:, :n]
    if impute.indicator_ is not None:
        np.add.at(out.T, impute.indicator_.features_, terms[:, n:].T)
    out[:, n] = logistic.intercept_[0]
    return out
