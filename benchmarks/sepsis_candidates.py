"""Sepsis model candidates compared by 5-fold CV by patient on the development stays only.

Run: ``.venv/bin/python benchmarks/sepsis_candidates.py CANDIDATE [--data ZIP]``
with CANDIDATE one of ``first-round``, ``300-trees``, ``300-trees-shift6``, ``crossfit``,
``crossfit-slower`` (learning rate 0.025, 80 trees), ``crossfit-10`` (ten members),
``crossfit-60`` (60 trees), ``crossfit-lr02-150`` (learning rate 0.02, 150 trees),
``crossfit-lr02-400`` (learning rate 0.02, 400 trees), ``crossfit-lr01-300`` (0.01, 300 trees),
``crossfit-leaf1000`` (1,000 rows per leaf, 150 trees),
``crossfit-utility`` (trained for the utility: target "alarming pays" and weight |gain| per hour,
after Hammoud et al., CinC 2019) and ``crossfit-utility-floor`` (the same with weight
0.05 + |gain|), ``crossfit-lr02-150-shift3`` (production's members trained on a target that
starts 3 hours before the first SepsisLabel hour; the threshold is still chosen on the true
label) and ``crossfit-lr02-150-baseline`` (production's members with 54 patient-normalised
columns added by ``patient_normalised`` here: each tracked variable against the stay's own
baseline of its first 12 hours and as a z-score against its running mean and spread, each row
reading only rows at or before it) and ``crossfit-lr02-150-xt`` (each of production's five
members paired with a LightGBM of the same settings but ``extra_trees`` (random split
thresholds) on the same stays, the two log-odds averaged: a more diverse ensemble at about twice
the training cost), ``crossfit-lr02-150-shift-2`` (target from 2 hours after the first
SepsisLabel hour).

The held-out fifth (``held_out_mask``) is removed first; the folds are the benchmark's
(``patient_folds(stays, 5, seed=0)``). ``first-round*`` candidates use the first round's 255
features (the columns of today's feature matrix that existed then, computed by the same code)
and one LightGBM with the threshold chosen on a 20% split of the training stays;
``crossfit`` uses every feature and five cross-fitted models with the threshold on their
out-of-fold scores (the logic of ``fit_sepsis``, run here with bare LightGBM, the members'
log-odds averaged as in production; before 2026-11-30 the script averaged probabilities).
Prints one JSON line per fold and the means; docs/benchmarks.md quotes them. ``--save FILE``
also writes every score to a ``.npz`` (labels, stays, hours, folds, each fold's test scores,
threshold and its inner out-of-fold scores on its training stays), so that alarm policies can
be compared by ``benchmarks/sepsis_policies.py`` without training again. ``--also-at K [K ...]``
(cross-fitted candidates) also scores the same members cut at their first K trees, each cut with
its own threshold chosen on its own inner out-of-fold scores, so that one run compares several
tree counts on the same folds.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from osler.evaluate import normalized_utility, patient_folds, patient_split, roc_auc
from osler.evaluate.utility import row_utilities
from osler.features import feature_names
from osler.pipelines._sepsis_data import load_cohort
from osler.pipelines._sepsis_model import choose_threshold, labels_of
from osler.pipelines.sepsis import held_out_mask

DATA = Path(__file__).resolve().parents[2] / "shared/data/sepsis-2019/training_setB_dev.zip"
BASE = {"learning_rate": 0.05, "num_leaves": 63, "min_data_in_leaf": 100,
        "bagging_fraction": 0.7, "bagging_freq": 1, "feature_fraction": 0.5, "lambda_l2": 1.0,
        "max_bin": 63, "objective": "binary", "verbose": -1, "num_threads": 1}
CANDIDATES = {  # name: (first-round features only, extra params, trees, label shift, crossfit)
    "first-round": (True, {}, 40, 0, False),
    "300-trees": (True, {"num_leaves": 31}, 300, 0, False),
    "300-trees-shift6": (True, {"num_leaves": 31}, 300, 6, False),
    "crossfit": (False, {}, 40, 0, True),
    "crossfit-slower": (False, {"learning_rate": 0.025}, 80, 0, True),
    "crossfit-10": (False, {}, 40, 0, 10),
    "crossfit-60": (False, {}, 60, 0, True),
    "crossfit-lr02-150": (False, {"learning_rate": 0.02}, 150, 0, True),
    "crossfit-lr02-400": (False, {"learning_rate": 0.02}, 400, 0, True),
    "crossfit-lr01-300": (False, {"learning_rate": 0.01}, 300, 0, True),
    "crossfit-leaf1000": (False, {"min_data_in_leaf": 1000}, 150, 0, True),
    "crossfit-utility": (False, {}, 40, "utility", True),
    "crossfit-utility-floor": (False, {}, 40, "utility-floor", True),
    "crossfit-lr02-150-shift3": (False, {"learning_rate": 0.02}, 150, 3, True),
    "crossfit-lr02-150-baseline": (False, {"learning_rate": 0.02}, 150, 0, True),
    "crossfit-lr02-150-xt": (False, {"learning_rate": 0.02}, 150, 0, True),
    "crossfit-lr02-150-shift-2": (False, {"learning_rate": 0.02}, 150, -2, True),
}
_NEW = ("_12h", "__change_from_first", "__minus_running_mean", "__running_max",
        "__running_min", "labs_drawn_8h", "vitals_recorded", "labs_drawn_48h", "sofa_partial")
_LAB_24H = {f"{v}__{k}_24h" for k in ("max", "min")
            for v in ("WBC", "Lactate", "Creatinine", "Platelets", "Bilirubin_total", "BUN")}


def first_round_columns() -> np.ndarray:
    names = feature_names()
    return np.array([i for i, n in enumerate(names)
                     if n not in _LAB_24H and not any(k in n for k in _NEW)])


def utility_target(y: np.ndarray, stays: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Per hour, whether alarming pays more than staying quiet, and by how much (the weight)."""
    u_alarm, u_quiet = row_utilities(y, stays)
    gain = u_alarm - u_quiet
    return (gain > 0).astype(float), floor + np.abs(gain)


