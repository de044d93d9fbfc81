"""Notes into the store: a DocumentReference's status, `osler ingest --patient` for text notes,
one note written both as a DiagnosticReport and a DocumentReference (as Synthea writes
every note), and the R4 shape of a DocumentReference's encounter. All data made up here."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cli_run import run_osler

from osler.errors import IngestError
from osler.ingest import read_fhir
from osler.record import Encounter, Note

_TEXT = "Cough x2 days. No fever."
_TIME = "2024-01-01T10:00:00Z"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _document(rid: str = "doc1", text: str = _TEXT, **extra: Any) -> dict[str, Any]:
    return {"resourceType": "DocumentReference", "id": rid, "status": "current",
            "subject": {"reference": "urn:uuid:pat1"}, "date": _TIME,
            "content": [{"attachment": {"contentType": "text/plain", "data": _b64(text)}}],
            "context": {"encounter": [{"reference": "urn:uuid:enc1"}]}, **extra}


def _report(rid: str = "dr1", text: str = _TEXT, **extra: Any) -> dict[str, Any]:
    return {"resourceType": "DiagnosticReport", "id": rid, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "34117-2"}]},
            "subject": {"reference": "urn:uuid:pat1"}, "encounter": {"reference": "urn:uuid:enc1"},
            "effectiveDateTime": _TIME, "issued": _TIME,
            "presentedForm": [{"contentType": "text/plain; charset=utf-8", "data": _b64(text)}],
            **extra}


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    patient = {"resourceType": "Patient", "id": "pat1", "gender": "female",
               "birthDate": "1970-01-01"}
    encounter = {"resourceType": "Encounter", "id": "enc1", "status": "finished",
                 "class": {"code": "AMB"}, "subject": {"reference": "urn:uuid:pat1"},
                 "period": {"start": _TIME, "end": "2024-01-01T11:00:00Z"}}
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r}
                      for r in (patient, encounter, *resources)]}


def _read(tmp_path, bundle: dict[str, Any]) -> tuple[list, list[IngestError], list[Note]]:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    errors: list[IngestError] = []
    merged: list[Note] = []
    records = list(read_fhir(path, on_error=errors.append, on_note_merged=merged.append))
    return [e for r in records for e in r.events], errors, merged


def _notes(events: list) -> list[Note]:
    return [e for e in events if isinstance(e, Note)]


# --- a note entered in error keeps that status -------------------------------------------------

@pytest.mark.parametrize(("extra", "status"), [
    ({"status": "entered-in-error"}, "entered-in-error"),
    ({"docStatus": "entered-in-error"}, "entered-in-error"),   # the document itself
    ({"status": "superseded", "docStatus": "final"}, "superseded"),
    ({"docStatus": "amended"}, "current"),
], ids=["status", "doc-status", "superseded", "amended"])
def test_a_document_reference_note_carries_the_status_that_withdraws_it(tmp_path, extra,
                                                                        status):
    events, errors, _ = _read(tmp_path, _bundle(_document(**extra)))
    (note,) = _notes(events)
    assert errors == []
    assert note.status == status
    assert note.withdrawn == (status != "current")


# --- the encounter of a DocumentReference ------------------------------------------------------

@pytest.mark.parametrize("context", [
    {"encounter": [{"reference": "urn:uuid:enc1"}]},                          # R4: a list
    {"encounter": {"reference": "urn:uuid:enc1"}},                            # STU3: one
    {"encounter": [{"reference": "EpisodeOfCare/ep9"}, {"reference": "urn:uuid:enc1"}]},
    [{"reference": "urn:uuid:enc1"}],                                         # R5: context list
], ids=["r4-list", "stu3-single", "episode-first", "r5-list"])
def test_a_document_reference_joins_the_encounter_its_context_names(tmp_path, context):
    events, errors, _ = _read(tmp_path, _bundle(_document(context=context)))
    assert errors == []
    (note,) = _notes(events)
    (encounter,) = [e for e in events if isinstance(e, Encounter)]
    assert note.encounter_id == encounter.id


def test_a_document_reference_whose_encounter_is_not_in_the_source_is_quarantined(tmp_path):
    doc = _document(context={"encounter": [{"reference": "urn:uuid:elsewhere"}]})
    events, errors, _ = _read(tmp_path, _bundle(doc))
    assert _notes(events) == []
    assert ["encounter reference does not resolve" in e.reason for e in errors] == [True]


def test_an_observation_context_as_one_reference_still_joins_its_encounter(tmp_path):
    obs = {"resourceType": "Observation", "id": "obs1", "status": "final",
           "subject": {"reference": "urn:uuid:pat1"}, "context": {"reference": "urn:uuid:enc1"},
           "effectiveDateTime": _TIME, "valueQuantity": {"value": 80, "unit": "/min"},
           "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]}}
    events, errors, _ = _read(tmp_path, _bundle(obs))
    (encounter,) = [e for e in events if isinstance(e, Encounter)]
    assert errors == [] and [e.encounter_id for e in events if e.id != encounter.id] == [
        encounter.id]


# --- one note as a DiagnosticReport and a DocumentReference ------------------------------------

@pytest.mark.parametrize(("doc_status", "report_status", "kept", "status"), [
    ("current", "final", "DocumentReference/doc1", "current"),
    # Synthea: every note but the last is a superseded reference beside a final report
    ("superseded", "final", "DiagnosticReport/dr1", "final"),
    ("current", "entered-in-error", "DiagnosticReport/dr1", "entered-in-error"),
    ("entered-in-error", "final", "DocumentReference/doc1", "entered-in-error"),
], ids=["current", "synthea-superseded", "report-in-error", "document-in-error"])
def test_a_note_written_as_report_and_document_is_stored_once(tmp_path, doc_status,
                                                              report_status, kept, status):
    events, errors, merged = _read(tmp_path, _bundle(_report(status=report_status),
                                                     _document(status=doc_status)))
    (note,) = _notes(events)
    assert errors == [] and len(merged) == 1
    assert (note.provenance.record, note.status, note.text) == (kept, status, _TEXT)
    assert merged[0].provenance.record != kept


@pytest.mark.parametrize("change", [
    {"text": "Cough x3 days. No fever."},
    {"effectiveDateTime": "2024-01-02T10:00:00Z"},
], ids=["other-text", "other-time"])
def test_a_report_and_a_document_that_differ_stay_two_notes(tmp_path, change):
    text = change.pop("text", _TEXT)
    events, _, merged = _read(tmp_path, _bundle(_report(text=text, **change), _document()))
    assert len(_notes(events)) == 2 and merged == []


def test_ingest_stores_the_pair_once_in_its_encounter(tmp_path, capsys):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle(_report(), _document(), _report("dr2", "Seen today."))),
                    encoding="utf-8")
    db = str(tmp_path / "x.duckdb")
    code, err = run_osler(["ingest", "--db", db, str(path)], capsys)
    assert code == 0, err
    from osler.store import open_store

    with open_store(db, read_only=True) as store:
        rows = store.query("SELECT source_record, visit_id FROM note ORDER BY source_record")
    assert [r["source_record"] for r in rows] == ["DiagnosticReport/dr2",
                                                  "DocumentReference/doc1"]
    assert all(r["visit_id"] is not None for r in rows)


def test_ingest_summary_says_how_many_notes_were_merged(tmp_path):
    from osler.pipelines.ingest_job import ingest_paths
    from osler.store import open_store

    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle(_report(), _document())), encoding="utf-8")
    with open_store(str(tmp_path / "x.duckdb")) as store:
        report = ingest_paths([path], store)
    assert report.notes_merged == 1 and report.to_dict()["notes_merged"] == 1
    assert report.stored.events["note"] == 1
    assert report.merged_notice.startswith("1 notes given both as a DiagnosticReport")


# --- osler ingest --patient for plain-text notes -----------------------------------------------

def test_ingest_patient_names_the_patient_of_a_text_note(tmp_path, capsys):
    note = tmp_path / "visit1.txt"
    note.write_text("Seen for cough.\n", encoding="utf-8")
    db = str(tmp_path / "x.duckdb")
    code, err = run_osler(["ingest", "--db", db, "--patient", "p5", str(note)], capsys)
    assert code == 0, err
    from osler.store import open_store

    with open_store(db, read_only=True) as store:
        assert [r["person_id"] for r in store.query("SELECT person_id FROM note")] == ["p5"]


@pytest.mark.parametrize("source", ["notes.jsonl", "bundle.json"])
def test_ingest_patient_is_refused_when_no_source_takes_it(tmp_path, capsys, source):
    path = tmp_path / source
    path.write_text(json.dumps({"id": "n1", "patient": "q1", "text": "Seen."}) + "\n"
                    if source.endswith(".jsonl") else json.dumps(_bundle(_document())),
                    encoding="utf-8")
    db = tmp_path / "x.duckdb"
    code, err = run_osler(["ingest", "--db", str(db), "--patient", "p5", str(path)], capsys)
    assert code == 2 and "'--patient'" in err and "no source here takes it" in err
    assert not db.exists()   # refused before the store was opened


def test_ingest_patient_with_a_text_note_beside_other_sources_applies_to_the_note(tmp_path,
                                                                                  capsys):
    (tmp_path / "visit1.txt").write_text("Seen for cough.\n", encoding="utf-8")
    (tmp_path / "notes.jsonl").write_text(
        json.dumps({"id": "n1", "patient": "q1", "text": "Seen."}) + "\n", encoding="utf-8")
    db = str(tmp_path / "x.duckdb")
    code, err = run_osler(["ingest", "--db", db, "--patient", "p5",
                           str(tmp_path / "visit1.txt"), str(tmp_path / "notes.jsonl")], capsys)
    assert code == 0, err
    from osler.store import open_store

    with open_store(db, read_only=True) as store:
        assert sorted(r["person_id"] for r in store.query("SELECT person_id FROM note")) == [
            "p5", "q1"]
