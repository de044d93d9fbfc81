from __future__ import annotations

import zipfile

import pytest

from osler.errors import IngestError
from osler.ingest import read_physionet2012, read_physionet2019
from osler.ingest.physionet import PSV_COLUMNS
from osler.record import Observation

HEADER = "|".join(PSV_COLUMNS)


def _row(hour: int, hr: str = "80", label: int = 0) -> str:
    cells = {c: "NaN" for c in PSV_COLUMNS}
    cells.update(HR=hr, Age="65", Gender="1", Unit1="1", Unit2="0", HospAdmTime="-1.5",
                 ICULOS=str(hour), SepsisLabel=str(label), Lactate="2.1" if hour == 2 else "NaN")
    return "|".join(cells[c] for c in PSV_COLUMNS)


def _stay(path, rows):
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def test_psv_stay_becomes_relative_observations_and_labels(tmp_path):
    _stay(tmp_path / "syn001.psv", [_row(1), _row(2), _row(3, label=1)])
    (rec,) = read_physionet2019(tmp_path)
    hr = [e for e in rec.events if isinstance(e, Observation) and e.coding.code == "8867-4"]
    assert [e.offset.total_seconds() / 3600 for e in hr] == [1, 2, 3]
    assert all(e.time is None for e in rec.events)  # no invented absolute times
    assert [lab.value for lab in rec.labels] == [0, 0, 1]
    assert not any(e.coding and "Sepsis" in (e.coding.code or "") for e in rec.events)
    assert rec.sex == "male" and rec.of_kind("encounter")[0].unit == "MICU"


@pytest.mark.parametrize("rows, reason", [
    ([_row(1), _row(2, hr="fast")], "must be numeric"),
    ([_row(2), _row(1)], "ICULOS must increase"),
    ([], "no rows"),
    ([_row(1), _row(2, hr="inf")], "must be a finite number"),
    ([_row(1), _row(2, hr="1e300")], "must be a finite number"),
    ([_row(1), _row(2, label=2)], "SepsisLabel must be 0, 1 or NaN"),
    ([_row(1), _row("NaN")], "ICULOS (the hour of the stay) is missing"),
    ([_row(0.5), _row(1), _row(1.5)], "ICULOS must be a whole number of hours"),
    ([_row(1), _row("1.0000000001"), _row(2)], "ICULOS must be a whole number of hours"),
])
def test_bad_stays_are_rejected_whole_with_line(tmp_path, rows, reason):
    _stay(tmp_path / "bad.psv", rows)
    _stay(tmp_path / "good.psv", [_row(1)])
    errors: list[IngestError] = []
    records = list(read_physionet2019(tmp_path, on_error=errors.append))
    assert [r.patient_id for r in records] == ["good"]
    assert len(errors) == 1 and reason in errors[0].reason and "bad.psv" in errors[0].file


def test_wrong_header_is_named(tmp_path):
    (tmp_path / "x.psv").write_text("HR|O2|Temp\n1|2|3\n")
    with pytest.raises(IngestError, match="header must be"):
        list(read_physionet2019(tmp_path / "x.psv"))


def test_zip_of_stays(tmp_path):
    with zipfile.ZipFile(tmp_path / "stays.zip", "w") as zf:
        for i in range(3):
            zf.writestr(f"setX/syn{i}.psv", "\n".join([HEADER, _row(1), _row(2)]))
    records = list(read_physionet2019(tmp_path / "stays.zip"))
    assert [r.patient_id for r in records] == ["syn0", "syn1", "syn2"]
    assert records[0].site == "setX"


def test_2012_stay_with_outcomes(tmp_path):
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "900001.txt").write_text(
        "Time,Parameter,Value\n00:00,RecordID,900001\n00:00,Age,70\n00:00,Gender,0\n"
        "00:00,ICUType,3\n00:00,Height,-1\n01:30,HR,88\n02:00,Lactate,3.2\n")
    (tmp_path / "Outcomes.txt").write_text(
        "RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death\n900001,15,7,5,-1,1\n")
    (rec,) = read_physionet2012(tmp_path / "set", outcomes=tmp_path / "Outcomes.txt")
    labels = {lab.name: lab.value for lab in rec.labels}
    assert labels["In-hospital_death"] == 1 and labels["SAPS-I"] == 15
    assert rec.sex == "female" and rec.of_kind("encounter")[0].unit == "MICU"
    hr = next(e for e in rec.events if e.coding.code == "8867-4")
    assert hr.offset.total_seconds() == 5400
    assert not any(e.coding.code == "8302-2" for e in rec.events)  # -1 = not recorded


