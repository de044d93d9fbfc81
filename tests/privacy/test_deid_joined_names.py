"""First names joined from two first names ("Mary-Ann", "MaryAnn", "Jean-Luc") are names,
with or without context, whole, by the rules and the bundled tagger alike; eponyms and
hyphenated clinical words are not. All sentences are made up."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.deid.detect import rule_layers

KEY = DeidKey(b"joined names secret, 32 bytes!!!")
JOINED = ["Mary-Ann", "MaryAnn", "Jean-Luc", "JeanLuc", "Jo-Beth", "Sue-Ellen"]


@pytest.mark.parametrize("name", JOINED)
@pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])
def test_a_joined_first_name_is_found_whole(name, tagger):
    text = f"Discussed the plan with {name} at the bedside today."
    spans = rule_layers(text)["rules"] if tagger is None else detect_phi(text)
    assert [text[s.start:s.end] for s in spans if s.type == "NAME"] == [name]
    out = deidentify_text(text, KEY, patient="p1", tagger=tagger).text
    assert name not in out and not any(part in out for part in ("Mary", "Luc", "Beth", "Ellen"))


@pytest.mark.parametrize("name", JOINED)
def test_a_joined_first_name_opening_a_sentence_is_found(name):
    text = f"{name} called the floor this afternoon."
    assert deidentify_text(text, KEY, patient="p1", tagger=None).text.split()[0] != name


@pytest.mark.parametrize("text", [
    "Cheyne-Stokes breathing overnight.",
    "Follow-up in clinic in two weeks.",
    "Non-Hodgkin lymphoma in remission.",
    "Well-appearing, in no distress.",
    "Uses an EpiPen and a PowerPlan order set.",
])
def test_eponyms_and_hyphenated_words_are_no_names(text):
    assert not [s for s in detect_phi(text) if s.type == "NAME"]


@pytest.mark.parametrize("word", ["Stevens-Johnson", "Cheyne-Stokes", "Guillain-Barre",
                                  "McDonald", "EpiPen", "Follow-Up", "Mary-Ann-Lou"])
def test_an_eponym_is_no_joined_first_name(word):
    from osler.privacy.deid.names import _joined_first_names

    assert not _joined_first_names(word, mixed=True)
