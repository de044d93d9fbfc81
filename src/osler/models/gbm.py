"""Gradient-boosted risk model: LightGBM behind the scikit-learn estimator contract.

``fit`` holds out a share of the patients (``groups``) for early stopping and probability
calibration, so the calibrator never sees the trees' training rows.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from osler._extras import require

__all__ = ["GradientBoostedRiskModel"]

_CALIBRATIONS = {"isotonic", "sigmoid", None}


class GradientBoostedRiskModel(ClassifierMixin, BaseEstimator):
    """Binary risk model: LightGBM trees, early stopping and calibration on held-out patients.

    Parameters
    ----------
    n_estimators : int
        Maximum number of boosting rounds (early stopping may use fewer).
    learning_rate, num_leaves, min_child_samples, subsample, colsample_bytree, reg_lambda
        LightGBM parameters.
    calibration : {'isotonic', 'sigmoid', None}
        How to map tree scores to probabilities, fitted on the held-out patients.
    validation_fraction : float
        Share of patients held out for early stopping and calibration (0 disables both).
    early_stopping_rounds : int
        Rounds without improvement of ``stopping_metric`` on held-out patients before stopping.
    stopping_metric : str
        LightGBM metric watched for early stopping (``auc``, ``binary_logloss`` ...). AUC by
        default: with rare outcomes, held-out log-loss stops far too early.
    max_bin : int
        Histogram bins per feature (fewer bins train faster).
    n_jobs : int
        Threads for LightGBM.
    random_state : int
        Seed for the patient split and LightGBM.
    """

    def __init__(self, n_estimators: int = 400, learning_rate: float = 0.05,
                 num_leaves: int = 31, min_child_samples: int = 20, subsample: float = 1.0,
                 colsample_bytree: float = 1.0, reg_lambda: float = 0.0,
                 calibration: str | None = "isotonic", validation_fraction: float = 0.15,
                 early_stopping_rounds: int = 50, stopping_metric: str = "auc", max_bin: int = 255,
                 n_jobs: int = 2, random_state: int = 0) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.calibration = calibration
        self.validation_fraction = validation_fraction
        self.early_stopping_rounds = early_stopping_rounds
        self.stopping_metric = stopping_metric
        self.max_bin = max_bin
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X, y, groups=None):
        """Fit on ``X, y``; ``groups`` (patient ids) keeps a patient's rows on one side."""
        if self.calibration not in _CALIBRATIONS:
            raise ValueError(f"The 'calibration' parameter must be one of "
                             f"{{'isotonic', 'sigmoid', None}}; got {self.calibration!r}")
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float32)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        if len(self.classes_) != 2:
            raise ValueError(f"y must hold exactly two classes; got {len(self.classes_)}")
        fit_rows, held_rows = self._split(len(y_idx), groups)
        lgb = require("lightgbm", "ml")
        self.booster_ = lgb.LGBMClassifier(**self._lgb_params())
        kwargs = {}
        if held_rows.size and len(np.unique(y_idx[held_rows])) == 2:
            kwargs = {"eval_X": (X[held_rows],), "eval_y": (y_idx[held_rows],),
                      "callbacks": [lgb.early_stopping(self.early_stopping_rounds, verbose=False)]}
        self.booster_.fit(X[fit_rows], y_idx[fit_rows], **kwargs)
        self.calibrator_ = self._fit_calibrator(X, y_idx, held_rows)
        return self

    def _lgb_params(self) -> dict:
        return {"n_estimators": self.n_estimators, "learning_rate": self.learning_rate,
                "num_leaves": self.num_leaves, "min_child_samples": self.min_child_samples,
                "subsample": self.subsample, "subsample_freq": 1 if self.subsample < 1 else 0,
                "colsample_bytree": self.colsample_bytree, "reg_lambda": self.reg_lambda,
                "metric": self.stopping_metric, "max_bin": self.max_bin,
                "n_jobs": self.n_jobs, "random_state": self.random_state, "verbose": -1}

    def _split(self, n: int, groups) -> tuple[np.ndarray, np.ndarray]:
        rows = np.arange(n)
        if not self.validation_fraction:
            return rows, rows[:0]
        groups = rows if groups is None else np.asarray(groups)
        uniq = np.unique(groups)
        rng = np.random.default_rng(self.random_state)
        held = rng.choice(uniq, max(1, int(round(len(uniq) * self.validation_fraction))),
                          replace=False)
        mask = np.isin(groups, held)
        if mask.all() or not mask.any():
            return rows, rows[:0]
        return rows[~mask], rows[mask]

    def _fit_calibrator(self, X, y_idx, held_rows):
        if self.calibration is None or held_rows.size == 0 or len(np.unique(y_idx[held_rows])) < 2:
            return None
        raw = self._raw(X[held_rows])
        if self.calibration == "isotonic":
            from sklearn.isotonic import IsotonicRegression
            return IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(raw,
                                                                                  y_idx[held_rows])
        from sklearn.linear_model import LogisticRegression
        return LogisticRegression().fit(raw.reshape(-1, 1), y_idx[held_rows])

    def _booster_predict(self, X, **kwargs) -> np.ndarray:
        # The bare Booster, one thread for small batches: the sklearn wrapper's checks and
        # OpenMP start-up cost milliseconds per call, which the hour-by-hour monitor pays.
        threads = 1 if len(X) < 2048 else self.n_jobs
        best = getattr(self.booster_, "best_iteration_", None) or None
        return self.booster_.booster_.predict(X, num_iteration=best, num_threads=threads,
                                              **kwargs)

    def _raw(self, X) -> np.ndarray:
        return self._booster_predict(X, raw_score=True)

    def decision_function(self, X) -> np.ndarray:
        """Tree margin (log-odds before calibration)."""
        check_is_fitted(self, "booster_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float32)
        return self._raw(X)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities, shape ``(n, 2)``."""
        raw = self.decision_function(X)
        if self.calibrator_ is None:
            p1 = 1.0 / (1.0 + np.exp(-raw))
        elif self.calibration == "isotonic":
            p1 = self.calibrator_.predict(raw)
        else:
            p1 = self.calibrator_.predict_proba(raw.reshape(-1, 1))[:, 1]
        return np.column_stack([1 - p1, p1])

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def contributions(self, X) -> np.ndarray:
        """Tree SHAP values per feature (log-odds), last column the expected value."""
        check_is_fitted(self, "booster_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float32)
        return self._booster_predict(X, pred_contrib=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
