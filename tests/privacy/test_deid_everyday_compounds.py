"""An arrival from an everyday word shaped as a town, in a note typed all in capitals.

"PT ARRIVED FROM CARPORT" was read as a town: CARPORT ends as a town's name does ("-port") and
is in no word list. An everyday English word (Faker's public list) joined to a town's ending
is now read as an English compound, unless that word begins several listed places
("WESTPORT", "STOCKPORT" stay places). Made-up notes only."""

from __future__ import annotations

import pytest

from osler.privacy.deid import detect_phi
from osler.privacy.deid.detect import rule_layers
from osler.privacy.deid.place_words import everyday_compound


def _found(text: str, spans) -> list[str]:
    return [text[s.start:s.end] for s in spans]


@pytest.mark.parametrize("word", ["CARPORT", "PASSPORT"])
def test_an_arrival_from_an_everyday_compound_is_no_place(word):
    text = f"PT ARRIVED FROM {word} WITH FAMILY. VSS. NO COMPLAINTS. WILL MONITOR."
    assert word not in _found(text, detect_phi(text))
    assert word not in _found(text, rule_layers(text)["rules"])


@pytest.mark.parametrize("town", ["HARROWGATE", "QUELLMOOR", "WESTPORT", "STOCKPORT"])
def test_an_arrival_from_a_town_shaped_name_is_still_a_place(town):
    text = f"PT ARRIVED FROM {town} WITH FAMILY. VSS. NO COMPLAINTS. WILL MONITOR."
    assert town in _found(text, detect_phi(text))
    assert town in _found(text, rule_layers(text)["rules"])


def test_where_someone_lives_is_a_place_even_when_shaped_as_a_compound():
    text = "PT LIVES IN CARPORT WITH WIFE. VSS. WILL MONITOR."
    assert "CARPORT" in _found(text, rule_layers(text)["rules"])


def test_the_compound_test_reads_public_lists_only():
    assert everyday_compound("carport") and everyday_compound("passport")
    # a town's first word (it begins several listed places) or no everyday word: no compound
    assert not everyday_compound("westport") and not everyday_compound("springfield")
    assert not everyday_compound("harrowgate") and not everyday_compound("quellmoor")
    # too short a first part to tell ("as" + "ton")
    assert not everyday_compound("aston")
