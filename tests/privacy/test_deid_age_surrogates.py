"""Ages over 89 become "90+", once: surrogate mode read again on its own output changes
nothing. All sentences are made up."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_notes, deidentify_text

KEY = DeidKey(b"age surrogates secret, 32 bytes!")


@pytest.mark.parametrize(("text", "once"), [
    ("She is 90+ and lives alone.", "She is 90+ and lives alone."),
    ("Pt is 92 years old.", "Pt is 90+ years."),
    ("Age: 93", "Age: 90+"),
    ("aged 96+ years", "aged 90+ years"),
])
@pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])
def test_surrogate_ages_are_idempotent(text, once, tagger):
    first = deidentify_text(text, KEY, patient="p1", tagger=tagger).text
    assert first == once
    assert deidentify_text(first, KEY, patient="p1", tagger=tagger).text == first


def test_notes_of_a_patient_keep_one_plus():
    notes = ["Mother is 94 and well.", "Mother is 90+ and well."]
    out = [d.text for d in deidentify_notes(notes, KEY, patient="p1")]
    assert out == ["Mother is 90+ and well."] * 2


def test_tag_mode_is_unchanged():
    assert deidentify_text("She is 90+ today.", KEY, profile="tag").text == "She is [AGE]+ today."
