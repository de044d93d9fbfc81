"""Fixes of the second models review: icu-mortality recognises a training stay under a new
RecordID by its content; readmission reads ids with thousands separators as whole numbers, and
its card claims no content check it does not make."""

import csv
import json
import shutil

import numpy as np
import pytest

from icu2012_factory import write_stays_2012

# ------------------------------------------------- icu-mortality: renamed training stays


def _renamed(stays, outcomes, target, offset: int = 500000):
    """Copies of the stays under new RecordIDs (and file names), values written another way
    ("80" as "80.0"), with an outcomes file holding both the old and the new ids."""
    target.mkdir()
    rows = list(csv.reader(outcomes.read_text().splitlines()))
    extra = []
    for f in sorted(stays.glob("*.txt")):
        lines = f.read_text().splitlines()
        old = next(line.split(",")[2] for line in lines if ",RecordID," in line)
        new = str(int(old) + offset)
        out = [f"00:00,RecordID,{new}" if ",RecordID," in line else
               line if line.startswith("Time") or "," not in line else
               ",".join(line.split(",")[:2] + [repr(float(line.split(",")[2]))])
               for line in lines]
        (target / f"{new}.txt").write_text("\n".join(out) + "\n")
        extra += [[new] + r[1:] for r in rows[1:] if r[0] == old]
    both = target.parent / f"Outcomes-{target.name}.txt"
    with both.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows + extra)
    return both


@pytest.fixture(scope="module")
def icu_model(tmp_path_factory):
    from osler.pipelines.icu_mortality import TASK
    root = tmp_path_factory.mktemp("icu-fix5")
    stays, outcomes = write_stays_2012(root / "a", n=60, seed=3)
    TASK.train([stays], outcomes=outcomes, model_dir=root / "model", held_out=0.0)
    return root, stays, outcomes


def test_a_renamed_training_stay_has_the_same_digest(icu_model, tmp_path):
    from osler.pipelines.icu_mortality import TASK
    _root, stays, outcomes = icu_model
    both = _renamed(stays, outcomes, tmp_path / "ren")
    plain, renamed = TASK.load([stays], outcomes), TASK.load([tmp_path / "ren"], both)
    assert set(plain.ids).isdisjoint(renamed.ids)
    assert list(plain.content) == list(renamed.content)
    assert len(set(plain.content)) == len(plain.ids)   # made-up stays all differ


def test_renamed_training_stays_are_left_out_and_counted(icu_model, tmp_path):
    from osler.pipelines.icu_mortality import TASK
    root, stays, outcomes = icu_model
    new, new_outcomes = write_stays_2012(tmp_path / "new", n=30, seed=11)
    _renamed(stays, outcomes, tmp_path / "ren")
    mixed = tmp_path / "mixed"
    shutil.copytree(new, mixed)
    for f in sorted((tmp_path / "ren").glob("*.txt"))[:20]:
        shutil.copy(f, mixed / f.name)
    both = tmp_path / "Outcomes-both.txt"
    rows = list(csv.reader(new_outcomes.read_text().splitlines()))
    rows += list(csv.reader((tmp_path / "Outcomes-ren.txt").read_text().splitlines()))[61:]
    # the new stays reuse RecordIDs 140000.. of the training stays: shift them away
    for f in sorted(new.glob("*.txt")):
        (mixed / f.name).unlink()
        text = f.read_text().replace(f"RecordID,{f.stem}", f"RecordID,{int(f.stem) + 7000}")
        (mixed / f"{int(f.stem) + 7000}.txt").write_text(text)
    rows = [rows[0]] + [[str(int(r[0]) + 7000)] + r[1:] if int(r[0]) < 150000 else r
                        for r in rows[1:]]
    with both.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    summary = TASK.evaluate(root / "model", [mixed], outcomes=both, report=tmp_path / "c.html",
                            n_boot=5)
    assert "30 stays (20 left out: seen in training)" in summary
    card = json.loads((tmp_path / "c.json").read_text())
    text = json.dumps(card)
    assert "0 rows of patients used in training and 20 rows identical to a training row" in text
    assert "under any RecordID" in text


def test_a_model_saved_without_stay_digests_compares_ids_and_says_so(icu_model, tmp_path):
    from osler.pipelines._tabular import _content_words, _no_digests_note, seen_in_training
    from osler.models.persist import load_model
    from osler.pipelines.icu_mortality import TASK
    root, stays, outcomes = icu_model
    bundle = load_model(root / "model", TASK.name)
    d = TASK.load([stays], outcomes)
    bundle.training_rows = None   # as a model saved before the digests
    by_id, by_content = seen_in_training(bundle, d)
    assert by_id.all() and not by_content.any()
    assert "by RecordID only" in _no_digests_note(bundle, d)
    assert "RecordID" in _content_words(d)


