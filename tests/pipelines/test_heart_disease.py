"""Task heart-disease on small made-up site files."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from tabular_synth import write_heart

from osler.errors import DataError, ModelError
from osler.models.persist import TRAINING_ROWS, load_model
from osler.pipelines.heart_disease import COLUMNS as COLUMN_NAMES
from osler.pipelines.heart_disease import TASK

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


@pytest.mark.parametrize("text", ["", "\n\n"])
def test_an_empty_file_is_refused_by_name_as_readmission_does(tmp_path, text):
    empty = tmp_path / "processed.empty.data"
    empty.write_text(text)
    with pytest.raises(DataError, match=r"processed.empty.data: no usable row \(0 skipped; rows "
                                        "must hold 13 or 14 comma-separated values"):
        TASK.load([empty], None)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained on made-up site 'alpha'; a made-up site 'beta' to evaluate on."""
    folder = tmp_path_factory.mktemp("heart")
    alpha = write_heart(folder / "a", seed=1, site="alpha")
    beta = write_heart(folder / "b", seed=2, site="beta")
    TASK.train([alpha], outcomes=None, model_dir=folder / "model")
    return folder / "model", alpha, beta


def test_the_training_file_under_another_name_is_refused(trained, tmp_path):
    model, alpha, _ = trained
    copy = tmp_path / "copy.csv"          # site 'copy': every id differs from training's
    shutil.copy(alpha, copy)
    with pytest.raises(DataError, match=r"every row of \['\S*copy.csv'\] was used to train this "
                                        r"model \(0 rows of patients used in training and 150 "
                                        r"rows identical to a training row\)"):
        TASK.evaluate(model, [copy], report=tmp_path / "card.html", n_boot=5)
    assert not (tmp_path / "card.html").exists()


def test_training_rows_pasted_into_another_file_are_left_out_and_counted(trained, tmp_path):
    model, alpha, beta = trained
    mixed = tmp_path / "processed.gamma.data"
    pasted = alpha.read_text().splitlines()[:12]
    # the same rows written another way: '?' as '-9', '63.0' as '63', no 'num' column ...
    pasted[0] = ",".join(v.replace("?", "-9") for v in pasted[0].split(",")[:13])
    pasted[1] = ",".join(str(int(float(v))) if v.endswith(".0") else v
                         for v in pasted[1].split(","))
    mixed.write_text(beta.read_text() + "\n".join(pasted[1:]) + "\n")
    summary = TASK.evaluate(model, [mixed], report=tmp_path / "card.html", n_boot=5)
    assert str(summary).startswith("heart-disease: 150 rows (11 left out: seen in training)")
    notes = _card_section(tmp_path / "card.json", "Notes")["note"]
    assert "0 rows of patients used in training and 11 rows identical to a training row" in notes
    provenance = json.loads((tmp_path / "card.json").read_text())["provenance"]
    assert provenance["training data"]["files"] == ["processed.alpha.data"]
    assert provenance["evaluation data"]["files"] == ["processed.gamma.data"]
    assert provenance["evaluation data"]["rows evaluated"] == 150
    assert provenance["left out as seen in training"] == {
        "rows of patients trained on": 0, "rows identical to a training row": 11,
        "rows compared by content": "yes"}
    assert "<h2>Provenance</h2>" in (tmp_path / "card.html").read_text()
    assert TASK.load([mixed], None).content[150] == TASK.load([alpha], None).content[1]
    label_free = tmp_path / "processed.delta.data"
    label_free.write_text(pasted[0] + "\n")
    assert TASK.load([label_free], None).content[0] == TASK.load([alpha], None).content[0]


def test_content_digests_hold_no_value_and_differ_with_any_attribute(trained, tmp_path):
    model, alpha, _ = trained
    saved = json.loads((model / TRAINING_ROWS).read_text())
    rows = TASK.load([alpha], None)
    assert set(saved) == {"digests"} and set(saved["digests"]) == set(rows.content)
    assert all(re.fullmatch("[0-9a-f]{16}", d) for d in saved["digests"])
    line = alpha.read_text().splitlines()[0].split(",")
    line[4] = str(float(line[4]) + 1)                 # cholesterol one higher
    other = tmp_path / "processed.other.data"
    other.write_text(",".join(line) + "\n")
    assert TASK.load([other], None).content[0] not in saved["digests"]


