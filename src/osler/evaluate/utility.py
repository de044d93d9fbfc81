"""The PhysioNet/CinC 2019 normalized utility, alert burden and lead time.

Utility, per Reyna et al. (Crit Care Med 2020) and the challenge's published scorer definition:
onset ``t_sepsis`` is the row of the first ``SepsisLabel = 1`` plus 6 hours. Relative to it, an
alarm from -12 h to -6 h earns 0 rising to +1, from -6 h to +3 h +1 falling to 0; a missed hour
from -6 h to +3 h costs 0 falling to -2; an alarm in a stay without sepsis (or earlier than
-12 h) costs 0.05; rows after +3 h are not scored. The total is normalized so that the best
possible alarms score 1 and never alarming scores 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from osler.errors import DataError

__all__ = ["UTILITY_PARAMETERS", "UtilityParameters", "alert_burden", "lead_times",
           "normalized_utility", "stay_utility", "utility_curve", "utility_interval"]


@dataclass(frozen=True)
class UtilityParameters:
    """Constants of the challenge utility (hours and rewards)."""

    dt_early: float = -12.0
    dt_optimal: float = -6.0
    dt_late: float = 3.0
    max_u_tp: float = 1.0
    min_u_fn: float = -2.0
    u_fp: float = -0.05
    u_tn: float = 0.0


UTILITY_PARAMETERS = UtilityParameters()


def stay_utility(labels: np.ndarray, alarms: np.ndarray,
                 p: UtilityParameters = UTILITY_PARAMETERS) -> float:
    """Utility of one stay's hourly binary alarms against its hourly ``SepsisLabel``."""
    labels = np.asarray(labels, dtype=float)
    alarms = np.asarray(alarms, dtype=bool)
    if labels.shape != alarms.shape:
        raise DataError(f"labels and alarms must have the same length; got {labels.size} and "
                        f"{alarms.size}")
    t = np.arange(labels.size, dtype=float)
    if not np.any(labels == 1):
        return float(np.sum(np.where(alarms, p.u_fp, p.u_tn)))
    t_sepsis = float(np.argmax(labels == 1)) - p.dt_optimal
    rel = t - t_sepsis
    m1 = p.max_u_tp / (p.dt_optimal - p.dt_early)
    m2 = -p.max_u_tp / (p.dt_late - p.dt_optimal)
    m3 = p.min_u_fn / (p.dt_late - p.dt_optimal)
    early_tp = np.maximum(m1 * (rel - p.dt_early), p.u_fp)   # rises 0 -> 1 over [-12, -6]
    late_tp = m2 * (rel - p.dt_late)                          # falls 1 -> 0 over (-6, +3]
    late_fn = m3 * (rel - p.dt_optimal)                       # falls 0 -> -2 over (-6, +3]
    u_alarm = np.where(rel <= p.dt_optimal, early_tp, late_tp)
    u_quiet = np.where(rel <= p.dt_optimal, 0.0, late_fn)
    u = np.where(alarms, u_alarm, u_quiet)
    return float(np.sum(u[rel <= p.dt_late]))


