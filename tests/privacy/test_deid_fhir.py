from __future__ import annotations

import base64
import json

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle

KEY = DeidKey(b"fhir test secret, 32 bytes long!")
PID = "0b1c2d3e-0000-4000-8000-000000000001"


def _bundle():
    note = base64.b64encode(b"Mr. Quimby seen 6/1/2020 by Dr. Osler.").decode()
    return {"resourceType": "Bundle", "id": "b1", "type": "transaction", "entry": [
        {"fullUrl": f"urn:uuid:{PID}", "resource": {
            "resourceType": "Patient", "id": PID, "birthDate": "1950-03-14",
            "name": [{"family": "Quimby", "given": ["Harold"]}],
            "telecom": [{"system": "phone", "value": "617-555-0100"}],
            "address": [{"line": ["1 Elm St"], "city": "Lochmoor", "postalCode": "02139",
                         "state": "MA", "country": "US"}],
            "identifier": [{"system": "urn:mrn", "value": "MRN-77"}],
            "text": {"status": "generated", "div": "<div>Harold Quimby</div>"}}},
        {"fullUrl": "urn:uuid:0b1c2d3e-0000-4000-8000-000000000002", "resource": {
            "resourceType": "DocumentReference", "id": "0b1c2d3e-0000-4000-8000-000000000002",
            "subject": {"reference": f"urn:uuid:{PID}"}, "date": "2020-06-01T10:00:00Z",
            "content": [{"attachment": {"contentType": "text/plain", "data": note}}]}},
    ]}


def test_bundle_identity_is_removed_and_links_are_kept():
    out = deidentify_bundle(_bundle(), KEY)
    dumped = json.dumps(out)
    for secret in ("Quimby", "Harold", "617-555-0100", "Lochmoor", "02139", "1 Elm St", "MRN-77",
                   PID):
        assert secret not in dumped, secret
    patient, doc = (e["resource"] for e in out["entry"])
    assert patient["address"] == [{"state": "MA", "country": "US"}]
    assert out["entry"][0]["fullUrl"] == f"urn:uuid:{patient['id']}"
    assert doc["subject"]["reference"] == f"urn:uuid:{patient['id']}"
    assert patient["id"] == KEY.pseudonym(PID)
    text = base64.b64decode(doc["content"][0]["attachment"]["data"]).decode()
    assert "Quimby" not in text and "Osler" not in text and "6/1/2020" not in text


def test_dates_move_by_the_patients_shift():
    out = deidentify_bundle(_bundle(), KEY)
    shift = KEY.date_shift(PID)
    from datetime import date, datetime
    patient, doc = (e["resource"] for e in out["entry"])
    assert date.fromisoformat(patient["birthDate"]) - date(1950, 3, 14) == shift
    moved = datetime.fromisoformat(doc["date"].replace("Z", "+00:00"))
    assert moved - datetime.fromisoformat("2020-06-01T10:00:00+00:00") == shift
    assert doc["date"].endswith("Z")


def test_a_bundles_own_names_are_found_in_its_free_text():
    """A name no dictionary holds is still PHI in a note of the Bundle whose Patient bears it."""
    from osler.privacy.deid.fhir import deidentify_bundle
    from osler.privacy.keys import DeidKey

    note = "Discussed plan with Quorbelle Vantrixon and her son."
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p9",
                      "name": [{"family": "Vantrixon", "given": ["Quorbelle"]}]}},
        {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
                      "subject": {"reference": "Patient/p9"}, "note": [{"text": note}]}}]}
    out = deidentify_bundle(bundle, DeidKey(b"k" * 32))
    text = out["entry"][1]["resource"]["note"][0]["text"]
    assert "Quorbelle" not in text and "Vantrixon" not in text and "her son" in text


