"""A value shaped like a date that is not one (a 30 February, a month 13) cannot be shifted;
it must not come out as it went in. FHIR keeps it to the day, month or year that is valid
(shifted as a partial date, counted), DICOM empties a DA and cuts a DT to its valid precision
(counted), text tags it or, written day first, shifts it. All values are made up."""

from __future__ import annotations

import json
import warnings
from collections import Counter
from datetime import date

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_text
from osler.privacy.deid.ages import over_89_birth_year
from osler.privacy.deid.fhir_dates import INVALID_DATE, NOT_A_DATE, shift_date, valid_part

KEY = DeidKey(b"invalid dates secret, 32 bytes!!")
SHIFT = KEY.date_shift("p1")


def _observation(value: str) -> dict:
    return {"resourceType": "Observation", "id": "o1",
            "subject": {"reference": "Patient/p1"}, "effectiveDateTime": value,
            "issued": value, "effectivePeriod": {"start": value, "end": value},
            "extension": [{"url": "http://example.org/ext", "valueDate": value}],
            "component": [{"code": {"text": "x"}, "valueDateTime": value}]}


@pytest.mark.parametrize("value, kept", [
    ("2021-02-30", "2021-02"), ("2021-04-31T10:00:00Z", "2021-04"),
    ("2021-13-01", "2021"), ("2021-00-10", "2021"), ("2021-13", "2021"),
    ("20210230", "2021-02"), ("2021-02-28T25:00:00Z", "2021-02-28"),
], ids=["feb-30", "apr-31-time", "month-13", "month-0", "year-month-13", "compact",
        "hour-25"])
def test_fhir_date_elements_keep_the_valid_precision_shifted_and_counted(value, kept):
    dropped: Counter = Counter()
    out = deidentify_bundle(_observation(value), KEY, dropped=dropped)
    values = [out["effectiveDateTime"], out["issued"], out["effectivePeriod"]["start"],
              out["effectivePeriod"]["end"], out["extension"][0]["valueDate"],
              out["component"][0]["valueDateTime"]]
    assert value not in json.dumps(out)
    for moved, bound in zip(values, ["middle", "middle", "lower", "upper", "middle", "middle"]):
        assert moved == shift_date(kept, SHIFT, bound)   # a valid FHIR date, shifted
    assert dropped[INVALID_DATE] == len(values)


def test_fhir_a_full_date_shape_in_any_element_is_not_kept_unshifted():
    resource = {"resourceType": "Basic", "id": "b1", "subject": {"reference": "Patient/p1"},
                "code": {"text": "x"}, "dateOfOnset": "2021-02-30"}   # an unknown element
    out = deidentify_bundle(resource, KEY)
    assert out["dateOfOnset"] == shift_date("2021-02", SHIFT)


def test_fhir_text_in_a_date_element_and_codes_elsewhere_are_as_before():
    resource = {"resourceType": "Basic", "id": "b1", "subject": {"reference": "Patient/p1"},
                "created": "unknown", "code": {"coding": [{"code": "20210230"}]}}
    dropped: Counter = Counter()
    out = deidentify_bundle(resource, KEY, dropped=dropped)
    # text in a date element is no date: dropped (see the test below); a code stays
    assert "created" not in out and out["code"]["coding"][0]["code"] == "20210230"
    assert not dropped[INVALID_DATE]


@pytest.mark.parametrize("value", ["14/03/2021 Marigold", "03/14/2021", "unknown"],
                         ids=["day-first-and-a-word", "month-first", "a-word"])
def test_fhir_a_date_element_holding_no_date_is_dropped_and_counted(value, tmp_path):
    dropped: Counter = Counter()
    resource = {**_observation(value), "effectiveTiming": {"event": ["2021-03-14", value]}}
    out = deidentify_bundle(resource, KEY, dropped=dropped)
    text = json.dumps(out)
    assert "Marigold" not in text and "/2021" not in text and "unknown" not in text
    assert not {"effectiveDateTime", "issued"} & out.keys() and out["effectivePeriod"] == {}
    assert "extension" not in out   # an extension left with no value goes whole (ext-1)
    assert out["effectiveTiming"]["event"] == [shift_date("2021-03-14", SHIFT)]
    assert dropped[NOT_A_DATE] == 7
    src = tmp_path / "o.json"
    src.write_text(json.dumps(_observation(value)))
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "out.json")])
    assert result.exit_code == 0, result.output
    assert f"6 {NOT_A_DATE}" in result.output and value not in result.output


