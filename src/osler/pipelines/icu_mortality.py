"""Task ``icu-mortality``: in-hospital death, predicted once at 48 h after ICU admission, from
PhysioNet/CinC 2012 stays (``Time,Parameter,Value`` files; outcomes in a separate file).

Stays are read with ``read_physionet2012``; features summarise each variable over the first
48 h (first, last, min, max, mean, count, change, hours since last; total urine output). SAPS-I
and SOFA from the outcomes file are scored beside the model as baselines, never used as
features. A fifth of the stays (hashed RecordID) is held out and never trained on.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from osler.errors import DataError, IngestError
from osler.evaluate import age_bands
from osler.features.summary import summarize_stay, summary_names
from osler.pipelines._tabular import TabularData, TabularTask

__all__ = ["PREDICTION_HOUR", "TASK", "load_icu_mortality"]

PREDICTION_HOUR = 48.0
_STATIC = ("Age", "Height", "Weight")
_SUMS = ("Urine",)


@lru_cache(maxsize=1)
def _variables() -> tuple[dict[tuple, str], tuple[str, ...]]:
    from osler.record import LOINC, OSLER
    from osler.resources import load_tsv
    mapping = {}
    for r in load_tsv("physionet/variables.tsv"):
        if r["challenge"] != "2012":
            continue
        system, code = (LOINC, r["loinc"]) if r["loinc"] else (f"{OSLER}:physionet2012",
                                                               r["variable"])
        mapping[(system, code, r["display"])] = r["variable"]
    dynamic = tuple(v for v in mapping.values() if v not in _STATIC)
    return mapping, dynamic


def feature_names_2012() -> list[str]:
    _, dynamic = _variables()
    return (list(_STATIC) + ["male", "icu_ccu", "icu_csru", "icu_micu", "icu_sicu"]
            + summary_names(dynamic, _SUMS))


def load_icu_mortality(data: list[Path], outcomes: Path | None = None, *,
                       vocabulary: dict | None = None) -> TabularData:
    """Features at 48 h of every stay under ``data``; labels and scores from ``outcomes``."""
    from osler.ingest.physionet import read_physionet2012, read_outcomes_2012

    errors: list[IngestError] = []
    rows, ids, meta = [], [], []
    for source in data:  # the reader takes files, directories and zips alike
        for record in read_physionet2012(source, outcomes=outcomes, on_error=errors.append):
            x, pred, src = _featurize(record)
            rows.append(x)
            ids.append(record.patient_id)
            meta.append((pred, src, record.sex or "unknown", _unit(record), x[0],
                         {lb.name: lb.value for lb in record.labels}))
    if not rows:
        raise DataError(f"no usable stays under {[str(p) for p in data]}; first problem: "
                        f"{errors[0] if errors else 'no .txt stays found'}")
    skipped = [(e.file or "", str(e)) for e in errors]
    if outcomes is not None:
        _check_outcomes(outcomes, set(ids), skipped, read_outcomes_2012)
    return _assemble(np.vstack(rows), np.asarray(ids), meta, outcomes, skipped)


def _featurize(record) -> tuple[np.ndarray, float, float]:
    mapping, dynamic = _variables()
    summary = summarize_stay(record, mapping, dynamic + _STATIC, PREDICTION_HOUR, _SUMS)
    n_stats = len(summary.values) - len(_SUMS)
    per_var = summary.values[:n_stats].reshape(len(dynamic) + len(_STATIC), -1)
    static = per_var[len(dynamic):, 0]  # first recorded value of Age, Height, Weight
    unit = _unit(record)
    flags = [float(record.sex == "male") if record.sex else np.nan] + \
            [float(unit == u) for u in ("CCU", "CSRU", "MICU", "SICU")]
    x = np.r_[static, flags, per_var[: len(dynamic)].ravel(), summary.values[n_stats:]]
    return x, summary.prediction_hour, summary.source_hour


def _unit(record) -> str:
    for e in record.events:
        if getattr(e, "unit", None):
            return e.unit
    return "unknown"


def _check_outcomes(outcomes: Path, stay_ids: set[str], skipped: list, reader) -> None:
    rows = reader(outcomes)
    extra = sorted(set(rows) - stay_ids)
    if not set(rows) & stay_ids:
        raise DataError(f"file {outcomes}: none of its {len(rows)} RecordIDs match the "
                        f"{len(stay_ids)} stays given")
    skipped += [(str(outcomes), f"RecordID {r}: outcome row has no stay") for r in extra]


def _assemble(X, ids, meta, outcomes, skipped) -> TabularData:
    labels = [m[5] for m in meta]
    y = None
    scores = {}
    if outcomes is not None:
        y = np.array([lb["In-hospital_death"] for lb in labels], dtype=float)
        for name in ("SAPS-I", "SOFA"):
            s = np.array([lb.get(name, -1.0) for lb in labels], dtype=float)
            s[s < 0] = np.nan  # -1 marks a score the challenge could not compute
            scores[name] = np.where(np.isnan(s), np.nanmedian(s), s)
    return TabularData(X, y, ids, ids.astype(str), feature_names_2012(),
                       np.array([m[0] for m in meta]), np.array([m[1] for m in meta]),
                       attributes={"sex": np.array([m[2] for m in meta]),
                                   "ICU unit": np.array([m[3] for m in meta]),
                                   "age band": age_bands(np.array([m[4] for m in meta]))},
                       scores=scores, skipped=skipped)


TASK = TabularTask(
    name="icu-mortality", title="In-hospital mortality at 48 h (PhysioNet/CinC 2012)",
    id_column="RecordID", loader=load_icu_mortality, held_out=0.2,
    model_params={"n_estimators": 1500, "learning_rate": 0.02, "num_leaves": 15,
                  "min_child_samples": 30, "subsample": 0.8, "colsample_bytree": 0.3,
                  "reg_lambda": 2.0, "calibration": "sigmoid", "validation_fraction": 0.2,
                  "early_stopping_rounds": 150, "n_jobs": 2},
    about="LightGBM on 48-hour summaries of every variable; SAPS-I and SOFA (from the outcomes "
          "file; missing scores set to the median) and a logistic regression on the same "
          "features are scored on the same stays.")
