"""The PhysioNet 2019 utility against hand-computed cases."""

import numpy as np
import pytest

from osler.errors import DataError
from osler.evaluate import alert_burden, lead_times, normalized_utility, stay_utility


def _septic(n=30, first_label=10):
    y = np.zeros(n)
    y[first_label:] = 1
    return y  # onset t_sepsis = first_label + 6 = 16


def test_never_alarming_scores_zero_and_perfect_scores_one():
    y = np.r_[_septic(), np.zeros(20), _septic(40, 25)]
    stays = np.r_[np.zeros(30), np.ones(20), np.full(40, 2)]
    assert normalized_utility(y, np.zeros(y.size, bool), stays) == pytest.approx(0.0)
    best = np.zeros(y.size, bool)
    best[4:20] = True            # stay 0: t_sepsis 16 -> rows 16-12=4 .. 16+3=19
    best[50 + 19:50 + 35] = True  # stay 2: t_sepsis 31 -> rows 19 .. 34
    assert normalized_utility(y, best, stays) == pytest.approx(1.0)


def test_hand_computed_septic_stay():
    y = _septic()  # t_sepsis = 16
    # Alarm at t=7 (rel -9): m1*(rel+12) = 3/6 = 0.5
    a = np.zeros(30, bool); a[7] = True
    # missed hours rel -5..+3 (t=11..19): -2/9 * (rel+6) for rel=-5..3 -> -2/9*(1+..+9) = -10
    assert stay_utility(y, a) == pytest.approx(0.5 - 10.0)
    # Alarm at t=13 (rel -3): late TP = -1/9*(rel-3) = 6/9; other late hours missed.
    b = np.zeros(30, bool); b[13] = True
    expected = 6 / 9 - 2 / 9 * (45 - 3)
    assert stay_utility(y, b) == pytest.approx(expected)
    # Alarm far too early (t=0, rel -16): capped at the false-alarm cost -0.05.
    c = np.zeros(30, bool); c[0] = True
    assert stay_utility(y, c) == pytest.approx(-0.05 - 10.0)
    # Hours after +3 (t >= 20) are not scored at all.
    d = np.zeros(30, bool); d[20:] = True
    assert stay_utility(y, d) == pytest.approx(-10.0)


def test_non_septic_false_alarms_cost_005_each():
    y = np.zeros(12)
    a = np.zeros(12, bool); a[[1, 5, 6]] = True
    assert stay_utility(y, a) == pytest.approx(-0.15)


def test_normalized_utility_mixes_stays():
    y = np.r_[_septic(), np.zeros(10)]
    stays = np.r_[np.zeros(30), np.ones(10)]
    a = np.zeros(40, bool); a[10:20] = True; a[30:40] = True
    # stay 0 at t=10..19: rel -6 -> 1, rel -5..3 -> -1/9*(rel-3) = 8/9..0
    observed = 1 + sum(-(r - 3) / 9 for r in range(-5, 4)) - 0.5
    best = sum(max((r + 12) / 6, -0.05) for r in range(-12, -5)) + sum(-(r - 3) / 9
                                                                     for r in range(-5, 4))
    inaction = -10.0
    assert normalized_utility(y, a, stays) == pytest.approx((observed - inaction) /
                                                            (best - inaction))


def test_mismatched_lengths_are_rejected():
    with pytest.raises(DataError, match="same length"):
        stay_utility(np.zeros(3), np.zeros(4, bool))


def test_alert_burden_counts_new_alerts_per_100_patient_days():
    alarms = np.array([0, 1, 1, 0, 1, 1, 1, 1], bool)
    stays = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    # stay 0: alerts start at rows 1 and 4; stay 1: starts at its first row -> 3 alerts / 8 h
    assert alert_burden(alarms, stays, 8.0) == pytest.approx(3 / (8 / 24) * 100)


def test_lead_time_is_hours_from_first_alarm_to_onset():
    y = _septic()
    hours = np.arange(1, 31, dtype=float)   # onset at hour 11 + 6 = 17
    a = np.zeros(30, bool); a[[2, 9, 12]] = True   # hour 3 is > 12 h early: ignored
    assert lead_times(y, a, hours, np.zeros(30))[0] == pytest.approx(17 - 10)


def test_vectorised_utility_equals_the_per_stay_definition():
    rng = np.random.default_rng(4)
    labels, stays, alarms = [], [], []
    for k in range(40):
        n = int(rng.integers(5, 60))
        y = np.zeros(n)
        if k % 3 == 0:
            y[int(rng.integers(0, n)):] = 1
        labels.append(y); stays.append(np.full(n, k)); alarms.append(rng.random(n) < 0.3)
    y, s, a = map(np.concatenate, (labels, stays, alarms))
    observed = sum(stay_utility(yy, aa) for yy, aa in zip(labels, alarms))
    inaction = sum(stay_utility(yy, np.zeros(yy.size, bool)) for yy in labels)
    best = 0.0
    for yy in labels:  # the challenge's reference alarms: onset -12 h .. +3 h
        b = np.zeros(yy.size, bool)
        if yy.any():
            ts = int(np.argmax(yy == 1)) + 6
            b[max(0, ts - 12):min(ts + 4, yy.size)] = True
        best += stay_utility(yy, b)
    assert normalized_utility(y, a, s) == pytest.approx((observed - inaction) / (best - inaction))


def test_utility_interval_brackets_the_estimate_and_narrows_with_more_stays():
    from osler.evaluate import utility_interval

    rng = np.random.default_rng(3)

    def cohort(n_stays):
        ys, alarms, stays = [], [], []
        for k in range(n_stays):
            septic = k % 5 == 0
            y = _septic(30, 10) if septic else np.zeros(30)
            a = rng.random(30) < (0.6 if septic else 0.05)
            ys.append(y); alarms.append(a); stays.append(np.full(30, k))
        return np.concatenate(ys), np.concatenate(alarms), np.concatenate(stays)

    y, a, s = cohort(50)
    estimate = normalized_utility(y, a, s)
    lo, hi = utility_interval(y, a, s, n_boot=300)
    assert lo < estimate < hi
    y2, a2, s2 = cohort(800)
    lo2, hi2 = utility_interval(y2, a2, s2, n_boot=300)
    assert hi2 - lo2 < (hi - lo) / 2
    # Alarming exactly where it pays scores 1 in every draw.
    from osler.evaluate.utility import row_utilities
    u_alarm, u_quiet = row_utilities(y, s)
    assert utility_interval(y, u_alarm > u_quiet, s) == pytest.approx((1.0, 1.0))
