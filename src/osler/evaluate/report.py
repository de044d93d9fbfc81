"""The evaluation report: the same structured result for every task.

:func:`evaluate_binary` computes discrimination with patient-bootstrap CIs, calibration,
subgroups and any baselines scored on the same samples. It returns an :class:`EvaluationReport`
(dataclass of tidy DataFrames) that renders to JSON and, through :mod:`osler.evaluate.cards`,
to a model card. Nothing here prints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from osler.evaluate.calibration import expected_calibration_error, reliability_curve
from osler.evaluate.metrics import (average_precision, bootstrap_metrics, brier_score, roc_auc,
                                    sensitivity_at_specificity)
from osler.evaluate.subgroups import subgroup_table

__all__ = ["EvaluationReport", "evaluate_binary"]


@dataclass
class EvaluationReport:
    """Everything measured about one model on one evaluation set.

    ``discrimination``: metric, estimate, ci_low, ci_high. ``calibration``: reliability curve.
    ``subgroups``: one row per group. ``baselines``: the same metrics per baseline.
    ``task_metrics``: figures only this task has (utility, lead time ...).
    ``curves``: raw data for plots (ROC/PR points, utility vs threshold).
    """

    task: str
    n_patients: int
    n_samples: int
    prevalence: float
    discrimination: pd.DataFrame
    calibration: pd.DataFrame
    ece: float
    brier: float
    subgroups: pd.DataFrame
    baselines: pd.DataFrame
    task_metrics: dict[str, Any] = field(default_factory=dict)
    curves: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    notes: list[str] = field(default_factory=list)

    def metric(self, name: str) -> float:
        """Point estimate of a discrimination metric (``AUROC``, ``AUPRC`` ...)."""
        row = self.discrimination.loc[self.discrimination["metric"] == name, "estimate"]
        return float(row.iloc[0]) if len(row) else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN becomes ``None``)."""
        return _clean({
            "task": self.task, "n_patients": self.n_patients, "n_samples": self.n_samples,
            "prevalence": self.prevalence, "ece": self.ece, "brier": self.brier,
            "discrimination": self.discrimination.to_dict(orient="records"),
            "calibration": self.calibration.to_dict(orient="records"),
            "subgroups": self.subgroups.to_dict(orient="records"),
            "baselines": self.baselines.to_dict(orient="records"),
            "task_metrics": self.task_metrics, "notes": self.notes})


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def evaluate_binary(task: str, y: np.ndarray, p: np.ndarray, patients: np.ndarray, *,
                    subgroups: dict[str, np.ndarray] | None = None,
                    baselines: dict[str, np.ndarray] | None = None, n_boot: int = 200,
                    seed: int = 0, specificity: float = 0.9) -> EvaluationReport:
    """Evaluate probabilities ``p`` of a binary outcome ``y``; CIs resample ``patients``."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    metrics = {"AUROC": roc_auc, "AUPRC": average_precision, "Brier": brier_score,
               f"Sensitivity at {specificity:.0%} specificity":
                   lambda a, b, w: sensitivity_at_specificity(a, b, specificity, w)}
    disc = bootstrap_metrics(y, p, patients, metrics=metrics, n_boot=n_boot, seed=seed)
    base_rows = []
    for name, score in (baselines or {}).items():
        b = bootstrap_metrics(y, score, patients, n_boot=n_boot, seed=seed,
                              metrics={"AUROC": roc_auc, "AUPRC": average_precision})
        base_rows += [{"model": name, **r} for r in b.to_dict(orient="records")]
    base_rows += [{"model": "this model", **r} for r in disc.to_dict(orient="records")
                  if r["metric"] in ("AUROC", "AUPRC")]
    return EvaluationReport(
        task=task, n_patients=int(pd.unique(np.asarray(patients)).size), n_samples=int(y.size),
        prevalence=float(y.mean()), discrimination=disc, calibration=reliability_curve(y, p),
        ece=expected_calibration_error(y, p), brier=brier_score(y, p),
        subgroups=subgroup_table(y, p, patients, subgroups or {}, n_boot=max(n_boot // 2, 20),
                                 seed=seed),
        baselines=pd.DataFrame(base_rows), curves=_curves(y, p))


def _curves(y: np.ndarray, p: np.ndarray, n_points: int = 200) -> dict[str, pd.DataFrame]:
    """ROC and PR points, thinned to ``n_points`` thresholds for plotting."""
    thresholds = np.unique(np.quantile(p, np.linspace(0, 1, n_points)))[::-1]
    P, N = max(y.sum(), 1), max((1 - y).sum(), 1)
    tp = np.array([np.sum((p >= t) & (y == 1)) for t in thresholds])
    fp = np.array([np.sum((p >= t) & (y == 0)) for t in thresholds])
    roc = pd.DataFrame({"threshold": thresholds, "fpr": fp / N, "tpr": tp / P})
    pr = pd.DataFrame({"threshold": thresholds, "recall": tp / P,
                       "precision": tp / np.maximum(tp + fp, 1)})
    return {"roc": roc, "pr": pr}