@pytest.mark.parametrize("value", ["1920-02-30", "1920-13-01", "19200230"],
                         ids=["feb-30", "month-13", "compact"])
def test_an_invalid_birth_date_over_89_still_becomes_the_one_year(value):
    today = date(2026, 6, 1)
    assert over_89_birth_year(value, today) == "1936"
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": value}
    assert deidentify_bundle(patient, KEY)["birthDate"] == over_89_birth_year(value)


def test_valid_part_reads_only_dates():
    assert valid_part("2021-02-28") == "2021-02-28"
    assert valid_part("0000-01-01") is None and valid_part("last spring") is None
    assert valid_part("20210230", date_element=False) is None   # an id, outside a date


def test_cli_reports_invalid_dates_with_no_value(tmp_path):
    src = tmp_path / "obs.json"
    src.write_text(json.dumps(_observation("2021-02-30")), encoding="utf-8")
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "out.json"),
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    assert f"6 {INVALID_DATE}" in result.output and "2021-02-30" not in result.output


def _dicom(study_date: str, acquired: str, born: str):
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.PatientID = "MRN-1"
    with warnings.catch_warnings():   # pydicom warns on an invalid DA/DT
        warnings.simplefilter("ignore")
        ds.StudyDate, ds.AcquisitionDateTime, ds.PatientBirthDate = study_date, acquired, born
    return ds


def test_dicom_empties_an_invalid_da_and_cuts_a_dt_to_its_valid_precision():
    pytest.importorskip("pydicom")
    from osler.privacy.deid.dicom import INVALID_DATE as DICOM_INVALID
    from osler.privacy.deid.dicom import deidentify_dataset

    shift = KEY.date_shift("MRN-1")
    dropped: Counter = Counter()
    ds = deidentify_dataset(_dicom("20210230", "20211301101500", "19200230"), KEY,
                            dropped=dropped)
    assert ds.StudyDate == ""
    assert ds.AcquisitionDateTime == shift_date("2021", shift)
    assert ds.PatientBirthDate == f"{over_89_birth_year('1920-02-29')}0101"
    assert dropped[DICOM_INVALID] == 2
    ds = deidentify_dataset(_dicom("20210228", "20210230101500", "19800101"), KEY)
    assert ds.StudyDate == (date(2021, 2, 28) + shift).strftime("%Y%m%d")
    assert ds.AcquisitionDateTime == shift_date("2021-02", shift).replace("-", "")
    # a valid partial DT moves at its precision, as a FHIR partial date
    ds = deidentify_dataset(_dicom("20210228", "202102", "19800101"), KEY)
    assert ds.AcquisitionDateTime == shift_date("2021-02", shift).replace("-", "")


def test_dicom_directory_counts_invalid_dates_per_file(tmp_path, write_dicom):
    pydicom = pytest.importorskip("pydicom")
    from osler.privacy.deid import deidentify_dicom_dir

    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "a.dcm", "CT", "1.2.826.0.1.3680043.8.498.7", "1.2.826.0.1.3680043.8.498.7.1")
    ds = pydicom.dcmread(src / "a.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.StudyDate = "20211301"
        ds.save_as(src / "a.dcm")
        (result,) = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    assert result.error is None and result.invalid_dates == 1
    assert pydicom.dcmread(result.output).StudyDate == ""


@pytest.mark.parametrize("value", [
    "2021-02-30", "2021-13-01", "2021/13/01", "12/32/2021", "13/45/2021", "00/12/2021",
    "32.01.2021", "2021-1-32", "02-30-2021", "Feb 30, 2021",
], ids=lambda v: "shape-" + "".join("9" if c.isdigit() else c for c in v))
@pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])
def test_text_date_shapes_that_are_no_dates_are_tagged(value, tagger):
    text = f"Seen on {value} in clinic."
    for profile in ("surrogate", "tag"):
        out = deidentify_text(text, KEY, patient="p1", profile=profile, tagger=tagger).text
        assert out == "Seen on [DATE] in clinic."


