"""Calibration: reliability curve and expected calibration error."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["N_BINS", "STRATEGY", "ece_definition", "expected_calibration_error",
           "reliability_curve"]

#: The binning every report and card uses (the defaults below).
N_BINS = 10
STRATEGY = "quantile"


def ece_definition(n_bins: int = N_BINS, strategy: str = STRATEGY) -> str:
    """One line, in words, of what :func:`expected_calibration_error` computes."""
    bins = (f"{n_bins} bins of equal count (by quantiles of predicted risk; bins whose edges "
            "tie are merged)" if strategy == "quantile"
            else f"{n_bins} equal-width bins of predicted risk from 0 to 1")
    return (f"ECE (expected calibration error): the predictions are sorted into {bins}; in each "
            "bin, the gap between the observed rate of the outcome and the mean predicted risk, "
            "averaged over bins weighted by their share of samples. 0 is perfect.")


def reliability_curve(y: np.ndarray, p: np.ndarray, n_bins: int = N_BINS,
                      strategy: str = STRATEGY) -> pd.DataFrame:
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


def expected_calibration_error(y: np.ndarray, p: np.ndarray, n_bins: int = N_BINS,
                               strategy: str = STRATEGY) -> float:
    """Count-weighted mean absolute gap between observed rate and mean prediction per bin."""
    curve = reliability_curve(y, p, n_bins, strategy)
    weights = curve["count"] / curve["count"].sum()
    return float(np.sum(weights * np.abs(curve["observed"] - curve["mean_predicted"])))
