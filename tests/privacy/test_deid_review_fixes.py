"""Regressions a review of the day's de-identification changes found (made-up data)."""

from __future__ import annotations

from collections import Counter

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, detect_phi
from osler.privacy.deid.fhir import KnownNames

KEY = DeidKey(b"review fixes secret, 32 bytes...")
U1 = "urn:uuid:11111111-2222-3333-4444-555555555555"


def test_a_patient_without_an_id_shares_its_shift_and_names_with_its_resources():
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": U1, "resource": {"resourceType": "Patient", "birthDate": "1970-06-15",
                                     "name": [{"family": "Quixmoor", "given": ["Zebulon"]}]}},
        {"resource": {"resourceType": "Patient", "id": "p2"}},
        {"resource": {"resourceType": "Observation", "subject": {"reference": U1},
                      "effectiveDateTime": "1970-06-15",
                      "note": [{"text": "Zebulon Quixmoor seen"}]}}]}
    dropped: Counter = Counter()
    out = deidentify_bundle(bundle, KEY, dropped=dropped)
    patient, _, obs = (e["resource"] for e in out["entry"])
    assert patient["birthDate"] == obs["effectiveDateTime"]
    given, family = patient["name"][0]["given"][0], patient["name"][0]["family"]
    assert obs["note"][0]["text"] == f"{given} {family} seen"
    assert not dropped


def test_a_uuid_subject_outside_a_bundle_keys_one_shift_across_files():
    shifted = []
    for rtype, field in (("Observation", "effectiveDateTime"), ("Encounter", "period")):
        res = {"resourceType": rtype, "subject": {"reference": U1}}
        res[field] = "2020-01-01" if field != "period" else {"start": "2020-01-01"}
        out = deidentify_bundle(res, KEY, names=KnownNames())
        shifted.append(out[field] if field != "period" else out[field]["start"])
    assert shifted[0] == shifted[1]


@pytest.mark.parametrize("code", ["248152002", "C0011849", "1.2.840.10008.5.1.4.1.1.2"])
def test_clinical_codes_in_extensions_are_kept(code):
    res = {"resourceType": "Patient", "id": "p1", "extension": [
        {"url": "http://example.org/fhir/StructureDefinition/x", "valueCode": code}]}
    assert deidentify_bundle(res, KEY)["extension"][0]["valueCode"] == code


@pytest.mark.parametrize(("text", "names"), [
    ("Met with Barnaby Quixmoor today.", ["Barnaby Quixmoor"]),
    ("Contacted Quixmoor family by phone.", ["Quixmoor"]),
    ("Grandmother Quixmoor has diabetes.", ["Quixmoor"]),
    ("Dx: Hodgkin\nQuixmoor tolerated chemo.", ["Quixmoor"]),
    ("Vomited brown fluid overnight.", []),
])
def test_a_first_name_before_a_known_surname_but_no_ordinary_word(text, names):
    known = {"quixmoor": "NAME", "brown": "NAME"}
    assert [text[s.start:s.end] for s in detect_phi(text, known=known)] == names


def test_everyday_words_in_staff_names_do_not_wipe_dicom_descriptions(write_dicom, tmp_path):
    import pydicom

    from osler.privacy.deid.dicom import deidentify_dataset

    path = tmp_path / "a.dcm"
    write_dicom(path, "CT", "1.2.826.0.1.3680043.8.498.3", "1.2.826.0.1.3680043.8.498.3.1")
    ds = pydicom.dcmread(path)
    ds.PatientName, ds.ReferringPhysicianName, ds.OperatorsName = (
        "QUIXMOOR^ZEBULON", "EMERGENCY^DEPARTMENT", "CT^TECH")
    ds.StudyDescription = "CT HEAD EMERGENCY WITHOUT CONTRAST"
    ds.SeriesDescription = "Head Trauma Quixmoor"
    deidentify_dataset(ds, KEY)
    assert ds.StudyDescription == "CT HEAD EMERGENCY WITHOUT CONTRAST"
    assert "Quixmoor" not in ds.SeriesDescription