def row_utilities(labels: np.ndarray, stays: np.ndarray,
                  p: UtilityParameters = UTILITY_PARAMETERS) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the utility of alarming and of staying quiet (0 where a row is not scored).

    Rows must be grouped by stay, each stay in hour order. Utility is additive over rows, so
    any set of alarms scores ``sum(where(alarms, u_alarm, u_quiet))``.
    """
    labels = np.asarray(labels, dtype=float)
    stays = np.asarray(stays)
    new_stay = np.r_[True, stays[1:] != stays[:-1]] if labels.size else np.zeros(0, bool)
    starts = np.flatnonzero(new_stay)
    stay_no = np.cumsum(new_stay) - 1
    t = np.arange(labels.size) - starts[stay_no]
    positive = labels == 1
    first = np.full(len(starts), np.inf)
    np.minimum.at(first, stay_no[positive], t[positive])
    rel = t - (first[stay_no] - p.dt_optimal)           # -inf for stays without sepsis
    septic = np.isfinite(rel)
    m1 = p.max_u_tp / (p.dt_optimal - p.dt_early)
    m2 = -p.max_u_tp / (p.dt_late - p.dt_optimal)
    m3 = p.min_u_fn / (p.dt_late - p.dt_optimal)
    with np.errstate(invalid="ignore"):
        early = rel <= p.dt_optimal
        u_alarm = np.where(early, np.maximum(m1 * (rel - p.dt_early), p.u_fp),
                           m2 * (rel - p.dt_late))
        u_quiet = np.where(early, 0.0, m3 * (rel - p.dt_optimal))
        scored = rel <= p.dt_late
    u_alarm = np.where(septic, np.where(scored, u_alarm, 0.0), p.u_fp)
    u_quiet = np.where(septic, np.where(scored, u_quiet, 0.0), p.u_tn)
    return u_alarm, u_quiet


def normalized_utility(labels: np.ndarray, alarms: np.ndarray, stays: np.ndarray,
                       p: UtilityParameters = UTILITY_PARAMETERS) -> float:
    """Normalized utility over many stays (rows grouped by ``stays``, each in hour order).

    >>> import numpy as np
    >>> y = np.r_[np.zeros(10), np.ones(10)]; s = np.zeros(20)
    >>> normalized_utility(y, y.astype(bool), s) < 1.0   # labels arrive 6 h before onset
    True
    """
    return float(utility_curve(labels, np.asarray(alarms, dtype=float), stays,
                               np.array([0.5]), p)[0])


def utility_curve(labels: np.ndarray, scores: np.ndarray, stays: np.ndarray,
                  thresholds: np.ndarray,
                  p: UtilityParameters = UTILITY_PARAMETERS) -> np.ndarray:
    """Normalized utility of the alarms ``scores >= threshold``, for each threshold.

    The best score alarms exactly where alarming pays (from onset -12 h to +3 h, as the
    challenge's reference alarms), and the no-alarm score is the sum of the quiet utilities.
    """
    u_alarm, u_quiet = row_utilities(labels, stays, p)
    scores = np.asarray(scores, dtype=float)
    if scores.shape != u_alarm.shape:
        raise DataError(f"labels and alarms must have the same length; got {u_alarm.size} and "
                        f"{scores.size}")
    best = np.sum(np.maximum(u_alarm, u_quiet))
    inaction = np.sum(u_quiet)
    if best == inaction:
        raise DataError("utility is undefined: the best and the no-alarm scores are equal "
                        "(no stay can be scored)")
    gain = u_alarm - u_quiet
    order = np.argsort(-scores, kind="mergesort")
    cum = np.r_[0.0, np.cumsum(gain[order])]
    n_alarms = np.searchsorted(-scores[order], -np.asarray(thresholds, dtype=float),
                               side="right")
    return cum[n_alarms] / (best - inaction)


def utility_interval(labels: np.ndarray, alarms: np.ndarray, stays: np.ndarray, *,
                     n_boot: int = 200, seed: int = 0, level: float = 0.95,
                     p: UtilityParameters = UTILITY_PARAMETERS) -> tuple[float, float]:
    """Percentile bootstrap interval of the normalized utility, resampling whole stays.

    Utility is a ratio of sums over stays (the alarms' gain over staying quiet, divided by the
    best possible gain), so each draw reweights the stays' sums; a few septic stays carry most
    of it, which makes the interval wide even on thousands of stays.

    >>> import numpy as np
    >>> y = np.r_[np.zeros(10), np.ones(10)]; s = np.zeros(20)
    >>> lo, hi = utility_interval(y, y.astype(bool), s)
    >>> bool(lo == hi)     # one stay: every draw is the same stay
    True
    """
    u_alarm, u_quiet = row_utilities(labels, stays, p)
    alarms = np.asarray(alarms, dtype=bool)
    if alarms.shape != u_alarm.shape:
        raise DataError(f"labels and alarms must have the same length; got {u_alarm.size} and "
                        f"{alarms.size}")
    _, inverse = np.unique(np.asarray(stays), return_inverse=True)
    gained = np.bincount(inverse, np.where(alarms, u_alarm - u_quiet, 0.0))
    possible = np.bincount(inverse, np.maximum(u_alarm - u_quiet, 0.0))
    counts = np.random.default_rng(seed).multinomial(
        len(gained), np.full(len(gained), 1.0 / len(gained)), size=n_boot)
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = (counts @ gained) / (counts @ possible)
    draws = draws[np.isfinite(draws)]
    if not draws.size:
        return float("nan"), float("nan")
    alpha = (1 - level) / 2
    lo, hi = np.quantile(draws, [alpha, 1 - alpha])
    return float(lo), float(hi)


def _groups(stays: np.ndarray) -> list[np.ndarray]:
    """Row indices of each stay, keeping the rows' order (which is hour order)."""
    _, first, inverse = np.unique(stays, return_index=True, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse))
    return [order[a:b] for a, b in zip(np.r_[0, bounds[:-1]], bounds)]


def alert_burden(alarms: np.ndarray, stays: np.ndarray, hours_observed: float) -> float:
    """New alerts per 100 patient-days: an alert starts where an alarm follows a quiet hour.

    Rows must be grouped by stay in hour order; a stay's first alarming hour starts an alert.
    """
    alarms = np.asarray(alarms, dtype=bool)
    stays = np.asarray(stays)
    if alarms.size == 0 or hours_observed <= 0:
        return float("nan")
    new_stay = np.r_[True, stays[1:] != stays[:-1]]
    previous = np.r_[False, alarms[:-1]] & ~new_stay
    starts = int(np.sum(alarms & ~previous))
    return starts / (hours_observed / 24.0) * 100.0


def lead_times(labels: np.ndarray, alarms: np.ndarray, hours: np.ndarray,
               stays: np.ndarray, p: UtilityParameters = UTILITY_PARAMETERS) -> np.ndarray:
    """Per septic stay, hours from the first alarm (within 12 h of onset) to onset.

    Positive = before onset. Stays whose first such alarm never comes give NaN.
    """
    labels = np.asarray(labels, dtype=float)
    alarms = np.asarray(alarms, dtype=bool)
    hours = np.asarray(hours, dtype=float)
    out = []
    for idx in _groups(np.asarray(stays)):
        y = labels[idx]
        if not np.any(y == 1):
            continue
        onset = hours[idx][np.argmax(y == 1)] - p.dt_optimal
        window = alarms[idx] & (hours[idx] >= onset + p.dt_early) & (hours[idx] <= onset + p.dt_late)
        out.append(onset - hours[idx][np.argmax(window)] if window.any() else np.nan)
    return np.asarray(out, dtype=float)
