"""Evidence items name the measurement behind a feature: value, unit, hour and source line."""

from datetime import timedelta

import numpy as np

from osler.explain import hourly_source, mean_abs_contributions, top_evidence
from osler.features import DYNAMIC_VARIABLES, StayFrame, feature_names, featurize


def _frame():
    n = 5
    values = np.full((n, len(DYNAMIC_VARIABLES)), np.nan)
    hr, lac = DYNAMIC_VARIABLES.index("HR"), DYNAMIC_VARIABLES.index("Lactate")
    values[:, hr] = [90, 95, np.nan, 120, np.nan]
    values[1, lac] = 4.2
    return StayFrame("p1", "set.zip!p1.psv", np.arange(1.0, n + 1), values, {"Age": 70.0},
                     np.arange(2, n + 2), np.zeros(n), event_ids={(3, hr): "ev-hr-3"})


def test_top_evidence_points_at_the_source_line_and_hour():
    frame = _frame()
    names = feature_names()
    x = featurize(frame).X[4]
    contrib = np.zeros(len(names) + 1)
    contrib[names.index("HR__last")] = 0.8
    contrib[names.index("Lactate__last")] = -0.3
    contrib[names.index("Age")] = 0.1
    ev = top_evidence(names, x, contrib, hourly_source(frame, 4), top_k=3)
    assert [e.detail for e in ev] == ["HR__last", "Lactate__last", "Age"]
    hr = ev[0]
    assert hr.label == "Heart rate, last value" and hr.value == 120 and hr.unit == "/min"
    assert hr.offset == timedelta(hours=4) and hr.source.line == 5
    assert hr.source.record == "p1" and hr.event_ids == ("ev-hr-3",)
    assert ev[1].unit == "mmol/L" and ev[1].offset == timedelta(hours=2)
    assert ev[1].to_dict()["offset_hours"] == 2.0


def test_global_importance_is_sorted():
    table = mean_abs_contributions(["a", "b"], np.array([[0.1, -2.0, 0.5], [0.3, 1.0, 0.5]]))
    assert table["feature"].tolist() == ["b", "a"]
    assert table["mean_abs_contribution"].iloc[0] == 1.5


def _peaked_frame():
    """HR peaks at hour 2 (line 3), then falls; hours 1..30."""
    n = 30
    values = np.full((n, len(DYNAMIC_VARIABLES)), np.nan)
    hr = DYNAMIC_VARIABLES.index("HR")
    values[:, hr] = 80.0
    values[1, hr] = 130.0
    values[20, hr] = 60.0
    return StayFrame("p2", "p2.psv", np.arange(1.0, n + 1), values, {"Age": 70.0},
                     np.arange(2, n + 2), np.zeros(n)), hr


def test_a_maximum_or_minimum_cites_the_measurement_that_holds_it():
    frame, hr = _peaked_frame()
    names = feature_names()
    row = 25
    x = featurize(frame).X[row]
    describe = hourly_source(frame, row)
    for feature in ("HR__running_max", "HR__max_24h", "HR__min_6h", "HR__running_min",
                    "HR__max_6h"):
        src = describe(feature)
        cited = frame.values[src.source.line - 2, hr]   # lines start at 2 in this frame
        assert cited == x[names.index(feature)], feature
    assert describe("HR__running_max").offset == timedelta(hours=2)
    assert describe("HR__slope_6h").unit == "/min/h"
