"""The sepsis task end to end on synthetic stays: train, predict files, card, bad input."""

import gzip
import json

import numpy as np
import pytest

from osler.errors import DataError, ModelError
from osler.pipelines.sepsis import TASK
from _sepsis_synth import write_stays

pytestmark = pytest.mark.filterwarnings(
    # LightGBM on tiny synthetic data: sklearn's feature-name check warns on numpy input.
    "ignore:X does not have valid feature names:UserWarning")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("sepsis")
    stays = write_stays(root / "stays", n_stays=90)
    model = root / "model"
    summary = TASK.train([stays], outcomes=None, model_dir=model, seed=0, n_jobs=1)
    return root, stays, model, summary


@pytest.mark.slow
def test_train_predict_evaluate(trained):
    root, stays, model, summary = trained
    assert "trained on" in str(summary) and "0 skipped" in str(summary)
    manifest = json.loads((model / "manifest.json").read_text())
    assert manifest["task"] == "sepsis" and len(manifest["feature_names"]) > 200
    assert {"lightgbm", "scikit-learn", "numpy", "osler"} <= set(manifest["versions"])
    out = root / "pred"
    TASK.predict(model, stays, out)
    for f in sorted(stays.glob("*.psv"))[:5]:
        lines = (out / f.name).read_text().splitlines()
        assert lines[0] == "PredictedProbability|PredictedLabel"
        assert len(lines) == len(f.read_text().splitlines())  # one row per input hour
        p, label = lines[1].split("|")
        assert 0 <= float(p) <= 1 and label in {"0", "1"}
    card = root / "card.html"
    text = TASK.evaluate(model, [stays], report=card, n_boot=20)
    assert "utility" in text
    data = json.loads(card.with_suffix(".json").read_text())
    assert "normalized utility" in data["summary"]
    assert "<svg" in card.read_text()


@pytest.mark.slow
def test_bad_stays_are_skipped_and_counted(trained, tmp_path):
    root, stays, model, _ = trained
    bad = tmp_path / "bad"
    write_stays(bad, n_stays=4, seed=5)
    header = (bad / "p900000.psv").read_text().splitlines()[0]
    (bad / "empty.psv").write_text(header + "\n")
    (bad / "unknown.psv").write_text(header + "|Extra\n" + "1|" * 41 + "1\n")
    rows = (bad / "p900001.psv").read_text().splitlines()
    (bad / "backwards.psv").write_text("\n".join([rows[0], rows[2], rows[1]]) + "\n")
    nan_row = "|".join(["NaN"] * 39 + ["1", "0"])
    (bad / "allnan.psv").write_text(header + "\n" + nan_row + "\n")
    summary = TASK.predict(model, bad, tmp_path / "out")
    assert "wrote 5 prediction files" in str(summary) and "3 skipped" in str(summary)
    for name in ("empty", "unknown", "backwards", "allnan"):   # each named with its reason
        assert f"{name}.psv" in str(summary), name
    assert not (tmp_path / "out" / "empty.psv").exists()
    # a stay whose hours hold no measured value still gets its file (the official scorer reads
    # one per stay), and the summary says it was scored from the time in the ICU alone
    assert "1 of them with no measured value" in str(summary)
    lines = (tmp_path / "out" / "allnan.psv").read_text().splitlines()
    assert lines[0] == "PredictedProbability|PredictedLabel" and len(lines) == 2


@pytest.mark.slow
def test_model_from_another_task_or_schema_fails_clearly(trained, tmp_path):
    root, stays, model, _ = trained
    with pytest.raises(ModelError, match="trained for task 'sepsis', not 'readmission'"):
        from osler.pipelines.readmission import TASK as READMISSION
        READMISSION.predict(model, stays, tmp_path / "x.csv")
    broken = tmp_path / "broken"
    broken.mkdir()
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["feature_names"] = manifest["feature_names"][:-1]
    (broken / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="feature schema differs"):
        TASK.predict(broken, stays, tmp_path / "y")
    with pytest.raises(ModelError, match="no manifest.json"):
        TASK.predict(tmp_path, stays, tmp_path / "z")
    warfarin = tmp_path / "warfarin"  # warfarin-dose saves model.json, not a manifest
    warfarin.mkdir()
    (warfarin / "model.json").write_text(json.dumps({"task": "warfarin-dose"}))
    with pytest.raises(ModelError, match="holds a 'warfarin-dose' model, not 'sepsis'"):
        TASK.predict(warfarin, stays, tmp_path / "w")
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["versions"]["lightgbm"] = "1.0.0"
    (broken / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="saved with lightgbm 1.0.0"):
        TASK.predict(broken, stays, tmp_path / "w")


