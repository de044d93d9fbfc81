"""A cross-fitted ensemble of gradient-boosted trees, with out-of-fold scores for every row.

The patients are split into ``n_folds`` folds; member ``k`` is trained on every fold but ``k``
and scores fold ``k``. The ensemble predicts with the mean of the members' log-odds, and the
out-of-fold scores (each row scored by the one member that never saw its patient) are kept as
``oof_proba_``. Two things follow. Every training patient is used both to grow trees and to
choose a decision threshold or fit the calibrator, instead of setting a fifth aside for each;
and averaging members trained on different patients cuts the variance of small, shallow models.
Tree SHAP values add up, so the ensemble's contributions are the members' mean, exactly.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from osler.errors import DataError

__all__ = ["CrossFittedRiskModel"]


class CrossFittedRiskModel(ClassifierMixin, BaseEstimator):
    """Mean log-odds of ``n_folds`` LightGBM models, each trained without one fold of patients.

    Parameters
    ----------
    gbm_params : dict
        Parameters of each :class:`~osler.models.gbm.GradientBoostedRiskModel`. Members train a
        fixed number of trees (no early stopping, no calibration of their own).
    n_folds : int
        Number of folds and members (at least 2).
    calibration : {'isotonic', None}
        Isotonic regression of the out-of-fold log-odds onto the outcome.
    random_state : int
    n_jobs : int
        LightGBM threads per member.
    """

    def __init__(self, gbm_params: dict | None = None, n_folds: int = 5,
                 calibration: str | None = "isotonic", random_state: int = 0,
                 n_jobs: int = 1) -> None:
        self.gbm_params = gbm_params
        self.n_folds = n_folds
        self.calibration = calibration
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y, groups=None):
        """Fit the members on ``X, y``; ``groups`` (patient ids) decide the folds."""
        from osler.models.gbm import GradientBoostedRiskModel

        if not isinstance(self.n_folds, int) or self.n_folds < 2:
            raise ValueError(f"The 'n_folds' parameter must be an int >= 2; got {self.n_folds!r}")
        if self.calibration not in ("isotonic", None):
            raise ValueError("The 'calibration' parameter must be 'isotonic' or None; got "
                             f"{self.calibration!r}")
        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y)
        groups = np.arange(len(y)) if groups is None else np.asarray(groups)
        folds = _group_folds(groups, self.n_folds, self.random_state)
        if len(np.unique(folds)) < self.n_folds:
            raise DataError(f"{self.n_folds} folds need at least {self.n_folds} patients; got "
                            f"{len(np.unique(groups))}")
        params = {**(self.gbm_params or {}), "calibration": None, "validation_fraction": 0.0,
                  "n_jobs": self.n_jobs}
        classes = np.unique(y)
        with_outcome = len(np.unique(groups[y == classes[-1]])) if len(classes) > 1 else 0
        if with_outcome < 2:
            raise DataError(f"training needs patients with and without the outcome; got "
                            f"{with_outcome} patient(s) with it among {len(np.unique(groups))} "
                            f"(at least 2, for {self.n_folds} cross-fitted members, and far more "
                            "for a useful model)")
        self.members_, oof = [], np.zeros(len(y))
        for k in range(self.n_folds):
            train = folds != k
            if len(np.unique(y[train])) < 2:
                raise DataError(f"fold {k} of {self.n_folds}: all {with_outcome} patients with "
                                "the outcome fell in this fold, so the others hold one outcome "
                                "class; more patients with the outcome are needed")
            member = GradientBoostedRiskModel(**params, random_state=self.random_state + k)
            self.members_.append(member.fit(X[train], y[train]))
            oof[~train] = member.decision_function(X[~train])
        self.classes_ = self.members_[0].classes_
        self.n_features_in_ = X.shape[1]
        y_idx = (y == self.classes_[1]).astype(float)
        self.calibrator_ = None
        if self.calibration == "isotonic":
            from sklearn.isotonic import IsotonicRegression
            self.calibrator_ = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)
            self.calibrator_.fit(oof, y_idx)
        self.oof_proba_ = self._to_proba(oof)
        return self

    def decision_function(self, X) -> np.ndarray:
        """Mean of the members' log-odds (before calibration)."""
        check_is_fitted(self, "members_")
        X = np.asarray(X, dtype=np.float32)
        return np.mean([m.decision_function(X) for m in self.members_], axis=0)

    def _to_proba(self, margin: np.ndarray) -> np.ndarray:
        if self.calibrator_ is None:
            return 1.0 / (1.0 + np.exp(-margin))
        return self.calibrator_.predict(margin)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities, shape ``(n, 2)``."""
        p1 = self._to_proba(self.decision_function(X))
        return np.column_stack([1 - p1, p1])

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def contributions(self, X) -> np.ndarray:
        """Tree SHAP values of the mean log-odds (the members' mean), last column the base."""
        check_is_fitted(self, "members_")
        X = np.asarray(X, dtype=np.float32)
        return np.mean([m.contributions(X) for m in self.members_], axis=0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def _group_folds(groups: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold per row, every group (patient) in one fold, groups dealt out in a seeded order."""
    uniq, inverse = np.unique(groups.astype(str), return_inverse=True)
    order = np.random.default_rng(seed).permutation(len(uniq))
    fold_of = np.empty(len(uniq), dtype=np.int64)
    fold_of[order] = np.arange(len(uniq)) % n_folds
    return fold_of[inverse]