def test_the_manifest_vouches_for_the_digests_file(trained, tmp_path):
    model, _, beta = trained
    manifest = json.loads((model / "manifest.json").read_text())
    assert TRAINING_ROWS in manifest["files"]
    changed = tmp_path / "changed"
    shutil.copytree(model, changed)
    (changed / TRAINING_ROWS).write_text('{"digests": []}')
    with pytest.raises(ModelError, match=f"{TRAINING_ROWS} is not the file its manifest "
                                         "recorded"):
        TASK.evaluate(changed, [beta], report=tmp_path / "x.html", n_boot=5)
    (changed / TRAINING_ROWS).unlink()
    with pytest.raises(ModelError, match="changed, truncated or missing"):
        TASK.evaluate(changed, [beta], report=tmp_path / "x.html", n_boot=5)


def _without_digests(model, tmp_path, *drop_extra: str):
    """A copy of ``model`` as saved before training rows were kept as digests."""
    old = tmp_path / "old"
    shutil.copytree(model, old)
    (old / TRAINING_ROWS).unlink()
    manifest = json.loads((old / "manifest.json").read_text())
    del manifest["files"][TRAINING_ROWS]
    for kept_later in drop_extra:
        del manifest["extra"][kept_later]
    (old / "manifest.json").write_text(json.dumps(manifest))
    return old


def test_a_model_saved_before_digests_still_loads_and_says_so(trained, tmp_path):
    model, _, beta = trained
    old = _without_digests(model, tmp_path, "training_data", "threshold_rule")
    assert load_model(old, "heart-disease").training_rows is None
    TASK.evaluate(old, [beta], report=tmp_path / "card.html", n_boot=5)
    notes = _card_section(tmp_path / "card.json", "Notes")["note"]
    assert "saved without digests of its training rows" in notes
    provenance = json.loads((tmp_path / "card.json").read_text())["provenance"]
    assert provenance["training data"].startswith("not recorded")
    assert provenance["decision threshold"]["rule"].startswith("not recorded")
    assert provenance["left out as seen in training"]["rows compared by content"] == "no"


@pytest.mark.shared_data
def test_a_renamed_copy_of_cleveland_is_refused(shared_data, tmp_path):
    cleveland = shared_data / "heart-disease" / "processed.cleveland.data"
    TASK.train([cleveland], outcomes=None, model_dir=tmp_path / "m")
    shutil.copy(cleveland, tmp_path / "copy.csv")
    with pytest.raises(DataError, match="303 rows identical to a training row"):
        TASK.evaluate(tmp_path / "m", [tmp_path / "copy.csv"], report=tmp_path / "r.html",
                      n_boot=5)
    hungarian = shared_data / "heart-disease" / "processed.hungarian.data"
    assert "294 rows, AUROC" in TASK.evaluate(tmp_path / "m", [hungarian],
                                              report=tmp_path / "r.html", n_boot=5)


def _card_section(card_json, heading):
    return next(s for s in json.loads(card_json.read_text())["sections"]
                if s["heading"] == heading)


def test_explained_missing_values_are_null_in_json_and_missing_in_words(trained, tmp_path):
    model, _, beta = trained
    evidence = tmp_path / "evidence.jsonl"
    TASK.predict(model, beta, tmp_path / "p.csv", explain=evidence, top_k=30)
    items = [e for line in evidence.read_text().splitlines()
             for e in json.loads(line)["evidence"] if e["detail"] == "ca"]
    missing = [e for e in items if e["value"] is None]
    assert missing and all(e["value_text"] == "missing" for e in missing)
    assert all(e["value_text"] == f"{e['value']:.4g}" for e in items if e["value"] is not None)


