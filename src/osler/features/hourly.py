"""Hourly features of an ICU stay, computed the same way in batch and hour by hour.

:func:`featurize` computes the features of chosen rows of a :class:`StayFrame` from that row and
the rows before it, never after: batch asks for every row, the streaming
:class:`IncrementalFeaturizer` asks for the newest row only, through the same function. Every
sample also returns the latest source hour it read, which :mod:`osler.features.leakage` checks.

Features per variable: last value, hours since last measured, number of measurements, change
from the previous measurement, measured-this-hour; for vitals, mean / std / min / max / slope
over several windows; for the variables that track sepsis (``TRACKED``), the change since the
stay's first value, the distance from the stay's running mean and the running extremes; the
24-hour extremes of key labs; how many labs and vitals were recorded in the last 8 and 48 hours
(how closely the patient is being watched); derived interactions (shock index, pulse pressure,
BUN/creatinine, SpO2/FiO2), the bedside scores qSOFA, SIRS and NEWS2, and a partial SOFA score
with its rise over 24 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from osler.features.scores import FEATURE_SCORES, SCORE_NAMES, load_score
from osler.features.stay import DYNAMIC_VARIABLES, STATIC_VARIABLES, StayFrame

__all__ = ["FeatureBlock", "TRACKED", "VITALS", "WINDOWS", "feature_names", "featurize"]

VITALS = ("HR", "O2Sat", "Temp", "SBP", "MAP", "DBP", "Resp")
WINDOWS = (6, 12, 24)
#: Variables whose course over the whole stay so far is summarised.
TRACKED = ("HR", "O2Sat", "Temp", "SBP", "MAP", "Resp", "WBC", "Lactate", "Creatinine",
           "Platelets", "Bilirubin_total", "BUN", "pH", "HCO3", "Glucose", "FiO2")
_LABS_24H = ("WBC", "Lactate", "Creatinine", "Platelets", "Bilirubin_total", "BUN")
_PER_VARIABLE = ("last", "hours_since", "count", "delta", "measured")
_WINDOW_STATS = ("mean", "std", "min", "max", "slope")
_COURSE_STATS = ("change_from_first", "minus_running_mean", "running_max", "running_min")
_DERIVED = ("shock_index", "pulse_pressure", "bun_creatinine", "spo2_fio2")
_ACTIVITY = ("labs_drawn_8h", "vitals_recorded_8h", "labs_drawn_48h", "vitals_recorded_48h")
_VITAL_COLS = np.array([DYNAMIC_VARIABLES.index(v) for v in VITALS])
_LAB_MASK = ~np.isin(np.arange(len(DYNAMIC_VARIABLES)), _VITAL_COLS)
_TRACKED_COLS = np.array([DYNAMIC_VARIABLES.index(v) for v in TRACKED])
_LAB24_COLS = np.array([DYNAMIC_VARIABLES.index(v) for v in _LABS_24H])


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
    names += [f"{v}__{k}" for k in _COURSE_STATS for v in TRACKED]
    names += [f"{v}__{k}_24h" for k in ("max", "min") for v in _LABS_24H]
    names += list(_ACTIVITY)
    names += [name for s in FEATURE_SCORES for name in (s, f"{s}__rise_24h")]
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
    static, static_source = _static(frame, rows)
    lab_counts = np.cumsum(measured[:, _LAB_MASK].sum(axis=1))
    vital_counts = np.cumsum(measured[:, _VITAL_COLS].sum(axis=1))
    tail = np.column_stack([hours[rows], rows + 1.0, _in_window(hours, lab_counts, rows, 24)])
    course = _course(values[:, _TRACKED_COLS], measured[:, _TRACKED_COLS], rows)
    labs = _window_block(hours, values[:, _LAB24_COLS], rows, 24)[0]
    lab24 = [np.fmax.reduce(labs, axis=1), np.fmin.reduce(labs, axis=1)]
    activity = np.column_stack([_in_window(hours, c, rows, w)
                                for w in (8, 48) for c in (lab_counts, vital_counts)])
    organ = _organ_scores(hours, values, last_idx, rows)
    X = np.hstack(per_var + windows + [derived, scores, static, tail] + course + lab24
                  + [activity, organ]).astype(np.float32)
    X[~np.isfinite(X)] = np.nan     # never inf: no feature may overflow float32 (see _derived)
    # The latest row any feature read: the newest last-measured row, or the row itself (ICULOS);
    # and the hour any static it holds was first written.
    latest = np.maximum(li.max(axis=1, initial=-1), rows)
    return FeatureBlock(X, rows, hours[rows], np.maximum(hours[latest], static_source))


def _static(frame: StayFrame, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The static values each row may read (NaN before the hour a static is first written:
    Age written from hour 6 on is missing at hours 1-5) and the latest such hour each row
    read, for the leakage guard (-inf when none)."""
    values = np.array([frame.static.get(v, np.nan) for v in STATIC_VARIABLES], dtype=float)
    known_from = np.array([frame.static_hours.get(v, -np.inf) for v in STATIC_VARIABLES])
    known = known_from[None, :] <= frame.hours[rows, None]
    static = np.where(known, values[None, :], np.nan)
    read = np.where(~np.isnan(static), known_from[None, :], -np.inf)
    return static, read.max(axis=1, initial=-np.inf)


