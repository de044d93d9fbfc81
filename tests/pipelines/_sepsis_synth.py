"""Seeded synthetic PhysioNet-2019-style stays for portable pipeline tests (no real data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from osler.ingest.physionet import PSV_COLUMNS


def write_stays(directory: Path, n_stays: int = 60, seed: int = 0) -> Path:
    """Write ``n_stays`` .psv files; about a third develop sepsis with drifting vitals."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for k in range(n_stays):
        n = int(rng.integers(20, 45))
        septic = k % 3 == 0
        onset = int(rng.integers(12, n - 2)) if septic else None
        rows = [_row(t, n, onset, rng) for t in range(n)]
        text = "|".join(PSV_COLUMNS) + "\n" + "\n".join("|".join(r) for r in rows) + "\n"
        (directory / f"p{900000 + k}.psv").write_text(text)
    return directory


def _row(t: int, n: int, onset: int | None, rng) -> list[str]:
    drift = 0.0 if onset is None else max(0.0, (t - onset + 8) / 8)
    values = {c: np.nan for c in PSV_COLUMNS}
    values.update(HR=80 + 15 * drift + rng.normal(0, 4), O2Sat=97 - 2 * drift + rng.normal(0, 1),
                  Temp=36.8 + 0.8 * drift + rng.normal(0, 0.2), SBP=120 - 15 * drift,
                  MAP=85 - 8 * drift, DBP=65 - 5 * drift, Resp=16 + 5 * drift + rng.normal(0, 1))
    if t % 8 == 0:
        values.update(WBC=8 + 5 * drift, Lactate=1.2 + drift, Creatinine=1.0)
    values.update(Age=60.0, Gender=float(t % 2 == 0 and n % 2), Unit1=1.0, Unit2=0.0,
                  HospAdmTime=-3.0, ICULOS=float(t + 1),
                  SepsisLabel=float(onset is not None and t >= onset - 6))
    return ["NaN" if np.isnan(values[c]) else f"{values[c]:g}" for c in PSV_COLUMNS]