# ------------------------------------------------- readmission: grouped digits in ids

@pytest.mark.parametrize("cell, expected", [
    ("55,629,189", "55629189"), ("54 772 425", "54772425"), ("149,190", "149190"),
    ("1_000_000", "1000000"), ("1'000'000", "1000000"), ("54\u00a0772\u00a0425", "54772425"),
    ("1,2345", "1,2345"), ("12,34,567", "12,34,567"), ("1,000 000", "1,000 000"),
    ("12_34", "12_34"), ("A-17", "A-17")])
def test_readmission_ids_grouped_by_thousands_are_whole_numbers(cell, expected):
    from osler.pipelines.readmission import _normal_id
    assert _normal_id(cell) == expected


@pytest.fixture(scope="module")
def readmission_model(tmp_path_factory):
    from osler.pipelines.readmission import TASK
    from tabular_synth import write_readmission
    import pandas as pd
    root = tmp_path_factory.mktemp("readmission-fix5")
    data = write_readmission(root / "data", n=300, seed=4)
    df = pd.read_csv(data, dtype=str)   # ids of 4 digits and more, so that grouping shows
    for column in ("patient_nbr", "encounter_id"):
        df[column] = [str(int(v) * 1000 + 7) for v in df[column]]
    df.to_csv(data, index=False)
    TASK.train([data], outcomes=None, model_dir=root / "model")
    return data, root / "model"


def _grouped(number: str, sep: str = ",") -> str:
    """"149190" -> "149,190" """
    head, tail = divmod(len(number), 3)
    groups = ([number[:tail]] if tail else []) + [number[tail + 3 * k: tail + 3 * k + 3]
                                                  for k in range(head)]
    return sep.join(groups)


@pytest.mark.parametrize("sep", [",", " "])
def test_training_patients_written_with_separators_are_seen(readmission_model, tmp_path, sep):
    import pandas as pd

    from osler.models.persist import load_model
    from osler.pipelines._tabular import seen_in_training
    from osler.pipelines.readmission import TASK

    data, model = readmission_model
    df = pd.read_csv(data, dtype=str)
    df["patient_nbr"] = [_grouped(p, sep) for p in df["patient_nbr"]]
    df["encounter_id"] = [_grouped(e, sep) for e in df["encounter_id"]]
    other = tmp_path / "other.csv"
    df.to_csv(other, index=False)
    a, b = TASK.load([data], None), TASK.load([other], None)
    assert list(a.ids) == list(b.ids) and list(a.patients) == list(b.patients)
    assert all(sep not in str(i) for i in b.ids)
    out = tmp_path / "pred.csv"
    TASK.predict(model, other, out)
    assert all(sep not in r.split(",")[0] for r in out.read_text().splitlines()[1:])
    # the training file's own patients, written grouped, are still seen in training
    bundle = load_model(model, TASK.name)
    orig = pd.read_csv(data, dtype=str)
    orig["patient_nbr"] = [_grouped(p, sep) for p in orig["patient_nbr"]]
    grouped_path = tmp_path / "grouped.csv"
    orig.to_csv(grouped_path, index=False)
    seen = seen_in_training(bundle, TASK.load([grouped_path], None))[0]
    np.testing.assert_array_equal(seen_in_training(bundle, TASK.load([data], None))[0], seen)
    assert seen.sum() > len(seen) / 2
    assert any(sep in p for p in orig["patient_nbr"])


def test_an_encounter_written_grouped_and_plain_is_a_repeat(readmission_model, tmp_path):
    import pandas as pd

    from osler.pipelines.readmission import TASK
    data, _model = readmission_model
    df = pd.read_csv(data, dtype=str)
    copy = df.iloc[[0]].assign(encounter_id=_grouped(df["encounter_id"].iloc[0]))
    assert "," in copy["encounter_id"].iloc[0]
    twice = tmp_path / "twice.csv"
    pd.concat([df, copy]).to_csv(twice, index=False)
    d = TASK.load([twice], None)
    assert len(d.ids) == len(TASK.load([data], None).ids)
    assert any("encounter_id repeats an earlier row's" in why for _f, why in d.skipped)


def test_the_readmission_card_claims_no_content_check(readmission_model, tmp_path):
    from osler.pipelines.readmission import TASK
    from tabular_synth import write_readmission
    _data, model = readmission_model
    new = write_readmission(tmp_path / "new", n=200, seed=9)
    TASK.evaluate(model, [new], report=tmp_path / "c.html", n_boot=5)
    text = (tmp_path / "c.json").read_text()
    assert "under any file name or id" not in text
    assert "matches rows by id only" in text


# ------------------------------------------------- sepsis: training stays cut below 6 hours

