"""Past and planned drugs and procedures on the timeline (review defects 2 and 3).

A drug or procedure a note tells as history is no event at the note's time: a medication
statement ``completed`` and a procedure ``completed`` with no effective / performed time,
known when the note was. A planned one is not stored. All text here is made up.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from osler.nlp.concepts import Mention
from osler.nlp.context import Assertion
from osler.nlp.timeline import concept_features, mention_events
from osler.record import RXNORM, SNOMED, Coding, Medication, Note, PatientRecord, Procedure, \
    Provenance

T0 = datetime(2024, 6, 1, 10, 0, tzinfo=timezone.utc)
WARFARIN = Coding(RXNORM, "11289", "warfarin")
CABG = Coding(SNOMED, "232717009", "Coronary artery bypass grafting")


def _note(time=T0) -> Note:
    return Note(id="n1", coding=None, provenance=Provenance("notes.jsonl", "n1"), time=time,
                text="...")


def _drug(negation="Affirmed", temporality="Recent", start=0, allergen=False):
    return Mention(start, start + 8, "warfarin", "medication", WARFARIN,
                   Assertion(negation, temporality, "Patient"), allergen=allergen)


def _proc(negation="Affirmed", temporality="Recent", start=40):
    return Mention(start, start + 4, "CABG", "procedure", CABG,
                   Assertion(negation, temporality, "Patient"))


def test_a_past_drug_is_a_completed_statement_without_a_time_known_with_its_note():
    (event,) = mention_events(_note(), [_drug(temporality="Historical")])
    assert isinstance(event, Medication)
    assert (event.action, event.status) == ("statement", "completed")
    assert event.time is None and event.offset is None
    assert event.known_time == T0 and event.available_time == T0


def test_a_current_drug_stays_a_statement_at_the_notes_time():
    (event,) = mention_events(_note(), [_drug()])
    assert (event.action, event.status, event.time) == ("statement", None, T0)


def test_a_past_procedure_is_completed_with_no_performed_time():
    (event,) = mention_events(_note(), [_proc(temporality="Historical")])
    assert isinstance(event, Procedure)
    assert event.status == "completed"
    assert event.time is None and event.known_time == T0


def test_a_recent_procedure_is_completed_at_the_notes_time():
    (event,) = mention_events(_note(), [_proc()])
    assert (event.status, event.time) == ("completed", T0)


def test_a_procedure_never_done_in_the_past_is_not_done_and_undated():
    (event,) = mention_events(_note(), [_proc("Negated", "Historical")])
    assert (event.status, event.time, event.known_time) == ("not-done", None, T0)


@pytest.mark.parametrize("negation", ["Affirmed", "Negated", "Possible"])
def test_planned_drugs_and_procedures_are_not_stored(negation):
    mentions = [_drug(negation, "Hypothetical"), _proc(negation, "Hypothetical")]
    assert mention_events(_note(), mentions) == []


def test_an_offset_note_gives_a_past_event_its_known_offset_only():
    note = Note(id="n2", coding=None, provenance=Provenance("notes.jsonl", "n2"),
                offset=timedelta(hours=5), text="...")
    (event,) = mention_events(note, [_drug(temporality="Historical")])
    assert event.offset is None and event.known_offset == timedelta(hours=5)


def test_a_past_event_is_not_readable_before_its_note():
    events = mention_events(_note(), [_drug(temporality="Historical"),
                                      _proc(temporality="Historical")])
    record = PatientRecord(patient_id="p1", provenance=Provenance("x", "p1"),
                           events=tuple(events))
    assert list(record.known_at(time=T0 - timedelta(seconds=1))) == []
    assert len(list(record.known_at(time=T0))) == 2


def test_features_count_past_mentions_by_when_the_note_was_known():
    events = mention_events(_note(), [_drug(temporality="Historical"),
                                      _proc(temporality="Historical")])
    got = concept_features(events, at=T0 + timedelta(hours=1), windows=(timedelta(days=1),))
    assert got == {"nlp:11289:1d": 1, "nlp:232717009:1d": 1}
    assert concept_features(events, at=T0 - timedelta(hours=1)) == {}


def test_a_past_event_survives_the_store(tmp_path):
    pytest.importorskip("duckdb")
    from osler.store import open_store

    events = mention_events(_note(), [_drug(temporality="Historical"),
                                      _proc(temporality="Historical")])
    record = PatientRecord(patient_id="p1", provenance=Provenance("x", "p1"),
                           events=(_note(), *events))
    with open_store(tmp_path / "t.duckdb") as store:
        store.write([record])
        back = store.patient("p1")
    by_kind = {type(e).__name__: e for e in back.events}
    assert (by_kind["Medication"].status, by_kind["Medication"].time) == ("completed", None)
    assert by_kind["Medication"].known_time == T0
    assert (by_kind["Procedure"].status, by_kind["Procedure"].time) == ("completed", None)


def test_told_in_a_note_past_drugs_and_procedures_are_not_dated_at_the_note(extractor):
    text = "PMH: CAD s/p CABG in 2010.\nWas on lisinopril in the past."
    found = extractor.extract(text)
    events = {e.coding.display: e for e in mention_events(_note(), found)
              if isinstance(e, (Medication, Procedure))}
    assert events["Coronary artery bypass grafting"].time is None
    assert events["lisinopril"].status == "completed" and events["lisinopril"].time is None