@pytest.mark.slow
def test_a_changed_or_truncated_model_file_is_refused_before_it_is_unpickled(trained, tmp_path):
    import shutil

    _root, stays, model, _ = trained
    copy = tmp_path / "m"
    shutil.copytree(model, copy)
    data = (copy / "model.joblib").read_bytes()
    (copy / "model.joblib").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="model.joblib is not the file its manifest recorded"):
        TASK.predict(copy, stays, tmp_path / "o")
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["files"]   # a model saved before the manifest kept its files' digests
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="model.joblib cannot be read .* is it complete"):
        TASK.predict(copy, stays, tmp_path / "o")


@pytest.mark.slow
def test_the_card_says_what_the_model_was_trained_and_evaluated_on(trained, tmp_path):
    _root, stays, model, _ = trained
    manifest = json.loads((model / "manifest.json").read_text())
    TASK.evaluate(model, [stays], report=tmp_path / "card.html", n_boot=5)
    provenance = json.loads((tmp_path / "card.json").read_text())["provenance"]
    trained_on, evaluated = provenance["training data"], provenance["evaluation data"]
    assert trained_on["files"] == evaluated["files"] == ["stays"]     # names, never folders
    assert "/" not in json.dumps(provenance["training data"]) + json.dumps(evaluated)
    assert trained_on["stays trained on"] == len(manifest["extra"]["train_stays"]) \
        == trained_on["patients trained on (one stay each)"]
    assert trained_on["stays trained on"] + trained_on["stays held out"] \
        == evaluated["stays usable"] == 90
    assert trained_on["held-out share"] == 0.2 and "sepsis-final-test" in trained_on[
        "held-out rule"]
    left_out = provenance["left out as seen in training"]
    assert left_out["stays trained on (by stay id)"] == trained_on["stays trained on"]
    assert left_out["stays identical to a training stay (by content)"] == 0
    assert left_out["stays compared by content"].startswith("yes")
    assert left_out["hours of those stays"] == trained_on["hours trained on"]
    assert evaluated["stays evaluated"] == trained_on["stays held out"] > 0
    assert "not one of the model's training stays" in evaluated["stays chosen"]
    threshold = provenance["decision threshold"]
    assert threshold["value"] == manifest["threshold"]
    assert threshold["normalized utility where it was chosen"] \
        == manifest["extra"]["validation_utility"]
    assert f"out-of-fold risks of the {trained_on['stays trained on']} training stays" \
        in threshold["rule"] and "5 cross-fitted members" in threshold["rule"]
    assert provenance["training data fingerprint (SHA-256)"] == manifest["fingerprint"]
    assert provenance["library versions"] == manifest["versions"]
    html = (tmp_path / "card.html").read_text()
    assert html.index("<h2>Summary</h2>") < html.index("<h2>Provenance</h2>") \
        < html.index("<h2>About this model</h2>")


@pytest.mark.slow
def test_a_model_saved_before_provenance_was_kept_says_not_recorded(trained, tmp_path):
    import shutil

    _root, stays, model, _ = trained
    old = tmp_path / "old"
    shutil.copytree(model, old)
    manifest = json.loads((old / "manifest.json").read_text())
    for kept_later in ("training_data", "threshold_rule"):
        del manifest["extra"][kept_later]
    (old / "manifest.json").write_text(json.dumps(manifest))
    TASK.evaluate(old, [stays], report=tmp_path / "card.html", n_boot=5)
    provenance = json.loads((tmp_path / "card.json").read_text())["provenance"]
    assert provenance["training data"].startswith("not recorded")
    assert provenance["decision threshold"]["rule"].startswith("not recorded")
    assert provenance["decision threshold"]["value"] == manifest["threshold"]
    assert provenance["evaluation data"]["stays evaluated"] > 0


@pytest.mark.slow
def test_monitor_replays_with_the_batch_features(trained):
    from osler.features import featurize, stay_frame
    from osler.ingest.physionet import read_physionet2019
    from osler.pipelines._sepsis_stream import SepsisMonitor
    root, stays, model, _ = trained
    stay = sorted(stays.glob("*.psv"))[0]
    monitor = SepsisMonitor(model, top_k=3)
    hours = list(monitor.replay(stay))
    frame = stay_frame(next(read_physionet2019(stay)))
    batch = monitor.bundle.estimator.predict_proba(featurize(frame).X)[:, 1]
    np.testing.assert_allclose([h.probability for h in hours], batch)
    ev = hours[-1].evidence
    assert len(ev) == 3 and all(e.kind == "feature" for e in ev)
    sourced = [e for e in ev if e.source is not None and e.source.line]
    for e in sourced:
        assert e.source.record == stay.stem and e.offset is not None


