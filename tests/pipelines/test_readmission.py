"""Task readmission on small made-up encounter tables: inputs with no usable row, and
category levels chosen from the training patients only."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from tabular_synth import write_readmission

from osler.errors import DataError
from osler.pipelines.readmission import TASK

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A readmission model on 400 made-up encounters, and its data file."""
    folder = tmp_path_factory.mktemp("readmission")
    data = write_readmission(folder / "d")
    TASK.train([data], outcomes=None, model_dir=folder / "model")
    return folder / "model", data


def _header_only(data, path):
    pd.read_csv(data).head(0).to_csv(path, index=False)
    return path


def _only_death_or_hospice(data, path):
    rows = pd.read_csv(data).head(4)
    rows["discharge_disposition_id"] = [11, 13, 19, 21]
    rows.to_csv(path, index=False)
    return path


def _each_command(model, path, tmp_path):
    yield lambda: TASK.predict(model, path, tmp_path / "p.csv")
    yield lambda: TASK.evaluate(model, [path], report=tmp_path / "c.html", n_boot=5)
    yield lambda: TASK.train([path], outcomes=None, model_dir=tmp_path / "m")


def test_a_header_only_file_is_refused_by_name_in_every_command(trained, tmp_path):
    model, data = trained
    empty = _header_only(data, tmp_path / "empty.csv")
    for command in _each_command(model, empty, tmp_path):
        with pytest.raises(DataError, match=r"file \S*empty.csv: no usable row; it holds a "
                                            "header and no data row"):
            command()
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "c.html").exists()


def test_a_file_of_deaths_and_hospice_only_says_why_each_row_went(trained, tmp_path):
    model, data = trained
    dead = _only_death_or_hospice(data, tmp_path / "dead.csv")
    for command in _each_command(model, dead, tmp_path):
        with pytest.raises(DataError) as caught:
            command()
        message = str(caught.value)
        assert "dead.csv: no usable row; 4 of 4 rows skipped" in message
        assert "discharged to death or hospice" in message and "and 1 more" in message
        assert "was used to train" not in message


def test_an_unusable_file_beside_a_good_one_is_still_named(trained, tmp_path):
    model, data = trained
    empty = _header_only(data, tmp_path / "empty.csv")
    with pytest.raises(DataError, match="empty.csv: no usable row"):
        TASK.load([data, empty], None)


def test_category_levels_come_from_the_training_patients_only(tmp_path):
    """A level seen only among held-out patients must not become a feature: choosing the
    levels from every row would let the held-out fifth shape the model."""
    data = write_readmission(tmp_path / "d")
    frame = pd.read_csv(data)
    held_out = ~TASK.develop_mask(frame["patient_nbr"].astype(str).to_numpy())
    assert held_out.sum() > 20
    frame.loc[held_out, "medical_specialty"] = "OnlyInHeldOut"
    frame.to_csv(data, index=False)
    TASK.train([data], outcomes=None, model_dir=tmp_path / "model")
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert manifest["extra"]["vocabulary"]["medical_specialty"] == ["a", "b", "c"]
    assert not any("OnlyInHeldOut" in name for name in manifest["feature_names"])
    assert "AUROC" in TASK.evaluate(tmp_path / "model", [data], report=tmp_path / "card.html",
                                    n_boot=5)
    TASK.train([data], outcomes=None, model_dir=tmp_path / "final", held_out=0)
    final = json.loads((tmp_path / "final" / "manifest.json").read_text())
    assert "OnlyInHeldOut" in final["extra"]["vocabulary"]["medical_specialty"]


def test_the_card_says_what_the_model_was_trained_and_evaluated_on(trained, tmp_path):
    model, data = trained
    manifest = json.loads((model / "manifest.json").read_text())
    TASK.evaluate(model, [data], report=tmp_path / "card.html", n_boot=5)
    provenance = json.loads((tmp_path / "card.json").read_text())["provenance"]
    trained_on = provenance["training data"]
    assert trained_on["files"] == [data.name] and "/" not in str(provenance["evaluation data"])
    assert trained_on["patients trained on"] == len(manifest["extra"]["train_patients"])
    evaluated = provenance["evaluation data"]
    assert trained_on["rows trained on"] + trained_on["rows held out"] == evaluated["rows usable"]
    left_out = provenance["left out as seen in training"]
    assert left_out["rows of patients trained on"] == trained_on["rows trained on"]
    assert evaluated["rows evaluated"] == trained_on["rows held out"]
    assert left_out["rows compared by content"] == "no"      # ids are the patients' own
    assert provenance["training data fingerprint (SHA-256)"] == manifest["fingerprint"]
    assert provenance["decision threshold"]["value"] == 0.5
    assert "not tuned" in provenance["decision threshold"]["rule"]
    assert provenance["library versions"] == manifest["versions"]


