"""Dates and ages a review found left in the output, and the text near them that must stay.
All sentences are made up."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text
from osler.privacy.deid.dates import shift_date_text

KEY = DeidKey(b"fix dates secret, thirty-two b!!")
SHIFT = KEY.date_shift("p1")
TAGGERS = pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])


def _tag(text: str, tagger: str | None) -> str:
    return deidentify_text(text, KEY, patient="p1", profile="tag", tagger=tagger).text


def _surrogate(text: str, tagger: str | None) -> str:
    return deidentify_text(text, KEY, patient="p1", tagger=tagger).text


def _moved(day: date) -> date:
    return day + SHIFT


@TAGGERS
@pytest.mark.parametrize(("text", "tagged"), [
    ("Seen in clinic 3-Mar.", "Seen in clinic [DATE]."),
    ("Seen Mar '21.", "Seen [DATE]."),
    ("Inpatient from 3rd to 9th March 2021.", "Inpatient from [DATE]."),
    ("Seen March 3-5, 2021 twice.", "Seen [DATE] twice."),
    ("Admitted 3/3-3/9/2021.", "Admitted [DATE]."),
    ("Date: 20210303", "Date: [DATE]"),
    ("Date of service: 20210303.", "Date of service: [DATE]."),
    ("Visit on 20210303 went well.", "Visit on [DATE] went well."),
])
def test_dates_are_tagged_whole(text, tagged, tagger):
    assert _tag(text, tagger) == tagged


@TAGGERS
@pytest.mark.parametrize(("text", "tagged"), [
    ("HPI: 96F presenting with syncope.", "HPI: [AGE]F presenting with syncope."),
    ("96 M w/ h/o CHF", "[AGE] M w/ h/o CHF"),
    ("Age/Sex: 93/F", "Age/Sex: [AGE]/F"),
    ("The patient, who is 92, lives alone.", "The patient, who is [AGE], lives alone."),
    ("YOB 1929.", "YOB [AGE]."),
    ("b. 1930.", "b. [AGE]."),
    ("Born in 1931", "Born in [AGE]"),
    ("DOB: 19300303", "DOB: [AGE]"),
])
def test_ages_over_89_are_found(text, tagged, tagger):
    assert _tag(text, tagger) == tagged


@pytest.mark.parametrize("text", [
    "At 03:45 gave 3-5 mg, GCS 3-15, PS 14/5, BP 120/80, K 3.5, x3, 3rd degree burn, 3rd dose.",
    "Tmax 101F with chills.",
    "He who is 95.5 kg.",
    "vit b. 1200 mg daily",
    "Given 1-may be needed.",
    "Day 3 to 9 of the course.",
])
@TAGGERS
def test_nearby_text_stays(text, tagger):
    assert _tag(text, tagger) == text


@pytest.mark.parametrize("text", ["MRN: 20210303", "Order 20210303 sent.", "Lot 20211399 used."])
def test_an_eight_digit_number_without_a_date_label_is_no_date(text):
    out = _tag(text, None)
    assert "[DATE]" not in out and "[AGE]" not in out


def test_an_eight_digit_record_number_stays_an_identifier():
    assert _tag("MRN: 20210303", "bundled") == "MRN: [ID]"


def test_a_month_and_apostrophe_year_shift_together():
    moved = _moved(date(2021, 3, 15))
    assert _surrogate("Seen Mar '21.", None) == f"Seen {moved:%b} '{moved:%y}."


def test_a_day_and_month_without_a_year_shift_as_written():
    moved = _moved(date(2001, 3, 3))
    assert _surrogate("Seen in clinic 3-Mar.", None) == f"Seen in clinic {moved.day}-{moved:%b}."


@pytest.mark.parametrize(("value", "start", "end"), [
    ("3rd to 9th March 2021", date(2021, 3, 3), date(2021, 3, 9)),
    ("March 3-5, 2021", date(2021, 3, 3), date(2021, 3, 5)),
    ("3/3-3/9/2021", date(2021, 3, 3), date(2021, 3, 9)),
])
@TAGGERS
def test_a_range_moves_as_a_range(value, start, end, tagger):
    out = _surrogate(f"Inpatient {value}.", tagger)
    assert "[DATE]" not in out and value not in out
    # every day number left is a moved end of the range, none a real one
    days = {int(n) for n in re.findall(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!/\d{4})", out)
            if len(n) < 3}
    numbers = {_moved(start).day, _moved(end).day, _moved(start).month, _moved(end).month}
    assert days <= numbers
    assert str(_moved(end).year) in out


@pytest.mark.parametrize(("value", "days", "shifted"), [
    ("3rd to 9th March 2021", -2, "1st to 7th March 2021"),
    ("3rd to 9th March 2021", -5, "26th February to 4th March 2021"),
    ("March 3-5, 2021", -3, "February 28-March 2, 2021"),
    ("Dec 30-31, 2021", 1, "Dec 31, 2021-Jan 1, 2022"),
    ("3/3-3/9/2021", -2, "3/1-3/7/2021"),
])
def test_range_shapes(value, days, shifted):
    assert shift_date_text(value, timedelta(days=days)) == shifted


@pytest.mark.parametrize(("value", "shifted"), [
    ("03.03.2021", "03.01.2021"),
    ("03/05/2021", "03/03/2021"),
    ("3/14/2019", "3/12/2019"),
    ("the 3rd of March, 2021", None),
    ("3rd of March, 2021", "1st of March, 2021"),
    ("March 3rd, 2021", "March 1st, 2021"),
    ("3 March 2021", "1 March 2021"),
    ("20210303", "20210301"),
])
def test_shifted_dates_keep_their_written_form(value, shifted):
    assert shift_date_text(value, timedelta(days=-2)) == shifted


def test_an_ordinal_date_keeps_the_and_of_in_notes():
    moved = _moved(date(2021, 3, 3))
    out = _surrogate("Seen the 3rd of March, 2021.", None)
    assert re.fullmatch(rf"Seen the {moved.day}(?:st|nd|rd|th) of {moved:%B}, {moved.year}\.", out)


@TAGGERS
def test_a_compact_date_moves_in_its_compact_form(tagger):
    assert _surrogate("Date: 20210303", tagger) == f"Date: {_moved(date(2021, 3, 3)):%Y%m%d}"


@pytest.mark.parametrize("patient", ["p1", "p2", "p3"])
@pytest.mark.parametrize(("text", "long"), [("Seen Wednesday, March 3, 2021.", True),
                                            ("Seen Wed 03/03/2021.", False)])
def test_a_weekday_beside_a_date_is_the_shifted_dates(patient, text, long):
    out = deidentify_text(text, KEY, patient=patient, tagger=None).text
    moved = date(2021, 3, 3) + KEY.date_shift(patient)
    assert out.startswith(f"Seen {moved:%A}, " if long else f"Seen {moved:%a} ")


def test_an_admission_word_is_not_swallowed_by_the_date():
    text = "DOB: 04/17/1958\nAdmitted 03-Mar-2021."
    out = _tag(text, "bundled")
    assert out == "DOB: [DATE]\nAdmitted [DATE]."
    moved = _moved(date(2021, 3, 3))
    assert _surrogate(text, "bundled").endswith(f"\nAdmitted {moved:%d-%b-%Y}.")


@TAGGERS
@pytest.mark.parametrize(("text", "written"), [
    ("Born in 1931", "Born in {year}"),
    ("YOB 1929.", "YOB {year}."),
    ("DOB: 19300303", "DOB: {year}"),
    ("a 100-year-old woman", "a 90+-year-old woman"),
    ("HPI: 96F presenting with syncope.", "HPI: 90+F presenting with syncope."),
])
def test_old_ages_read_well_in_surrogates(text, written, tagger):
    # a birth date telling an age over 89 becomes the one year standing for "90 or older",
    # the year FHIR and DICOM birth dates get (ages.aggregated_birth_year)
    assert _surrogate(text, tagger) == written.format(year=date.today().year - 90)


def test_an_old_age_adjective_stays_once():
    once = _surrogate("a 100-year-old woman", None)
    assert _surrogate(once, None) == once