def _psv_rows(n: int, measured_from: int = 1) -> list[str]:
    """A made-up stay of ``n`` hours; no vital or lab is measured before hour
    ``measured_from`` (the descriptors, age 64, are known from the first row)."""
    from osler.ingest.physionet import PSV_COLUMNS
    rows = []
    for t in range(1, n + 1):
        values = {c: "NaN" for c in PSV_COLUMNS}
        values.update(Age="64", Gender="0", Unit1="0", Unit2="1", HospAdmTime="-2",
                      ICULOS=str(t), SepsisLabel="0")
        if t >= measured_from:
            values.update(HR=f"{90 + t}", O2Sat="96", Resp=f"{16 + t % 3}", MAP="75")
        rows.append("|".join(values[c] for c in PSV_COLUMNS))
    return rows


def _write(path, rows):
    from osler.ingest.physionet import PSV_COLUMNS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(["|".join(PSV_COLUMNS), *rows]) + "\n")


def test_a_stay_shorter_than_6_hours_matches_the_start_it_was_cut_from(tmp_path):
    from osler.pipelines._sepsis_data import START_HOURS, load_cohort
    rows = _psv_rows(12)
    _write(tmp_path / "train" / "whole.psv", rows)
    for k in range(1, START_HOURS):
        _write(tmp_path / "cut" / f"cut{k}.psv", rows[:k])
    kept = load_cohort([tmp_path / "train"], n_jobs=1).prefix_digests()
    short = load_cohort([tmp_path / "cut"], n_jobs=1).short_digests()
    assert sorted(short) == [f"cut{k}" for k in range(1, START_HOURS)]
    assert set(short.values()) <= kept
    assert short["cut5"].startswith("first5:")
    from osler.ingest.physionet import PSV_COLUMNS
    other = _psv_rows(12)
    cells = other[2].split("|")
    cells[PSV_COLUMNS.index("HR")] = "120"   # another stay: its third hour differs
    other[2] = "|".join(cells)
    _write(tmp_path / "other" / "o.psv", other[:4])
    assert load_cohort([tmp_path / "other"], n_jobs=1).short_digests()["o"] not in kept


def test_a_short_start_with_nothing_measured_is_not_digested(tmp_path):
    """Age, sex, unit and hours alone are shared by chance: such a start identifies no stay."""
    from osler.pipelines._sepsis_data import load_cohort
    rows = _psv_rows(12, measured_from=4)
    _write(tmp_path / "train" / "whole.psv", rows)
    _write(tmp_path / "cut" / "cut3.psv", rows[:3])
    _write(tmp_path / "cut" / "cut4.psv", rows[:4])
    kept = load_cohort([tmp_path / "train"], n_jobs=1).prefix_digests()
    assert {d.split(":")[0] for d in kept} == {"first4", "first5"}
    short = load_cohort([tmp_path / "cut"], n_jobs=1, unmeasured=True).short_digests()
    assert set(short) == {"cut4"} and short["cut4"] in kept


@pytest.fixture(scope="module")
def sepsis_model(tmp_path_factory):
    from _sepsis_synth import write_stays
    from osler.pipelines.sepsis import TASK
    root = tmp_path_factory.mktemp("sepsis-fix5")
    stays = write_stays(root / "stays", n_stays=40, seed=5)
    TASK.train([stays], outcomes=None, model_dir=root / "model", seed=0, n_jobs=1)
    return stays, root / "model"


def test_training_stays_cut_below_6_hours_are_left_out_of_evaluation(sepsis_model, tmp_path):
    from _sepsis_synth import write_stays
    from osler.pipelines.sepsis import TASK
    stays, model = sepsis_model
    trained_on = json.loads((model / "manifest.json").read_text())["extra"]["train_stays"]
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for f in sorted(stays.glob("*.psv")):
        if f.stem not in set(trained_on):
            shutil.copy(f, mixed / f.name)
    for k, f in enumerate(sorted(write_stays(tmp_path / "new", n_stays=6, seed=9).iterdir())):
        f.rename(mixed / f"new{k}.psv")
    n_read = len(list(mixed.glob("*.psv")))
    for k, hours in enumerate((5, 3)):
        lines = (stays / f"{trained_on[k]}.psv").read_text().splitlines()
        (mixed / f"cut{k}.psv").write_text("\n".join(lines[:hours + 1]) + "\n")
    summary = str(TASK.evaluate(model, [mixed], report=tmp_path / "card.html", n_boot=5))
    assert summary.startswith(f"sepsis: {n_read} stays (2 left out: seen in training)"), summary
    card = json.loads((tmp_path / "card.json").read_text())
    left_out = card["provenance"]["left out as seen in training"]
    assert left_out["stays starting as a training stay (their first 6 hours, by content: a "
                    "copy cut short)"] == 2
    assert "each shorter start" in left_out["stays compared by content"]


