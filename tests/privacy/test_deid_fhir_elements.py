"""Element types that carried PHI through FHIR de-id untouched (made-up data)."""

from __future__ import annotations

import base64
import json
from collections import Counter

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle
from osler.privacy.deid.ages import over_89_birth_year

KEY = DeidKey(b"fhir test secret, 32 bytes long!")
P = {"reference": "Patient/p1"}
NAME = "Zebulon Quixmoor"


def _deid(resource, dropped=None):
    return deidentify_bundle(resource, KEY, dropped=dropped)


def _leaks(out) -> list[str]:
    text = json.dumps(out)
    return [w for w in ("Zebulon", "Quixmoor", "zeb.quixmoor", "555-0123", "MRN4471902",
                        "Brackwater", "BA-99812", "GRP-Q4471902") if w in text]


def test_uris_that_are_data_go_and_structural_urls_stay():
    patient = {"resourceType": "Patient", "id": "p1",
               "meta": {"source": "http://ehr.example.org/fhir/Patient/MRN4471902",
                        "profile": ["http://hl7.org/fhir/StructureDefinition/Patient"]},
               "extension": [{"url": "urn:e1", "valueUri": "mailto:zeb.quixmoor@example.com"},
                             {"url": "urn:e2", "valueUrl": "https://x.example.org/Quixmoor"}]}
    consent = {"resourceType": "Consent", "id": "c1", "patient": P, "policy": [
        {"uri": "https://consent.example.org/f?patient=MRN4471902&name=Zebulon+Quixmoor"}]}
    device = {"resourceType": "Device", "id": "d1", "patient": P,
              "url": "https://devices.example.org/quixmoor"}
    task = {"resourceType": "Task", "id": "t1", "for": P,
            "input": [{"type": {"text": "x"}, "valueUrl": "https://x.example.org/Quixmoor"}]}
    answer = {"resourceType": "QuestionnaireResponse", "id": "q1", "subject": P, "item": [
        {"linkId": "1", "answer": [{"valueUri": "https://x.example.org/Quixmoor"}]}]}
    media = {"resourceType": "Media", "id": "m1", "subject": P,
             "content": {"url": "https://pacs.example.org/quixmoor_zebulon.jpg"}}
    for res in (patient, consent, device, task, answer, media):
        assert _leaks(_deid(res)) == [], res["resourceType"]
    out = _deid(patient)
    assert out["meta"]["profile"] == patient["meta"]["profile"]
    assert [e["url"] for e in out.get("extension", [])] in ([], ["urn:e1", "urn:e2"])


def test_base64_and_signature_values_are_dropped_and_counted():
    dropped: Counter = Counter()
    res = {"resourceType": "Patient", "id": "p1", "extension": [
        {"url": "urn:e2", "valueBase64Binary": base64.b64encode(NAME.encode()).decode()},
        {"url": "urn:e3", "valueSignature": {
            "type": [{"code": "1.2.840.10065.1.12.1.1"}],
            "data": base64.b64encode(NAME.encode()).decode()}}]}
    out = _deid(res, dropped)
    assert "valueBase64Binary" not in json.dumps(out)
    # the base64 extension, left without a value, goes whole (FHIR ext-1)
    (signature,) = out["extension"]
    assert "data" not in signature["valueSignature"]
    assert sum(dropped.values()) == 2


def test_free_text_and_names_as_strings_are_scrubbed():
    resources = [
        {"resourceType": "ExplanationOfBenefit", "id": "e1", "patient": P,
         "disposition": f"Paid to {NAME}"},
        {"resourceType": "NutritionOrder", "id": "n1", "patient": P,
         "oralDiet": {"instruction": f"Mr. {NAME}: soft food"},
         "enteralFormula": {"administrationInstruction": f"Mr. {NAME} by tube"}},
        {"resourceType": "Goal", "id": "g1", "subject": P, "statusReason": f"Mr. {NAME} moved"},
        {"resourceType": "ClinicalImpression", "id": "ci1", "subject": P,
         "summary": f"Mr. {NAME} improving"},
        {"resourceType": "RiskAssessment", "id": "ra1", "subject": P,
         "mitigation": f"Mr. {NAME} to use a walker"},
        {"resourceType": "OperationOutcome", "id": "oo1",
         "issue": [{"severity": "error", "code": "x", "diagnostics": f"Mr. {NAME} not found"}]},
        {"resourceType": "FamilyMemberHistory", "id": "f1", "patient": P,
         "name": "Clementine Brackwater"},
        {"resourceType": "Account", "id": "a1", "subject": [P], "name": f"{NAME} account"},
        {"resourceType": "CareTeam", "id": "ct1", "subject": P, "name": f"{NAME} team"},
        {"resourceType": "Device", "id": "d1", "patient": P,
         "deviceName": [{"name": f"{NAME} pump", "type": "user-friendly-name"}],
         "contact": [{"system": "phone", "value": "978-555-0123"}]},
        {"resourceType": "Patient", "id": "p1", "extension": [
            {"url": "urn:e4", "valueContactDetail": {"name": "Ophelia Brackwater"}}]},
        {"resourceType": "Questionnaire", "id": "qq1", "status": "active",
         "contact": [{"name": "Ophelia Brackwater",
                      "telecom": [{"system": "email", "value": "zeb.quixmoor@example.com"}]}]},
        {"resourceType": "Claim", "id": "cl1", "patient": P,
         "insurance": [{"sequence": 1, "focal": True, "businessArrangement": "BA-99812"}]},
        {"resourceType": "Coverage", "id": "cv1", "beneficiary": P, "class": [
            {"type": {"text": "group"}, "value": "GRP-Q4471902", "name": f"{NAME} family plan"}]},
    ]
    for res in resources:
        assert _leaks(_deid(res)) == [], res["resourceType"]


def test_a_contact_point_anywhere_has_its_value_redacted():
    res = {"resourceType": "Basic", "id": "b1", "subject": P,
           "extension": [{"url": "urn:x", "valueContactPoint": {"system": "sms",
                                                                "value": "978-555-0123"}}],
           "author": {"reference": "Practitioner/x"},
           "code": {"coding": [{"system": "urn:c", "code": "555-0123"}]},
           "custom": [{"system": "pager", "value": "978-555-0123"},
                      {"system": "url", "value": "https://x.example.org/zeb.quixmoor"}]}
    out = _deid(res)
    assert "zeb.quixmoor" not in json.dumps(out)
    assert out["custom"][0]["value"] != "978-555-0123"
    assert out["code"]["coding"][0]["code"] == "555-0123"   # a code, not a ContactPoint


def test_identifiers_kept_as_extension_codes_or_ids_are_pseudonymised():
    res = {"resourceType": "Patient", "id": "p1", "extension": [
        {"url": "urn:legacy-id", "valueId": "LEGID99120444"},
        {"url": "urn:legacy-code", "valueCode": "SSN-078-05-1120"},
        {"url": "urn:status", "valueCode": "active"},
        {"url": "urn:nested", "extension": [{"url": "born", "valueDate": "1901-02-17"}]}]}
    deid = _deid(res)
    born = deid["extension"][3]["extension"][0]["valueDate"]
    assert born == over_89_birth_year("1901-02-17")   # 90 or older, like birthDate
    out = json.dumps(deid)
    for leak in ("99120444", "078-05-1120"):
        assert leak not in out
    assert '"valueCode": "active"' in out
