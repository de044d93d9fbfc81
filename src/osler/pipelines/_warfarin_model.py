"""The learned warfarin dose model: features from an IWPC-format table and a blended regressor.

Features are the IWPC algorithm's inputs plus what else the table holds at the start of
treatment (indication, target INR and its range, interacting drugs from the flag columns and from
the free-text medication list, the other VKORC1 SNPs). Nothing recorded once the dose was known
is read: not the therapeutic dose, the INR on it, whether a stable dose was reached, nor the
project site. Missing genotypes stay missing: VKORC1 -1639 is imputed from linked SNPs by race as
the IWPC did, and otherwise LightGBM routes missing values itself while the linear part sees a
median plus a was-missing indicator.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from osler._extras import require
from osler.errors import NotFittedError
from osler.genomics.dosing import dosing_inputs, iwpc_dose
from osler.pipelines._warfarin_text import medication_features

__all__ = ["WarfarinDoseRegressor", "warfarin_features"]

_NUMERIC = ("Target INR", "Diabetes", "Congestive Heart Failure and/or Cardiomyopathy",
            "Valve Replacement", "Aspirin", "Simvastatin (Zocor)", "Atorvastatin (Lipitor)",
            "Current Smoker", "Anti-fungal Azoles", "Sulfonamide Antibiotics",
            "Macrolide Antibiotics", "Herbal Medications, Vitamins, Supplements",
            "Acetaminophen or Paracetamol (Tylenol)", "Fluvastatin (Lescol)",
            "Lovastatin (Mevacor)", "Pravastatin (Pravachol)", "Rosuvastatin (Crestor)",
            "Was Dose of Acetaminophen or Paracetamol (Tylenol) >1300mg/day")
_SNPS = {"VKORC1 497 consensus": "T", "VKORC1 1173 consensus": "C", "VKORC1 1542 consensus": "G",
         "VKORC1 3730 consensus": "G", "VKORC1 2255 consensus": "C", "VKORC1 -4451 consensus": "C"}
_RACES = ("Asian", "Black or African American", "missing or mixed")
_OBJECTIVES = {"huber": "huber", "l1": "regression_l1", "l2": "regression"}


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def warfarin_features(frame: pd.DataFrame, fill: dict[str, float]) -> pd.DataFrame:
    """Model features, one row per patient; ``fill`` holds training medians for age/height/weight.

    The IWPC pharmacogenetic prediction (on the square-root scale) is itself a feature, computed
    with the training medians where age, height or weight is missing.
    """
    x = dosing_inputs(frame)
    f = pd.DataFrame(index=frame.index)
    f["age_decades"] = x["age_decades"]
    f["height_cm"], f["weight_kg"] = x["height_cm"], x["weight_kg"]
    for race in _RACES:
        f[_safe(f"race_{race}")] = (x["race"] == race).astype(int)
    f["vkorc1_a_alleles"] = x["vkorc1"].map({"G/G": 0, "A/G": 1, "A/A": 2}).astype(float)
    f["vkorc1_imputed"] = x["vkorc1_imputed"].astype(int)
    cyp = x["cyp2c9"]
    f["cyp2c9_star2"] = cyp.str.count(r"\*2\b").astype(float)
    f["cyp2c9_star3"] = cyp.str.count(r"\*3\b").astype(float)
    f["cyp2c9_other"] = (2 - cyp.str.count(r"\*1\b") - f["cyp2c9_star2"]
                         - f["cyp2c9_star3"]).astype(float)
    f["amiodarone"], f["enzyme_inducer"] = x["amiodarone"], x["enzyme_inducer"]
    gender = frame.get("Gender", pd.Series(pd.NA, index=frame.index))
    f["male"] = (gender == "male").astype(float).where(gender.notna())
    for column in _NUMERIC:
        f[_safe(column)] = pd.to_numeric(frame.get(column), errors="coerce")
    indication = frame.get("Indication for Warfarin Treatment",
                           pd.Series("", index=frame.index)).astype("string").fillna("")
    for code in "12345678":  # IWPC indication codes, possibly several per patient ("1; 2")
        f[f"indication_{code}"] = indication.str.contains(code, regex=False).astype(int)
    inr_range = frame.get("Estimated Target INR Range Based on Indication",
                          pd.Series(pd.NA, index=frame.index)).astype("string")
    bounds = inr_range.str.extract(r"([\d.]+)\s*-\s*([\d.]+)")
    f["target_inr_low"] = pd.to_numeric(bounds[0], errors="coerce")
    f["target_inr_high"] = pd.to_numeric(bounds[1], errors="coerce")
    for column, reference in _SNPS.items():
        genotype = frame.get(column, pd.Series(pd.NA, index=frame.index)).astype("string")
        f[_safe(column)] = (2 - genotype.str.count(reference)).astype(float)
    filled = x.assign(age_decades=x["age_decades"].fillna(fill["age_decades"]),
                      height_cm=x["height_cm"].fillna(fill["height_cm"]),
                      weight_kg=x["weight_kg"].fillna(fill["weight_kg"]))
    f["iwpc_pharmacogenetic_sqrt"] = np.sqrt(iwpc_dose(filled, "pharmacogenetic"))
    return pd.concat([f, medication_features(frame)], axis=1)


class WarfarinDoseRegressor(RegressorMixin, BaseEstimator):
    """LightGBM (Huber loss) blended with a Huber linear model, both on the square-root dose.

    Both parts predict the square root of the weekly dose, as the IWPC models do. The loss, its
    threshold and the blend weight were chosen by repeated 5-fold cross-validation on training
    patients only (``benchmarks/genomics_warfarin.py`` prints the table): a Huber loss that
    stops chasing the few patients far from their predicted dose beat both L1 and L2.

    Parameters
    ----------
    blend : float
        Weight of the LightGBM part; ``1 - blend`` goes to the linear part.
    objective : {'huber', 'l1', 'l2'}
        LightGBM loss on the square-root dose.
    huber_delta : float
        Residual (in sqrt(mg/week)) beyond which the Huber loss grows linearly.
    n_estimators, learning_rate, num_leaves, min_child_samples : LightGBM settings.
    random_state : int
    n_jobs : int
        LightGBM threads. One by default: on a few thousand rows more threads only add
        contention (measured 40x slower on a loaded 2-core machine), and one is deterministic.
    """

    def __init__(self, blend: float = 0.7, objective: str = "huber", huber_delta: float = 1.5,
                 n_estimators: int = 600, learning_rate: float = 0.02, num_leaves: int = 8,
                 min_child_samples: int = 30, random_state: int = 0, n_jobs: int = 1) -> None:
        self.blend = blend
        self.objective = objective
        self.huber_delta = huber_delta
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> WarfarinDoseRegressor:
        """Fit on features ``X`` and weekly doses ``y`` (mg/week, all positive)."""
        lgb = require("lightgbm", "ml")
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import HuberRegressor
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        y = np.asarray(y, dtype=float)
        if not 0.0 <= self.blend <= 1.0:
            raise ValueError(f"'blend' must be in [0, 1]; got {self.blend!r}")
        if self.objective not in _OBJECTIVES:
            raise ValueError(f"'objective' must be one of {set(_OBJECTIVES)}; "
                             f"got {self.objective!r}")
        if (y <= 0).any() or np.isnan(y).any():
            raise ValueError("weekly doses must be positive numbers")
        target = np.sqrt(y)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.booster_ = lgb.LGBMRegressor(
            objective=_OBJECTIVES[self.objective], alpha=self.huber_delta,
            n_estimators=self.n_estimators, learning_rate=self.learning_rate,
            num_leaves=self.num_leaves, min_child_samples=self.min_child_samples, subsample=0.8,
            subsample_freq=1, colsample_bytree=0.8, random_state=self.random_state,
            n_jobs=self.n_jobs, verbose=-1).fit(X, target)
        self.linear_ = make_pipeline(SimpleImputer(strategy="median", add_indicator=True,
                                                   keep_empty_features=True),
                                     StandardScaler(),
                                     HuberRegressor(max_iter=2000)).fit(X, target)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Weekly dose in mg/week."""
        if not hasattr(self, "booster_"):
            raise NotFittedError("WarfarinDoseRegressor is not fitted yet; call fit first")
        X = X[list(self.feature_names_in_)]
        root = self.blend * self.booster_.predict(X) + (1 - self.blend) * self.linear_.predict(X)
        return np.square(np.clip(root, 0.0, None))
