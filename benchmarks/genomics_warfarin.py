"""warfarin-dose: model choices by cross-validation on training patients, then the held-out table.

Run: ``.venv/bin/python benchmarks/genomics_warfarin.py [--card docs/cards/warfarin-dose.html]``
(needs ../shared/data/warfarin-iwpc and the ml extra).

1. Repeated 5-fold CV (3 repeats with different fold seeds, every candidate on the same folds)
   on the training patients only; the held-out 20% are excluded before anything else. It
   compares the previous feature set with the one that adds the free-text medication list,
   the target-INR range and the other drug columns; the LightGBM loss (L1, Huber, L2 on the
   square-root dose); and the LightGBM/linear blend weight.
2. Train the task's model on all training patients and evaluate it once on the held-out
   patients: learned model, IWPC pharmacogenetic and IWPC clinical in one table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from osler.genomics.dosing import DOSE_COLUMN, SUBJECT_COLUMN, dosing_inputs  # noqa: E402
from osler.pipelines._warfarin_model import (WarfarinDoseRegressor,  # noqa: E402
                                             warfarin_features)
from osler.pipelines.warfarin import TASK, held_out_mask, read_iwpc  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "warfarin-iwpc" / "warfarin_dev.csv"
REPEATS = (0, 1, 2)
BLENDS = (1.0, 0.7, 0.5, 0.0)
# Columns added in this round; dropping them gives the previous feature set.
_ADDED = ("Fluvastatin__Lescol_", "Lovastatin__Mevacor_", "Pravastatin__Pravachol_",
          "Rosuvastatin__Crestor_",
          "Was_Dose_of_Acetaminophen_or_Paracetamol__Tylenol___1300mg_day",
          "target_inr_low", "target_inr_high")
CANDIDATES = (("previous", "l1"), ("+ medication text, INR range", "l1"),
              ("+ medication text, INR range", "huber"), ("+ medication text, INR range", "l2"))


def _features(frame: pd.DataFrame, fill: dict, feature_set: str) -> pd.DataFrame:
    features = warfarin_features(frame, fill)
    if feature_set == "previous":
        added = [c for c in features if c.startswith("med_") or c in _ADDED]
        features = features.drop(columns=added)
    return features


def _training_patients(frame: pd.DataFrame) -> pd.DataFrame:
    dose = pd.to_numeric(frame[DOSE_COLUMN], errors="coerce")
    usable = dose.notna() & (dose > 0) & ~held_out_mask(frame[SUBJECT_COLUMN])
    return frame[usable].reset_index(drop=True)


def _out_of_fold(train: pd.DataFrame, y: np.ndarray, feature_set: str, objective: str,
                 seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold square-root predictions of the LightGBM and the linear part."""
    from sklearn.model_selection import KFold

    booster, linear = np.zeros(len(y)), np.zeros(len(y))
    for fit_idx, val_idx in KFold(5, shuffle=True, random_state=seed).split(train):
        x = dosing_inputs(train.iloc[fit_idx])
        fill = {c: float(x[c].median()) for c in ("age_decades", "height_cm", "weight_kg")}
        model = WarfarinDoseRegressor(objective=objective).fit(
            _features(train.iloc[fit_idx], fill, feature_set), y[fit_idx])
        val = _features(train.iloc[val_idx], fill, feature_set)[list(model.feature_names_in_)]
        booster[val_idx] = model.booster_.predict(val)
        linear[val_idx] = model.linear_.predict(val)
    return booster, linear


def cross_validate(frame: pd.DataFrame) -> pd.DataFrame:
    """MAE and within-20% per candidate and blend weight, mean (and range) over the repeats."""
    train = _training_patients(frame)
    y = pd.to_numeric(train[DOSE_COLUMN]).to_numpy()
    rows = []
    for feature_set, objective in CANDIDATES:
        parts = [_out_of_fold(train, y, feature_set, objective, seed) for seed in REPEATS]
        for blend in BLENDS:
            if blend == 0.0 and objective != "l1":
                continue  # the linear part does not depend on the LightGBM loss
            mae, within = [], []
            for booster, linear in parts:
                dose = np.square(np.clip(blend * booster + (1 - blend) * linear, 0.0, None))
                error = np.abs(dose - y)
                mae.append(error.mean())
                within.append((error <= 0.2 * y).mean())
            rows.append({"features": feature_set, "lightgbm_loss": objective, "blend": blend,
                         "cv_mae": np.mean(mae), "cv_mae_min": np.min(mae),
                         "cv_mae_max": np.max(mae), "cv_within_20pct": np.mean(within),
                         "n": len(y)})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--card", type=Path, default=None, help="Where to write the model card.")
    parser.add_argument("--skip-cv", action="store_true", help="Only train and evaluate.")
    args = parser.parse_args()
    frame = read_iwpc(args.data)
    if not args.skip_cv:
        start = time.perf_counter()
        table = cross_validate(frame)
        print(f"repeated 5-fold CV on training patients ({len(REPEATS)} repeats), "
              f"{time.perf_counter() - start:.0f} s")
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model"
        start = time.perf_counter()
        print(TASK.train([args.data], outcomes=None, model_dir=model))
        print(f"training took {time.perf_counter() - start:.1f} s")
        card = args.card or Path(tmp) / "card.html"
        print(TASK.evaluate(model, [args.data], outcomes=None, report=card))


if __name__ == "__main__":
    main()
