"""FHIR de-id keyed by the MRN (``patient_identifier``) instead of ``Patient.id``: which
resource gets which key, what is refused, and that messages hold no identifier value."""

from __future__ import annotations

import json
import uuid
from datetime import date
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.errors import IngestError
from osler.privacy import DeidKey, load_key
from osler.privacy.deid import deidentify_bundle
from osler.privacy.deid.fhir import KnownNames
from osler.record import PatientIdentifier

KEY = DeidKey(b"patient-key test secret 32 bytes")
MRN_SYSTEM = "http://hospital.example.org/mrn"
MRN = "MRN-TEST-77"
SERVER_ID = str(uuid.UUID(int=0x5EED))
_V2 = "http://terminology.hl7.org/CodeSystem/v2-0203"


def _patient(pid: str = SERVER_ID, **extra) -> dict:
    return {"resourceType": "Patient", "id": pid, "birthDate": "1961-07-04",
            "name": [{"family": "Quixmoor", "given": ["Zebulon"]}],
            "identifier": [{"system": "urn:other-hospital", "value": "OTHER-9"},
                           {"system": MRN_SYSTEM, "value": MRN,
                            "type": {"coding": [{"system": _V2, "code": "MR"}],
                                     "text": "Medical Record Number"}}], **extra}


def _observation(oid: str, patient_ref: dict) -> dict:
    return {"resourceType": "Observation", "id": oid, "status": "final",
            "code": {"text": "Heart rate"}, "subject": patient_ref,
            "effectiveDateTime": "2021-03-05T08:00:00Z"}


def _bundle(*resources: dict) -> dict:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, r['id'])}",
                       "resource": r} for r in resources]}


def _named(rtype: str, rid: str, key: DeidKey = KEY) -> str:
    """How messages name a resource: by the pseudonym its output id gets, never its id."""
    if rtype == "Patient":
        return f"Patient/{key.pseudonym(rid, 'patient')}"
    return f"{rtype}/{key.pseudonym(f'{rtype}/{rid}', 'fhir-id')}"


def _moved(day: date, patient: str) -> str:
    return (day + KEY.date_shift(patient)).isoformat()


@pytest.mark.parametrize("rule", [MRN_SYSTEM, "MR"])
def test_the_mrn_keys_pseudonym_and_shift_and_keeps_its_system(rule):
    bundle = _bundle(_patient(), _observation("o1", {"reference": f"Patient/{SERVER_ID}"}))
    out = deidentify_bundle(bundle, KEY, patient_identifier=rule)
    patient, obs = (e["resource"] for e in out["entry"])
    other, mrn = patient["identifier"]
    assert other["system"] == "urn:osler:pseudonym"          # not the key: as without the rule
    assert mrn["system"] == MRN_SYSTEM and mrn["value"] == KEY.pseudonym(MRN, "patient")
    assert (mrn.get("type") == {"coding": [{"system": _V2, "code": "MR"}]}) == (rule == "MR")
    # ingest keyed by the same rule reads the pseudonym back as the patient's key
    assert PatientIdentifier.parse(rule).value_of(patient)[0] == KEY.pseudonym(MRN, "patient")
    # the resource id stays its own pseudonym, and references follow it
    assert patient["id"] == KEY.pseudonym(SERVER_ID, "patient")
    assert obs["subject"]["reference"] == f"Patient/{patient['id']}"
    # dates move by the MRN's shift, not the server id's
    assert patient["birthDate"] == _moved(date(1961, 7, 4), MRN)
    assert obs["effectiveDateTime"].startswith(_moved(date(2021, 3, 5), MRN))
    assert KEY.date_shift(MRN) != KEY.date_shift(SERVER_ID)   # else the test proves nothing


