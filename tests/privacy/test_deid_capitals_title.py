"""In a note typed in capitals, "MR" or "MS" with no stop names the person after it only when
that word is a Census name no everyday, clinical or drug list holds; mitral regurgitation and
mental status stay. All names are made up."""

from __future__ import annotations

import pytest

from osler.privacy.deid import detect_phi

TAGGERS = pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])
CAPITALS = "PT RESTING COMFORTABLY. BP STABLE. NO CHANGES OVERNIGHT. "


def _names(text: str, tagger) -> list[str]:
    return [text[s.start:s.end] for s in detect_phi(text, tagger=tagger) if s.type == "NAME"]


@TAGGERS
@pytest.mark.parametrize("sentence, name", [
    ("MR BENNETT RESTLESS, REORIENTED X3.", "BENNETT"),
    ("MS HOLLOWAY CALLED, UPDATED.", "HOLLOWAY"),
])
def test_capitals_title_before_census_name(sentence, name, tagger):
    assert name in _names(CAPITALS + sentence, tagger)


@TAGGERS
@pytest.mark.parametrize("sentence", [
    "MR MODERATE ON ECHO.",
    "MR JET SEEN ON TTE.",
    "MS INTACT, MAE.",
    "MR 2+ ON TTE.",
    "MS CHANGES NOTED.",
])
def test_capitals_mitral_regurgitation_and_mental_status_name_no_one(sentence, tagger):
    assert _names(CAPITALS + sentence, tagger) == []


def test_title_with_stop_in_mixed_case_unchanged():
    text = "Pt comfortable overnight. Mr Bennett called with questions."
    assert _names(text, None) == ["Bennett"]


@TAGGERS
@pytest.mark.parametrize("sentence, name", [
    ("SOCIAL WORK TO CALL HELEN ANN QUENBY\n\n", "HELEN ANN QUENBY"),
    ("CALLED MARY LEE THORNBECK, UPDATED.", "MARY LEE THORNBECK"),
])
def test_capitals_first_middle_and_unlisted_surname(sentence, name, tagger):
    assert name in _names(CAPITALS + sentence, tagger)


@TAGGERS
@pytest.mark.parametrize("sentence, kept", [
    ("SPOKE WITH KAREN ANN TODAY.", "TODAY"),
    ("CALLED KAREN ANN FURO.", "FURO"),
    ("CALLED MARY ANN HOSPITAL.", "HOSPITAL"),
    ("KAREN MAY RETURN.", "RETURN"),
])
def test_capitals_middle_name_never_takes_a_word(sentence, kept, tagger):
    assert not any(kept in name for name in _names(CAPITALS + sentence, tagger))


@TAGGERS
@pytest.mark.parametrize("sentence, place", [
    ("Pt sent over from RI Hospital this evening.", "RI"),
    ("Transferred to NJ Hospital for care.", "NJ"),
])
def test_state_code_before_hospital_is_a_place(sentence, place, tagger):
    assert (place, "LOCATION") in [(sentence[s.start:s.end], s.type)
                                   for s in detect_phi(sentence, tagger=tagger)]


@TAGGERS
@pytest.mark.parametrize("sentence", [
    "PT CAME TO OR HOSPITAL FLOOR AFTER CASE.",
    "Records faxed from MD office.",
    "Seen by MD at hospital.",
])
def test_state_code_as_word_is_no_place(sentence, tagger):
    assert [s for s in detect_phi(sentence, tagger=tagger) if s.type == "LOCATION"] == []
