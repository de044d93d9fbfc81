"""Leftovers of earlier reviews, closed (all text made up)."""

from __future__ import annotations

import re

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi

KEY = DeidKey(b"leftovers review secret 32 bytes")


def _found(text):
    return [(text[s.start:s.end], s.type) for s in detect_phi(text)]


@pytest.mark.parametrize("text, name, drug", [
    ("Seen by Dr. Kowal Coumadin was held for INR 3.2.", "Kowal", "Coumadin"),
    ("Dr. Quimby Lasix 40 IV given", "Quimby", "Lasix"),
    ("Discussed with Dr. Pemberton heparin gtt to continue", "Pemberton", "heparin"),
])
def test_a_drug_after_a_doctors_name_is_not_part_of_the_name(text, name, drug):
    found = _found(text)
    assert (name, "NAME") in found
    assert all(drug not in span for span, _type in found)


@pytest.mark.parametrize("text, place", [
    ("Moved from Kansas City 64105 last year.", "Kansas City 64105"),
    ("Lives in Boston 02115 with her son.", "Boston 02115"),
    ("Home address in Worcester, 01605-2211.", "Worcester, 01605-2211"),
])
def test_a_zip_code_after_a_place_is_part_of_the_place(text, place):
    assert (place, "LOCATION") in _found(text)
    out = deidentify_text(text, KEY, patient="p1", profile="tag").text
    assert not re.search(r"\d{5}", out)


def test_a_dose_after_a_unit_name_is_not_taken_for_a_zip_code():
    text = "Transferred to Finard ICU, heparin 10000 units given."
    assert all("10000" not in span for span, _type in _found(text))


@pytest.mark.parametrize("text", [
    "Found at 40.7128, -74.0060 by EMS.",
    "gps 45.6770 -111.0429 at the scene",
    "Picked up at 89.9999,179.9999 on the ice.",
])
def test_surrogate_coordinates_stay_in_range_and_keep_their_shape(text):
    original = re.search(r"-?\d+\.\d+,? ?-?\d+\.\d+", text).group()
    out = deidentify_text(text, KEY, patient="p1", profile="surrogate").text
    m = re.search(r"(-?\d+)\.(\d+)(,? ?)(-?\d+)\.(\d+)", out)
    assert m is not None and m.group() != original
    lat, lon = float(f"{m.group(1)}.{m.group(2)}"), float(f"{m.group(4)}.{m.group(5)}")
    assert -90 <= lat <= 90 and -180 <= lon <= 180
    o = re.fullmatch(r"(-?)\d+\.(\d+)(,? ?)(-?)\d+\.(\d+)", original)
    assert (m.group(1).startswith("-"), len(m.group(2)), m.group(3)) == (
        o.group(1) == "-", len(o.group(2)), o.group(3))
    assert m.group(4).startswith("-") == (o.group(4) == "-") and len(m.group(5)) == len(o.group(5))
    # the same place gets the same stand-in for the same patient
    assert deidentify_text(text, KEY, patient="p1", profile="surrogate").text == out


@pytest.mark.parametrize("text, name", [
    ("Can I get a refill? - Lawrence", "Lawrence"),
    ("My name is Florence Quimby", "Florence Quimby"),
    ("Subject: Clarence follow-up", "Clarence"),
])
def test_a_listed_first_name_with_a_nouns_ending_is_still_a_name(text, name):
    # "-ence", "-ance", "-ing" end clinical nouns and first names alike
    assert (name, "NAME") in _found(text)


@pytest.mark.parametrize("value, days, shifted", [
    ("12/30-12/31/2021", 1, "12/31/2021-1/1/2022"),
    ("12/30-12/31/21", 2, "1/1-1/2/22"),
    ("12/30-12/31/2021", -1, "12/29-12/30/2021"),
    ("03/14/2021", -10, "03/04/2021"),
    ("3/04/2021", -10, "2/22/2021"),
    ("3/14/2019", -10, "3/4/2019"),
])
def test_shifted_numeric_dates_keep_their_order_and_their_padding(value, days, shifted):
    from datetime import timedelta

    from osler.privacy.deid.dates import shift_date_text

    assert shift_date_text(value, timedelta(days=days)) == shifted
