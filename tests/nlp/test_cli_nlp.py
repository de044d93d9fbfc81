from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from osler.cli import cli

pytestmark = pytest.mark.slow


def test_nlp_context_adds_three_columns(tmp_path, attributor):
    src = tmp_path / "pairs.tsv"
    src.write_text("id\tconcept\tsentence\n1\tedema\tNo peripheral edema.\n"
                   "2\tbreast cancer\tMother had breast cancer.\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    result = CliRunner().invoke(cli, ["nlp", "context", "--in", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [ln.split("\t") for ln in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == ["id", "concept", "sentence", "negation", "temporality", "experiencer"]
    assert lines[1][3:] == ["Negated", "Recent", "Patient"]
    assert lines[2][3:] == ["Affirmed", "Recent", "Other"]


def test_nlp_context_names_missing_columns(tmp_path):
    src = tmp_path / "pairs.tsv"
    src.write_text("term\tsentence\nedema\tNo edema.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["nlp", "context", "--in", str(src), "--out",
                                      str(tmp_path / "o.tsv")])
    assert result.exit_code != 0 and "concept" in str(result.exception)


def test_nlp_extract_from_file_and_from_store(tmp_path, extractor):
    note = tmp_path / "note.txt"
    note.write_text("Denies chest pain. History of CHF.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["nlp", "extract", str(note)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(ln) for ln in result.output.splitlines()]
    assert [(r["text"], r["negation"]) for r in rows] == [("chest pain", "Negated"),
                                                          ("CHF", "Affirmed")]
    assert rows[0]["start"] == 7 and rows[0]["end"] == 17

    from osler.ingest.notes import read_notes
    from osler.store import open_store

    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "patient": "p1", "text": "No fever."}) + "\n",
                     encoding="utf-8")
    db = tmp_path / "osler.duckdb"
    with open_store(db) as store:
        store.write(read_notes(notes))
    result = CliRunner().invoke(cli, ["nlp", "extract", "--patient", "p1", "--db", str(db)])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(ln) for ln in result.output.splitlines()]
    assert (row["text"], row["negation"]) == ("fever", "Negated")
    assert "notes.jsonl" in row["source"] and "n1" in row["source"]   # the note's own id
