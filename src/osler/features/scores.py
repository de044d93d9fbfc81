"""Bedside early-warning scores (qSOFA, SIRS, NEWS2) from the latest known vitals and labs.

The thresholds are data (``resources/scores/*.json``, each citing its source), not code. A
missing value scores 0 points, as at the bedside: a criterion not measured is not met.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from osler.errors import OslerError

__all__ = ["ClinicalScore", "FEATURE_SCORES", "SCORE_NAMES", "load_score"]

#: Bedside scores that are also the sepsis baselines.
SCORE_NAMES = ("qsofa", "sirs", "news2")
#: Scores used only as model features (not comparable baselines: organ systems are missing).
FEATURE_SCORES = ("sofa_partial",)
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_KEYS = {"name", "version", "source", "criteria", "bands", "alert_threshold"}


@dataclass(frozen=True)
class ClinicalScore:
    """A points-based score. ``score(last)`` maps ``{variable: array}`` to points per row."""

    name: str
    version: str
    source: str
    alert_threshold: float
    rules: Any

    @property
    def variables(self) -> list[str]:
        if isinstance(self.rules, dict):
            return sorted(self.rules)
        names = set()
        for c in self.rules:
            names.update(x["variable"] for x in c.get("any_of", [c]))
        return sorted(names)

    def score(self, last: dict[str, np.ndarray]) -> np.ndarray:
        """Points per row from the latest known values (NaN = not measured = 0 points)."""
        n = len(next(iter(last.values())))
        total = np.zeros(n)
        with np.errstate(invalid="ignore"):
            if isinstance(self.rules, dict):
                for var, bands in self.rules.items():
                    total += _band_points(np.asarray(last[var], dtype=float), bands)
            else:
                for crit in self.rules:
                    met = np.zeros(n, dtype=bool)
                    for cond in crit.get("any_of", [crit]):
                        met |= _OPS[cond["op"]](np.asarray(last[cond["variable"]], float),
                                                cond["value"])
                    total += crit["points"] * met
        return total


def _band_points(values: np.ndarray, bands: list) -> np.ndarray:
    """Points of the band each value falls in; bands are contiguous ``[lower, upper)``."""
    uppers = np.array([b[1] for b in bands[:-1]], dtype=float)
    points = np.array([b[2] for b in bands], dtype=float)
    band = np.searchsorted(uppers, values, side="right")
    # A missing value scores 0; searchsorted would put NaN in the top band.
    return np.where(np.isnan(values), 0.0, points[np.minimum(band, len(points) - 1)])


def _check_bands(name: str, rules: dict) -> None:
    for var, bands in rules.items():
        for (_, upper, _), (lower, _, _) in zip(bands, bands[1:]):
            if upper != lower:
                raise OslerError(f"resource scores/{name}.json: bands of {var!r} must be "
                                 f"contiguous; got upper {upper} then lower {lower}")


@lru_cache(maxsize=None)
def load_score(name: str) -> ClinicalScore:
    """Load ``qsofa``, ``sirs``, ``news2`` or ``sofa_partial`` from its versioned resource file."""
    if name not in SCORE_NAMES + FEATURE_SCORES:
        raise OslerError(f"score must be one of {set(SCORE_NAMES + FEATURE_SCORES)}; "
                         f"got {name!r}")
    from osler.resources import load_json
    data = load_json(f"scores/{name}.json", keys=_KEYS)
    rules = data.get("bands") if "bands" in data else data["criteria"]
    if isinstance(rules, dict):
        _check_bands(name, rules)
    return ClinicalScore(data["name"], data["version"], data["source"],
                         float(data["alert_threshold"]), rules)
