"""Train and evaluate icu-mortality, readmission and heart-disease; write their model cards.

Run: ``.venv/bin/python benchmarks/models_cards.py [--tasks icu-mortality readmission heart-disease]``

``--cv`` instead compares icu-mortality candidates by repeated 5-fold cross-validation on the
development stays only (the held-out fifth is removed first and never read), every candidate on
the same folds (seeds 0-2), then last round's model and the chosen one again on fresh folds
(seeds 3-5); figures to benchmarks/results/icu_mortality_cv.json (about 20 min at load ~3).

``--score-gap`` reads only the outcomes file: AUROC of the fixed SAPS-I and SOFA scores on the
development stays and on the held-out fifth (bootstrap 95% CIs), to tell a harder held-out draw
from an over-fitted model. Neither score is fitted, so reading them on held-out stays chooses
nothing.

Uses the same task objects as ``osler train`` / ``osler evaluate``. Cards go to docs/cards/,
figures to benchmarks/results/models_cards.json. The sepsis card is written by
benchmarks/models_sepsis.py. Heart disease is cross-site: Cleveland -> Hungarian (the card)
and Hungarian -> Cleveland.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from osler.pipelines.registry import get_task

SHARED = Path(__file__).resolve().parents[2] / "shared/data"
CARDS = Path("docs/cards")


def _figures(card_json: Path) -> dict:
    data = json.loads(card_json.read_text())
    out = {"summary": data["summary"]}
    for s in data["sections"]:
        if s["heading"] == "Baseline comparison":
            out["baselines"] = [{k: r[k] for k in ("model", "metric", "estimate", "ci_low",
                                                   "ci_high")} for r in s["table"]]
    return out


def run(task: str, train: list[Path], test: list[Path], outcomes: Path | None, card: Path,
        workdir: Path) -> dict:
    t = get_task(task)
    model = workdir / card.stem
    t0 = time.perf_counter()
    train_summary = t.train(train, outcomes=outcomes, model_dir=model, seed=0)
    t1 = time.perf_counter()
    eval_summary = t.evaluate(model, test, outcomes=outcomes, report=card)
    return {"task": task, "train": train_summary, "evaluate": eval_summary,
            "train_s": t1 - t0, "evaluate_s": time.perf_counter() - t1,
            **_figures(card.with_suffix(".json"))}


def icu_cv(seeds: tuple[int, ...] = (0, 1, 2), confirm: tuple[int, ...] = (3, 4, 5),
           n_seeds: int = 5) -> dict:
    """Repeated stratified 5-fold CV of icu-mortality candidates on the development stays.

    Every candidate runs on the folds of ``seeds``; the chosen model and last round's are run
    again on fresh folds (``confirm``) to check that the choice was not a product of the folds
    it was made on.
    """
    import numpy as np
    from scipy.special import expit, logit

    from osler.features.summary import EXTREME_STATS
    from osler.models import logistic_baseline, quantile_logistic
    from osler.models.seed_stack import SeedAveragedStack
    from osler.pipelines.icu_mortality import DERIVED

    t = get_task("icu-mortality")
    icu = SHARED / "icu-mortality-2012"
    d = t.load([icu / "set-a.zip"], icu / "Outcomes-a.txt")
    dev = d.take(t.develop_mask(d.patients))
    y = dev.y.astype(int)
    params = dict(t.model_params, n_jobs=1)
    fixed = dict(params, n_estimators=500, validation_fraction=0.0, calibration=None)
    extreme = np.array([n.rpartition("__")[2] in EXTREME_STATS for n in dev.names])
    base = dev.X[:, ~extreme]  # last round's features
    previous = dev.X[:, ~extreme & ~np.isin(dev.names, DERIVED)]
    oof: dict[str, dict[int, np.ndarray]] = {}

    def run(name, make, X, fold_seeds=seeds):
        oof[name] = {}
        for s in fold_seeds:
            p = np.zeros(len(y))
            for k, (tr, te) in enumerate(_folds(y, s)):
                p[te] = make(10 * s + k).fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
            oof[name][s] = p
        print(f"{name:70s} {_cv_line(y, oof[name])}", flush=True)

    def blend(name, trees, linear, w):
        oof[name] = {s: expit((1 - w) * logit(np.clip(oof[trees][s], 1e-6, 1 - 1e-6))
                              + w * logit(np.clip(oof[linear][s], 1e-6, 1 - 1e-6)))
                     for s in oof[trees]}
        print(f"{name:70s} {_cv_line(y, oof[name])}", flush=True)

    gbm = lambda n: lambda r: SeedAveragedStack(params, n, 0.0, r)  # noqa: E731
    run("previous features, one LightGBM", gbm(1), previous)
    run("logistic regression, last round's features", lambda r: logistic_baseline(), base)
    run("+ derived features, one LightGBM", gbm(1), base)
    run(f"+ derived, {n_seeds}-seed LightGBM average", gbm(n_seeds), base)
    for w in (0.2, 0.35):
        blend(f"+ derived, {n_seeds}-seed average, logistic weight {w}"
              + (" (last round's model)" if w == 0.2 else ""),
              f"+ derived, {n_seeds}-seed LightGBM average",
              "logistic regression, last round's features", w)
    for c in (0.05, 0.2):
        run(f"quantile logistic C={c}, last round's features",
            lambda r, c=c: quantile_logistic(C=c), base)
        blend(f"{n_seeds}-seed average + quantile logistic C={c}, weight 0.2",
              f"+ derived, {n_seeds}-seed LightGBM average",
              f"quantile logistic C={c}, last round's features", 0.2)
    run("quantile logistic C=0.2, every feature (with window extremes)",
        lambda r: quantile_logistic(C=0.2), dev.X)
    run(f"+ window extremes, {n_seeds}-seed LightGBM average", gbm(n_seeds), dev.X)
    chosen = (f"+ window extremes, {n_seeds}-seed average + quantile logistic "
              "(last round's features), weight 0.2")
    for w in (0.2, 0.3):
        blend(chosen if w == 0.2 else chosen.replace("0.2", str(w)),
              f"+ window extremes, {n_seeds}-seed LightGBM average",
              "quantile logistic C=0.2, last round's features", w)
    blend(f"+ window extremes, {n_seeds}-seed average + logistic weight 0.2",
          f"+ window extremes, {n_seeds}-seed LightGBM average",
          "logistic regression, last round's features", 0.2)
    blend(f"+ window extremes, {n_seeds}-seed + quantile logistic (every feature), 0.2",
          f"+ window extremes, {n_seeds}-seed LightGBM average",
          "quantile logistic C=0.2, every feature (with window extremes)", 0.2)
    run(f"+ window extremes, {n_seeds} LightGBM, 500 trees on every row, no calibration",
        lambda r: SeedAveragedStack(fixed, n_seeds, 0.0, r), dev.X)
    blend("  the same + quantile logistic (last round's features), weight 0.2",
          f"+ window extremes, {n_seeds} LightGBM, 500 trees on every row, no calibration",
          "quantile logistic C=0.2, last round's features", 0.2)
    reference = f"+ derived, {n_seeds}-seed average, logistic weight 0.2 (last round's model)"
    out = {"stays": int(len(y)), "deaths": int(y.sum()), "seeds": list(seeds),
           "reference": reference, "chosen": chosen,
           "candidates": {k: _cv_figures(y, v, oof[reference]) for k, v in oof.items()}}
    # fresh folds: last round's model and the chosen one, nothing else
    last = {"X": base, "make": lambda r: SeedAveragedStack(params, n_seeds, 0.2, r)}
    new = {"X": dev.X, "make": lambda r: SeedAveragedStack(
        params, n_seeds, 0.2, r, linear="quantile-logistic", linear_C=0.2,
        linear_columns=list(np.flatnonzero(~extreme)))}
    run("confirm: last round's model", last["make"], last["X"], confirm)
    run("confirm: chosen", new["make"], new["X"], confirm)
    out["confirmation"] = {"seeds": list(confirm), **{
        k: _cv_figures(y, oof[f"confirm: {k}"], oof["confirm: last round's model"])
        for k in ("last round's model", "chosen")}}
    for k, v in {**out["candidates"], **out["confirmation"]}.items():
        if isinstance(v, dict):
            print(f"{k:70s} {v['fold_mean']:.4f} (sd {v['fold_sd']:.4f}) paired "
                  f"{v['paired_mean']:+.4f} (sd {v['paired_sd']:.4f}) better "
                  f"{v['folds_better']}/{len(v['folds'])} ECE {v['ece']:.3f}")
    return out


def _folds(y, seed):
    from sklearn.model_selection import StratifiedKFold
    return list(StratifiedKFold(5, shuffle=True, random_state=seed).split(y, y))


def _cv_figures(y, oofs: dict, reference: dict) -> dict:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    from osler.evaluate.calibration import expected_calibration_error

    def folds(p):
        return np.array([roc_auc_score(y[te], p[s][te]) for s in p for _, te in _folds(y, s)])

    f, change = folds(oofs), folds(oofs) - folds(reference)
    return {"fold_mean": float(f.mean()), "fold_sd": float(f.std(ddof=1)),
            "folds": [float(v) for v in f], "paired_mean": float(change.mean()),
            "paired_sd": float(change.std(ddof=1)), "folds_better": int((change > 0).sum()),
            "pooled": [float(roc_auc_score(y, p)) for p in oofs.values()],
            "ece": float(np.mean([expected_calibration_error(y, p) for p in oofs.values()]))}


def _cv_line(y, oofs) -> str:
    import numpy as np
    from sklearn.metrics import roc_auc_score
    f = [roc_auc_score(y[te], p[te]) for s, p in oofs.items() for _, te in _folds(y, s)]
    return f"fold mean {np.mean(f):.4f} (sd {np.std(f, ddof=1):.4f})"


def score_gap(outcomes: Path, n_boot: int = 2000) -> dict:
    """AUROC of SAPS-I and SOFA (as recorded) on development vs held-out icu-mortality stays."""
    import pandas as pd

    from osler.evaluate import roc_auc
    from osler.evaluate.metrics import bootstrap_metrics

    frame = pd.read_csv(outcomes)
    develop = get_task("icu-mortality").develop_mask(frame["RecordID"].astype(str).to_numpy())
    y = frame["In-hospital_death"].to_numpy()
    out = {}
    for score in ("SAPS-I", "SOFA"):
        value = frame[score].astype(float).where(frame[score] >= 0)  # -1 marks not recorded
        for part, mask in (("development", develop), ("held-out", ~develop)):
            known = mask & value.notna().to_numpy()
            yy, ss = y[known], value.to_numpy()[known]
            auc = bootstrap_metrics(yy, ss, metrics={"AUROC": roc_auc}, n_boot=n_boot).iloc[0]
            out[f"{score} {part}"] = {
                "stays": int(mask.sum()), "scored": int(known.sum()),
                "deaths": int(yy.sum()), "auroc": round(float(auc["estimate"]), 3),
                "ci": [round(float(auc["ci_low"]), 3), round(float(auc["ci_high"]), 3)]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", nargs="*", default=["icu-mortality", "readmission",
                                                   "heart-disease"])
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/models_cards.json"))
    ap.add_argument("--cv", action="store_true",
                    help="icu-mortality candidates by repeated CV on development stays only")
    ap.add_argument("--score-gap", action="store_true",
                    help="SAPS-I and SOFA AUROC on development vs held-out icu-mortality stays")
    args = ap.parse_args()
    if args.score_gap:
        print(json.dumps(score_gap(SHARED / "icu-mortality-2012" / "Outcomes-a.txt"), indent=2))
        return
    if args.cv:
        out = Path("benchmarks/results/icu_mortality_cv.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(icu_cv(), indent=2))
        return
    icu, dia, hd = SHARED / "icu-mortality-2012", SHARED / "diabetes-130", SHARED / "heart-disease"
    results = json.loads(args.out.read_text()) if args.out.is_file() else {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "icu-mortality" in args.tasks:
            results["icu-mortality"] = run("icu-mortality", [icu / "set-a.zip"],
                                           [icu / "set-a.zip"], icu / "Outcomes-a.txt",
                                           CARDS / "icu-mortality.html", work)
        if "readmission" in args.tasks:
            data = [dia / "diabetic_data_dev.csv.gz"]
            results["readmission"] = run("readmission", data, data, None,
                                         CARDS / "readmission.html", work)
        if "heart-disease" in args.tasks:
            cle, hun = hd / "processed.cleveland.data", hd / "processed.hungarian.data"
            results["heart-disease cleveland->hungarian"] = run(
                "heart-disease", [cle], [hun], None, CARDS / "heart-disease.html", work)
            results["heart-disease hungarian->cleveland"] = run(
                "heart-disease", [hun], [cle], None, work / "heart-disease-reverse.html", work)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=float))
    print(json.dumps(results, indent=2, default=float))


if __name__ == "__main__":
    main()
