"""Seeded synthetic files shaped like the UCI heart-disease and diabetes-130 tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from osler.pipelines.readmission import _CATEGORIES, _NUMERIC


def write_heart(directory: Path, n: int = 150, seed: int = 0, flip_labels: bool = False,
                site: str = "synthetic") -> Path:
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    risk = rng.normal(0, 1, n)
    cols = [rng.normal(55, 9, n).round(), (rng.random(n) < 0.7).astype(float),
            rng.integers(1, 5, n), rng.normal(130, 15, n).round(), rng.normal(240, 40, n).round(),
            (rng.random(n) < 0.15).astype(float), rng.integers(0, 3, n),
            (150 - 15 * risk).round(), (risk > 0.5).astype(float), np.abs(risk).round(1),
            rng.integers(1, 4, n), rng.integers(0, 4, n), rng.choice([3, 6, 7], n)]
    num = ((risk + rng.normal(0, 0.7, n)) > 0).astype(int) * rng.integers(1, 4, n)
    if flip_labels:
        num = np.where(num > 0, 0, 1)
    df = pd.DataFrame(np.column_stack(cols + [num]))
    df.iloc[::17, 11] = np.nan
    path = directory / f"processed.{site}.data"
    df.to_csv(path, header=False, index=False, na_rep="?")
    return path


def write_readmission(directory: Path, n: int = 400, seed: int = 0,
                      flip_labels: bool = False) -> Path:
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame({"encounter_id": np.arange(1000, 1000 + n),
                       "patient_nbr": rng.integers(1, n // 2, n)})
    for c in _NUMERIC:
        df[c] = rng.integers(0, 10, n)
    for c in _CATEGORIES:
        df[c] = rng.choice(["a", "b", "c"], n)
    df["discharge_disposition_id"] = rng.choice([1, 3, 6, 11], n)
    df["age"] = rng.choice(["[40-50)", "[60-70)", "[80-90)"], n)
    for k in (1, 2, 3):
        df[f"diag_{k}"] = rng.choice(["250.01", "428", "V45", "786"], n)
    risk = df["number_inpatient"] + rng.normal(0, 3, n)
    df["readmitted"] = np.where(risk > 8, "<30", np.where(risk > 4, ">30", "NO"))
    if flip_labels:
        df["readmitted"] = np.where(df["readmitted"] == "<30", "NO", "<30")
    path = directory / "diabetic_synthetic.csv"
    df.to_csv(path, index=False)
    return path
