"""``osler deid text`` writes a note's patient, time and encounter as ``deid fhir`` and
``deid dicom`` would under the same key, so that the note joins its patient's record."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from cli_run import run_osler
from osler.privacy import DeidKey, load_key
from osler.privacy.deid.note_fields import (NOT_A_TIME, TIME_WITHOUT_PATIENT,
                                            deidentify_note_fields, encounter_pseudonym,
                                            shift_time)


def _deid(tmp_path, capsys, lines: list[dict], *extra: str) -> tuple[int, str, list[dict]]:
    notes, out, key_file = tmp_path / "notes.jsonl", tmp_path / "out.jsonl", tmp_path / "k.json"
    notes.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    code, err = run_osler(["deid", "text", "--in", str(notes), "--out", str(out), "--rules-only",
                           "--key-file", str(key_file), *extra], capsys)
    return code, err, [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]


def test_time_moves_by_the_patients_shift_and_other_fields_join_fhir(tmp_path, capsys):
    note = {"id": "n1", "patient": "p1", "text": "Stable.", "time": "2020-01-02T10:00:00Z",
            "encounter": "Encounter/e1", "type": "progress", "author_role": "nurse",
            "ward": "Ward 7"}
    code, err, (row,) = _deid(tmp_path, capsys, [note])
    assert code == 0, err
    key = load_key(tmp_path / "k.json")
    shift = key.date_shift("p1")
    assert row["patient"] == key.pseudonym("p1")
    moved = datetime.fromisoformat(row["time"].replace("Z", "+00:00"))
    assert moved - datetime.fromisoformat("2020-01-02T10:00:00+00:00") == shift
    assert row["time"].endswith("Z")
    assert row["encounter"] == encounter_pseudonym(key, "e1")
    assert encounter_pseudonym(key, "Encounter/e1") == encounter_pseudonym(key, "e1")
    assert row["type"] == "progress" and row["author_role"] == "nurse"
    assert "ward" not in row   # not checked for PHI: left out
    assert row["id"] == "n1"   # the contract: ids come back as they came


def test_a_time_without_a_patient_is_dropped_and_counted(tmp_path, capsys):
    lines = [{"id": "a", "text": "Stable.", "time": "2020-01-02T10:00:00Z"},
             {"id": "b", "patient": "p1", "text": "Stable.", "time": "yesterday"},
             {"id": "c", "patient": "p1", "text": "Stable.", "time": "2020-01-03"}]
    code, err, rows = _deid(tmp_path, capsys, lines)
    assert code == 0, err
    assert ["time" in r for r in rows] == [False, False, True]
    assert f"1 {TIME_WITHOUT_PATIENT}" in err and f"1 {NOT_A_TIME}" in err
    assert "2020-01-02" not in err and "yesterday" not in err


def test_pseudonymised_ids_keep_input_order_and_are_keyed(tmp_path, capsys):
    lines = [{"id": f"acc-{n}", "patient": "p1", "text": "Stable."} for n in range(3)]
    code, err, rows = _deid(tmp_path, capsys, lines, "--pseudonymise-ids")
    assert code == 0, err
    key = load_key(tmp_path / "k.json")
    assert [r["id"] for r in rows] == [key.pseudonym(f"acc-{n}", "note-id") for n in range(3)]
    assert all(r["id"] != r["patient"] for r in rows)


def test_shift_time_keeps_precision_and_zone():
    moved = shift_time("2020-03-01T00:30:00+02:00", timedelta(days=-1))
    assert moved == "2020-02-29T00:30:00+02:00"
    assert shift_time("2020", timedelta(days=-1)) is None
    assert shift_time(20200101, timedelta(days=-1)) is None


def test_fields_of_a_note_without_patient_name_no_pseudonym():
    fields, dropped = deidentify_note_fields({"encounter": "e9", "type": "x"},
                                             DeidKey(b"s" * 32), None)
    assert "patient" not in fields and fields["type"] == "x" and dropped is None


def test_the_notes_own_patient_id_is_replaced_wherever_the_text_repeats_it(tmp_path, capsys):
    lines = [{"id": "n1", "patient": "MRN-TEST-0099", "text": "MRN mrn-test-0099, stable."},
             {"id": "n2", "patient": "p1", "text": "K p1 3.1, stable."}]
    code, err, rows = _deid(tmp_path, capsys, lines, "--profile", "tag")
    assert code == 0, err
    assert rows[0]["text"] == "MRN [ID], stable."
    assert rows[0]["phi"] == [{"start": 4, "end": 17, "type": "ID"}]
    assert rows[1]["text"] == "K p1 3.1, stable."   # too short to look for safely


def test_a_kind_of_note_or_author_that_names_someone_is_tagged():
    from osler.privacy import DeidKey
    from osler.privacy.deid.note_fields import deidentify_note_fields

    key = DeidKey(b"note fields secret of 32 bytes!!")
    out, _ = deidentify_note_fields({"type": "Dr Quixmoor's clinic letter",
                                     "author_role": "physician"}, key, "p1")
    assert "Quixmoor" not in out["type"] and "clinic letter" in out["type"]
    assert out["author_role"] == "physician"