@pytest.mark.parametrize("value, moved", [
    ("13/01/2021", lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}"),
    ("13-01-2021", lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}"),
], ids=["slashes", "hyphens"])
def test_text_day_first_dates_shift_in_their_own_format(value, moved):
    out = deidentify_text(f"Seen on {value}.", KEY, patient="p1", tagger=None).text
    assert out == f"Seen on {moved(date(2021, 1, 13) + SHIFT)}."


@pytest.mark.parametrize("value", ["13/45", "02/30", "12/45", "02/31/2024", "29/40"],
                         ids=lambda v: "shape-" + "".join("9" if c.isdigit() else c for c in v))
@pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])
def test_text_impossible_short_dates_are_tagged_never_shifted(value, tagger):
    for profile in ("surrogate", "tag"):
        out = deidentify_text(f"Seen on {value} in clinic.", KEY, patient="p1", profile=profile,
                              tagger=tagger).text
        assert out == "Seen on [DATE] in clinic."


@pytest.mark.parametrize("value", ["13/45", "02/30", "12/45", "2/29/2023", "2021-02-30"])
def test_shift_date_text_reads_no_real_date_into_an_impossible_one(value):
    from datetime import timedelta

    from osler.privacy.deid.dates import shift_date_text

    assert shift_date_text(value, timedelta(days=-40)) is None


@pytest.mark.parametrize("value, moved", [
    ("2019-03", lambda d: f"{d.year}-{d.month:02d}"),
    ("2019/03", lambda d: f"{d.year}/{d.month:02d}"),
    ("03/2019", lambda d: f"{d.month}/{d.year}"),
    ("31/03", lambda d: f"{d.day:02d}/{d.month:02d}"),
], ids=["year-month", "year-month-slash", "month-year", "day-first-short"])
def test_text_partial_and_day_first_dates_shift_by_the_patients_offset(value, moved):
    day = 31 if value == "31/03" else 15
    year = 2001 if value == "31/03" else 2019   # no year written: a common year
    text = f"Seen on {value}. Seen again on {value}."
    out = deidentify_text(text, KEY, patient="p1", tagger=None).text
    shifted = moved(date(year, 3, day) + SHIFT)
    assert out == f"Seen on {shifted}. Seen again on {shifted}."
    other = deidentify_text(text, KEY, patient="p2", tagger=None).text
    assert value not in other


def test_text_date_shift_keeps_intervals_across_formats():
    import re
    from datetime import datetime

    text = "Admitted 2021-03-04, CT 3/14/2021, seen 31/03/2021 and 13/04/2021."
    out = deidentify_text(text, KEY, patient="p1", tagger=None).text
    iso, us, day_first, day_first2 = re.findall(r"[\d/-]{8,10}", out)
    got = [datetime.strptime(iso, "%Y-%m-%d").date(), datetime.strptime(us, "%m/%d/%Y").date(),
           datetime.strptime(day_first, "%d/%m/%Y").date(),
           datetime.strptime(day_first2, "%d/%m/%Y").date()]
    want = [date(2021, 3, 4), date(2021, 3, 14), date(2021, 3, 31), date(2021, 4, 13)]
    assert got == [d + SHIFT for d in want]
    assert [b - a for a, b in zip(got, got[1:])] == [b - a for a, b in zip(want, want[1:])]


@pytest.mark.parametrize("text", [
    "Weaned to pressure support 15/5 overnight.", "Vent at 40% 15/10 this morning.",
    "PA pressures 32/15 to 28/11 after diuresis.", "Nurse line open 24/7.",
    "Vision 20/40 on the left.",
])
def test_text_pressures_and_ratios_are_no_day_first_dates(text):
    assert deidentify_text(text, KEY, patient="p1", tagger=None).text == text
