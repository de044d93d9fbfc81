"""Per-prediction attributions (tree SHAP) as :class:`Evidence` items that point at sources.

Tree models give exact SHAP values (the TreeSHAP algorithm, as in ``shap.TreeExplainer``) via
LightGBM's ``pred_contrib``; a test checks they equal ``shap.TreeExplainer``'s. Each feature's
evidence names the measurement it came from: the variable, its value and unit, the hour it was
recorded and the source line, so a clinician can check it in the chart.
"""

from __future__ import annotations

import re

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from osler.explain.evidence import Evidence
from osler.features.stay import DYNAMIC_VARIABLES, StayFrame
from osler.record import Provenance

__all__ = ["FeatureSource", "hourly_source", "mean_abs_contributions", "top_evidence"]

_KIND_WORDS = {"last": "last value", "hours_since": "hours since last measured",
               "count": "number of measurements", "delta": "change since previous measurement",
               "measured": "measured this hour"}


#: A feature kind over the last hours ("max_6h", "slope_24h"): its window's width in hours.
_WINDOW_KIND = re.compile(r"[a-z]+_(\d+)h")
#: A running or windowed extreme ("running_max", "min_24h"): which, and over what.
_EXTREME_KIND = re.compile(r"(running|max|min)_?(max|min|\d+h)")


@dataclass(frozen=True)
class FeatureSource:
    """What a feature means and where its value came from. ``cite_when_missing``: whether
    evidence of a missing value still cites ``source`` (a table row whose cell is empty is
    still that row; an hourly feature's missing value came from no measurement)."""

    label: str
    unit: str | None = None
    source: Provenance | None = None
    offset: timedelta | None = None
    event_ids: tuple[str, ...] = ()
    cite_when_missing: bool = True


def top_evidence(names: Sequence[str], x: np.ndarray, contributions: np.ndarray,
                 describe: Callable[[str], FeatureSource], top_k: int = 5) -> list[Evidence]:
    """The ``top_k`` features by absolute contribution, as Evidence (largest first)."""
    contributions = np.asarray(contributions, dtype=float)[: len(names)]
    order = np.argsort(-np.abs(contributions))[:top_k]
    out = []
    for j in order:
        src = describe(names[j])
        value = float(x[j])
        if np.isnan(value) and not src.cite_when_missing:
            # an hourly feature's missing value came from no measurement: it cites none (a
            # 6-hour maximum with nothing in its window once cited the latest reading before it)
            src = FeatureSource(label=src.label, unit=src.unit)
        out.append(Evidence(label=src.label, value=None if np.isnan(value) else value,
                            unit=src.unit, contribution=float(contributions[j]), kind="feature",
                            source=src.source, offset=src.offset, event_ids=src.event_ids,
                            detail=names[j]))
    return out


def mean_abs_contributions(names: Sequence[str], contributions: np.ndarray) -> pd.DataFrame:
    """Global importance: mean |SHAP| per feature, largest first."""
    values = np.abs(np.asarray(contributions)[:, : len(names)]).mean(axis=0)
    return (pd.DataFrame({"feature": list(names), "mean_abs_contribution": values})
            .sort_values("mean_abs_contribution", ascending=False, ignore_index=True))


@lru_cache(maxsize=1)
def _variable_info() -> dict[str, tuple[str, str | None]]:
    from osler.resources import load_tsv
    return {r["variable"]: (r["display"], r["ucum"] or None)
            for r in load_tsv("physionet/variables.tsv") if r["challenge"] == "2019"}


def hourly_source(frame: StayFrame, row: int) -> Callable[[str], FeatureSource]:
    """A describer for the hourly sepsis features of ``frame`` at ``row``."""
    info = _variable_info()

    def describe(name: str) -> FeatureSource:
        variable, _, kind = name.partition("__")
        display, unit = info.get(variable, (variable.replace("_", " "), None))
        if variable not in DYNAMIC_VARIABLES:
            return FeatureSource(label=display if not kind else f"{display}, {kind}", unit=unit,
                                 source=Provenance(frame.source, frame.stay_id,
                                                   _static_line(frame, variable)),
                                 cite_when_missing=False)
        j = DYNAMIC_VARIABLES.index(variable)
        seen = np.flatnonzero(~np.isnan(frame.values[: row + 1, j]))
        word = _KIND_WORDS.get(kind, kind.replace("_", " "))
        unit = (None if kind in ("count", "measured") else "h" if kind == "hours_since"
                else f"{unit}/h" if kind.startswith("slope_") and unit else unit)
        if not seen.size:
            return FeatureSource(label=f"{display}, {word}", unit=unit)
        i = _source_row(frame, row, j, kind, seen)
        if i is None:
            return FeatureSource(label=f"{display}, {word}, not measured in the window",
                                 unit=unit)
        eid = frame.event_ids.get((i, j))
        return FeatureSource(label=f"{display}, {word}", unit=unit,
                             source=Provenance(frame.source, frame.stay_id, int(frame.lines[i])),
                             offset=timedelta(hours=float(frame.hours[i])),
                             event_ids=(eid,) if eid else (), cite_when_missing=False)
    return describe


def _static_line(frame: StayFrame, variable: str) -> int | None:
    """The line of the row a static is dated by (Age first written on hour 6: that row's
    line), so evidence cites ``p1.psv#p1:7``, not the stay alone; ``None`` for a static
    known from the start (no row of its own) or one whose row is not in ``frame``."""
    hour = frame.static_hours.get(variable)
    if hour is None:
        return None
    at = np.flatnonzero(frame.hours == hour)
    return int(frame.lines[at[0]]) if at.size and int(frame.lines[at[0]]) > 0 else None


def _source_row(frame: StayFrame, row: int, j: int, kind: str, seen: np.ndarray) -> int | None:
    """The measurement a feature's value came from: for a maximum or minimum (running or over
    a window) the row that holds it (the latest such), else the latest measurement; ``None``
    for a statistic over a window that holds no measurement (its value is missing)."""
    window = _WINDOW_KIND.fullmatch(kind)   # "mean_6h", "slope_24h"
    if window and not (frame.hours[row] - frame.hours[seen] < float(window.group(1))).any():
        return None
    m = _EXTREME_KIND.fullmatch(kind)
    if not m:
        return int(seen[-1])
    if m.group(1) == "running":
        rows, pick = seen, m.group(2)
    else:
        width = float(m.group(2)[:-1])
        rows = seen[frame.hours[row] - frame.hours[seen] < width]
        pick = m.group(1)
    if not rows.size:
        return None
    values = frame.values[rows, j]
    best = values.max() if pick == "max" else values.min()
    return int(rows[np.flatnonzero(values == best)[-1]])
