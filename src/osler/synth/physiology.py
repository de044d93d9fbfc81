"""Hourly ICU physiology of one synthetic stay, laid out as PhysioNet 2019 ``.psv`` rows.

Each stay has a latent trajectory per variable: a patient baseline, a slow random drift
(AR(1), as physiology wanders), and effects of what happens during the stay. Septic stays
deteriorate over the 6-12 h before onset (heart and breathing rate up, fever or, in some,
hypothermia, lactate and white cells up, pressure and platelets down). Non-septic stays
may have a *confounder* that mimics part of that picture (post-operative tachycardia, a
non-infectious fever, a transient hypotension, an arrhythmia, chronic liver or kidney
disease), so that no single vital separates the classes. What a monitor or a lab reports is
the latent value plus measurement noise, with hourly vitals missing at random and labs
drawn every 4-24 h, and more lactates when the vitals look worrying (as clinicians do).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from osler.synth._measure import measure

__all__ = ["CONFOUNDERS", "PSV_COLUMNS", "IcuStay", "simulate_stay"]

#: The 41 columns of a PhysioNet 2019 stay, in file order (same as
#: ``osler.ingest.physionet.PSV_COLUMNS``; synth may not import ingest, a test checks they agree).
PSV_COLUMNS: tuple[str, ...] = tuple((
    "HR|O2Sat|Temp|SBP|MAP|DBP|Resp|EtCO2|BaseExcess|HCO3|FiO2|pH|PaCO2|SaO2|AST|BUN|"
    "Alkalinephos|Calcium|Chloride|Creatinine|Bilirubin_direct|Glucose|Lactate|"
    "Magnesium|Phosphate|Potassium|Bilirubin_total|TroponinI|Hct|Hgb|PTT|WBC|"
    "Fibrinogen|Platelets|Age|Gender|Unit1|Unit2|HospAdmTime|ICULOS|SepsisLabel").split("|"))
COL = {name: i for i, name in enumerate(PSV_COLUMNS)}
N_PHYSIOLOGY = COL["Age"]  # HR .. Platelets are measured; the rest describe the stay

#: name: (mean, between-patient sd, drift sd, noise sd, decimals, low, high, log-normal baseline)
_SPEC: dict[str, tuple[float, float, float, float, int, float, float, bool]] = {
    "HR": (84, 11, 5, 3, 0, 30, 200, False),
    "O2Sat": (97, 1.2, 0.8, 1.0, 0, 70, 100, False),
    "Temp": (36.9, 0.3, 0.2, 0.15, 2, 33, 42, False),
    "SBP": (122, 15, 6, 5, 0, 60, 220, False),
    "MAP": (0, 0, 0, 4, 0, 35, 160, False),
    "DBP": (63, 8, 4, 4, 0, 25, 130, False),
    "Resp": (18, 2.5, 1.5, 1.5, 0, 6, 50, False),
    "EtCO2": (35, 4, 2, 2, 0, 10, 70, False),
    "BaseExcess": (0, 2.5, 0.8, 0.8, 0, -25, 20, False),
    "HCO3": (24, 2.5, 0.8, 0.8, 0, 8, 45, False),
    "FiO2": (0.4, 0.08, 0.03, 0.02, 2, 0.21, 1.0, False),
    "pH": (7.39, 0.03, 0.01, 0.01, 2, 6.9, 7.7, False),
    "PaCO2": (40, 4, 2, 2, 0, 15, 90, False),
    "SaO2": (96, 1.5, 0.8, 1, 0, 70, 100, False),
    "AST": (32, 0.5, 3, 2, 0, 5, 3000, True),
    "BUN": (18, 0.45, 1.5, 1, 0, 2, 150, True),
    "Alkalinephos": (85, 0.35, 4, 3, 0, 20, 900, True),
    "Calcium": (8.4, 0.5, 0.15, 0.1, 1, 5, 13, False),
    "Chloride": (104, 3.5, 1, 1, 0, 80, 130, False),
    "Creatinine": (0.95, 0.3, 0.05, 0.05, 2, 0.2, 12, True),
    "Bilirubin_direct": (0.2, 0.5, 0.02, 0.02, 2, 0.0, 20, True),
    "Glucose": (128, 0.2, 12, 6, 0, 40, 600, True),
    "Lactate": (1.2, 0.25, 0.15, 0.15, 1, 0.3, 20, True),
    "Magnesium": (2.0, 0.2, 0.07, 0.05, 1, 0.8, 4, False),
    "Phosphate": (3.5, 0.6, 0.2, 0.1, 1, 0.8, 10, False),
    "Potassium": (4.1, 0.35, 0.15, 0.1, 1, 2.5, 7.5, False),
    "Bilirubin_total": (0.7, 0.45, 0.05, 0.05, 1, 0.1, 30, True),
    "TroponinI": (0.04, 1.0, 0.01, 0.01, 2, 0.0, 50, True),
    "Hct": (0, 0, 0, 1, 1, 15, 55, False),
    "Hgb": (10.8, 1.7, 0.2, 0.2, 1, 5, 18, False),
    "PTT": (32, 5, 2, 1.5, 1, 18, 150, False),
    "WBC": (9.0, 0.3, 0.5, 0.4, 1, 0.5, 60, True),
    "Fibrinogen": (320, 70, 15, 10, 0, 60, 900, False),
    "Platelets": (210, 0.35, 8, 6, 0, 5, 800, True),
}
#: Lab panels: columns drawn together, hours between draws (low, high), share of stays with it.
_PANELS = (
    (("WBC", "Platelets", "Hgb", "Hct"), (8, 24), 0.95),
    (("Creatinine", "BUN", "Potassium", "Chloride", "HCO3", "Calcium", "Magnesium", "Phosphate",
      "Glucose"), (8, 24), 0.95),
    (("Glucose",), (4, 8), 0.5),
    (("Bilirubin_total", "AST", "Alkalinephos"), (20, 30), 0.45),
    (("Bilirubin_direct",), (24, 48), 0.08),
    (("PTT", "Fibrinogen"), (12, 24), 0.35),
    (("TroponinI",), (6, 12), 0.15),
)
_ABG = ("pH", "PaCO2", "BaseExcess", "SaO2", "HCO3")
#: Change at full sepsis severity (absolute units; "x" entries multiply the baseline).
_SEPSIS_DELTA = {"HR": 23, "Resp": 6.5, "Temp": 1.5, "SBP": -24, "DBP": -11, "O2Sat": -2.5,
                 "FiO2": 0.15, "Lactate": 2.0, "WBC": 7, "Platelets": "x-0.4", "Creatinine": 0.8,
                 "Bilirubin_total": 1.0, "BUN": 10, "HCO3": -4, "BaseExcess": -5, "pH": -0.07,
                 "Glucose": 35}
#: Non-infectious mimics: column -> change at the episode's peak.
CONFOUNDERS = {
    "post_op": {"HR": 20, "Resp": 4, "Temp": 0.6, "Lactate": 1.0, "WBC": 4},
    "fever": {"Temp": 1.4, "HR": 12, "Resp": 2},
    "hypotension": {"SBP": -22, "DBP": -10, "HR": 14, "Lactate": 0.8},
    "arrhythmia": {"HR": 38},
    "liver_disease": {"Bilirubin_total": 2.5, "Platelets": -90, "Lactate": 0.9},
    "kidney_disease": {"Creatinine": 1.8, "BUN": 25, "HCO3": -3},
}


@dataclass(frozen=True, eq=False)
class IcuStay:
    """One simulated ICU stay: hourly rows in ``PSV_COLUMNS`` order and its ground truth.

    ``onset_hour`` is the ICULOS hour of sepsis onset (t_sepsis) for septic stays, else None.
    """

    stay_id: str
    rows: np.ndarray  # (hours, 41) floats, NaN where not measured
    septic: bool
    onset_hour: int | None
    unit: str
    confounder: str | None
    ventilated: bool

    @property
    def n_hours(self) -> int:
        return int(self.rows.shape[0])

    def column(self, name: str) -> np.ndarray:
        """Values of one PSV column over the stay (a view)."""
        return self.rows[:, COL[name]]


def _ramp(t: np.ndarray, start: float, rise: float) -> np.ndarray:
    return np.clip((t - start) / max(rise, 1e-9), 0.0, 1.0)


def _episode(rng: np.random.Generator, t: np.ndarray, n: int, *, early: bool) -> np.ndarray:
    """A rise-plateau-fall curve peaking at 1: when it happens and how long it lasts are random."""
    start = rng.uniform(0, 3) if early else rng.uniform(4, max(5.0, n - 8))
    length = rng.uniform(6, 18)
    return _ramp(t, start, 2.0) * (1.0 - _ramp(t, start + length, rng.uniform(3, 10)))


def _baselines(rng: np.random.Generator, age: float) -> np.ndarray:
    base = np.full(N_PHYSIOLOGY, np.nan)
    for name, (mean, sd, *_rest, log) in _SPEC.items():
        base[COL[name]] = mean * np.exp(rng.normal(0, sd)) if log else rng.normal(mean, sd)
    base[COL["SBP"]] += 0.3 * (age - 60)  # stiffer arteries with age
    base[COL["HR"]] -= 0.1 * (age - 60)
    return base


def _drift(rng: np.random.Generator, n: int) -> np.ndarray:
    sd = np.array([_SPEC[c][2] for c in PSV_COLUMNS[:N_PHYSIOLOGY]])
    phi = 0.9
    shocks = rng.normal(0.0, 1.0, (n, N_PHYSIOLOGY)) * sd * np.sqrt(1 - phi ** 2)
    out = np.empty_like(shocks)
    out[0] = rng.normal(0.0, 1.0, N_PHYSIOLOGY) * sd
    for h in range(1, n):
        out[h] = phi * out[h - 1] + shocks[h]
    return out


def _sepsis_curve(rng: np.random.Generator, t: np.ndarray, onset: int) -> np.ndarray:
    """0 before deterioration, rising over 6-12 h to the severity at onset, easing with care."""
    lead = rng.uniform(6, 12)
    severity = rng.uniform(0.3, 1.1)
    rising = _ramp(t, onset - lead, lead) ** 1.3
    treated = 1.0 - 0.6 * _ramp(t, onset + rng.uniform(2, 6), 18)
    return severity * rising * treated


def _apply(latent: np.ndarray, base: np.ndarray, deltas: dict, curve: np.ndarray) -> None:
    for name, delta in deltas.items():
        i = COL[name]
        if isinstance(delta, str):  # "x<factor>": relative to the patient's baseline
            latent[:, i] += float(delta[1:]) * base[i] * curve
        else:
            latent[:, i] += delta * curve


def _latent(rng: np.random.Generator, n: int, age: float, septic: bool, onset: int | None,
            confounder: str | None) -> np.ndarray:
    t = np.arange(1, n + 1, dtype=float)
    base = _baselines(rng, age)
    latent = base + _drift(rng, n)
    if confounder in ("liver_disease", "kidney_disease"):
        _apply(latent, base, CONFOUNDERS[confounder], np.ones(n))
    elif confounder is not None:
        _apply(latent, base, CONFOUNDERS[confounder],
               _episode(rng, t, n, early=confounder == "post_op"))
    if septic:
        deltas = dict(_SEPSIS_DELTA)
        if rng.random() < 0.15:   # hypothermic sepsis, often the elderly
            deltas["Temp"] = -1.2
        if rng.random() < 0.15:   # leukopenic sepsis
            deltas["WBC"] = "x-0.5"
        _apply(latent, base, deltas, _sepsis_curve(rng, t, onset))
    latent[:, COL["MAP"]] = (latent[:, COL["SBP"]] + 2 * latent[:, COL["DBP"]]) / 3
    latent[:, COL["Hct"]] = 3.0 * latent[:, COL["Hgb"]]
    return latent


def simulate_stay(rng: np.random.Generator, stay_id: str, *, age: float, male: bool,
                  septic: bool, unit: str, confounder: str | None, ventilated: bool,
                  hosp_adm_hours: float) -> IcuStay:
    """Simulate one ICU stay of 24-120 hourly rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        The stay's own generator: the same state gives the same stay.
    stay_id : str
        Synthetic stay id (``syn000123``), never a PhysioNet name.
    age, male : float, bool
        Age in years at ICU admission and administrative sex (PhysioNet ``Gender`` 1 = male).
    septic : bool
        Whether sepsis starts during the stay; its onset hour is drawn here.
    unit : {"MICU", "SICU"}
        The ICU (PhysioNet ``Unit1`` = MICU, ``Unit2`` = SICU).
    confounder : str or None
        A key of :data:`CONFOUNDERS`: a non-infectious mimic of part of the septic picture.
    ventilated : bool
        Ventilated stays have FiO2, EtCO2 and arterial blood gases.
    hosp_adm_hours : float
        Hours from hospital to ICU admission (PhysioNet ``HospAdmTime``, zero or negative).
    """
    n = int(rng.integers(24, 121))
    onset = None
    if septic:
        onset = int(rng.integers(12, min(n - 2, 90) + 1))
        n = min(n, onset + int(rng.integers(6, 36)))
    latent = _latent(rng, n, age, septic, onset, confounder)
    rows = np.full((n, len(PSV_COLUMNS)), np.nan)
    rows[:, :N_PHYSIOLOGY] = measure(rng, latent, _SPEC, _PANELS, _ABG, ventilated)
    rows[:, COL["Age"]] = round(age, 2)
    rows[:, COL["Gender"]] = 1.0 if male else 0.0
    rows[:, COL["Unit1"]] = 1.0 if unit == "MICU" else 0.0
    rows[:, COL["Unit2"]] = 1.0 if unit == "SICU" else 0.0
    rows[:, COL["HospAdmTime"]] = round(hosp_adm_hours, 2)
    iculos = np.arange(1, n + 1, dtype=float)
    rows[:, COL["ICULOS"]] = iculos
    # PhysioNet 2019: positive from 6 h before t_sepsis to the end of the stay.
    rows[:, COL["SepsisLabel"]] = (iculos >= onset - 6) if septic else 0.0
    return IcuStay(stay_id=stay_id, rows=rows, septic=septic, onset_hour=onset, unit=unit,
                   confounder=confounder, ventilated=ventilated)