def test_people_are_found_by_every_form_of_reference_to_them():
    from osler.privacy.deid.fhir import KnownNames

    names = KnownNames()
    names.add({"resourceType": "Practitioner", "id": "d1", "name": [{"family": "Plimmerton"}],
               "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "9999"}]},
              "urn:uuid:5b3c7a2e-0000-4000-8000-000000000001")
    for ref in ("Practitioner/d1", "https://ehr.example.org/fhir/Practitioner/d1",
                "Practitioner/d1/_history/3", "urn:uuid:5b3c7a2e-0000-4000-8000-000000000001",
                "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999",
                "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi%7C9999"):
        note = {"resourceType": "DocumentReference", "author": [{"reference": ref}]}
        assert names.for_resource(note) == {"plimmerton": "NAME"}, ref
    assert names.for_resource({"resourceType": "DocumentReference",
                               "author": [{"reference": "Practitioner/d2"}]}) == {}


def test_non_uuid_full_urls_become_the_pseudonymised_type_and_id_references_resolve():
    base = "http://example.org/fhir"
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": f"{base}/Patient/123", "resource": {"resourceType": "Patient", "id": "123"}},
        {"fullUrl": f"{base}/Observation/9", "resource": {
            "resourceType": "Observation", "id": "9", "subject": {"reference": "Patient/123"},
            "hasMember": [{"reference": f"{base}/Observation/9/_history/2"}]}},
        {"fullUrl": "urn:uuid:1", "resource": {
            "resourceType": "Encounter", "id": "e1", "subject": {
                "reference": f"{base}/Patient/123"}}},
        {"fullUrl": "urn:uuid:2", "resource": {
            "resourceType": "Encounter", "id": "e2", "partOf": {"reference": "urn:uuid:1"}}}]}
    out = deidentify_bundle(bundle, KEY)
    urls = [e["fullUrl"] for e in out["entry"]]
    assert len(set(urls)) == 4 and "example.org" not in json.dumps(out)
    resources = [e["resource"] for e in out["entry"]]
    from osler.privacy.deid.fhir import DEID_BASE

    for url, res in zip(urls[:2], resources):       # absolute, on a base no server has
        assert url == f"{DEID_BASE}{res['resourceType']}/{res['id']}"
    # relative references resolve against that base to the entries' fullUrls
    assert DEID_BASE + resources[1]["subject"]["reference"] == urls[0]
    assert DEID_BASE + resources[2]["subject"]["reference"] == urls[0]
    assert DEID_BASE + resources[1]["hasMember"][0]["reference"] == urls[1] + "/_history/2"
    assert resources[3]["partOf"]["reference"] == urls[2]
    # an absolute reference to the patient still gives the patient's date shift
    from osler.privacy.deid.fhir import patient_of
    assert patient_of(bundle["entry"][2]["resource"]) == "123"


def test_ages_over_89_become_90_or_older():
    from osler.privacy.deid import deidentify_resource

    condition = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
                 "onsetAge": {"value": 92, "unit": "a", "system": "http://unitsofmeasure.org",
                              "code": "a"},
                 "abatementAge": {"value": 33000, "unit": "d"}}
    out = deidentify_resource(condition, KEY)
    assert out["onsetAge"] == {"value": 90, "comparator": ">=", "unit": "a",
                               "system": "http://unitsofmeasure.org", "code": "a"}
    assert out["abatementAge"]["value"] == 90 and out["abatementAge"]["unit"] == "a"
    observation = {"resourceType": "Observation", "id": "o1", "code": {"text": "Age"},
                   "valueQuantity": {"value": 95, "code": "a"},
                   "component": [{"valueQuantity": {"value": 89, "unit": "a"}},
                                 {"valueQuantity": {"value": 120, "unit": "kg"}},
                                 {"valueQuantity": {"value": 200, "unit": "d"}}]}
    out = deidentify_resource(observation, KEY)
    assert out["valueQuantity"] == {"value": 90, "code": "a", "comparator": ">="}
    assert [c["valueQuantity"]["value"] for c in out["component"]] == [89, 120, 200]


