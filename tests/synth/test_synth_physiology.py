"""Hourly ICU physiology: PhysioNet layout, SepsisLabel convention, a septic signal that is
real but not a single-variable giveaway."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osler.synth.physiology import _SPEC, CONFOUNDERS, PSV_COLUMNS, IcuStay, simulate_stay


def _stay(seed: int, *, septic: bool, confounder: str | None = None) -> IcuStay:
    return simulate_stay(np.random.default_rng(seed), f"syn{seed:06d}", age=65.0, male=True,
                         septic=septic, unit="MICU", confounder=confounder, ventilated=False,
                         hosp_adm_hours=-2.0)


@pytest.fixture(scope="module")
def septic_stays() -> list[IcuStay]:
    return [_stay(s, septic=True) for s in range(60)]


@pytest.fixture(scope="module")
def other_stays() -> list[IcuStay]:
    return [_stay(1000 + s, septic=False) for s in range(60)]


def test_psv_columns_match_the_physionet_reader():
    from osler.ingest.physionet import PSV_COLUMNS as reader_columns
    assert list(PSV_COLUMNS) == list(reader_columns)
    assert len(PSV_COLUMNS) == 41


def test_stay_shape_hours_and_static_columns(septic_stays, other_stays):
    for stay in septic_stays + other_stays:
        assert stay.rows.shape == (stay.n_hours, 41)
        assert 24 <= stay.n_hours <= 120 or stay.septic  # septic stays end 6-36 h after onset
        assert stay.column("ICULOS").tolist() == list(range(1, stay.n_hours + 1))
        for name in ("Age", "Gender", "Unit1", "Unit2", "HospAdmTime"):
            assert np.unique(stay.column(name)).size == 1, name
        assert stay.column("Unit1")[0] == 1 and stay.column("Unit2")[0] == 0


def test_sepsis_label_follows_physionet_2019(septic_stays, other_stays):
    for stay in septic_stays:
        label = stay.column("SepsisLabel")
        first_positive = int(np.flatnonzero(label == 1)[0]) + 1  # as an ICULOS hour
        assert first_positive == max(1, stay.onset_hour - 6)
        assert label[first_positive - 1:].min() == 1  # stays positive to the end of the stay
        assert label[:first_positive - 1].max(initial=0) == 0
        assert stay.onset_hour <= stay.n_hours
    for stay in other_stays:
        assert stay.onset_hour is None and stay.column("SepsisLabel").max() == 0


def _window_mean(stays: list[IcuStay], column: str, septic: bool) -> float:
    """Mean over the 6 h before onset (septic) or the same hours of a non-septic stay."""
    values = []
    for i, stay in enumerate(stays):
        onset = stay.onset_hour if septic else min(stay.n_hours, 12 + (i * 7) % 60)
        values.append(stay.column(column)[onset - 7:onset - 1])
    return float(np.nanmean(np.concatenate(values)))


@pytest.mark.parametrize("column, direction", [("HR", 1), ("Resp", 1), ("Lactate", 1),
                                               ("WBC", 1), ("MAP", -1), ("SBP", -1),
                                               ("Platelets", -1)])
def test_septic_physiology_departs_before_onset(septic_stays, other_stays, column, direction):
    septic = _window_mean(septic_stays, column, septic=True)
    other = _window_mean(other_stays, column, septic=False)
    assert direction * (septic - other) > 0, (column, septic, other)


def test_heart_rate_rises_within_septic_stays(septic_stays):
    """The deterioration is a change over time, not only a different baseline."""
    early = np.nanmean(np.concatenate([s.column("HR")[:6] for s in septic_stays]))
    late = np.nanmean(np.concatenate([s.column("HR")[s.onset_hour - 4:s.onset_hour]
                                      for s in septic_stays]))
    assert late - early > 5


def test_vitals_hourly_labs_sparse(other_stays):
    rows = np.concatenate([s.rows for s in other_stays])
    present = ~np.isnan(rows)
    share = {c: present[:, i].mean() for i, c in enumerate(PSV_COLUMNS)}
    assert 0.8 < share["HR"] < 0.97 and 0.7 < share["MAP"] < 0.95
    assert 0.1 < share["Temp"] < 0.5
    assert 0.02 < share["WBC"] < 0.2 and share["Lactate"] < 0.15
    assert share["EtCO2"] == 0  # only ventilated stays have capnography


@pytest.mark.parametrize("confounder", sorted(CONFOUNDERS))
def test_confounders_mimic_part_of_sepsis_without_labels(confounder):
    stay = _stay(7, septic=False, confounder=confounder)
    assert stay.confounder == confounder and stay.column("SepsisLabel").max() == 0


def test_post_op_tachycardia_without_sepsis():
    post_op = [_stay(2000 + s, septic=False, confounder="post_op") for s in range(30)]
    plain = [_stay(2000 + s, septic=False) for s in range(30)]
    def first_hours(stays: list[IcuStay]) -> float:
        return float(np.nanmean(np.concatenate([s.column("HR")[2:10] for s in stays])))

    assert first_hours(post_op) - first_hours(plain) > 8


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), septic=st.booleans(),
       unit=st.sampled_from(["MICU", "SICU"]),
       confounder=st.sampled_from([None, *sorted(CONFOUNDERS)]), ventilated=st.booleans())
def test_any_stay_keeps_the_psv_invariants(seed, septic, unit, confounder, ventilated):
    stay = simulate_stay(np.random.default_rng(seed), "syn000001", age=50.0, male=False,
                         septic=septic, unit=unit, confounder=confounder, ventilated=ventilated,
                         hosp_adm_hours=0.0)
    rows = stay.rows
    assert rows.shape[1] == 41 and 14 <= stay.n_hours <= 120
    assert not np.isnan(rows[:, PSV_COLUMNS.index("Age"):]).any()  # stay columns always filled
    for name, (_m, _s, _d, _n, _dec, low, high, _log) in _SPEC.items():
        values = stay.column(name)
        values = values[~np.isnan(values)]
        assert ((values >= low) & (values <= high)).all(), name
    label = stay.column("SepsisLabel")
    if septic:
        assert 12 <= stay.onset_hour <= stay.n_hours
        assert label.sum() == stay.n_hours - (stay.onset_hour - 6) + 1
    else:
        assert label.sum() == 0