def test_an_extension_whose_value_is_dropped_goes_whole():
    res = {"resourceType": "Patient", "id": "p1", "extension": [
        {"url": "http://example.org/a", "valueUri": "https://ehr.example.org/p?name=Quixmoor"},
        {"url": "http://example.org/b", "valueBase64Binary": "UXVpeG1vb3I="},
        {"url": "http://example.org/c", "valueString": "kept"}]}
    out = deidentify_bundle(res, KEY)
    assert [x["url"] for x in out["extension"]] == ["http://example.org/c"]


def _bundle_with(*resources):
    patient = {"resourceType": "Patient", "id": "p1",
               "name": [{"family": "Quixmoor", "given": ["Zebulon"]}]}
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": patient}] + [{"resource": r} for r in resources]}


def test_a_codes_display_that_names_the_patient_is_scrubbed_and_others_are_kept():
    obs = {"resourceType": "Observation", "id": "o1", "subject": {"reference": "Patient/p1"},
           "meta": {"tag": [{"system": "urn:x", "code": "vip", "display": "Zebulon Quixmoor"}]},
           "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5",
                                "display": "Body temperature"}]}}
    out = deidentify_bundle(_bundle_with(obs), KEY)["entry"][1]["resource"]
    assert "Quixmoor" not in out["meta"]["tag"][0]["display"]
    assert out["code"]["coding"][0]["display"] == "Body temperature"


def test_a_searched_identifier_in_an_operation_outcome_is_scrubbed():
    outcome = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "information", "code": "informational",
         "expression": ["Patient.where(identifier.value='MRN4471902')"]}]}
    out = deidentify_bundle(outcome, KEY)
    assert "MRN4471902" not in out["issue"][0]["expression"][0]


def test_names_from_the_export_reach_a_bundle_without_its_patient():
    from osler.privacy.deid.fhir import KnownNames

    names = KnownNames()
    names.add({"resourceType": "Patient", "id": "p1",
               "name": [{"family": "Quixmoor", "given": ["Zebulon"]}]})
    obs = {"resourceType": "Observation", "id": "o1", "subject": {"reference": "Patient/p1"},
           "note": [{"text": "Zebulon Quixmoor stable."}]}
    bundle = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": obs}]}
    out = deidentify_bundle(bundle, KEY, names=names)
    assert "Quixmoor" not in out["entry"][0]["resource"]["note"][0]["text"]


