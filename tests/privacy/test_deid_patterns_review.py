"""Identifier shapes a review of the text patterns found passing through (all made up)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.deid.dates import date_text_year, shift_date_text

KEY = DeidKey(b"patterns review secret, 32 bytes")


def _found(text):
    return [(text[s.start:s.end], s.type) for s in detect_phi(text)]


def _covered(text, value, phi_type):
    """Whether a span of ``phi_type`` covers ``value`` (the tagger may take in a state too)."""
    start = text.index(value)
    return any(s.type == phi_type and s.start <= start and start + len(value) <= s.end
               for s in detect_phi(text))


def _tagged(text):
    return deidentify_text(text, KEY, patient="p1", profile="tag").text


@pytest.mark.parametrize("text, date_text", [
    ("Admitted 14/3/21 with SOB.", "14/3/21"),
    ("Seen 25/12/20 in clinic.", "25/12/20"),
    ("Seen 14.03.21.", "14.03.21"),
    ("Seen 31.1.21 today.", "31.1.21"),
    ("Seen 2021.03.14.", "2021.03.14"),
    ("Seen 2021.3.14 today.", "2021.3.14"),
    ("Seen 2021 03 14 today.", "2021 03 14"),
    ("Seen 14 03 2021 today.", "14 03 2021"),
])
def test_day_first_and_dotted_or_spaced_dates_are_found_whole(text, date_text):
    assert (date_text, "DATE") in _found(text)
    assert date_text not in _tagged(text)


def test_a_day_first_birth_date_with_a_two_digit_year_is_found():
    assert ("14/3/61", "DATE") in _found("DOB: 14/3/61")
    assert ("14/3/31", "AGE") in _found("DOB: 14/3/31")   # born 1931: over 89


@pytest.mark.parametrize("text", ["CO/CI/SVR 3/2/1500", "BP 120/80", "ABG 7.35/45/80",
                                  "vent 14/5/40%", "version 2.13.4", "Na 135 14 1000 ml",
                                  "lytes 2021.55.14", "I/O 1500 10 20"])
def test_ratios_settings_and_numbers_are_not_these_dates(text):
    assert not [t for _, t in _found(text) if t == "DATE"]


@pytest.mark.parametrize("value, moved", [
    ("14/3/21", "24/2/21"), ("31.1.21", "11.1.21"), ("2021.03.14", "2021.02.22"),
    ("2021.3.14", "2021.2.22"), ("2021 03 14", "2021 02 22"), ("14 03 2021", "22 02 2021"),
    ("03 14 2021", "02 22 2021"), ("01APR2021", "12MAR2021"), ("4mar21", "12feb21"),
])
def test_these_dates_move_in_the_format_they_were_written_in(value, moved):
    shift = timedelta(days=-20)
    if value == "14/3/21":
        shift = timedelta(days=-18)
    assert shift_date_text(value, shift) == moved
    assert date_text_year(value) == 2021


def test_impossible_spaced_and_compact_dates_are_not_moved():
    assert shift_date_text("31FEB2021", timedelta(days=1)) is None
    assert shift_date_text("12 10", timedelta(days=1)) is None


def test_a_compact_date_is_shifted_not_tagged_in_surrogate_mode():
    out = deidentify_text("Seen 01APR2021 ok", KEY, patient="p1").text
    moved = date(2021, 4, 1) + KEY.date_shift("p1")
    assert out == f"Seen {moved.strftime('%d%b%Y').upper()} ok"


@pytest.mark.parametrize("text, value, phi_type", [
    ("Phone: 614/555-0198", "614/555-0198", "PHONE"),
    ("Patient ID: 88-2231-7", "88-2231-7", "ID"),
    ("Specimen #: S21-3345", "S21-3345", "ID"),
    ("Accession no. 21-0045", "21-0045", "ID"),
    ("ID: AB-12345", "AB-12345", "ID"),
])
def test_slashed_phones_and_hyphenated_ids_after_a_label_are_found(text, value, phi_type):
    assert (value, phi_type) in _found(text)
    assert value not in _tagged(text)


@pytest.mark.parametrize("text", ["order # 2-1000 cc given", "ID consult 2-3 weeks",
                                  "Lab 2021-0045 pending"])
def test_list_items_ranges_and_ratios_are_not_ids_or_phones(text):
    assert not [t for _, t in _found(text) if t in ("ID", "PHONE")]


@pytest.mark.parametrize("text, place", [
    ("Home: 23 Old Mill Road, Ashby Falls, Vermont 05123", "05123"),
    ("Quellbrook, Massachusetts 01103", "01103"),
    ("Vermont 05123-4455", "05123-4455"),
    ("Moved to Quellbrook, New Hampshire 03301.", "03301"),
    ("Mail to PO Box 4411, Bozeman MT 59771", "Bozeman"),
    ("Lives in Ashby Falls VT 05123.", "Ashby Falls"),
    ("MAIL TO PO BOX 4411, BOZEMAN MT 59771", "BOZEMAN"),
    ("lat/long 45.6770,-111.0429", "45.6770,-111.0429"),
    ("gps 45.6770 -111.0429 at the scene", "45.6770 -111.0429"),
    ("found at 1.2345, -5.1234", "1.2345, -5.1234"),
])
def test_zips_after_a_state_name_towns_before_a_zip_and_coordinates_are_found(text, place):
    assert _covered(text, place, "LOCATION")
    assert place not in _tagged(text)


@pytest.mark.parametrize("text", ["SG 1.0150 1.0200", "pH 7.3512 7.4011", "Texas 12345.5 mg",
                                  "at 95.1234, 10.1234"])
def test_decimals_that_are_no_coordinates_and_numbers_after_a_state_are_kept(text):
    assert not [t for _, t in _found(text) if t == "LOCATION"]


@pytest.mark.parametrize("text, age", [
    ("PT STATES HE IS NINETY TWO.", "NINETY TWO"),
    ("She is now ninety-six.", "ninety-six"),
    ("Pt is 96M with CHF.", "96"),
    ("She is 91F with CHF.", "91"),
    ("He is now 96.", "96"),
    ("Patient age: 92y", "92"),
    ("Pt (92) seen in clinic.", "92"),
])
def test_more_ways_of_telling_an_age_over_89_are_found(text, age):
    assert (age, "AGE") in _found(text)
    assert "90+" in deidentify_text(text, KEY, patient="p1").text


@pytest.mark.parametrize("text", ["HR (92) and regular", "PT (92) sec", "Pt is 101F, tylenol given",
                                  "pt is ninety percent on RA", "Pt is 96 mm", "He is 92 kg",
                                  "BP is ninety over fifty"])
def test_values_told_like_these_ages_are_kept(text):
    assert not [t for _, t in _found(text) if t == "AGE"]


@pytest.mark.parametrize("text, url, tagged", [
    ("see http://bit.ly/abc; then", "http://bit.ly/abc", "see [URL]; then"),
    ("get ftp://files.example.com/x now", "ftp://files.example.com/x", "get [URL] now"),
    ("at https://quellbrook.example.com/a?b=1.", "https://quellbrook.example.com/a?b=1",
     "at [URL]."),
    ("(www.quellbrook-clinic.org/jq)", "www.quellbrook-clinic.org/jq", "([URL])"),
])
def test_a_web_address_is_found_with_its_scheme_and_without_the_punctuation_after_it(
        text, url, tagged):
    assert (url, "URL") in _found(text)
    assert _tagged(text) == tagged


@pytest.mark.parametrize("text", ["PT/PTT 14/32 INR 1.2", "1/4 ST BETADINE to wound",
                                  "4/4 extremities warm", "MAE, 2/3 rales bilat"])
def test_clotting_times_strengths_and_shares_of_the_body_are_not_dates(text):
    assert not [t for _, t in _found(text) if t == "DATE"]


@pytest.mark.parametrize("text, date_text", [("1/4 ST elevations noted", "1/4"),
                                             ("On 1/4 ST betadine started", "1/4"),
                                             ("seen 2/3 crackles at bases", "2/3")])
def test_a_date_before_an_st_segment_or_after_a_date_cue_stays_a_date(text, date_text):
    assert (date_text, "DATE") in _found(text)


@pytest.mark.parametrize("text", ["vent 14/5/40 weaning", "AC 18/5/40 overnight",
                                  "settings: 18/5/40"])
def test_ventilator_settings_shaped_like_a_day_first_date_are_not_dates(text):
    assert not [t for _, t in _found(text) if t == "DATE"]
