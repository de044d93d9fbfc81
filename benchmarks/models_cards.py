"""Train and evaluate icu-mortality, readmission and heart-disease; write their model cards.

Run: ``.venv/bin/python benchmarks/models_cards.py [--tasks icu-mortality readmission heart-disease]``

``--cv`` instead compares icu-mortality candidates by repeated 5-fold cross-validation on the
development stays only (the held-out fifth is removed first and never read), every candidate on
the same folds; figures to benchmarks/results/icu_mortality_cv.json.

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


def icu_cv(seeds: tuple[int, ...] = (0, 1, 2), n_seeds: int = 5) -> dict:
    """Repeated stratified 5-fold CV of icu-mortality candidates on the development stays."""
    import numpy as np
    from scipy.special import expit, logit
    from sklearn.model_selection import StratifiedKFold

    from osler.models import logistic_baseline
    from osler.models.seed_stack import SeedAveragedStack
    from osler.pipelines.icu_mortality import DERIVED

    t = get_task("icu-mortality")
    icu = SHARED / "icu-mortality-2012"
    d = t.load([icu / "set-a.zip"], icu / "Outcomes-a.txt")
    dev = d.take(t._develop_mask(d))
    y = dev.y.astype(int)
    params = dict(t.model_params, n_jobs=1)
    previous = np.array([n not in DERIVED for n in dev.names])
    oof: dict[str, list] = {}

    def run(name, make, X):
        oof[name] = []
        for s in seeds:
            p = np.zeros(len(y))
            for k, (tr, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=s)
                                         .split(X, y)):
                p[te] = make(10 * s + k).fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
            oof[name].append(p)
        print(name, _cv_line(y, oof[name], seeds), flush=True)

    run("previous features, LightGBM", lambda r: SeedAveragedStack(
        params, 1, 0.0, r), dev.X[:, previous])
    run("logistic regression, all features", lambda r: logistic_baseline(), dev.X)
    run("+ derived features, LightGBM", lambda r: SeedAveragedStack(params, 1, 0.0, r), dev.X)
    run(f"+ derived, {n_seeds}-seed LightGBM average",
        lambda r: SeedAveragedStack(params, n_seeds, 0.0, r), dev.X)
    for w in (0.2, 0.35):  # the blend SeedAveragedStack computes, from the same fitted members
        oof[f"+ derived, {n_seeds}-seed average, logistic weight {w}"] = [
            expit((1 - w) * logit(np.clip(a, 1e-6, 1 - 1e-6))
                  + w * logit(np.clip(b, 1e-6, 1 - 1e-6)))
            for a, b in zip(oof[f"+ derived, {n_seeds}-seed LightGBM average"],
                            oof["logistic regression, all features"])]
    out = {"stays": int(len(y)), "deaths": int(y.sum()), "seeds": list(seeds),
           "candidates": {k: _cv_figures(y, v, seeds) for k, v in oof.items()}}
    for k, v in out["candidates"].items():
        print(f"{k:55s} {v['fold_mean']:.4f} (sd {v['fold_sd']:.4f}) pooled "
              + " ".join(f"{x:.4f}" for x in v["pooled"]))
    return out


def _cv_figures(y, oofs, seeds) -> dict:
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    folds = [roc_auc_score(y[te], p[te]) for s, p in zip(seeds, oofs)
             for _, te in StratifiedKFold(5, shuffle=True, random_state=s).split(p, y)]
    return {"fold_mean": float(np.mean(folds)), "fold_sd": float(np.std(folds, ddof=1)),
            "folds": [float(f) for f in folds],
            "pooled": [float(roc_auc_score(y, p)) for p in oofs]}


def _cv_line(y, oofs, seeds) -> str:
    f = _cv_figures(y, oofs, seeds)
    return f"fold mean {f['fold_mean']:.4f} (sd {f['fold_sd']:.4f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", nargs="*", default=["icu-mortality", "readmission",
                                                   "heart-disease"])
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/models_cards.json"))
    ap.add_argument("--cv", action="store_true",
                    help="icu-mortality candidates by repeated CV on development stays only")
    args = ap.parse_args()
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