def test_2012_stay_missing_from_outcomes_is_named(tmp_path):
    (tmp_path / "900002.txt").write_text("Time,Parameter,Value\n00:00,RecordID,900002\n"
                                         "00:30,HR,80\n")
    (tmp_path / "Outcomes.txt").write_text("RecordID,In-hospital_death\n1,0\n")
    with pytest.raises(IngestError, match="no row in the outcomes file"):
        list(read_physionet2012(tmp_path / "900002.txt", outcomes=tmp_path / "Outcomes.txt"))


def test_2012_outcomes_without_the_label_and_stays_without_measurements(tmp_path):
    (tmp_path / "900003.txt").write_text("Time,Parameter,Value\n00:00,RecordID,900003\n"
                                         "00:00,Age,70\n00:00,Weight,80\n")
    with pytest.raises(IngestError, match="no measurement") as err:
        list(read_physionet2012(tmp_path / "900003.txt"))
    assert err.value.file == "900003.txt"
    (tmp_path / "Outcomes.txt").write_text("RecordID,SAPS-I\n900003,2\n")
    with pytest.raises(IngestError, match="In-hospital_death column"):
        list(read_physionet2012(tmp_path / "900003.txt", outcomes=tmp_path / "Outcomes.txt"))


def _content(rec):
    return (sorted((e.coding.code, e.offset, e.value.value) for e in rec.events
                   if isinstance(e, Observation)),
            [(lab.offset, lab.value) for lab in rec.labels], rec.sex,
            rec.of_kind("encounter")[0].unit)


@pytest.mark.parametrize("variant", ["bom", "crlf", "blank-last", "blank-middle", "spaces-last",
                                     "empty-cells", "trailing-bar", "float-flags"])
def test_common_writer_habits_cost_no_stay(tmp_path, variant):
    """Files as spreadsheet tools and pandas write them read as the clean file does."""
    clean = [HEADER, _row(1), _row(2), _row(3, label=1)]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "s1.psv").write_text("\n".join(clean) + "\n")
    lines = list(clean)
    if variant == "empty-cells":
        lines = [lines[0]] + [ln.replace("NaN", "") for ln in lines[1:]]
    elif variant == "trailing-bar":
        lines = [ln + "|" for ln in lines]
    elif variant == "float-flags":
        lines = [lines[0]] + [ln.replace("|1|1|0|", "|1.0|1.0|0.0|") for ln in lines[1:]]
    elif variant == "blank-middle":
        lines.insert(2, "")
    text = "\n".join(lines) + "\n"
    text = {"bom": "\ufeff" + text, "crlf": text.replace("\n", "\r\n"),
            "blank-last": text + "\n", "spaces-last": text + "   \n"}.get(variant, text)
    (tmp_path / "b" / "s1.psv").write_bytes(text.encode("utf-8"))
    (good,) = read_physionet2019(tmp_path / "a")
    (odd,) = read_physionet2019(tmp_path / "b")
    assert _content(odd) == _content(good)


def test_a_stay_not_in_utf8_is_rejected_naming_its_line_and_the_others_are_read(tmp_path):
    _stay(tmp_path / "good.psv", [_row(1)])
    (tmp_path / "latin.psv").write_bytes(("\n".join([HEADER, _row(1)]) + "\n").encode()
                                         + b"\xe9\n")
    errors: list[IngestError] = []
    assert [r.patient_id for r in read_physionet2019(tmp_path, on_error=errors.append)] == [
        "good"]
    assert "not UTF-8" in errors[0].reason and errors[0].line == 3


def test_the_stay_id_is_the_file_name_without_psv_so_dotted_names_stay_apart(tmp_path):
    import gzip

    _stay(tmp_path / "p9.psv", [_row(1)])
    _stay(tmp_path / "p9.v2.psv", [_row(1), _row(2)])
    (tmp_path / "p10.psv.gz").write_bytes(gzip.compress(
        ("\n".join([HEADER, _row(1)]) + "\n").encode()))
    assert sorted(r.patient_id for r in read_physionet2019(tmp_path)) == ["p10", "p9", "p9.v2"]


