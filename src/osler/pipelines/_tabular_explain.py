"""Per-prediction explanations of the one-shot tasks (icu-mortality, readmission,
heart-disease): tree SHAP contributions as :class:`~osler.explain.Evidence`, each naming the
source row, or for a stay the measurement a summary came from (its line and hour).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from osler.explain import Evidence, FeatureSource, top_evidence

__all__ = ["PredictionExplanation", "describer", "explain_rows"]

#: Words for the statistic after ``__`` in ``variable__statistic`` feature names.
_STAT_WORDS = {"first": "first value", "last": "last value", "min": "lowest", "max": "highest",
               "mean": "mean", "count": "number of measurements",
               "change": "change, last minus first", "hours_since": "hours since last measured",
               "time_mean": "time-weighted mean",
               "first_window_min": "lowest in the first 24 h",
               "first_window_max": "highest in the first 24 h",
               "last_window_min": "lowest in the last 24 h",
               "last_window_max": "highest in the last 24 h"}
#: Statistics that are one measurement: their evidence points at it; the others name the
#: stay and the hour of its latest reading used.
_POINT_STATS = ("first", "last", "min", "max", "first_window_min", "first_window_max",
                "last_window_min", "last_window_max")


@dataclass(frozen=True)
class PredictionExplanation:
    """One prediction and the evidence behind it."""

    id: str
    probability: float
    evidence: list[Evidence]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "probability": self.probability,
                "evidence": [e.to_dict() for e in self.evidence]}


def describer(labels: Mapping[str, tuple[str, str | None]], source: Any
              ) -> Callable[[str], FeatureSource]:
    """What each feature of one row means and where it came from.

    ``labels`` maps a feature (or the variable before ``__``) to (words, UCUM unit).
    ``source`` is the row's :class:`Provenance`, or for a stay a dict: ``"_stay"`` -> its
    Provenance and variable -> {statistic: (Provenance, hour, event id)}.
    """
    def describe(name: str) -> FeatureSource:
        variable, _, stat = name.partition("__")
        if name in labels:
            label, unit = labels[name]
        elif variable in labels and stat:
            words, unit = labels[variable]
            label = f"{words}, {_STAT_WORDS.get(stat, stat.replace('_', ' '))}"
            unit = None if stat in ("count",) else "h" if stat == "hours_since" else unit
        else:
            label, unit = name.replace("_", " ").replace("==", " = "), None
        if not isinstance(source, dict):
            return FeatureSource(label=label, unit=unit, source=source)
        picks = source.get(variable)
        if not picks or not stat:
            return FeatureSource(label=label, unit=unit, source=source.get("_stay"))
        if stat not in _POINT_STATS:   # a summary of several readings: the stay, up to when
            return FeatureSource(label=label, unit=unit, source=source.get("_stay"),
                                 offset=timedelta(hours=float(picks["last"][1])))
        if stat not in picks:           # no reading in that window
            return FeatureSource(label=label, unit=unit, source=source.get("_stay"))
        prov, hour, event = picks[stat]
        return FeatureSource(label=label, unit=unit, source=prov,
                             offset=timedelta(hours=float(hour)), event_ids=(event,))
    return describe


def explain_rows(bundle, d, rows: np.ndarray, labels: Mapping[str, tuple[str, str | None]],
                 top_k: int = 5) -> list[PredictionExplanation]:
    """The top ``top_k`` contributions of each of ``rows`` of ``d`` (a TabularData)."""
    rows = np.asarray(rows, dtype=int)
    if not len(rows):
        return []
    p = bundle.estimator.predict_proba(d.X[rows])[:, 1]
    contrib = bundle.estimator.contributions(d.X[rows])
    sources = d.sources if d.sources is not None else [None] * len(d.ids)
    return [PredictionExplanation(str(d.ids[r]), float(p[k]),
                                  top_evidence(d.names, d.X[r], contrib[k],
                                               describer(labels, sources[r]), top_k))
            for k, r in enumerate(rows)]
