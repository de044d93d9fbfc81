"""Baseline models reported beside every task's main model.

The logistic baseline sees the same features as the trees, imputed by median with a missingness
indicator and standardised, so that a gap between them measures what the trees add.
:func:`quantile_logistic` first maps each feature onto normal scores by its rank, so that one
outlier (a misrecorded lab value) cannot dominate a coefficient; it is a blend partner, not the
reported baseline.
"""

from __future__ import annotations

from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import QuantileTransformer, StandardScaler

__all__ = ["logistic_baseline", "quantile_logistic"]


def logistic_baseline(C: float = 1.0, max_iter: int = 2000) -> Pipeline:
    """Median imputation (with missing indicators) -> standard scaling -> logistic regression."""
    return Pipeline([
        ("impute", SimpleImputer(strategy="median", add_indicator=True,
                                 keep_empty_features=True)),
        ("scale", StandardScaler()),
        ("logistic", LogisticRegression(C=C, max_iter=max_iter)),
    ])


def quantile_logistic(C: float = 0.2, max_iter: int = 3000, n_quantiles: int = 200) -> Pipeline:
    """Median imputation (with missing indicators) -> rank-based normal scores -> standard
    scaling -> L2 logistic regression (``C`` is the inverse penalty)."""
    return Pipeline([
        ("impute", SimpleImputer(strategy="median", add_indicator=True,
                                 keep_empty_features=True)),
        ("quantile", QuantileTransformer(n_quantiles=n_quantiles,
                                         output_distribution="normal")),
        ("scale", StandardScaler()),
        ("logistic", LogisticRegression(C=C, max_iter=max_iter)),
    ])
