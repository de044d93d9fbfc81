"""Sepsis model steps shared by the task, the benchmarks and the monitor: fit, choose the alarm
threshold for utility, score, evaluate against qSOFA / SIRS / NEWS2."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from osler.errors import DataError
from osler.evaluate import (age_bands, alert_burden, evaluate_binary, lead_times,
                            normalized_utility, utility_curve, utility_interval)
from osler.evaluate.report import EvaluationReport
from osler.features import feature_names, load_score
from osler.features.scores import SCORE_NAMES
from osler.pipelines._sepsis_data import SepsisCohort

__all__ = ["MODEL_PARAMS", "SepsisFit", "choose_threshold", "evaluate_sepsis", "fit_sepsis",
           "threshold_rule"]

#: LightGBM settings of each cross-fitted member of the hourly sepsis model: 150 trees at a
#: learning rate of 0.02. In 5-fold CV by patient on the development stays (docs/benchmarks.md,
#: ``benchmarks/sepsis_candidates.py``) this beat 40 trees at 0.05 on every fold's utility, and
#: 60 trees at 0.05 did not: the gain comes from smaller steps, not from more boosting alone.
MODEL_PARAMS = {"n_estimators": 150, "learning_rate": 0.02, "num_leaves": 63,
                "min_child_samples": 100, "subsample": 0.7, "colsample_bytree": 0.5,
                "reg_lambda": 1.0, "max_bin": 63}
N_FOLDS = 5
_THRESHOLD_GRID = np.r_[np.linspace(0.005, 0.1, 20), np.linspace(0.11, 0.5, 40)]
#: Quantiles of the scores tried as thresholds beside the fixed grid.
_THRESHOLD_QUANTILES = np.linspace(0.5, 0.999, 400)


@dataclass
class SepsisFit:
    """A fitted sepsis model with its alarm threshold and the stays it was fitted on.

    ``validation_utility`` is the utility of the threshold on the out-of-fold scores of
    ``threshold_stays`` (every training stay, each scored by a member that never saw it).
    """

    estimator: object
    threshold: float
    validation_utility: float
    train_stays: list[str]
    threshold_stays: list[str]


def labels_of(cohort: SepsisCohort) -> np.ndarray:
    y = cohort.meta["label"].to_numpy(dtype=float)
    if np.isnan(y).any():
        stay = cohort.meta.loc[np.isnan(y), "stay"].iloc[0]
        raise DataError(f"stay {stay}: some hours have no SepsisLabel; labelled stays are "
                        "needed to train or evaluate")
    return y


def fit_sepsis(cohort: SepsisCohort, *, seed: int = 0, n_jobs: int = 2,
               params: dict | None = None, n_folds: int = N_FOLDS) -> SepsisFit:
    """Fit a cross-fitted ensemble; choose the utility-maximising threshold out of fold.

    Each of ``n_folds`` members is trained on the other folds' stays; the threshold is chosen
    on every stay's out-of-fold scores, so no stay is set aside only for the threshold.
    """
    from osler.models.crossfit import CrossFittedRiskModel

    stays = cohort.meta["stay"].to_numpy()
    y = labels_of(cohort)
    model = CrossFittedRiskModel({**MODEL_PARAMS, **(params or {})}, n_folds=n_folds,
                                 random_state=seed, n_jobs=n_jobs)
    model.fit(cohort.X, y, groups=stays)
    threshold, best = choose_threshold(y, model.oof_proba_, stays)
    fitted = sorted(set(stays))
    return SepsisFit(model, threshold, best, fitted, fitted)


def choose_threshold(y: np.ndarray, p: np.ndarray, stays: np.ndarray) -> tuple[float, float]:
    """The alarm threshold with the highest normalized utility on these stays."""
    grid = np.unique(np.r_[_THRESHOLD_GRID, np.quantile(p, _THRESHOLD_QUANTILES)])
    utilities = utility_curve(y, p, stays, grid)
    k = int(np.argmax(utilities))
    return float(grid[k]), float(utilities[k])


def threshold_rule(n_stays: int, n_folds: int = N_FOLDS) -> str:
    """In words, how :func:`fit_sepsis` chose the alarm threshold of a model trained on
    ``n_stays`` stays (kept in its manifest, shown on its card)."""
    q = _THRESHOLD_QUANTILES
    return (f"the highest normalized utility (PhysioNet 2019) on the out-of-fold risks of the "
            f"{n_stays} training stays, each stay scored by the one of {n_folds} cross-fitted "
            f"members that never saw it; tried: {len(_THRESHOLD_GRID)} fixed values from "
            f"{_THRESHOLD_GRID[0]:g} to {_THRESHOLD_GRID[-1]:g} and {len(q)} quantiles of those "
            f"risks, from the {q[0] * 100:g}th to the {q[-1] * 100:g}th percentile. No "
            "held-out stay was used")


def baseline_scores(cohort: SepsisCohort) -> dict[str, np.ndarray]:
    """qSOFA, SIRS and NEWS2 per hour, read from the feature matrix's score columns."""
    names = feature_names()
    return {load_score(s).name: cohort.X[:, names.index(s)].astype(float) for s in SCORE_NAMES}


def evaluate_sepsis(cohort: SepsisCohort, p: np.ndarray, threshold: float, *,
                    n_boot: int = 200, seed: int = 0) -> EvaluationReport:
    """Hourly AUROC/AUPRC with CIs, calibration, subgroups, baselines, utility, burden, lead."""
    meta = cohort.meta
    y, stays, hours = labels_of(cohort), meta["stay"].to_numpy(), meta["hour"].to_numpy()
    scores = baseline_scores(cohort)
    report = evaluate_binary(
        "sepsis", y, p, stays, baselines=scores, n_boot=n_boot, seed=seed,
        subgroups={"sex": meta["sex"].to_numpy(), "age band": age_bands(meta["age"].to_numpy()),
                   "ICU unit": meta["unit"].to_numpy()})
    alarms = p >= threshold
    lead = lead_times(y, alarms, hours, stays)
    utility_low, utility_high = utility_interval(y, alarms, stays, n_boot=n_boot, seed=seed)
    report.task_metrics = {
        "threshold": threshold, "utility": normalized_utility(y, alarms, stays),
        "utility_ci_low": utility_low, "utility_ci_high": utility_high,
        "alert_burden_per_100_patient_days": alert_burden(alarms, stays, float(len(y))),
        "median_lead_time_h": float(np.nanmedian(lead)) if np.isfinite(lead).any() else None,
        "septic_stays_alerted_in_window": float(np.mean(np.isfinite(lead))) if lead.size else None,
        "septic_stays": int(lead.size), "stays": int(pd.unique(stays).size),
        "baseline_utility": {name: normalized_utility(y, s >= load_score(key).alert_threshold,
                                                      stays)
                             for (name, s), key in zip(scores.items(), SCORE_NAMES)}}
    grid = np.unique(np.r_[np.linspace(0.01, 0.6, 30), threshold])
    report.curves["utility"] = pd.DataFrame({"threshold": grid,
                                             "utility": utility_curve(y, p, stays, grid)})
    return report
