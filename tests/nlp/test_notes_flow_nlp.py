"""Notes through NLP: withdrawn notes give no concepts, `nlp extract` on no text, the span of
an abbreviation before a full stop, and `nlp context` on spreadsheet-style TSV. Made-up data."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest
from cli_run import run_osler

from osler.record import Note, Provenance

pytestmark = pytest.mark.slow

_TIME = "2024-01-01T10:00:00Z"


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    if request.param == "duckdb":
        return str(tmp_path / "osler.duckdb")
    return request.getfixturevalue("postgres_url")


def _document(rid: str, text: str, **extra) -> dict:
    return {"resourceType": "DocumentReference", "id": rid, "status": "current",
            "subject": {"reference": "urn:uuid:pat1"}, "date": _TIME,
            "content": [{"attachment": {"contentType": "text/plain",
                                        "data": base64.b64encode(text.encode()).decode()}}],
            **extra}


def _ingest_bundle(db: str, tmp_path, *documents: dict) -> None:
    from osler.pipelines.ingest_job import ingest_paths
    from osler.store import open_store

    patient = {"resourceType": "Patient", "id": "pat1", "gender": "male",
               "birthDate": "1960-02-03"}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r}
                        for r in (patient, *documents)]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with open_store(db) as store:
        assert ingest_paths([path], store).exit_code == 0


def _conditions(db: str) -> list[tuple[str, str]]:
    from osler.store import open_store

    with open_store(db) as store:
        return sorted((r["display"], r["verification"]) for r in store.query(
            "SELECT display, verification FROM condition_occurrence"))


_WITHDRAWN_NOTES = (
    _document("doc1", "Assessment: pneumonia and sepsis.", status="entered-in-error"),
    _document("doc2", "Assessment: heart failure.", docStatus="entered-in-error"),
    _document("doc3", "Assessment: asthma.", status="superseded"),
    _document("doc4", "c/o cough."),
)


def test_annotate_reads_no_withdrawn_note_and_says_how_many(db, tmp_path, capsys, extractor):
    _ingest_bundle(db, tmp_path, *_WITHDRAWN_NOTES)
    code, err = run_osler(["nlp", "annotate", "--db", db], capsys)
    assert code == 0, err
    assert _conditions(db) == [("Cough", "confirmed")]
    assert "1 notes of 1 patients annotated" in err
    assert "3 notes withdrawn by their status (entered in error, superseded, a cancelled " \
           "report) were not read" in err


def test_annotate_removes_the_concepts_of_a_note_later_entered_in_error(db, tmp_path, capsys,
                                                                        extractor):
    from osler.pipelines.notes_nlp import annotate_store
    from osler.store import open_store

    _ingest_bundle(db, tmp_path, _document("doc1", "Assessment: pneumonia."))
    with open_store(db) as store:
        annotate_store(store, extractor=extractor)
    assert _conditions(db) == [("Pneumonia", "confirmed")]
    _ingest_bundle(db, tmp_path, _document("doc1", "Assessment: pneumonia.",
                                           status="entered-in-error"))
    with open_store(db) as store:
        report = annotate_store(store, extractor=extractor)
    assert (report.notes, report.withdrawn, report.removed) == (0, 1, 1)
    assert _conditions(db) == []


@pytest.mark.parametrize("status", ["entered-in-error", "superseded", "cancelled"])
def test_note_events_give_nothing_for_a_withdrawn_note(extractor, status):
    from osler.nlp.timeline import note_events

    def note(status: str | None) -> Note:
        return Note(id=f"n-{status}", coding=None, provenance=Provenance("made-up", "n"),
                    time=datetime(2024, 1, 1, tzinfo=timezone.utc), status=status,
                    text="Assessment: pneumonia and sepsis.")

    assert note_events([note(status)], extractor) == []
    assert {e.coding.display for e in note_events([note("current")], extractor)} == {
        "Pneumonia", "Sepsis"}


def test_extract_patient_skips_withdrawn_notes_and_says_so(tmp_path, capsys, extractor):
    db = str(tmp_path / "osler.duckdb")
    _ingest_bundle(db, tmp_path, *_WITHDRAWN_NOTES)
    code, err = run_osler(["nlp", "extract", "--patient", "pat1", "--db", db], capsys)
    assert code == 0, err
    assert "3 notes withdrawn by their status" in err


def test_extract_patient_with_only_withdrawn_notes_has_nothing_to_read(tmp_path, capsys,
                                                                       extractor):
    db = str(tmp_path / "osler.duckdb")
    _ingest_bundle(db, tmp_path, _WITHDRAWN_NOTES[0])
    code, err = run_osler(["nlp", "extract", "--patient", "pat1", "--db", db], capsys)
    assert code == 2 and "has no note with text to read" in err


@pytest.mark.parametrize("body", [b"", b"  \n\t\n", b"\xef\xbb\xbf"], ids=["empty", "blank",
                                                                          "bom-only"])
def test_extract_says_a_note_without_text_has_none(tmp_path, capsys, body):
    note = tmp_path / "empty.txt"
    note.write_bytes(body)
    code, err = run_osler(["nlp", "extract", str(note)], capsys)
    assert code == 2 and "no text (empty, or only white space); nothing to extract" in err


@pytest.mark.parametrize(("text", "concept"), [
    ("Pt with N/V. Denies chest pain.", "N/V"),
    ("no n/v. no diarrhea", "n/v"),
    ("Admitted with N/V.", "N/V"),
], ids=["before-sentence", "lower-case", "note-end"])
def test_a_concept_span_ends_before_the_full_stop(extractor, text, concept):
    (m,) = [m for m in extractor.extract(text) if m.coding and m.coding.code == "16932000"]
    assert text[m.start:m.end] == m.text == concept


def _context(tmp_path, capsys, body: bytes):
    src, dst = tmp_path / "pairs.tsv", tmp_path / "out.tsv"
    src.write_bytes(body)
    code, err = run_osler(["nlp", "context", "--in", str(src), "--out", str(dst)], capsys)
    return code, err, dst


def test_context_reads_a_quoted_cell_holding_a_crlf(tmp_path, capsys, attributor):
    import csv

    code, err, out = _context(tmp_path, capsys, (
        'id\tconcept\tsentence\r\n1\tchest pain\t"Pt denies\r\nchest pain."\r\n'
        '2\tcough\tCough today.\r\n').encode("utf-8"))
    assert code == 0, err
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert [(r["id"], r["sentence"], r["negation"]) for r in rows] == [
        ("1", "Pt denies\r\nchest pain.", "Negated"), ("2", "Cough today.", "Affirmed")]


def test_context_header_names_are_read_in_any_case(tmp_path, capsys, attributor):
    code, err, out = _context(tmp_path, capsys,
                              b"ID\tConcept\tSENTENCE\n1\tfever\tNo fever.\n")
    assert code == 0, err
    assert [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()] == [
        ["ID", "Concept", "SENTENCE", "negation", "temporality", "experiencer"],
        ["1", "fever", "No fever.", "Negated", "Recent", "Patient"]]


def test_context_header_naming_a_column_twice_in_two_cases_is_refused(tmp_path, capsys):
    code, err, _ = _context(tmp_path, capsys, b"concept\tConcept\tsentence\nx\ty\tNo x.\n")
    assert code == 2 and "repeats column(s) ['concept']" in err


def test_context_keeps_skipped_rows_in_place_with_empty_attributes(tmp_path, capsys,
                                                                   attributor):
    code, err, out = _context(tmp_path, capsys, (
        "id\tconcept\tsentence\n1\trash\tNo rash.\n2\t\tNo edema.\n3\tcough\n"
        "4\tfever\tFever to 39.\n").encode("utf-8"))
    assert code == 3
    assert "2 concepts attributed, 2 rows skipped" in err
    rows = [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert rows == [["1", "rash", "No rash.", "Negated", "Recent", "Patient"],
                    ["2", "", "No edema.", "", "", ""],
                    ["3", "cough", "", "", "", ""],
                    ["4", "fever", "Fever to 39.", "Affirmed", "Recent", "Patient"]]


def test_context_an_unclosed_quote_stays_text_on_its_line(tmp_path, capsys, attributor):
    code, err, out = _context(tmp_path, capsys, (
        'concept\tsentence\nfever\t"No fever\ncough\tCough.\n').encode("utf-8"))
    assert code == 0, err
    rows = [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert [r[:2] for r in rows] == [["fever", '"""No fever"'], ["cough", "Cough."]]
