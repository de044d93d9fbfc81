"""The sepsis model card: the shared card plus utility, alert burden, lead time and evidence,
and its Provenance block (what :func:`sepsis_training_record` kept at training time, joined with
the evaluation by :func:`sepsis_provenance`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from osler.errors import DataError
from osler.evaluate.card import ModelCard, Section
from osler.evaluate.cards import report_card
from osler.evaluate.plots import curve_figure
from osler.evaluate.report import EvaluationReport
from osler.explain import mean_abs_contributions
from osler.features import feature_names
from osler.pipelines._provenance import file_names, provenance_block
from osler.pipelines._sepsis_data import START_HOURS, SepsisCohort

__all__ = ["need_a_septic_stay", "sepsis_card", "sepsis_provenance", "sepsis_training_record"]

_ABOUT = ("Hourly early warning of sepsis (PhysioNet/CinC 2019 definition: onset = first "
          "SepsisLabel hour + 6 h). Five cross-fitted LightGBM models (each trained without one "
          "fifth of the patients, log-odds averaged) on last values, time since measured, "
          "counts, windowed statistics and slopes of vitals, the course of key variables over "
          "the stay, lab and vital recording rates, shock index, bedside scores and a partial "
          "SOFA, computed from data up to each hour only; isotonic calibration and the alarm "
          "threshold (maximising the challenge's normalized utility) on the out-of-fold scores "
          "of the training stays. Every figure below is on stays the model was not trained on.")


def sepsis_training_record(data: list[Path], n_stays: int, develop: SepsisCohort,
                           skipped: list, held_out: dict[str, Any]) -> dict[str, Any]:
    """What to keep in the manifest about the training data: file names, the ``n_stays``
    labelled stays read, the ``develop`` part trained on, the held-out share and its rule
    (``held_out``: salt and fraction) and the stays skipped."""
    return {"files": file_names(data),
            "stays trained on": develop.n_stays,
            "hours trained on": len(develop.meta),
            # PhysioNet 2019 has one file per patient; the stay id is the patient's
            "patients trained on (one stay each)": develop.n_stays,
            "stays held out": n_stays - develop.n_stays,
            "held-out share": held_out["fraction"],
            "held-out rule": f"a share of the stays chosen by a hash of the stay id (salt "
                             f"{held_out['salt']!r}), never trained on",
            "skipped": len(skipped)}


def sepsis_provenance(bundle, data: list[Path], read: SepsisCohort, evaluated: SepsisCohort,
                      *, by_id: int, by_content: int, by_start: int = 0) -> dict[str, Any]:
    """The card's Provenance block: ``read`` is the labelled cohort read for evaluation,
    ``evaluated`` the part whose stays the model was not trained on; ``by_id``,
    ``by_content`` and ``by_start`` count the stays left out as trained on by stay id, by
    content and by their first hours' content (a training stay cut short)."""
    compared = ("yes (a digest of each training stay's hourly rows is kept with the model)"
                if bundle.training_rows is not None else
                "no (by stay id only: the model was saved before stay digests were kept)")
    if bundle.training_rows and any(d.startswith("first") for d in bundle.training_rows):
        compared = (f"yes (a digest of each training stay's hourly rows, and one of its first "
                    f"{START_HOURS} hours, are kept with the model)")
    if bundle.training_rows and any(d.startswith("first1:") for d in bundle.training_rows):
        compared = (f"yes (a digest of each training stay's hourly rows, and of its first "
                    f"{START_HOURS} hours and each shorter start holding a measurement, are "
                    "kept with the model)")
    chosen_on = bundle.extra.get("validation_utility")
    return provenance_block(
        "sepsis", training=bundle.extra.get("training_data"), fingerprint=bundle.fingerprint,
        fingerprint_of="the training feature matrix (one row per stay-hour) and stay ids",
        evaluation={"files": file_names(data),
                    "stays usable": read.n_stays,
                    "skipped (see Notes)": len(read.skipped),
                    "stays evaluated": evaluated.n_stays,
                    "hours evaluated": len(evaluated.meta),
                    "stays chosen": "every labelled stay that is not one of the model's "
                                    "training stays, by id or by content (kept with the "
                                    "model)"},
        left_out={"stays trained on (by stay id)": by_id,
                  "stays identical to a training stay (by content)": by_content,
                  f"stays starting as a training stay (their first {START_HOURS} hours, by "
                  "content: a copy cut short)": by_start,
                  "hours of those stays": len(read.meta) - len(evaluated.meta),
                  "stays compared by content": compared},
        threshold=bundle.threshold, rule=bundle.extra.get("threshold_rule"),
        threshold_notes=None if chosen_on is None else
        {"normalized utility where it was chosen": chosen_on},
        versions=bundle.versions)