def test_hours_without_any_value_keep_their_line(tmp_path):
    from _sepsis_synth import write_stays

    from osler.pipelines._sepsis_data import load_cohort
    d = write_stays(tmp_path / "s", n_stays=3, seed=7)
    f = sorted(d.glob("*.psv"))[0]
    lines = f.read_text().splitlines()
    cells = ["NaN"] * 41
    cells[39] = lines[3].split("|")[39]  # keep ICULOS: the hour exists but carries nothing
    lines[3] = "|".join(cells)
    f.write_text("\n".join(lines) + "\n")
    cohort = load_cohort([d], n_jobs=1)
    assert cohort.n_stays == 3 and not cohort.skipped
    rows = cohort.meta[cohort.meta["stay"] == f.stem]
    assert len(rows) == len(lines) - 1 and rows["line"].tolist() == list(range(2, len(lines) + 1))
    # that hour's label is unknown: training and evaluation skip the stay, and say so
    labelled = cohort.labelled("training")
    assert labelled.n_stays == 2 and "1 hours have no SepsisLabel" in labelled.skipped[0][1]


def test_unlabelled_and_repeated_stays_and_named_header_problems(trained, tmp_path):
    from _sepsis_synth import write_stays

    from osler.pipelines._sepsis_data import load_cohort
    from osler.pipelines.sepsis import TASK
    d = write_stays(tmp_path / "s", n_stays=3, seed=11)
    files = sorted(d.glob("*.psv"))
    # the challenge's scorer feeds 40 columns: no SepsisLabel
    unlabelled = [line.rsplit("|", 1)[0] for line in files[0].read_text().splitlines()]
    files[0].write_text("\n".join(unlabelled) + "\n")
    # another folder holds a different stay under the same name
    (tmp_path / "s" / "zz").mkdir()  # walked after the top level
    (tmp_path / "s" / "zz" / files[1].name).write_text(files[2].read_text())
    out = tmp_path / "out"
    summary = TASK.predict(trained[2], d, out)
    assert "wrote 3 prediction files" in str(summary) and "1 skipped" in str(summary)
    assert "same stay id" in str(summary)
    predicted = (out / files[0].name).read_text().splitlines()
    assert predicted[0] == "PredictedProbability|PredictedLabel"
    assert len(predicted) == len(unlabelled)
    assert len((out / files[1].name).read_text().splitlines()) == \
        len(files[1].read_text().splitlines())
    # a header with an unknown column names its position, never its text
    bad = tmp_path / "b"
    bad.mkdir()
    text = files[2].read_text().splitlines()
    (bad / "p000001.psv").write_text("\n".join([text[0] + "|Foo"] + [t + "|1" for t in text[1:]]))
    (bad / "p000002.psv").write_text(files[2].read_text())
    cohort = load_cohort([bad], n_jobs=1)
    assert cohort.n_stays == 1
    assert "unknown column(s) at position(s) 42 (names not shown)" in cohort.skipped[0][1]
    assert "Foo" not in cohort.skipped[0][1]



def test_predict_exits_3_and_names_a_skipped_stay_on_stderr(trained, tmp_path, capsys):
    """The PhysioNet scorer expects one file per input stay: a caller can tell one is missing
    from the exit status alone (0 all, 3 some, 2 none), and stderr says which and why."""
    from cli_run import run_osler

    d = write_stays(tmp_path / "s", n_stays=3, seed=12)
    rows = sorted(d.glob("*.psv"))[0].read_text().splitlines()
    (d / "backwards.psv").write_text("\n".join([rows[0], rows[2], rows[1]]) + "\n")
    out = tmp_path / "out"
    code, err = run_osler(["predict", "sepsis", "--model", str(trained[2]), "--data", str(d),
                           "--out", str(out)], capsys)
    assert code == 3 and len(list(out.iterdir())) == 3 and not (out / "backwards.psv").exists()
    assert err.startswith("osler: 1 of 4 stays skipped, without a prediction: file ")
    assert "backwards.psv" in err and "ICULOS must increase" in err
    (d / "backwards.psv").unlink()
    assert run_osler(["predict", "sepsis", "--model", str(trained[2]), "--data", str(d),
                      "--out", str(out)], capsys) == (0, "")


