"""The leakage guard over every task: data after the prediction time never changes a feature,
and each task's loader records source times no later than its prediction times."""

from datetime import timedelta

import numpy as np
import pytest

from osler.errors import LeakageError
from osler.features import check_no_leakage
from osler.record import LOINC, Coding, Observation, PatientRecord, Provenance, Quantity


def _obs(code, display, hour, value, unit):
    return Observation(id=f"{code}-{hour}", coding=Coding(LOINC, code, display),
                       provenance=Provenance("synthetic.txt", "1", int(hour)),
                       offset=timedelta(hours=hour), value=Quantity(value, unit))


def test_icu_mortality_ignores_events_after_48h():
    from osler.pipelines.icu_mortality import _featurize
    early = [_obs("8867-4", "Heart rate", h, 80 + h, "/min") for h in (1, 10, 47.5)]
    late = [_obs("8867-4", "Heart rate", h, 200, "/min") for h in (48.5, 60)]
    base = PatientRecord(patient_id="1", provenance=Provenance("synthetic.txt", "1"),
                         events=tuple(early))
    x0, pred0, src0 = _featurize(base)
    x1, pred1, src1 = _featurize(base.with_events(late))
    np.testing.assert_array_equal(x0, x1)
    assert pred0 == 48 and src1 == 47.5
    with pytest.raises(LeakageError):
        check_no_leakage("icu-mortality", ["1"], np.array([48.0]), np.array([48.5]))


@pytest.mark.parametrize("task", ["readmission", "heart-disease"])
def test_one_shot_tasks_do_not_read_their_label(task, tmp_path):
    from tabular_synth import write_heart, write_readmission
    import importlib
    module = importlib.import_module(f"osler.pipelines.{task.replace('-', '_')}")
    writer = write_readmission if task == "readmission" else write_heart
    a = writer(tmp_path / "a", flip_labels=False)
    b = writer(tmp_path / "b", flip_labels=True)
    da, db = module.TASK.load([a], None), module.TASK.load([b], None, vocabulary=None)
    np.testing.assert_array_equal(da.X, db.X)
    assert not np.array_equal(da.y, db.y)
    assert all("readmitted" not in n and n != "num" for n in da.names)
    assert (da.source_times <= da.prediction_times).all()


@pytest.mark.parametrize("late", ["50:00,Gender,1", "50:00,ICUType,4", "49:00,Age,30",
                                  "60:00,Weight,150"])
def test_icu_mortality_static_fields_after_48h_change_no_feature(tmp_path, late):
    """The descriptors too (sex, ICU unit, age, weight): a made-up stay's row written after
    48 h leaves every feature as it was."""
    from osler.ingest.physionet import read_physionet2012
    from osler.pipelines.icu_mortality import _featurize
    head = ("Time,Parameter,Value\n00:00,RecordID,140501\n00:00,Age,58\n00:00,Gender,0\n"
            "00:00,ICUType,2\n00:00,Weight,70\n01:00,HR,92\n30:00,HR,101\n")
    (tmp_path / "a.txt").write_text(head)
    (tmp_path / "b.txt").write_text(head + late + "\n")
    before, after = (_featurize(next(read_physionet2012(tmp_path / name)))
                     for name in ("a.txt", "b.txt"))
    np.testing.assert_array_equal(before[0], after[0])
    assert after[2] <= after[1] == 48
