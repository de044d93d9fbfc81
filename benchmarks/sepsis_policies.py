"""Sepsis alarm policies compared on saved cross-validation scores, without training again.

Run: ``.venv/bin/python benchmarks/sepsis_candidates.py crossfit-lr02-150 --save S.npz`` once,
then ``.venv/bin/python benchmarks/sepsis_policies.py S.npz``.

A policy splits the hours into groups and alarms where a score reaches its group's threshold,
or (second stage) re-scores each hour from the score's path so far in the stay.
Utility is a sum over hours, so each group's threshold can be chosen alone. For every outer
fold, each policy's thresholds are chosen on the fold's *inner* out-of-fold scores (its
training stays only, exactly where the production threshold is chosen) and then applied to the
fold's test stays: a nested comparison, the held-out fifth never read. ``production rule``
applies the thresholds the candidate chose itself (a grid search, ``choose_threshold``) and
reproduces its figures; ``one threshold`` is the exact optimum of the same rule. Prints one
JSON line per policy: mean utility over the five folds and the per-fold utilities.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from osler.evaluate import normalized_utility
from osler.evaluate.utility import row_utilities

#: Hour-of-stay bands (hours since the first row) for the banded policies.
POLICIES = {
    "one threshold": (),
    "bands 0-12 / 12+": (12,),
    "bands 0-6 / 6-24 / 24+": (6, 24),
    "bands 0-12 / 12-48 / 48+": (12, 48),
    "bands 0-6 / 6-12 / 12-24 / 24-72 / 72+": (6, 12, 24, 72),
}


def _hour_in_stay(stays: np.ndarray) -> np.ndarray:
    new = np.r_[True, stays[1:] != stays[:-1]]
    starts = np.flatnonzero(new)
    return np.arange(len(stays)) - starts[np.cumsum(new) - 1]


def best_threshold(gain: np.ndarray, scores: np.ndarray) -> float:
    """The threshold whose alarms (scores >= it) collect the largest sum of ``gain``."""
    if not len(scores):
        return np.inf
    order = np.argsort(-scores, kind="stable")
    cumulative = np.cumsum(gain[order])
    ranked = scores[order]
    # only cut between distinct scores: every tie alarms together
    last_of_tie = np.r_[ranked[1:] != ranked[:-1], True]
    candidates = np.flatnonzero(last_of_tie)
    best = candidates[np.argmax(cumulative[candidates])]
    return float(ranked[best]) if cumulative[best] > 0 else np.inf


def choose(y, stays, scores, edges) -> list[float]:
    """One threshold per hour band, each maximising its band's utility on these stays."""
    u_alarm, u_quiet = row_utilities(y, stays)
    gain, band = u_alarm - u_quiet, np.digitize(_hour_in_stay(stays), edges)
    return [best_threshold(gain[band == b], scores[band == b]) for b in range(len(edges) + 1)]


def apply(stays, scores, edges, thresholds) -> np.ndarray:
    band = np.digitize(_hour_in_stay(stays), edges)
    return scores >= np.asarray(thresholds)[band]


def trajectory(stays: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per hour, the score and its path so far in the stay: running max and mean, 1- and
    3-hour changes, an exponential average (weight 0.3 on the newest hour), and log(1 + hour)."""
    new = np.r_[True, stays[1:] != stays[:-1]]
    starts, ends = np.flatnonzero(new), np.r_[np.flatnonzero(new)[1:], len(stays)]
    out = np.empty((len(scores), 7))
    for a, b in zip(starts, ends):
        q = scores[a:b]
        ewa = np.empty_like(q)
        ewa[0] = q[0]
        for i in range(1, len(q)):
            ewa[i] = 0.7 * ewa[i - 1] + 0.3 * q[i]
        lag1, lag3 = np.r_[q[:1], q[:-1]], np.r_[np.repeat(q[:1], 3), q][: len(q)]
        out[a:b] = np.c_[q, np.maximum.accumulate(q), np.cumsum(q) / np.arange(1, len(q) + 1),
                         q - lag1, q - lag3, ewa, np.log1p(np.arange(len(q)))]
    return out


def second_stage(y, stays, scores, target: str):
    """A logistic regression on the trajectory, fitted to the label or to where alarming pays
    (weighted by how much), and its utility-optimal threshold, all on these stays."""
    from sklearn.linear_model import LogisticRegression

    u_alarm, u_quiet = row_utilities(y, stays)
    gain, x = u_alarm - u_quiet, trajectory(stays, scores)
    model = LogisticRegression(C=1.0, max_iter=500)
    if target == "label":
        model.fit(x, y)
    else:
        model.fit(x, (gain > 0).astype(int), sample_weight=np.abs(gain) + 1e-3)
    return model, best_threshold(gain, model.decision_function(x))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scores", type=Path)
    args = ap.parse_args()
    z = np.load(args.scores)
    y, stays, folds = z["y"], z["stays"], z["folds"]
    production = [normalized_utility(y[folds == k], z["test_scores"][folds == k] >= t,
                                     stays[folds == k]) for k, t in enumerate(z["thresholds"])]
    print(json.dumps({"policy": "production rule", "utility": round(float(np.mean(production)), 4),
                      "per fold": [round(u, 4) for u in production]}), flush=True)
    for name, edges in POLICIES.items():
        utilities = []
        for k in range(int(folds.max()) + 1):
            train, test = folds != k, folds == k
            thresholds = choose(y[train], stays[train], z["inner_oof"][k, train], edges)
            alarms = apply(stays[test], z["test_scores"][test], edges, thresholds)
            utilities.append(normalized_utility(y[test], alarms, stays[test]))
        print(json.dumps({"policy": name, "utility": round(float(np.mean(utilities)), 4),
                          "per fold": [round(u, 4) for u in utilities]}), flush=True)
    for target in ("label", "utility gain"):
        utilities = []
        for k in range(int(folds.max()) + 1):
            train, test = folds != k, folds == k
            model, threshold = second_stage(y[train], stays[train], z["inner_oof"][k, train],
                                            target)
            score = model.decision_function(trajectory(stays[test], z["test_scores"][test]))
            utilities.append(normalized_utility(y[test], score >= threshold, stays[test]))
        print(json.dumps({"policy": f"second stage on the trajectory, fitted to the {target}",
                          "utility": round(float(np.mean(utilities)), 4),
                          "per fold": [round(u, 4) for u in utilities]}), flush=True)


if __name__ == "__main__":
    main()