def test_an_earlier_runs_prediction_folder_in_the_data_is_named_not_counted(trained,
                                                                            tmp_path, capsys):
    """A data folder that also holds an earlier run's --out: every stay is scored (exit 0),
    and the prediction files are named as not read instead of counted as skipped stays."""
    from cli_run import run_osler

    site = tmp_path / "site"
    write_stays(site / "setA", n_stays=3, seed=14)
    argv = ["predict", "sepsis", "--model", str(trained[2]), "--data"]
    assert run_osler([*argv, str(site / "setA"), "--out", str(site / "predictions")],
                     capsys) == (0, "")
    summary = TASK.predict(trained[2], site, tmp_path / "again")
    assert summary.scored == 3 and not summary.skipped
    assert "3 .psv file(s) not read, being Osler prediction files" in str(summary)
    assert run_osler([*argv, str(site), "--out", str(tmp_path / "third")], capsys) == (0, "")


def test_a_stay_with_an_invalid_label_is_scored_but_not_trained_or_evaluated_on(trained,
                                                                               tmp_path):
    from osler.pipelines._sepsis_data import load_cohort
    from osler.pipelines._sepsis_stream import SepsisMonitor

    d = write_stays(tmp_path / "s", n_stays=3, seed=13)
    stay = sorted(d.glob("*.psv"))[0]
    rows = stay.read_text().splitlines()
    rows[2] = rows[2].rsplit("|", 1)[0] + "|2"        # SepsisLabel=2 on line 3
    stay.write_text("\n".join(rows) + "\n")
    summary = TASK.predict(trained[2], d, tmp_path / "out")
    assert "wrote 3 prediction files" in str(summary) and summary.skipped == ()
    assert len((tmp_path / "out" / stay.name).read_text().splitlines()) == len(rows)
    assert len(list(SepsisMonitor(trained[2]).replay(stay))) == len(rows) - 1
    cohort = load_cohort([d], n_jobs=1)
    assert cohort.n_stays == 2
    assert f"file {stay.name}, record {stay.stem}, line 3: SepsisLabel must be 0, 1 or NaN" \
        in cohort.skipped[0][1]


def test_two_stays_of_one_name_in_a_zip_are_named_by_both_paths(tmp_path):
    import zipfile

    from osler.pipelines._sepsis_data import load_cohort

    d = write_stays(tmp_path / "s", n_stays=2, seed=14)
    one, two = sorted(d.glob("*.psv"))
    with zipfile.ZipFile(tmp_path / "set.zip", "w") as zf:
        zf.write(one, "A/p1.psv")
        zf.write(two, "B/p1.psv")
    cohort = load_cohort([tmp_path / "set.zip"], n_jobs=1)
    assert cohort.n_stays == 1 and cohort.skipped == [(
        "p1.psv", "file set.zip!B/p1.psv, stay p1: set.zip!A/p1.psv has the same stay id; only "
                  "that first file is used (output files are named by stay id)")]


@pytest.mark.slow
def test_training_stays_under_other_names_are_left_out_by_content(trained, tmp_path):
    """Stay ids are file names: a renamed copy of a training stay is still a training stay.
    The console summary counts what was left out, as the table tasks' do."""
    import shutil

    _root, stays, model, _ = trained
    manifest = json.loads((model / "manifest.json").read_text())
    trained_on = manifest["extra"]["train_stays"]
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    held_out = [f for f in sorted(stays.glob("*.psv")) if f.stem not in set(trained_on)]
    for f in held_out:
        shutil.copy(f, mixed / f.name)
    for k, stay in enumerate(trained_on[:7]):                  # renamed, one gzipped
        target = mixed / (f"renamed{k}.psv.gz" if k == 0 else f"renamed{k}.psv")
        data = (stays / f"{stay}.psv").read_bytes()
        target.write_bytes(gzip.compress(data) if k == 0 else data)
    summary = TASK.evaluate(model, [mixed], report=tmp_path / "card.html", n_boot=5)
    assert str(summary).startswith(f"sepsis: {len(held_out)} stays (7 left out: seen in training)")
    card = json.loads((tmp_path / "card.json").read_text())
    left_out = card["provenance"]["left out as seen in training"]
    assert left_out["stays trained on (by stay id)"] == 0
    assert left_out["stays identical to a training stay (by content)"] == 7
    notes = " ".join(s.get("note") or "" for s in card["sections"])
    assert "0 stays used in training (by stay id) and 7 stays identical to a training stay" \
        in notes
    # a model saved before digests were kept still evaluates, by id, and says so
    old = tmp_path / "old"
    shutil.copytree(model, old)
    (old / "training_rows.json").unlink()
    manifest["files"].pop("training_rows.json")
    (old / "manifest.json").write_text(json.dumps(manifest))
    summary = TASK.evaluate(old, [mixed], report=tmp_path / "old.html", n_boot=5)
    assert str(summary).startswith(f"sepsis: {len(held_out) + 7} stays, AUROC")
    card = json.loads((tmp_path / "old.json").read_text())
    assert card["provenance"]["left out as seen in training"]["stays compared by content"] \
        .startswith("no (by stay id only")
    assert "saved without digests of its training stays" in json.dumps(card)


