"""Names in form fields, after "Dr. Surname," and in upper case inside prose (all made up)."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi

KEY = DeidKey(b"unit-test secret, thirty-two b.!")


def _names(text):
    return [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"]


def _covered(text, word):
    """Whether some NAME span covers every character of ``word`` in ``text``."""
    at = text.index(word)
    return any(s.type == "NAME" and s.start <= at and at + len(word) <= s.end
               for s in detect_phi(text))


@pytest.mark.parametrize("text, words", [
    ("Patient: OKONKWO-BRANDT, TEODORA  MRN: 4455667  DOB: 03/14/1951",
     ["OKONKWO-BRANDT", "TEODORA"]),
    ("PATIENT NAME: WRZESNIEWSKI, ALOJZY B\nAGE: 71", ["WRZESNIEWSKI", "ALOJZY"]),
    ("Patient Name: Wrzesniewski, Alojzy B.\nAttending: Fenwick-Ostrowska",
     ["Wrzesniewski", "Alojzy", "Fenwick-Ostrowska"]),
    ("Name: zebulon quackenbush\nSex: M", ["zebulon", "quackenbush"]),
    ("MRN: 55120   Patient: Quillon Abernathy-Vos   Unit: 4W", ["Quillon", "Abernathy-Vos"]),
    ("Electronically signed by: Quillon Abernathy-Vos, MD", ["Quillon", "Abernathy-Vos"]),
    ("Dictated by: Hallgrimsdottir\n", ["Hallgrimsdottir"]),
    ("Emergency Contact: Marisol Quintanilla-Reyes (daughter) 617-555-0199",
     ["Marisol", "Quintanilla-Reyes"]),
    ("cc: Dr. Pemberton; Harriet Voss", ["Pemberton", "Harriet", "Voss"]),
    ("Next of kin: Ottoline Brackenbury", ["Ottoline", "Brackenbury"]),
])
def test_the_value_of_a_person_field_is_a_name_in_any_casing(text, words):
    for word in words:
        assert _covered(text, word), word


@pytest.mark.parametrize("text", [
    "Patient: alert, oriented x3.",
    "Pt: resting comfortably, no distress",
    "Patient: 67 year old male",
    "Name: unknown",
    "Next of kin: brother",
    "Attending: present for the key portions",
    "Reviewed by: team",
])
def test_field_values_that_are_not_people_are_kept(text):
    assert _names(text) == []


@pytest.mark.parametrize("text, first", [
    ("Seen by Dr. Quimbly, Rosalind today.", "Rosalind"),
    ("DR. QUACKENBUSH, ROSALIND SAW PT", "ROSALIND"),
])
def test_a_first_name_after_a_titled_surname_and_a_comma_is_found(text, first):
    assert _covered(text, first)


@pytest.mark.parametrize("text, kept", [
    ("Dr. Smith, MD saw pt.", "MD"),
    ("Dr. Jones, cardiology, agrees.", "cardiology"),
    ("Reported to Dr. Quimbly, Esmolol stopped at 0500.", "Esmolol"),
])
def test_what_follows_a_titled_surname_and_a_comma_is_otherwise_kept(text, kept):
    assert not _covered(text, kept)


def test_an_upper_case_surname_after_an_upper_case_first_name_in_prose_is_found():
    text = "Spoke with daughter ZENOBIA KRATZ about the plan."
    assert _covered(text, "ZENOBIA") and _covered(text, "KRATZ")
    assert "KRATZ" not in deidentify_text(text, KEY).text


def test_upper_case_ward_words_after_an_upper_case_name_are_kept():
    text = "Son at bedside; discussed with Dr. LEE ICU team at noon."
    assert _covered(text, "LEE") and not _covered(text, "ICU")
