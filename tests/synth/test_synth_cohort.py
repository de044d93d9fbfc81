"""The in-memory synthetic cohort: seeded, coherent, pseudonymous."""

from __future__ import annotations

import numpy as np
import pytest

import osler.synth
from osler.record import LOINC, RXNORM, SNOMED, EventKind
from osler.synth import generate_cohort, synthesize_patient
from osler.synth._notes import BANNER


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(150, seed=3)


def test_all_is_sorted():
    assert osler.synth.__all__ == sorted(osler.synth.__all__)


def test_same_seed_same_cohort_and_prefix_stable(cohort):
    again = generate_cohort(40, seed=3)
    for a, b in zip(cohort, again):
        assert a.record == b.record
        assert (a.icu is None) == (b.icu is None)
        if a.icu is not None:
            np.testing.assert_array_equal(a.icu.rows, b.icu.rows)
    other = generate_cohort(40, seed=4)
    assert [p.record.birth_date for p in other] != [p.record.birth_date for p in again]


@pytest.mark.parametrize("bad", [-1, 2.5, "10", True])
def test_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="n_patients"):
        generate_cohort(bad, seed=0)


def test_ids_and_names_are_obviously_synthetic(cohort):
    for number, p in enumerate(cohort):
        assert p.patient_id == f"synp{number:06d}"
        assert p.label == f"Synthetic-{number:06d}"
        if p.icu is not None:
            assert p.icu.stay_id == f"syn{number:06d}"


def test_demographics_are_plausible(cohort):
    sexes = {p.sex for p in cohort}
    assert sexes == {"female", "male"}
    assert all(p.race and p.ethnicity and p.birth_date for p in cohort)
    assert len({p.race for p in cohort}) >= 3
    years = [p.birth_date.year for p in cohort]
    assert 1920 < min(years) and max(years) < 2006  # adults at their index date (2021-2023)


def test_events_carry_standard_codes_and_units(cohort):
    systems = {EventKind.CONDITION: SNOMED, EventKind.MEDICATION: RXNORM}
    for p in cohort:
        for e in p.record.events:
            if e.kind in systems:
                assert e.coding.system == systems[e.kind]
            if e.kind is EventKind.OBSERVATION:
                assert e.coding.system == LOINC and e.value.unit
            assert e.time is not None and e.time.tzinfo is not None
        assert p.record.counts()["encounter"] >= 1


def test_icu_share_and_septic_share():
    stays = [p.icu for p in generate_cohort(400, seed=1) if p.icu is not None]
    assert 0.10 < len(stays) / 400 < 0.20
    septic = sum(s.septic for s in stays) / len(stays)
    assert 0.05 < septic < 0.22


def test_septic_patients_have_a_sepsis_condition_at_onset():
    septic = [p for p in generate_cohort(300, seed=0) if p.icu is not None and p.icu.septic]
    assert septic
    for p in septic:
        sepsis = [e for e in p.record.events if e.coding and e.coding.code == "91302008"]
        icu = next(e for e in p.record.events if e.kind is EventKind.ENCOUNTER
                   and e.unit is not None)
        hours = (sepsis[0].time - icu.time).total_seconds() / 3600
        assert hours == p.icu.onset_hour - 1  # ICULOS 1 is the first hour after admission


def test_every_patient_has_a_synthetic_note(cohort):
    for p in cohort:
        notes = p.record.of_kind("note")
        assert len(notes) == 1 and notes[0].text.startswith(BANNER)
        assert p.label in notes[0].text


def test_patient_depends_only_on_seed_and_number():
    assert synthesize_patient(7, 3).record == generate_cohort(8, seed=3)[7].record