def test_a_byte_order_mark_does_not_cost_row_0_its_prediction(tmp_path):
    """As the other tasks' readers do: a UTF-8 BOM (as some editors save) is not content."""
    plain = write_heart(tmp_path / "p", n=30, seed=4, site="bom")
    marked = tmp_path / "processed.marked.data"
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    d = TASK.load([marked], None)
    assert d.skipped == [] and list(d.ids[:2]) == [0, 1] and len(d.ids) == 30
    assert (d.X == TASK.load([plain], None).X)[~pd.isna(d.X)].all()


@pytest.mark.parametrize("swapped_in", ["another model", "not a model", "baselines"])
def test_a_swapped_model_file_with_its_digest_updated_is_refused_by_name(trained, tmp_path,
                                                                         swapped_in):
    """Digests catch a changed file, not a deliberate swap with the manifest updated: such a
    file must fail as a named ModelError (exit 2), never a traceback mid-prediction."""
    import hashlib

    import joblib
    from sklearn.linear_model import LogisticRegression

    model, _, beta = trained
    swapped = tmp_path / "swapped"
    shutil.copytree(model, swapped)
    name = "baselines.joblib" if swapped_in == "baselines" else "model.joblib"
    other = LogisticRegression().fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])   # reads 2 features
    joblib.dump({"logistic regression": other} if swapped_in == "baselines"
                else other if swapped_in == "another model" else {"a": 1}, swapped / name)
    manifest = json.loads((swapped / "manifest.json").read_text())
    manifest["files"][name] = hashlib.sha256((swapped / name).read_bytes()).hexdigest()
    (swapped / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=rf"model directory \S*swapped: {name} does not score "
                                         r"the 26 features its manifest lists \(\w+Error\); it "
                                         "is not the model saved with this manifest"):
        TASK.predict(swapped, beta, tmp_path / "p.csv")
    assert not (tmp_path / "p.csv").exists()


def test_a_file_given_twice_or_copied_is_read_once_and_its_repeat_counted(trained, tmp_path):
    """Ids are line numbers, so the same file read twice was twice the patients; the other
    tasks skip repeated stays or encounters and say so."""
    model, _, beta = trained
    copy = tmp_path / "processed.copy.data"
    shutil.copy(beta, copy)
    once = TASK.load([beta], None)
    for again, why in [(beta, "the file is given twice; only its first reading is used"),
                       (copy, f"the file has the same content as {beta}; only that one is "
                              "used")]:
        d = TASK.load([beta, again], None)
        assert d.ids.tolist() == once.ids.tolist() and len(d.patients) == len(once.patients)
        reasons = [r for _, r in d.skipped]
        assert len(reasons) == len(once.ids)
        assert reasons[0] == f"file {again} line 1 (row 0): {why}; row skipped"
    summary = TASK.evaluate(model, [beta, copy], report=tmp_path / "card.html", n_boot=5)
    card = json.loads((tmp_path / "card.json").read_text())["summary"]
    assert card["samples"] == card["patients"] == len(once.ids)
    assert "150 skipped" in summary and "same content" in summary


def test_mixed_labels_name_the_files_concerned(tmp_path):
    """The error named the first --data file whatever file was concerned."""
    labelled = write_heart(tmp_path / "a", seed=3, site="alpha")
    unlabelled = tmp_path / "processed.beta.data"
    unlabelled.write_text("".join(",".join(line.split(",")[:13]) + "\n"
                                  for line in write_heart(tmp_path / "b", seed=4, site="beta")
                                  .read_text().splitlines()))
    with pytest.raises(DataError) as caught:
        TASK.load([labelled, unlabelled], None)
    assert str(caught.value) == (f"file {labelled} carries 'num' and file {unlabelled} does not "
                                 f"(first without: file {unlabelled} line 1 (row 0)); give all or none")
    mixed = tmp_path / "processed.gamma.data"
    lines = labelled.read_text().splitlines()
    lines[4] = ",".join(lines[4].split(",")[:13])
    mixed.write_text("\n".join(lines) + "\n")
    other = write_heart(tmp_path / "c", seed=5, site="delta")
    with pytest.raises(DataError, match=rf"^file {mixed}: some rows carry 'num' and some do not "
                                        rf"\(first without: file {mixed} line 5 \(row 4\)\)"):
        TASK.load([other, mixed], None)


