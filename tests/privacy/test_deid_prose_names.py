"""Names in prose that shapes vouch for, found whole past the bundled tagger: "Last, First"
after a word that introduces a person, a first name with a middle initial, and an eponym's
surname after a role. All sentences and names are made up."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi

KEY = DeidKey(b"prose names secret, 32 bytes!!!!")


def _tagged(text: str) -> str:
    return deidentify_text(text, KEY, patient="p1", profile="tag").text


@pytest.mark.parametrize(("text", "name"), [
    ("Patient QUIMBY, ROSALIND seen this morning.", "QUIMBY, ROSALIND"),
    ("Patient SMITH, JOHN seen.", "SMITH, JOHN"),
    # a surname that is also a word, after "Patient"
    ("Patient GREEN, MARY A seen.", "GREEN, MARY A"),
    # the tagger read this surname as a place
    ("Patient JOHNSON, MARY A seen.", "JOHNSON, MARY A"),
    ("Pt Thistlewood, Rosalind seen in clinic.", "Thistlewood, Rosalind"),
    ("Spoke with Mrs. PENNYWHISTLE, EDNA about the plan.", "PENNYWHISTLE, EDNA"),
])
def test_last_comma_first_in_prose_is_a_name_whole(text, name):
    spans = detect_phi(text)
    parts = name.split(", ")
    assert [(text[s.start:s.end], s.type) for s in spans] == [(p, "NAME") for p in parts]
    assert _tagged(text) == text.replace(name, "[NAME], [NAME]")


@pytest.mark.parametrize("text", [
    "Pupils PERL, MAE, purposeful.",
    "Patient alert, oriented, calm.",
    "Pt stable, Will follow up tomorrow.",
])
def test_clinical_lists_with_commas_are_no_names(text):
    assert [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"] == []


@pytest.mark.parametrize(("text", "name"), [
    ("Patient John B. Carter was seen.", "John B. Carter"),
    ("Alice B. Carter, RN", "Alice B. Carter"),
    ("Discussed with Rosalind K Foley at the bedside.", "Rosalind K Foley"),
])
def test_a_middle_initial_keeps_the_surname_in_the_name(text, name):
    spans = detect_phi(text)
    assert name in [text[s.start:s.end] for s in spans if s.type == "NAME"]
    assert _tagged(text) == text.replace(name, "[NAME]")
