"""Task ``heart-disease``: angiographic coronary disease (``num`` > 0) from the 13 processed UCI
attributes, predicted once per patient. Evaluation is cross-site: train on one hospital's file
(Cleveland or Hungarian) and evaluate on the other's; no rows are held out inside a site.

Input: a ``processed.<site>.data`` file (comma-separated, no header, ``?`` = missing).
``row`` in prediction files is the 0-based line number in the input file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from osler.errors import DataError
from osler.evaluate import age_bands
from osler.pipelines._tabular import TabularData, TabularTask, frame_or_error

__all__ = ["COLUMNS", "TASK", "load_heart_disease"]

COLUMNS = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang",
           "oldpeak", "slope", "ca", "thal", "num"]
FEATURES = COLUMNS[:-1]
_CATEGORICAL = {"cp": (1, 2, 3, 4), "restecg": (0, 1, 2), "slope": (1, 2, 3), "thal": (3, 6, 7)}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, header=None, na_values=["?", "-9", "-9.0"], dtype=float)


def load_heart_disease(data: list[Path], outcomes: Path | None = None, *,
                       vocabulary: dict | None = None) -> TabularData:
    """Rows of one or more processed UCI files; ids are 0-based line numbers per file.

    The attributes and their categories are fixed by the UCI description, so ``vocabulary``
    (used by tasks whose categories come from the training data) is ignored.
    """
    if outcomes is not None:
        raise DataError("task heart-disease keeps its label in the 'num' column; --outcomes is "
                        f"not used (got {outcomes})")
    parts = []
    for path in map(Path, data):
        df = frame_or_error(path, _read, "a processed UCI heart-disease file")
        if df.shape[1] != len(COLUMNS):
            raise DataError(f"file {path}: rows must have {len(COLUMNS)} comma-separated values "
                            f"({', '.join(COLUMNS)}); got {df.shape[1]}")
        df.columns = COLUMNS
        df["row"] = np.arange(len(df))
        df["site"] = path.name.split(".")[1] if path.name.count(".") >= 2 else path.stem
        parts.append(df)
    df = pd.concat(parts, ignore_index=True)
    X, names = _features(df)
    y = None if df["num"].isna().all() else (df["num"] > 0).astype(float).to_numpy()
    zeros = np.zeros(len(df))  # one visit: every attribute is known at the prediction
    return TabularData(X, y, df["row"].to_numpy(), (df["site"] + ":" + df["row"].astype(str))
                       .to_numpy(), names, zeros, zeros,
                       attributes={"sex": df["sex"].map({1.0: "male", 0.0: "female"})
                                   .fillna("unknown").to_numpy(),
                                   "age band": age_bands(df["age"].to_numpy())})


def _features(df: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    cols, names = [], []
    for f in FEATURES:
        cols.append(df[f].to_numpy(dtype=float))
        names.append(f)
        for level in _CATEGORICAL.get(f, ()):
            cols.append(np.where(df[f].isna(), np.nan, (df[f] == level).astype(float)))
            names.append(f"{f}=={level}")
    return np.column_stack(cols), names


TASK = TabularTask(
    name="heart-disease", title="Coronary artery disease (UCI heart disease, cross-site)",
    id_column="row", loader=load_heart_disease, held_out=0.0,
    model_params={"n_estimators": 300, "learning_rate": 0.03, "num_leaves": 7,
                  "min_child_samples": 10, "colsample_bytree": 0.7, "reg_lambda": 1.0,
                  "calibration": "sigmoid", "validation_fraction": 0.2,
                  "early_stopping_rounds": 40, "n_jobs": 1},
    about="LightGBM and logistic regression on the 13 processed attributes; trained on one "
          "site and evaluated on the other, so every figure here is cross-site.")
