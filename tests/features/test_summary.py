"""Stay summaries (first/last/min/max..., window statistics) on synthetic stays, by hand."""

from datetime import timedelta

import numpy as np

from osler.features.summary import (SUMMARY_STATS, WINDOW_STATS, stay_series, summarize_series,
                                    summarize_stay, summary_names)
from osler.record import LOINC, Coding, Observation, PatientRecord, Provenance, Quantity

HR = (LOINC, "8867-4", "Heart rate")
URINE = (LOINC, "9187-6", "Urine output")
MAPPING = {HR: "HR", URINE: "Urine"}


def _obs(key, hour, value):
    return Observation(id=f"{key[1]}-{hour}", coding=Coding(*key),
                       provenance=Provenance("synthetic.txt", "1", int(hour * 10)),
                       offset=timedelta(hours=hour), value=Quantity(value, "1"))


def _stay(*events):
    return PatientRecord(patient_id="1", provenance=Provenance("synthetic.txt", "1"),
                         events=tuple(events))


def test_series_are_sorted_and_stop_at_the_prediction_hour():
    stay = _stay(_obs(HR, 30, 100), _obs(HR, 2, 80), _obs(HR, 49, 150), _obs(URINE, 5, 40))
    series, latest = stay_series(stay, MAPPING, ["HR", "Urine", "Temp"], 48.0)
    np.testing.assert_array_equal(series["HR"], [[2, 80], [30, 100]])
    assert series["Temp"].shape == (0, 2) and latest == 30


def test_summary_and_window_statistics_by_hand():
    # HR at 0, 12, 30, 46 h: 80, 90, 110, 120. Early (<= 24 h): 80, 90; late (> 24 h): 110, 120.
    stay = _stay(*[_obs(HR, h, v) for h, v in ((0, 80), (12, 90), (30, 110), (46, 120))],
                 _obs(URINE, 3, 200), _obs(URINE, 40, 100))
    s = summarize_stay(stay, MAPPING, ["HR"], 48.0, sum_variables=["Urine"],
                       window_variables=["HR"])
    names = summary_names(["HR"], ["Urine"], ["HR"])
    got = dict(zip(names, s.values))
    assert len(names) == len(SUMMARY_STATS) + len(WINDOW_STATS) + 1 == len(s.values)
    assert (got["HR__first"], got["HR__last"], got["HR__change"], got["HR__hours_since"]) == \
        (80, 120, 40, 2)
    assert got["HR__median"] == 100 and got["HR__early_mean"] == 85
    assert (got["HR__late_mean"], got["HR__late_min"], got["HR__late_max"]) == (115, 110, 120)
    np.testing.assert_allclose(got["HR__std"], np.std([80, 90, 110, 120]))
    np.testing.assert_allclose(got["HR__slope"], np.polyfit([0, 12, 30, 46], [80, 90, 110, 120],
                                                            1)[0])
    assert got["Urine__total"] == 300 and s.source_hour == 46


def test_unmeasured_variable_is_missing_not_zero_except_its_count():
    s = summarize_series({"HR": np.zeros((0, 2))}, ["HR"], 48.0, window_variables=["HR"])
    got = dict(zip(summary_names(["HR"], (), ["HR"]), s))
    assert got["HR__count"] == 0
    assert all(np.isnan(v) for k, v in got.items() if k != "HR__count")


def test_one_reading_has_no_spread_or_slope():
    s = summarize_series({"HR": np.array([[5.0, 70.0]])}, [], 48.0, window_variables=["HR"])
    got = dict(zip(WINDOW_STATS, s))
    assert np.isnan(got["std"]) and np.isnan(got["slope"]) and np.isnan(got["late_mean"])
    assert got["median"] == 70 and got["early_mean"] == 70


def test_time_weighted_mean_and_window_extremes_by_hand():
    from osler.features.summary import EXTREME_STATS, extreme_names, summarize_extremes
    # HR 80 from 0 h, 100 from 12 h, 60 at 24 h, 120 from 36 h: held 12 h each up to 48 h.
    hr = np.array([[0, 80], [12, 100], [24, 60], [36, 120]], dtype=float)
    got = dict(zip(extreme_names(["HR", "Temp"]),
                   summarize_extremes({"HR": hr, "Temp": np.zeros((0, 2))}, ["HR", "Temp"],
                                      48.0)))
    assert len(got) == 2 * len(EXTREME_STATS)
    assert got["HR__time_mean"] == (80 + 100 + 60 + 120) / 4
    # the reading at 24 h belongs to both windows
    assert (got["HR__first_window_min"], got["HR__first_window_max"]) == (60, 100)
    assert (got["HR__last_window_min"], got["HR__last_window_max"]) == (60, 120)
    assert all(np.isnan(got[f"Temp__{s}"]) for s in EXTREME_STATS)


def test_time_weighted_mean_of_one_reading_at_the_prediction_hour_is_that_reading():
    from osler.features.summary import summarize_extremes
    got = summarize_extremes({"HR": np.array([[48.0, 90.0]])}, ["HR"], 48.0)
    assert got[0] == 90 and np.isnan(got[1]) and got[3] == 90
