"""Warfarin dose metrics: MAE (mg/week) and share within 20% of the actual dose, by subgroup."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DOSE_BANDS", "dose_band", "dose_metrics", "paired_difference"]

#: IWPC dose bands (mg/week): low <= 21, high >= 49, intermediate between.
DOSE_BANDS = ("low (<=21)", "intermediate", "high (>=49)")


def dose_band(dose: pd.Series) -> pd.Series:
    """The IWPC dose band of each actual weekly dose."""
    band = np.where(dose <= 21, DOSE_BANDS[0], np.where(dose >= 49, DOSE_BANDS[2], DOSE_BANDS[1]))
    return pd.Series(band, index=dose.index)


def _row(model: str, group: str, actual: pd.Series, predicted: pd.Series) -> dict:
    error = (predicted - actual).abs()
    return {"model": model, "group": group, "n": int(len(actual)),
            "mae_mg_week": float(error.mean()) if len(actual) else float("nan"),
            "within_20pct": float((error <= 0.2 * actual).mean()) if len(actual) else float("nan")}


def dose_metrics(actual: pd.Series, predictions: dict[str, pd.Series],
                 race: pd.Series) -> pd.DataFrame:
    """One tidy table: every model, overall, by dose band and by race.

    Parameters
    ----------
    actual : Series
        Therapeutic weekly dose (mg/week).
    predictions : dict of str to Series
        Model name to predicted weekly dose, aligned on ``actual``'s index.
    race : Series
        Race per patient, aligned on ``actual``.
    """
    band = dose_band(actual)
    rows = []
    for model, predicted in predictions.items():
        rows.append(_row(model, "overall", actual, predicted))
        for name in DOSE_BANDS:
            mask = band == name
            rows.append(_row(model, f"dose {name}", actual[mask], predicted[mask]))
        for name in sorted(race.dropna().unique()):
            mask = race == name
            rows.append(_row(model, f"race {name}", actual[mask], predicted[mask]))
    return pd.DataFrame(rows)


def paired_difference(actual: pd.Series, predicted: pd.Series, reference: pd.Series, *,
                      n_boot: int = 2000, seed: int = 0) -> dict:
    """How much better ``predicted`` is than ``reference`` on the same patients, with 95% CIs.

    Each row is one patient, so resampling rows with replacement is a bootstrap by patient;
    both models are scored on every resample, which keeps the comparison paired (the spread
    between patients, which dominates each model's own interval, cancels out).

    Returns
    -------
    dict
        ``mae_difference`` (predicted minus reference, mg/week; negative is better) and
        ``within_20pct_difference`` (predicted minus reference, a share; positive is better),
        each with ``_low`` and ``_high`` bounds of the percentile 95% interval, and ``n``.
    """
    y = np.asarray(actual, dtype=float)
    err_p = np.abs(np.asarray(predicted, dtype=float) - y)
    err_r = np.abs(np.asarray(reference, dtype=float) - y)
    d_abs = err_p - err_r
    d_hit = (err_p <= 0.2 * y).astype(float) - (err_r <= 0.2 * y).astype(float)
    n = len(y)
    if n == 0:
        raise ValueError("no patient to compare on")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    boot_abs = d_abs[idx].mean(axis=1)
    boot_hit = d_hit[idx].mean(axis=1)
    return {"n": n,
            "mae_difference": float(d_abs.mean()),
            "mae_difference_low": float(np.quantile(boot_abs, 0.025)),
            "mae_difference_high": float(np.quantile(boot_abs, 0.975)),
            "within_20pct_difference": float(d_hit.mean()),
            "within_20pct_difference_low": float(np.quantile(boot_hit, 0.025)),
            "within_20pct_difference_high": float(np.quantile(boot_hit, 0.975))}