def _in_window(hours: np.ndarray, cumulative: np.ndarray, rows: np.ndarray, w: int) -> np.ndarray:
    """How much of a running count fell in each row's window ``(t-w, t]``."""
    start = np.searchsorted(hours, hours[rows] - w, side="right")
    return (cumulative[rows] - np.where(start > 0, cumulative[np.maximum(start - 1, 0)], 0)
            ).astype(float)


def _course(values: np.ndarray, measured: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """Change since the first value, distance from the running mean, running max and min.

    Running sums are sequential (``np.cumsum``), so the prefix a stream has seen gives the same
    bits as the whole stay does in batch.
    """
    t_all = np.arange(len(values))[:, None]
    cols = np.arange(values.shape[1])
    first_idx = np.where(measured.any(axis=0), measured.argmax(axis=0), len(values))
    known = first_idx[None, :] <= rows[:, None]
    first = np.where(known, values[np.minimum(first_idx, len(values) - 1), cols][None, :], np.nan)
    li = np.maximum.accumulate(np.where(measured, t_all, -1), axis=0)[rows]
    last = np.where(li >= 0, values[np.maximum(li, 0), cols], np.nan)
    total = np.cumsum(np.where(measured, values, 0.0), axis=0)[rows]
    n = np.cumsum(measured, axis=0)[rows]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
    return [last - first, last - mean, np.fmax.accumulate(values, axis=0)[rows],
            np.fmin.accumulate(values, axis=0)[rows]]


def _organ_scores(hours: np.ndarray, values: np.ndarray, last_idx: np.ndarray,
                  rows: np.ndarray) -> np.ndarray:
    """Each feature score (partial SOFA) now, and its rise over the lowest of the last 24 h."""
    cols = np.arange(values.shape[1])
    last_all = np.where(last_idx >= 0, values[np.maximum(last_idx, 0), cols], np.nan)
    lastd = dict(zip(DYNAMIC_VARIABLES, last_all.T))
    out = []
    for name in FEATURE_SCORES:
        score = load_score(name).score(lastd)
        low = np.fmin.reduce(_window_block(hours, score[:, None], rows, 24)[0][:, :, 0], axis=1)
        out += [score[rows], score[rows] - low]
    return np.column_stack(out)


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
    # Hours are whole (the reader refuses others) and strictly increasing, so at most ``w``
    # rows fall in a window of ``w`` hours.
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
    # a ratio of accepted extremes (BUN 1e9 / creatinine 1e-30) is finite here but not in the
    # float32 matrix: beyond float32's range it is no measurement, so missing like inf
    out[~(np.abs(out) <= _FLOAT32_MAX)] = np.nan
    return out


_FLOAT32_MAX = float(np.finfo(np.float32).max)
