"""Fixes from the second review of FHIR and DICOM record de-identification (made-up data)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from osler.privacy.deid.fhir import deidentify_bundle
from osler.privacy.keys import DeidKey

KEY = DeidKey(b"r" * 32)
MRN = "QX-55821"


def _b64(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return base64.b64encode(text.encode()).decode()


def _data(resource: dict[str, Any], index: int = 0) -> Any:
    """The decoded JSON of a DocumentReference's attachment ``index``."""
    raw = base64.b64decode(resource["content"][index]["attachment"]["data"]).decode()
    return json.loads(raw)


def _other_patients_bundle(birth: str = "1931-04-04") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:pat-b", "resource": {
            "resourceType": "Patient", "id": "pat-b", "birthDate": birth,
            "identifier": [{"system": "http://h.example.org/mrn", "value": MRN}],
            "name": [{"family": "Wrenfield", "given": ["Ottoline"]}]}},
        {"resource": {"resourceType": "Observation", "id": "ob1", "status": "final",
                      "code": {"text": "x"}, "subject": {"reference": "Patient/pat-b"},
                      "effectiveDateTime": "2021-03-01"}}]}


def _doc(content_type: str, data: Any, doc_id: str = "d1") -> dict[str, Any]:
    return {"resourceType": "DocumentReference", "id": doc_id, "status": "current",
            "subject": {"reference": "Patient/pat-a"},
            "content": [{"attachment": {"contentType": content_type, "data": _b64(data)}}]}


_PAT_A = {"resourceType": "Patient", "id": "pat-a",
          "name": [{"family": "Quixmoor", "given": ["Zebulon"]}]}


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in resources]}


@pytest.mark.parametrize("content_type", ["text/json", "text/plain", "application/x-json",
                                          "Text/JSON; charset=utf-8"])
def test_fhir_json_of_a_text_type_is_read_as_fhir(content_type: str) -> None:
    out = deidentify_bundle(_bundle(_PAT_A, _doc(content_type, _other_patients_bundle())), KEY)
    inner = json.dumps(_data(out["entry"][1]["resource"]))
    for leaked in (MRN, "pat-b", "1931-04-04", "Wrenfield"):
        assert leaked not in inner
    patient = _data(out["entry"][1]["resource"])["entry"][0]["resource"]
    assert patient["birthDate"].isdigit()   # 90 or older: one aggregated year


def test_plain_text_that_is_not_fhir_is_still_prose() -> None:
    note = '{"note": "Zebulon Quixmoor seen"}'
    out = deidentify_bundle(_bundle(_PAT_A, _doc("text/plain", note)), KEY)
    raw = base64.b64decode(out["entry"][1]["resource"]["content"][0]["attachment"]["data"])
    assert b"Quixmoor" not in raw and b'"note"' in raw


def _obs(effective: str = "2021-03-01") -> dict[str, Any]:
    return {"resourceType": "Observation", "id": "ob1", "status": "final",
            "code": {"text": "x"}, "subject": {"reference": "Patient/pat-b"},
            "effectiveDateTime": effective}


def test_another_patients_resources_in_an_attachment_are_keyed_by_that_patient() -> None:
    """Patient B's Observation inside patient A's attachment gets B's shift and stand-ins,
    as B's own top-level records do."""
    other = _other_patients_bundle(birth="1970-05-05")
    patient_b = other["entry"][0]["resource"]
    out = deidentify_bundle(_bundle(_PAT_A, patient_b, _obs(),
                                    _doc("application/fhir+json", other)), KEY)
    top_b, top_obs = out["entry"][1]["resource"], out["entry"][2]["resource"]
    inner = _data(out["entry"][3]["resource"])["entry"]
    assert inner[1]["resource"]["effectiveDateTime"] == top_obs["effectiveDateTime"]
    assert inner[0]["resource"]["birthDate"] == top_b["birthDate"]
    assert inner[0]["resource"]["name"] == top_b["name"]


def test_an_attachment_resource_of_no_patient_takes_its_holders_key() -> None:
    practitioner = {"resourceType": "Practitioner", "id": "pr1", "birthDate": "1970-05-05"}
    a_resource = {"resourceType": "Observation", "id": "oa", "status": "final",
                  "code": {"text": "x"}, "subject": {"reference": "Patient/pat-a"},
                  "effectiveDateTime": "1970-05-05"}
    out = deidentify_bundle(_bundle(_PAT_A, a_resource,
                                    _doc("application/fhir+json", [practitioner])), KEY)
    inner = _data(out["entry"][2]["resource"])
    assert inner[0]["birthDate"] == out["entry"][1]["resource"]["effectiveDateTime"]


def _addressed_patient(**address: Any) -> dict[str, Any]:
    return {**_PAT_A, "address": [{"state": "AK", **address}]}


def _note(description: str) -> dict[str, Any]:
    return {"resourceType": "DocumentReference", "id": "d2", "status": "current",
            "subject": {"reference": "Patient/pat-a"}, "description": description}


@pytest.mark.parametrize("number", ["99615.2 mg", "ref 996151", "count 199615", "3,99615"])
def test_a_known_postal_code_is_not_read_inside_a_longer_number(number: str) -> None:
    out = deidentify_bundle(_bundle(_addressed_patient(postalCode="99615"),
                                    _note(f"Result {number} today.")), KEY)
    assert number in out["entry"][1]["resource"]["description"]


