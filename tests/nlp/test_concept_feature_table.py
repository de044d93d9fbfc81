"""Concept features read back from the store (review defect 14): ``concept_feature_table``
and ``osler nlp features``. Made-up patients and codes; no NLP model is run."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.nlp.concepts import Mention
from osler.nlp.context import Assertion
from osler.nlp.timeline import mention_events
from osler.pipelines.notes_nlp import concept_feature_table
from osler.record import SNOMED, Coding, Note, PatientRecord, Provenance

pytest.importorskip("duckdb")

T0 = datetime(2024, 6, 1, 10, 0, tzinfo=timezone.utc)
COUGH = Coding(SNOMED, "49727002", "Cough")
FEVER = Coding(SNOMED, "386661006", "Fever")


def _record(pid: str, note_time: datetime, *mentions: Mention) -> PatientRecord:
    note = Note(id=f"note-{pid}", coding=None, provenance=Provenance("n.jsonl", pid),
                time=note_time, text="...")
    return PatientRecord(patient_id=pid, provenance=Provenance("n.jsonl", pid),
                         events=(note, *mention_events(note, mentions)))


def _m(coding: Coding, negation="Affirmed", start=0) -> Mention:
    return Mention(start, start + 5, coding.display.lower(), "symptom", coding,
                   Assertion(negation, "Recent", "Patient"))


@pytest.fixture()
def db(tmp_path):
    from osler.store import open_store

    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        store.write([_record("p1", T0, _m(COUGH), _m(FEVER, "Negated", 10)),
                     _record("p2", T0 + timedelta(days=3), _m(FEVER))])
    return path


def test_one_row_per_patient_with_only_what_was_known_at_the_time(db):
    from osler.store import open_store

    with open_store(db, read_only=True) as store:
        names, rows = concept_feature_table(store, T0 + timedelta(hours=1),
                                            windows=(timedelta(days=30),))
    assert names == ["patient_id", "nlp:49727002:30d"]      # p1's fever is refuted
    assert rows == [{"patient_id": "p1", "nlp:49727002:30d": 1},
                    {"patient_id": "p2", "nlp:49727002:30d": 0}]   # p2's note is in the future


def test_each_patient_may_have_its_own_prediction_time(db):
    from osler.store import open_store

    times = {"p1": T0 - timedelta(hours=1), "p2": T0 + timedelta(days=4)}
    with open_store(db, read_only=True) as store:
        names, rows = concept_feature_table(store, times, windows=(timedelta(days=30),))
    assert names == ["patient_id", "nlp:386661006:30d"]
    assert rows == [{"patient_id": "p1", "nlp:386661006:30d": 0},
                    {"patient_id": "p2", "nlp:386661006:30d": 1}]


def test_the_cli_writes_the_table_as_csv(db, tmp_path):
    out = tmp_path / "features.csv"
    result = CliRunner().invoke(cli, ["nlp", "features", "--db", str(db), "--at",
                                      "2024-06-06T00:00:00Z", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["patient_id"] for r in rows] == ["p1", "p2"]
    assert rows[0]["nlp:49727002:30d"] == "1" and rows[1]["nlp:49727002:30d"] == "0"
    assert rows[1]["nlp:386661006:30d"] == "1"
    assert "nlp:386661006:1d" not in rows[1]     # a column only for a feature someone has


def test_the_cli_refuses_a_time_without_a_zone(db, tmp_path):
    result = CliRunner().invoke(cli, ["nlp", "features", "--db", str(db), "--at",
                                      "2024-06-05T00:00:00", "--out", str(tmp_path / "f.csv")])
    assert result.exit_code == 2 and "time zone" in result.output
    assert not (tmp_path / "f.csv").exists()


def test_a_patient_not_in_the_store_gets_no_row_and_is_named(db, tmp_path):
    from osler.store import open_store

    missing: list[str] = []
    with open_store(db, read_only=True) as store:
        _, rows = concept_feature_table(store, T0 + timedelta(hours=1), ["p1", "zz9"], missing)
    assert [r["patient_id"] for r in rows] == ["p1"] and missing == ["zz9"]
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(cli, ["nlp", "features", "--db", str(db), "--at",
                                      "2024-06-06T00:00:00Z", "--out", str(out),
                                      "--patient", "p1", "--patient", "zz9"])
    assert result.exit_code == 3 and "no patient with id 'zz9'" in result.output
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("p1,")