def test_2012_blank_lines_a_bom_and_bad_values(tmp_path):
    stay = "\ufeffTime,Parameter,Value\n00:00,RecordID,900004\n00:30,HR,80\n\n"
    (tmp_path / "900004.txt").write_text(stay, encoding="utf-8")
    (rec,) = read_physionet2012(tmp_path / "900004.txt")
    assert rec.patient_id == "900004"
    (tmp_path / "900005.txt").write_text("Time,Parameter,Value\n00:00,RecordID,900005\n"
                                         "00:30,HR,inf\n")
    with pytest.raises(IngestError, match="finite number") as err:
        list(read_physionet2012(tmp_path / "900005.txt"))
    assert err.value.line == 3


@pytest.mark.parametrize("rows, reason", [
    ("900004,0\n900004,1\n", "RecordID repeated"),
    ("900004,7\n", "must be 0 or 1"),
])
def test_2012_outcomes_with_a_repeated_stay_or_a_label_not_0_or_1_are_refused(tmp_path, rows,
                                                                              reason):
    (tmp_path / "900004.txt").write_text("Time,Parameter,Value\n00:00,RecordID,900004\n"
                                         "00:30,HR,80\n")
    (tmp_path / "Outcomes.txt").write_text("\ufeffRecordID,In-hospital_death\n" + rows,
                                           encoding="utf-8")
    with pytest.raises(IngestError, match=reason) as err:
        list(read_physionet2012(tmp_path / "900004.txt", outcomes=tmp_path / "Outcomes.txt"))
    assert err.value.line in (2, 3)


_PHI = "John Smith DOB 1950-01-01"


@pytest.mark.parametrize("row, reason", [
    (f"{_PHI},HR,80", "Time must be HH:MM"),
    (f"00:30,HR,{_PHI}", "Value of 'HR' must be numeric"),
    (f"00:30,{_PHI},80", "Parameter must be one of the PhysioNet 2012 variables"),
    (f"00:30,{_PHI},x", "Value of a Parameter that is not a PhysioNet 2012 variable must be"),
    (f"00:30,{_PHI},inf", "Value of a Parameter that is not a PhysioNet 2012 variable must be"),
], ids=["time", "value", "parameter", "value-of-no-variable", "infinite-of-no-variable"])
def test_2012_errors_never_repeat_a_cell(tmp_path, row, reason):
    """A misplaced cell may hold a name or a date of birth: the error says where (file,
    record, line) and what is allowed, never what the cell holds."""
    (tmp_path / "900006.txt").write_text("Time,Parameter,Value\n00:00,RecordID,900006\n"
                                         f"{row}\n")
    with pytest.raises(IngestError) as err:
        list(read_physionet2012(tmp_path / "900006.txt"))
    message = str(err.value)
    assert reason in message and "line 3" in message and "record 900006" in message
    assert not any(part in message for part in ("John", "Smith", "1950", "inf"))


def test_2019_errors_never_repeat_a_cell(tmp_path):
    _stay(tmp_path / "back.psv", [_row(17), _row(15)])
    (tmp_path / "named.psv").write_text(HEADER.replace("O2Sat", _PHI) + "\n" + _row(1) + "\n")
    errors: list[IngestError] = []
    assert list(read_physionet2019(tmp_path, on_error=errors.append)) == []
    back, named = sorted(errors, key=lambda e: e.file)
    assert str(back).endswith("line 3: ICULOS must increase row by row; this row's is not "
                              "above that of line 2")
    assert "17" not in str(back) and "15" not in str(back)
    assert "cell(s) that are not column names" in str(named)
    assert "John" not in str(named) and "1950" not in str(named)


def test_2012_times_that_go_back_within_a_stay_reject_it_by_line(tmp_path):
    """The challenge's files are in time order (several rows may share a time); a stay whose
    times go back is refused whole, as a 2019 stay whose hours do not increase is."""
    head = "Time,Parameter,Value\n00:00,RecordID,{}\n"
    (tmp_path / "900007.txt").write_text(head.format(900007) + "00:30,HR,80\n00:30,Temp,37\n"
                                         "05:00,HR,90\n02:00,HR,85\n")
    (tmp_path / "900008.txt").write_text(head.format(900008) + "00:30,HR,80\n00:30,Temp,37\n")
    (tmp_path / "900009.txt").write_text(head.format(900009) + "-1:30,HR,80\n")
    errors: list[IngestError] = []
    records = list(read_physionet2012(tmp_path, on_error=errors.append))
    assert [r.patient_id for r in records] == ["900008"]
    back, negative = errors
    assert str(back).endswith("record 900007, line 6: Time must not decrease within a stay "
                              "(rows are in time order); this row's is before that of line 5")
    assert "line 3: Time must be HH:MM" in str(negative)


