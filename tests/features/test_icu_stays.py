"""A stored patient's timeline holds FHIR events and hourly ICU stays side by side; each stay
is scored on its own events only."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from osler.features import icu_stays, stay_frame
from osler.ingest.physionet import PSV_COLUMNS, read_physionet2019
from osler.record import LOINC, Coding, Observation, PatientRecord, Provenance, Quantity


def _psv(path, hrs: list[float]) -> None:
    rows = []
    for t, hr in enumerate(hrs):
        row = {c: "NaN" for c in PSV_COLUMNS}
        row.update(HR=f"{hr:g}", Age="70", Gender="1", ICULOS=str(t + 1), SepsisLabel="0")
        rows.append("|".join(row[c] for c in PSV_COLUMNS))
    path.write_text("|".join(PSV_COLUMNS) + "\n" + "\n".join(rows) + "\n")


def test_each_stay_keeps_its_own_hours_and_no_clock_timed_event(tmp_path):
    _psv(tmp_path / "s1.psv", [80, 82, 84])
    _psv(tmp_path / "s2.psv", [110, 115])
    stays = {r.provenance.record: r for r in read_physionet2019(
        tmp_path, patient_map={"s1": "pat", "s2": "pat"})}
    # one patient: both stays plus an outpatient heart rate with a clock time
    clinic = Observation(id="clinic-hr", coding=Coding(LOINC, "8867-4", "Heart rate"),
                         provenance=Provenance("bundle.json", "Observation/1"),
                         time=datetime(2020, 5, 1, 9, tzinfo=UTC), value=Quantity(64.0, "/min"))
    merged = stays["s1"].with_events(stays["s2"].events + (clinic,), stays["s2"].labels)
    split = icu_stays(merged)
    assert [s.patient_id for s in split] == ["s1", "s2"]
    assert all("clinic-hr" not in {e.id for e in s.events} for s in split)
    frames = [stay_frame(s) for s in split]
    hr = frames[1].values[:, 0]
    np.testing.assert_array_equal(hr, [110, 115])
    assert len(frames[0]) == 3 and frames[0].static["Age"] == 70
    outpatient = PatientRecord(patient_id="x", provenance=clinic.provenance, events=(clinic,))
    assert icu_stays(outpatient) == []
    # a clock-timed event handed to stay_frame is not of the stay's grid: skipped, no crash
    with_clinic = stay_frame(stays["s1"].with_events((clinic,)))
    np.testing.assert_array_equal(with_clinic.values, stay_frame(stays["s1"]).values)


def test_a_physionet_2012_stay_is_not_an_hourly_stay(tmp_path):
    from osler.ingest.physionet import read_physionet2012

    (tmp_path / "132539.txt").write_text(
        "Time,Parameter,Value\n00:00,RecordID,132539\n00:00,Age,54\n00:00,Gender,0\n"
        "00:00,Height,-1\n00:00,ICUType,4\n00:00,Weight,-1\n00:07,GCS,15\n00:37,HR,72\n")
    (record,) = read_physionet2012(tmp_path)
    assert icu_stays(record) == []
