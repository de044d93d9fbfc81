"""warfarin-dose: blend choice by cross-validation on training patients, then the held-out table.

Run: ``.venv/bin/python benchmarks/genomics_warfarin.py [--card docs/cards/warfarin-dose.html]``
(needs ../shared/data/warfarin-iwpc and the ml extra).

1. 5-fold CV on the training patients only (the held-out 20% are excluded before anything
   else) for the LightGBM/linear blend weight.
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
from osler.pipelines.warfarin import TASK, held_out, read_iwpc  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "warfarin-iwpc" / "warfarin_dev.csv"


def cross_validate(frame: pd.DataFrame, blends=(1.0, 0.7, 0.5, 0.3, 0.0)) -> pd.DataFrame:
    from sklearn.model_selection import KFold

    dose = pd.to_numeric(frame[DOSE_COLUMN], errors="coerce")
    train = frame[dose.notna() & (dose > 0) & ~held_out(frame[SUBJECT_COLUMN])]
    train = train.reset_index(drop=True)
    y = pd.to_numeric(train[DOSE_COLUMN]).to_numpy()
    rows = []
    for blend in blends:
        predicted = np.zeros(len(y))
        for fit_idx, val_idx in KFold(5, shuffle=True, random_state=0).split(train):
            x = dosing_inputs(train.iloc[fit_idx])
            fill = {c: float(x[c].median()) for c in ("age_decades", "height_cm", "weight_kg")}
            model = WarfarinDoseRegressor(blend=blend).fit(
                warfarin_features(train.iloc[fit_idx], fill), y[fit_idx])
            predicted[val_idx] = model.predict(warfarin_features(train.iloc[val_idx], fill))
        error = np.abs(predicted - y)
        rows.append({"blend": blend, "cv_mae": error.mean(),
                     "cv_within_20pct": (error <= 0.2 * y).mean(), "n": len(y)})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--card", type=Path, default=None, help="Where to write the model card.")
    args = parser.parse_args()
    frame = read_iwpc(args.data)
    print(cross_validate(frame).to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model"
        start = time.perf_counter()
        print(TASK.train([args.data], outcomes=None, model_dir=model))
        print(f"training took {time.perf_counter() - start:.1f} s")
        card = args.card or Path(tmp) / "card.html"
        print(TASK.evaluate(model, [args.data], outcomes=None, report=card))


if __name__ == "__main__":
    main()
