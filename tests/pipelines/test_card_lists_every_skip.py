"""The model card names every skipped input with its reason, not the first five only."""

from __future__ import annotations

import json

import pytest
from tabular_synth import write_heart

from osler.evaluate.card import ModelCard
from osler.evaluate.cards import skipped_section
from osler.pipelines.heart_disease import TASK


def _skipped_rows(card: dict) -> list[dict]:
    [section] = [s for s in card["sections"] if s["heading"] == "Skipped inputs"]
    return section["table"]


@pytest.mark.parametrize("bad", [8, 12])
def test_every_skipped_row_is_in_the_json_card_and_the_html(bad, tmp_path):
    alpha = write_heart(tmp_path / "a", seed=1, site="alpha")
    beta = write_heart(tmp_path / "b", seed=2, site="beta")
    TASK.train([alpha], outcomes=None, model_dir=tmp_path / "model")
    good_lines = len(beta.read_text().splitlines())
    with beta.open("a") as fh:
        fh.write("".join(f"{i},1,1\n" for i in range(bad)))     # 3 values: skipped
    summary = TASK.evaluate(tmp_path / "model", [beta], report=tmp_path / "card.html",
                            n_boot=5)
    assert f"{bad} skipped" in str(summary) and f"and {bad - 5} more" in str(summary)
    card = json.loads((tmp_path / "card.json").read_text())
    rows = _skipped_rows(card)
    assert len(rows) == bad
    lines = [good_lines + 1 + i for i in range(bad)]
    for row, line in zip(rows, lines):
        assert row["file"].endswith("processed.beta.data")
        assert f"line {line} " in row["reason"] and "3 values" in row["reason"]
    notes = next(s for s in card["sections"] if s["heading"] == "Notes")["note"]
    assert "every skipped input is listed under Skipped inputs" in notes
    html = (tmp_path / "card.html").read_text()
    listed = html.split("<h2>Skipped inputs</h2>")[1].split("</section>")[0]
    assert listed.count("3 values, expected") == bad
    assert ("<details><summary>show all" in html) == (bad > 10)


def test_no_skip_no_section():
    assert skipped_section([]) is None


def test_a_long_list_folds_in_html_and_stays_whole_in_json():
    skipped = [(f"s{i}.psv", f"file s{i}.psv: stay has no rows") for i in range(30)]
    card = ModelCard(title="t", task="sepsis", summary={}, sections=[skipped_section(skipped)])
    html, data = card.to_html(), card.to_dict()
    assert "<details><summary>show all 30</summary>" in html
    assert [r["file"] for r in _skipped_rows(data)] == [f"s{i}.psv" for i in range(30)]
    assert "30 inputs could not be used" in data["sections"][0]["note"]
