"""Pipeline-level fixes of the model CLI review: readmission's cohort exclusions are no skips;
an undecodable byte costs its row only (heart-disease, readmission); heart-disease reads .gz;
icu-mortality refuses a second, different or fractional RecordID in a stay, and names the
outcomes file that matches no stay; sepsis says why a stay with no vital or lab is skipped.
Made-up data only."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest
from tabular_synth import write_heart, write_readmission

from cli_run import run_osler
from icu2012_factory import write_stays_2012
from osler.errors import DataError

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


# ------------------------------------------------------------ readmission

@pytest.fixture(scope="module")
def readmission(tmp_path_factory):
    from osler.pipelines.readmission import TASK
    root = tmp_path_factory.mktemp("readmission-contract")
    data = write_readmission(root / "data", n=300, seed=6)
    TASK.train([data], outcomes=None, model_dir=root / "model")
    return data, root / "model"


def _with_dispositions(data, path, n=12, dead=(2, 5)):
    frame = pd.read_csv(data, dtype=str).head(n)
    frame["discharge_disposition_id"] = "1"
    frame.loc[list(dead), "discharge_disposition_id"] = "11"
    frame.to_csv(path, index=False)
    return path


def test_encounters_left_out_by_the_cohort_are_no_skip(readmission, tmp_path, capsys):
    data, model = readmission
    path = _with_dispositions(data, tmp_path / "enc.csv")
    out = tmp_path / "p.csv"
    code, err = run_osler(["predict", "readmission", "--model", str(model), "--data", str(path),
                           "--out", str(out)], capsys)
    assert code == 0                      # valid input: nothing was bad
    assert len(out.read_text().splitlines()) == 1 + 10
    assert ("2 excluded by the cohort definition: encounters discharged to death or hospice"
            in err) and "skipped" not in err
    from osler.pipelines.readmission import TASK
    summary = TASK.predict(model, path, tmp_path / "q.csv")
    assert summary.skipped == () and summary.scored == 10
    assert "0 skipped; 2 excluded by the cohort definition: encounters" in str(summary)
    # each exclusion named by file and line, apart from the skipped rows
    frame = pd.read_csv(path, dtype=str)
    d = TASK.load([path], None)
    assert list(d.excluded.values()) == [
        [f"file {path} line {n + 2}, encounter {frame.encounter_id[n]}: discharged to death or "
         "hospice" for n in (2, 5)]]


def test_a_bad_row_beside_a_cohort_exclusion_is_still_a_skip(readmission, tmp_path, capsys):
    data, model = readmission
    path = _with_dispositions(data, tmp_path / "enc.csv")
    frame = pd.read_csv(path, dtype=str)
    frame.loc[7, "num_medications"] = "many"
    frame.to_csv(path, index=False)
    code, err = run_osler(["predict", "readmission", "--model", str(model), "--data", str(path),
                           "--out", str(tmp_path / "p.csv")], capsys)
    assert code == 3
    assert f"1 of 10 rows skipped, without a prediction: file {path} line 9: " in err


def test_a_readmission_row_with_an_undecodable_byte_is_skipped_by_line(readmission, tmp_path,
                                                                       capsys):
    data, model = readmission
    raw = _with_dispositions(data, tmp_path / "plain.csv", dead=()).read_bytes().split(b"\n")
    raw[3] = raw[3].replace(b",", b",\xe9", 1)        # a Latin-1 byte in line 4's second cell
    for name, write in (("enc.csv", lambda p, b: p.write_bytes(b)),
                        ("enc.csv.gz", lambda p, b: p.write_bytes(gzip.compress(b)))):
        path = tmp_path / name
        write(path, b"\n".join(raw))
        out = tmp_path / f"{name}.out.csv"
        code, err = run_osler(["predict", "readmission", "--model", str(model), "--data",
                               str(path), "--out", str(out)], capsys)
        assert code == 3 and "UnicodeDecodeError" not in err
        assert f"file {path} line 4: a field is not UTF-8 text (an undecodable byte)" in err
        assert len(out.read_text().splitlines()) == 1 + 11


# ------------------------------------------------------------ heart-disease

def test_heart_disease_reads_gz_with_the_lines_of_the_decompressed_file(heart_model, tmp_path):
    from osler.pipelines.heart_disease import TASK
    plain = write_heart(tmp_path / "b", n=15, seed=2, site="beta")
    lines = plain.read_text().splitlines()
    plain.write_text("\n".join(lines[:4] + ["1,2,3"] + lines[4:]) + "\n")   # line 5 is bad
    packed = tmp_path / "processed.beta.data.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a = TASK.predict(heart_model, plain, tmp_path / "a.csv")
    b = TASK.predict(heart_model, packed, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    assert a.scored == b.scored == 15 and len(b.skipped) == 1
    assert b.skipped[0].startswith(f"file {packed} line 5 (row 4): 3 values")
    rows = [r.split(",")[0] for r in (tmp_path / "b.csv").read_text().splitlines()[1:]]
    assert rows[3:5] == ["3", "5"]


def test_a_heart_disease_row_with_an_undecodable_byte_is_skipped_by_line(heart_model, tmp_path,
                                                                         capsys):
    plain = write_heart(tmp_path / "b", n=15, seed=2, site="beta")
    raw = plain.read_bytes().split(b"\n")
    raw[2] = raw[2] + b"\xff"
    for path in (tmp_path / "processed.bad.data", tmp_path / "processed.bad2.data.gz"):
        data = b"\n".join(raw)
        path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
        out = tmp_path / f"{path.name}.csv"
        code, err = run_osler(["predict", "heart-disease", "--model", str(heart_model),
                               "--data", str(path), "--out", str(out)], capsys)
        assert code == 3 and "UnicodeDecodeError" not in err
        assert f"file {path} line 3 (row 2): not UTF-8 text (an undecodable byte)" in err
        rows = [r.split(",")[0] for r in out.read_text().splitlines()[1:]]
        assert rows == [str(n) for n in range(15) if n != 2]   # still the file's lines


# ------------------------------------------------------------ icu-mortality

def test_a_stay_with_a_conflicting_or_fractional_recordid_is_skipped(tmp_path):
    from osler.pipelines.icu_mortality import load_icu_mortality
    stays, outcomes = write_stays_2012(tmp_path, n=6, seed=2)
    files = sorted(stays.glob("*.txt"))
    text = files[0].read_text().splitlines()
    files[0].write_text("\n".join(text[:4] + ["00:00,RecordID,140005"] + text[4:]) + "\n")
    text = files[1].read_text().splitlines()
    files[1].write_text("\n".join([text[0], "00:00,RecordID,150000.7"] + text[2:]) + "\n")
    text = files[2].read_text().splitlines()   # the same RecordID again: no conflict
    files[2].write_text("\n".join(text[:3] + [text[1]] + text[3:]) + "\n")
    d = load_icu_mortality([stays], outcomes)
    assert sorted(d.ids) == ["140002", "140003", "140004", "140005"]   # 140005 its own stay
    reasons = [why for _f, why in d.skipped]
    assert len(reasons) == 2
    assert any(r.startswith(f"file set-x/{files[0].name}, record 140000, line 5: a second "
                            "RecordID differs from that of line 2") for r in reasons)
    assert any(r.startswith(f"file set-x/{files[1].name}, record 140001, line 2: RecordID must "
                            "be a whole number") for r in reasons)
    assert not any("150000" in r for r in reasons)   # the cell is never echoed
    # the two skipped stays' outcome rows are counted apart, as rows with no stay read
    assert [r.split(", ")[1].split(":")[0] for r in d.unmatched_outcomes] == [
        "RecordID 140000", "RecordID 140001"]


def test_outcomes_matching_no_stay_are_named(tmp_path):
    from osler.pipelines.icu_mortality import TASK
    stays, _outcomes = write_stays_2012(tmp_path / "a", n=4, seed=2)
    _other, theirs = write_stays_2012(tmp_path / "b", n=3, seed=3)
    theirs.write_text(theirs.read_text().replace("\n1400", "\n9900"))
    with pytest.raises(DataError, match=f"file {theirs}: none of its 3 RecordIDs match the 4 "
                                        "stays given"):
        TASK.train([stays], outcomes=theirs, model_dir=tmp_path / "model")
    assert not (tmp_path / "model").exists()


# ------------------------------------------------------------ sepsis

def test_a_sepsis_stay_with_no_vital_or_lab_says_so(tmp_path):
    from _sepsis_synth import write_stays

    from osler.ingest.physionet import PSV_COLUMNS
    from osler.pipelines._sepsis_data import load_cohort
    folder = write_stays(tmp_path / "stays", n_stays=3, seed=1)
    described = {"Age": "60", "Gender": "1", "Unit1": "1", "Unit2": "0", "HospAdmTime": "-3",
                 "SepsisLabel": "0"}
    rows = ["|".join(described.get(c, str(t + 1) if c == "ICULOS" else "NaN")
                     for c in PSV_COLUMNS) for t in range(8)]
    (folder / "p1.psv").write_text("|".join(PSV_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    cohort = load_cohort([folder], n_jobs=1)
    reasons = [why for _f, why in cohort.skipped]
    assert len(reasons) == 1 and "p1.psv" in reasons[0]
    assert "no vital or lab measured in any row" in reasons[0]
    assert "every column is NaN" not in reasons[0]
