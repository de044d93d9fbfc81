"""What a test or an exam looks for is Possible, never Negated: "evaluate for" and its kin had
NegEx's negation. All sentences are made up."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

pytestmark = pytest.mark.slow  # builds a medspaCy pipeline


@pytest.mark.parametrize(("concept", "sentence"), [
    ("pneumonia", "Evaluate for pneumonia."),
    ("PE", "CT to evaluate for PE."),
    ("pulmonary embolism", "CTA chest ordered for evaluation for pulmonary embolism."),
    ("MI", "r/o MI"),
    ("MI", "Admitted overnight to r/o MI."),
    ("PE", "CTA to exclude PE."),
    ("influenza", "Swab sent to test for influenza."),
    ("DVT", "Legs checked for DVT."),
    ("sepsis", "Workup for sepsis in progress."),
])
def test_a_work_up_target_is_possible(attributor, concept, sentence):
    (a,) = attributor.attribute([(concept, sentence)])
    assert (a.negation, a.temporality, a.experiencer) == ("Possible", "Recent", "Patient")


@pytest.mark.parametrize(("concept", "sentence"), [
    ("PE", "CT to evaluate for PE was negative."),   # the result, not the question
    ("MI", "MI was ruled out."),
    ("pneumonia", "Pneumonia was excluded."),
])
def test_a_work_up_that_found_nothing_is_still_negated(attributor, concept, sentence):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.negation == "Negated"


def test_a_work_up_target_reaches_the_timeline_as_provisional(extractor):
    from osler.nlp.timeline import mention_events
    from osler.record import Condition, Note, Provenance

    text = "CT chest to evaluate for pulmonary embolism. Rule out MI."
    note = Note(id="n1", coding=None, time=datetime(2024, 6, 3, 14, 0, tzinfo=timezone.utc),
                text=text, provenance=Provenance("made-up.txt", "n1"))
    events = mention_events(note, extractor.extract(text))
    # the CT itself is a procedure (osler-concepts-4); the targets are provisional conditions
    conditions = [e for e in events if isinstance(e, Condition)]
    assert [e.verification for e in conditions] == ["provisional"] * 2