# ------------------------------------------------- sepsis: Gender and unit set after row 1

def _late_descriptor_rows(n: int = 8, known_from: int = 3) -> list[str]:
    """A made-up stay whose Gender (1), Unit1 (0) and Unit2 (1) are NaN before hour
    ``known_from``, as an export that fills the descriptors late writes them."""
    from osler.ingest.physionet import PSV_COLUMNS
    rows = []
    for t in range(1, n + 1):
        values = {c: "NaN" for c in PSV_COLUMNS}
        values.update(HR=f"{80 + t}", O2Sat="97", MAP="80", Resp="18", Age="58",
                      HospAdmTime="-3", ICULOS=str(t), SepsisLabel="0")
        if t >= known_from:
            values.update(Gender="1", Unit1="0", Unit2="1")
        rows.append("|".join(values[c] for c in PSV_COLUMNS))
    return rows


def test_gender_and_unit_first_given_later_are_known_from_their_row(tmp_path):
    from osler.features import IncrementalFeaturizer, feature_names, featurize, stay_frame
    from osler.ingest.physionet import read_physionet2019
    names = feature_names()
    _write(tmp_path / "p1.psv", _late_descriptor_rows())
    record = next(read_physionet2019(tmp_path / "p1.psv"))
    assert record.sex == "male"
    frame = stay_frame(record, keep_event_ids=True)
    assert frame.unit == "SICU"
    assert frame.static_hours["Gender"] == frame.static_hours["Unit2"] == 3.0
    batch = featurize(frame)
    cols = [names.index(c) for c in ("Gender", "Unit1", "Unit2")]
    assert np.isnan(batch.X[:2, cols]).all()            # hours 1-2 do not read them
    np.testing.assert_array_equal(batch.X[2:, cols], [[1.0, 0.0, 1.0]] * 6)
    assert (batch.source_hours[2:] >= 3).all()
    stream = IncrementalFeaturizer(frame.stay_id, frame.source, frame.static,
                                   frame.static_hours)
    rows = [stream.update(h, frame.values[i], int(frame.lines[i]))
            for i, h in enumerate(frame.hours)]
    np.testing.assert_array_equal(np.vstack([r.X for r in rows]), batch.X)


def test_descriptors_of_the_first_row_stay_known_from_the_start(tmp_path):
    from osler.features import feature_names, featurize, stay_frame
    from osler.ingest.physionet import read_physionet2019
    _write(tmp_path / "p1.psv", _late_descriptor_rows(known_from=1))
    record = next(read_physionet2019(tmp_path / "p1.psv"))
    assert record.descriptor_hours == ()
    frame = stay_frame(record)
    assert "Gender" not in frame.static_hours
    assert (featurize(frame).X[:, feature_names().index("Gender")] == 1.0).all()


def test_evidence_for_a_static_cites_the_row_it_is_dated_by(tmp_path):
    from osler.explain.attributions import hourly_source
    from osler.features import stay_frame
    from osler.ingest.physionet import read_physionet2019
    rows = _late_descriptor_rows(known_from=3)
    rows = [r.replace("|58|", "|NaN|", 1) if k < 3 else r for k, r in enumerate(rows)]
    _write(tmp_path / "p1.psv", rows)   # header on line 1: hour t on line t + 1
    frame = stay_frame(next(read_physionet2019(tmp_path / "p1.psv")), keep_event_ids=True)
    assert frame.static_hours["Age"] == 4.0 and frame.static_hours["Gender"] == 3.0
    describe = hourly_source(frame, row=6)
    assert str(describe("Age").source) == "p1.psv#p1:5"
    assert str(describe("Gender").source) == "p1.psv#p1:4"
    assert str(describe("HospAdmTime").source) == "p1.psv#p1:2"   # known from the first row
    assert str(describe("ICULOS").source) == "p1.psv#p1"          # no row of its own


def test_a_6_hour_start_with_nothing_measured_is_not_digested(tmp_path):
    """Two stays of one age, sex and unit with nothing measured in their first 6 hours share
    their 6-hour start by chance: neither may be taken for the other."""
    from osler.pipelines._sepsis_data import START_HOURS, load_cohort
    _write(tmp_path / "train" / "whole.psv", _psv_rows(12, measured_from=START_HOURS + 1))
    _write(tmp_path / "new" / "other.psv", _psv_rows(9, measured_from=START_HOURS + 2))
    train = load_cohort([tmp_path / "train"], n_jobs=1)
    new = load_cohort([tmp_path / "new"], n_jobs=1)
    assert train.start_digests() == {} and new.start_digests() == {}
    _write(tmp_path / "measured" / "m.psv", _psv_rows(12, measured_from=START_HOURS))
    assert set(load_cohort([tmp_path / "measured"], n_jobs=1).start_digests()) == {"m"}
