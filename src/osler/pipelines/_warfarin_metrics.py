"""Warfarin dose metrics: MAE (mg/week) and share within 20% of the actual dose, by subgroup."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DOSE_BANDS", "dose_band", "dose_metrics"]

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
