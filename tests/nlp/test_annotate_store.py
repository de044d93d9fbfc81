"""``osler nlp annotate``: concepts of stored notes into the stored timeline, on DuckDB and on
the real PostgreSQL server. Notes are made up here."""

from __future__ import annotations

import json

import pytest
from cli_run import run_osler

pytestmark = pytest.mark.slow


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    if request.param == "duckdb":
        return str(tmp_path / "osler.duckdb")
    return request.getfixturevalue("postgres_url")


def _ingest(db, tmp_path, notes):
    from osler.ingest.notes import read_notes
    from osler.store import open_store

    path = tmp_path / "notes.jsonl"
    path.write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")
    with open_store(db) as store:
        store.write(read_notes(path))


def _conditions(db):
    from osler.store import open_store

    with open_store(db, read_only=True) if db.endswith(".duckdb") else open_store(db) as store:
        return sorted((r["person_id"], r["display"], r["verification"]) for r in store.query(
            "SELECT person_id, display, verification FROM condition_occurrence"))


def test_annotate_stores_refuted_and_confirmed_findings_and_replaces_them_on_rerun(
        db, tmp_path, capsys, extractor):
    _ingest(db, tmp_path, [
        {"id": "n1", "patient": "p1", "time": "2024-03-01T10:00:00Z",
         "text": "Fever: no\nc/o cough x3 days. Allergic to aspirin."},
        {"id": "n2", "patient": "p2", "time": "2024-03-02T10:00:00Z",
         "text": "Mother had stroke. Pneumonia ruled out."}])
    code, err = run_osler(["nlp", "annotate", "--db", db], capsys)
    assert code == 0, err
    assert "2 notes of 2 patients annotated" in err
    assert _conditions(db) == [("p1", "Cough", "confirmed"), ("p1", "Fever", "refuted"),
                               ("p2", "Pneumonia", "refuted")]
    from osler.store import open_store

    with open_store(db) as store:   # no aspirin taken: it is an allergen
        assert store.query("SELECT count(*) AS n FROM drug_exposure")[0]["n"] == 0
    # a second run, and a run after the note changed, leave one copy of what the note says now
    assert run_osler(["nlp", "annotate", "--db", db], capsys)[0] == 0
    assert len(_conditions(db)) == 3
    _ingest(db, tmp_path, [{"id": "n1", "patient": "p1", "time": "2024-03-01T10:00:00Z",
                            "text": "Fever today."}])
    assert run_osler(["nlp", "annotate", "--db", db, "--patient", "p1"], capsys)[0] == 0
    assert _conditions(db) == [("p1", "Fever", "confirmed"), ("p2", "Pneumonia", "refuted")]


def test_annotate_names_a_patient_not_in_the_store(db, tmp_path, capsys, extractor):
    _ingest(db, tmp_path, [{"id": "n1", "patient": "p1", "text": "No fever."}])
    code, err = run_osler(["nlp", "annotate", "--db", db, "--patient", "p1", "--patient",
                           "nobody"], capsys)
    assert code == 3 and "no patient with id 'nobody'" in err
    assert _conditions(db) == [("p1", "Fever", "refuted")]


def test_annotate_never_removes_a_source_row_whose_record_starts_with_nlp(db, tmp_path, capsys,
                                                                          extractor):
    from osler.store import open_store

    # a note whose own id starts with "nlp:" (found in review: it was deleted with the
    # derived events)
    _ingest(db, tmp_path, [{"id": "nlp:7", "patient": "p1", "text": "No fever. Has cough."}])
    for _ in range(2):
        code, err = run_osler(["nlp", "annotate", "--db", db], capsys)
        assert code == 0, err
    with open_store(db) as store:
        assert store.query("SELECT count(*) AS n FROM note")[0]["n"] == 1
    assert _conditions(db) == [("p1", "Cough", "confirmed"), ("p1", "Fever", "refuted")]


def test_derived_rows_are_recognised_by_their_remade_id():
    from osler.nlp.timeline import derived_by_nlp
    from osler.record import event_id

    good = event_id("nlp", "n:1", 3, 8, "386661006")
    assert derived_by_nlp(good, "nlp:n:1:3-8", "386661006")
    assert not derived_by_nlp("Condition/abc", "nlp:n:1:3-8", "386661006")
    assert not derived_by_nlp(good, "nlp:7", "386661006")
    assert not derived_by_nlp(good, None, "386661006")


def test_show_says_when_a_procedure_did_not_happen(db, tmp_path, capsys, extractor):
    # "Not performed colonoscopy" is a procedure with status not-done: `osler show` must not
    # read as a colonoscopy done
    _ingest(db, tmp_path, [{"id": "n1", "patient": "p7", "time": "2024-03-01T10:00:00Z",
                            "text": "Not performed colonoscopy. Cough."}])
    assert run_osler(["nlp", "annotate", "--db", db], capsys)[0] == 0
    capsys.readouterr()
    from osler.cli import main

    try:
        main(["show", "p7", "--db", db, "--limit", "0"])
    except SystemExit as exc:   # click's standalone mode ends with SystemExit(0)
        assert exc.code in (0, None)
    row = next(ln for ln in capsys.readouterr().out.splitlines() if "Colonoscopy" in ln)
    assert "not-done" in row
