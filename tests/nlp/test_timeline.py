from __future__ import annotations

from datetime import datetime, timedelta, timezone

from osler.nlp.concepts import Mention
from osler.nlp.context import Assertion
from osler.nlp.timeline import concept_features, mention_events
from osler.record import SNOMED, Coding, Condition, Note, Provenance

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)
PNEUMONIA = Coding(SNOMED, "233604007", "Pneumonia")


def _note(note_id: str, time: datetime) -> Note:
    return Note(id=note_id, coding=None, provenance=Provenance("notes.jsonl", note_id), time=time,
                text="...")


def _mention(negation="Affirmed", temporality="Recent", experiencer="Patient", start=0):
    return Mention(start, start + 9, "pneumonia", "problem", PNEUMONIA,
                   Assertion(negation, temporality, experiencer))


def test_negated_finding_is_refuted_never_present():
    (event,) = mention_events(_note("n1", T0), [_mention("Negated")])
    assert isinstance(event, Condition)
    assert event.verification == "refuted"
    assert event.known_time == T0


def test_family_and_hypothetical_mentions_are_not_the_patients_events():
    events = mention_events(_note("n1", T0), [_mention(experiencer="Other"),
                                              _mention(temporality="Hypothetical", start=20)])
    assert events == []


def test_features_count_affirmed_mentions_known_before_the_prediction_time():
    events = (mention_events(_note("n1", T0), [_mention(), _mention("Negated", start=30)])
              + mention_events(_note("n2", T0 + timedelta(days=10)), [_mention()])
              + mention_events(_note("n3", T0 + timedelta(days=40)), [_mention()]))
    at = T0 + timedelta(days=10, hours=1)
    features = concept_features(events, at=at, windows=(timedelta(days=1), timedelta(days=30)))
    # n1 (affirmed only) and n2 within 30 days; n2 alone within a day; n3 is in the future.
    assert features == {"nlp:233604007:1d": 1, "nlp:233604007:30d": 2}


def test_a_history_is_not_a_resolution():
    (past,) = mention_events(_note("n1", T0), [_mention(temporality="Historical")])
    (now,) = mention_events(_note("n2", T0), [_mention()])
    assert past.verification == "confirmed" and past.clinical_status is None
    assert (past.category, now.category) == ("note-mention-history", "note-mention")


def test_a_resolved_finding_is_confirmed_and_resolved_never_refuted():
    resolved = Mention(0, 9, "pneumonia", "problem", PNEUMONIA, Assertion("Negated"),
                       resolved=True)
    past = Mention(20, 29, "pneumonia", "problem", PNEUMONIA,
                   Assertion("Negated", "Historical"), resolved=True)
    now, before = mention_events(_note("n1", T0), [resolved, past])
    assert (now.verification, now.clinical_status, now.category) == (
        "confirmed", "resolved", "note-mention")
    assert (before.verification, before.clinical_status, before.category) == (
        "confirmed", "resolved", "note-mention-history")


def test_a_resolved_finding_counts_as_a_mention_the_patient_had():
    resolved = Mention(0, 9, "pneumonia", "problem", PNEUMONIA, Assertion("Negated"),
                       resolved=True)
    refuted = _mention("Negated", start=20)
    events = mention_events(_note("n1", T0), [resolved, refuted])
    assert concept_features(events, at=T0, windows=(timedelta(days=1),)) == {
        "nlp:233604007:1d": 1}
