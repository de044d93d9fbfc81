"""Summary features of a stay's observations up to one prediction time (e.g. 48 h).

For each variable: first, last, min, max, mean, count, last minus first and hours since last
measured (``SUMMARY_STATS``); optionally the median, standard deviation, least-squares slope
per hour and the mean / min / max of the last ``window`` hours and the mean of the first
``window`` hours (``WINDOW_STATS``), which separate a patient who is recovering from one who is
getting worse. For ``sum_variables`` (urine output) the total. :func:`summarize_extremes`
gives the time-weighted mean and the extremes of the first and of the last ``window`` hours
(``EXTREME_STATS``, after the 2012 challenge entries of Citi & Barbieri and Johnson et al.).
Only events available at or before the prediction offset are read, and each sample records the
latest offset it used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from osler.record import EventKind, PatientRecord

__all__ = ["EXTREME_STATS", "SUMMARY_STATS", "StaySummary", "WINDOW_STATS", "extreme_names",
           "stay_series", "summarize_extremes", "summarize_series", "summarize_stay",
           "summary_names"]

SUMMARY_STATS = ("first", "last", "min", "max", "mean", "count", "change", "hours_since")
WINDOW_STATS = ("median", "std", "slope", "early_mean", "late_mean", "late_min", "late_max")
EXTREME_STATS = ("time_mean", "first_window_min", "first_window_max", "last_window_min",
                 "last_window_max")


@dataclass(frozen=True)
class StaySummary:
    """Features of one stay at ``prediction_hour``; ``source_hour`` is the latest hour read."""

    values: np.ndarray
    prediction_hour: float
    source_hour: float


def summary_names(variables: Sequence[str], sum_variables: Sequence[str] = (),
                  window_variables: Sequence[str] = ()) -> list[str]:
    """Column names of :func:`summarize_stay`'s output, in order."""
    names = [f"{v}__{s}" for v in variables for s in SUMMARY_STATS]
    names += [f"{v}__{s}" for v in window_variables for s in WINDOW_STATS]
    return names + [f"{v}__total" for v in sum_variables]


def stay_series(record: PatientRecord, variable_of: dict[tuple, str], variables: Sequence[str],
                prediction_hour: float) -> tuple[dict[str, np.ndarray], float]:
    """Each variable's ``(hour, value)`` rows, sorted, known by ``prediction_hour``; and the
    latest hour read (0 if none).

    ``variable_of`` maps ``(system, code, display)`` of an observation's coding to a variable
    name; other observations are ignored. A variable never measured has shape ``(0, 2)``.
    """
    cutoff = timedelta(hours=prediction_hour)
    points: dict[str, list[tuple[float, float]]] = {v: [] for v in variables}
    latest = 0.0
    for e in record.known_at(offset=cutoff):
        if e.kind is not EventKind.OBSERVATION or e.value is None or e.coding is None:
            continue
        var = variable_of.get((e.coding.system, e.coding.code, e.coding.display))
        if var not in points:
            continue
        hour = e.available_offset.total_seconds() / 3600.0
        points[var].append((hour, float(e.value.value)))
        latest = max(latest, hour)
    series = {v: np.array(sorted(p), dtype=float).reshape(-1, 2) for v, p in points.items()}
    return series, latest


def summarize_series(series: dict[str, np.ndarray], variables: Sequence[str],
                     prediction_hour: float, sum_variables: Sequence[str] = (),
                     window_variables: Sequence[str] = (), window: float = 24.0) -> np.ndarray:
    """The values :func:`summarize_stay` returns, from :func:`stay_series` output."""
    out: list[float] = []
    for v in variables:
        out += _stats(series[v], prediction_hour)
    for v in window_variables:
        out += _window_stats(series[v], prediction_hour, window)
    for v in sum_variables:
        out.append(float(series[v][:, 1].sum()) if len(series[v]) else np.nan)
    return np.asarray(out, dtype=float)


