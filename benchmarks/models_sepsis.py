"""Sepsis benchmark: train on the development stays, evaluate once on the held-out stays.

Run: ``.venv/bin/python benchmarks/models_sepsis.py [--data ZIP] [--cv] [--card PATH]``

Measures, in one run: load + featurise time, training time, peak memory (this process and its
workers), held-out AUROC / AUPRC / utility with the qSOFA, SIRS and NEWS2 baselines, and the
batch vs incremental scoring speed per stay-hour side by side. ``--cv`` adds 5-fold
cross-validation by patient on the development stays. Prints a Markdown block for
docs/benchmarks.md and writes a model card (``--card``, by default under benchmarks/results;
the card in docs/cards is made by ``osler train`` and ``osler evaluate``).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from osler.evaluate import normalized_utility, patient_folds, roc_auc
from osler.features import IncrementalFeaturizer, featurize
from osler.pipelines._sepsis_data import load_cohort, stay_files
from osler.pipelines._sepsis_model import evaluate_sepsis, fit_sepsis, labels_of
from osler.pipelines._sepsis_report import sepsis_card
from osler.pipelines.sepsis import held_out_mask

DATA = Path(__file__).resolve().parents[2] / "shared/data/sepsis-2019/training_setB_dev.zip"


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def time_scoring(files: list[Path], estimator) -> dict:
    from osler.features import stay_frame
    from osler.ingest.physionet import read_physionet2019
    frames = [stay_frame(r) for f in files for r in read_physionet2019(f)]
    hours = sum(len(f) for f in frames)
    t0 = time.perf_counter()
    for f in frames:
        estimator.predict_proba(featurize(f).X)
    batch = (time.perf_counter() - t0) / hours * 1000
    t0 = time.perf_counter()
    for f in frames:
        stream = IncrementalFeaturizer(f.stay_id, f.source, f.static, f.static_hours)
        for i, h in enumerate(f.hours):
            estimator.predict_proba(stream.update(h, f.values[i]).X)
    incremental = (time.perf_counter() - t0) / hours * 1000
    return {"stays": len(frames), "hours": hours, "batch_ms_per_hour": batch,
            "incremental_ms_per_hour": incremental}


def cross_validate(dev, seed: int = 0) -> list[dict]:
    folds = patient_folds(dev.meta["stay"].to_numpy(), 5, seed=seed)
    out = []
    for k in range(5):
        train = dev.subset(dev.meta["stay"][folds != k].unique())
        test = dev.subset(dev.meta["stay"][folds == k].unique())
        fit = fit_sepsis(train, seed=seed)
        p = fit.estimator.predict_proba(test.X)[:, 1]
        y = labels_of(test)
        out.append({"fold": k, "AUROC": roc_auc(y, p), "threshold": fit.threshold,
                    "utility": normalized_utility(y, p >= fit.threshold,
                                                  test.meta["stay"].to_numpy())})
        print(json.dumps(out[-1]), flush=True)  # each fold as it ends: a fold takes minutes
    return out


def speed_only(args) -> None:
    from osler.pipelines._shared import load_bundle
    bundle = load_bundle("sepsis", args.speed_only)
    with tempfile.TemporaryDirectory() as tmp:
        files = stay_files([args.data], Path(tmp))
        held = held_out_mask(np.array([f.stem for f in files]))
        paths = [f for f, h in zip(files, held) if h][:100]
        print(json.dumps(time_scoring(paths, bundle.estimator), indent=2))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cv", action="store_true")
    # Not docs/cards/sepsis.html: that card is made by `osler train` + `osler evaluate` (see
    # docs/benchmarks.md) and carries the saved model's provenance, which this run has not.
    ap.add_argument("--card", type=Path, default=Path("benchmarks/results/sepsis_card.html"))
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/models_sepsis.json"))
    ap.add_argument("--speed-only", type=Path, default=None, metavar="MODEL_DIR",
                    help="Only time batch vs incremental scoring of a saved sepsis model on "
                         "100 held-out stays.")
    args = ap.parse_args()
    if args.speed_only:
        return speed_only(args)
    t0 = time.perf_counter()
    cohort = load_cohort([args.data])
    t_load = time.perf_counter() - t0
    test_mask = held_out_mask(cohort.meta["stay"].to_numpy())
    dev = cohort.subset(cohort.meta["stay"][~test_mask].unique())
    test = cohort.subset(cohort.meta["stay"][test_mask].unique())
    t1 = time.perf_counter()
    fit = fit_sepsis(dev)
    t_fit = time.perf_counter() - t1
    result = {"stays": cohort.n_stays, "hours": len(cohort.meta), "skipped": len(cohort.skipped),
              "load_featurise_s": t_load, "fit_s": t_fit, "train_all_in_s": t_load + t_fit,
              "peak_memory_mb": peak_mb(),
              "members": len(fit.estimator.members_),
              "trees_per_member": fit.estimator.members_[0].n_estimators,
              "threshold": fit.threshold, "validation_utility": fit.validation_utility,
              "dev_stays": dev.n_stays, "test_stays": test.n_stays}
    p = fit.estimator.predict_proba(test.X)[:, 1]
    report = evaluate_sepsis(test, p, fit.threshold)
    result["held_out"] = {"discrimination": report.discrimination.to_dict(orient="records"),
                          "ece": report.ece, **report.task_metrics,
                          "baselines": report.baselines.to_dict(orient="records")}
    files = sorted(test.meta["file"].unique())[:100]
    with tempfile.TemporaryDirectory() as tmp:
        wanted = set(files)
        paths = [f for f in stay_files([args.data], Path(tmp)) if f.name in wanted]
        result["scoring"] = time_scoring(paths, fit.estimator)
    from osler.models.persist import ModelBundle
    bundle = ModelBundle("sepsis", fit.estimator, [], "", fit.threshold)
    sepsis_card(report, bundle, test).write(args.card)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=float))
    print(json.dumps(result, indent=2, default=float), flush=True)
    if args.cv:  # after the held-out figures are safe on disk: this takes five more fits
        result["cv"] = cross_validate(dev)
        args.out.write_text(json.dumps(result, indent=2, default=float))
        print(json.dumps(result["cv"], indent=2, default=float))


if __name__ == "__main__":
    main()
