"""FHIR de-id of the R4 resources R4B removed (the type table is R4B's): known but untyped,
so every string in them is free text and they are not refused (made-up data throughout)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.errors import IngestError
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle
from osler.privacy.deid.fhir_schema import R4_ONLY_RESOURCES, known_type

KEY = DeidKey(b"r4-only resources test key, 32 b")
PATIENT = {"resourceType": "Patient", "id": "pt-4",
           "name": [{"family": "Quillfeather", "given": ["Rosamund"]}]}
LEAKS = ("Rosamund", "Quillfeather", "61840237", "555-0193")
SENTENCE = "Reported by Rosamund Quillfeather (MRN 61840237), call 617-555-0193"

MEDICINAL_PRODUCT = {
    "resourceType": "MedicinalProduct", "id": "mp-1",
    "meta": {"lastUpdated": "2021-03-14T10:00:00Z"},
    "identifier": [{"system": "http://example.org/mpid", "value": "MP-61840237"}],
    "domain": {"coding": [{"system": "http://hl7.org/fhir/medicinal-product-domain",
                           "code": "Human"}]},
    "specialMeasures": [SENTENCE],
    "name": [{"productName": "Quillfeather tablets", "namePart": [{"part": SENTENCE}]}],
}
EFFECT_EVIDENCE = {
    "resourceType": "EffectEvidenceSynthesis", "id": "ees-1", "status": "draft",
    "identifier": [{"system": "http://example.org/ees", "value": "EES-61840237"}],
    "date": "2021-03-14", "description": SENTENCE, "publisher": "Rosamund Quillfeather",
    "population": {"reference": "EvidenceVariable/ev-1"},
    "resultsByExposure": [{"description": SENTENCE, "exposureState": "exposure"}],
    "note": [{"text": SENTENCE}],
}


@pytest.mark.parametrize("rtype", ["MedicinalProduct", "EffectEvidenceSynthesis",
                                   "SubstanceSpecification", "RiskEvidenceSynthesis"])
def test_the_r4_resources_r4b_removed_are_listed_and_not_in_the_table(rtype):
    assert rtype in R4_ONLY_RESOURCES and not known_type(rtype)


@pytest.mark.parametrize("resource", [MEDICINAL_PRODUCT, EFFECT_EVIDENCE],
                         ids=["MedicinalProduct", "EffectEvidenceSynthesis"])
def test_an_r4_resource_r4b_removed_is_not_refused_and_its_free_text_loses_the_name(
        resource):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": PATIENT}, {"resource": resource}]}
    refused: list[IngestError] = []
    out = deidentify_bundle(bundle, KEY, on_refused=refused.append)
    assert refused == []
    [walked] = [e["resource"] for e in out["entry"]
                if e["resource"]["resourceType"] == resource["resourceType"]]
    dumped = json.dumps(walked)
    assert [w for w in LEAKS if w in dumped] == []
    assert walked["id"] != resource["id"]
    assert walked["identifier"][0]["system"] == "urn:osler:pseudonym"


def test_a_medicinal_products_name_stays_a_product_name_in_free_text():
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": PATIENT}, {"resource": MEDICINAL_PRODUCT}]}, KEY)
    [name] = out["entry"][1]["resource"]["name"]
    assert set(name) == {"productName", "namePart"}
    assert name["productName"].endswith(" tablets")
    assert "Quillfeather" not in json.dumps(name)


def test_an_effect_evidence_synthesis_keeps_its_reference_resolvable_and_moves_its_date():
    out = deidentify_bundle({**EFFECT_EVIDENCE}, KEY)
    assert out["resourceType"] == "EffectEvidenceSynthesis"
    assert out["population"]["reference"].startswith("EvidenceVariable/")
    assert out["population"]["reference"] != "EvidenceVariable/ev-1"
    assert out["date"] != "2021-03-14"


def test_deid_fhir_writes_the_r4_only_resources_and_skips_none(tmp_path):
    src = tmp_path / "in.ndjson"
    src.write_text("".join(json.dumps(r) + "\n" for r in
                           (PATIENT, MEDICINAL_PRODUCT, EFFECT_EVIDENCE)), encoding="utf-8")
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"secret": "cd" * 32, "reference_year": 2026}),
                   encoding="utf-8")
    out = tmp_path / "out.ndjson"
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(out), "--key-file",
                                      str(key)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert [r["resourceType"] for r in lines] == [
        "Patient", "MedicinalProduct", "EffectEvidenceSynthesis"]
    assert [w for w in LEAKS if w in result.output + json.dumps(lines)] == []


@pytest.mark.parametrize("resource", [
    {"resourceType": "MedicinalProductWidget", "id": "w", "detail": "Rosamund"},
    {"resourceType": "MedicinalProduct", "id": "m", "meta": "Rosamund Quillfeather"},
    {"resourceType": ["MedicinalProduct"], "id": "l"},
], ids=["neither-r4-nor-r4b", "r4-only-with-a-meta-of-the-wrong-shape", "type-not-a-string"])
def test_what_is_no_resource_of_r4_or_r4b_or_of_the_wrong_shape_is_still_refused(resource):
    with pytest.raises(IngestError) as info:
        deidentify_bundle(resource, KEY)
    assert "malformed FHIR resource" in str(info.value)
    assert "Rosamund" not in str(info.value)


def test_r4_evidence_and_evidence_variable_reworked_in_r4b_are_not_refused():
    evidence = {"resourceType": "Evidence", "id": "ev-1", "status": "draft",
                "name": "SmokingReview", "shortTitle": SENTENCE,
                "exposureBackground": {"reference": "EvidenceVariable/var-1"},
                "outcome": [{"reference": "EvidenceVariable/var-2"}],
                "jurisdiction": [{"coding": [{"system": "urn:iso:std:iso:3166",
                                              "code": "US"}]}]}
    variable = {"resourceType": "EvidenceVariable", "id": "var-1", "status": "draft",
                "type": "dichotomous", "characteristic": [{
                    "description": SENTENCE, "definitionCodeableConcept": {"text": "Smoker"},
                    "usageContext": [{"code": {"code": "focus"}, "valueCodeableConcept": {
                        "text": SENTENCE}}],
                    "participantEffectiveDateTime": "2021-03-14",
                    "timeFromStart": {"value": 30, "unit": "days", "code": "d",
                                      "system": "http://unitsofmeasure.org"},
                    "groupMeasure": "mean"}]}
    refused: list[IngestError] = []
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": PATIENT}, {"resource": evidence}, {"resource": variable}]}, KEY,
        on_refused=refused.append)
    assert refused == []
    assert [e["resource"]["resourceType"] for e in out["entry"]] == [
        "Patient", "Evidence", "EvidenceVariable"]
    dumped = json.dumps(out)
    assert [w for w in LEAKS if w in dumped] == []
    [characteristic] = out["entry"][2]["resource"]["characteristic"]
    assert characteristic["timeFromStart"]["value"] == 30
    assert characteristic["participantEffectiveDateTime"] != "2021-03-14"
