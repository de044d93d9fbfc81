"""Notes dated by day only are not read before the day is over (review defect 13), and plain
text notes decode as FHIR attachments do (defect 15). All text and dates here are made up."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import orjson
import pytest

from fhir_factory import patient_bundle
from osler.errors import IngestError
from osler.ingest import read_fhir
from osler.ingest._fhir_time import known_by
from osler.ingest.notes import read_notes, sniff_notes
from osler.ingest.registry import detect
from osler.record import Note


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def _fhir_notes(tmp_path, **doc_fields) -> list[Note]:
    bundle = patient_bundle(1)
    doc = next(e["resource"] for e in bundle["entry"]
               if e["resource"]["resourceType"] == "DocumentReference")
    doc.update(doc_fields)
    path = tmp_path / "b.json"
    path.write_bytes(orjson.dumps(bundle))
    return [e for r in read_fhir(path) for e in r.events if isinstance(e, Note)]


def test_a_day_is_over_everywhere_by_noon_utc_the_next_day():
    assert known_by("2024-03-10") == _utc(2024, 3, 11, 12)
    assert known_by("2024-12") == _utc(2025, 1, 1, 12)
    assert known_by("2024") == _utc(2025, 1, 1, 12)
    assert known_by("2024-03-10T08:00:00Z") is None


def test_a_document_dated_by_day_is_known_after_the_day_and_after_its_encounter(tmp_path):
    (note,) = _fhir_notes(tmp_path, date="2024-03-10", context={"period": {
        "start": "2024-03-10T08:00:00Z", "end": "2024-03-12T09:00:00Z"}})
    assert note.time == _utc(2024, 3, 10)
    assert note.known_time == _utc(2024, 3, 12, 9)     # the encounter's end, later than the day


def test_a_document_dated_by_day_in_a_short_encounter_is_known_when_the_day_is_over(tmp_path):
    (note,) = _fhir_notes(tmp_path, date="2024-03-10", context={"period": {
        "start": "2024-03-10T08:00:00Z", "end": "2024-03-10T09:00:00Z"}})
    assert note.known_time == _utc(2024, 3, 11, 12)
    assert note.available_time > _utc(2024, 3, 10, 23, 59)


def test_a_document_dated_by_day_takes_the_zone_its_encounter_names(tmp_path):
    (note,) = _fhir_notes(tmp_path, date="2024-03-10", context={"period": {
        "start": "2024-03-10T08:00:00-05:00", "end": "2024-03-10T09:00:00-05:00"}})
    assert note.known_time == datetime.fromisoformat("2024-03-11T00:00:00-05:00")


def test_a_document_with_a_full_time_is_known_at_it(tmp_path):
    (note,) = _fhir_notes(tmp_path, date="2024-03-10T10:15:00Z")
    assert (note.time, note.known_time) == (_utc(2024, 3, 10, 10, 15), None)


def _jsonl(tmp_path, **fields) -> tuple[list[Note], list[IngestError]]:
    path = tmp_path / "n.jsonl"
    path.write_text(json.dumps({"id": "a1", "patient": "q1", "text": "No fever.", **fields})
                    + "\n")
    errors: list[IngestError] = []
    notes = [e for r in read_notes(path, on_error=errors.append) for e in r.events]
    return notes, errors


def test_a_jsonl_note_dated_by_day_is_accepted_and_known_after_the_day(tmp_path):
    (note,), errors = _jsonl(tmp_path, time="2024-03-10")
    assert errors == []
    assert (note.time, note.known_time) == (_utc(2024, 3, 10), _utc(2024, 3, 11, 12))


def test_a_jsonl_time_of_day_without_a_zone_is_still_refused_saying_so(tmp_path):
    notes, (error,) = _jsonl(tmp_path, time="2024-03-10T08:00:00")
    assert notes == [] and "time zone" in str(error)


def test_a_jsonl_date_that_is_no_date_is_refused_naming_no_value(tmp_path):
    notes, (error,) = _jsonl(tmp_path, time="2024-13-45")
    assert notes == [] and "not a valid date" in str(error) and "2024-13-45" not in str(error)


def _txt_note(tmp_path, name: str, raw: bytes) -> tuple[list[Note], list[IngestError]]:
    path = tmp_path / name
    path.write_bytes(raw)
    errors: list[IngestError] = []
    notes = [e for r in read_notes(path, on_error=errors.append) for e in r.events]
    return notes, errors


@pytest.mark.parametrize("raw", [
    "Caf\u00e9 visit, no fever.\r\n".encode("cp1252"),
    "\ufeffCaf\u00e9 visit, no fever.\r\n".encode("utf-8"),
    "Caf\u00e9 visit, no fever.\r\n".encode("utf-16"),          # with its byte-order mark
    "Caf\u00e9 visit, no fever.\r\n".encode("utf-32"),
], ids=["windows-1252", "utf-8-bom", "utf-16", "utf-32"])
def test_a_text_note_decodes_as_an_attachment_does(tmp_path, raw):
    (note,), errors = _txt_note(tmp_path, "visit.txt", raw)
    assert errors == []
    assert note.text == "Caf\u00e9 visit, no fever.\r\n"
    attachment = {"contentType": "text/plain", "data": base64.b64encode(raw).decode()}
    (fhir_note,) = _fhir_notes(tmp_path, content=[{"attachment": attachment}])
    assert fhir_note.text == note.text


def test_a_utf16_text_note_is_detected_as_notes(tmp_path):
    path = tmp_path / "visit.txt"
    path.write_bytes("Patient has a cough, no fever.\n".encode("utf-16"))
    assert sniff_notes(path, path.read_bytes())
    assert detect(path).name == "notes"


def test_a_utf16_table_is_still_no_note(tmp_path):
    path = tmp_path / "table.txt"
    path.write_bytes("RecordID,SOFA\n1,2\n".encode("utf-16"))
    assert not sniff_notes(path, path.read_bytes())


def test_a_text_note_that_is_binary_is_refused_naming_the_file(tmp_path):
    notes, (error,) = _txt_note(tmp_path, "scan.txt", b"%PDF-1.4 not a note")
    assert notes == [] and error.file == "scan.txt" and "cannot read text" in str(error)


def test_a_report_dated_by_day_without_an_issue_time_is_known_after_the_day(tmp_path):
    attachment = {"contentType": "text/plain", "data": base64.b64encode(b"No fever.").decode()}
    report = {"resourceType": "DiagnosticReport", "id": "r1", "status": "final",
              "subject": {"reference": "Patient/p1"}, "code": {"text": "Note"},
              "effectiveDateTime": "2024-03-10", "presentedForm": [attachment]}
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p1"}}, {"resource": report}]}
    path = tmp_path / "r.json"
    path.write_bytes(orjson.dumps(bundle))
    (note,) = [e for r in read_fhir(path) for e in r.events if isinstance(e, Note)]
    assert (note.time, note.known_time) == (_utc(2024, 3, 10), _utc(2024, 3, 11, 12))


def test_decode_note_refuses_a_broken_utf16_text_saying_why():
    from osler.ingest.notes import decode_note

    with pytest.raises(ValueError, match="utf-16"):
        decode_note(b"\xff\xfeA\x00\x00\xd8")     # a lone surrogate half after the mark
