"""Hourly features of an ICU stay, computed the same way in batch and hour by hour.

:func:`featurize` computes the features of chosen rows of a :class:`StayFrame` from that row and
the rows before it, never after: batch asks for every row, the streaming
:class:`IncrementalFeaturizer` asks for the newest row only, through the same function. Every
sample also returns the latest source hour it read, which :mod:`osler.features.leakage` checks.

Features per variable: last value, hours since last measured, number of measurements, change
from the previous measurement, measured-this-hour; for vitals, mean / std / min / max / slope
over several windows; derived interactions (shock index, pulse pressure, BUN/creatinine,
SpO2/FiO2) and the bedside scores qSOFA, SIRS and NEWS2.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from osler.features.scores import SCORE_NAMES, load_score
from osler.features.stay import DYNAMIC_VARIABLES, STATIC_VARIABLES, StayFrame

__all__ = ["FeatureBlock", "VITALS", "WINDOWS", "feature_names", "featurize"]

VITALS = ("HR", "O2Sat", "Temp", "SBP", "MAP", "DBP", "Resp")
WINDOWS = (6, 24)
_PER_VARIABLE = ("last", "hours_since", "count", "delta", "measured")
_WINDOW_STATS = ("mean", "std", "min", "max", "slope")
_DERIVED = ("shock_index", "pulse_pressure", "bun_creatinine", "spo2_fio2")
_VITAL_COLS = np.array([DYNAMIC_VARIABLES.index(v) for v in VITALS])
_LAB_MASK = ~np.isin(np.arange(len(DYNAMIC_VARIABLES)), _VITAL_COLS)


@dataclass(frozen=True)
class FeatureBlock:
    """Features of some rows of one stay.

    ``X[k]`` holds the features of row ``rows[k]``; ``source_hours[k]`` is the latest source
    hour any of them read, and ``prediction_hours[k]`` the hour they predict at.
    """

    X: np.ndarray
    rows: np.ndarray
    prediction_hours: np.ndarray
    source_hours: np.ndarray


@lru_cache(maxsize=1)
def feature_names() -> tuple[str, ...]:
    """Names of the columns of ``FeatureBlock.X``, in order (``HR__last``, ``HR__mean_6h`` ...)."""
    names = [f"{v}__{k}" for k in _PER_VARIABLE for v in DYNAMIC_VARIABLES]
    names += [f"{v}__{s}_{w}h" for w in WINDOWS for s in _WINDOW_STATS for v in VITALS]
    names += list(_DERIVED) + list(SCORE_NAMES)
    names += list(STATIC_VARIABLES) + ["ICULOS", "hours_observed", "labs_drawn_24h"]
    return tuple(names)


def featurize(frame: StayFrame, rows: np.ndarray | None = None) -> FeatureBlock:
    """Features of ``rows`` (default: every row) from data at or before each row's hour."""
    hours, values = frame.hours, frame.values
    t_all = np.arange(len(hours))
    rows = t_all if rows is None else np.asarray(rows, dtype=np.int64)
    measured = ~np.isnan(values)
    last_idx = np.maximum.accumulate(np.where(measured, t_all[:, None], -1), axis=0)
    li = last_idx[rows]
    cols = np.arange(values.shape[1])
    last = np.where(li >= 0, values[np.maximum(li, 0), cols], np.nan)
    since = np.where(li >= 0, hours[rows, None] - hours[np.maximum(li, 0)], np.nan)
    count = np.cumsum(measured, axis=0)[rows].astype(float)
    prev_li = np.where(li > 0, last_idx[np.maximum(li - 1, 0), cols], -1)
    prev = np.where(prev_li >= 0, values[np.maximum(prev_li, 0), cols], np.nan)
    per_var = [last, since, count, last - prev, measured[rows].astype(float)]
    windows = [_window_stats(hours, values[:, _VITAL_COLS], rows, w) for w in WINDOWS]
    lastd = dict(zip(DYNAMIC_VARIABLES, last.T))
    derived = _derived(lastd)
    scores = np.column_stack([load_score(s).score(lastd) for s in SCORE_NAMES])
    static = np.tile([frame.static.get(v, np.nan) for v in STATIC_VARIABLES], (len(rows), 1))
    lab_counts = np.cumsum(measured[:, _LAB_MASK].sum(axis=1))
    start = np.searchsorted(hours, hours[rows] - 24, side="right")
    drawn = lab_counts[rows] - np.where(start > 0, lab_counts[np.maximum(start - 1, 0)], 0)
    tail = np.column_stack([hours[rows], rows + 1.0, drawn])
    X = np.hstack(per_var + windows + [derived, scores, static, tail]).astype(np.float32)
    # The latest row any feature read: the newest last-measured row, or the row itself (ICULOS).
    latest = np.maximum(li.max(axis=1, initial=-1), rows)
    return FeatureBlock(X, rows, hours[rows], hours[latest])


def _window_stats(hours: np.ndarray, vitals: np.ndarray, rows: np.ndarray, w: int) -> np.ndarray:
    """Mean, std, min, max and least-squares slope per hour of each vital over ``(t-w, t]``.

    Each row's statistics are computed from its own window only (no running sums over the
    stay), so a row's features are bit-for-bit the same in batch and in streaming.
    """
    block, age = _window_block(hours, vitals, rows, w)
    measured = ~np.isnan(block)
    v0 = np.where(measured, block, 0.0)
    x = np.where(measured, -age[:, :, None], 0.0)      # hours relative to the prediction hour
    n = measured.sum(axis=1).astype(float)
    s, ss = v0.sum(axis=1), (v0 * v0).sum(axis=1)
    sx, sxx, sxv = x.sum(axis=1), (x * x).sum(axis=1), (x * v0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        std = np.sqrt(np.maximum(ss / n - mean * mean, 0.0))
        denom = n * sxx - sx * sx
        slope = np.where(denom > 1e-9, (n * sxv - sx * s) / denom, np.nan)
    lo, hi = np.fmin.reduce(block, axis=1), np.fmax.reduce(block, axis=1)
    return np.hstack([mean, std, lo, hi, slope])


def _window_block(hours: np.ndarray, vitals: np.ndarray, rows: np.ndarray,
                  w: int) -> tuple[np.ndarray, np.ndarray]:
    """Values in each row's window (rows x span x vitals, NaN outside) and their ages in hours."""
    # Hours are strictly increasing, so at most ``w`` rows fall in a window of ``w`` hours.
    span = min(w, len(hours))
    pad = np.vstack([np.full((span - 1, vitals.shape[1]), np.nan), vitals])
    hpad = np.concatenate([np.full(span - 1, -np.inf), hours])
    idx = rows[:, None] + np.arange(span)[None, :]          # padded indices of each window
    age = hours[rows, None] - hpad[idx]
    inside = age < w
    return np.where(inside[:, :, None], pad[idx], np.nan), np.where(inside, age, 0.0)


def _derived(last: dict[str, np.ndarray]) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        shock = last["HR"] / last["SBP"]
        pulse = last["SBP"] - last["DBP"]
        bun_cr = last["BUN"] / last["Creatinine"]
        spo2_fio2 = last["O2Sat"] / last["FiO2"]
    out = np.column_stack([shock, pulse, bun_cr, spo2_fio2])
    out[~np.isfinite(out)] = np.nan
    return out
