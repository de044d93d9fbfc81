"""The de-identification word lists have one source (vocab.py, service_words.txt) and every
user reads it, keeping its own additions as named sets."""

from __future__ import annotations

import pytest

from osler.privacy.deid import (capital_roles, dates, detect, features, fhir_patients, lexicons,
                                names, patterns, places, surrogates, text, vocab)


def test_calendar_users_read_the_shared_lists():
    assert dates._MONTHS is vocab.MONTHS
    assert patterns.MONTHS == vocab.MONTH_PATTERN
    assert text._WEEKDAYS is vocab.WEEKDAYS
    assert names._MONTH_NAMES == set(vocab.MONTHS)
    assert names._CALENDAR == set(vocab.MONTHS) | set(vocab.WEEKDAYS)
    words = set(vocab.MONTHS) | set(vocab.MONTH_ABBREVIATIONS) | set(vocab.WEEKDAYS)
    assert words <= features.public_vocabulary()
    assert words | set(vocab.WEEKDAY_ABBREVIATIONS) <= detect._DATE_WORDS


def test_month_pattern_reads_every_month_word():
    assert vocab.MONTH_PATTERN.split("|") == [*vocab.MONTHS, *vocab.MONTH_ABBREVIATIONS]
    assert dates._MONTH_NUM["sept"] == dates._MONTH_NUM["sep"] == 9


@pytest.mark.parametrize("written, moved", [("Sept 3, 2021", "September 13, 2021"),
                                            ("March 3, 2021", "March 13, 2021")])
def test_month_words_still_shift(written, moved):
    from datetime import timedelta

    assert dates.shift_date_text(written, timedelta(days=10)) == moved


def test_street_and_particle_differences_are_named():
    assert names._PARTICLES is vocab.SURNAME_PARTICLES
    assert surrogates._PARTICLES - vocab.SURNAME_PARTICLES == surrogates._JOINED_PARTICLES
    assert fhir_patients._STREET_WORDS == vocab.ADDRESS_WORDS | fhir_patients._MORE_STREET_WORDS
    assert surrogates._ADDRESS_WORDS == vocab.ADDRESS_WORDS | surrogates._MORE_ADDRESS_WORDS
    assert vocab.NOTE_STREET_TYPES <= vocab.STREET_TYPES


@pytest.mark.parametrize("line, found", [("lives at 42 Quillmoor Lane.", True),
                                         ("lives at 42 Quillmoor Terrace", True),
                                         ("LIVES AT 42 QUILLMOOR LANE", True),
                                         ("LIVES AT 42 QUILLMOOR DRIVE", False),
                                         ("lives at 42 quillmoor way", False)])
def test_street_regexes_read_the_shared_street_types(line, found):
    assert bool(places._STREET.search(line) or places._STREET_UNCASED.search(line)) is found


def test_service_lists_come_from_one_resource():
    assert places.SPECIALTIES == lexicons.specialties()
    assert places._SERVICE_WORDS == lexicons.specialties() | lexicons.department_words()
    assert detect._SERVICES == lexicons.specialties() | lexicons.service_abbreviations()
    assert {"cardiology", "prenatal"} <= places.SPECIALTIES
    assert "hepatobiliary" in places._SERVICE_WORDS and "ctsurg" in detect._SERVICES
    # the role rule's capitals list is its own, loaded once through lexicons
    assert {"aware", "bedside"} <= lexicons.capitals_clinical_words()
    assert capital_roles.capitals_clinical_words is lexicons.capitals_clinical_words
