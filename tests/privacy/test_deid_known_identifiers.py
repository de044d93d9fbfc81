"""The patient's own identifiers, known up front, are removed wherever they are written."""

from __future__ import annotations

from osler.privacy.deid.text import identifier_mentions


def test_identifier_offsets_hold_after_letters_whose_lower_case_is_longer():
    # "İ".lower() is two code points; offsets must still point into the original text.
    text = "İİİİ Istanbul. Ref QXJVTRW here."
    spans = identifier_mentions(text, ["QXJVTRW"])
    assert [text[s.start:s.end] for s in spans] == ["QXJVTRW"]


def test_an_identifier_with_a_dotted_capital_is_found_in_any_case():
    text = "ref İZ-4471 and iz-4471."
    spans = identifier_mentions(text, ["İZ-4471"])
    assert [text[s.start:s.end] for s in spans] == ["İZ-4471", "iz-4471"]
