"""Derived icu-mortality features (SAPS-I-like points, PaO2/FiO2, urine per kg per hour) on a
synthetic stay, checked by hand."""

from datetime import timedelta

import numpy as np
import pytest

from osler.pipelines.icu_mortality import (DERIVED, PREDICTION_HOUR, _featurize, _variables,
                                           derived_features, feature_names_2012)
from osler.record import Coding, Observation, PatientRecord, Provenance, Quantity


def _stay(rows):
    mapping, _ = _variables()
    coding_of = {var: key for key, var in mapping.items()}
    events = [Observation(id=f"{var}-{hour}-{i}", coding=Coding(*coding_of[var]),
                          provenance=Provenance("synthetic.txt", "1", i),
                          offset=timedelta(hours=hour), value=Quantity(value, "1"))
              for i, (hour, var, value) in enumerate(rows)]
    return PatientRecord(patient_id="1", provenance=Provenance("synthetic.txt", "1"),
                         events=tuple(events))


ROWS = [(0, "Age", 70), (0, "Weight", 70), (2, "HR", 150), (30, "HR", 100),
        (1, "NISysABP", 70), (30, "NISysABP", 120), (1, "Temp", 37), (5, "Temp", 0),
        (30, "Temp", 37), (1, "MechVent", 1), (10, "Urine", 400), (40, "Urine", 1000),
        (1, "GCS", 6), (30, "GCS", 14), (1, "PaO2", 300), (2, "FiO2", 0.5), (3, "PaO2", 80),
        (30, "NIMAP", 0), (31, "NIMAP", 85)]


def _derived(rows):
    x, _, _ = _featurize(_stay(rows))
    got = dict(zip(feature_names_2012(), x))
    return {name: got[name] for name in DERIVED}


def test_saps_like_points_first_and_last_24_hours():
    got = _derived(ROWS)
    # first 24 h: age 3 + HR 150 3 + SBP 70 2 + ventilated 3 + urine 0.4 L/day 3 + GCS 6 3;
    # the temperature of 0 is a failed reading, not 4 points.
    assert got["saps_first24"] == 17
    # last 24 h: age 3 only (HR 100, SBP 120, urine 1.0 L/day, GCS 14 all score 0)
    assert got["saps_last24"] == 3 and got["saps_change"] == -14


def test_ratio_urine_pressure_and_counts():
    got = _derived(ROWS)
    assert got["pf_ratio_min"] == pytest.approx(160)  # PaO2 80 / FiO2 0.5; the first PaO2
    assert got["pf_ratio_last"] == pytest.approx(160)  # came before any FiO2
    assert got["urine_ml_per_kg_h"] == pytest.approx(1400 / 70 / PREDICTION_HOUR)
    assert (got["urine_first24"], got["urine_last24"]) == (400, 1000)
    assert (got["sbp_min"], got["sbp_last"], got["map_min"]) == (70, 120, 85)  # NIMAP 0 dropped
    assert got["shock_index_last"] == pytest.approx(100 / 120)
    assert got["mechvent_hours"] == 0
    # Age and Height are admission descriptors, not measurements
    assert got["measurements"] == len(ROWS) - 1 and got["variables_measured"] == 10


def test_unmeasured_stay_gives_missing_values_not_errors():
    got = _derived([(0, "Age", 40)])
    assert got["saps_first24"] == 0 and got["variables_measured"] == 0
    for name in ("pf_ratio_min", "urine_ml_per_kg_h", "sbp_min", "shock_index_last",
                 "bun_creatinine_last", "weight_change"):
        assert np.isnan(got[name]), name


def test_feature_names_match_the_vector():
    x, _, _ = _featurize(_stay(ROWS))
    assert len(feature_names_2012()) == len(x)
    assert len(derived_features(*_series_for(ROWS))) == len(DERIVED)


def _series_for(rows):
    from osler.features.summary import stay_series
    mapping, dynamic = _variables()
    series, _ = stay_series(_stay(rows), mapping, dynamic + ("Age", "Height", "Weight"), 48.0)
    return series, 48.0


def test_extra_age_rows_change_nothing_and_ages_over_89_read_as_90():
    # Some stays carry later admissions' ages as extra 00:00 rows; those stays rarely end in
    # death, so neither their number nor their values may reach a feature.
    x0, _, _ = _featurize(_stay(ROWS))
    x1, _, _ = _featurize(_stay(ROWS + [(0, "Age", 73), (0, "Age", 74)]))
    np.testing.assert_array_equal(x0, x1)
    old = [(h, v, 200 if v == "Age" else x) for h, v, x in ROWS]
    x2, _, _ = _featurize(_stay(old))
    names = feature_names_2012()
    assert x2[names.index("Age")] == 90 and x0[names.index("Age")] == 70
    assert _derived(old)["saps_first24"] == 18  # age 90: 4 points instead of 3


def test_window_extremes_drop_failed_readings_and_skip_flags():
    x, _, _ = _featurize(_stay(ROWS))
    got = dict(zip(feature_names_2012(), x))
    # Temp 37 at 1 h, 0 (failed) at 5 h, 37 at 30 h: the zero never counts
    assert got["Temp__first_window_min"] == 37 and got["Temp__time_mean"] == 37
    assert (got["HR__first_window_max"], got["HR__last_window_min"]) == (150, 100)
    assert got["HR__time_mean"] == pytest.approx((150 * 28 + 100 * 18) / 46)
    assert got["NIMAP__first_window_min"] != got["NIMAP__first_window_min"]  # 0 at 30 h only
    assert got["NIMAP__last_window_min"] == 85
    assert not any(n.startswith(("MechVent__time", "Urine__time")) for n in got)


def test_linear_partner_skips_the_window_extremes_and_the_baseline_reads_everything():
    from osler.pipelines.icu_mortality import TASK
    names = feature_names_2012()
    params = TASK._linear_params(names)
    kept = [names[i] for i in params["linear_columns"]]
    assert params["linear"] == "quantile-logistic"
    assert "HR__max" in kept and "saps_first24" in kept and "Age" in kept
    assert not any(n.endswith(("__time_mean", "__last_window_max")) for n in kept)
    assert len(kept) == len(names) - len([n for n in names if "_window_" in n or
                                          n.endswith("__time_mean")])
