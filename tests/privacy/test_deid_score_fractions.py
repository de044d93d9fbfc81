"""Scores and counts written as fractions are not dates; the same shapes as dates still are."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import detect_phi
from osler.privacy.deid.text import deidentify_text

KEY = DeidKey(b"score fraction tests, 32 bytes ok")


def _dates(text: str, tagger=None) -> list[str]:
    return [text[s.start:s.end] for s in detect_phi(text, tagger=tagger) if s.type == "DATE"]


@pytest.mark.parametrize("text", [
    "Apgars 8/9.", "Apgar scores of 8/9 at one and five minutes.", "APGARS: 7/9",
    "2/2 sets of blood cultures positive.", "1/4 bottles grew GPC.", "4/5 power in the LUE.",
    "Power 4/5 throughout.", "Sets 2/2 positive.", "GCS 3/15 on arrival.",
    "3/4 cultures negative.",
])
def test_a_score_or_count_is_not_a_date(text):
    assert _dates(text) == []
    assert deidentify_text(text, KEY, patient="pt-score", tagger=None).text == text


@pytest.mark.parametrize("text, date", [
    ("Seen 8/9 in clinic.", "8/9"), ("On 2/2 had a fever.", "2/2"),
    ("Apgars 8/9, discharged 3/5.", "3/5"), ("Blood cultures 3/5 pending.", "3/5"),
])
def test_the_same_shapes_as_dates_are_still_dates(text, date):
    assert date in _dates(text)
    assert date in _dates(text, tagger="bundled")


@pytest.mark.parametrize("text", ["Apgars 8/9. 2/2 sets of blood cultures positive.",
                                  "GCS 3/15 on arrival.", "Power 4/5 in the LUE."])
def test_scores_are_not_dates_for_the_bundled_tagger_either(text):
    assert _dates(text, tagger="bundled") == []


@pytest.mark.parametrize("text", ["Admitted 3/1/2021. On 3/5 cultures grew GPC.",
                                  "Admitted 3/1/2021. Seen on 3/5 power was 4/5."])
def test_a_date_cue_before_a_fraction_keeps_it_a_date(text):
    from osler.privacy import DeidKey
    from osler.privacy.deid import deidentify_text

    out = deidentify_text(text, DeidKey(b"score fraction secret, 32 bytes!"), patient="p1").text
    assert "3/5" not in out
