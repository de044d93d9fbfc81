"""ModelCard: provenance, plain-word headings, wide tables, nothing fetched from elsewhere."""

from __future__ import annotations

import json
import re

import pandas as pd

from osler.evaluate.card import ModelCard, Section, column_heading

_PROVENANCE = {"task": "toy", "training data": {"files": ["a.csv"], "rows trained on": 40},
               "decision threshold": {"value": 0.5, "rule": "the default"},
               "library versions": {"lightgbm": "4.7.0"}}


def _card() -> ModelCard:
    subgroups = pd.DataFrame({"attribute": ["sex"], "group": ["female"],
                              "patients_with_event": [3], "AUROC low": [0.5],
                              "warning": ["fewer than 100 patients: too small to judge"]})
    calibration = pd.DataFrame({"bin": [0], "mean_predicted": [0.2], "observed": [0.25],
                                "count": [10]})
    return ModelCard(title="t", task="toy", summary={"AUROC": 0.7}, provenance=_PROVENANCE,
                     sections=[Section("Subgroups", table=subgroups),
                               Section("Calibration", table=calibration)])


def test_provenance_is_in_the_html_after_the_summary_and_in_the_json(tmp_path):
    card = _card()
    html = card.to_html()
    assert html.index("<h2>Summary</h2>") < html.index("<h2>Provenance</h2>") \
        < html.index("<h2>Subgroups</h2>")
    assert "files: a.csv; rows trained on: 40" in html and "value: 0.5; rule: the default" in html
    card.write(tmp_path / "card.html")
    assert json.loads((tmp_path / "card.json").read_text())["provenance"] == _PROVENANCE


def test_headings_read_as_words_in_html_while_json_keeps_its_keys(tmp_path):
    html = _card().to_html()
    for words in ("patients with the outcome", "AUROC 95% CI low", "mean predicted risk",
                  "observed rate", "samples"):
        assert f"<th>{words}</th>" in html
    assert "patients_with_event" not in html and "mean_predicted" not in html
    _card().write(tmp_path / "card.html")
    section = json.loads((tmp_path / "card.json").read_text())["sections"][0]
    assert set(section["table"][0]) == {"attribute", "group", "patients_with_event",
                                        "AUROC low", "warning"}
    assert section["column_headings"]["patients_with_event"] == "patients with the outcome"
    assert column_heading("ci_low") == "95% CI low" and column_heading("n_boot") \
        == "bootstrap resamples" and column_heading("some_new_column") == "some new column"
    assert column_heading("mean_abs_contribution") == "mean |SHAP contribution|"


def test_every_table_scrolls_inside_its_box():
    html = _card().to_html()
    assert ".scroll{overflow-x:auto" in html
    assert html.count("<div class='scroll'><table") == 3   # provenance, subgroups, calibration
    subgroups = html[html.index("<h2>Subgroups</h2>"):html.index("<h2>Calibration</h2>")]
    assert "<div class='scroll'><table" in subgroups and subgroups.count("</div>") == 1


def test_the_card_fetches_nothing(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    axes.plot([0, 1], [0, 1])
    card = _card()
    card.sections.append(Section("Figure", figure=figure))
    html = card.to_html()
    assert "<svg" in html and "<link" not in html and "<script" not in html
    assert not re.findall(r"(?:src|href)=[\"'](?!#)", html)        # only links inside the page
    assert not re.findall(r"url\((?!#)", html) and "@import" not in html