def need_a_septic_stay(evaluated: SepsisCohort, left_out: int, why: str) -> None:
    """Refuse, in the data's words, an evaluation whose stays hold no septic one: the utility
    (the challenge's normalization has nothing to gain), AUROC and lead time are undefined
    without one, and the utility's own error ("no stay can be scored") read as if no stay had
    been read. ``left_out``: stays left out as seen in training, ``why`` how (by id, by
    content)."""
    if (evaluated.meta["label"].to_numpy(dtype=float) > 0).any():
        return
    n = evaluated.n_stays
    raise DataError(f"no septic stay (SepsisLabel 1 in any hour) among the {n} "
                    f"stay{'s' if n != 1 else ''} to evaluate; {left_out} "
                    f"stay{'s' if left_out != 1 else ''} left out as seen in training "
                    f"({why}). Utility, AUROC and lead time need at least one septic stay: "
                    "evaluate on stays that include sepsis")


#: The task metrics in words, for the card's readers; the keys stay as the JSON names them.
_TASK_METRIC_WORDS = {
    "threshold": "alarm threshold (probability)",
    "utility": "normalized utility (PhysioNet 2019)",
    "utility_ci_low": "normalized utility, 95% CI low (stay bootstrap)",
    "utility_ci_high": "normalized utility, 95% CI high (stay bootstrap)",
    "alert_burden_per_100_patient_days": "alerts per 100 patient-days",
    "median_lead_time_h": "median hours from the first alarm to onset",
    "septic_stays_alerted_in_window": "share of septic stays alerted from 12 h before to 3 h "
                                      "after onset",
    "septic_stays": "septic stays (count)",
    "stays": "stays (count)",
}


def _task_metrics_table(tm: dict[str, Any]) -> pd.DataFrame:
    """One row per task metric: its JSON key, what it is in words, and its value; the share of
    septic stays alerted in the window as a percentage with its count ("75.0% (3 of 4)"), not
    a bare 0.750 among counts."""
    rows = []
    for key, value in tm.items():
        if isinstance(value, dict):
            continue
        if key == "septic_stays_alerted_in_window" and value is not None:
            septic = int(tm.get("septic_stays", 0))
            value = f"{value:.1%} ({round(value * septic)} of {septic})"
        rows.append({"metric": key, "what it is": _TASK_METRIC_WORDS.get(key, ""),
                     "value": value})
    return pd.DataFrame(rows)


def sepsis_card(report: EvaluationReport, bundle, cohort: SepsisCohort,
                max_explained: int = 5000, provenance: dict[str, Any] | None = None
                ) -> ModelCard:
    """Card with the sepsis-specific sections (utility, burden, lead time, baselines' utility)
    and ``provenance`` (:func:`sepsis_provenance`) after the summary."""
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
        Section("Task metrics", table=_task_metrics_table(tm)),
        Section("Utility of the bedside scores", table=base,
                note="qSOFA >= 2, SIRS >= 2 and NEWS2 >= 5 as alarms, from the latest known "
                     "values; GCS/consciousness is not in the data."),
    ]
    rng = np.random.default_rng(0)
    rows = rng.choice(len(cohort.X), min(max_explained, len(cohort.X)), replace=False)
    contrib = bundle.estimator.contributions(cohort.X[rows])
    top = mean_abs_contributions(feature_names(), contrib)
    return report_card(report, title="Sepsis early warning (PhysioNet 2019)", summary=summary,
                       top_features=top, extra_sections=extra, about=_ABOUT,
                       provenance=provenance)
