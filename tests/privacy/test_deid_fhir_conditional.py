"""FHIR de-id of resources that reference their patient conditionally
(``Patient?identifier=SYSTEM|VALUE``): the same patient key, pseudonyms and date shift as a
``Patient/<id>`` reference gives, resolved as ingest resolves it; one that finds no Patient is
refused alone, naming the resource and no identifier value."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.errors import IngestError
from osler.privacy import DeidKey, load_key
from osler.privacy.deid import deidentify_bundle
from osler.privacy.deid.fhir import KnownNames

KEY = DeidKey(b"conditional-ref test secret 32by")
MRN_SYSTEM = "http://hospital.example.org/mrn"
PHI = ("MRN-COND-", "Quixmoor", "Zebulon")


def _pid(n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"cond-patient-{n}"))


def _patient(n: int) -> dict:
    return {"resourceType": "Patient", "id": _pid(n), "birthDate": f"196{n}-07-04",
            "name": [{"family": "Quixmoor", "given": [f"Zebulon{n}"]}],
            "identifier": [{"system": MRN_SYSTEM, "value": f"MRN-COND-{n}"}]}


def _observation(oid: str, reference: str) -> dict:
    return {"resourceType": "Observation", "id": oid, "status": "final",
            "code": {"text": "Heart rate"}, "subject": {"reference": reference},
            "effectiveDateTime": "2021-03-05T08:00:00Z",
            "note": [{"text": "Seen with Zebulon1 Quixmoor at the bedside."}]}


def _bundle(*resources: dict) -> dict:
    return {"resourceType": "Bundle", "type": "transaction",
            "entry": [{"fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, r['id'])}",
                       "resource": r, "request": {"method": "POST",
                                                  "url": r["resourceType"]}}
                      for r in resources]}


def _conditional(n: int) -> str:
    return f"Patient?identifier={MRN_SYSTEM}|MRN-COND-{n}"


def _without_subject(resource: dict) -> dict:
    return {k: v for k, v in resource.items() if k != "subject"}


@pytest.mark.parametrize("rule", [None, MRN_SYSTEM])
def test_a_conditional_reference_gets_the_literal_reference_s_shift_and_pseudonyms(rule):
    # two patients, so that "the Bundle's only Patient" cannot answer in its stead
    literal = _bundle(_patient(1), _patient(2), _observation("o1", f"Patient/{_pid(1)}"),
                      _observation("o2", f"Patient/{_pid(2)}"))
    conditional = _bundle(_patient(1), _patient(2), _observation("o1", _conditional(1)),
                          _observation("o2", _conditional(2)))
    want = deidentify_bundle(literal, KEY, patient_identifier=rule)["entry"]
    got = deidentify_bundle(conditional, KEY, patient_identifier=rule)["entry"]
    for w, g in zip(want[2:], got[2:], strict=True):
        assert _without_subject(g["resource"]) == _without_subject(w["resource"])
    key_1 = "MRN-COND-1" if rule else _pid(1)
    moved = (date(2021, 3, 5) + KEY.date_shift(key_1)).isoformat()
    assert got[2]["resource"]["effectiveDateTime"].startswith(moved)
    assert KEY.date_shift(key_1) != KEY.date_shift(_pid(2) if rule is None else "MRN-COND-2")
    # the reference still finds the patient: by its pseudonymised identifier
    assert "MRN-COND-" not in json.dumps(got)


def test_an_unresolvable_conditional_reference_is_refused_alone():
    bundle = _bundle(_patient(1), _patient(2), _observation("o1", _conditional(1)),
                     _observation("o9", _conditional(9)))
    refused: list[IngestError] = []
    out = deidentify_bundle(bundle, KEY, on_refused=refused.append)
    assert [e["resource"]["resourceType"] for e in out["entry"]] == [
        "Patient", "Patient", "Observation"]
    (error,) = refused
    pseudonym = KEY.pseudonym("Observation/o9", "fhir-id")   # the output's id: never the source's
    assert error.record == f"Bundle.entry[3] Observation/{pseudonym}"
    assert "matches no Patient" in error.reason and "o9" not in str(error)
    assert not any(v in str(error) for v in PHI)
    with pytest.raises(IngestError, match="matches no Patient"):
        deidentify_bundle(bundle, KEY)


def test_ndjson_resolves_a_conditional_reference_through_names_from(tmp_path):
    patients = tmp_path / "Patient.ndjson"
    patients.write_text("\n".join(json.dumps(_patient(n)) for n in (1, 2)) + "\n")
    names = KnownNames()
    for n in (1, 2):
        names.add(_patient(n))
    got = deidentify_bundle(_observation("o1", _conditional(1)), KEY, names=names)
    want = deidentify_bundle(_observation("o1", f"Patient/{_pid(1)}"), KEY, names=names)
    assert _without_subject(got) == _without_subject(want)

    observations = tmp_path / "Observation.ndjson"
    observations.write_text(json.dumps(_observation("o1", _conditional(1))) + "\n"
                            + json.dumps(_observation("o9", "Patient?identifier=MRN-COND-9"))
                            + "\n")
    key_file = tmp_path / "deid.key"
    out = tmp_path / "out.ndjson"
    result = CliRunner().invoke(cli, [
        "deid", "fhir", "--key-file", str(key_file), "--names-from", str(patients),
        "--patient-identifier", MRN_SYSTEM, str(observations), str(out)])
    assert result.exit_code == 3, result.output
    assert "Observation.ndjson" in result.output and "line 2" in result.output
    assert "matches no Patient" in result.output
    assert not any(v in result.output for v in PHI)
    (written,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert written["id"] == load_key(key_file).pseudonym("Observation/o1", "fhir-id")
    assert written["effectiveDateTime"].startswith(
        (date(2021, 3, 5) + load_key(key_file).date_shift("MRN-COND-1")).isoformat())


def test_keyed_by_the_mrn_a_conditional_reference_by_it_keys_its_patient_unread():
    """As a reference by identifier does: the MRN keys the patient whatever its Patient.id."""
    out = deidentify_bundle(_observation("o1", _conditional(1)), KEY,
                            patient_identifier=MRN_SYSTEM)
    moved = (date(2021, 3, 5) + KEY.date_shift("MRN-COND-1")).isoformat()
    assert out["effectiveDateTime"].startswith(moved)
    with pytest.raises(IngestError, match="matches no Patient"):
        deidentify_bundle(_observation("o1", "Patient?identifier=urn:other|MRN-COND-1"), KEY,
                          patient_identifier=MRN_SYSTEM)


def test_keyed_by_the_mrn_two_registrations_of_it_are_one_key():
    second = {**_patient(1), "id": _pid(3)}
    bundle = _bundle(_patient(1), second, _observation("o1", "Patient?identifier=MRN-COND-1"))
    with pytest.raises(IngestError, match="matches 2 Patient resources"):
        deidentify_bundle(bundle, KEY)
    obs = deidentify_bundle(bundle, KEY, patient_identifier=MRN_SYSTEM)["entry"][2]["resource"]
    moved = (date(2021, 3, 5) + KEY.date_shift("MRN-COND-1")).isoformat()
    assert obs["effectiveDateTime"].startswith(moved)