def test_transaction_request_urls_do_not_keep_source_ids_or_searches():
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": {"resourceType": "Patient", "id": "123"},
         "request": {"method": "PUT", "url": "Patient/123"},
         "response": {"location": "Patient/123/_history/1"}},
        {"resource": {"resourceType": "Observation", "id": "9"},
         "request": {"method": "POST", "url": "Observation",
                     "ifNoneExist": "identifier=urn:mrn|MRN-77"}},
        {"resource": {"resourceType": "Patient", "id": "124"},
         "request": {"method": "PUT", "url": "Patient?identifier=urn:mrn|MRN-78"}}]}
    out = deidentify_bundle(bundle, KEY)
    first, second, third = out["entry"]
    assert first["request"] == {"method": "PUT", "url": f"Patient/{first['resource']['id']}"}
    assert first["response"]["location"] == f"Patient/{first['resource']['id']}/_history/1"
    # a conditional keeps its identifier as identifiers are pseudonymised, nothing else
    assert second["request"]["url"] == "Observation"
    assert second["request"]["ifNoneExist"].startswith("identifier=urn:osler:pseudonym|")
    assert third["request"]["url"].startswith("Patient?identifier=urn:osler:pseudonym|")
    assert "MRN-7" not in json.dumps(out)


def test_a_reference_to_a_contained_resource_follows_its_new_id():
    from osler.privacy.deid.fhir import deidentify_resource

    out = deidentify_resource({
        "resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "contained": [{"resourceType": "Medication", "id": "med1", "code": {"text": "aspirin"}}],
        "medicationReference": {"reference": "#med1"}}, KEY)
    assert out["medicationReference"]["reference"] == "#" + out["contained"][0]["id"]
    assert out["contained"][0]["id"] != "med1"


def test_a_locations_single_address_is_cut_to_the_state_and_its_geocode_dropped():
    from osler.privacy.deid import deidentify_resource

    loc = {"resourceType": "Location", "id": "L3", "name": "Lochmoor Clinic",
           "address": {"line": ["1 Main St"], "city": "Toledo", "postalCode": "43604",
                       "state": "OH"},
           "position": {"longitude": -83.5379, "latitude": 41.6528}}
    out = deidentify_resource(loc, KEY)
    assert out["address"] == {"state": "OH"}
    assert "position" not in out and "Lochmoor" not in json.dumps(out)


def test_a_references_display_is_dropped_with_or_without_a_reference_codings_are_kept():
    from osler.privacy.deid import deidentify_resource

    patient = {"resourceType": "Patient", "id": "H2",
               "generalPractitioner": [{"display": "Dr. Felix Abernathy"}],
               "managingOrganization": {"display": "Saint Brigid Hospital of Toledo"},
               "maritalStatus": {"coding": [{"system": "http://terminology.hl7.org/"
                                             "CodeSystem/v3-MaritalStatus", "code": "M",
                                             "display": "Married"}]}}
    out = json.dumps(deidentify_resource(patient, KEY))
    for secret in ("Abernathy", "Brigid", "Toledo"):
        assert secret not in out
    assert "Married" in out


