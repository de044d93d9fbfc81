"""Hourly features: streaming equals batch, no future data is read, hand-checked values."""

import numpy as np
import pytest

from osler.errors import DataError, LeakageError
from osler.features import (DYNAMIC_VARIABLES, IncrementalFeaturizer, StayFrame,
                            check_no_leakage, feature_names, featurize)

NAMES = feature_names()


def synthetic_stay(n_hours=40, seed=0, gap_at=None) -> StayFrame:
    """A seeded stay: hourly vitals with gaps, labs every ~8 h, one gap in hours if asked."""
    rng = np.random.default_rng(seed)
    hours = np.arange(1, n_hours + 1, dtype=float)
    if gap_at is not None:
        hours[gap_at:] += 5
    values = np.full((n_hours, len(DYNAMIC_VARIABLES)), np.nan)
    base = rng.normal(80, 10, len(DYNAMIC_VARIABLES))
    vitals = rng.random((n_hours, 7)) < 0.8
    values[:, :7] = np.where(vitals, base[:7] + rng.normal(0, 5, (n_hours, 7)), np.nan)
    labs = rng.random((n_hours, len(DYNAMIC_VARIABLES) - 7)) < 0.12
    values[:, 7:] = np.where(labs, base[7:] + rng.normal(0, 3, labs.shape), np.nan)
    static = {"Age": 63.0, "Gender": 1.0, "Unit1": 1.0, "Unit2": 0.0, "HospAdmTime": -2.5}
    return StayFrame("s1", "synthetic.psv", hours, values, static,
                     np.arange(2, n_hours + 2), np.zeros(n_hours))


@pytest.mark.parametrize("gap_at", [None, 17])
def test_streaming_features_equal_batch_features(gap_at):
    frame = synthetic_stay(gap_at=gap_at)
    batch = featurize(frame)
    stream = IncrementalFeaturizer(frame.stay_id, frame.source, frame.static)
    rows = [stream.update(h, frame.values[i], int(frame.lines[i])).X[0]
            for i, h in enumerate(frame.hours)]
    np.testing.assert_array_equal(np.vstack(rows), batch.X)


def test_no_feature_reads_after_the_prediction_hour():
    frame = synthetic_stay(seed=3)
    before = featurize(frame).X
    rng = np.random.default_rng(9)
    for t in (0, 5, 20, 38):
        future = synthetic_stay(seed=3)
        future.values[t + 1:] = rng.normal(500, 100, future.values[t + 1:].shape)
        after = featurize(future, rows=np.array([t])).X[0]
        np.testing.assert_array_equal(after, before[t], err_msg=f"hour row {t} saw the future")


def test_every_sample_records_a_source_hour_no_later_than_its_prediction():
    block = featurize(synthetic_stay())
    assert check_no_leakage("sepsis", ["s1"] * len(block.rows), block.prediction_hours,
                            block.source_hours) == len(block.rows)
    with pytest.raises(LeakageError, match="sample s1 predicts at 3 but read a source at 4"):
        check_no_leakage("sepsis", ["s1"] * 2, np.array([2.0, 3.0]), np.array([2.0, 4.0]))


def test_hand_checked_values():
    frame = synthetic_stay(n_hours=6, seed=1)
    hr = DYNAMIC_VARIABLES.index("HR")
    frame.values[:, hr] = [80, np.nan, 90, 100, np.nan, np.nan]
    X = featurize(frame).X
    col = {n: i for i, n in enumerate(NAMES)}
    assert X[5, col["HR__last"]] == 100
    assert X[5, col["HR__hours_since"]] == 2
    assert X[5, col["HR__count"]] == 3
    assert X[5, col["HR__delta"]] == 10
    assert X[4, col["HR__measured"]] == 0
    assert X[3, col["HR__mean_6h"]] == pytest.approx(90)
    assert X[3, col["HR__max_6h"]] == 100 and X[3, col["HR__min_6h"]] == 80
    # least-squares slope of (1,80), (3,90), (4,100): Sxy 30 / Sxx 14/3 = 45/7 per hour
    assert X[3, col["HR__slope_6h"]] == pytest.approx(45 / 7, rel=1e-5)
    assert np.isnan(X[0, col["HR__delta"]])
    sbp = frame.values[5, DYNAMIC_VARIABLES.index("SBP")]
    if not np.isnan(sbp):
        assert X[5, col["shock_index"]] == pytest.approx(100 / sbp, rel=1e-5)


def test_streaming_rejects_hours_that_do_not_increase():
    stream = IncrementalFeaturizer("s1", "x.psv", {})
    stream.update(1, np.full(len(DYNAMIC_VARIABLES), np.nan))
    with pytest.raises(DataError, match="hours must increase; got 1 after 1"):
        stream.update(1, np.full(len(DYNAMIC_VARIABLES), np.nan))
