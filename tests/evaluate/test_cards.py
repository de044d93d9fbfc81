"""report_card: what the card says about calibration, and its provenance."""

from __future__ import annotations

import numpy as np

from osler.evaluate import evaluate_binary
from osler.evaluate.calibration import N_BINS, STRATEGY
from osler.evaluate.cards import report_card


def _report():
    rng = np.random.default_rng(0)
    y = (rng.random(200) < 0.3).astype(float)
    p = np.clip(0.3 + 0.3 * (y - 0.3) + rng.normal(0, 0.1, 200), 0.01, 0.99)
    return evaluate_binary("toy", y, p, np.arange(200), n_boot=10,
                           baselines={"noise": rng.random(200)})


def test_ece_and_brier_are_defined_on_the_card_with_the_binning_used():
    report = _report()
    card = report_card(report, title="t")
    note = next(s.note for s in card.sections if s.heading == "Calibration")
    assert (N_BINS, STRATEGY) == (10, "quantile")
    assert "ECE (expected calibration error)" in note and "10 bins of equal count" in note
    assert "Brier score: the mean of (predicted risk - outcome)^2" in note
    assert f"{report.prevalence * (1 - report.prevalence):.3f} here" in note
    assert len(report.calibration) <= N_BINS


def test_provenance_is_passed_through_and_absent_when_not_given():
    report = _report()
    card = report_card(report, title="t", provenance={"task": "toy"})
    assert card.to_dict()["provenance"] == {"task": "toy"}
    assert "<h2>Provenance</h2>" in card.to_html()
    bare = report_card(report, title="t")
    assert bare.to_dict()["provenance"] == {} and "<h2>Provenance</h2>" not in bare.to_html()
