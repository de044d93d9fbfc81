"""A title written twice, or a title before a clinical abbreviation, names no one.

Found by the idempotence property test (tests/privacy/test_deid_text.py) without its CI
derandomisation: "617-555-0142 Dr. Dr. pt" came out unchanged but for the phone, and its
second pass read "Dr. pt" as a doctor's name. Made-up text only.
"""

from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.keys import DeidKey

KEY = DeidKey(bytes(range(32)))


def _words(text: str) -> list[str]:
    return [text[s.start:s.end] for s in detect_phi(text)]


def test_a_repeated_title_is_not_a_name_and_the_name_after_it_is():
    assert _words("Seen by Dr. Dr. Quimby today.") == ["Quimby"]


def test_an_abbreviation_after_a_title_is_not_a_name_where_capitals_mean_something():
    assert _words("Paged Dr. pt resting.") == []
    assert _words("[PHONE] Dr. Dr. pt") == []


def test_the_property_tests_counterexample_is_idempotent():
    once = deidentify_text("617-555-0142 Dr. Dr. pt", KEY, profile="tag").text
    assert deidentify_text(once, KEY, profile="tag").text == once
