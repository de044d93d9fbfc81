"""The hospital admission around a synthetic ICU stay: encounters, diagnoses, surgery, drugs,
admission labs. The hourly physiology itself is simulated in :mod:`osler.synth.physiology`."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from osler.record import SNOMED, Coding, Condition, Encounter, Medication, Procedure, Quantity
from osler.synth._catalogue import (ICU_REASONS, LAB, MEDS, PROCEDURES, SEPSIS, SEPSIS_SOURCES,
                                    SURGERIES)
from osler.synth._timeline import Timeline
from osler.synth.physiology import IcuStay, simulate_stay

__all__ = ["HOSPITAL", "admit_to_icu", "plan_icu_stay"]

HOSPITAL = "Synthetic General Hospital"
_INPATIENT = Coding(SNOMED, "32485007", "Hospital admission (procedure)")
_ICU = Coding(SNOMED, "305351004", "Admission to intensive care unit (procedure)")
_H = timedelta(hours=1)
_EPISODES = ("fever", "hypotension", "arrhythmia")
_ADMISSION_LABS = (("Lactate", "lactate"), ("WBC", "wbc"), ("Creatinine", "creatinine"),
                   ("Platelets", "platelets"), ("Bilirubin_total", "bilirubin"))


def plan_icu_stay(rng: np.random.Generator, chronic: list[str]) -> dict:
    """Who this ICU patient is: septic or not, which unit, which confounder, ventilated."""
    septic = bool(rng.random() < 0.13)
    unit = "SICU" if rng.random() < (0.25 if septic else 0.4) else "MICU"
    confounder = None
    if unit == "SICU" and rng.random() < 0.7:
        confounder = "post_op"
    elif "ckd" in chronic:
        confounder = "kidney_disease"
    elif "liver_disease" in chronic:
        confounder = "liver_disease"
    elif not septic and rng.random() < 0.55:
        confounder = str(rng.choice(_EPISODES))
    return {"septic": septic, "unit": unit, "confounder": confounder,
            "ventilated": bool(rng.random() < (0.5 if septic else 0.3))}


def admit_to_icu(rng: np.random.Generator, tl: Timeline, stay_id: str, icu_admit: datetime,
                 age: float, male: bool, chronic: list[str]) -> IcuStay:
    """Simulate the stay and add the admission's events to the timeline."""
    plan = plan_icu_stay(rng, chronic)
    hosp_hours = -float(rng.exponential(12.0)) if rng.random() < 0.7 else 0.0
    stay = simulate_stay(rng, stay_id, age=age, male=male, hosp_adm_hours=hosp_hours, **plan)
    hosp_start = icu_admit + hosp_hours * _H
    icu_end = icu_admit + stay.n_hours * _H
    hosp = tl.add(Encounter, _INPATIENT, time=hosp_start,
                  end_time=icu_end + float(rng.uniform(24, 120)) * _H, encounter_class="IMP",
                  care_site=HOSPITAL, status="finished")
    icu = tl.add(Encounter, _ICU, time=icu_admit, end_time=icu_end, encounter_class="ACUTE",
                 care_site=HOSPITAL, unit=stay.unit, status="finished")
    if stay.unit == "SICU":
        surgery = str(rng.choice(SURGERIES))
        tl.add(Procedure, PROCEDURES[surgery], time=icu_admit - 3 * _H, end_time=icu_admit - _H,
               encounter_id=hosp.id, status="completed")
    if stay.ventilated:
        tl.add(Procedure, PROCEDURES["intubation"], time=icu_admit, encounter_id=icu.id,
               status="completed")
    _diagnoses(rng, tl, stay, icu_admit, icu.id)
    _icu_drugs(tl, stay, icu_admit, icu.id)
    _admission_labs(tl, stay, icu_admit, icu.id)
    return stay


def _diagnoses(rng: np.random.Generator, tl: Timeline, stay: IcuStay, admit: datetime,
               enc: str) -> None:
    if stay.septic:
        onset = admit + (stay.onset_hour - 1) * _H
        source = SEPSIS_SOURCES[int(rng.integers(len(SEPSIS_SOURCES)))]
        tl.add(Condition, source, time=onset - 6 * _H, encounter_id=enc,
               clinical_status="resolved", category="encounter-diagnosis", status="resolved")
        tl.add(Condition, SEPSIS, time=onset, encounter_id=enc, clinical_status="resolved",
               category="encounter-diagnosis", status="resolved")
    elif stay.unit == "MICU":
        reason = ICU_REASONS[int(rng.integers(len(ICU_REASONS)))]
        tl.add(Condition, reason, time=admit, encounter_id=enc, clinical_status="resolved",
               category="encounter-diagnosis", status="resolved")


def _icu_drugs(tl: Timeline, stay: IcuStay, admit: datetime, enc: str) -> None:
    def order(drug: str, hour: float, dose: float, unit: str, route: str) -> None:
        tl.add(Medication, MEDS[drug], time=admit + hour * _H, encounter_id=enc,
               action="request", status="completed", dose=Quantity(dose, unit), route=route)

    order("heparin", 2, 5000, "[iU]", "subcutaneous")
    if stay.septic:
        order("vancomycin", stay.onset_hour, 1000, "mg", "intravenous")
        order("ceftriaxone", stay.onset_hour, 2000, "mg", "intravenous")
        if np.nanmin(stay.column("MAP"), initial=np.inf) < 65:
            order("norepinephrine", stay.onset_hour + 1, 8, "ug/min", "intravenous")
    if stay.confounder == "fever" or np.nanmax(stay.column("Temp"), initial=0) > 38.5:
        order("acetaminophen", 4, 1000, "mg", "oral")


def _admission_labs(tl: Timeline, stay: IcuStay, admit: datetime, enc: str) -> None:
    """The first value of key labs in the stay, as FHIR-visible observations."""
    for column, lab in _ADMISSION_LABS:
        values = stay.column(column)
        hours = np.flatnonzero(~np.isnan(values))
        if hours.size:
            at = admit + int(hours[0]) * _H
            tl.measurement(LAB[lab], float(values[hours[0]]), at, enc, "laboratory", delay=_H)
