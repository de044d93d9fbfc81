"""A name found in part is replaced whole, every mention of it too; an invisible character
does not hide one; a patient named at a sentence start before what is said of a patient is
found. All names and numbers are made up."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.deid.name_completion import find_opening_names, with_completed_names
from osler.privacy.deid.spans import PhiSpan

KEY = DeidKey(b"name completion test secret, 32b")
TAGGERS = pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])


def _names(text: str, tagger) -> list[str]:
    return [text[s.start:s.end] for s in detect_phi(text, tagger=tagger) if s.type == "NAME"]


# (note, the names it holds), each case named by its shape, never by a name
FOUND = {
    "first-name-before-a-titled-surname":
        ("Call Marigold Wei at 617.555.0192. Spoke to Ms. Wei re: labs.",
         ["Marigold Wei", "Wei"]),
    "apostrophe-surname-everywhere":
        ("MRN 42509269: Chen O'Donnell, DOB March 14, 2021. O'Donnell, Chen presented "
         "today. Call Chen O'Donnell at 617.555.0192.",
         ["Chen O'Donnell", "O'Donnell", "Chen", "Chen O'Donnell"]),
    "opening-visit-verb": ("Zorblatt Quenington seen today for follow-up.",
                           ["Zorblatt Quenington"]),
    "opening-age-sex-in-capitals": ("ZORBLATT QUENINGTON, 67M, presents with chest pain.",
                                    ["ZORBLATT QUENINGTON"]),
    "opening-is-a-nn-yo": ("Winifred Snickett is a 55 yo with CHF. MRN: 21778983.",
                           ["Winifred Snickett"]),
    "call-at-a-number": ("Call Bartholomew Quenington at (617) 555-0192.",
                         ["Bartholomew Quenington"]),
    "surname-comma-first-opening": ("Pockley, Zorblatt presented 2021-03-14.",
                                    ["Pockley", "Zorblatt"]),
    "hyphenated-surname": ("Oluwaseun Adebayo-Okafor presented with fever.",
                           ["Oluwaseun Adebayo-Okafor"]),
    "lower-case-note-after-pt": ("pt smith john c/o sob", ["smith john"]),
    "zero-width-space-between-words": ("Patient\u200bZorblatt Quenington, MRN 48213377.",
                                       ["Zorblatt Quenington"]),
    "patient-as-a-title-before-re": ("Spoke to Patient Thistlebrook re: labs on 3/14/21.",
                                     ["Thistlebrook"]),
    "mc-prefixed-surname": ("Rosalind McAllister presented today.", ["Rosalind McAllister"]),
    "census-first-name-ending-in-ed-before-dob": ("Winifred Brackenbury, DOB 03/14/1950.",
                                                  ["Winifred Brackenbury"]),
}


@TAGGERS
@pytest.mark.parametrize("note", FOUND.values(), ids=FOUND.keys())
def test_the_whole_name_and_each_mention_is_found(note, tagger):
    text, names = note
    # word by word: a name's words may be one span or two ("Chen O'Donnell")
    assert " ".join(_names(text, tagger)).split() == " ".join(names).split()


# PHI-free notes: capitalised ward words in the places a name would stand
NONE = {
    "disease-before-verb": "Diabetes Mellitus seen on imaging.",
    "device-before-verb": "Foley Catheter presented no issues.",
    "fluid": "Normal Saline given.",
    "drug-and-form": "Ativan Drip started.",
    "study-before-age-sex": "Chest X-ray, 67M, no acute process.",
    "fluid-before-verb": "Lactated Ringers presented.",
    "capitals-symptom-before-age-sex": "CHEST PAIN, 67M, SEEN TODAY.",
    "verb-before-a-word": "Discussed Pemberton plan with team.",
}


@TAGGERS
@pytest.mark.parametrize("text", NONE.values(), ids=NONE.keys())
def test_ward_words_are_no_names(text, tagger):
    assert _names(text, tagger) == []


def test_a_drug_after_a_titled_surname_is_not_taken_into_it():
    text = "Dr. Kowal Coumadin held tonight."
    assert _names(text, None) == ["Kowal"]


def test_completion_widens_over_prefix_hyphen_and_neighbours_only():
    text = "Seen with O'Donnell and Adebayo-Okafor; Call Marigold Wei today."
    spans = [PhiSpan(12, 19, "NAME"), PhiSpan(32, 38, "NAME"), PhiSpan(54, 57, "NAME")]
    assert [text[s.start:s.end] for s in with_completed_names(text, spans)] == [
        "O'Donnell", "Adebayo-Okafor", "Marigold Wei"]


def test_completion_keeps_capitals_notes_to_listed_names():
    text = "PT SEEN WITH WIFE MARY SMITH ICU"
    start = text.index("SMITH")
    spans = [PhiSpan(start, start + 5, "NAME")]
    assert [text[s.start:s.end] for s in with_completed_names(text, spans)] == ["MARY SMITH"]


def test_completion_leaves_other_types_alone():
    text = "Quenington Boston"
    spans = [PhiSpan(11, 17, "LOCATION")]
    assert with_completed_names(text, spans) == spans


def test_opening_names_need_what_is_said_of_a_patient():
    assert list(find_opening_names("Zorblatt Quenington today.")) == []
    assert list(find_opening_names("Zorblatt Quenington presented.")) == [
        PhiSpan(0, 19, "NAME")]


@TAGGERS
def test_surrogate_leaves_no_part_of_a_completed_name(tagger):
    text = ("Call Marigold Wei at 617.555.0192. Chen O'Donnell, DOB March 14, 2021; "
            "O'Donnell, Chen presented. Oluwaseun Adebayo-Okafor presented with fever.")
    out = deidentify_text(text, KEY, patient="p1", profile="surrogate", tagger=tagger).text
    for part in ("Marigold", "Wei", "Chen", "Donnell", "Oluwaseun", "Adebayo", "Okafor"):
        assert part not in out


@TAGGERS
def test_zero_width_space_inside_a_word_still_joins_it(tagger):
    text = "Dr. Quix\u200bmoor saw him."
    assert _names(text, tagger) == ["Quix\u200bmoor"]


def test_lower_case_words_after_pt_need_faker_or_first_name_lists():
    # Census surnames hold everyday words ("Hurt", "Moody"): no name here
    assert list(find_opening_names("after the fall pt hurt moody today")) == []
    assert list(find_opening_names("pt smith john c/o sob")) == [PhiSpan(3, 13, "NAME")]
