"""Inputs a task's cohort leaves out by definition read "excluded by the cohort definition",
with their count, apart from inputs skipped as bad input, in every task's summaries, card
Notes and Provenance block (the wording is generic: a task gives only what and why).
Made-up data only."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from tabular_synth import write_readmission

from osler.pipelines._provenance import card_provenance, training_record
from osler.pipelines._shared import COHORT_EXCLUDED, excluded_note
from osler.pipelines._tabular import TabularData

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")

KEY = "excluded by the cohort definition (see Notes)"


def _data(n: int, skipped: int, excluded: int) -> TabularData:
    """A made-up table task's rows: ``skipped`` bad rows and ``excluded`` rows outside the
    cohort (widgets out of scope), neither among the ``n`` read."""
    zeros = np.zeros(n)
    return TabularData(
        np.zeros((n, 1)), zeros.copy(), np.array([f"r{i}" for i in range(n)]),
        np.array([f"p{i % 3}" for i in range(n)]), ["x"], zeros, zeros,
        skipped=[("t.csv", f"file t.csv line {i + 2}: no value; row skipped")
                 for i in range(skipped)],
        excluded={"widgets out of the study's scope": [f"file t.csv line {i + 20}"
                                                       for i in range(excluded)]}
        if excluded else {})


def test_the_note_counts_exclusions_apart_from_skips_in_the_generic_words():
    d = _data(6, skipped=1, excluded=2)
    assert d.excluded_note() == "2 excluded by the cohort definition: widgets out of the " \
                                "study's scope"
    note = d.read_note()
    assert note.startswith("1 skipped (file t.csv line 2: no value; row skipped)")
    assert "; 2 excluded by the cohort definition: widgets" in note
    assert "skipped" not in note.split("; 2 excluded")[1]
    assert _data(6, skipped=0, excluded=0).read_note() == "0 skipped"
    assert excluded_note({}) == "" and excluded_note({"none here": []}) == ""
    assert COHORT_EXCLUDED == "excluded by the cohort definition"


def test_provenance_counts_exclusions_apart_from_skips():
    d = _data(6, skipped=1, excluded=2)
    record = training_record([Path("/somewhere/t.csv")], d, d.take(np.arange(6) < 4))
    assert record["skipped"] == 1 and record[KEY] == 2
    bundle = SimpleNamespace(extra={"training_data": record}, fingerprint="f", threshold=0.5,
                             versions={}, training_rows=None)
    block = card_provenance("toy", bundle, [Path("t.csv")], d, d, np.zeros(6, bool),
                            np.zeros(6, bool))
    assert block["evaluation data"]["skipped (see Notes)"] == 1
    assert block["evaluation data"][KEY] == 2
    # no exclusion: no entry, as for most tasks
    plain = _data(6, skipped=0, excluded=0)
    assert KEY not in training_record([Path("t.csv")], plain, plain)


def test_a_model_saved_under_the_earlier_words_reads_in_todays():
    record = {"files": ["t.csv"], "skipped": 0, "left out by the task's cohort (see Notes)": 4}
    bundle = SimpleNamespace(extra={"training_data": record}, fingerprint="f", threshold=0.5,
                             versions={}, training_rows=None)
    d = _data(3, skipped=0, excluded=0)
    block = card_provenance("toy", bundle, [Path("t.csv")], d, d, np.zeros(3, bool),
                            np.zeros(3, bool))
    assert block["training data"] == {"files": ["t.csv"], "skipped": 0, KEY: 4}


def test_readmission_card_says_excluded_by_the_cohort_definition(tmp_path):
    from osler.pipelines.readmission import TASK

    data = write_readmission(tmp_path / "data", n=300, seed=6)
    frame = pd.read_csv(data, dtype=str)
    dead = int((frame["discharge_disposition_id"] == "11").sum())
    assert dead   # the made-up table has some encounters discharged to hospice
    frame.loc[3, "num_medications"] = "many"   # one bad row: a skip
    frame.to_csv(data, index=False)
    TASK.train([data], outcomes=None, model_dir=tmp_path / "model")
    summary = TASK.evaluate(tmp_path / "model", [data], report=tmp_path / "card.html")
    words = (f"{dead} excluded by the cohort definition: encounters discharged to death or "
             "hospice (cannot be readmitted)")
    assert f"1 skipped (file {data} line 5: " in summary and words in summary
    card = json.loads((tmp_path / "card.json").read_text())
    for part in ("training data", "evaluation data"):
        assert card["provenance"][part][KEY] == dead
    assert card["provenance"]["training data"]["skipped"] == 1
    assert card["provenance"]["evaluation data"]["skipped (see Notes)"] == 1
    notes = next(s["note"] for s in card["sections"] if s["heading"] == "Notes")
    assert words in notes and "1 skipped (" in notes
    assert "hospice" not in notes.split(words)[0]   # never among the skipped rows
    html = (tmp_path / "card.html").read_text()
    assert "excluded by the cohort definition (see Notes)" in html and words in html
