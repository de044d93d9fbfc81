from __future__ import annotations

import json

from click.testing import CliRunner

from osler.cli import cli
from osler.privacy import load_key


def test_deid_text_and_fhir_share_one_key_file(tmp_path):
    key_file = tmp_path / "deid.key"
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "patient": "p1",
                                 "text": "Seen by Dr. Osler on 3/14/2019."}) + "\n" + "{bad\n",
                     encoding="utf-8")
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    result = runner.invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                 "--profile", "tag", "--key-file", str(key_file)])
    assert result.exit_code == 3  # one note done, one bad line skipped
    (row,) = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    pseudonym = row.pop("patient")   # the note joins the patient's de-identified record
    assert row == {"id": "n1", "text": "Seen by Dr. [NAME] on [DATE].",
                   "phi": [{"start": 12, "end": 17, "type": "NAME"},
                           {"start": 21, "end": 30, "type": "DATE"}]}

    resource = tmp_path / "patient.json"
    resource.write_text(json.dumps({"resourceType": "Patient", "id": "p1"}), encoding="utf-8")
    result = runner.invoke(cli, ["deid", "fhir", str(resource), str(tmp_path / "p.json"),
                                 "--key-file", str(key_file)])
    assert result.exit_code == 0, result.output
    patient = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert patient["id"] == load_key(key_file).pseudonym("p1") == pseudonym


def test_deid_dicom_cli_flags_burned_in_modalities(tmp_path, write_dicom):
    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "us.dcm", "US", "1.2.826.0.1.3680043.8.498.7", "1.2.826.0.1.3680043.8.498.7.1")
    result = CliRunner().invoke(cli, ["deid", "dicom", str(src), str(tmp_path / "out"),
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    assert "burned-in" in result.output and len(list((tmp_path / "out").rglob("*.dcm"))) == 1


def test_deid_text_shares_what_one_note_reveals_with_the_patients_next_notes(tmp_path):
    lines = [{"id": "a1", "patient": "p1", "text": "Seen by Dr. Zorvathi today."},
             {"id": "a2", "patient": "p1", "text": "Zorvathi aware of K 3.1."},
             {"id": "b1", "patient": "p2", "text": "Zorvathi aware of K 3.1."},
             {"id": "c1", "text": "Zorvathi aware of K 3.1."},
             {"id": "a3", "patient": "p1", "text": "Zorvathi aware of K 3.1."}]
    notes = tmp_path / "notes.jsonl"
    notes.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                      "--profile", "tag", "--rules-only",
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    assert "1 patients' notes were not on consecutive lines" in result.output
    rows = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a1", "a2", "b1", "c1", "a3"]  # input order
    assert rows[1] == {"id": "a2", "text": "[NAME] aware of K 3.1.",
                       "phi": [{"start": 0, "end": 8, "type": "NAME"}],
                       "patient": rows[0]["patient"]}
    assert "patient" not in rows[3]      # c1 came without a patient
    # Another patient, a note without one, and a later run of p1 learn nothing from a1.
    assert [r["text"] for r in rows[2:]] == ["Zorvathi aware of K 3.1."] * 3

    result = CliRunner().invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                      "--profile", "tag", "--rules-only", "--notes-alone",
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0 and "consecutive" not in result.output
    rows = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert rows[1]["text"] == "Zorvathi aware of K 3.1." and rows[1]["phi"] == []
