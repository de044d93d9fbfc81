"""Fixes from a review of the model tasks, each on made-up stays or rows (no real data):
a sepsis hour never reads a once-per-stay value first written later; icu-mortality reads
Gender and ICUType from the first 48 h only; readmission ids written "54772425.0" or
" 54772425" are one id; a sepsis training stay cut short, or with other line endings, is no
unseen stay; icu-mortality baselines do not depend on stays read but left out; a missing
value cites no source; the card shows the share of septic stays alerted as a percentage."""

import csv
import json
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from _sepsis_synth import write_stays
from icu2012_factory import write_stays_2012
from osler.features import (DYNAMIC_VARIABLES, IncrementalFeaturizer, StayFrame,
                            check_no_leakage, feature_names, featurize, stay_frame)
from osler.ingest.physionet import PSV_COLUMNS, read_physionet2012, read_physionet2019

pytestmark = pytest.mark.filterwarnings(
    # LightGBM on tiny synthetic data: sklearn's feature-name check warns on numpy input.
    "ignore:X does not have valid feature names:UserWarning")

NAMES = feature_names()


# ---------------------------------------------------------------- sepsis: late statics

def _late_static_rows(n: int = 10, first_known: int = 6) -> list[str]:
    """A made-up stay of ``n`` hours whose Age (71) and HospAdmTime (-4) are NaN until hour
    ``first_known``, as an export that fills the descriptors late writes them."""
    rows = []
    for t in range(1, n + 1):
        values = {c: "NaN" for c in PSV_COLUMNS}
        values.update(HR=f"{80 + t}", O2Sat="97", Temp="36.9", SBP=f"{120 - t}", MAP="80",
                      Resp="18", Gender="1", Unit1="1", Unit2="0", ICULOS=str(t),
                      SepsisLabel="0")
        if t % 4 == 0:
            values.update(WBC=f"{9 + t / 10:g}", Lactate="1.4")
        if t >= first_known:
            values.update(Age="71", HospAdmTime="-4")
        rows.append("|".join(values[c] for c in PSV_COLUMNS))
    return rows


