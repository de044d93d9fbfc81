"""The NegEx evaluation set, read at run time from ../shared/data (subset: tests stay fast)."""

from __future__ import annotations

import pytest

from osler.nlp.corpus import read_negex_annotations, split_of

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def test_split_keeps_each_sentence_on_one_side(shared_data):
    pairs = read_negex_annotations(shared_data / "negex")
    tune = {p.sentence for p in pairs if split_of(p.sentence) == "tune"}
    heldout = {p.sentence for p in pairs if split_of(p.sentence) == "heldout"}
    assert tune and heldout and not tune & heldout
    assert {p.negation for p in pairs} <= {"Negated", "Affirmed", "Possible"}
    assert {p.temporality for p in pairs} <= {"Recent", "Historical", "Hypothetical"}


def test_three_systems_in_one_run_on_a_heldout_subset(shared_data, attributor):
    from osler.nlp.evaluate import evaluate_context

    pairs = read_negex_annotations(shared_data / "negex", "heldout")[:150]
    ev = evaluate_context(shared_data / "negex", "heldout", pairs=pairs)
    assert set(ev.scores.system) == {"negex-original", "medspacy-default", "osler"}
    assert set(ev.speed.system) == set(ev.scores.system)
    # Full held-out figure is in docs/benchmarks.md; a subset guards against regressions.
    assert ev.f1("osler", "negation", "Negated") >= 0.85
