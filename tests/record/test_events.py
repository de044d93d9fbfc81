from datetime import UTC, datetime, timedelta

import pytest

from osler.record import (LOINC, Coding, Observation, PatientRecord, Provenance, Quantity,
                          event_id)

PROV = Provenance("test.json", "Observation/1")


def _obs(**kw):
    return Observation(id=kw.pop("id", "e1"), coding=Coding(LOINC, "8867-4", "Heart rate"),
                       provenance=PROV, value=Quantity(80, "/min"), **kw)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        _obs(time=datetime(2020, 1, 1, 10))


def test_events_are_frozen():
    obs = _obs(time=datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(AttributeError):
        obs.time = None  # type: ignore[misc]


def test_event_id_is_deterministic_and_part_sensitive():
    assert event_id("fhir", "Observation", "1") == event_id("fhir", "Observation", "1")
    assert event_id("fhir", "Observation", "1") != event_id("fhir", "Observation1", "")


def test_known_at_uses_the_time_an_event_became_known():
    drawn = datetime(2020, 1, 1, 8, tzinfo=UTC)
    lab = _obs(id="lab", time=drawn, known_time=drawn + timedelta(hours=3))
    vital = _obs(id="hr", time=drawn + timedelta(hours=1))
    undated = _obs(id="undated")
    rec = PatientRecord(patient_id="p", provenance=PROV, events=(lab, vital, undated))
    at = drawn + timedelta(hours=2)
    assert [e.id for e in rec.known_at(time=at)] == ["hr"]
    assert [e.id for e in rec.known_at(time=drawn + timedelta(hours=3))] == ["lab", "hr"]


def test_known_at_relative_offsets():
    rec = PatientRecord(patient_id="p", provenance=PROV, events=tuple(
        _obs(id=f"h{h}", offset=timedelta(hours=h)) for h in range(5)))
    assert [e.id for e in rec.known_at(offset=timedelta(hours=2))] == ["h0", "h1", "h2"]
    with pytest.raises(ValueError, match="exactly one"):
        list(rec.known_at())


def test_timeline_orders_absolute_then_relative_then_unknown():
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    events = (_obs(id="u"), _obs(id="late", time=t0 + timedelta(days=1)),
              _obs(id="rel", offset=timedelta(hours=1)), _obs(id="early", time=t0))
    rec = PatientRecord(patient_id="p", provenance=PROV, events=events)
    assert [e.id for e in rec.timeline()] == ["early", "late", "rel", "u"]
    assert rec.counts() == {"observation": 4}


def test_an_encounter_under_way_hides_its_end_and_discharge_disposition():
    from osler.record import Condition, Encounter

    start = datetime(2020, 1, 1, 8, tzinfo=UTC)
    stay = Encounter(id="enc", coding=Coding(None, "IMP"), provenance=PROV, time=start,
                     end_time=start + timedelta(days=3), discharge_disposition="expired",
                     encounter_class="IMP", status="finished")
    problem = Condition(id="c", coding=Coding(None, "x"), provenance=PROV, time=start,
                        end_time=start + timedelta(days=2), clinical_status="resolved")
    rec = PatientRecord(patient_id="p", provenance=PROV, events=(stay, problem))
    during = {e.id: e for e in rec.known_at(time=start + timedelta(days=1))}
    assert during["enc"].end_time is None and during["enc"].discharge_disposition is None
    assert during["enc"].status is None                    # "finished" is told at the end
    assert during["enc"].encounter_class == "IMP"          # known from the start
    assert during["c"].end_time is None and during["c"].clinical_status is None
    after = {e.id: e for e in rec.known_at(time=start + timedelta(days=3))}
    assert after["enc"] is stay and after["c"] is problem  # ended: read as stored
