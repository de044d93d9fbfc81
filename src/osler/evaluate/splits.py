"""Splits by patient: a patient's samples are always on one side."""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["patient_folds", "patient_split"]


def _unit_interval(patient: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}:{patient}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def patient_split(patients, fractions: dict[str, float], *, salt: str = "osler") -> np.ndarray:
    """Assign each sample's patient to a named part (e.g. train/validation/test).

    The assignment hashes the patient id with ``salt``, so it does not depend on the order or
    the number of patients read, and a test patient stays a test patient across runs.
    """
    names = list(fractions)
    edges = np.cumsum([fractions[n] for n in names])
    if not np.isclose(edges[-1], 1.0):
        raise ValueError(f"fractions must sum to 1; got {edges[-1]:g}")
    patients = np.asarray(patients).astype(str)
    uniq, inverse = np.unique(patients, return_inverse=True)
    u = np.array([_unit_interval(p, salt) for p in uniq])
    part = np.minimum(np.searchsorted(edges, u, side="right"), len(names) - 1)
    return np.asarray(names, dtype=object)[part][inverse]


def patient_folds(patients, n_folds: int = 5, *, seed: int = 0) -> np.ndarray:
    """Fold number (0..n_folds-1) per sample, with every patient in exactly one fold."""
    patients = np.asarray(patients).astype(str)
    uniq, inverse = np.unique(patients, return_inverse=True)
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(len(uniq)) % n_folds
    return fold_of[inverse]
