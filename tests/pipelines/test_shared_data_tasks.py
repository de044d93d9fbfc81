"""Real reference data, small subsets: the reader-to-features path and cross-site loading."""

import zipfile

import numpy as np
import pytest

from osler.features import IncrementalFeaturizer, featurize, stay_frame


@pytest.fixture()
def real_stays(shared_data, tmp_path):
    with zipfile.ZipFile(shared_data / "sepsis-2019" / "training_setB_dev.zip") as zf:
        names = sorted(n for n in zf.namelist() if n.endswith(".psv"))[:40]
        for n in names:
            zf.extract(n, tmp_path)
    return tmp_path / "training_setB"


@pytest.mark.shared_data
def test_real_stays_featurise_without_leakage(real_stays):
    from osler.pipelines._sepsis_data import load_cohort
    cohort = load_cohort([real_stays], n_jobs=1)
    assert cohort.n_stays + len(cohort.skipped) == 40
    assert (cohort.meta["source_hour"] <= cohort.meta["hour"]).all()
    rows_per_stay = cohort.meta.groupby("stay").size()
    first = sorted(real_stays.glob("*.psv"))[0]
    assert rows_per_stay[first.stem] == len(first.read_text().splitlines()) - 1


@pytest.mark.shared_data
def test_real_stay_streams_exactly_like_batch(real_stays):
    from osler.ingest.physionet import read_physionet2019
    frame = stay_frame(next(read_physionet2019(sorted(real_stays.glob("*.psv"))[3])))
    stream = IncrementalFeaturizer(frame.stay_id, frame.source, frame.static, frame.static_hours)
    rows = [stream.update(h, frame.values[i]).X[0] for i, h in enumerate(frame.hours)]
    np.testing.assert_array_equal(np.vstack(rows), featurize(frame).X)


@pytest.mark.shared_data
def test_heart_disease_sites_load(shared_data):
    from osler.pipelines.heart_disease import TASK
    cle = TASK.load([shared_data / "heart-disease" / "processed.cleveland.data"], None)
    hun = TASK.load([shared_data / "heart-disease" / "processed.hungarian.data"], None)
    assert len(cle.ids) == 303 and len(hun.ids) == 294 and cle.names == hun.names
    assert set(cle.patients).isdisjoint(hun.patients)
