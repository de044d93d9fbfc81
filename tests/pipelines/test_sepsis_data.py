"""Which files of a data folder the sepsis task reads as stays (synthetic stays only)."""

from __future__ import annotations

from _sepsis_synth import write_stays

from osler.pipelines._sepsis_data import load_cohort


def test_stays_in_a_symlinked_sub_folder_are_loaded(tmp_path):
    site = write_stays(tmp_path / "site", n_stays=3, seed=21)
    data = tmp_path / "ln"
    (data / "top").mkdir(parents=True)
    (data / "top" / "linked").symlink_to(site, target_is_directory=True)
    (data / "top" / "p1.psv").write_text(sorted(site.glob("*.psv"))[0].read_text())
    cohort = load_cohort([data], n_jobs=1)
    assert cohort.n_stays == 4 and not cohort.skipped
