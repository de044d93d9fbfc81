"""Evaluation: metrics with confidence intervals, calibration, subgroups, model cards."""

from osler.evaluate.calibration import expected_calibration_error, reliability_curve
from osler.evaluate.card import ModelCard, Section
from osler.evaluate.metrics import (average_precision, bootstrap_metrics, brier_score, roc_auc,
                                    sensitivity_at_specificity)
from osler.evaluate.report import EvaluationReport, evaluate_binary
from osler.evaluate.splits import patient_folds, patient_split
from osler.evaluate.subgroups import age_bands, subgroup_table
from osler.evaluate.utility import (alert_burden, lead_times, normalized_utility, stay_utility,
                                    utility_curve, utility_interval)

__all__ = ["EvaluationReport", "ModelCard", "Section", "age_bands", "alert_burden",
           "average_precision", "bootstrap_metrics", "brier_score", "evaluate_binary",
           "expected_calibration_error", "lead_times", "normalized_utility", "patient_folds",
           "patient_split", "reliability_curve", "roc_auc", "sensitivity_at_specificity",
           "stay_utility", "subgroup_table", "utility_curve", "utility_interval"]