def test_identifiers_names_phones_and_addresses_are_found_wherever_they_sit():
    from osler.privacy.deid import deidentify_resource

    made_up = "5523190"
    resources = [
        {"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "x"},
         "subject": {"identifier": {"system": "urn:mrn", "value": made_up}},
         "note": [{"authorString": "Ophelia Brandywine", "text": "ok"}]},
        {"resourceType": "Patient", "id": "p1", "extension": [
            {"url": "http://example.org/alt", "valueHumanName": {"family": "Quixwell",
                                                                 "given": ["Thaddeus"]}},
            {"url": "http://example.org/phone", "valueContactPoint": {
                "system": "phone", "value": "617-555-0199"}},
            {"url": "http://example.org/mrn", "valueIdentifier": {"value": made_up}}]},
        {"resourceType": "Specimen", "id": "s1", "accessionIdentifier": {"value": made_up}},
        {"resourceType": "Device", "id": "d1", "serialNumber": made_up, "lotNumber": made_up,
         "udiCarrier": [{"deviceIdentifier": made_up, "carrierHRF": made_up}]},
        {"resourceType": "Coverage", "id": "c1", "subscriberId": made_up},
        {"resourceType": "AuditEvent", "id": "a1", "agent": [{"name": "Ophelia Brandywine",
                                                             "altId": made_up}],
         "source": {"site": "Lochmoor General"}, "entity": [{"query": "UXVpeHdlbGw="}]},
        {"resourceType": "Provenance", "id": "pv1",
         "signature": [{"data": "UXVpeHdlbGw=", "who": {"reference": "Practitioner/x"}}]},
        {"resourceType": "Organization", "id": "org1", "contact": [{"name": {
            "family": "Quixwell", "given": ["Thaddeus"]}}]},
        {"resourceType": "Claim", "id": "cl1", "accident": {"locationAddress": {
            "line": ["1 Elm St"], "city": "Lochmoor", "postalCode": "02139", "state": "MA"}}},
        {"resourceType": "ServiceRequest", "id": "sr1", "requisition": {"value": made_up},
         "patientInstruction": "Call Dr. Quixwell at 617-555-0199"},
    ]
    for res in resources:
        out = json.dumps(deidentify_resource(res, KEY))
        for secret in (made_up, "Brandywine", "Quixwell", "Thaddeus", "617-555-0199",
                       "Lochmoor", "02139", "UXVpeHdlbGw="):
            assert secret not in out, (res["resourceType"], secret)
    claim = deidentify_resource(resources[8], KEY)
    assert claim["accident"]["locationAddress"] == {"state": "MA"}


def test_a_bundles_own_identifier_timestamp_and_links_are_de_identified():
    bundle = {"resourceType": "Bundle", "id": "b9", "type": "searchset",
              "identifier": {"system": "urn:x", "value": "BNDL-5523190"},
              "timestamp": "2021-03-04T10:00:00Z",
              "link": [{"relation": "self", "url": "Patient?identifier=5523190"}],
              "entry": [{"resource": {"resourceType": "Patient", "id": "p9"}}]}
    out = deidentify_bundle(bundle, KEY)
    assert "5523190" not in json.dumps(out)
    assert out["timestamp"] != bundle["timestamp"] and out["timestamp"].endswith("T10:00:00Z")
    assert out["link"][0]["url"].startswith("Patient?identifier=urn:osler:pseudonym|")


def test_an_entrys_own_links_are_de_identified_as_the_bundles():
    search = "https://h.example/fhir/Patient?identifier=urn:mrn|5523190&name=Quixmoor"
    bundle = {"resourceType": "Bundle", "type": "searchset", "entry": [
        {"link": [{"relation": "self", "url": search},
                  {"relation": "alternate", "url": "Patient?identifier=urn:mrn|5523190"}],
         "resource": {"resourceType": "Patient", "id": "p9"}}]}
    out = deidentify_bundle(bundle, KEY)
    dumped = json.dumps(out)
    assert "5523190" not in dumped and "Quixmoor" not in dumped and "h.example" not in dumped
    links = out["entry"][0]["link"]
    assert links[0] == {"relation": "self", "url": "[REFERENCE]"}
    assert links[1]["url"].startswith("Patient?identifier=urn:osler:pseudonym|")


def test_an_address_or_a_name_written_as_one_string_does_not_survive():
    from osler.privacy.deid import deidentify_resource

    out = deidentify_resource({"resourceType": "Patient", "id": "p1",
                               "address": "55 Fruit Street, Boston MA 02114",
                               "name": "Thaddeus Quixwell",
                               "extension": ["not an extension", {"url": "u", "valueString": "ok"}]},
                              KEY)
    dumped = json.dumps(out)
    assert "Fruit" not in dumped and "Quixwell" not in dumped and "address" not in out
    assert out["extension"] == [{"url": "u", "valueString": "ok"}]
