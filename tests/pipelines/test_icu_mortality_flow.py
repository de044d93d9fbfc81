"""icu-mortality through the CLI contract on synthetic PhysioNet 2012-shaped stays."""

import csv

import numpy as np
import pytest

from icu2012_factory import write_stays_2012 as _write_stays

from osler.cli import main

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


def run(*args):
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.mark.slow
def test_train_predict_evaluate_keep_the_cli_contract(tmp_path, capsys):
    stays, outcomes = _write_stays(tmp_path)
    model, out, card = tmp_path / "model", tmp_path / "pred.csv", tmp_path / "card.html"
    ev = tmp_path / "evidence.jsonl"
    assert run("train", "icu-mortality", "--data", stays, "--outcomes", outcomes,
               "--model", model) == 0
    assert "held out" in capsys.readouterr().out
    assert run("predict", "icu-mortality", "--model", model, "--data", stays, "--out", out,
               "--explain", ev) == 0
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0] == ["RecordID", "probability"] and len(rows) == 161
    assert all(0 <= float(p) <= 1 for _, p in rows[1:])
    _check_explanations(ev, rows[1:], stays)
    assert run("evaluate", "icu-mortality", "--model", model, "--data", stays,
               "--outcomes", outcomes, "--report", card) == 0
    text = capsys.readouterr().out
    assert "AUROC" in text and "logistic" in text
    assert card.is_file() and card.with_suffix(".json").is_file()
    capsys.readouterr()
    assert run("predict", "pneumonia", "--model", model, "--data", stays, "--out",
               tmp_path / "s.csv", "--explain", ev) == 2
    assert "--explain is not available for pneumonia" in capsys.readouterr().err


def _check_explanations(ev, preds, stays):
    """Every prediction explained, each evidence item pointing back into its own stay file."""
    import json

    lines = [json.loads(x) for x in ev.read_text().splitlines()]
    assert [x["id"] for x in lines] == [r[0] for r in preds] and len(lines) == 160
    assert [round(x["probability"], 6) for x in lines] == [float(r[1]) for r in preds]
    pointed = 0
    for x in lines:
        ev_items = x["evidence"]
        assert len(ev_items) == 5
        sizes = [abs(e["contribution"]) for e in ev_items]
        assert sizes == sorted(sizes, reverse=True)
        for e in ev_items:
            assert f"{x['id']}.txt#{x['id']}" in e["source"]   # the stay's own file
            if e["event_ids"]:          # one measurement: its line, hour and value
                pointed += 1
                hour, line = e["offset_hours"], int(e["source"].rsplit(":", 1)[1])
                assert hour <= 48
                text = (stays / f"{x['id']}.txt").read_text().splitlines()[line - 1]
                if e["detail"].endswith(("__last", "__first", "__min", "__max")):
                    assert float(text.split(",")[2]) == pytest.approx(e["value"])
    assert pointed > 0
