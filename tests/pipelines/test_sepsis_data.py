"""Which files of a data folder the sepsis task reads as stays (synthetic stays only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _sepsis_synth import write_stays

from osler.pipelines._sepsis_data import NoUsableStay, load_cohort


def test_stays_in_a_symlinked_sub_folder_are_loaded(tmp_path):
    site = write_stays(tmp_path / "site", n_stays=3, seed=21)
    data = tmp_path / "ln"
    (data / "top").mkdir(parents=True)
    (data / "top" / "linked").symlink_to(site, target_is_directory=True)
    (data / "top" / "p1.psv").write_text(sorted(site.glob("*.psv"))[0].read_text())
    cohort = load_cohort([data], n_jobs=1)
    assert cohort.n_stays == 4 and not cohort.skipped


def _predictions_of(stay: Path) -> str:
    """An Osler prediction file for ``stay``: one made-up line per hour."""
    hours = len(stay.read_text().splitlines()) - 1
    return "PredictedProbability|PredictedLabel\n" + "0.1|0\n" * hours


def test_an_earlier_runs_prediction_files_never_take_a_stays_id(tmp_path):
    """site/predictions/ (an earlier run's output, named as the stays) sorts before setA/:
    it used to win the duplicate-id check, and then no stay could be used."""
    site = tmp_path / "site"
    stays = write_stays(site / "setA", n_stays=3, seed=22)
    (site / "predictions").mkdir()
    for stay in sorted(stays.glob("*.psv")):
        (site / "predictions" / stay.name).write_text(_predictions_of(stay))
    (site / "predictions" / "q1.psv").write_text(_predictions_of(stay))   # no such stay
    cohort = load_cohort([site], n_jobs=1)
    assert cohort.n_stays == 3 and len(cohort.skipped) == 4 and len(cohort.not_stays) == 4
    assert set(cohort.meta["file"]) == {s.name for s in stays.glob("*.psv")}
    first = sorted(stays.glob("*.psv"))[0].name
    assert (f"site/predictions/{first}", f"file site/predictions/{first}: an Osler prediction "
            "file (header PredictedProbability|PredictedLabel), not a stay; the stay is read "
            f"from site/setA/{first}, which has the same stay id") in cohort.skipped
    assert ("site/predictions/q1.psv", "file site/predictions/q1.psv: an Osler prediction file "
            "(header PredictedProbability|PredictedLabel), not a stay") in cohort.skipped


def test_an_unreadable_copy_never_costs_the_good_stay_of_its_name(tmp_path):
    dd = tmp_path / "dd"
    stays = write_stays(dd / "setA", n_stays=2, seed=23)
    name = sorted(stays.glob("*.psv"))[0].name
    (dd / "a_backup").mkdir()
    (dd / "a_backup" / name).write_text("")                 # sorts first, and is empty
    cohort = load_cohort([dd], n_jobs=1)
    assert cohort.n_stays == 2
    assert cohort.skipped == [(name, f"file dd/a_backup/{name}, stay {name[:-4]}, line 1: header "
                               "must be the PhysioNet 2019 columns (HR|O2Sat|...|SepsisLabel); "
                               f"got an empty file; the stay is read from dd/setA/{name}, which "
                               "has the same stay id")]
    # two readable files of one id: the first is used, as before
    (dd / "a_backup" / name).write_text(sorted(stays.glob("*.psv"))[1].read_text())
    cohort = load_cohort([dd], n_jobs=1)
    assert cohort.n_stays == 2 and "dd/a_backup/" + name + " has the same stay id; only that " \
        "first file is used" in cohort.skipped[0][1]


def test_only_prediction_files_are_refused_as_no_stays(tmp_path):
    stays = write_stays(tmp_path / "s", n_stays=2, seed=24)
    old = tmp_path / "old"
    old.mkdir()
    for stay in stays.glob("*.psv"):
        (old / stay.name).write_text(_predictions_of(stay))
    with pytest.raises(NoUsableStay, match=r"no stays found: all 2 .psv file\(s\) are Osler "
                                           "prediction files"):
        load_cohort([old], n_jobs=1)
    (old / "p5.psv").write_text("")
    with pytest.raises(NoUsableStay, match=r"none of 1 stays could be used \(2 .psv file\(s\) "
                                           "beside them are Osler prediction files, not "
                                           r"stays\); first problem: file p5.psv"):
        load_cohort([old], n_jobs=1)
