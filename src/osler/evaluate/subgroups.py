"""Metrics per subgroup (sex, age band, ICU unit, race) with CIs and small-group warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from osler.evaluate.metrics import average_precision, bootstrap_metrics, roc_auc

__all__ = ["MIN_EVENTS", "MIN_PATIENTS", "age_bands", "subgroup_table"]

#: Below these, a group's figures are shown but flagged as too small to judge.
MIN_PATIENTS = 100
MIN_EVENTS = 20


def age_bands(age: np.ndarray) -> np.ndarray:
    """Age in years -> band label (``18-44``, ``45-64``, ``65-79``, ``80+``, ``<18``, ``unknown``)."""
    age = np.asarray(age, dtype=float)
    out = np.full(age.shape, "unknown", dtype=object)
    for lo, hi, name in ((0, 18, "<18"), (18, 45, "18-44"), (45, 65, "45-64"), (65, 80, "65-79"),
                         (80, np.inf, "80+")):
        out[(age >= lo) & (age < hi)] = name
    return out


def subgroup_table(y: np.ndarray, s: np.ndarray, clusters: np.ndarray,
                   attributes: dict[str, np.ndarray], *, n_boot: int = 100,
                   seed: int = 0) -> pd.DataFrame:
    """One row per (attribute, group): sizes, prevalence, AUROC and AUPRC with 95% CIs.

    ``warning`` says why a group is too small to judge (fewer than :data:`MIN_PATIENTS`
    patients or :data:`MIN_EVENTS` patients with the outcome), else is empty.
    """
    y = np.asarray(y, dtype=float)
    s = np.asarray(s, dtype=float)
    clusters = np.asarray(clusters)
    rows = []
    for attribute, values in attributes.items():
        values = np.asarray(values).astype(str)
        for group in sorted(set(values)):
            m = values == group
            rows.append(_group_row(attribute, group, y[m], s[m], clusters[m], n_boot, seed))
    return pd.DataFrame(rows)


def _group_row(attribute: str, group: str, y: np.ndarray, s: np.ndarray, clusters: np.ndarray,
               n_boot: int, seed: int) -> dict:
    patients = pd.unique(clusters)
    positive = pd.unique(clusters[y == 1])
    row = {"attribute": attribute, "group": group, "patients": len(patients),
           "samples": int(y.size), "patients_with_event": len(positive),
           "prevalence": float(y.mean()) if y.size else np.nan}
    if len(set(y)) == 2:   # both classes among the samples (hours), whatever the patients
        boot = bootstrap_metrics(y, s, clusters, n_boot=n_boot, seed=seed,
                                 metrics={"AUROC": roc_auc, "AUPRC": average_precision})
        for _, r in boot.iterrows():
            row.update({r["metric"]: r["estimate"], f"{r['metric']} low": r["ci_low"],
                        f"{r['metric']} high": r["ci_high"]})
    problems = []
    if len(patients) < MIN_PATIENTS:
        problems.append(f"fewer than {MIN_PATIENTS} patients")
    if len(positive) < MIN_EVENTS:
        problems.append(f"fewer than {MIN_EVENTS} patients with the outcome")
    row["warning"] = "; ".join(problems) + ": too small to judge" if problems else ""
    return row