def test_a_cut_row_is_named_by_its_field_count_in_every_command(trained, tmp_path):
    """pandas fills a short row with empty values; the reason is the cut, not an empty
    label, and predict does not score the row as if its values were missing."""
    model, data = trained
    lines = data.read_text().splitlines()
    width = len(lines[0].split(","))
    lines[3] = ",".join(lines[3].split(",")[:10])
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines) + "\n")
    reason = f"file {cut} line 4: row has 10 fields where the header has {width}; row skipped"
    for labels in (True, False):
        assert reason in [why for _, why in TASK.load([cut], None, labels=labels).skipped]
    summary = TASK.predict(model, cut, tmp_path / "p.csv")
    assert reason in summary.skipped


def test_a_cut_row_leaves_the_other_rows_predictions_as_they_were(trained, tmp_path):
    """A row cut before the code columns made pandas read them as floats ("1.0"), which no
    level the model learnt ("1") matched: every other row lost its category features."""
    model, data = trained
    lines = data.read_text().splitlines()
    whole = tmp_path / "whole.csv"
    whole.write_text("\n".join(lines[:3] + lines[4:40]) + "\n")
    lines[3] = ",".join(lines[3].split(",")[:5])
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines[:40]) + "\n")
    before = TASK.predict(model, whole, tmp_path / "whole_p.csv")
    summary = TASK.predict(model, cut, tmp_path / "cut_p.csv")
    assert len(summary.skipped) == len(before.skipped) + 1     # the cut row, named
    expected = pd.read_csv(tmp_path / "whole_p.csv")
    got = pd.read_csv(tmp_path / "cut_p.csv")
    pd.testing.assert_frame_equal(got, expected)
    assert "not seen in training" not in str(summary)


def test_category_values_not_seen_in_training_are_counted_never_shown(trained, tmp_path):
    model, data = trained
    frame = pd.read_csv(data, dtype=str).head(30)
    frame["discharge_disposition_id"] = "1"
    frame.loc[[2, 5], "race"] = "Zorblax"
    frame.loc[7, "payer_code"] = "QQ"
    frame.loc[8, "medical_specialty"] = "Astrology"   # keeps its commonest levels: expected
    odd = tmp_path / "odd.csv"
    frame.to_csv(odd, index=False)
    summary = TASK.predict(model, odd, tmp_path / "p.csv")
    assert ("category values not seen in training: race in 2 rows, payer_code in 1 row (read "
            "as none of the column's levels)") in str(summary)
    assert not any(v in str(summary) for v in ("Zorblax", "QQ", "Astrology", "medical_specialty"))
    assert summary.skipped == () and summary.scored == 30
    assert "not seen in training" not in str(TASK.predict(model, data, tmp_path / "q.csv"))


def test_a_copy_after_a_first_copy_discharged_to_death_is_a_repeat(trained, tmp_path):
    """The first readable row is the encounter's: one that says the patient died is skipped
    as such, and a later copy that says otherwise is a repeat, not the encounter's row."""
    model, data = trained
    frame = pd.read_csv(data, dtype=str).head(6)
    frame["discharge_disposition_id"] = "1"
    dead = frame.iloc[[2]].copy()
    dead["discharge_disposition_id"] = "11"
    rows = pd.concat([frame.iloc[:2], dead, frame.iloc[2:]], ignore_index=True)
    path = tmp_path / "dup_after_death.csv"
    rows.to_csv(path, index=False)
    summary = TASK.predict(model, path, tmp_path / "p.csv")
    assert summary.scored == 5 and len(summary.skipped) == 1   # the death: the cohort's
    assert any("repeats" in why for why in summary.skipped)
    assert "death or hospice" in summary.excluded


@pytest.mark.parametrize("spoil", ["num_medications"])
def test_a_good_copy_after_an_unusable_first_copy_is_scored(trained, tmp_path, spoil):
    """A repeat is judged against an earlier readable row: when the first copy of an
    encounter cannot be read (a bad count), the good copy after it is the encounter's row,
    never skipped as a repeat."""
    model, data = trained
    frame = pd.read_csv(data, dtype=str).head(6)
    frame["discharge_disposition_id"] = "1"
    spoilt = frame.iloc[[2]].copy()
    spoilt[spoil] = "not a count" if spoil == "num_medications" else "11"
    rows = pd.concat([frame.iloc[:2], spoilt, frame.iloc[2:]], ignore_index=True)
    path = tmp_path / "dup_after_bad.csv"
    rows.to_csv(path, index=False)
    summary = TASK.predict(model, path, tmp_path / "p.csv")
    assert summary.scored == 6 and len(summary.skipped) == 1
    assert "repeats" not in summary.skipped[0]
    if spoil == "num_medications":
        assert summary.skipped[0].startswith(f"file {path} line 4: 'num_medications' is not")
    got = pd.read_csv(tmp_path / "p.csv", dtype={"encounter_id": str})
    assert got["encounter_id"].tolist() == frame["encounter_id"].tolist()

    again = pd.concat([rows, frame.iloc[[2]]], ignore_index=True)   # a third copy: a repeat
    again.to_csv(path, index=False)
    reasons = [why for _, why in TASK.load([path], None).skipped]
    assert f"file {path} line 9: encounter_id repeats an earlier row's; only the first is " \
           "used; row skipped" in reasons