def test_monitor_prints_what_its_risks_are_read_against_and_readable_units(trained, tmp_path,
                                                                           capsys):
    from osler.cli import main

    _root, stays, model, _ = trained
    stay = sorted(stays.glob("*.psv"))[0]
    threshold = json.loads((model / "manifest.json").read_text())["threshold"]
    main(["monitor", "sepsis", "--model", str(model), "--stay", str(stay), "--top", "40"])
    header, *hours = capsys.readouterr().out.splitlines()
    assert header == (f"stay {stay.name}  model sepsis ({model})  alert threshold "
                      f"{threshold:.4g}: ALARM when the risk is at or above it")
    assert len(hours) == len(stay.read_text().splitlines()) - 1
    assert hours[0].startswith("hour     1  risk ")
    text = "\n".join(hours)
    assert "mmHg" in text and "mm[Hg]" not in text and " Cel" not in text

def test_a_final_model_trains_on_every_stay(trained, tmp_path):
    root, stays, _, _ = trained
    summary = TASK.train([stays], model_dir=tmp_path / "final", held_out=0.0, n_jobs=1)
    assert "trained on 90 stays" in str(summary) and "0 stays held out" in str(summary)
    manifest = json.loads((tmp_path / "final" / "manifest.json").read_text())
    assert manifest["extra"]["held_out"]["fraction"] == 0.0
    with pytest.raises(DataError, match="were used to train this model"):
        TASK.evaluate(tmp_path / "final", [stays], report=tmp_path / "c.html", n_boot=5)


def test_a_stored_stay_scores_like_its_replay_even_with_an_empty_hour(trained, tmp_path):
    """The service scores a stay read back from the store; an hour without any measurement
    must still count as an hour (ICULOS, hours observed), as in the replay."""
    from osler.features import featurize, icu_stays, stay_frame
    from osler.ingest.physionet import read_physionet2019
    from osler.pipelines._sepsis_stream import SepsisMonitor
    from osler.pipelines.ingest_job import ingest_paths
    from osler.store import open_store

    _, stays, model, _ = trained
    lines = sorted(stays.glob("*.psv"))[0].read_text().splitlines()
    cells = lines[3].split("|")
    keep = {"ICULOS", "SepsisLabel"}
    lines[3] = "|".join(v if c in keep else "NaN" for c, v in zip(lines[0].split("|"), cells))
    (tmp_path / "gap").mkdir()
    gap = tmp_path / "gap" / "gapstay.psv"
    gap.write_text("\n".join(lines) + "\n")
    monitor = SepsisMonitor(model, top_k=3)
    replay = list(monitor.replay(gap))[-1]
    with open_store(tmp_path / "s.duckdb") as store:
        ingest_paths([gap.parent], store, options={"physionet2019": {"patient_map": {
            "gapstay": "patient-1"}}})
        (stay,) = icu_stays(store.patient("patient-1"))
    assessed = monitor.assess(stay)
    direct, stored = stay_frame(next(read_physionet2019(gap))), stay_frame(stay)
    assert len(stored) == len(direct) == len(lines) - 1          # the empty hour is an hour
    np.testing.assert_array_equal(featurize(stored).X, featurize(direct).X)
    assert (assessed.hour, assessed.probability) == pytest.approx((replay.hour, replay.probability))
    assert [e.label for e in assessed.evidence] == [e.label for e in replay.evidence]


