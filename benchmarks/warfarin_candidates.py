"""warfarin-dose, third round: candidates by repeated 5-fold CV on the training patients only.

Run: ``.venv/bin/python benchmarks/warfarin_candidates.py [--only NAME ...]`` (about 15 min
single-threaded at load ~3; needs ../shared/data/warfarin-iwpc and the ml extra).

Every candidate is scored on the same 15 folds as ``benchmarks/genomics_warfarin.py`` (KFold 5,
seeds 0, 1, 2, over the training patients; the held-out 20% are removed first) and compared
with the current model fold by fold (MAE difference, and on how many folds it is lower).

``--gap`` also explains why the held-out MAE sits above the CV MAE, from training patients
only: the current model's out-of-fold MAE per dose band and race, re-weighted to the held-out
patients' mix of dose bands and of races (their counts only; no held-out prediction is made).

``--imputation`` checks the IWPC imputation of VKORC1 -1639 from linked SNPs
(``osler.genomics.dosing``) on training patients whose -1639 genotype was measured: agreement
of each proxy's implied genotype with the measured one, by race, and how many stay missing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from genomics_warfarin import DATA, REPEATS, _training_patients  # noqa: E402

from osler.genomics.dosing import DOSE_COLUMN, SUBJECT_COLUMN, dosing_inputs  # noqa: E402
from osler.pipelines._warfarin_metrics import dose_band  # noqa: E402
from osler.pipelines._warfarin_model import warfarin_features  # noqa: E402
from osler.pipelines.warfarin import held_out_mask, read_iwpc  # noqa: E402

BLEND = 0.7  # the current LightGBM / linear weight
LGB = {"objective": "huber", "alpha": 1.5, "n_estimators": 600, "learning_rate": 0.02,
       "num_leaves": 8, "min_child_samples": 30, "subsample": 0.8, "subsample_freq": 1,
       "colsample_bytree": 0.8, "random_state": 0, "n_jobs": 1, "verbose": -1}
MONOTONE = {"vkorc1_a_alleles": -1, "cyp2c9_star2": -1, "cyp2c9_star3": -1,
            "iwpc_pharmacogenetic_sqrt": 1, "amiodarone": -1, "enzyme_inducer": 1}
# name: (LightGBM changes, target scale, third learner, weights LightGBM/linear/third)
CANDIDATES = {
    "current (LightGBM Huber 0.7 + Huber linear 0.3, sqrt dose)": ({}, "sqrt", None, None),
    "monotone genotype/drug constraints": ({"monotone": "basic"}, "sqrt", None, None),
    "monotone constraints, intermediate method": ({"monotone": "intermediate"}, "sqrt", None,
                                                  None),
    "LightGBM L1 on the dose scale": ({"objective": "regression_l1"}, "dose", None, None),
    "LightGBM Huber (delta 10) on the dose scale": ({"alpha": 10.0}, "dose", None, None),
    "LightGBM Huber (delta 0.25) on log dose": ({"alpha": 0.25}, "log", None, None),
    "learning rate 0.01, 1200 trees": ({"learning_rate": 0.01, "n_estimators": 1200}, "sqrt",
                                       None, None),
    "colsample 0.5": ({"colsample_bytree": 0.5}, "sqrt", None, None),
    "L2 penalty 5": ({"reg_lambda": 5.0}, "sqrt", None, None),
    "blend 0.6": ({}, "sqrt", None, (0.6, 0.4, 0.0)),
    "blend 0.8": ({}, "sqrt", None, (0.8, 0.2, 0.0)),
    "+ random forest (0.5/0.3/0.2)": ({}, "sqrt", "forest", (0.5, 0.3, 0.2)),
    "+ random forest (0.6/0.2/0.2)": ({}, "sqrt", "forest", (0.6, 0.2, 0.2)),
    "+ RBF SVR (0.6/0.2/0.2)": ({}, "sqrt", "svr", (0.6, 0.2, 0.2)),
    "+ HistGradientBoosting L1 (0.6/0.2/0.2)": ({}, "sqrt", "hgb", (0.6, 0.2, 0.2)),
    "sample weight sqrt(dose) (dose-scale MAE)": ({"weight": 0.5}, "sqrt", None, None),
    "sample weight 1/sqrt(dose) (relative error)": ({"weight": -0.5}, "sqrt", None, None),
}
_TO_TARGET = {"sqrt": np.sqrt, "log": np.log, "dose": lambda d: d}
_TO_ROOT = {"sqrt": lambda p: p, "log": lambda p: np.sqrt(np.exp(p)),
            "dose": lambda p: np.sqrt(np.clip(p, 0.0, None))}


def _folds(n: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    from sklearn.model_selection import KFold
    return [(seed, fit, val) for seed in REPEATS
            for fit, val in KFold(5, shuffle=True, random_state=seed).split(np.arange(n))]


def _third(kind: str):
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVR

    impute = SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
    if kind == "forest":
        return make_pipeline(impute, RandomForestRegressor(300, min_samples_leaf=10,
                                                           max_features=0.33, n_jobs=1,
                                                           random_state=0))
    if kind == "svr":
        return make_pipeline(impute, StandardScaler(), SVR(C=3.0, epsilon=0.2))
    return HistGradientBoostingRegressor(loss="absolute_error", learning_rate=0.03, max_iter=500,
                                         max_leaf_nodes=8, min_samples_leaf=30, random_state=0)


def _linear(fit: pd.DataFrame, y: np.ndarray, val: pd.DataFrame, weight: np.ndarray) -> np.ndarray:
    """The current Huber linear part's square-root predictions."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import HuberRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    linear = make_pipeline(SimpleImputer(strategy="median", add_indicator=True,
                                         keep_empty_features=True), StandardScaler(),
                           HuberRegressor(max_iter=2000))
    return linear.fit(fit, np.sqrt(y), huberregressor__sample_weight=weight).predict(val)


