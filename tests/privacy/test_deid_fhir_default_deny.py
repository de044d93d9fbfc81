"""FHIR de-id denies by default: a string is kept only when its R4 type is positively safe
(made-up data throughout)."""

from __future__ import annotations

import base64
import json
from collections import Counter

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.errors import IngestError
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle
from osler.privacy.deid.fhir_schema import element_type

KEY = DeidKey(b"default deny test key, 32 bytes")
PATIENT = {"resourceType": "Patient", "id": "pt-7",
           "name": [{"family": "Brackwell", "given": ["Ottoline"]}]}
P = {"reference": "Patient/pt-7"}
LEAKS = ("Ottoline", "Brackwell", "70315528", "555-0148")
SAFE_CODING = {"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}

# each R4 free-text element no fixed list named, with a name, an MRN and a phone in it
FREE_TEXT = {
    "DetectedIssue.detail": {
        "resourceType": "DetectedIssue", "id": "di-1", "status": "final", "patient": P,
        "detail": "Ottoline Brackwell (MRN 70315528) on warfarin, call 617-555-0148"},
    "RiskAssessment.prediction.rationale": {
        "resourceType": "RiskAssessment", "id": "ra-1", "status": "final", "subject": P,
        "prediction": [{"rationale": "Ottoline Brackwell smokes; MRN 70315528, 617-555-0148"}]},
    "ClinicalImpression.finding.basis": {
        "resourceType": "ClinicalImpression", "id": "ci-1", "status": "completed",
        "subject": P, "finding": [{"basis": "Per Ottoline Brackwell, 617-555-0148, "
                                             "MRN 70315528"}]},
    "AuditEvent.outcomeDesc": {   # its patient's names are known by entity.what
        "resourceType": "AuditEvent", "id": "ae-1", "type": {"code": "rest"},
        "recorded": "2021-03-14T10:00:00Z", "agent": [{"requestor": True}],
        "source": {"observer": {"reference": "Device/dev-1"}}, "entity": [{"what": P}],
        "outcomeDesc": "Lookup of Ottoline Brackwell MRN 70315528 (617-555-0148) failed"},
    "Patient.customVendorField": {   # not in R4: its strings are free text
        **PATIENT, "customVendorField": "Ottoline Brackwell 617-555-0148 MRN 70315528"},
    "Coding.display": {
        "resourceType": "Observation", "id": "ob-1", "status": "final", "subject": P,
        "code": {"coding": [SAFE_CODING]},
        "valueCodeableConcept": {"coding": [{"system": "urn:oid:1.2.3.4", "code": "x1",
                                             "display": "MRN 70315528, 617-555-0148"}]}},
}


def _ndjson(tmp_path, *resources):
    src = tmp_path / "in.ndjson"
    src.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"secret": "ab" * 32, "reference_year": 2026}),
                   encoding="utf-8")
    return src, key


def _run(tmp_path, *resources):
    src, key = _ndjson(tmp_path, *resources)
    out = tmp_path / "out.ndjson"
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(out), "--key-file",
                                      str(key)])
    lines = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    return result, lines


@pytest.mark.parametrize("element", sorted(FREE_TEXT))
def test_free_text_in_any_string_element_is_deidentified(tmp_path, element):
    resource = FREE_TEXT[element]
    others = [] if resource["resourceType"] == "Patient" else [PATIENT]
    result, lines = _run(tmp_path, *others, resource)
    assert result.exit_code == 0, result.output
    dumped = json.dumps(lines)
    assert [w for w in LEAKS if w in dumped] == []


def test_an_unknown_element_is_kept_as_free_text():
    out = deidentify_bundle(FREE_TEXT["Patient.customVendorField"], KEY)
    assert "customVendorField" in out and "Brackwell" not in out["customVendorField"]


def test_a_string_where_a_codeable_concept_belongs_refuses_the_line(tmp_path):
    bad = {"resourceType": "Observation", "id": "ob-9", "status": "final", "subject": P,
           "code": "Ottoline Brackwell 70315528"}
    good = {"resourceType": "Observation", "id": "ob-2", "status": "final", "subject": P,
            "code": {"coding": [SAFE_CODING]}}
    result, lines = _run(tmp_path, PATIENT, bad, good)
    assert result.exit_code == 3
    assert [r["resourceType"] for r in lines] == ["Patient", "Observation"]
    assert "in.ndjson" in result.stderr and "line 2" in result.stderr
    assert "Observation.code is a string where FHIR R4 has a CodeableConcept" in result.stderr
    assert "1 skipped" in result.stderr
    assert [w for w in LEAKS if w in result.output + json.dumps(lines)] == []