def test_predict_guards_its_output_folder(trained, tmp_path):
    import shutil
    import zipfile

    from osler.pipelines._sepsis_data import load_cohort

    _, stays, model, _ = trained
    data = tmp_path / "in"
    data.mkdir()
    for f in sorted(stays.glob("*.psv"))[:3]:
        shutil.copy(f, data / f.name)
    (data / "p900002.psv").rename(data / "UPPER.PSV")           # any case of the suffix
    for out in (data, data / "preds"):
        with pytest.raises(DataError, match="input folder"):
            TASK.predict(model, data, out)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(DataError, match="is a file"):
        TASK.predict(model, data, tmp_path / "afile")
    out = tmp_path / "out"
    assert "wrote 3 prediction files" in str(TASK.predict(model, data, out))
    assert (out / "UPPER.PSV").is_file()
    # the stay turns bad: its old prediction file must not be left for the scorer
    (data / "p900000.psv").write_text("HR|Bogus\n1|2\n")
    summary = TASK.predict(model, data, out)
    assert "wrote 2 prediction files" in str(summary) and "removed 1 prediction file" in str(summary)
    assert not (out / "p900000.psv").exists()
    # two zips of the same name hold different stays: neither hides the other
    for name, files in (("za", sorted(stays.glob("*.psv"))[:4]),
                        ("zb", sorted(stays.glob("*.psv"))[4:9])):
        (tmp_path / name).mkdir()
        with zipfile.ZipFile(tmp_path / name / "set.zip", "w") as zf:
            for f in files:
                zf.write(f, f"set/{f.name}")
    cohort = load_cohort([tmp_path / "za" / "set.zip", tmp_path / "zb" / "set.zip"], n_jobs=1)
    assert cohort.n_stays == 9 and not cohort.skipped


def test_predict_explains_every_stay_hour_like_the_prediction_files(trained, tmp_path):
    _, stays, model, _ = trained
    data = tmp_path / "in"
    data.mkdir()
    for f in sorted(stays.glob("*.psv"))[:4]:
        data.joinpath(f.name).write_text(f.read_text())
    ev = tmp_path / "ev.jsonl"
    with pytest.raises(DataError, match="inside the --out folder"):
        TASK.predict(model, data, tmp_path / "out", explain=tmp_path / "out" / "ev.jsonl")
    summary = TASK.predict(model, data, tmp_path / "out", explain=ev)
    lines = [json.loads(x) for x in ev.read_text().splitlines()]
    written = {f.stem: [float(r.split("|")[0]) for r in f.read_text().splitlines()[1:]]
               for f in sorted((tmp_path / "out").glob("*.psv"))}
    assert f"evidence of {len(lines)} stay-hours" in str(summary)
    assert sum(map(len, written.values())) == len(lines)
    for x in lines:
        assert round(x["probability"], 6) == pytest.approx(written[x["stay"]].pop(0), abs=1e-6)
        assert len(x["evidence"]) == 5
        for e in x["evidence"]:
            if e["offset_hours"] is not None:       # a measurement: at or before this hour
                assert e["offset_hours"] <= x["hour"] and f"{x['stay']}.psv" in e["source"]


@pytest.mark.slow
def test_dotted_gzipped_and_zipped_stays_each_get_their_own_prediction_file(trained, tmp_path):
    import gzip
    import zipfile

    d = write_stays(tmp_path / "s", n_stays=4, seed=12)
    files = sorted(d.glob("*.psv"))
    # "p9.psv" beside "p9.v2.psv": two stays, never one file of both
    files[1].rename(d / f"{files[0].stem}.v2.psv")
    gz = d / f"{files[2].stem}.psv.gz"
    gz.write_bytes(gzip.compress(files[2].read_bytes()))
    files[2].unlink()
    with zipfile.ZipFile(d / "more.zip", "w") as zf:
        zf.write(files[3], f"inner/{files[3].name}")
    files[3].unlink()
    out = tmp_path / "out"
    summary = TASK.predict(trained[2], d, out)
    assert "wrote 4 prediction files" in str(summary) and "0 skipped" in str(summary)
    written = {p.name for p in out.iterdir()}
    assert written == {files[0].name, f"{files[0].stem}.v2.psv", f"{files[2].stem}.psv",
                       files[3].name}
    for name in (files[0].name, f"{files[0].stem}.v2.psv"):   # a row per input hour each
        assert len((out / name).read_text().splitlines()) == len(
            (d / name).read_text().splitlines())


