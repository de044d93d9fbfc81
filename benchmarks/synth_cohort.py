"""Benchmark: the synthetic cohort (osler.synth) - write speed and sepsis learnability.

Run: .venv/bin/python benchmarks/synth_cohort.py [--patients 200 2000] [--seed 0]
                                                 [--learnability 5000] [--learn-seeds 1 2 3]

Speed: wall-clock of ``write_cohort`` (generate + write FHIR bundles, PSV stays, labels) per
cohort size, against two peers measured in the same run on the same files: Osler's own
readers reading them back (``read_fhir`` + ``read_physionet2019``) and full FHIR R4B model
validation of every bundle with ``fhir.resources``.

Learnability: the cohort should carry a real but not trivial sepsis signal. For each seed,
hourly rows with last-observation-carried-forward values of the 40 PSV inputs; stays split
70/30 by stay (never by row); LightGBM and a logistic regression (median imputation plus
missingness indicators) fitted on the 70 % and scored on the 30 %: hourly AUROC for
``SepsisLabel`` and per-stay AUROC of the maximum hourly score against the septic flag.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import orjson
import pandas as pd

from osler.synth import PSV_COLUMNS, generate_cohort, write_cohort


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def speed(n_patients: int, seed: int, validate: bool) -> dict:
    from osler.ingest.fhir import read_fhir
    from osler.ingest.physionet import read_physionet2019
    with tempfile.TemporaryDirectory() as tmp:
        paths, t_write = _timed(lambda: write_cohort(Path(tmp), n_patients=n_patients, seed=seed))
        _, t_read = _timed(lambda: (sum(1 for _ in read_fhir(paths.fhir_dir)),
                                    sum(1 for _ in read_physionet2019(paths.icu_dir))))
        row = {"patients": n_patients, "stays": paths.n_stays, "septic": paths.n_septic,
               "write_s": round(t_write, 2), "read_back_s": round(t_read, 2),
               "write/read": round(t_write / t_read, 2)}
        if validate:
            from fhir.resources.R4B.bundle import Bundle
            files = sorted(paths.fhir_dir.glob("*.json"))
            _, t_val = _timed(lambda: [Bundle.model_validate(orjson.loads(f.read_bytes()))
                                       for f in files])
            row.update(r4b_validate_s=round(t_val, 2), **{"write/validate": round(t_write / t_val, 2)})
    return row


def _hourly(stays) -> pd.DataFrame:
    frames = []
    for stay in stays:
        df = pd.DataFrame(stay.rows, columns=list(PSV_COLUMNS)).ffill()
        df["stay"] = stay.stay_id
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def learnability(n_patients: int, seed: int) -> dict:
    import lightgbm as lgb
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    stays = [p.icu for p in generate_cohort(n_patients, seed) if p.icu is not None]
    data = _hourly(stays)
    features = [c for c in PSV_COLUMNS if c != "SepsisLabel"]
    ids = np.array(sorted(data["stay"].unique()))
    np.random.default_rng(seed).shuffle(ids)
    test = data["stay"].isin(set(ids[: len(ids) * 3 // 10]))
    x_train, y_train = data.loc[~test, features], data.loc[~test, "SepsisLabel"]
    x_test, y_test = data.loc[test, features], data.loc[test, "SepsisLabel"]
    gbm = lgb.LGBMClassifier(n_estimators=200, learning_rate=0.05, num_leaves=15, verbose=-1)
    p_gbm = gbm.fit(x_train, y_train).predict_proba(x_test)[:, 1]
    medians = x_train.median()

    def prep(x: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([x.fillna(medians), x.isna().astype(float).add_suffix("_na")], axis=1)

    logreg = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    p_lr = logreg.fit(prep(x_train), y_train).predict_proba(prep(x_test))[:, 1]
    per_stay = (data.loc[test, ["stay"]].assign(p=p_gbm, y=y_test)
                .groupby("stay").agg(p=("p", "max"), y=("y", "max")))
    return {"seed": seed, "stays": len(stays), "septic": sum(s.septic for s in stays),
            "test_stays": len(per_stay), "test_septic": int(per_stay["y"].sum()),
            "hourly_auroc_lgbm": round(roc_auc_score(y_test, p_gbm), 3),
            "hourly_auroc_logreg": round(roc_auc_score(y_test, p_lr), 3),
            "stay_auroc_lgbm_max": round(roc_auc_score(per_stay["y"], per_stay["p"]), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--learnability", type=int, default=5000,
                        help="patients per learnability cohort (0 skips it)")
    parser.add_argument("--learn-seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print(f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"python {platform.python_version()}")
    rows = [speed(n, args.seed, validate=n <= 500) for n in args.patients]
    print(pd.DataFrame(rows).to_string(index=False))
    if args.learnability:
        print(pd.DataFrame([learnability(args.learnability, s) for s in args.learn_seeds])
              .to_string(index=False))


if __name__ == "__main__":
    main()