def _compressed(path, kind):
    """``path`` written as ``kind`` (the name says which, as pandas reads it)."""
    import bz2
    import gzip
    import lzma
    import zipfile

    raw = path.read_bytes()
    if kind == "csv":
        return path
    out = path.with_name(path.name + "." + kind) if kind != "zip" else path.with_suffix(".zip")
    if kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(path.name, raw)
    else:
        out.write_bytes({"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](raw))
    return out


@pytest.mark.parametrize("kind", ["csv", "gz", "bz2", "xz", "zip"])
def test_every_compression_gives_the_same_rows_skips_and_lines(trained, tmp_path, kind):
    """A zip or xz table was read without its layout: a cut row was scored with its missing
    fields as empty, and blank lines moved every skip reason's line."""
    model, data = trained
    lines = data.read_text().splitlines()[:16]
    width = len(lines[0].split(","))
    lines[3] = ",".join(lines[3].split(",")[:12])             # cut: line 4
    cells = lines[9].split(",")
    cells[2] = "abc"                     # time_in_hospital, not a count: line 10 + 2 blanks
    lines[9] = ",".join(cells)
    lines[5:5] = ["", ""]
    plain = tmp_path / "t.csv"
    plain.write_text("\n".join(lines) + "\n")
    path = _compressed(plain, kind)
    d = TASK.load([path], None, labels=False, sources=True)
    reasons = [why for _, why in d.skipped]
    assert f"file {path} line 4: row has 12 fields where the header has {width}; row " \
           "skipped" in reasons
    assert f"file {path} line 12: 'time_in_hospital' is not a number; row skipped" in reasons
    reference = TASK.load([plain], None, labels=False, sources=True)
    assert [r.replace(str(path), "F") for r in reasons] == \
        [r.replace(str(plain), "F") for _, r in reference.skipped]
    assert d.ids.tolist() == reference.ids.tolist()
    assert [s.line for s in d.sources] == [s.line for s in reference.sources]
    assert (d.X[~pd.isna(d.X)] == reference.X[~pd.isna(reference.X)]).all()


@pytest.mark.parametrize("kind", ["csv", "zip"])
def test_an_over_long_cell_skips_its_row_by_line_never_a_traceback(trained, tmp_path, kind):
    """A cell over 131,072 characters made the csv module raise: the whole run failed."""
    model, data = trained
    lines = data.read_text().splitlines()[:10]
    cells = lines[4].split(",")
    cells[11] = '"' + "x" * 140_000 + "\n" + "y" * 10 + '"'   # quoted, over two lines
    lines[4] = ",".join(cells)
    plain = tmp_path / "big.csv"
    plain.write_text("\n".join(lines) + "\n")
    path = _compressed(plain, kind)
    summary = TASK.predict(model, path, tmp_path / "p.csv")
    assert f"file {path} line 5: a field holds more than 131072 characters; row skipped" in \
        summary.skipped
    assert "xxx" not in str(summary)
    frame = pd.read_csv(data, dtype=str).head(9)
    kept = frame.drop(index=3)
    kept = kept[~kept["discharge_disposition_id"].isin(["11"])]
    got = pd.read_csv(tmp_path / "p.csv", dtype={"encounter_id": str})
    assert got["encounter_id"].tolist() == kept["encounter_id"].tolist()
    assert summary.scored == len(kept)
    import csv
    assert csv.field_size_limit() == 131_072   # the module's limit is put back


@pytest.mark.parametrize("kind", ["gz", "xz", "bz2", "zip"])
def test_a_compressed_file_cut_short_is_refused_by_name(trained, tmp_path, kind):
    """A truncated .gz or .xz raised EOFError, which the CLI shows as 'Aborted.' (exit 130);
    a damaged zip raised a traceback."""
    model, data = trained
    whole = _compressed(data, kind)
    cut = tmp_path / ("cut." + whole.name.split(".", 1)[1])
    cut.write_bytes(whole.read_bytes()[:len(whole.read_bytes()) // 3])
    with pytest.raises(DataError, match=rf"file {cut}: cannot read the diabetes-130 encounter "
                                        "table"):
        TASK.predict(model, cut, tmp_path / "p.csv")
    assert not (tmp_path / "p.csv").exists()
