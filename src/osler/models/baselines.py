"""Baseline models reported beside every task's main model.

The logistic baseline sees the same features as the trees, imputed by median with a missingness
indicator and standardised, so that a gap between them measures what the trees add.
"""

from __future__ import annotations

from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

__all__ = ["logistic_baseline"]


def logistic_baseline(C: float = 1.0, max_iter: int = 2000) -> Pipeline:
    """Median imputation (with missing indicators) -> standard scaling -> logistic regression."""
    return Pipeline([
        ("impute", SimpleImputer(strategy="median", add_indicator=True,
                                 keep_empty_features=True)),
        ("scale", StandardScaler()),
        ("logistic", LogisticRegression(C=C, max_iter=max_iter)),
    ])
