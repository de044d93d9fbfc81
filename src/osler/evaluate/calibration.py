"""Calibration: reliability curve and expected calibration error."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["expected_calibration_error", "reliability_curve"]


def reliability_curve(y: np.ndarray, p: np.ndarray, n_bins: int = 10,
                      strategy: str = "quantile") -> pd.DataFrame:
    """Observed event rate against mean predicted probability per bin.

    ``strategy`` is ``quantile`` (equal-count bins, stable when risks are skewed) or
    ``uniform``. Returns columns ``bin, mean_predicted, observed, count``.
    """
    if strategy not in {"quantile", "uniform"}:
        raise ValueError(f"The 'strategy' parameter must be one of {{'quantile', 'uniform'}}; "
                         f"got {strategy!r}")
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if strategy == "quantile":
        edges = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)))
    else:
        edges = np.linspace(0, 1, n_bins + 1)
    bins = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(len(edges) - 2, 0))
    counts = np.bincount(bins, minlength=len(edges) - 1)
    keep = counts > 0
    mean_p = np.bincount(bins, weights=p, minlength=len(counts))[keep] / counts[keep]
    observed = np.bincount(bins, weights=y, minlength=len(counts))[keep] / counts[keep]
    return pd.DataFrame({"bin": np.flatnonzero(keep), "mean_predicted": mean_p,
                         "observed": observed, "count": counts[keep]})


def expected_calibration_error(y: np.ndarray, p: np.ndarray, n_bins: int = 10,
                               strategy: str = "quantile") -> float:
    """Count-weighted mean absolute gap between observed rate and mean prediction per bin."""
    curve = reliability_curve(y, p, n_bins, strategy)
    weights = curve["count"] / curve["count"].sum()
    return float(np.sum(weights * np.abs(curve["observed"] - curve["mean_predicted"])))