def test_a_new_file_of_the_training_file_name_is_evaluated_in_full(trained, tmp_path):
    """Rows were known by site (from the file name) and line, so new rows in a file named as
    the training file were left out as trained on, all of them or those on matching lines."""
    model, alpha, _ = trained
    fresh = write_heart(tmp_path / "fresh", n=60, seed=7, site="alpha")
    assert fresh.name == alpha.name and fresh.read_text() != alpha.read_text()
    summary = TASK.evaluate(model, [fresh], report=tmp_path / "card.html", n_boot=5)
    assert str(summary).startswith("heart-disease: 60 rows, AUROC")
    provenance = json.loads((tmp_path / "card.json").read_text())["provenance"]
    assert provenance["left out as seen in training"]["rows of patients trained on"] == 0
    assert provenance["left out as seen in training"]["rows identical to a training row"] == 0
    # the same name with three training rows pasted in: exactly those three are left out
    fresh.write_text(fresh.read_text() + "".join(
        line + "\n" for line in alpha.read_text().splitlines()[40:43]))
    summary = TASK.evaluate(model, [fresh], report=tmp_path / "card.html", n_boot=5)
    assert str(summary).startswith("heart-disease: 60 rows (3 left out: seen in training)")


def test_two_folders_files_of_one_name_are_two_sets_of_patients(tmp_path):
    first = write_heart(tmp_path / "one", n=40, seed=8, site="alpha")
    second = write_heart(tmp_path / "two", n=40, seed=9, site="alpha")
    d = TASK.load([first, second], None)
    assert len(d.ids) == 80 and len(set(d.patients)) == 80
    assert d.ids.tolist() == list(range(40)) * 2          # the output contract: line numbers
    summary = TASK.train([first, second], outcomes=None, model_dir=tmp_path / "m")
    assert "trained on 80 rows of 80 patients" in summary


def test_a_model_saved_before_digests_matches_by_file_name_and_line_as_then(trained,
                                                                            tmp_path):
    model, alpha, _ = trained
    old = _without_digests(model, tmp_path)
    with pytest.raises(DataError, match=r"150 rows of patients used in training and 0 rows "
                                        "identical"):
        TASK.evaluate(old, [alpha], report=tmp_path / "card.html", n_boot=5)


@pytest.mark.parametrize("label", ["7", "-1", "0.5", "5"])
def test_a_label_outside_0_to_4_skips_its_row_by_line_and_costs_prediction_nothing(tmp_path,
                                                                                   label):
    """(num > 0) made -1 healthy and 7 or 0.5 diseased, silently."""
    heart = write_heart(tmp_path / "h", n=30, seed=4)
    lines = heart.read_text().splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + "," + label
    heart.write_text("\n".join(lines) + "\n")
    d = TASK.load([heart], None)
    assert len(d.ids) == 29 and 5 not in d.ids and 6 in d.ids
    assert [r for _, r in d.skipped] == [
        f"file {heart} line 6 (row 5): 'num' is not one of 0, 1, 2, 3, 4; row skipped"]
    assert len(TASK.load([heart], None, labels=False).ids) == 30


def test_impossible_values_are_read_as_missing_and_named_by_line_row_and_column(tmp_path):
    heart = write_heart(tmp_path / "h", n=30, seed=4)
    lines = heart.read_text().splitlines()
    cells = lines[4].split(",")
    cells[0], cells[1], cells[2], cells[4] = "999", "2", "9", "-233"   # age, sex, cp, chol
    lines[4] = ",".join(cells)
    heart.write_text("\n".join(lines) + "\n")
    d = TASK.load([heart], None)
    assert len(d.ids) == 30 and d.skipped == []
    row = d.X[d.ids.tolist().index(4)]
    for column in ("age", "sex", "cp", "chol", "cp==1", "cp==4"):
        assert pd.isna(row[d.names.index(column)]), column
    assert d.impossible == [f"file {heart} line 5 (row 4): age not in 1 to 120",
                            f"file {heart} line 5 (row 4): sex not in 0, 1",
                            f"file {heart} line 5 (row 4): cp not in 1, 2, 3, 4",
                            f"file {heart} line 5 (row 4): chol not in 30 to 1500"]
    assert "999" not in " ".join(d.impossible) and "233" not in " ".join(d.impossible)
    assert "4 impossible values read as missing (file" in d.read_note()
    assert row[d.names.index("trestbps")] == float(cells[3])   # the rest of the row is kept
    cells[0], cells[1], cells[2], cells[4] = "63", "1", "2.5", "250"  # codes are exact
    lines[4] = ",".join(cells)
    heart.write_text("\n".join(lines) + "\n")
    assert TASK.load([heart], None).impossible == [
        f"file {heart} line 5 (row 4): cp not in 1, 2, 3, 4"]