def _write_psv(path, rows: list[str], newline: str = "\n", tail: str = "\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(["|".join(PSV_COLUMNS), *rows]) + tail).encode())
    return path


def _frame(path) -> StayFrame:
    return stay_frame(next(read_physionet2019(path)), keep_event_ids=True)


def test_an_hour_never_reads_a_static_first_written_later(tmp_path):
    rows = _late_static_rows()
    full = featurize(_frame(_write_psv(tmp_path / "full" / "p1.psv", rows)))
    prefix = featurize(_frame(_write_psv(tmp_path / "pre" / "p1.psv", rows[:5])))
    np.testing.assert_array_equal(full.X[:5], prefix.X)
    age, adm = NAMES.index("Age"), NAMES.index("HospAdmTime")
    assert np.isnan(full.X[:5, [age, adm]]).all()
    assert (full.X[5:, age] == 71).all() and (full.X[5:, adm] == -4).all()
    assert full.X[0, NAMES.index("Gender")] == 1   # read from the first row: known at once
    check_no_leakage("sepsis", ["p1"] * len(full.rows), full.prediction_hours, full.source_hours)


def test_a_late_static_is_dated_at_its_row_and_known_from_it(tmp_path):
    record = next(read_physionet2019(_write_psv(tmp_path / "p1.psv", _late_static_rows())))
    once = [e for e in record.events if e.known_offset is not None]   # Age, HospAdmTime
    assert sorted(e.value.value for e in once) == [-4, 71]
    for e in once:   # each describes the admission, known from hour 6, on line 7
        assert e.offset == timedelta(0) and e.known_offset == timedelta(hours=6)
        assert e.provenance.line == 7
    assert _frame(tmp_path / "p1.psv").static_hours == {"Age": 6.0, "HospAdmTime": 6.0}


def test_streaming_a_stay_with_late_statics_equals_batch(tmp_path):
    frame = _frame(_write_psv(tmp_path / "p1.psv", _late_static_rows(n=14, first_known=4)))
    stream = IncrementalFeaturizer(frame.stay_id, frame.source, frame.static, frame.static_hours)
    rows = [stream.update(h, frame.values[i], int(frame.lines[i])) for i, h in
            enumerate(frame.hours)]
    batch = featurize(frame)
    np.testing.assert_array_equal(np.vstack([r.X for r in rows]), batch.X)
    np.testing.assert_array_equal(np.concatenate([r.source_hours for r in rows]),
                                  batch.source_hours)
    assert np.isnan(batch.X[:3, NAMES.index("Age")]).all()


def test_the_guard_sees_when_a_static_was_written():
    """A frame whose static is known from hour 3: the rows from hour 3 on record a source at
    least that late, and a row before it reads no value (so records none)."""
    hours = np.arange(1.0, 6.0)
    values = np.full((5, len(DYNAMIC_VARIABLES)), np.nan)
    values[0, 0] = 90.0   # one heart rate, at hour 1
    frame = StayFrame("s", "made-up.psv", hours, values, {"Age": 50.0}, np.arange(2, 7),
                      np.zeros(5), static_hours={"Age": 3.0})
    block = featurize(frame)
    assert list(np.isnan(block.X[:, NAMES.index("Age")])) == [True, True, False, False, False]
    assert (block.source_hours == hours).all()
    late = StayFrame("s", "made-up.psv", hours, values, {"Age": 50.0}, np.arange(2, 7),
                     np.zeros(5), static_hours={"Age": 9.0})
    assert np.isnan(featurize(late).X[:, NAMES.index("Age")]).all()


def _with_telling_ages(stays):
    """The made-up stays relabelled so that Age alone tells sepsis: every hour of a stay aged
    over 70 is labelled 1, so that the model reads Age and a leaked Age would move a risk."""
    age, label = PSV_COLUMNS.index("Age"), PSV_COLUMNS.index("SepsisLabel")
    for k, f in enumerate(sorted(stays.glob("*.psv"))):
        lines = f.read_text().splitlines()
        rows = [line.split("|") for line in lines[1:]]
        for row in rows:
            row[age], row[label] = ("78", "1") if k % 3 == 0 else (str(40 + k % 7), "0")
        f.write_text("\n".join([lines[0], *("|".join(r) for r in rows)]) + "\n")
    return stays


@pytest.fixture(scope="module")
def sepsis_model(tmp_path_factory):
    from osler.pipelines.sepsis import TASK
    root = tmp_path_factory.mktemp("sepsis-fixes")
    stays = _with_telling_ages(write_stays(root / "stays", n_stays=45, seed=3))
    TASK.train([stays], outcomes=None, model_dir=root / "model", seed=0, n_jobs=1)
    return root, stays, root / "model"


def _probabilities(path) -> list[str]:
    return [line.split("|")[0] for line in path.read_text().splitlines()[1:]]


@pytest.mark.slow
def test_predict_and_monitor_give_prefix_hours_what_the_prefix_gives(sepsis_model, tmp_path):
    from osler.pipelines._sepsis_stream import SepsisMonitor
    from osler.pipelines.sepsis import TASK

    _root, _stays, model = sepsis_model
    rows = _late_static_rows(n=12)
    full = _write_psv(tmp_path / "full" / "p1.psv", rows)
    prefix = _write_psv(tmp_path / "pre" / "p1.psv", rows[:5])
    TASK.predict(model, full.parent, tmp_path / "out-full")
    TASK.predict(model, prefix.parent, tmp_path / "out-pre")
    p_full = _probabilities(tmp_path / "out-full" / "p1.psv")
    assert p_full[:5] == _probabilities(tmp_path / "out-pre" / "p1.psv")
    monitor = SepsisMonitor(model, top_k=5)
    live = [h.to_dict() for h in monitor.replay(full)]
    live_prefix = [h.to_dict() for h in monitor.replay(prefix)]
    assert live[:5] == live_prefix
    # the stream scores every hour as batch prediction does
    assert [f"{h['probability']:.4f}" for h in live] == [f"{float(p):.4f}" for p in p_full]
    for hour in live[:5]:   # no evidence of an early hour cites a later line
        for item in hour["evidence"]:
            assert item["offset_hours"] is None or item["offset_hours"] <= hour["hour"]


# ------------------------------------------------- sepsis: training stays cut short

@pytest.mark.slow
def test_a_training_stay_cut_short_or_rewritten_is_left_out(sepsis_model, tmp_path):
    import shutil

    from osler.pipelines.sepsis import TASK

    _root, stays, model = sepsis_model
    trained_on = json.loads((model / "manifest.json").read_text())["extra"]["train_stays"]
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    held_out = [f for f in sorted(stays.glob("*.psv")) if f.stem not in set(trained_on)]
    for f in held_out:
        shutil.copy(f, mixed / f.name)
    for k, f in enumerate(sorted(write_stays(tmp_path / "new", n_stays=3, seed=8).iterdir())):
        f.rename(mixed / f"new{k}.psv")   # unseen stays, one septic
    lines = [(stays / f"{s}.psv").read_text().splitlines() for s in trained_on[:4]]
    (mixed / "cut0.psv").write_text("\n".join(lines[0][:12]) + "\n")      # last hours dropped
    (mixed / "cut1.psv").write_text("\n".join(lines[1][:8]))               # and no last newline
    (mixed / "crlf.psv").write_text("\r\n".join(lines[2]) + "\r\n\r\n\r\n")  # CRLF, blank lines
    (mixed / "cr.psv").write_text("\r".join(lines[3]) + "\r")              # old Mac endings
    summary = TASK.evaluate(model, [mixed], report=tmp_path / "card.html", n_boot=5)
    assert str(summary).startswith(f"sepsis: {len(held_out) + 3} stays (4 left out: seen in "
                                   "training)"), summary
    card = json.loads((tmp_path / "card.json").read_text())
    left_out = card["provenance"]["left out as seen in training"]
    assert left_out["stays identical to a training stay (by content)"] == 2
    assert left_out["stays starting as a training stay (their first 6 hours, by content: a "
                    "copy cut short)"] == 2
    assert "first 6 hours" in left_out["stays compared by content"]
    notes = " ".join(s.get("note") or "" for s in card["sections"])
    assert "2 stays whose first 6 hours are a training stay's (a copy cut short)" in notes


def test_start_digests_need_the_first_hours_and_match_a_prefix(tmp_path):
    from osler.pipelines._sepsis_data import START_HOURS, load_cohort

    rows = _late_static_rows(n=12)
    _write_psv(tmp_path / "d" / "whole.psv", rows)
    _write_psv(tmp_path / "d" / "cut.psv", rows[:7])
    _write_psv(tmp_path / "d" / "short.psv", rows[:START_HOURS - 1])
    cohort = load_cohort([tmp_path / "d"], n_jobs=1)
    start = cohort.start_digests()
    assert set(start) == {"whole", "cut"} and start["whole"] == start["cut"]
    assert start["whole"].startswith("first6:")
    whole = cohort.content_digests()
    assert whole["whole"] != whole["cut"]


# ---------------------------------------------------------- icu-mortality descriptors

def _record_2012(path, extra: list[str] = ()):
    """A made-up set-a style stay: descriptors at 00:00, heart rates, then ``extra`` rows."""
    lines = ["Time,Parameter,Value", "00:00,RecordID,141234", "00:00,Age,64",
             "00:00,Gender,0", "00:00,ICUType,2", "00:00,Weight,81.5",
             *[f"{h:02d}:15,HR,{88 + h}" for h in range(0, 48, 6)], *extra]
    path.write_text("\n".join(lines) + "\n")
    return next(read_physionet2012(path))


@pytest.mark.parametrize("extra", [["50:00,Gender,1"], ["50:00,ICUType,4"],
                                   ["48:30,Gender,1", "72:00,ICUType,3"]])
def test_descriptors_after_48h_change_no_feature(tmp_path, extra):
    from osler.pipelines.icu_mortality import _featurize

    base = _record_2012(tmp_path / "a.txt")
    late = _record_2012(tmp_path / "b.txt", extra)
    assert (late.sex, late.events[0].unit) == ("female", "CSRU")
    np.testing.assert_array_equal(_featurize(base)[0], _featurize(late)[0])


def test_the_first_descriptor_within_48h_is_the_stays(tmp_path):
    record = _record_2012(tmp_path / "a.txt", ["48:00,Gender,1", "48:00,ICUType,3"])
    assert (record.sex, record.events[0].unit) == ("female", "CSRU")
    path = tmp_path / "c.txt"
    path.write_text("Time,Parameter,Value\n00:00,RecordID,141235\n00:00,Gender,-1\n"
                    "01:00,HR,90\n02:00,Gender,1\n60:00,ICUType,1\n")
    record = next(read_physionet2012(path))
    assert record.sex == "male" and record.events[0].unit is None


def test_the_descriptor_horizon_is_the_prediction_hour():
    from osler.ingest.physionet import _DESCRIPTOR_HORIZON
    from osler.pipelines.icu_mortality import PREDICTION_HOUR
    assert _DESCRIPTOR_HORIZON == timedelta(hours=PREDICTION_HOUR)


# ------------------------------------------------------------- readmission ids

@pytest.mark.parametrize("cell, expected", [("54772425", "54772425"), ("54772425.0", "54772425"),
                                            (" 54772425 ", "54772425"), ("5.4772425E7",
                                                                         "54772425"),
                                            ("A-17", "A-17"), (" 12.5", "12.5")])
def test_readmission_ids_are_read_as_whole_numbers(cell, expected):
    from osler.pipelines.readmission import _normal_id
    assert _normal_id(cell) == expected


@pytest.fixture(scope="module")
def readmission_model(tmp_path_factory):
    from osler.pipelines.readmission import TASK
    from tabular_synth import write_readmission
    root = tmp_path_factory.mktemp("readmission-fixes")
    data = write_readmission(root / "data", n=300, seed=4)
    TASK.train([data], outcomes=None, model_dir=root / "model")
    return data, root / "model"


@pytest.mark.parametrize("written", ["{}.0", " {}", "{} "])
def test_training_patients_written_otherwise_are_still_seen(readmission_model, tmp_path,
                                                            written):
    from osler.models.persist import load_model
    from osler.pipelines._tabular import seen_in_training
    from osler.pipelines.readmission import TASK

    data, model = readmission_model
    df = pd.read_csv(data, dtype=str)
    df["patient_nbr"] = [written.format(p) for p in df["patient_nbr"]]
    df["encounter_id"] = [f"{e}.0" for e in df["encounter_id"]]
    other = tmp_path / "other.csv"
    df.to_csv(other, index=False, quoting=csv.QUOTE_NONNUMERIC)
    bundle = load_model(model, TASK.name)
    plain, rewritten = TASK.load([data], None), TASK.load([other], None)
    assert list(rewritten.ids) == list(plain.ids)
    for a, b in zip(seen_in_training(bundle, plain), seen_in_training(bundle, rewritten)):
        np.testing.assert_array_equal(a, b)
    assert seen_in_training(bundle, plain)[0].sum() > len(plain.ids) / 2


def test_an_encounter_written_twice_otherwise_is_a_repeat(readmission_model, tmp_path):
    from osler.pipelines.readmission import TASK

    data, model = readmission_model
    df = pd.read_csv(data, dtype=str)
    copy = df.iloc[[0]].assign(encounter_id=f"{df['encounter_id'].iloc[0]}.0")
    twice = tmp_path / "twice.csv"
    pd.concat([df, copy]).to_csv(twice, index=False)
    d = TASK.load([twice], None)
    assert len(d.ids) == len(TASK.load([data], None).ids)
    assert any("encounter_id repeats an earlier row's" in why for _f, why in d.skipped)
    out = tmp_path / "pred.csv"
    TASK.predict(model, twice, out)
    ids = [r.split(",")[0] for r in out.read_text().splitlines()[1:]]
    assert len(ids) == len(set(ids))


# ------------------------------------------------- icu-mortality baselines

@pytest.mark.slow
def test_icu_baselines_of_the_same_stays_ignore_stays_left_out(tmp_path):
    """SOFA -1 (missing) was filled with the median over every stay read, training stays
    left out included: their SOFA moved the baseline of the stays evaluated."""
    import shutil

    from osler.pipelines.icu_mortality import TASK

    stays, outcomes = write_stays_2012(tmp_path / "a", n=60, seed=2)
    rows = list(csv.reader(outcomes.read_text().splitlines()))
    for k, row in enumerate(rows[1:]):   # varied SOFA, a few missing
        row[2] = "-1" if k % 5 == 0 else str(2 + k % 7)
    train_dir, eval_dir = tmp_path / "train", tmp_path / "eval"
    train_dir.mkdir(), eval_dir.mkdir()
    files = sorted(stays.glob("*.txt"))
    for f in files[:40]:
        shutil.copy(f, train_dir / f.name)
    for f in files[40:]:
        shutil.copy(f, eval_dir / f.name)
    for row in rows[1:41]:               # the training stays' SOFA: far higher
        row[2] = "20"
    fixed = tmp_path / "Outcomes.txt"
    with fixed.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    model = tmp_path / "model"
    TASK.train([train_dir], outcomes=fixed, model_dir=model, held_out=0.0)
    TASK.evaluate(model, [eval_dir], outcomes=fixed, report=tmp_path / "only.html", n_boot=5)
    TASK.evaluate(model, [eval_dir, train_dir], outcomes=fixed, report=tmp_path / "both.html",
                  n_boot=5)

    def sofa(card):
        sections = json.loads(card.read_text())["sections"]
        table = next(s["table"] for s in sections if s["heading"] == "Baseline comparison")
        return [r for r in table if r["model"] == "SOFA"]
    assert sofa(tmp_path / "only.json") == sofa(tmp_path / "both.json") != []


# ------------------------------------------------------------- evidence, card

def test_a_missing_windowed_value_cites_no_source():
    from osler.explain import hourly_source, top_evidence

    hours = np.arange(1.0, 11.0)
    values = np.full((10, len(DYNAMIC_VARIABLES)), np.nan)
    values[0, 0] = 130.0   # one heart rate, at hour 1: no window of hour 10 holds it
    frame = StayFrame("s", "made-up.psv", hours, values, {}, np.arange(2, 12), np.zeros(10))
    x = featurize(frame, np.array([9])).X[0]
    names = ["HR__max_6h", "HR__mean_6h", "HR__last"]
    picked = np.array([x[NAMES.index(n)] for n in names])
    assert np.isnan(picked[:2]).all() and picked[2] == 130
    describe = hourly_source(frame, 9)
    assert describe("HR__max_6h").source is None
    assert "not measured in the window" in describe("HR__max_6h").label
    evidence = top_evidence(names, picked, np.array([0.3, 0.2, 0.1]), describe, 3)
    assert [e.source for e in evidence[:2]] == [None, None]
    assert [e.offset for e in evidence[:2]] == [None, None]
    assert evidence[2].source.line == 2 and evidence[2].offset == timedelta(hours=1)


def test_the_share_of_septic_stays_alerted_reads_as_a_percentage():
    from osler.pipelines._sepsis_report import _task_metrics_table

    table = _task_metrics_table({"threshold": 0.2, "septic_stays_alerted_in_window": 0.75,
                                 "septic_stays": 4, "stays": 20, "baseline_utility": {}})
    row = table.set_index("metric").loc["septic_stays_alerted_in_window"]
    assert row["value"] == "75.0% (3 of 4)"
    assert row["what it is"].startswith("share of septic stays alerted")
    assert list(table["metric"]) == ["threshold", "septic_stays_alerted_in_window",
                                     "septic_stays", "stays"]
