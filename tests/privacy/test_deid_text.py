from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osler.errors import DataError
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.deid.patterns import find_patterns

KEY = DeidKey(b"unit-test secret, thirty-two b.!")

NOTE = ("Mr. Quimby was seen 3/14/2019 by Dr. Przybylo. His wife Janet (617-555-0199) "
        "called; email jq@example.com. MRN 00482913. Transferred to Lochmoor Hospital. "
        "He is 93 yo. See https://portal.example.org/x and 10.0.0.12.")


def _found(text):
    return {(text[s.start:s.end], s.type) for s in detect_phi(text)}


def test_each_identifier_type_is_found():
    found = _found(NOTE)
    for expected in [("Quimby", "NAME"), ("3/14/2019", "DATE"), ("Przybylo", "NAME"),
                     ("Janet", "NAME"), ("617-555-0199", "PHONE"), ("jq@example.com", "EMAIL"),
                     ("00482913", "ID"), ("Lochmoor", "LOCATION"), ("93 yo", "AGE"),
                     ("https://portal.example.org/x", "URL"), ("10.0.0.12", "IP")]:
        assert expected in found, expected


def test_clinical_words_are_kept():
    text = "Motor strength 5/5. CPAP 5/5 overnight. No rales, no edema. BP 120/80."
    assert detect_phi(text) == []


def test_offsets_refer_to_the_original_text_and_surrogates_replace_them():
    out = deidentify_text(NOTE, KEY, patient="p1")
    for name in ("Quimby", "Przybylo", "Janet", "617-555-0199", "jq@example.com", "Lochmoor"):
        assert name not in out.text
    assert [NOTE[s.start:s.end] for s in out.phi][:2] == ["Quimby", "3/14/2019"]
    moved = date(2019, 3, 14) + KEY.date_shift("p1")
    assert f"{moved.month}/{moved.day}/{moved.year}" in out.text


def test_tag_profile_and_bad_profile():
    out = deidentify_text("Seen by Dr. Osler on 3/14/2019.", KEY, profile="tag")
    assert out.text == "Seen by Dr. [NAME] on [DATE]."
    with pytest.raises(DataError, match="'profile' parameter must be one of"):
        deidentify_text("x", KEY, profile="mask")


words = st.sampled_from(["pt", "stable", "no", "fever", "seen", "by", "Dr.", "Osler", "wife",
                         "Janet", "call", "617-555-0142", "on", "3/14/2019", "12/2", "at",
                         "Quimby", "email", "a.b@example.org", "MRN", "1234567", ",", ".",
                         "\nPatient:", "\nName:", "daughter", "ZENOBIA", "KRATZ", "Rosalind",
                         "\n"])
notes = st.lists(words, min_size=1, max_size=25).map(" ".join)
prop = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@prop
@given(notes)
def test_deid_is_idempotent(note):
    once = deidentify_text(note, KEY, profile="tag").text
    assert deidentify_text(once, KEY, profile="tag").text == once


@prop
@given(notes)
def test_no_pattern_detectable_identifier_is_left(note):
    out = deidentify_text(note, KEY, profile="tag").text
    assert list(find_patterns(out)) == []


@prop
@given(st.dates(date(1950, 1, 1), date(2040, 12, 31)), st.integers(0, 2000),
       st.sampled_from(["p1", "p2", "p3"]))
def test_date_intervals_are_kept(first, gap_days, patient):
    second = first + timedelta(days=gap_days)
    note = f"Admitted {first.month}/{first.day}/{first.year}, discharged " \
           f"{second.month}/{second.day}/{second.year}."
    out = deidentify_text(note, KEY, patient=patient).text
    got = [date(int(y), int(m), int(d)) for m, d, y in re.findall(r"(\d+)/(\d+)/(\d{4})", out)]
    assert len(got) == 2
    assert got[1] - got[0] == second - first
    assert got[0] - first == KEY.date_shift(patient)


def test_vehicle_device_and_zip_identifiers():
    text = ("Lives in Worcester, MA 01605. Pacemaker serial number PX12345-B. "
            "Car VIN 1HGCM82633A004352. Upper plate remains secure.")
    assert _found(text) >= {("01605", "LOCATION"), ("PX12345-B", "ID"),
                            ("1HGCM82633A004352", "ID")}
    assert not any(value == "remains" for value, _ in _found(text))


def test_a_licence_plate_after_its_state_is_an_identifier():
    text = "Car plate MA 4AB123 in lot B; plate: NY ABC1234 towed. Plate is ready 4 pm."
    assert _found(text) >= {("4AB123", "ID"), ("ABC1234", "ID")}
    assert not any(value in ("is", "ready") for value, _ in _found(text))


def test_a_first_name_surrogate_keeps_the_names_gender():
    import importlib

    from osler.privacy.deid.surrogates import surrogate

    person = importlib.import_module("faker.providers.person.en_US").Provider
    female, male = set(person.first_names_female), set(person.first_names_male)
    key = DeidKey(b"k" * 32)
    for original, own, other in (("John", male, female), ("Mary", female, male),
                                 ("Robert", male, female), ("Linda", female, male)):
        replaced = surrogate(key, "NAME", original, timedelta(0))
        assert replaced in own and replaced not in other
        assert surrogate(key, "NAME", original, timedelta(0)) == replaced  # keyed, stable


@pytest.mark.parametrize("text, found", [
    ("92 F presents with cough.", ("92", "AGE")),
    ("Pt, 91, lives alone.", ("91", "AGE")),
    ("Account no. 12-3456-78 on file.", ("12-3456-78", "ID")),
    ("Cert #: MA-1234567 issued.", ("MA-1234567", "ID")),
    ("Lives in 02115 area.", ("02115", "LOCATION")),
])
def test_shapes_a_review_found_missed(text, found):
    assert found in _found(text)


@pytest.mark.parametrize("text", ["45 F presents with cough.", "BP 92/60, HR 91, T 37.",
                                  "Temp 99 F at noon.", "Pt, 45, lives alone."])
def test_values_like_those_shapes_are_not_phi(text):
    assert _found(text) == set()
