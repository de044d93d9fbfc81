"""The synthetic cohort: seeded, coherent, clearly SYNTHETIC patients.

Patient ``i`` of seed ``s`` depends only on ``(s, i)``: a larger cohort with the same seed
starts with the same patients. About 15 % of patients have an ICU stay, and about 13 % of
those become septic during it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np

from osler.record import LOINC, Coding, Note, PatientRecord
from osler.synth._admission import admit_to_icu
from osler.synth._history import chronic_conditions, outpatient_history
from osler.synth._notes import clinical_note
from osler.synth._timeline import Timeline
from osler.synth.physiology import IcuStay

__all__ = ["ICU_SHARE", "SyntheticPatient", "generate_cohort", "synthesize_patient"]

ICU_SHARE = 0.15
_FIRST_INDEX = datetime(2021, 1, 1, tzinfo=timezone.utc)
#: OMB race categories (CDC race & ethnicity code set) with rough US adult shares.
RACES = (("2106-3", "White", 0.62), ("2054-5", "Black or African American", 0.13),
         ("2028-9", "Asian", 0.06), ("1002-5", "American Indian or Alaska Native", 0.02),
         ("2076-8", "Native Hawaiian or Other Pacific Islander", 0.01),
         ("2131-1", "Other Race", 0.16))
ETHNICITIES = (("2135-2", "Hispanic or Latino"), ("2186-5", "Not Hispanic or Latino"))
_PROGRESS_NOTE = Coding(LOINC, "11506-3", "Progress note")


@dataclass(frozen=True, eq=False)
class SyntheticPatient:
    """One synthetic patient: the record (demographics and events) and, maybe, an ICU stay.

    ``label`` is the obviously synthetic display name (``Synthetic-000123``).
    """

    patient_id: str
    label: str
    record: PatientRecord
    icu: IcuStay | None

    @property
    def birth_date(self) -> date | None:
        return self.record.birth_date

    @property
    def sex(self) -> str | None:
        return self.record.sex

    @property
    def race(self) -> str | None:
        return self.record.race

    @property
    def ethnicity(self) -> str | None:
        return self.record.ethnicity


def _choose_race(rng: np.random.Generator) -> str:
    shares = np.array([r[2] for r in RACES])
    return RACES[int(rng.choice(len(RACES), p=shares / shares.sum()))][1]


def synthesize_patient(number: int, seed: int) -> SyntheticPatient:
    """Patient ``number`` of the cohort with ``seed``: a pure function of both."""
    rng = np.random.default_rng([seed, number])
    patient_id, label = f"synp{number:06d}", f"Synthetic-{number:06d}"
    tl = Timeline(patient_id, seed)
    has_icu = bool(rng.random() < ICU_SHARE)
    age = float(np.clip(rng.normal(64, 15), 18, 95) if has_icu else rng.uniform(18, 90))
    male = bool(rng.random() < (0.56 if has_icu else 0.49))
    index = _FIRST_INDEX + timedelta(days=int(rng.integers(0, 3 * 365)),
                                     hours=int(rng.integers(0, 24)))
    birth = index - timedelta(days=age * 365.25)
    race, ethnicity = _choose_race(rng), ETHNICITIES[int(rng.random() >= 0.17)][1]
    chronic = chronic_conditions(rng, age)
    outpatient_history(rng, tl, index, birth, chronic, male)
    stay = (admit_to_icu(rng, tl, f"syn{number:06d}", index, age, male, chronic)
            if has_icu else None)
    record = PatientRecord(patient_id=patient_id, provenance=tl.provenance,
                           birth_date=birth.date(), sex="male" if male else "female", race=race,
                           ethnicity=ethnicity, site="Synthetic General Hospital",
                           events=tuple(tl.events))
    last = max((e for e in tl.events if e.end_time is not None), key=lambda e: e.end_time)
    tl.add(Note, _PROGRESS_NOTE, time=last.end_time, encounter_id=last.id, status="current",
           title="Synthetic progress note", author_role="physician",
           text=clinical_note(rng, record, label, int(age), stay))
    record = record.with_events(tl.events[len(record.events):])
    return SyntheticPatient(patient_id=patient_id, label=label, record=record, icu=stay)


def generate_cohort(n_patients: int, seed: int) -> list[SyntheticPatient]:
    """A seeded synthetic cohort of ``n_patients`` patients.

    Parameters
    ----------
    n_patients : int
        How many patients (0 or more).
    seed : int
        Same seed, same cohort: patient ``i`` depends only on ``(seed, i)``.

    Returns
    -------
    list of SyntheticPatient
        Patients ``synp000000`` ... in order; ICU stays are ``syn000123`` for patient 123.

    Examples
    --------
    >>> cohort = generate_cohort(5, seed=0)
    >>> [p.patient_id for p in cohort][:2]
    ['synp000000', 'synp000001']
    """
    if not isinstance(n_patients, int) or isinstance(n_patients, bool) or n_patients < 0:
        raise ValueError(f"'n_patients' must be an integer >= 0; got {n_patients!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"'seed' must be an integer >= 0; got {seed!r}")
    return [synthesize_patient(i, seed) for i in range(n_patients)]
