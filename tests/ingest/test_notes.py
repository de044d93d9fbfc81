from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from osler.errors import IngestError
from osler.ingest.notes import attachment_text, read_notes, sniff_notes


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_jsonl_notes_grouped_by_patient_with_time_role_and_type(tmp_path):
    path = _jsonl(tmp_path / "notes.jsonl", [
        {"id": "n1", "patient": "p1", "text": "No fever.", "time": "2024-05-01T08:00:00Z",
         "author_role": "nurse", "type": "progress"},
        {"id": "n2", "patient": "p2", "text": "Cough."},
        {"id": "n3", "patient": "p1", "text": "Afebrile.", "time": "2024-05-02T08:00:00+02:00"},
    ])
    records = list(read_notes(path))
    assert [r.patient_id for r in records] == ["p1", "p2"]
    n1 = records[0].events[0]
    assert (n1.text, n1.author_role, n1.title) == ("No fever.", "nurse", "progress")
    assert n1.time.isoformat() == "2024-05-01T08:00:00+00:00"
    assert records[1].events[0].time is None  # no time given: unknown, never invented
    assert sniff_notes(path, path.read_bytes()[:200])
    assert sniff_notes(tmp_path / "p1.txt", b"Seen today, stable.")
    assert not sniff_notes(tmp_path / "README.txt", b"Synthetic cohort.")
    assert not sniff_notes(tmp_path / "outcomes.txt", b"RecordID,SAPS-I,SOFA\n")


def test_bad_lines_are_reported_and_skipped(tmp_path):
    path = _jsonl(tmp_path / "notes.jsonl", [
        {"id": "n1", "patient": "p1", "text": "ok"}, "{not json",
        {"id": "n2", "patient": "p1", "text": "x", "time": "2024-05-01T08:00:00"},
        {"id": "n3", "text": "no patient"},
    ])
    errors: list[IngestError] = []
    records = list(read_notes(path, on_error=errors.append))
    assert len(records[0].events) == 1
    assert [e.line for e in errors] == [2, 3, 4]
    assert "time zone" in errors[1].reason and errors[1].record == "n2"
    with pytest.raises(IngestError, match="line 2"):
        list(read_notes(path))


def test_text_files_are_one_note_each(tmp_path):
    (tmp_path / "p7.txt").write_text("Chest pain.", encoding="utf-8")
    (records,) = list(read_notes(tmp_path))
    assert records.patient_id == "p7" and records.events[0].text == "Chest pain."


def test_attachment_text():
    data = base64.b64encode("Fièvre.".encode()).decode()
    assert attachment_text({"contentType": "text/plain; charset=utf-8", "data": data}) == "Fièvre."
    assert attachment_text({"contentType": "application/pdf", "data": data}) is None
    assert attachment_text({"contentType": "text/plain", "data": "%%%"}) is None
    assert attachment_text({"url": "http://example.org/x"}) is None


def test_a_byte_order_mark_is_dropped_once_and_offsets_count_the_text_without_it(tmp_path):
    """Offsets into a note count characters of ``Note.text``: the file's text decoded as UTF-8
    without its byte-order mark, as any BOM-aware reader (``utf-8-sig``) shows it."""
    path = tmp_path / "p1.txt"
    path.write_bytes("\ufeffSeen today. Cough, no fever.".encode())
    (record,) = read_notes(path)
    text = record.events[0].text
    as_read = path.read_text(encoding="utf-8-sig")
    assert text == as_read == "Seen today. Cough, no fever."
    assert text.index("Cough") == as_read.index("Cough") == 12


def test_a_jsonl_file_with_a_byte_order_mark_keeps_its_first_note(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "n1", "patient": "p1", "text": "Ok."}
                                                   ).encode() + b"\n")
    (record,) = read_notes(path)
    assert record.events[0].text == "Ok."
    assert sniff_notes(path, path.read_bytes())


def test_no_break_spaces_in_text_notes_become_spaces_one_for_one(tmp_path):
    path = tmp_path / "p1.txt"
    path.write_text("BP\u00a0120/80. HR\u202f88.", encoding="utf-8")
    (record,) = read_notes(path)
    assert record.events[0].text == "BP 120/80. HR 88."


def test_html_attachment_text_is_plain_text():
    data = base64.b64encode(b"<p>No&nbsp;fever.</p><p>Cough.</p>").decode()
    assert attachment_text({"contentType": "text/html", "data": data}) == "No fever.\n\nCough."


def test_deid_text_output_with_its_phi_spans_is_read_as_notes(tmp_path):
    # what `osler deid text` writes: "phi" offsets point into the original text, not this one
    path = _jsonl(tmp_path / "deid.jsonl", [
        {"id": "n1", "text": "Seen by Dr. [NAME].", "patient": "0b6f",
         "time": "2019-12-30T10:00:00Z", "phi": [{"start": 12, "end": 17, "type": "NAME"}]},
        {"id": "n2", "text": "Stable.", "patient": "0b6f", "phi": []},
    ])
    (record,) = read_notes(path)
    assert [e.text for e in record.events] == ["Seen by Dr. [NAME].", "Stable."]


@pytest.mark.parametrize("phi", ["NAME", [{"start": "12", "end": 17, "type": "NAME"}],
                                 [{"start": 1, "end": 2, "type": "NAME", "value": "x"}]])
def test_a_phi_field_of_another_shape_is_refused(tmp_path, phi):
    path = _jsonl(tmp_path / "deid.jsonl", [{"id": "n1", "text": "t", "patient": "p", "phi": phi}])
    with pytest.raises(IngestError, match="'phi', when given, must be a list"):
        list(read_notes(path))


def test_a_note_read_from_deid_text_output_is_kept_as_deidentified(tmp_path):
    path = _jsonl(tmp_path / "deid.jsonl", [
        {"id": "n1", "text": "Seen by Dr. [NAME].", "patient": "0b6f", "phi": []},
        {"id": "n2", "text": "Stable.", "patient": "0b6f"}])
    (record,) = read_notes(path)
    assert [e.deidentified for e in record.events] == [True, False]


def test_a_text_note_keeps_its_line_ends(tmp_path):
    # CRLF stays CRLF: the stored note's offsets are the file's (``nlp extract FILE`` and
    # ``nlp extract --patient`` give the same spans)
    note = tmp_path / "p9.txt"
    note.write_bytes(b"\xef\xbb\xbfLine one.\r\nNo fever.\r\nCough.\r\n")
    (record,) = read_notes(note)
    assert record.events[0].text == "Line one.\r\nNo fever.\r\nCough.\r\n"