def test_without_the_rule_nothing_changes():
    bundle = _bundle(_patient(), _observation("o1", {"reference": f"Patient/{SERVER_ID}"}))
    patient, obs = (e["resource"] for e in deidentify_bundle(bundle, KEY)["entry"])
    assert {i["system"] for i in patient["identifier"]} == {"urn:osler:pseudonym"}
    assert patient["birthDate"] == _moved(date(1961, 7, 4), SERVER_ID)
    assert obs["effectiveDateTime"].startswith(_moved(date(2021, 3, 5), SERVER_ID))


def test_a_superseded_mrn_does_not_key_and_loses_its_system():
    patient = _patient()
    patient["identifier"].append({"system": MRN_SYSTEM, "value": "MRN-OLD-1", "use": "old"})
    out = deidentify_bundle(patient, KEY, patient_identifier=MRN_SYSTEM)
    assert [i["system"] for i in out["identifier"]] == [
        "urn:osler:pseudonym", MRN_SYSTEM, "urn:osler:pseudonym"]
    assert PatientIdentifier(system=MRN_SYSTEM).value_of(out)[0] == KEY.pseudonym(MRN)


def test_a_patient_without_the_mrn_is_refused_with_its_resources_naming_no_value():
    lacking = _patient("p-no-mrn", identifier=[{"system": "urn:other-hospital",
                                                "value": "OTHER-5"}])
    bundle = _bundle(_patient(), _observation("o1", {"reference": f"Patient/{SERVER_ID}"}),
                     lacking, _observation("o2", {"reference": "Patient/p-no-mrn"}),
                     {"resourceType": "Organization", "id": "org1", "name": "Lochmoor Clinic"})
    refused: list[IngestError] = []
    out = deidentify_bundle(bundle, KEY, patient_identifier=MRN_SYSTEM,
                            on_refused=refused.append)
    kept = [e["resource"]["resourceType"] for e in out["entry"]]
    assert kept == ["Patient", "Observation", "Organization"]
    assert [e.record for e in refused] == [f"Bundle.entry[2] {_named('Patient', 'p-no-mrn')}",
                                           f"Bundle.entry[3] {_named('Observation', 'o2')}"]
    assert MRN_SYSTEM in refused[0].reason and "not written" in refused[0].reason
    assert _named("Patient", "p-no-mrn") in refused[1].reason
    for e in refused:   # a source id is often the MRN or a name: only its pseudonym is shown
        assert not any(phi in str(e) for phi in ("OTHER-5", MRN, "Quixmoor", "Zebulon",
                                                 "p-no-mrn", "o2"))
    with pytest.raises(IngestError, match=_named("Patient", "p-no-mrn")):
        deidentify_bundle(bundle, KEY, patient_identifier=MRN_SYSTEM)


def test_two_values_of_the_mrn_refuse_the_patient():
    patient = _patient()
    patient["identifier"].append({"system": MRN_SYSTEM, "value": "MRN-TEST-78"})
    with pytest.raises(IngestError, match="2 different values") as err:
        deidentify_bundle(patient, KEY, patient_identifier=MRN_SYSTEM)
    assert err.value.record == _named("Patient", SERVER_ID) and "MRN-TEST-7" not in str(err.value)
    assert SERVER_ID not in str(err.value)


def test_ndjson_resources_take_their_patients_mrn_from_the_names_read_first():
    obs = _observation("o1", {"reference": f"Patient/{SERVER_ID}"})
    names = KnownNames()
    names.add(_patient())   # Patient.ndjson, read through --names-from
    out = deidentify_bundle(obs, KEY, names=names, patient_identifier=MRN_SYSTEM)
    assert out["effectiveDateTime"].startswith(_moved(date(2021, 3, 5), MRN))
    with pytest.raises(IngestError, match="was not read") as err:
        deidentify_bundle(obs, KEY, patient_identifier=MRN_SYSTEM)
    assert err.value.record == _named("Observation", "o1")
    assert SERVER_ID not in str(err.value) and _named("Patient", SERVER_ID) in str(err.value)