def summarize_stay(record: PatientRecord, variable_of: dict[tuple, str],
                   variables: Sequence[str], prediction_hour: float,
                   sum_variables: Sequence[str] = (), window_variables: Sequence[str] = (),
                   window: float = 24.0) -> StaySummary:
    """Summaries of the observations known by ``prediction_hour`` hours after admission.

    ``variable_of`` maps ``(system, code, display)`` of an observation's coding to a variable
    name; other observations are ignored. ``window_variables`` (a subset of ``variables``)
    also get ``WINDOW_STATS`` over windows of ``window`` hours.
    """
    wanted = list(dict.fromkeys([*variables, *window_variables, *sum_variables]))
    series, latest = stay_series(record, variable_of, wanted, prediction_hour)
    values = summarize_series(series, variables, prediction_hour, sum_variables,
                              window_variables, window)
    return StaySummary(values, prediction_hour, latest)


def extreme_names(variables: Sequence[str]) -> list[str]:
    """Column names of :func:`summarize_extremes`'s output, in order."""
    return [f"{v}__{s}" for v in variables for s in EXTREME_STATS]


def summarize_extremes(series: dict[str, np.ndarray], variables: Sequence[str],
                       prediction_hour: float, window: float = 24.0) -> np.ndarray:
    """Per variable, in ``EXTREME_STATS`` order: the time-weighted mean up to
    ``prediction_hour`` (each value holds until the next), and the min and max of the values
    measured in the first ``window`` hours ``[0, window]`` and in the last ``window`` hours
    ``[prediction_hour - window, prediction_hour]``. NaN where nothing was measured.

    Drop failed readings (zeros in PhysioNet files) from ``series`` first: every value counts.

    >>> hr = {"HR": np.array([[0.0, 80.0], [36.0, 120.0]])}
    >>> summarize_extremes(hr, ["HR"], 48.0).tolist()
    [90.0, 80.0, 80.0, 120.0, 120.0]
    """
    out: list[float] = []
    for v in variables:
        points = series[v]
        out += [_time_weighted_mean(points, prediction_hour),
                *_extremes(points, 0.0, window),
                *_extremes(points, prediction_hour - window, prediction_hour)]
    return np.asarray(out, dtype=float)


def _time_weighted_mean(points: np.ndarray, prediction_hour: float) -> float:
    if not len(points):
        return np.nan
    held = np.diff(np.r_[points[:, 0], max(prediction_hour, points[-1, 0])])
    if held.sum() <= 0:  # every value at the prediction hour itself
        return float(points[:, 1].mean())
    return float((points[:, 1] * held).sum() / held.sum())


def _extremes(points: np.ndarray, start: float, end: float) -> list[float]:
    hours = points[:, 0]
    values = points[(hours >= start) & (hours <= end), 1]
    return [float(values.min()), float(values.max())] if values.size else [np.nan, np.nan]


def _stats(points: np.ndarray, prediction_hour: float) -> list[float]:
    if not len(points):
        return [np.nan] * 5 + [0.0, np.nan, np.nan]
    v = points[:, 1]
    return [v[0], v[-1], v.min(), v.max(), v.mean(), float(v.size), v[-1] - v[0],
            prediction_hour - points[-1, 0]]


def _window_stats(points: np.ndarray, prediction_hour: float, window: float) -> list[float]:
    if not len(points):
        return [np.nan] * len(WINDOW_STATS)
    hours, v = points[:, 0], points[:, 1]
    early = v[hours <= window]
    late = v[hours > prediction_hour - window]
    return [float(np.median(v)), float(v.std()) if v.size > 1 else np.nan, _slope(hours, v),
            early.mean() if early.size else np.nan, late.mean() if late.size else np.nan,
            late.min() if late.size else np.nan, late.max() if late.size else np.nan]


def _slope(hours: np.ndarray, values: np.ndarray) -> float:
    """Least-squares change per hour; NaN with fewer than two distinct times."""
    dt = hours - hours.mean()
    spread = float((dt * dt).sum())
    if spread <= 1e-9:
        return np.nan
    return float((dt * (values - values.mean())).sum() / spread)