def test_a_known_postal_code_standing_alone_is_still_redacted() -> None:
    out = deidentify_bundle(_bundle(_addressed_patient(postalCode="99615"),
                                    _note("Lives near 99615, moved.")), KEY)
    assert "99615" not in out["entry"][1]["resource"]["description"]


@pytest.mark.parametrize(("address", "text"), [
    ({"line": ["12 Normal Road"], "city": "Mission"}, "Normal exam. Mission accomplished."),
    ({"line": ["7 Hope Street"], "city": "Normal"}, "Normal findings, hope is high."),
])
def test_everyday_address_words_are_not_known_words(address: dict[str, Any], text: str) -> None:
    out = deidentify_bundle(_bundle(_addressed_patient(**address), _note(text)), KEY)
    assert out["entry"][1]["resource"]["description"] == text


def test_a_town_of_no_everyday_word_is_still_a_known_word() -> None:
    out = deidentify_bundle(_bundle(_addressed_patient(city="Kodiak"),
                                    _note("Moved back to Kodiak last year.")), KEY)
    assert "Kodiak" not in out["entry"][1]["resource"]["description"]


def test_a_deidentified_dicom_run_again_is_skipped_unless_again(tmp_path, write_dicom) -> None:
    """Output of `deid dicom` fed back in (its own, not another tool's): skipped (named by
    number) rather than shifted a second time; --again de-identifies it anyway."""
    from click.testing import CliRunner

    from osler.cli import cli

    src, once = tmp_path / "in", tmp_path / "once"
    src.mkdir()
    study = "1.2.826.0.1.3680043.8.498.9"
    write_dicom(src / "a.dcm", "CT", study, study + ".1")
    key = ["--key-file", str(tmp_path / "k.json")]
    assert CliRunner().invoke(cli, ["deid", "dicom", str(src), str(once), *key]).exit_code == 0
    again = CliRunner().invoke(cli, ["deid", "dicom", str(once), str(tmp_path / "twice"), *key])
    assert "skipped file 1" in again.output and "already de-identified" in again.output
    assert not list((tmp_path / "twice").rglob("*.dcm")) and again.exit_code != 0
    forced = CliRunner().invoke(cli, ["deid", "dicom", str(once), str(tmp_path / "forced"),
                                      *key, "--again"])
    assert forced.exit_code == 0 and len(list((tmp_path / "forced").rglob("*.dcm"))) == 1


def test_fhir_output_is_labelled_and_not_deidentified_twice() -> None:
    from osler.errors import IngestError
    from osler.privacy.deid.fhir import DEID_LABEL

    bundle = _bundle(_PAT_A, _obs())
    once = deidentify_bundle(bundle, KEY)
    assert DEID_LABEL in once["meta"]["security"]
    assert all(DEID_LABEL in e["resource"]["meta"]["security"] for e in once["entry"])
    with pytest.raises(IngestError, match="already de-identified"):
        deidentify_bundle(once, KEY)
    refused: list[IngestError] = []
    mixed = _bundle(_PAT_A, once["entry"][1]["resource"])
    out = deidentify_bundle(mixed, KEY, on_refused=refused.append)
    assert len(out["entry"]) == 1 and "already de-identified" in str(refused[0])
    twice = deidentify_bundle(once, KEY, again=True)
    assert twice["entry"][1]["resource"]["effectiveDateTime"] != \
        once["entry"][1]["resource"]["effectiveDateTime"]
    assert twice["meta"]["security"].count(DEID_LABEL) == 1


def test_a_single_labelled_resource_is_refused() -> None:
    from osler.errors import IngestError

    once = deidentify_bundle(_obs(), KEY)
    with pytest.raises(IngestError, match="already de-identified"):
        deidentify_bundle(once, KEY)


def test_another_tools_deidentified_dicom_is_still_deidentified(tmp_path, write_dicom) -> None:
    import pydicom

    from osler.privacy.deid import deidentify_dicom_dir

    src = tmp_path / "in"
    src.mkdir()
    study = "1.2.826.0.1.3680043.8.498.11"
    write_dicom(src / "a.dcm", "CT", study, study + ".1")
    ds = pydicom.dcmread(src / "a.dcm")
    ds.PatientIdentityRemoved, ds.DeidentificationMethod = "YES", "Other tool 1.0"
    ds.save_as(src / "a.dcm")
    (result,) = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    assert result.error is None and result.output


def test_another_patients_resources_keyed_by_their_mrn_in_an_attachment() -> None:
    """Under patient_identifier, B's Observation in A's attachment gets the shift B's MRN
    keys, even when B appears only there."""
    system = "http://h.example.org/mrn"
    pat_a = {**_PAT_A, "identifier": [{"system": system, "value": "QX-10001"}]}
    other = _other_patients_bundle(birth="1970-05-05")
    inner_only = deidentify_bundle(_bundle(pat_a, _doc("application/fhir+json", other)), KEY,
                                   patient_identifier=system)
    top = deidentify_bundle(_bundle(other["entry"][0]["resource"], _obs()), KEY,
                            patient_identifier=system)
    inner = _data(inner_only["entry"][1]["resource"])["entry"]
    assert inner[1]["resource"]["effectiveDateTime"] == \
        top["entry"][1]["resource"]["effectiveDateTime"]
    assert inner[0]["resource"]["birthDate"] == top["entry"][0]["resource"]["birthDate"]