def test_a_reference_by_the_mrn_keys_the_patient_and_still_resolves():
    ref = {"identifier": {"system": MRN_SYSTEM, "value": MRN}}
    out = deidentify_bundle(_observation("o1", ref), KEY, patient_identifier=MRN_SYSTEM)
    assert out["subject"]["identifier"] == {"system": MRN_SYSTEM,
                                            "value": KEY.pseudonym(MRN, "patient")}
    assert out["effectiveDateTime"].startswith(_moved(date(2021, 3, 5), MRN))
    conditional = deidentify_bundle(
        _observation("o2", {"reference": f"Patient?identifier={MRN_SYSTEM}|{MRN}"}), KEY,
        patient_identifier=MRN_SYSTEM)
    assert unquote(conditional["subject"]["reference"]) == (
        f"Patient?identifier={MRN_SYSTEM}|{KEY.pseudonym(MRN, 'patient')}")
    other = {"identifier": {"system": "urn:other-hospital", "value": "OTHER-9"}}
    with pytest.raises(IngestError, match="another identifier") as err:
        deidentify_bundle(_observation("o3", other), KEY, patient_identifier=MRN_SYSTEM)
    assert "OTHER-9" not in str(err.value)


def test_a_reference_by_identifier_under_a_type_code_rule_says_why_it_cannot_be_keyed():
    by_identifier = {"identifier": {"system": MRN_SYSTEM, "value": MRN}}
    with pytest.raises(IngestError, match="cannot say whether it is of type MR") as err:
        deidentify_bundle(_observation("o4", by_identifier), KEY, patient_identifier="MR")
    assert MRN not in str(err.value)


def test_a_resource_of_no_patient_is_not_refused():
    org = {"resourceType": "Organization", "id": "org1", "name": "Lochmoor Clinic"}
    out = deidentify_bundle(org, KEY, patient_identifier=MRN_SYSTEM)
    assert out["id"] == KEY.pseudonym("Organization/org1", "fhir-id")


def test_a_bad_rule_is_refused_before_anything_is_read():
    with pytest.raises(ValueError, match="'patient_identifier' parameter must be"):
        deidentify_bundle(_patient(), KEY, patient_identifier="MRN SYSTEM")


def _ndjson(path, resources) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    return str(path)


def test_cli_bulk_ndjson_keys_each_file_by_the_patients_mrn_and_refuses_the_unkeyed(tmp_path):
    lacking = _patient("p-no-mrn", identifier=[{"system": "urn:other-hospital",
                                                "value": "OTHER-5"}])
    patients = _ndjson(tmp_path / "Patient.ndjson", [_patient(), lacking])
    observations = _ndjson(tmp_path / "Observation.ndjson", [
        _observation("o1", {"reference": f"Patient/{SERVER_ID}"}),
        _observation("o2", {"reference": "Patient/p-no-mrn"})])
    key_file = tmp_path / "deid.key"
    rule = ["--patient-identifier", MRN_SYSTEM, "--key-file", str(key_file)]
    runner = CliRunner()
    result = runner.invoke(cli, ["deid", "fhir", observations, str(tmp_path / "o.ndjson"),
                                 "--names-from", patients, *rule])
    assert result.exit_code == 3, result.output
    key = load_key(key_file)
    [obs] = [json.loads(x) for x in (tmp_path / "o.ndjson").read_text().splitlines()]
    moved = (date(2021, 3, 5) + key.date_shift(MRN)).isoformat()
    assert obs["effectiveDateTime"].startswith(moved)
    assert (f"record {_named('Observation', 'o2', key)}, line 2: its patient "
            f"{_named('Patient', 'p-no-mrn', key)}") in result.output
    assert "1 resources de-identified, 1 skipped" in result.output

    result = runner.invoke(cli, ["deid", "fhir", patients, str(tmp_path / "p.ndjson"), *rule])
    assert result.exit_code == 3, result.output
    [patient] = [json.loads(x) for x in (tmp_path / "p.ndjson").read_text().splitlines()]
    assert PatientIdentifier(system=MRN_SYSTEM).value_of(patient)[0] == key.pseudonym(MRN)
    assert (f"record {_named('Patient', 'p-no-mrn', key)}, line 2: Patient has no identifier "
            "system") in result.output

    # the Observation file alone: its patients' MRNs cannot be known, nothing is written
    result = runner.invoke(cli, ["deid", "fhir", observations, str(tmp_path / "x.ndjson"),
                                 *rule])
    assert result.exit_code == 2 and "--names-from" in result.output
    assert (tmp_path / "x.ndjson").read_text() == ""
    for output in (result.output, runner.invoke(cli, ["deid", "fhir", observations, str(
            tmp_path / "o.ndjson"), "--names-from", patients, *rule]).output):
        assert not any(phi in output for phi in ("OTHER-5", "OTHER-9", MRN, "Quixmoor",
                                                 "p-no-mrn"))