@pytest.mark.parametrize("cell", ["-0:30", "+1:00", "1_0:00", "00:60", "0x1:00", "1:5"])
def test_2012_a_time_is_digits_hours_and_minutes_only(tmp_path, cell):
    """int() reads "-0" as 0 (so "-0:30" was half an hour after admission), "+1" and "1_0"."""
    (tmp_path / "900010.txt").write_text(f"Time,Parameter,Value\n00:00,RecordID,900010\n"
                                         f"{cell},HR,80\n")
    with pytest.raises(IngestError, match="line 3: Time must be HH:MM"):
        list(read_physionet2012(tmp_path / "900010.txt"))


def test_iculos_is_a_whole_hour_written_as_an_integer_or_a_float(tmp_path):
    """One row per ICU hour: "3.0" is hour 3; a half hour, or 1.0000000001 beside 1 (which
    would share hour 1 with it and lose a prediction row), rejects the stay by line, and
    never echoes the cell."""
    _stay(tmp_path / "float.psv", [_row("1.0"), _row("2.0"), _row("3e0")])
    (rec,) = read_physionet2019(tmp_path / "float.psv")
    assert [lab.offset.total_seconds() / 3600 for lab in rec.labels] == [1, 2, 3]
    _stay(tmp_path / "close.psv", [_row(1), _row("1.0000000001"), _row(2)])
    with pytest.raises(IngestError) as err:
        list(read_physionet2019(tmp_path / "close.psv"))
    assert err.value.line == 3 and err.value.record == "close"
    assert "1.0000000001" not in str(err.value)


@pytest.mark.parametrize("first_line", ["Smithson", "MRN0012345|Smithson|Alice",
                                        HEADER + "|Smithson", HEADER.replace("HR", "MRN0012345")])
def test_a_header_never_echoes_a_cell_that_is_no_physionet_column(tmp_path, first_line):
    """A first line of names or identifiers is named by position only; the PhysioNet columns
    it lacks may be named (they are the format's, not the file's)."""
    (tmp_path / "b.psv").write_text(first_line + "\n" + _row(1) + "\n")
    with pytest.raises(IngestError) as err:
        list(read_physionet2019(tmp_path / "b.psv"))
    message = str(err.value)
    assert err.value.line == 1 and "header must be" in message
    assert "Smithson" not in message and "MRN" not in message and "Alice" not in message
    assert "unknown column(s) at position(s)" in message or "not column names" in message


def test_files_in_hidden_folders_are_not_stays(tmp_path):
    """A notebook's .ipynb_checkpoints (or .git) holds stale copies: never read, in a folder
    or a zip, for 2019 and 2012 alike."""
    data = tmp_path / "data"
    data.mkdir()
    _stay(data / "p1.psv", [_row(1), _row(2)])
    (data / ".ipynb_checkpoints").mkdir()
    _stay(data / ".ipynb_checkpoints" / "p1.psv", [_row(1)])
    _stay(data / ".hidden.psv", [_row(1)])
    with zipfile.ZipFile(data / "more.zip", "w") as zf:
        zf.writestr("set/p2.psv", "\n".join([HEADER, _row(1)]))
        zf.writestr("set/.ipynb_checkpoints/p2.psv", "\n".join([HEADER, _row(1), _row(2)]))
        zf.writestr("./set/p3.psv", "\n".join([HEADER, _row(1)]))
    records = list(read_physionet2019(data))
    assert sorted(r.patient_id for r in records) == ["p1", "p2", "p3"]
    assert [len(r.labels) for r in records if r.patient_id == "p1"] == [2]
    old = tmp_path / "set-a"
    (old / ".git").mkdir(parents=True)
    stay = "Time,Parameter,Value\n00:00,RecordID,{}\n00:30,HR,80\n"
    (old / "900010.txt").write_text(stay.format(900010))
    (old / ".git" / "900011.txt").write_text(stay.format(900011))
    assert [r.patient_id for r in read_physionet2012(old)] == ["900010"]


