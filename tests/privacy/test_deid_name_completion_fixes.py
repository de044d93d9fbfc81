"""Ward nouns after "Patient", medical eponyms opening a sentence, and clinical words next to a
name are no one's name: a name is not widened over them, and a service or ward word the tagger
ran a name over is cut off the name's end. All sentences and names are made up."""

from __future__ import annotations

import pytest

from osler.privacy.deid import detect_phi

TAGGERS = pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])


def _names(text: str, tagger) -> list[str]:
    return [text[s.start:s.end] for s in detect_phi(text, tagger=tagger) if s.type == "NAME"]


PATIENT_NOUNS = ["Portal", "Kardex", "Whiteboard", "Wristband", "Huddle", "Weights", "Acuity",
                 "Armband", "Lift", "Hoyer", "Flowsheet", "Handout"]


@TAGGERS
@pytest.mark.parametrize("noun", PATIENT_NOUNS)
def test_a_ward_noun_after_patient_is_no_name(noun, tagger):
    assert _names(f"Patient {noun} was updated.", tagger) == []


@TAGGERS
def test_patient_relations_is_no_name(tagger):
    assert _names("Spoke to Patient Relations re: concerns.", tagger) == []
    assert _names("Patient Relations re: billing.", tagger) == []


EPONYM_OPENINGS = ["Osgood Schlatter evaluated.", "Tietze Syndrome evaluated.",
                   "Boerhaave Syndrome evaluated.", "Osler Node seen.", "Janeway Lesions seen.",
                   "Koplik Spots seen.", "Bitot Spots seen.", "Brushfield Spots seen.",
                   "Auer Rods seen on smear.", "Cheyne Stokes seen overnight.",
                   "MacConkey Agar seen on micro.", "Dix Hallpike evaluated."]


@TAGGERS
@pytest.mark.parametrize("text", EPONYM_OPENINGS, ids=range(len(EPONYM_OPENINGS)))
def test_an_eponym_opening_a_sentence_is_no_name(text, tagger):
    # the rules alone still take "Stokes" of "Cheyne Stokes" for a surname (as before the
    # opening rule); the eponym is never found or widened as a two-word name
    names = _names(text, tagger)
    assert all(" " not in name for name in names)
    if tagger is not None:
        assert names == []


NEXT_TO_NAME = ["Trop", "Esrd", "Tearful", "Dpoa", "Neph", "Gastro", "Ivc", "Avf", "Mondays",
                "Overnights", "Nsgy", "Spots", "Pgy", "Vanc", "Levo", "Bicarb", "Tte", "Ipr",
                "Tox", "Bilat", "Lle", "Rue", "Lue"]


@TAGGERS
@pytest.mark.parametrize("word", NEXT_TO_NAME)
def test_a_name_is_not_widened_over_a_clinical_word(word, tagger):
    text = f"Spoke with Marigold Wei {word} today."
    assert all(word not in name for name in _names(text, tagger))
    assert any("Wei" in name for name in _names(text, tagger))


TRAILING = ["Cardiology", "Nephrology", "Ortho", "Radiology", "Cards", "Neph", "Echo", "Picc",
            "Monday"]


@TAGGERS
@pytest.mark.parametrize("word", TRAILING)
def test_a_service_word_after_a_titled_name_is_cut_off(word, tagger):
    text = f"Dr. Quimby {word} will follow."
    names = _names(text, tagger)
    assert names == ["Quimby"]


@TAGGERS
@pytest.mark.parametrize("text", ["Mr. Quenington Afebrile overnight.",
                                  "Mr. Quenington Full Code."], ids=["afebrile", "full-code"])
def test_a_clinical_word_after_a_titled_name_is_cut_off(text, tagger):
    assert _names(text, tagger) == ["Quenington"]


@TAGGERS
@pytest.mark.parametrize("text", ["Spoke to Patient Thistlebrook re: labs.",
                                  "Zorblatt Quenington seen today.",
                                  "Call Marigold Wei at 617-555-0192."],
                         ids=["patient-title", "opening", "call-at"])
def test_names_are_still_found(text, tagger):
    assert _names(text, tagger)


@TAGGERS
@pytest.mark.parametrize("surname", ["Foley", "Pool", "Swan"])
def test_a_listed_surname_after_a_first_name_is_kept(surname, tagger):
    # a surname that is also a ward word stays part of the name: privacy first
    text = f"Discussed with Dr. Marigold {surname} today."
    assert any(surname in name for name in _names(text, tagger))


@TAGGERS
def test_a_ward_word_after_initials_is_the_surname(tagger):
    assert _names("Dr. A. Monday saw pt.", tagger) == ["A. Monday"]
