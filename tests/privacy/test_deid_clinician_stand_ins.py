"""A clinician's name reads the same in a patient's de-identified notes and FHIR under one key:
the stand-in is keyed by the name's words and the key alone in both; patients' and
relatives' names stay scoped by their patient (made-up people only)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from osler.cli import cli
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_notes
from osler.privacy.deid.clinicians import clinician_words
from osler.privacy.deid.surrogates import surrogate_name

KEY = DeidKey(b"clinician stand-in test secret!!")
NOTE = "Seen today by Dr. Hestia Brackenridge for follow-up. Mr. Quorrington is stable."


def _bundle(patient: str, note: str | None = None, practitioner: bool = True) -> dict:
    entries = [{"fullUrl": f"https://fhir.example.org/Patient/{patient}",
                "resource": {"resourceType": "Patient", "id": patient,
                             "name": [{"family": "Quorrington", "given": ["Tobiah"]}]}}]
    if practitioner:
        entries.append({"fullUrl": "https://fhir.example.org/Practitioner/pr-7",
                        "resource": {"resourceType": "Practitioner", "id": "pr-7",
                                     "name": [{"family": "Brackenridge",
                                               "given": ["Hestia"]}]}})
    if note:
        entries.append({"resource": {"resourceType": "Observation", "id": "ob-1",
                                     "status": "final", "code": {"text": "visit"},
                                     "subject": {"reference": f"Patient/{patient}"},
                                     "note": [{"text": note}]}})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def test_a_note_and_a_bundle_of_one_patient_give_the_clinician_one_stand_in_via_the_cli(
        tmp_path):
    key_file = tmp_path / "deid.key"
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "patient": "pc-1", "text": NOTE}) + "\n",
                     encoding="utf-8")
    runner = CliRunner()
    run = runner.invoke(cli, ["deid", "text", "--in", str(notes), "--out",
                              str(tmp_path / "notes-out.jsonl"), "--rules-only",
                              "--key-file", str(key_file)])
    assert run.exit_code == 0, run.output
    text = json.loads((tmp_path / "notes-out.jsonl").read_text(encoding="utf-8"))["text"]
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(_bundle("pc-1")), encoding="utf-8")
    run = runner.invoke(cli, ["deid", "fhir", str(bundle), str(tmp_path / "b-out.json"),
                              "--key-file", str(key_file)])
    assert run.exit_code == 0, run.output
    out = json.loads((tmp_path / "b-out.json").read_text(encoding="utf-8"))
    (name,) = [e["resource"]["name"][0] for e in out["entry"]
               if e["resource"]["resourceType"] == "Practitioner"]
    assert "Brackenridge" not in text and "Hestia" not in text
    assert f"Dr. {name['given'][0]} {name['family']} for follow-up" in text


def test_the_clinician_reads_the_same_in_a_bundles_note_with_or_without_the_practitioner():
    text = deidentify_notes([NOTE], KEY, patient="pc-1", tagger=None)[0].text
    for practitioner in (True, False):
        out = deidentify_bundle(_bundle("pc-1", NOTE, practitioner), KEY)
        assert out["entry"][-1]["resource"]["note"][0]["text"] == text
    assert f"Dr. {surrogate_name(KEY, 'Hestia Brackenridge')} for" in text


def test_patients_names_stay_their_patients_and_clinicians_are_the_keys():
    a = deidentify_notes([NOTE], KEY, patient="pc-1", tagger=None)[0].text
    b = deidentify_notes([NOTE], KEY, patient="pc-2", tagger=None)[0].text
    doctor = "Dr. " + surrogate_name(KEY, "Hestia Brackenridge")
    assert doctor in a and doctor in b
    assert a.split("Mr. ")[1] != b.split("Mr. ")[1]   # Quorrington: each patient's own


def test_a_word_also_written_as_a_relatives_stays_the_patients():
    notes = ["Dr. Fenwick reviewed the films.", "Son Fenwick visited today."]
    assert clinician_words(notes) == frozenset()
    a = deidentify_notes(notes, KEY, patient="pc-1", tagger=None)
    b = deidentify_notes(notes, KEY, patient="pc-2", tagger=None)
    assert a[0].text != b[0].text


def test_only_names_written_as_a_clinicians_are_found():
    assert clinician_words(["Hestia Brackenridge, MD", "Attending: Orla Penhallow",
                            "Electronically signed by Ulric Fenwick"]) == {
        "hestia", "brackenridge", "orla", "penhallow", "ulric", "fenwick"}
    assert clinician_words(["Mrs. Quorrington and her daughter Elspeth came in.",
                            "PATIENT DO NOT RESUSCITATE", "Brackenridge aware."]) == frozenset()
