"""What the monitor and the laboratory report of a latent trajectory: noise, rounding, gaps."""

from __future__ import annotations

import numpy as np

__all__ = ["measure"]

#: Probability that a vital is charted in a given hour (PhysioNet 2019 charts vitals hourly,
#: temperature every few hours).
_VITAL_PRESENT = {"HR": 0.93, "O2Sat": 0.9, "Temp": 0.3, "Resp": 0.86}
_BLACKOUT = 0.03  # hours with no vitals at all (transport to imaging, procedures)


def _draw_hours(rng: np.random.Generator, n: int, low: int, high: int) -> list[int]:
    hours, h = [], int(rng.integers(0, 4))
    while h < n:
        hours.append(h)
        h += int(rng.integers(low, high + 1))
    return hours


def _vital_mask(rng: np.random.Generator, n: int, col: dict[str, int], ventilated: bool,
                mask: np.ndarray) -> None:
    for name, p in _VITAL_PRESENT.items():
        mask[:, col[name]] = rng.random(n) < p
    bp = rng.random(n) < 0.87
    for name, p in (("SBP", 0.97), ("MAP", 0.98), ("DBP", 0.9)):
        mask[:, col[name]] = bp & (rng.random(n) < p)
    mask[:, col["FiO2"]] = rng.random(n) < (0.3 if ventilated else 0.04)
    mask[:, col["EtCO2"]] = ventilated & (rng.random(n) < 0.2)
    blackout = rng.random(n) < _BLACKOUT
    for name in (*_VITAL_PRESENT, "SBP", "MAP", "DBP", "FiO2", "EtCO2"):
        mask[blackout, col[name]] = False


def _lab_mask(rng: np.random.Generator, n: int, col: dict[str, int], panels: tuple,
              abg: tuple, ventilated: bool, mask: np.ndarray) -> None:
    for names, (low, high), share in panels:
        if rng.random() < share:
            hours = _draw_hours(rng, n, low, high)
            for name in names:
                mask[hours, col[name]] = True
    if ventilated:
        hours = _draw_hours(rng, n, 6, 12)
        for name in abg:
            mask[hours, col[name]] = True
    if rng.random() < 0.6:
        mask[_draw_hours(rng, n, 12, 24), col["Lactate"]] = True


def _worried_lactates(rng: np.random.Generator, values: np.ndarray, mask: np.ndarray,
                      col: dict[str, int]) -> None:
    """Clinicians order a lactate when the charted vitals look septic (SIRS-like)."""
    hr, temp, map_ = (np.where(mask[:, col[c]], values[:, col[c]], np.nan)
                      for c in ("HR", "Temp", "MAP"))
    with np.errstate(invalid="ignore"):
        worried = (hr > 105) | (temp > 38.3) | (temp < 36.0) | (map_ < 65)
    lactate = mask[:, col["Lactate"]]
    last = -99
    for h in np.flatnonzero(worried | lactate):
        if lactate[h]:
            last = h
        elif h - last > 5 and rng.random() < 0.35:
            lactate[h] = True
            last = h


def measure(rng: np.random.Generator, latent: np.ndarray, spec: dict, panels: tuple,
            abg: tuple, ventilated: bool) -> np.ndarray:
    """Charted values: latent plus noise, clipped and rounded, NaN where not measured."""
    n, k = latent.shape
    names = list(spec)
    col = {name: i for i, name in enumerate(names)}
    noise = np.array([spec[c][3] for c in names])
    values = latent + rng.normal(0.0, 1.0, (n, k)) * noise
    for i, name in enumerate(names):
        _mean, _sd, _drift, _noise, decimals, low, high, _log = spec[name]
        values[:, i] = np.round(np.clip(values[:, i], low, high), decimals)
    mask = np.zeros((n, k), dtype=bool)
    _vital_mask(rng, n, col, ventilated, mask)
    _lab_mask(rng, n, col, panels, abg, ventilated, mask)
    _worried_lactates(rng, values, mask, col)
    return np.where(mask, values, np.nan)
