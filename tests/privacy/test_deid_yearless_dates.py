"""A date written without its year moves by the same days as the same date with its year."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid.dates import shift_date_text
from osler.privacy.deid.text import deidentify_text

KEY = DeidKey(b"yearless date tests, 32 bytes ok")


def _patient_with_feb_crossing_shift() -> tuple[str, timedelta]:
    """A made-up patient whose shift moves March 5 back past the end of February."""
    for i in range(500):
        shift = KEY.date_shift(f"pt-{i}")
        if -360 < shift.days < -5:
            return f"pt-{i}", shift
    raise AssertionError("no such patient")


def test_a_yearless_date_keeps_its_interval_to_the_same_date_with_a_year():
    patient, shift = _patient_with_feb_crossing_shift()
    out = deidentify_text("Admitted 3/5/2021. On 3/5 pt was febrile. Seen again 3/10.", KEY,
                          patient=patient, tagger=None).text
    full, short, later = re.findall(r"\d{1,2}/\d{1,2}(?:/\d{4})?", out)
    moved = date(2021, 3, 5) + shift
    assert full == f"{moved.month}/{moved.day}/{moved.year}"
    assert short == f"{moved.month}/{moved.day}"
    later_moved = date(2021, 3, 10) + shift
    assert later == f"{later_moved.month}/{later_moved.day}"


def test_the_year_of_the_notes_full_date_is_used_even_when_it_is_a_leap_year():
    patient, shift = _patient_with_feb_crossing_shift()
    out = deidentify_text("Seen March 5 again, first seen 3/5/2020.", KEY, patient=patient,
                          tagger=None).text
    moved = date(2020, 3, 5) + shift
    assert out.startswith(f"Seen {moved.strftime('%B')} {moved.day} again")


@pytest.mark.parametrize("days", [-1, -7, -30, -200, 3, 40])
def test_without_a_full_date_a_common_year_is_assumed(days):
    shift = timedelta(days=days)
    moved = date(2021, 3, 5) + shift
    assert shift_date_text("3/5", shift) == f"{moved.month}/{moved.day}"


def test_february_29_without_a_year_is_still_a_date():
    assert shift_date_text("2/29", timedelta(days=1)) == "3/1"
    assert shift_date_text("2/29", timedelta(days=1), year=2021) == "3/1"
    assert shift_date_text("Feb 29", timedelta(days=-1)) == "Feb 28"
