"""Discrimination metrics with bootstrap confidence intervals resampled by patient.

Samples of one patient are not independent (an ICU stay gives one sample per hour), so the
bootstrap draws patients with replacement, expressed as per-sample weights. Metrics are computed
on one sort of the scores, which makes a thousand-patient bootstrap take seconds.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from osler.errors import DataError

__all__ = ["average_precision", "bootstrap_metrics", "brier_score", "roc_auc",
           "sensitivity_at_specificity"]


def _check(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    s = np.asarray(s, dtype=float)
    if y.shape != s.shape:
        raise DataError(f"labels and scores must have the same length; got {y.size} and {s.size}")
    if np.isnan(s).any():
        raise DataError("scores contain NaN; every sample needs a score")
    return y, s


def _tied_sums(y: np.ndarray, s: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted positives and negatives at each distinct score, highest score first."""
    order = np.argsort(-s, kind="mergesort")
    s, y, w = s[order], y[order], w[order]
    starts = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    return np.add.reduceat(w * y, starts), np.add.reduceat(w * (1 - y), starts)


def roc_auc(y: np.ndarray, s: np.ndarray, w: np.ndarray | None = None) -> float:
    """Area under the ROC curve (ties count half), optionally with sample weights."""
    y, s = _check(y, s)
    w = np.ones_like(y) if w is None else np.asarray(w, dtype=float)
    pos, neg = _tied_sums(y, s, w)
    P, N = pos.sum(), neg.sum()
    if P == 0 or N == 0:
        return float("nan")
    neg_above = np.cumsum(neg) - neg
    return float(np.sum(pos * (N - neg_above - 0.5 * neg)) / (P * N))


def average_precision(y: np.ndarray, s: np.ndarray, w: np.ndarray | None = None) -> float:
    """Area under the precision-recall curve as average precision (step-wise, no interpolation)."""
    y, s = _check(y, s)
    w = np.ones_like(y) if w is None else np.asarray(w, dtype=float)
    pos, neg = _tied_sums(y, s, w)
    if pos.sum() == 0:
        return float("nan")
    tp, fp = np.cumsum(pos), np.cumsum(neg)
    precision = tp / np.maximum(tp + fp, 1e-12)
    return float(np.sum(precision * pos) / pos.sum())


def brier_score(y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None) -> float:
    """Mean squared difference between predicted probability and outcome."""
    y, p = _check(y, p)
    w = np.ones_like(y) if w is None else np.asarray(w, dtype=float)
    return float(np.sum(w * (p - y) ** 2) / np.sum(w))


def sensitivity_at_specificity(y: np.ndarray, s: np.ndarray, specificity: float = 0.9,
                               w: np.ndarray | None = None) -> float:
    """Highest sensitivity reachable with specificity at or above ``specificity``."""
    y, s = _check(y, s)
    w = np.ones_like(y) if w is None else np.asarray(w, dtype=float)
    pos, neg = _tied_sums(y, s, w)
    if pos.sum() == 0 or neg.sum() == 0:
        return float("nan")
    sens = np.cumsum(pos) / pos.sum()
    spec = 1 - np.cumsum(neg) / neg.sum()
    ok = spec >= specificity - 1e-12
    return float(sens[ok].max()) if ok.any() else 0.0


Metric = Callable[[np.ndarray, np.ndarray, np.ndarray], float]


def bootstrap_metrics(y: np.ndarray, s: np.ndarray, clusters: np.ndarray | None = None, *,
                      metrics: dict[str, Metric] | None = None, n_boot: int = 200,
                      seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Point estimates and percentile bootstrap CIs, resampling ``clusters`` (patients).

    Returns a tidy frame with columns ``metric, estimate, ci_low, ci_high, n_boot``.
    """
    y, s = _check(y, s)
    metrics = metrics or {"AUROC": roc_auc, "AUPRC": average_precision, "Brier": brier_score}
    clusters = np.arange(y.size) if clusters is None else np.asarray(clusters)
    _, inverse = np.unique(clusters, return_inverse=True)
    n_clusters = inverse.max() + 1 if inverse.size else 0
    rng = np.random.default_rng(seed)
    draws = {name: [] for name in metrics}
    for _ in range(n_boot):
        counts = np.bincount(rng.integers(0, n_clusters, n_clusters), minlength=n_clusters)
        w = counts[inverse].astype(float)
        for name, fn in metrics.items():
            draws[name].append(fn(y, s, w))
    alpha = (1 - level) / 2
    rows = []
    for name, fn in metrics.items():
        d = np.asarray(draws[name], dtype=float)
        d = d[~np.isnan(d)]
        lo, hi = (np.quantile(d, [alpha, 1 - alpha]) if d.size else (np.nan, np.nan))
        rows.append({"metric": name, "estimate": fn(y, s, np.ones_like(y)), "ci_low": float(lo),
                     "ci_high": float(hi), "n_boot": int(d.size)})
    return pd.DataFrame(rows)
