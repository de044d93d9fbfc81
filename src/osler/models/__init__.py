"""Estimators per task (scikit-learn contract), baselines, and model persistence."""

from osler.models.baselines import logistic_baseline, quantile_logistic
from osler.models.persist import ModelBundle, data_fingerprint, load_model, save_model

__all__ = ["GradientBoostedRiskModel", "ModelBundle", "data_fingerprint", "load_model",
           "logistic_baseline", "quantile_logistic", "save_model"]


def __getattr__(name: str):
    # LightGBM-backed estimator imported on first use: the package import stays light.
    if name == "GradientBoostedRiskModel":
        from osler.models.gbm import GradientBoostedRiskModel
        return GradientBoostedRiskModel
    raise AttributeError(f"module 'osler.models' has no attribute {name!r}")