def test_notes_and_dicom_files_of_no_patient_do_not_share_one_date_shift(tmp_path, write_dicom):
    import json

    import pydicom
    from click.testing import CliRunner

    from osler.cli import cli
    from osler.privacy.deid.dicom import deidentify_dataset

    notes = tmp_path / "n.jsonl"
    notes.write_text("".join(json.dumps({"id": i, "text": "Seen 3/4/2019."}) + "\n"
                             for i in ("x1", "x2", "x3")), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = CliRunner().invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                      "--rules-only", "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(ln) for ln in out.read_text().splitlines()]
    assert len({r["text"] for r in rows}) > 1 and not any("patient" in r for r in rows)
    dates = []
    for n in (1, 2):
        study = f"1.2.826.0.1.3680043.8.498.{n}"
        write_dicom(tmp_path / f"{n}.dcm", "CT", study, study + ".1")
        ds = pydicom.dcmread(tmp_path / f"{n}.dcm")
        del ds.PatientID
        dates.append(deidentify_dataset(ds, KEY).StudyDate)
    assert dates[0] != dates[1]


def test_a_resource_nested_too_deep_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    from cli_run import run_osler

    depth = 600   # the walker recurses per level; json.dumps could not write this as a dict
    text = ('{"resourceType": "Patient", "id": "p1", "extension": ['
            + '{"url": "urn:n", "extension": [' * depth + '{"url": "urn:leaf", "valueString": "x"}'
            + "]}" * depth + "]}")
    path = tmp_path / "deep.json"
    path.write_text(text)
    code, err = run_osler(["deid", "fhir", str(path), str(tmp_path / "o.json")], capsys)
    assert code == 2 and "nested too deep" in err and "Traceback" not in err


def test_a_resource_linked_only_through_its_encounter_takes_its_patients_shift_and_names():
    patient2 = {"resourceType": "Patient", "id": "p2", "name": [{"family": "Pemberly"}]}
    encounter = {"resourceType": "Encounter", "id": "e1", "subject": {"reference": "Patient/p1"},
                 "period": {"start": "2019-03-04"}}
    obs = {"resourceType": "Observation", "id": "o1", "encounter": {"reference": "Encounter/e1"},
           "effectiveDateTime": "2019-03-04", "valueString": "Zebulon Quixmoor seen"}
    dropped: Counter = Counter()
    out = deidentify_bundle(_bundle_with(patient2, encounter, obs), KEY, dropped=dropped)
    _, _, enc_out, obs_out = (e["resource"] for e in out["entry"])
    assert obs_out["effectiveDateTime"] == enc_out["period"]["start"]
    assert "Quixmoor" not in obs_out["valueString"] and not dropped
    # bulk NDJSON: the Encounter and Patient files given as --names-from
    names = KnownNames()
    names.add(_bundle_with()["entry"][0]["resource"])
    names.add(encounter)
    alone = deidentify_bundle(obs, KEY, names=names)
    assert alone["effectiveDateTime"] == enc_out["period"]["start"]
    assert "Quixmoor" not in alone["valueString"]


def test_conditional_transaction_urls_keep_their_identifier_pseudonymised_or_refuse_to_write():
    patient = {"resourceType": "Patient", "identifier": [{"system": "urn:mrn", "value": "MRN1"}]}
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": patient, "request": {"method": "PUT",
                                          "url": "Patient?identifier=urn:mrn|MRN1"}},
        {"request": {"method": "POST", "url": "Observation",
                     "ifNoneExist": "identifier=urn:mrn|MRN1&name=Quixmoor"}},
        {"request": {"method": "DELETE", "url": "Patient?name=Quixmoor&birthdate=1951-02-17"}}]}
    put, post, delete = (e["request"] for e in deidentify_bundle(bundle, KEY)["entry"])
    pseudo = deidentify_bundle(bundle, KEY)["entry"][0]["resource"]["identifier"][0]
    assert put["url"] == f"Patient?identifier={pseudo['system']}|{pseudo['value']}"
    assert post["ifNoneExist"] == f"identifier={pseudo['system']}|{pseudo['value']}"
    # its criteria cannot be kept: a bare 'DELETE Patient' would delete every patient
    assert delete["url"] == "[REFERENCE]"
    assert "MRN1" not in str(put) + str(post) and "Quixmoor" not in str(delete)


@pytest.mark.parametrize("resource", [
    {"resourceType": "Schedule", "id": "s1", "actor": [{"reference": "Patient/p1"}],
     "planningHorizon": {"start": "2019-03-04"}},
    {"resourceType": "Communication", "id": "c1", "recipient": [
        {"reference": "Practitioner/d1"}, {"reference": "Patient/p1"}], "sent": "2019-03-04"},
    {"resourceType": "Observation", "id": "o2", "focus": [{"reference": "Patient/p1"}],
     "effectiveDateTime": "2019-03-04"},
])
def test_schedules_communications_and_focus_find_their_patient(resource):
    from datetime import date

    out = deidentify_bundle(_bundle_with(resource), KEY)["entry"][1]["resource"]
    moved = (date(2019, 3, 4) + KEY.date_shift("p1")).isoformat()
    assert moved in str(out)
