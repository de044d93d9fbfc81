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
