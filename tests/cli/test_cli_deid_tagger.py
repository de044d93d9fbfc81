"""`osler deid train` writes a tagger that `osler deid text --model` uses; synthetic notes only."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from osler.cli import cli

_SURNAMES = ["Quimby", "Przybylo", "Lindqvist", "Okafor", "Vantreese", "Ashgrove", "Kowalczyk"]
_TEMPLATES = ["Pt seen by Dr. {} this am. BP 120/80, HR 88. Plan: continue lasix.",
              "Resp: lungs coarse, suctioned. Dr. {} notified of K 3.1.",
              "Afebrile overnight. Family meeting with Dr. {} tomorrow."]


def _gold_folder(folder, n_patients=9, notes_each=6):
    rng = random.Random(0)
    records, phrases = [], []
    for patient in range(1, n_patients + 1):
        for note in range(1, notes_each + 1):
            template, name = rng.choice(_TEMPLATES), rng.choice(_SURNAMES)
            text = template.format(name)
            start = template.index("{}")
            records.append(f"START_OF_RECORD={patient}||||{note}||||\n{text}\n||||END_OF_RECORD\n")
            phrases.append(f"{patient} {note} {start} {start + len(name)} HCPName {name}")
    (folder / "id_dev.text").write_text("".join(records), encoding="utf-8")
    (folder / "id-phi_dev.phrase").write_text("\n".join(phrases) + "\n", encoding="utf-8")


def test_train_then_text_with_the_model_rules_only_and_both_refused(tmp_path):
    pytest.importorskip("pycrfsuite", reason="training the tagger needs python-crfsuite (nlp)")
    _gold_folder(tmp_path)
    runner = CliRunner()
    model = tmp_path / "tagger.json.gz"
    result = runner.invoke(cli, ["deid", "train", "--data", str(tmp_path), "--out", str(model)])
    assert result.exit_code == 0, result.output
    assert model.is_file()
    notes = tmp_path / "in.jsonl"
    notes.write_text(json.dumps({"id": "a", "text": "Seen by Dr. Lindqvist at noon."}) + "\n")
    key = tmp_path / "key.json"
    for extra in (["--model", str(model)], ["--rules-only"], []):
        out = tmp_path / f"out{len(extra)}.jsonl"
        result = runner.invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                      "--key-file", str(key), *extra])
        assert result.exit_code == 0, result.output
        line = json.loads(out.read_text())
        assert set(line) == {"id", "text", "phi"} and "Lindqvist" not in line["text"]
        assert any(p["type"] == "NAME" for p in line["phi"])
    result = runner.invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                  "--key-file", str(key), "--model", str(model), "--rules-only"])
    assert result.exit_code == 2 and "exclude each other" in result.output