def _fit_predict(spec: tuple, fit: pd.DataFrame, y: np.ndarray, val: pd.DataFrame,
                 linear: np.ndarray) -> np.ndarray:
    """Dose predictions (mg/week) of one candidate trained on ``fit``; ``linear`` holds the
    unweighted linear part's predictions (the same for every candidate without weights)."""
    import lightgbm as lgb

    changes, scale, third, weights = spec
    params = {**LGB, **{k: v for k, v in changes.items() if k not in ("monotone", "weight")}}
    if "monotone" in changes:
        params["monotone_constraints"] = [MONOTONE.get(c, 0) for c in fit.columns]
        params["monotone_constraints_method"] = changes["monotone"]
    weight = y ** changes["weight"] if "weight" in changes else np.ones(len(y))
    weight = weight / weight.mean()
    booster = lgb.LGBMRegressor(**params).fit(fit, _TO_TARGET[scale](y), sample_weight=weight)
    if "weight" in changes:
        linear = _linear(fit, y, val, weight)
    parts = [_TO_ROOT[scale](booster.predict(val)), linear]
    if third:
        parts.append(_third(third).fit(fit, np.sqrt(y)).predict(val))
    w = weights or (BLEND, 1 - BLEND, 0.0)
    return np.square(np.clip(sum(wi * p for wi, p in zip(w, parts)), 0.0, None))


def out_of_fold(train: pd.DataFrame, y: np.ndarray, names: list[str]) -> dict[str, dict]:
    """Out-of-fold predictions per candidate and repeat, all on the same folds."""
    oof = {name: {seed: np.zeros(len(y)) for seed in REPEATS} for name in names}
    for seed, fit_idx, val_idx in _folds(len(y)):
        x = dosing_inputs(train.iloc[fit_idx])
        fill = {c: float(x[c].median()) for c in ("age_decades", "height_cm", "weight_kg")}
        fit = warfarin_features(train.iloc[fit_idx], fill)
        val = warfarin_features(train.iloc[val_idx], fill)[list(fit.columns)]
        linear = _linear(fit, y[fit_idx], val, np.ones(len(fit_idx)))
        for name in names:
            oof[name][seed][val_idx] = _fit_predict(CANDIDATES[name], fit, y[fit_idx], val,
                                                    linear)
    return oof