def shifted(y: np.ndarray, stays: np.ndarray, k: int) -> np.ndarray:
    """Training target 1 from ``k`` hours before a stay's first SepsisLabel hour (``k`` < 0:
    from ``-k`` hours after it, the first ``-k`` labelled hours set to 0)."""
    t = y.copy()
    if k:
        bounds = np.r_[0, np.flatnonzero(stays[1:] != stays[:-1]) + 1, len(stays)]
        for a, b in zip(bounds[:-1], bounds[1:]):
            pos = np.flatnonzero(y[a:b] == 1)
            if pos.size and k > 0:
                t[a + max(pos[0] - k, 0):b] = 1
            elif pos.size:
                t[a + pos[0]:min(a + pos[0] - k, b)] = 0
    return t


BASELINE_HOURS = 12
_NORMALISED_VITALS = ("HR", "O2Sat", "Temp", "SBP", "MAP", "Resp")


def patient_normalised(X: np.ndarray, stays: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Each tracked variable relative to the stay's own early baseline and its running spread.

    Per ``TRACKED`` variable: the last value minus the baseline (the median of its values in
    the stay's first ``BASELINE_HOURS`` rows, over the rows seen so far while inside them, then
    fixed), the last value as a z-score against the running mean and standard deviation of the
    stay's values so far (NaN under two values or no spread), and the baseline distance in units
    of that standard deviation; per vital, the 6-hour mean minus the baseline. The raw values are
    the feature matrix's ``last`` where ``measured`` is 1, so every feature of row t reads only
    rows <= t of its own stay. Rows must be grouped by stay in hour order (``load_cohort``'s).
    """
    from osler.features.hourly import TRACKED

    names = feature_names()
    col = {n: i for i, n in enumerate(names)}
    last = X[:, [col[f"{v}__last"] for v in TRACKED]].astype(np.float64)
    measured = X[:, [col[f"{v}__measured"] for v in TRACKED]] == 1
    raw = np.where(measured, last, np.nan)
    n_rows = len(stays)
    bounds = np.r_[0, np.flatnonzero(stays[1:] != stays[:-1]) + 1, n_rows]
    starts = np.repeat(bounds[:-1], np.diff(bounds))
    pos = np.arange(n_rows) - starts                       # row within the stay
    # baseline: expanding median over the first BASELINE_HOURS rows, then held
    k = BASELINE_HOURS
    first_rows = bounds[:-1]
    block = np.full((len(first_rows), k, raw.shape[1]), np.nan)
    for r in range(k):
        idx = first_rows + r
        ok = idx < bounds[1:]
        block[ok, r] = raw[idx[ok]]
    baseline = np.full_like(raw, np.nan)
    stay_no = np.repeat(np.arange(len(first_rows)), np.diff(bounds))
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            prefix_median = np.stack([np.nanmedian(block[:, :r + 1], axis=1) for r in range(k)],
                                     axis=1)                # stays x k x variables
        baseline = prefix_median[stay_no, np.minimum(pos, k - 1)]
        # running mean and std of the measured values (sums restart at each stay)
        v0 = np.where(measured, raw, 0.0)

        def running(a: np.ndarray) -> np.ndarray:
            c = np.cumsum(a, axis=0)
            before = np.where(first_rows[:, None] > 0, c[np.maximum(first_rows - 1, 0)], 0.0)
            return c - before[stay_no]

        n = running(measured.astype(np.float64))
        mean = running(v0) / n
        var = running(v0 * v0) / n - mean * mean
        std = np.where((n >= 2) & (var > 1e-12), np.sqrt(np.maximum(var, 0.0)), np.nan)
        z = (last - mean) / std
        from_base = last - baseline
        base_z = from_base / std
        vit = [TRACKED.index(v) for v in _NORMALISED_VITALS]
        mean6 = X[:, [col[f"{v}__mean_6h"] for v in _NORMALISED_VITALS]] - baseline[:, vit]
    out = np.hstack([from_base, z, base_z, mean6]).astype(np.float32)
    out[~np.isfinite(out)] = np.nan
    new = ([f"{v}__minus_baseline" for v in TRACKED] + [f"{v}__running_z" for v in TRACKED]
           + [f"{v}__baseline_z" for v in TRACKED]
           + [f"{v}__mean_6h_minus_baseline" for v in _NORMALISED_VITALS])
    return out, new


#: cross-fitted candidates whose every member is a pair of boosters on the same stays, the
#: second with these parameters changed: name -> changed parameters
PAIRED = {"crossfit-lr02-150-xt": {"extra_trees": True}}

#: candidates that add columns to the feature matrix: name -> function(X, stays)
EXTRA_FEATURES = {"crossfit-lr02-150-baseline": patient_normalised}


def fit_predict(X, y, s, X_test, params, trees, shift, crossfit, also_at=(), second=None):
    import lightgbm as lgb
    weight = None
    if isinstance(shift, str):
        target, weight = utility_target(y, s, 0.05 if shift == "utility-floor" else 0.0)
    else:
        target = shifted(y, s, shift)
    if not crossfit:
        part = patient_split(s, {"fit": 0.8, "th": 0.2}, salt="sepsis-threshold-0")
        fit, th = part == "fit", part == "th"
        booster = lgb.train(params, lgb.Dataset(X[fit], target[fit]), trees)
        threshold, _ = choose_threshold(y[th], booster.predict(X[th]), s[th])
        return booster.predict(X_test), threshold, None
    n = 5 if crossfit is True else int(crossfit)
    inner = patient_folds(s, n, seed=1)
    cuts = [trees, *[k for k in also_at if k < trees]]
    oof = {k: np.zeros(len(y)) for k in cuts}
    p = {k: np.zeros(len(X_test)) for k in cuts}
    for j in range(n):
        fit = inner != j
        data = lgb.Dataset(X[fit], target[fit], weight=None if weight is None else weight[fit])
        boosters = [lgb.train({**params, "seed": j}, data, trees)]
        if second is not None:      # a second booster on the same stays, its log-odds averaged
            boosters.append(lgb.train({**params, **second, "seed": 100 + j}, data, trees))
        # log-odds, averaged as the production ensemble (CrossFittedRiskModel) averages them
        for k in cuts:
            oof[k][~fit] = np.mean([b.predict(X[~fit], raw_score=True, num_iteration=k)
                                    for b in boosters], axis=0)
            p[k] += np.mean([b.predict(X_test, raw_score=True, num_iteration=k)
                             for b in boosters], axis=0) / n
    if not also_at:
        return p[trees], choose_threshold(y, oof[trees], s)[0], oof[trees]
    return {k: (p[k], choose_threshold(y, oof[k], s)[0], oof[k]) for k in cuts}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("candidate", choices=sorted(CANDIDATES))
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--save", type=Path, default=None,
                    help="write every fold's scores and inner out-of-fold scores to this .npz")
    ap.add_argument("--also-at", type=int, nargs="+", default=[],
                    help="also score the members cut at these tree counts (cross-fitted only)")
    args = ap.parse_args()
    old, extra, trees, shift, crossfit = CANDIDATES[args.candidate]
    cohort = load_cohort([args.data])
    dev = cohort.subset(cohort.meta["stay"][~held_out_mask(cohort.meta["stay"])].unique())
    del cohort
    X = dev.X[:, first_round_columns()] if old else dev.X
    y, s = labels_of(dev), dev.meta["stay"].to_numpy()
    if args.candidate in EXTRA_FEATURES:
        X = np.hstack([X, EXTRA_FEATURES[args.candidate](X, s)[0]])
    folds = patient_folds(s, 5, seed=0)
    rows = []
    test_scores, thresholds, inner = np.full(len(y), np.nan), [], np.full((5, len(y)), np.nan)
    for k in range(5):
        t0 = time.perf_counter()
        tr, te = folds != k, folds == k
        if args.also_at:
            by_cut = fit_predict(X[tr], y[tr], s[tr], X[te], {**BASE, **extra}, trees, shift,
                                 crossfit, args.also_at)
            for cut, (pc, thc, _) in sorted(by_cut.items()):
                if cut != trees:
                    print(json.dumps({"fold": k, "trees": cut, "AUROC": roc_auc(y[te], pc),
                                      "threshold": thc,
                                      "utility": normalized_utility(y[te], pc >= thc, s[te])}),
                          flush=True)
            p, threshold, oof = by_cut[trees]
        else:
            p, threshold, oof = fit_predict(X[tr], y[tr], s[tr], X[te], {**BASE, **extra}, trees,
                                            shift, crossfit,
                                            second=PAIRED.get(args.candidate))
        rows.append({"fold": k, "AUROC": roc_auc(y[te], p), "threshold": threshold,
                     "utility": normalized_utility(y[te], p >= threshold, s[te]),
                     "seconds": time.perf_counter() - t0})
        print(json.dumps(rows[-1]), flush=True)
        test_scores[te], thresholds = p, thresholds + [threshold]
        if oof is not None:
            inner[k, tr] = oof
    if args.save:
        np.savez_compressed(args.save, y=y, stays=s.astype(str), hours=dev.meta["hour"].to_numpy(),
                            folds=folds, test_scores=test_scores,
                            thresholds=np.array(thresholds), inner_oof=inner)
    print(json.dumps({"candidate": args.candidate, "features": X.shape[1],
                      "AUROC": float(np.mean([r["AUROC"] for r in rows])),
                      "utility": float(np.mean([r["utility"] for r in rows]))}))


if __name__ == "__main__":
    main()
