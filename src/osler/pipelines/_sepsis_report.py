"""The sepsis model card: the shared card plus utility, alert burden, lead time and evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from osler.evaluate.card import ModelCard, Section
from osler.evaluate.cards import report_card
from osler.evaluate.plots import curve_figure
from osler.evaluate.report import EvaluationReport
from osler.explain import mean_abs_contributions
from osler.features import feature_names
from osler.pipelines._sepsis_data import SepsisCohort

__all__ = ["sepsis_card"]

_ABOUT = ("Hourly early warning of sepsis (PhysioNet/CinC 2019 definition: onset = first "
          "SepsisLabel hour + 6 h). Five cross-fitted LightGBM models (each trained without one "
          "fifth of the patients, log-odds averaged) on last values, time since measured, "
          "counts, windowed statistics and slopes of vitals, the course of key variables over "
          "the stay, lab and vital recording rates, shock index, bedside scores and a partial "
          "SOFA, computed from data up to each hour only; isotonic calibration and the alarm "
          "threshold (maximising the challenge's normalized utility) on the out-of-fold scores "
          "of the training stays. Every figure below is on stays the model was not trained on.")


def sepsis_card(report: EvaluationReport, bundle, cohort: SepsisCohort,
                max_explained: int = 5000) -> ModelCard:
    """Card with the sepsis-specific sections (utility, burden, lead time, baselines' utility)."""
    tm = report.task_metrics
    summary = {"normalized utility": tm["utility"],
               "utility 95% CI (stay bootstrap)":
                   f"{tm['utility_ci_low']:.3f}-{tm['utility_ci_high']:.3f}",
               "alarm threshold": tm["threshold"],
               "alerts per 100 patient-days": tm["alert_burden_per_100_patient_days"],
               "median lead time (h)": tm["median_lead_time_h"]}
    util = report.curves["utility"]
    base = pd.DataFrame([{"score": k, "normalized utility at its alert threshold": v}
                         for k, v in tm["baseline_utility"].items()]
                        + [{"score": "this model", "normalized utility at its alert threshold":
                            tm["utility"]}])
    extra = [
        Section("Utility vs threshold", figure=curve_figure(
            util["threshold"], util["utility"], xlabel="alarm threshold",
            ylabel="normalized utility", title="PhysioNet 2019 utility", marker_x=tm["threshold"]),
            note="The threshold was chosen on out-of-fold scores of the training stays; this curve is on the evaluation "
                 "stays, so its peak may sit elsewhere."),
        Section("Task metrics", table=pd.DataFrame(
            [{"metric": k, "value": v} for k, v in tm.items() if not isinstance(v, dict)])),
        Section("Utility of the bedside scores", table=base,
                note="qSOFA >= 2, SIRS >= 2 and NEWS2 >= 5 as alarms, from the latest known "
                     "values; GCS/consciousness is not in the data."),
    ]
    rng = np.random.default_rng(0)
    rows = rng.choice(len(cohort.X), min(max_explained, len(cohort.X)), replace=False)
    contrib = bundle.estimator.contributions(cohort.X[rows])
    top = mean_abs_contributions(feature_names(), contrib)
    return report_card(report, title="Sepsis early warning (PhysioNet 2019)", summary=summary,
                       top_features=top, extra_sections=extra, about=_ABOUT)
