"""FHIR and DICOM de-identification defects found by a review (made-up data only)."""

from __future__ import annotations

import base64
import json
from collections import Counter

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_resource

KEY = DeidKey(b"records review secret, 32 bytes!")
PATIENT = {"resourceType": "Patient", "id": "p1",
           "name": [{"family": "Quixmoor", "given": ["Zebulon"]}],
           "identifier": [{"system": "urn:mrn", "value": "MRN7781234"}],
           "address": [{"line": ["12 Juniper Lane"], "city": "Kodiak", "postalCode": "99615",
                        "state": "AK"}]}
OTHER = {"resourceType": "Patient", "name": [{"family": "Pemberly", "given": ["Rosalind"]}],
         "address": [{"line": ["7 Birchwood Ct"], "city": "Kodiak", "postalCode": "99615"}],
         "identifier": [{"system": "urn:x", "value": "QX-4471-ZZ"}],
         "birthDate": "1961-07-14"}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _attachments(out: dict) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), str):
                found.append(base64.b64decode(node["data"]).decode())
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(out)
    return found


def _document(*attachments: dict) -> dict:
    return {"resourceType": "DocumentReference", "id": "d1", "subject": {
        "reference": "Patient/p1"}, "content": [{"attachment": a} for a in attachments]}


@pytest.mark.parametrize("ctype", ["application/fhir+json", "application/json",
                                   "application/fhir+json; charset=utf-8"])
def test_json_attachment_is_deidentified_as_fhir(ctype):
    doc = _document({"contentType": ctype, "data": _b64(json.dumps(OTHER))})
    (text,) = _attachments(deidentify_resource(doc, KEY))
    inner = json.loads(text)
    for value in ("Pemberly", "Rosalind", "Kodiak", "99615", "Birchwood", "QX-4471-ZZ",
                  "1961-07-14"):
        assert value not in text
    assert inner["resourceType"] == "Patient"


def test_json_attachment_takes_its_owners_patient_key():
    # the same patient inside the attachment gets the same stand-ins and shift as outside
    doc = _document({"contentType": "application/fhir+json", "data": _b64(json.dumps(PATIENT))})
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": PATIENT}, {"resource": doc}]}, KEY)
    (text,) = _attachments(out)
    assert json.loads(text)["name"] == out["entry"][0]["resource"]["name"]


def test_unparsable_json_attachment_is_dropped_and_counted():
    dropped: Counter = Counter()
    doc = _document({"contentType": "application/fhir+json",
                     "data": _b64('{"resourceType": "Patient", "address": [{"city": "Kodiak"')})
    out = deidentify_resource(doc, KEY, dropped=dropped)
    assert _attachments(out) == []
    assert sum(n for reason, n in dropped.items() if "JSON" in reason) == 1


def test_csv_beside_a_json_patient_loses_that_patients_name_city_and_id():
    row = "name,city,mrn\n" + "Rosalind Pemberly,Kodiak,QX-4471-ZZ\n"
    doc = _document({"contentType": "application/fhir+json", "data": _b64(json.dumps(OTHER))},
                    {"contentType": "text/csv", "data": _b64(row)})
    csv = _attachments(deidentify_bundle(doc, KEY))[1]
    for value in ("Pemberly", "Rosalind", "Kodiak", "QX-4471-ZZ"):
        assert value not in csv


@pytest.mark.parametrize("text,gone", [
    ("Works at the Kodiak cannery; walks to Juniper Lane daily; zip 99615",
     ("Kodiak", "Juniper", "99615")),
    ("Returned home,Kodiak,99615", ("Kodiak", "99615")),
], ids=["prose", "csv-like"])
def test_patients_own_address_is_redacted_from_free_text(text, gone):
    obs = {"resourceType": "Observation", "id": "o1", "status": "final",
           "subject": {"reference": "Patient/p1"}, "valueString": text}
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": PATIENT}, {"resource": obs}]}, KEY)
    kept = out["entry"][1]["resource"]["valueString"]
    for value in gone:
        assert value not in kept
    assert "cannery" in kept or "Returned" in kept


def test_address_words_are_typed_location_and_street_types_skipped():
    from osler.privacy.deid.fhir import name_words

    words = name_words(PATIENT)
    assert words["kodiak"] == "LOCATION" and words["juniper"] == "LOCATION"
    assert words["99615"] == "LOCATION" and words["quixmoor"] == "NAME"
    assert "lane" not in words
    # a practitioner's (hospital's) address is not the patient's
    assert "kodiak" not in name_words({**PATIENT, "resourceType": "Practitioner"})
