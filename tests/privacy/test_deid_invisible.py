"""An invisible character inside a name (zero-width space, joiners, word joiner, BOM, soft
hyphen) neither hides the name nor survives in the output: text, FHIR and DICOM read what a
reader sees. All names are made up."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_text, detect_phi
from osler.privacy.deid.patient import detect_phi_notes
from osler.privacy.deid.visible import VisibleText, visible

KEY = DeidKey(b"invisible test secret, 32 bytes!")
INVISIBLE = {"zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "word-joiner": "\u2060",
             "bom": "\ufeff", "soft-hyphen": "\u00ad"}
# (note, the name it holds): each gets an invisible character inside each word of the name
NOTES = {"title": ("Dr. John Smith reviewed the films.", "John Smith"),
         "pt": ("Pt Mary Jones seen today, afebrile.", "Mary Jones"),
         "unlisted": ("Seen by Dr. Zebulon Quixmoor in clinic.", "Zebulon Quixmoor")}


def _split(name: str, mark: str) -> str:
    """``name`` with ``mark`` after the second letter of each word ("Jo\u200bhn Sm\u200bith")."""
    return " ".join(w[:2] + mark + w[2:] for w in name.split())


@pytest.mark.parametrize("mark", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize("note", NOTES.values(), ids=NOTES.keys())
@pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])
def test_a_name_split_by_an_invisible_character_is_found_and_replaced_whole(note, mark, tagger):
    plain, name = note
    hidden = plain.replace(name, _split(name, mark))
    for profile in ("surrogate", "tag"):
        seen = deidentify_text(hidden, KEY, patient="p1", profile=profile, tagger=tagger)
        expected = deidentify_text(plain, KEY, patient="p1", profile=profile, tagger=tagger)
        assert seen.text == expected.text   # the same stand-in, no invisible remnant
        assert mark not in seen.text
    found = [hidden[s.start:s.end] for s in detect_phi(hidden, tagger=tagger)]
    assert _split(name, mark) in " ".join(found)   # offsets into the original text
    assert [visible(x) for x in found] == [plain[s.start:s.end]
                                           for s in detect_phi(plain, tagger=tagger)]


def test_notes_of_one_patient_read_invisible_characters_alike():
    notes = ["Seen by Dr. Quix\u200bmoor today.", "Quix\u00admoor aware of K 3.1."]
    spans = detect_phi_notes(notes, tagger=None)
    assert [[n[s.start:s.end] for s in note_spans] for n, note_spans in zip(notes, spans)] == [
        ["Quix\u200bmoor"], ["Quix\u00admoor"]]


def test_an_invisible_character_outside_a_name_stays_where_it_was():
    text = "Seen by Dr. \u200bJohn Smith.\u200b"
    (span,) = detect_phi(text, tagger=None)
    assert text[span.start:span.end] == "John Smith"
    assert deidentify_text(text, KEY, profile="tag", tagger=None).text == (
        "Seen by Dr. \u200b[NAME].\u200b")


def test_the_visible_view_maps_spans_back_to_the_original():
    view = VisibleText.of("ab\u200bcd\u00ad ef")
    assert view.text == "abcd ef"
    from osler.privacy.deid.spans import PhiSpan

    assert view.to_original([PhiSpan(0, 4, "NAME"), PhiSpan(5, 7, "NAME")]) == [
        PhiSpan(0, 5, "NAME"), PhiSpan(7, 9, "NAME")]
    plain = VisibleText.of("Zoë")   # nothing invisible: the same text and spans
    assert plain.text == "Zoë" and plain.to_original([PhiSpan(0, 3, "NAME")]) == [
        PhiSpan(0, 3, "NAME")]


def test_cli_deid_text_gives_offsets_into_the_original_note(tmp_path):
    text = "Dr. Jo\u200bhn Smith reviewed."
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                      "--profile", "tag", "--rules-only",
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert row["text"] == "Dr. [NAME] reviewed."
    assert [text[p["start"]:p["end"]] for p in row["phi"]] == ["Jo\u200bhn Smith"]


PID = "11111111-0000-4000-8000-000000000001"


def _bundle(given: str, family: str, note: str) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": f"urn:uuid:{PID}", "resource": {
            "resourceType": "Patient", "id": PID,
            "name": [{"family": family, "given": [given]}]}},
        {"resource": {"resourceType": "Observation", "id": "o1",
                      "subject": {"reference": f"urn:uuid:{PID}"},
                      "valueString": note, "note": [{"text": note}]}}]}


@pytest.mark.parametrize("where", ["human-name", "free-text"])
def test_fhir_reads_names_and_free_text_as_a_reader_sees_them(where):
    note = "Zebulon Quixmoor called; Quixmoor aware."
    plain = deidentify_bundle(_bundle("Zebulon", "Quixmoor", note), KEY)
    if where == "human-name":   # the record's name hides its words from the notes' check
        hidden = _bundle("Zeb\u200bulon", "Quix\u00admoor", note)
    else:
        hidden = _bundle("Zebulon", "Quixmoor",
                         "Zeb\u200bulon Quix\u2060moor called; Quix\ufeffmoor aware.")
    out = deidentify_bundle(hidden, KEY)
    assert out == plain
    dumped = json.dumps(out, ensure_ascii=False)
    assert not any(mark in dumped for mark in INVISIBLE.values())


@pytest.mark.parametrize("name, description", [
    ("QUIX\u200bMOOR^ZEB\u00adULON", "CT head QUIXMOOR"),
    ("QUIXMOOR^ZEBULON", "CT head QUIX\u200bMOOR"),
], ids=["person-name", "description"])
def test_dicom_reads_person_names_and_text_as_a_reader_sees_them(name, description):
    pytest.importorskip("pydicom")
    from pydicom.dataset import Dataset

    from osler.privacy.deid.dicom import deidentify_dataset

    def deidentified(person: str, text: str) -> tuple[str, str]:
        ds = Dataset()
        ds.PatientID, ds.PatientName, ds.StudyDescription = "MRN-1", person, text
        deidentify_dataset(ds, KEY)
        return str(ds.PatientName), ds.StudyDescription

    assert deidentified(name, description) == deidentified("QUIXMOOR^ZEBULON",
                                                           "CT head QUIXMOOR")
