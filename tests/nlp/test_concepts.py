from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

NOTE = ("HISTORY OF PRESENT ILLNESS: 67 yo man with   chest pain and shortness of breath.\n"
        "Denies fever or cough.\n\n"
        "PAST MEDICAL HISTORY: Hypertension, CHF, on coumadin.\n\n"
        "FAMILY HISTORY: Mother had breast cancer.\n\n"
        "ASSESSMENT AND PLAN: Possible pneumonia. Call if fever returns.\n")


def test_spans_point_into_the_original_text(extractor):
    mentions = extractor.extract(NOTE)
    assert mentions, "the note names several lexicon concepts"
    for m in mentions:
        assert NOTE[m.start:m.end].lower() == m.text.lower()


def test_attributes_codes_and_sections(extractor):
    by_text = {(m.text.lower(), m.start): m for m in extractor.extract(NOTE)}
    got = {t: m for (t, _), m in sorted(by_text.items(), key=lambda kv: kv[0][1])}
    assert got["chest pain"].coding.code == "29857009"
    assert got["cough"].assertion.negation == "Negated"
    assert got["hypertension"].assertion.temporality == "Historical"
    assert got["hypertension"].section == "past_medical_history"
    assert got["breast cancer"].assertion.experiencer == "Other"
    assert got["breast cancer"].coding.code == "254837009"   # the site, not "cancer" alone
    assert got["pneumonia"].assertion.negation == "Possible"
    assert got["coumadin"].category == "medication" and got["coumadin"].coding.code == "11289"
    fevers = [m for (t, _), m in by_text.items() if t == "fever"]
    assert {m.assertion.negation for m in fevers} == {"Negated", "Affirmed"}
    assert any(m.assertion.temporality == "Hypothetical" for m in fevers)


def test_empty_note_has_no_mentions(extractor):
    assert extractor.extract("") == []


@pytest.mark.parametrize("symbol", ["😀", ":)"])
@pytest.mark.parametrize("before", ["", "HPI: seen today.\n"])
def test_a_symbol_after_a_full_stop_does_not_join_two_sentences(extractor, symbol, before):
    # PyRuSH kept both as one sentence, so 'Mother' made pneumonia's experiencer Other.
    note = f"{before}Mother had breast cancer. {symbol} No evidence of pneumonia."
    got = {m.text.lower(): m.assertion for m in extractor.extract(note)}
    assert got["breast cancer"].experiencer == "Other"
    assert (got["pneumonia"].negation, got["pneumonia"].experiencer) == ("Negated", "Patient")


def test_abbreviations_in_capitals_and_plurals_are_coded(extractor):
    text = "History of MI and DM, CKD stage 3. Fevers and two seizures. Walked 5 mi today."
    got = {m.text: m.coding.code for m in extractor.extract(text)}
    assert got == {"MI": "22298006", "DM": "73211009", "CKD": "709044004",
                   "Fevers": "386661006", "seizures": "91175000"}