def test_2012_outcomes_errors_name_the_files_own_line_past_blank_lines(tmp_path):
    (tmp_path / "900012.txt").write_text("Time,Parameter,Value\n00:00,RecordID,900012\n"
                                         "00:30,HR,80\n")
    (tmp_path / "Outcomes.txt").write_text("RecordID,In-hospital_death\n900011,0\n\n\n"
                                           "900012,0\n900013,7\n")
    with pytest.raises(IngestError, match="must be 0 or 1") as err:
        list(read_physionet2012(tmp_path / "900012.txt", outcomes=tmp_path / "Outcomes.txt"))
    assert err.value.line == 6 and err.value.record == "900013"
    (tmp_path / "Outcomes.txt").write_text("RecordID,In-hospital_death\n\n900012,0\n\n"
                                           "900012,1\n")
    with pytest.raises(IngestError, match=r"RecordID repeated \(first on line 3\)") as err:
        list(read_physionet2012(tmp_path / "900012.txt", outcomes=tmp_path / "Outcomes.txt"))
    assert err.value.line == 5


def test_2012_a_cell_over_the_csv_limit_skips_its_stay_by_line(tmp_path):
    """csv refuses a cell over 131,072 characters with _csv.Error: that was a traceback for
    the whole run; now the stay is skipped naming file and line, never the cell."""
    head = "Time,Parameter,Value\n00:00,RecordID,{}\n"
    (tmp_path / "900014.txt").write_text(head.format(900014) + "00:30,HR,80\n"
                                         '00:40,HR,"' + "x" * 140_000 + '"\n00:50,HR,81\n')
    (tmp_path / "900015.txt").write_text(head.format(900015) + "00:30,HR,80\n")
    (tmp_path / "900016.txt").write_text(head.format(900016) + "00:30,HR,8\x000\n")
    errors: list[IngestError] = []
    records = list(read_physionet2012(tmp_path, on_error=errors.append))
    assert [r.patient_id for r in records] == ["900015"]
    big, nul = errors
    assert big.line == 4 and "not readable CSV" in big.reason and "xxx" not in str(big)
    assert nul.line == 3 and nul.file.endswith("900016.txt")
    (tmp_path / "Outcomes.txt").write_text("RecordID,In-hospital_death\n\n900015,0\n"
                                           '900016,"' + "1" * 140_000 + '"\n')
    with pytest.raises(IngestError, match="not readable CSV") as err:
        list(read_physionet2012(tmp_path / "900015.txt", outcomes=tmp_path / "Outcomes.txt"))
    assert err.value.line == 4 and "111" not in str(err.value)


def test_stays_in_a_symlinked_folder_are_read_and_a_link_cycle_ends(tmp_path):
    """A site's stays linked into a data folder are stays (Path.rglob skips linked folders);
    a link back to a folder already walked adds nothing and never loops."""
    site = tmp_path / "site"
    site.mkdir()
    _stay(site / "p2.psv", [_row(1)])
    _stay(site / "p3.psv", [_row(1), _row(2)])
    data = tmp_path / "data"
    (data / "top").mkdir(parents=True)
    _stay(data / "top" / "p1.psv", [_row(1)])
    (data / "top" / "linked").symlink_to(site, target_is_directory=True)
    (site / "back").symlink_to(data, target_is_directory=True)   # a cycle through the link
    (data / "top" / ".hidden").symlink_to(site, target_is_directory=True)
    records = list(read_physionet2019(data))
    assert [r.provenance.source for r in records] == [   # sorted by the path shown
        "data/top/linked/p2.psv", "data/top/linked/p3.psv", "data/top/p1.psv"]
    icu = tmp_path / "icu"
    (icu / "real").mkdir(parents=True)
    (icu / "real" / "140001.txt").write_text("Time,Parameter,Value\n00:00,RecordID,140001\n"
                                             "00:30,HR,80\n")
    (icu / "sub").mkdir()
    (icu / "sub" / "linked").symlink_to(icu / "real", target_is_directory=True)
    assert [r.patient_id for r in read_physionet2012(icu / "sub")] == ["140001"]


_STAY_2012 = "Time,Parameter,Value\n00:00,RecordID,{}\n00:30,HR,80\n"


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-16"),
    lambda text: text.encode("latin-1") + "Smith,é\n".encode("latin-1"),
], ids=["utf-16", "latin-1"])
def test_2012_outcomes_not_in_utf8_are_refused_naming_the_file(tmp_path, encode):
    (tmp_path / "900020.txt").write_text(_STAY_2012.format(900020))
    (tmp_path / "Outcomes.txt").write_bytes(encode("RecordID,In-hospital_death\n900020,0\n"))
    with pytest.raises(IngestError, match="not UTF-8 text") as err:
        list(read_physionet2012(tmp_path / "900020.txt", outcomes=tmp_path / "Outcomes.txt"))
    assert err.value.file == "Outcomes.txt" and "Smith" not in str(err.value)