def compare(oof: dict[str, dict], y: np.ndarray) -> pd.DataFrame:
    """Mean MAE / within-20% over repeats, and the fold-by-fold MAE change vs the current."""
    folds = _folds(len(y))

    def fold_mae(pred: dict) -> np.ndarray:
        return np.array([np.abs(pred[s][v] - y[v]).mean() for s, _, v in folds])

    reference = fold_mae(oof[next(iter(CANDIDATES))])
    rows = []
    for name, pred in oof.items():
        mae = [np.abs(pred[s] - y).mean() for s in REPEATS]
        change = fold_mae(pred) - reference
        rows.append({"candidate": name, "cv_mae": np.mean(mae), "cv_mae_min": np.min(mae),
                     "cv_mae_max": np.max(mae),
                     "cv_within_20pct": np.mean([(np.abs(pred[s] - y) <= 0.2 * y).mean()
                                                 for s in REPEATS]),
                     "paired_change": change.mean(), "paired_sd": change.std(ddof=1),
                     "folds_lower": int((change < 0).sum())})
    return pd.DataFrame(rows)


def gap(frame: pd.DataFrame, train: pd.DataFrame, y: np.ndarray, oof: dict) -> pd.DataFrame:
    """Current model's CV MAE per dose band / race, and re-weighted to the held-out mix."""
    error = np.mean([np.abs(p - y) for p in oof.values()], axis=0)
    dose = pd.to_numeric(frame[DOSE_COLUMN], errors="coerce")
    test = frame[held_out_mask(frame[SUBJECT_COLUMN]) & dose.notna() & (dose > 0)]
    groups = {"dose band": (dose_band(pd.Series(y)), dose_band(pd.to_numeric(test[DOSE_COLUMN]))),
              "race": (dosing_inputs(train)["race"].reset_index(drop=True),
                       dosing_inputs(test)["race"])}
    rows = []
    for kind, (train_group, test_group) in groups.items():
        by_group = pd.Series(error).groupby(train_group.to_numpy()).mean()
        test_share = test_group.value_counts(normalize=True)
        train_share = train_group.value_counts(normalize=True)
        for g in by_group.index:
            rows.append({"by": kind, "group": g, "cv_mae": by_group[g],
                         "training_share": train_share.get(g, 0.0),
                         "held_out_share": test_share.get(g, 0.0)})
        rows.append({"by": kind, "group": "re-weighted to the held-out mix",
                     "cv_mae": float((by_group * test_share.reindex(by_group.index,
                                                                     fill_value=0)).sum()),
                     "training_share": 1.0, "held_out_share": 1.0})
    return pd.DataFrame(rows)


def imputation(train: pd.DataFrame) -> pd.DataFrame:
    """Agreement of each VKORC1 proxy with measured -1639, by race (training patients)."""
    from osler.genomics.dosing import _PROXIES

    inputs = dosing_inputs(train)
    measured = train["VKORC1 -1639 consensus"].astype("string")
    rows = []
    for column, mapping, any_race in _PROXIES:
        implied = train[column].astype("string").map(mapping)
        both = measured.notna() & implied.notna()
        for race, group in inputs[both].groupby("race"):
            rows.append({"proxy": column, "used for this race": any_race or race in (
                "White", "Asian"), "race": race, "n": len(group),
                "agreement": float((measured[group.index] == implied[group.index]).mean())})
    table = pd.DataFrame(rows)
    print(f"-1639 measured {int(measured.notna().sum())}, imputed "
          f"{int(inputs['vkorc1_imputed'].sum())}, still missing "
          f"{int(inputs['vkorc1'].isna().sum())} of {len(train)} training patients")
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--only", nargs="*", default=None, help="Candidate names to run.")
    parser.add_argument("--gap", action="store_true", help="Also the CV-vs-held-out gap table.")
    parser.add_argument("--imputation", action="store_true",
                        help="Only the VKORC1 imputation check (seconds).")
    args = parser.parse_args()
    frame = read_iwpc(args.data)
    train = _training_patients(frame)
    if args.imputation:
        print(imputation(train).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        return
    y = pd.to_numeric(train[DOSE_COLUMN]).to_numpy()
    names = [n for n in CANDIDATES if args.only is None or n == next(iter(CANDIDATES))
             or n in args.only]
    start = time.perf_counter()
    oof = out_of_fold(train, y, names)
    print(f"{len(names)} candidates, repeated 5-fold CV on {len(y)} training patients, "
          f"{time.perf_counter() - start:.0f} s")
    print(compare(oof, y).to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.gap:
        print(gap(frame, train, y, oof[next(iter(CANDIDATES))]).to_string(
            index=False, float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
