"""Bedside scores from their versioned thresholds, checked by hand."""

import numpy as np
import pytest

from osler.errors import OslerError
from osler.features import load_score


def test_news2_by_hand():
    news2 = load_score("news2")
    last = {"Resp": np.array([8, 16, 22, np.nan]), "O2Sat": np.array([91, 97, 95, np.nan]),
            "FiO2": np.array([0.5, np.nan, 0.21, np.nan]), "SBP": np.array([90, 120, 105, np.nan]),
            "HR": np.array([135, 70, 95, np.nan]), "Temp": np.array([35.0, 37, 38.5, np.nan])}
    # row 0: 3+3+2+3+3+3 = 17; row 1: 0; row 2: 2+1+0+1+1+1 = 6; row 3: all missing -> 0
    np.testing.assert_array_equal(news2.score(last), [17, 0, 6, 0])
    assert news2.alert_threshold == 5 and "Royal College of Physicians" in news2.source


def test_qsofa_and_sirs_by_hand():
    qsofa, sirs = load_score("qsofa"), load_score("sirs")
    last = {"Resp": np.array([22, 21]), "SBP": np.array([100, 101]),
            "Temp": np.array([38.5, 37]), "HR": np.array([91, 90]),
            "PaCO2": np.array([30, np.nan]), "WBC": np.array([3, 8])}
    np.testing.assert_array_equal(qsofa.score(last), [2, 0])
    np.testing.assert_array_equal(sirs.score(last), [4, 1])  # Resp 21 > 20 counts once


def test_unknown_score_is_rejected():
    with pytest.raises(OslerError, match="score must be one of"):
        load_score("mews")