def test_2012_outcomes_gzipped_under_any_name_are_read(tmp_path):
    import gzip

    (tmp_path / "900021.txt").write_text(_STAY_2012.format(900021))
    (tmp_path / "Outcomes.txt").write_bytes(gzip.compress(b"RecordID,In-hospital_death\n"
                                                          b"900021,1\n"))
    (rec,) = read_physionet2012(tmp_path / "900021.txt", outcomes=tmp_path / "Outcomes.txt")
    assert {lb.name: lb.value for lb in rec.labels} == {"In-hospital_death": 1.0}


def test_2012_outcome_record_ids_are_read_as_the_stays_and_empty_scores_are_missing(tmp_path):
    from osler.ingest import read_outcomes_2012

    (tmp_path / "Outcomes.txt").write_text(
        "RecordID,SAPS-I,SOFA,In-hospital_death\n140000.0,12,,0\n 140001 ,,3,1\n140002,-1,4,0\n")
    rows = read_outcomes_2012(tmp_path / "Outcomes.txt")
    assert rows == {"140000": {"SAPS-I": 12.0, "SOFA": -1.0, "In-hospital_death": 0.0},
                    "140001": {"SAPS-I": -1.0, "SOFA": 3.0, "In-hospital_death": 1.0},
                    "140002": {"SAPS-I": -1.0, "SOFA": 4.0, "In-hospital_death": 0.0}}
    (tmp_path / "900022.txt").write_text(_STAY_2012.format(140000))
    (rec,) = read_physionet2012(tmp_path / "900022.txt", outcomes=tmp_path / "Outcomes.txt")
    assert rec.patient_id == "140000" and len(rec.labels) == 3
    (tmp_path / "Outcomes.txt").write_text("RecordID,SOFA,In-hospital_death\n140000,,\n")
    with pytest.raises(IngestError, match=r"line 2: In-hospital_death \(the label\) must be "
                                          "numeric"):
        read_outcomes_2012(tmp_path / "Outcomes.txt")
    (tmp_path / "Outcomes.txt").write_text("RecordID,SOFA,In-hospital_death\n140000,x,0\n"
                                           "140000.0,1,0\n")
    with pytest.raises(IngestError, match="line 2: outcome values must be numeric"):
        read_outcomes_2012(tmp_path / "Outcomes.txt")
    (tmp_path / "Outcomes.txt").write_text("RecordID,In-hospital_death\n140000,0\n140000.0,1\n")
    with pytest.raises(IngestError, match=r"line 3: RecordID repeated \(first on line 2\)"):
        read_outcomes_2012(tmp_path / "Outcomes.txt")


def test_a_blank_line_above_the_header_is_no_header_and_lines_stay_true(tmp_path):
    (tmp_path / "p1.psv").write_text("\n  \n" + "\n".join([HEADER, _row(1), _row(2)]) + "\n")
    (rec,) = read_physionet2019(tmp_path / "p1.psv")
    assert [lb.provenance.line for lb in rec.labels] == [4, 5]
    (tmp_path / "p2.psv").write_text("\n" + "\n".join([HEADER, _row(2), _row(1)]) + "\n")
    with pytest.raises(IngestError, match="ICULOS must increase") as err:
        list(read_physionet2019(tmp_path / "p2.psv"))
    assert err.value.line == 4
    (tmp_path / "p3.psv").write_text("\n\n")
    with pytest.raises(IngestError, match="got an empty file"):
        list(read_physionet2019(tmp_path / "p3.psv"))


def test_a_gzipped_stay_under_a_plain_psv_name_is_read(tmp_path):
    import gzip

    (tmp_path / "p1.psv").write_bytes(gzip.compress("\n".join([HEADER, _row(1)]).encode()))
    (rec,) = read_physionet2019(tmp_path)
    assert rec.patient_id == "p1" and len(rec.labels) == 1


def test_a_negative_iculos_hour_is_refused_by_line_and_hour_0_is_admission(tmp_path):
    _stay(tmp_path / "neg.psv", [_row(-2), _row(1)])
    with pytest.raises(IngestError, match="ICULOS must be 0 or more") as err:
        list(read_physionet2019(tmp_path / "neg.psv"))
    assert err.value.line == 2 and err.value.file == "neg.psv"
    _stay(tmp_path / "zero.psv", [_row(0), _row(1)])     # an export counting from 0
    (rec,) = read_physionet2019(tmp_path / "zero.psv")
    assert [lb.offset.total_seconds() / 3600 for lb in rec.labels] == [0, 1]
