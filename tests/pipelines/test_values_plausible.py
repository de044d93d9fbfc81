"""Readings no patient can have, icu-mortality's 48 h window, readmission's columns
(review 3, defects 3-5). Made-up stays and tables only."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _sepsis_synth import write_stays as write_psv_stays  # noqa: E402
from icu2012_factory import write_stays_2012  # noqa: E402
from tabular_synth import write_readmission  # noqa: E402

from osler.errors import DataError  # noqa: E402


def test_every_limit_names_a_physionet_variable_and_is_a_range():
    from osler.ingest._plausible import plausible_limits
    from osler.resources import load_tsv

    known = {r["variable"] for r in load_tsv("physionet/variables.tsv")}
    limits = plausible_limits()
    assert set(limits) <= known
    assert all(low < high for low, high in limits.values())
    # a heart rate, a temperature and a pH as the review wrote them are outside
    assert not limits["HR"][0] <= -50 <= limits["HR"][1]
    assert not limits["Temp"][0] <= 400 <= limits["Temp"][1]
    assert not limits["pH"][0] <= 70 <= limits["pH"][1]
    assert limits["Temp"][0] <= 30 <= limits["Temp"][1]   # deep hypothermia is no slip
    assert limits["AST"][1] == math.inf


def _set_cells(path: Path, line: int, cells: dict[str, str]) -> None:
    lines = path.read_text().splitlines()
    header = lines[0].split("|")
    row = lines[line - 1].split("|")
    for column, value in cells.items():
        row[header.index(column)] = value
    lines[line - 1] = "|".join(row)
    path.write_text("\n".join(lines) + "\n")


def test_sepsis_names_impossible_readings_and_uses_them_as_given(tmp_path):
    from osler.pipelines._sepsis_data import load_cohort

    stays = write_psv_stays(tmp_path / "s", n_stays=3, seed=4)
    before = load_cohort([stays], n_jobs=1)
    assert before.implausible == [] and before.implausible_note() == ""
    odd = sorted(stays.glob("*.psv"))[1]
    _set_cells(odd, 4, {"HR": "-50", "Temp": "400"})
    cohort = load_cohort([stays], n_jobs=1)
    notes = [note for _stay, note in cohort.implausible]
    assert notes == [f"file {odd.name} line 4: HR outside 0 to 300",
                     f"file {odd.name} line 4: Temp outside 10 to 47"]
    assert {stay for stay, _ in cohort.implausible} == {odd.stem}
    note = cohort.implausible_note()
    assert note.startswith("; 2 readings outside physiological limits, used as given (")
    assert "-50" not in note and "400" not in note
    # as given: the same stays, the same hours; the stay's features moved (not read as missing)
    assert len(cohort.meta) == len(before.meta)
    assert not np.array_equal(np.nan_to_num(cohort.X), np.nan_to_num(before.X))
    # a subset keeps the notes of its own stays only
    others = cohort.subset(set(cohort.meta["stay"]) - {odd.stem})
    assert others.implausible == []


def _append(path: Path, *rows: str) -> None:
    lines = path.read_text().splitlines()
    late = [i for i, line in enumerate(lines) if line.startswith("50:00")]
    at = late[0] if late else len(lines)
    path.write_text("\n".join(lines[:at] + list(rows) + lines[at:]) + "\n")


def test_icu_counts_impossible_readings_and_rows_after_48_hours(tmp_path):
    from osler.pipelines.icu_mortality import load_icu_mortality

    stays, outcomes = write_stays_2012(tmp_path, n=6)
    clean = load_icu_mortality([stays], outcomes)
    odd = sorted(stays.glob("*.txt"))[2]
    _append(odd, "47:00,HR,-50", "47:00,Temp,400", "47:30,pH,70")
    d = load_icu_mortality([stays], outcomes)
    assert len(d.ids) == 6 and d.skipped == []
    note = d.read_note()
    # every made-up stay has one HR row at 50:00: six stays, six rows, each named
    assert "6 stays with rows after 48 h, ignored (6 rows) (file set-x/" in note
    assert f"RecordID {odd.stem}: 1 row after 48 h" in note
    assert "3 readings outside physiological limits, used as given (" in note
    assert f"file set-x/{odd.name} line " in note and ": pH outside 6 to 8" in note
    readings = note.split("used as given (", 1)[1]   # named, never the values
    assert readings == (f"file set-x/{odd.name} line 43: HR outside 0 to 300; file set-x/"
                        f"{odd.name} line 44: Temp outside 10 to 47; file set-x/{odd.name} "
                        "line 45: pH outside 6 to 8)")
    row = list(d.ids).index(odd.stem)   # used as given, not read as missing
    assert d.X[row, list(d.names).index("pH__max")] == 70
    assert d.X[row, list(d.names).index("HR__min")] == -50
    assert not any("outside" in w for w in clean.warnings)


def test_icu_a_stay_measured_only_after_48_hours_is_skipped_with_its_reason(tmp_path):
    from osler.pipelines.icu_mortality import load_icu_mortality

    stays, outcomes = write_stays_2012(tmp_path, n=6)
    late = sorted(stays.glob("*.txt"))[0]
    rid = late.stem
    late.write_text(f"Time,Parameter,Value\n00:00,RecordID,{rid}\n00:00,Age,70\n"
                    "00:00,Gender,1\n00:00,Weight,80\n49:00,HR,90\n50:00,GCS,15\n")
    d = load_icu_mortality([stays], outcomes)
    assert rid not in set(d.ids) and len(d.ids) == 5
    assert (str(stays), f"file set-x/{late.name}, RecordID {rid}: stay has no measurement in "
                        "the first 48 h (2 after, ignored); nothing to predict from") in d.skipped
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / late.name).write_text(late.read_text())
    with pytest.raises(DataError, match="first problem: file .*: stay has no measurement in "
                                        "the first 48 h"):
        load_icu_mortality([alone], outcomes)


def _table(tmp_path: Path, n: int = 40) -> pd.DataFrame:
    return pd.read_csv(write_readmission(tmp_path / "r", n=n, seed=2), dtype=str)


def _load(tmp_path: Path, frame: pd.DataFrame, name: str = "enc.csv"):
    from osler.pipelines.readmission import load_readmission

    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path, load_readmission([path])


def test_readmission_refuses_an_unknown_column_by_name(tmp_path):
    frame = _table(tmp_path)
    frame["foo"] = "1"
    with pytest.raises(DataError, match=r"enc.csv line 1: unknown column 'foo'"):
        _load(tmp_path, frame)
    # the table's own columns the task does not read are no problem
    frame = frame.drop(columns="foo").assign(weight="?", acarbose="No")
    _path, d = _load(tmp_path, frame)
    assert len(d.ids) > 0


def test_readmission_names_the_required_columns_missing(tmp_path):
    frame = _table(tmp_path).drop(columns=["diag_2", "diag_3"])
    with pytest.raises(DataError, match=r"enc.csv line 1: missing columns \['diag_2', "
                                        r"'diag_3'\]"):
        _load(tmp_path, frame)


def test_readmission_reads_impossible_ages_and_counts_as_missing_naming_line(tmp_path):
    frame = _table(tmp_path)
    frame.loc[3, "age"] = "[200-210)"
    frame.loc[5, "num_medications"] = "-4"
    frame["discharge_disposition_id"] = "1"   # no row left out by the cohort
    path, d = _load(tmp_path, frame)
    assert d.impossible == [f"file {path} line 5: age is no band '[0-10)' to '[110-120)'",
                            f"file {path} line 7: num_medications is negative"]
    assert "2 impossible values read as missing" in d.read_note()
    names = list(d.names)
    assert np.isnan(d.X[3, names.index("age_decade")])
    assert np.isnan(d.X[5, names.index("num_medications")])
    assert d.attributes["age band"][3] == "unknown"
    assert not np.isnan(d.X[4, names.index("age_decade")])


def test_readmission_warns_of_a_feature_missing_in_every_row(tmp_path):
    frame = _table(tmp_path)
    frame["diag_3"] = "?"
    frame["payer_code"] = "?"   # often unrecorded: no warning
    path, d = _load(tmp_path, frame)
    assert d.warnings == [f"diag_3 is missing in all {len(d.ids)} rows of {path} (read as "
                          "unrecorded for every encounter)"]
    assert "diag_3 is missing in all" in d.read_note()
    assert d.impossible == []
