"""PE as pulmonary embolism and CT as computed tomography (osler-concepts-4), their other
senses set aside: the physical exam ("PE: HEENT normal"), a chest tube ("CT to suction") and
cardiothoracic ("CT surgery").
A test negative in its result ("Head CT negative") was still done. All sentences are made up."""

from __future__ import annotations

import pytest

from osler.nlp.lexicon import lexicon, other_senses

pytestmark = pytest.mark.slow  # builds a medspaCy pipeline

PE, CT = "59282003", "77477000"


def _codes(extractor, text):
    return [(m.text, m.coding.code) for m in extractor.extract(text)]


def test_the_lexicon_and_its_senses_load():
    literals = {e.literal: e.coding.code for e in lexicon() if e.coding}   # classes: no code
    assert literals["pe"] == PE and literals["ct"] == CT
    assert set(other_senses()) == {"pe", "ct"}
    assert {s.sense for s in other_senses()["ct"]} == {"chest tube", "cardiothoracic (surgery)"}


@pytest.mark.parametrize("text", [
    "Admitted for PE, started on heparin.",
    "Bilateral PE seen on imaging.",
    "Concern for PE.",
])
def test_pe_is_pulmonary_embolism(extractor, text):
    assert ("PE", PE) in _codes(extractor, text)


@pytest.mark.parametrize("text", [
    "PE: HEENT normal, lungs clear.",
    "On PE, abdomen soft.",
    "PE unremarkable.",
    "Brief PE done at bedside.",
    "Physical exam (PE) was limited. PE notable for a murmur.",
])
def test_pe_as_the_physical_exam_is_set_aside(extractor, text):
    assert all(code != PE for _, code in _codes(extractor, text))


@pytest.mark.parametrize("text", [
    "Head CT obtained on arrival.",
    "CT chest with contrast ordered.",
    "CT to evaluate for abscess.",
])
def test_ct_is_computed_tomography(extractor, text):
    assert ("CT", CT) in _codes(extractor, text)


@pytest.mark.parametrize("text", [
    "CT to suction, no air leak.",
    "Chest tube (CT) in place. CT output 40 mL overnight.",
    "Left CT removed this morning.",
    "CT to water seal since noon.",
    "CT site clean and dry.",
    "CT surgery consulted for the valve.",
])
def test_ct_as_a_chest_tube_is_set_aside(extractor, text):
    assert all(code != CT for _, code in _codes(extractor, text))


@pytest.mark.parametrize("text", ["Head CT negative.", "CT was negative for PE.",
                                  "CT unremarkable."])
def test_a_test_negative_in_its_result_was_done(extractor, text):
    (ct,) = [m for m in extractor.extract(text) if m.text == "CT"]
    assert ct.assertion.negation == "Affirmed"


def test_the_finding_a_test_rules_out_stays_negated(extractor):
    pe = [m for m in extractor.extract("CT was negative for PE.") if m.text == "PE"]
    assert [m.assertion.negation for m in pe] == ["Negated"]


def test_a_test_not_done_stays_negated(extractor):
    (ct,) = [m for m in extractor.extract("Head CT not done.") if m.text == "CT"]
    assert ct.assertion.negation == "Negated"


def test_a_chest_tube_defined_in_one_paragraph_leaves_a_later_ct_scan_alone(extractor):
    text = ("Lines: chest tube (CT) to suction, CT output 40 mL.\n\n"
            "Imaging: CT head without contrast obtained.")
    codes = _codes(extractor, text)
    assert ("CT", CT) in codes
    assert sum(code == CT for _, code in codes) == 1   # the scan; the tube's CT set aside