@pytest.mark.parametrize("resource", [
    {"resourceType": "Observation", "id": "o", "status": "final", "subject": P,
     "code": {"coding": [SAFE_CODING]}, "note": [{"text": 70315528}]},        # number
    {"resourceType": "Patient", "id": "p", "active": "Ottoline"},           # string for bool
    {"resourceType": "Condition", "id": "c", "subject": P,
     "code": {"coding": [[{"system": "urn:x", "code": "a"}]]}},            # list in a list
    {"resourceType": "Observation", "id": "o", "status": {"text": "final"}, "subject": P,
     "code": {"text": "x"}},                                                 # object for code
    {"resourceType": "VendorThing", "id": "v", "detail": "Ottoline"},       # no R4 type
    {"resourceType": "Patient", "id": "p", "contained": [{"id": "x"}]},     # no resourceType
], ids=["number-for-string", "string-for-boolean", "list-in-list", "object-for-code",
        "unknown-resource-type", "contained-without-type"])
def test_a_value_of_the_wrong_shape_refuses_the_resource_naming_no_value(resource):
    with pytest.raises(IngestError) as info:
        deidentify_bundle(resource, KEY)
    assert "malformed FHIR resource" in str(info.value)
    assert "Ottoline" not in str(info.value) and "70315528" not in str(info.value)


def test_a_bundle_entry_of_the_wrong_shape_is_refused_and_the_others_written():
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:0b7c4a8e-1d2f-4e5a-9b6c-7d8e9f0a1b2c", "resource": PATIENT},
        {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
                      "subject": P, "code": "Ottoline Brackwell"}},
        {"resource": {"resourceType": "Observation", "id": "o2", "status": "final",
                      "subject": P, "code": {"coding": [SAFE_CODING]}}}]}
    refused: list[IngestError] = []
    out = deidentify_bundle(bundle, KEY, on_refused=refused.append)
    assert [e["resource"]["resourceType"] for e in out["entry"]] == ["Patient", "Observation"]
    assert len(refused) == 1 and "Bundle.entry[1]" in str(refused[0])
    assert "Brackwell" not in json.dumps(out) + str(refused[0])


def test_fhir_json_of_the_wrong_shape_in_an_attachment_is_dropped_and_counted():
    inner = {"resourceType": "Observation", "id": "o5", "status": "final", "subject": P,
             "code": "Ottoline Brackwell"}
    doc = {"resourceType": "DocumentReference", "id": "d1", "status": "current", "subject": P,
           "content": [{"attachment": {"contentType": "application/fhir+json", "data":
                                       base64.b64encode(json.dumps(inner).encode()).decode()}}]}
    dropped: Counter = Counter()
    out = deidentify_bundle(doc, KEY, dropped=dropped)
    assert "data" not in out["content"][0]["attachment"]
    assert sum(n for reason, n in dropped.items() if "R4 types" in reason) == 1


def test_codes_systems_and_urls_are_not_altered():
    resource = {
        "resourceType": "Observation", "id": "ob-3", "status": "final", "subject": P,
        "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-vital"]},
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                            "observation-category", "code": "vital-signs"}]}],
        "code": {"coding": [SAFE_CODING]},
        "valueQuantity": {"value": 72, "unit": "/min", "system": "http://unitsofmeasure.org",
                          "code": "/min"},
        "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                                  "v3-ObservationInterpretation", "code": "N"}]}],
        "extension": [{"url": "http://example.org/fhir/StructureDefinition/method",
                       "valueCode": "auscultation"}],
        "effectiveDateTime": "2021-03-14T10:00:00Z"}
    out = deidentify_bundle(resource, KEY)
    for element in ("category", "code", "interpretation", "extension", "valueQuantity"):
        assert out[element] == resource[element], element
    assert out["status"] == "final"
    assert out["meta"]["profile"] == resource["meta"]["profile"]
    assert out["effectiveDateTime"] != resource["effectiveDateTime"]   # moved, as before


def test_the_patients_mrn_written_as_a_code_is_pseudonymised():
    patient = {**PATIENT, "identifier": [{"system": "urn:mrn", "value": "70315528"}]}
    obs = {"resourceType": "Observation", "id": "ob-4", "status": "final", "subject": P,
           "code": {"coding": [{"system": "urn:local", "code": "70315528"}]}}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": patient}, {"resource": obs}]}
    assert "70315528" not in json.dumps(deidentify_bundle(bundle, KEY))


def test_the_r4_type_table_knows_the_elements_of_the_review():
    assert element_type("DetectedIssue", "detail") == ("string", False)
    assert element_type("RiskAssessmentPrediction", "rationale") == ("string", False)
    assert element_type("ClinicalImpressionFinding", "basis") == ("string", False)
    assert element_type("AuditEvent", "outcomeDesc") == ("string", False)
    assert element_type("Coding", "system") == ("uri", False)
    assert element_type("Patient", "customVendorField") is None


def test_a_resource_of_no_patient_knows_the_names_of_the_runs_patients(tmp_path):
    # an AuditEvent that references no one: the patients' names its text holds are known
    event = {**FREE_TEXT["AuditEvent.outcomeDesc"], "id": "ae-2"}
    del event["entity"]
    result, lines = _run(tmp_path, PATIENT, event)
    assert result.exit_code == 0, result.output
    assert "Ottoline" not in lines[1]["outcomeDesc"]
    assert "Brackwell" not in lines[1]["outcomeDesc"]
