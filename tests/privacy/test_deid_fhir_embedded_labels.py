"""FHIR resources in an attachment's JSON get the PSEUDED label as top-level ones do, and one
that already has it is left out unless --again, as a top-level one is refused (made-up data)."""

from __future__ import annotations

import base64
import json
from collections import Counter

from click.testing import CliRunner

from osler.cli import cli
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle
from osler.privacy.deid.fhir_embedded import ONLY_DEIDENTIFIED
from osler.privacy.deid.fhir_labels import DEID_LABEL, EMBEDDED_DEIDENTIFIED, labelled

KEY = DeidKey(b"embedded label test secret 32 b.")
PATIENT = {"resourceType": "Patient", "id": "pe-1", "birthDate": "1961-05-06",
           "name": [{"family": "Quorrington", "given": ["Elspeth"]}]}
OBSERVATION = {"resourceType": "Observation", "id": "oe-1", "status": "final",
               "code": {"text": "weight"}, "subject": {"reference": "Patient/pe-1"},
               "effectiveDateTime": "2021-04-05"}


def _holder(embedded) -> dict:
    """A DocumentReference of pe-1 whose attachment holds ``embedded`` as FHIR JSON."""
    data = base64.b64encode(json.dumps(embedded).encode()).decode()
    return {"resourceType": "DocumentReference", "id": "de-1", "status": "current",
            "subject": {"reference": "Patient/pe-1"},
            "content": [{"attachment": {"contentType": "application/fhir+json", "data": data}}]}


def _embedded(out: dict):
    """The FHIR JSON in the de-identified holder's attachment (None when it was dropped)."""
    attachment = out["content"][0]["attachment"]
    return json.loads(base64.b64decode(attachment["data"])) if "data" in attachment else None


def _labelled_copy(resource: dict) -> dict:
    return {**resource, "meta": {"security": [dict(DEID_LABEL)]}}


def test_a_resource_a_list_and_a_bundle_in_an_attachment_are_labelled():
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": PATIENT}, {"resource": OBSERVATION}]}
    for embedded in (OBSERVATION, [PATIENT, OBSERVATION], bundle):
        out = _embedded(deidentify_bundle(_holder(embedded), KEY))
        items = out if isinstance(out, list) else [out]
        assert all(labelled(item) for item in items)
        for item in items:
            if item["resourceType"] == "Bundle":
                assert [labelled(e["resource"]) for e in item["entry"]] == [True, True]
                assert item["entry"][1]["resource"]["effectiveDateTime"] != "2021-04-05"
        # the label is added once, beside the resource's own security labels
        assert all(item["meta"]["security"].count(DEID_LABEL) == 1 for item in items)


def test_the_label_is_added_beside_other_security_labels_and_meta():
    other = {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}
    obs = {**OBSERVATION, "meta": {"security": [other], "versionId": "3"}}
    out = _embedded(deidentify_bundle(_holder(obs), KEY))
    assert out["meta"]["security"] == [other, DEID_LABEL] and out["meta"]["versionId"] == "3"


def test_an_embedded_resource_already_labelled_is_left_out_and_counted_unless_again():
    dropped: Counter = Counter()
    out = _embedded(deidentify_bundle(_holder([_labelled_copy(OBSERVATION), PATIENT]), KEY,
                                      dropped=dropped))
    assert [r["resourceType"] for r in out] == ["Patient"] and labelled(out[0])
    assert dropped[EMBEDDED_DEIDENTIFIED] == 1
    # with again it is walked a second time, as a top-level labelled resource is
    again = _embedded(deidentify_bundle(_holder([_labelled_copy(OBSERVATION), PATIENT]), KEY,
                                        again=True))
    assert [r["resourceType"] for r in again] == ["Observation", "Patient"]
    assert again[0]["effectiveDateTime"] != "2021-04-05"
    assert again[0]["meta"]["security"].count(DEID_LABEL) == 1


def test_a_labelled_entry_of_an_embedded_bundle_is_left_out_like_a_top_level_entry():
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": PATIENT}, {"resource": _labelled_copy(OBSERVATION)}]}
    dropped: Counter = Counter()
    out = _embedded(deidentify_bundle(_holder(bundle), KEY, dropped=dropped))
    assert [e["resource"]["resourceType"] for e in out["entry"]] == ["Patient"]
    assert labelled(out) and dropped[EMBEDDED_DEIDENTIFIED] == 1
    dropped.clear()   # a labelled embedded Bundle is left out whole, as a top-level one is
    holder = deidentify_bundle(_holder(_labelled_copy(bundle)), KEY, dropped=dropped)
    assert _embedded(holder) is None
    assert dropped[EMBEDDED_DEIDENTIFIED] == 1 and dropped[f"data: {ONLY_DEIDENTIFIED}"] == 1


def test_the_output_read_again_is_refused_whole_and_with_again_all_of_it_moves_once_more():
    once = deidentify_bundle(_holder(OBSERVATION), KEY)
    twice = deidentify_bundle(once, KEY, again=True)
    assert labelled(twice) and labelled(_embedded(twice))
    assert (_embedded(twice)["effectiveDateTime"] != _embedded(once)["effectiveDateTime"])


def test_the_cli_says_how_many_embedded_resources_were_left_out_and_why(tmp_path):
    src = tmp_path / "doc.json"
    src.write_text(json.dumps(_holder([_labelled_copy(OBSERVATION), PATIENT])),
                   encoding="utf-8")
    key_file = tmp_path / "k.key"
    run = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "out.json"),
                                   "--key-file", str(key_file)])
    assert run.exit_code == 0, run.output
    assert f"1 {EMBEDDED_DEIDENTIFIED} left out" in run.output and "--again" in run.output
    assert "could not be checked" not in run.output
    run = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "out2.json"),
                                   "--key-file", str(key_file), "--again"])
    assert run.exit_code == 0, run.output
    assert EMBEDDED_DEIDENTIFIED not in run.output
    out = json.loads((tmp_path / "out2.json").read_text(encoding="utf-8"))
    assert [r["resourceType"] for r in _embedded(out)] == ["Observation", "Patient"]