def test_cli_bundle_is_written_without_the_unkeyed_patient(tmp_path):
    lacking = _patient("p-no-mrn", identifier=[])
    src = tmp_path / "bundle.json"
    src.write_text(json.dumps(_bundle(_patient(), lacking)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "out.json"),
                                      "--patient-identifier", "MR"])
    assert result.exit_code == 3, result.output
    assert f"file {src}, record Bundle.entry[1] Patient/" in result.output   # a random key
    assert "p-no-mrn" not in result.output
    out = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(out["entry"]) == 1

    alone = tmp_path / "alone.json"
    alone.write_text(json.dumps(lacking), encoding="utf-8")
    result = CliRunner().invoke(cli, ["deid", "fhir", str(alone), str(tmp_path / "a.json"),
                                      "--patient-identifier", "MR"])
    assert result.exit_code == 2 and "nothing written" in result.output
    assert not (tmp_path / "a.json").exists()


def test_cli_bundle_whose_every_entry_is_refused_exits_2(tmp_path):
    src = tmp_path / "bundle.json"
    src.write_text(json.dumps(_bundle(_patient("p-no-mrn", identifier=[]))), encoding="utf-8")
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "out.json"),
                                      "--patient-identifier", "MR"])
    assert result.exit_code == 2, result.output        # it wrote an empty Bundle: no use
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")).get("entry") in (
        None, [])


def test_cli_refuses_a_bad_patient_identifier_before_creating_a_key(tmp_path):
    src = tmp_path / "p.json"
    src.write_text(json.dumps(_patient()), encoding="utf-8")
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "o.json"),
                                      "--patient-identifier", "not a system",
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 2 and "--patient-identifier" in result.output
    assert not (tmp_path / "k.json").exists() and not (tmp_path / "o.json").exists()


def test_cli_messages_name_records_by_position_and_pseudonym_never_by_source_id(tmp_path):
    # made-up ids that are a name and birth year, as some exports' ids are
    named_id = "Quixmoor-Zebulon-1961"
    observations = _ndjson(tmp_path / "Observation.ndjson", [
        _observation("Zebulon-obs-1", {"reference": f"Patient/{named_id}"})])
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(_bundle(_patient(named_id, identifier=[]))), encoding="utf-8")
    key_file = tmp_path / "deid.key"
    rule = ["--patient-identifier", MRN_SYSTEM, "--key-file", str(key_file)]
    runner = CliRunner()
    outputs = [runner.invoke(cli, ["deid", "fhir", src, str(tmp_path / f"out{n}.json"), *rule])
               for n, src in enumerate((observations, str(bundle)))]
    key = load_key(key_file)
    assert outputs[0].exit_code == 2 and outputs[1].exit_code == 2
    assert (f"record {_named('Observation', 'Zebulon-obs-1', key)}, line 1: its patient "
            f"{_named('Patient', named_id, key)} was not read") in outputs[0].output
    assert f"record Bundle.entry[0] {_named('Patient', named_id, key)}:" in outputs[1].output
    for result in outputs:
        assert "Zebulon" not in result.output and "Quixmoor" not in result.output