def test_a_broken_zip_an_outcomes_file_and_an_infinite_cell_get_clear_errors(trained, tmp_path):
    _root, stays, model, _ = trained
    (tmp_path / "cut.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="cut.zip: not a valid zip archive"):
        TASK.predict(model, tmp_path / "cut.zip", tmp_path / "o1")
    with pytest.raises(DataError, match="--outcomes is not used"):
        TASK.evaluate(model, [stays], outcomes=tmp_path / "Outcomes-a.txt",
                      report=tmp_path / "c.html")
    d = write_stays(tmp_path / "inf", n_stays=2, seed=13)
    first = sorted(d.glob("*.psv"))[0]
    lines = first.read_text().splitlines()
    lines[2] = "inf|" + lines[2].split("|", 1)[1]
    first.write_text("\n".join(lines) + "\n")
    summary = TASK.predict(model, d, tmp_path / "o2")
    assert "wrote 1 prediction files" in str(summary) and "1 skipped" in str(summary)
    assert f"{first.name}" in str(summary) and "line 3" in str(summary) and "finite" in str(summary)


def _with_cells(path, row, **cells):
    """Rewrite data row ``row`` (0-based, after the header) of a .psv with ``cells``."""
    from osler.ingest.physionet import PSV_COLUMNS

    lines = path.read_text().splitlines()
    parts = lines[row + 1].split("|")
    for name, value in cells.items():
        parts[PSV_COLUMNS.index(name)] = value
    lines[row + 1] = "|".join(parts)
    path.write_text("\n".join(lines) + "\n")


def test_accepted_extreme_values_never_overflow_a_feature(trained, tmp_path, capsys):
    """BUN 1e9 over creatinine 1e-30 is 1e39: finite in float64 but inf in the float32
    matrix. The ratio is missing instead: predict and monitor complete."""
    from cli_run import run_osler
    from osler.features import feature_names, featurize, stay_frame
    from osler.ingest.physionet import read_physionet2019

    model = trained[2]
    d = write_stays(tmp_path / "s", n_stays=3, seed=21)
    odd = sorted(d.glob("*.psv"))[0]
    _with_cells(odd, 1, BUN="1000000000", Creatinine="1e-30", O2Sat="1000000000",
                FiO2="1e-30")
    X = featurize(stay_frame(next(read_physionet2019(odd)))).X
    assert not np.isinf(X).any()
    # the ratio is missing from the odd hour on (the next creatinine is a normal one)
    assert np.isnan(X[1:8, feature_names().index("bun_creatinine")]).all()
    assert np.isnan(X[1, feature_names().index("spo2_fio2")])
    out = tmp_path / "out"
    code, err = run_osler(["predict", "sepsis", "--model", str(model), "--data", str(d),
                           "--out", str(out)], capsys)
    assert (code, err) == (0, "")
    lines = (out / odd.name).read_text().splitlines()
    assert len(lines) == len(odd.read_text().splitlines())
    code, err = run_osler(["monitor", "sepsis", "--model", str(model), "--stay", str(odd)],
                          capsys)
    # monitor completes; on stderr only predict's note of the readings it used as given
    assert code == 0
    assert err.startswith("osler: 2 readings outside physiological limits, used as given")
    assert "Traceback" not in err and "overflow" not in err


def test_a_stay_whose_iculos_is_not_a_whole_hour_is_skipped_and_counted(trained, tmp_path,
                                                                        capsys):
    """Half-hourly rows made the "6 h" windows cover 3 h, and 1 beside 1.0000000001 merged two
    rows (one prediction row lost): such a stay is skipped, named by line; others are scored."""
    from cli_run import run_osler

    d = write_stays(tmp_path / "s", n_stays=3, seed=22)
    half, close, good = sorted(d.glob("*.psv"))
    lines = half.read_text().splitlines()
    for i in range(1, len(lines)):
        _with_cells(half, i - 1, ICULOS=f"{i * 0.5:g}")
    _with_cells(close, 1, ICULOS="1.0000000001")
    _with_cells(good, 2, ICULOS="3.0")                  # a whole hour written as a float
    out = tmp_path / "out"
    code, err = run_osler(["predict", "sepsis", "--model", str(trained[2]), "--data", str(d),
                           "--out", str(out)], capsys)
    assert code == 3 and sorted(p.name for p in out.iterdir()) == [good.name]
    assert err.startswith("osler: 2 of 3 stays skipped")
    assert f"{half.name}, record {half.stem}, line 2: ICULOS must be a whole number" in err
    assert f"{close.name}, record {close.stem}, line 3: ICULOS must be a whole number" in err
    assert len((out / good.name).read_text().splitlines()) == len(good.read_text().splitlines())


def test_a_stale_copy_in_a_hidden_folder_never_replaces_the_stay(trained, tmp_path, capsys):
    """.ipynb_checkpoints/p1.psv (a notebook's old copy) was read as a stay and could win over
    the real p1.psv: hidden folders are skipped, in folders and in zips."""
    import zipfile

    from cli_run import run_osler

    d = write_stays(tmp_path / "s", n_stays=2, seed=23)
    real = sorted(d.glob("*.psv"))[0]
    (d / ".ipynb_checkpoints").mkdir()
    lines = real.read_text().splitlines()
    (d / ".ipynb_checkpoints" / real.name).write_text("\n".join(lines[:4]) + "\n")
    with zipfile.ZipFile(d / "extra.zip", "w") as zf:
        zf.writestr(f".git/{real.name}", "\n".join(lines[:3]) + "\n")
    out = tmp_path / "out"
    code, err = run_osler(["predict", "sepsis", "--model", str(trained[2]), "--data", str(d),
                           "--out", str(out)], capsys)
    assert (code, err) == (0, "")
    assert len(list(out.iterdir())) == 2
    assert len((out / real.name).read_text().splitlines()) == len(lines)


def test_a_run_that_scores_nothing_leaves_no_earlier_prediction_behind(trained, tmp_path,
                                                                       capsys):
    """Exit 2 (every stay skipped) used to keep the previous run's prediction files: a scorer
    reading --out then took an old model's predictions for this run's."""
    from cli_run import run_osler

    d = write_stays(tmp_path / "s", n_stays=1, seed=24)
    (stay,) = d.glob("*.psv")
    out = tmp_path / "out"
    argv = ["predict", "sepsis", "--model", str(trained[2]), "--data", str(d), "--out", str(out)]
    assert run_osler(argv, capsys) == (0, "")
    (out / "notes.psv").write_text("not a prediction file\n")     # not ours: left alone
    stay.write_text(stay.read_text().splitlines()[0] + "\n")       # the stay has no rows now
    code, err = run_osler(argv, capsys)
    assert code == 2 and "none of 1 stays could be used" in err
    assert "removed 1 prediction file(s)" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.psv"]


@pytest.mark.slow
def test_held_out_stays_without_sepsis_are_refused_in_the_data_s_words(trained, tmp_path):
    """The utility's own error said "no stay can be scored", as if none had been read."""
    import shutil

    _root, stays, model, _ = trained
    fresh = write_stays(tmp_path / "fresh", n_stays=6, seed=7)
    data = tmp_path / "data"
    data.mkdir()
    for k in (1, 2, 4, 5):                 # stays 0 and 3 of write_stays develop sepsis
        (fresh / f"p{900000 + k}.psv").rename(data / f"p{800000 + k}.psv")
    shutil.copy(stays / "p900000.psv", data / "p900000.psv")   # a training stay, septic
    with pytest.raises(DataError, match=r"^no septic stay \(SepsisLabel 1 in any hour\) among "
                                        r"the 4 stays to evaluate; 1 stay left out as seen in "
                                        r"training \(1 stays used in training \(by stay id\)"):
        TASK.evaluate(model, [data], report=tmp_path / "card.html", n_boot=5)
    assert not (tmp_path / "card.html").exists()


def test_outputs_that_cannot_be_written_are_refused_before_the_stays_are_read(
        trained, tmp_path, monkeypatch):
    """Training on real stays takes minutes: a --model under a file used to fail only when
    the model was saved, with a traceback."""
    import osler.pipelines.sepsis as sepsis

    _, stays, model, _ = trained
    afile = tmp_path / "afile"
    afile.write_text("made-up\n")

    def never(*args, **kwargs):
        raise AssertionError("the stays were read before the output was checked")

    monkeypatch.setattr(sepsis, "load_cohort", never)
    calls = [lambda: TASK.train([stays], model_dir=afile / "m", n_jobs=1),
             lambda: TASK.predict(model, stays, afile / "x"),
             lambda: TASK.predict(model, stays, tmp_path / "p", explain=afile / "e.jsonl"),
             lambda: TASK.evaluate(model, [stays], report=afile / "c.html", n_boot=5)]
    for call in calls:
        with pytest.raises(DataError, match=f"cannot be written: {afile} is a file, not a "
                                            "folder; choose another path"):
            call()
    assert not (tmp_path / "p").exists()