def test_a_row_with_no_attribute_left_is_skipped_and_named_not_scored(trained, tmp_path,
                                                                      capsys):
    """An all-'?' row was scored (the training prevalence, as if it were the patient's)."""
    from cli_run import run_osler

    model, _, beta = trained
    lines = beta.read_text().splitlines()[:6]
    lines[2] = ",".join(["?"] * 13)
    lines[3] = ",".join(["-9"] * 12 + ["5"])               # thal 5 is no thallium code
    data = tmp_path / "processed.x.data"
    data.write_text("\n".join(lines) + "\n")
    code, err = run_osler(["predict", "heart-disease", "--model", str(model), "--data",
                           str(data), "--out", str(tmp_path / "p.csv")], capsys)
    rows = (tmp_path / "p.csv").read_text().splitlines()
    assert code == 3 and [r.split(",")[0] for r in rows[1:]] == ["0", "1", "4", "5"]
    assert f"file {data} line 3 (row 2): no attribute is recorded; row skipped" in err
    assert (f"file {data} line 4 (row 3): no attribute is recorded or possible (thal "
            "impossible); row skipped") in err
    everything_missing = tmp_path / "processed.y.data"
    everything_missing.write_text("?,?,?,?,?,?,?,?,?,?,?,?,?\n")
    with pytest.raises(DataError, match=r"no usable row \(1 skipped \(file \S+ line 1 \(row 0\): "
                                        r"no attribute is recorded; row skipped\)"):
        TASK.load([everything_missing], None, labels=False)


@pytest.mark.parametrize("header", [",".join(COLUMN_NAMES), ",".join(COLUMN_NAMES[:13]),
                                    ",".join(COLUMN_NAMES).upper(),
                                    ",".join(f'"{c}"' for c in COLUMN_NAMES)],
                         ids=["with num", "without num", "capitals", "quoted"])
def test_a_header_of_the_column_names_is_no_skipped_patient(trained, tmp_path, header):
    """A header line used to count as a skipped row: exit 3 for a complete file."""
    model, _, beta = trained
    plain = beta.read_text()
    headed = tmp_path / "processed.headed.data"
    headed.write_text(header + "\n" + plain)
    d = TASK.load([headed], None)
    assert d.skipped == [] and len(d.ids) == 150
    assert list(d.ids[:2]) == [1, 2]    # the line number in the file, as without a header
    assert (d.X == TASK.load([beta], None).X)[~pd.isna(d.X)].all()
    summary = TASK.predict(model, headed, tmp_path / "p.csv")
    assert summary.skipped == () and summary.scored == 150
    assert (tmp_path / "p.csv").read_text().splitlines()[1].startswith("1,")


def test_a_header_in_another_order_is_refused_and_a_later_one_is_a_bad_row(tmp_path):
    plain = write_heart(tmp_path / "p", n=30, seed=4, site="h").read_text()
    swapped = tmp_path / "processed.swapped.data"
    swapped.write_text("sex,age," + ",".join(COLUMN_NAMES[2:]) + "\n" + plain)
    with pytest.raises(DataError, match=r"processed.swapped.data line 1 \(row 0\): a header must "
                                        r"name the columns in the UCI order"):
        TASK.load([swapped], None)
    later = tmp_path / "processed.later.data"
    later.write_text(plain + ",".join(COLUMN_NAMES) + "\n")
    d = TASK.load([later], None)
    assert len(d.ids) == 30 and len(d.skipped) == 1 and "line 31 (row 30)" in d.skipped[0][1]
