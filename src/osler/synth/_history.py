"""Outpatient history of a synthetic patient: chronic conditions, visits, vitals, labs, drugs."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import numpy as np

from osler.record import SNOMED, Coding, Condition, Encounter, Medication, Quantity
from osler.synth._catalogue import CHRONIC, LAB, MEDS, VITAL
from osler.synth._timeline import Timeline

__all__ = ["chronic_conditions", "outpatient_history"]

_CHECK_UP = Coding(SNOMED, "185349003", "Encounter for check up (procedure)")
_AMB = "AMB"
_HOUR = timedelta(hours=1)


def chronic_conditions(rng: np.random.Generator, age: float) -> list[str]:
    """Keys of the chronic conditions a patient of this age has (prevalence rises with age)."""
    weight = float(np.clip((age - 40) / 40, -0.5, 1.0))
    return [c.key for c in CHRONIC
            if rng.random() < c.prevalence_40 + (c.prevalence_80 - c.prevalence_40) * weight]


def _visit_time(rng: np.random.Generator, day: datetime) -> datetime:
    minutes = int(rng.integers(8 * 60, 17 * 60))
    return datetime.combine(day.date(), time(minutes // 60, minutes % 60), tzinfo=timezone.utc)


def _vitals(rng: np.random.Generator, tl: Timeline, at: datetime, enc: str, chronic: set[str],
            height: float) -> None:
    sbp = rng.normal(138 if "hypertension" in chronic else 120, 11)
    tl.measurement(VITAL["sbp"], round(sbp), at, enc, "vital-signs")
    tl.measurement(VITAL["dbp"], round(sbp * 0.62 + rng.normal(0, 5)), at, enc, "vital-signs")
    tl.measurement(VITAL["hr"], round(rng.normal(74, 9)), at, enc, "vital-signs")
    bmi = rng.normal(33, 3) if "obesity" in chronic else rng.normal(25.5, 2.5)
    tl.measurement(VITAL["height"], round(height, 1), at, enc, "vital-signs")
    tl.measurement(VITAL["weight"], round(bmi * (height / 100) ** 2, 1), at, enc, "vital-signs")
    tl.measurement(VITAL["bmi"], round(bmi, 1), at, enc, "vital-signs")


def _labs(rng: np.random.Generator, tl: Timeline, at: datetime, enc: str,
          chronic: set[str]) -> None:
    diabetic, ckd = "diabetes" in chronic, "ckd" in chronic
    values = {
        "creatinine": round(max(0.4, rng.normal(1.9 if ckd else 0.95, 0.4 if ckd else 0.15)), 2),
        "glucose": round(max(60, rng.normal(165 if diabetic else 95, 35 if diabetic else 10))),
        "hemoglobin": round(rng.normal(13.5, 1.3), 1),
        "wbc": round(float(np.exp(rng.normal(np.log(7), 0.2))), 1),
        "platelets": round(max(60, rng.normal(250, 50))),
        "potassium": round(rng.normal(4.2, 0.3), 1),
        "sodium": round(rng.normal(140, 2)),
    }
    if diabetic:
        values["hba1c"] = round(rng.normal(7.8, 0.9), 1)
    for name, value in values.items():
        tl.measurement(LAB[name], value, at, enc, "laboratory", delay=4 * _HOUR)


def outpatient_history(rng: np.random.Generator, tl: Timeline, index: datetime, birth: datetime,
                       chronic: list[str], male: bool) -> None:
    """1-4 check-ups in the 3 years before ``index``, chronic conditions and their drugs."""
    first_adult = birth + timedelta(days=365 * 18)
    for key in chronic:
        c = next(c for c in CHRONIC if c.key == key)
        onset = max(first_adult, index - timedelta(days=int(rng.integers(400, 3650))))
        tl.add(Condition, c.coding, time=onset, clinical_status="active",
               category="problem-list-item", status="active")
    height = rng.normal(176 if male else 163, 7)
    days = sorted(int(d) for d in rng.integers(30, 1100, size=int(rng.integers(1, 5))))
    for i, day in enumerate(reversed(days)):
        at = _visit_time(rng, index - timedelta(days=day))
        enc = tl.add(Encounter, _CHECK_UP, time=at, end_time=at + timedelta(minutes=30),
                     encounter_class=_AMB, care_site="Synthetic Community Clinic",
                     status="finished")
        _vitals(rng, tl, at, enc.id, set(chronic), height)
        _labs(rng, tl, at, enc.id, set(chronic))
        if i == 0:
            _prescribe(rng, tl, at, enc.id, chronic)


def _prescribe(rng: np.random.Generator, tl: Timeline, at: datetime, enc: str,
               chronic: list[str]) -> None:
    drugs = [c.medication for c in CHRONIC if c.key in chronic and c.medication]
    if "hypertension" in chronic and rng.random() < 0.3:
        drugs.append("amlodipine")
    doses = {"lisinopril": (10, "mg"), "metformin": (500, "mg"), "atorvastatin": (40, "mg"),
             "albuterol": (90, "ug"), "furosemide": (20, "mg"), "warfarin": (5, "mg"),
             "amlodipine": (5, "mg")}
    for drug in drugs:
        value, unit = doses[drug]
        tl.add(Medication, MEDS[drug], time=at, encounter_id=enc, action="request",
               status="active", dose=Quantity(value, unit),
               route="inhalation" if drug == "albuterol" else "oral")
