"""Every FHIR resource moves by the date shift of the patient it belongs to (made-up data)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle
from osler.privacy.deid.fhir import NO_PATIENT

KEY = DeidKey(b"fhir test secret, 32 bytes long!")
DAY = "2019-03-04"


def _moved(day: str, patient: str | None) -> str:
    return (date.fromisoformat(day) + KEY.date_shift(patient)).isoformat()


def _bundle(*resources):
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": f"http://ehr.example.org/fhir/{r['resourceType']}/{r['id']}", "resource": r}
        for r in resources]}


P = {"reference": "Patient/p1"}
LINKED = [
    {"resourceType": "Task", "id": "t1", "for": P, "authoredOn": DAY},
    {"resourceType": "Account", "id": "a1", "subject": [P], "servicePeriod": {"start": DAY}},
    {"resourceType": "Appointment", "id": "ap1", "start": DAY,
     "participant": [{"actor": {"reference": "Practitioner/x"}}, {"actor": P}]},
    {"resourceType": "Provenance", "id": "pv1", "target": [P], "recorded": DAY},
    {"resourceType": "Observation", "id": "o1", "effectiveDateTime": DAY,
     "subject": {"identifier": {"system": "urn:mrn", "value": "MRN-1"}}},
]
_DATE_OF = {"Task": ("authoredOn",), "Account": ("servicePeriod", "start"),
            "Appointment": ("start",), "Provenance": ("recorded",),
            "Observation": ("effectiveDateTime",)}


def _date(res):
    node = res
    for k in _DATE_OF[res["resourceType"]]:
        node = node[k]
    return node


@pytest.mark.parametrize("resource", LINKED, ids=lambda r: r["resourceType"])
def test_a_resource_linked_to_its_patient_by_any_element_takes_its_shift(resource):
    patient = {"resourceType": "Patient", "id": "p1",
               "identifier": [{"system": "urn:mrn", "value": "MRN-1"}]}
    other = {"resourceType": "Patient", "id": "p2"}
    out = deidentify_bundle(_bundle(other, patient, resource), KEY)
    assert _date(out["entry"][2]["resource"]) == _moved(DAY, "p1")


def test_a_bundle_without_its_patient_uses_the_referenced_patients_shift():
    obs = {"resourceType": "Observation", "id": "o1", "subject": P, "effectiveDateTime": DAY}
    bundle = {**_bundle(obs), "type": "searchset"}
    out = deidentify_bundle(bundle, KEY)
    assert out["entry"][0]["resource"]["effectiveDateTime"] == _moved(DAY, "p1")


def test_the_second_patient_of_a_bundle_keeps_its_own_shift():
    p1 = {"resourceType": "Patient", "id": "p1", "deceasedDateTime": DAY}
    p2 = {"resourceType": "Patient", "id": "p2", "deceasedDateTime": DAY}
    o2 = {"resourceType": "Observation", "id": "o2", "subject": {"reference": "Patient/p2"},
          "effectiveDateTime": DAY}
    out = [e["resource"] for e in deidentify_bundle(_bundle(p1, p2, o2), KEY)["entry"]]
    assert out[0]["deceasedDateTime"] == _moved(DAY, "p1")
    assert out[1]["deceasedDateTime"] == _moved(DAY, "p2")
    assert out[2]["effectiveDateTime"] == _moved(DAY, "p2")


def test_resources_of_no_known_patient_do_not_share_one_offset_and_are_counted():
    a = {"resourceType": "Observation", "id": "u1", "effectiveDateTime": DAY}
    b = {"resourceType": "Observation", "id": "u2", "effectiveDateTime": DAY}
    counted: Counter = Counter()
    out = [e["resource"] for e in deidentify_bundle(_bundle(a, b), KEY, dropped=counted)["entry"]]
    shared = _moved(DAY, None)
    assert out[0]["effectiveDateTime"] != shared
    assert out[0]["effectiveDateTime"] == _moved(DAY, "Observation/u1")
    assert out[1]["effectiveDateTime"] == _moved(DAY, "Observation/u2")
    assert counted[NO_PATIENT] == 2
    alone: Counter = Counter()
    single = deidentify_bundle(a, KEY, dropped=alone)
    assert single["effectiveDateTime"] == _moved(DAY, "Observation/u1")
    assert alone[NO_PATIENT] == 1


def test_an_ndjson_resource_linked_by_identifier_finds_its_patient():
    from osler.privacy.deid.fhir import KnownNames

    names = KnownNames()
    names.add({"resourceType": "Patient", "id": "p1",
               "identifier": [{"system": "urn:mrn", "value": "MRN-1"}]})
    obs = LINKED[-1]
    assert deidentify_bundle(obs, KEY, names=names)["effectiveDateTime"] == _moved(DAY, "p1")


def test_every_name_a_bundle_holds_is_scrubbed_from_its_free_text():
    patient = {"resourceType": "Patient", "id": "p1",
               "name": [{"family": "Quixmoor", "given": ["Zebulon"]}],
               "contact": [{"name": {"family": "Brackwater", "given": ["Ophelia"]}}],
               "extension": [{"url": "urn:x", "valueHumanName": {"family": "Vandergriff",
                                                                 "given": ["Hortensia"]}}]}
    org = {"resourceType": "Organization", "id": "org1",
           "contact": [{"name": {"family": "Plimpton", "given": ["Thaddeus"]}}]}
    related = {"resourceType": "RelatedPerson", "id": "rp1", "patient": P,
               "name": [{"family": "Ashcombe", "given": ["Winifred"]}]}
    obs = {"resourceType": "Observation", "id": "o1", "subject": P,
           "contained": [{"resourceType": "RelatedPerson", "id": "rp", "patient": P,
                          "name": [{"family": "Fairweather", "given": ["Ignatius"]}]}],
           "note": [{"text": "Left voicemail for Ophelia Brackwater. Ignatius Fairweather "
                             "called. Hortensia Vandergriff and Thaddeus Plimpton aware; "
                             "Winifred Ashcombe visited. Set up by Barnaby Quixmoor."}]}
    out = deidentify_bundle(_bundle(patient, org, related, obs), KEY)
    text = out["entry"][3]["resource"]["note"][0]["text"]
    for word in ("Ophelia", "Brackwater", "Ignatius", "Fairweather", "Hortensia",
                 "Vandergriff", "Thaddeus", "Plimpton", "Winifred", "Ashcombe", "Barnaby",
                 "Quixmoor"):
        assert word not in text
    alone = deidentify_bundle(obs, KEY)["note"][0]["text"]
    assert "Ignatius" not in alone and "Fairweather" not in alone
