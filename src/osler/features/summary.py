"""Summary features of a stay's observations up to one prediction time (e.g. 48 h).

For each variable: first, last, min, max, mean, count, last minus first and hours since last
measured; for ``sum_variables`` (urine output) the total. Only events available at or before the
prediction offset are read, and each sample records the latest offset it used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from osler.record import EventKind, PatientRecord

__all__ = ["SUMMARY_STATS", "StaySummary", "summarize_stay", "summary_names"]

SUMMARY_STATS = ("first", "last", "min", "max", "mean", "count", "change", "hours_since")


@dataclass(frozen=True)
class StaySummary:
    """Features of one stay at ``prediction_hour``; ``source_hour`` is the latest hour read."""

    values: np.ndarray
    prediction_hour: float
    source_hour: float


def summary_names(variables: Sequence[str], sum_variables: Sequence[str] = ()) -> list[str]:
    """Column names of :func:`summarize_stay`'s output, in order."""
    names = [f"{v}__{s}" for v in variables for s in SUMMARY_STATS]
    return names + [f"{v}__total" for v in sum_variables]


def summarize_stay(record: PatientRecord, variable_of: dict[tuple, str],
                   variables: Sequence[str], prediction_hour: float,
                   sum_variables: Sequence[str] = ()) -> StaySummary:
    """Summaries of the observations known by ``prediction_hour`` hours after admission.

    ``variable_of`` maps ``(system, code, display)`` of an observation's coding to a variable
    name; other observations are ignored.
    """
    cutoff = timedelta(hours=prediction_hour)
    series: dict[str, list[tuple[float, float]]] = {v: [] for v in variables}
    latest = 0.0
    for e in record.known_at(offset=cutoff):
        if e.kind is not EventKind.OBSERVATION or e.value is None or e.coding is None:
            continue
        var = variable_of.get((e.coding.system, e.coding.code, e.coding.display))
        if var not in series:
            continue
        hour = e.available_offset.total_seconds() / 3600.0
        series[var].append((hour, float(e.value.value)))
        latest = max(latest, hour)
    out = []
    for v in variables:
        out += _stats(series[v], prediction_hour)
    for v in sum_variables:
        out.append(float(sum(x for _, x in series[v])) if series[v] else np.nan)
    return StaySummary(np.asarray(out, dtype=float), prediction_hour, latest)


def _stats(points: list[tuple[float, float]], prediction_hour: float) -> list[float]:
    if not points:
        return [np.nan] * 5 + [0.0, np.nan, np.nan]
    points.sort()
    v = np.array([x for _, x in points])
    return [v[0], v[-1], v.min(), v.max(), v.mean(), float(v.size), v[-1] - v[0],
            prediction_hour - points[-1][0]]
