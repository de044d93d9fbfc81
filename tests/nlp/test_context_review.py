"""osler-context-17: phrasing a review found misread (made-up sentences, none from the NegEx set)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # negations written after the concept
    ("stroke", "Stroke not suspected.", ("Negated", "Recent", "Patient")),
    ("sepsis", "Sepsis is not suspected.", ("Negated", "Recent", "Patient")),
    ("fever", "Fever denied.", ("Negated", "Recent", "Patient")),
    ("fever", "FEVER DENIED.", ("Negated", "Recent", "Patient")),
    ("fever", "FEVER DENIED", ("Negated", "Recent", "Patient")),
    ("chest pain", "Chest pain denied by patient.", ("Negated", "Recent", "Patient")),
    # uncertainty; 'unlikely to be X' reads as 'X unlikely' does
    ("pneumonia", "Pneumonia doubtful.", ("Possible", "Recent", "Patient")),
    ("pneumonia", "Unlikely to be pneumonia.", ("Negated", "Recent", "Patient")),
    ("pneumonia", "Pneumonia unlikely.", ("Negated", "Recent", "Patient")),
    ("pneumonia", "Not certain if pneumonia.", ("Possible", "Recent", "Patient")),
    ("pneumonia", "Not sure whether pneumonia or atelectasis.", ("Possible", "Recent", "Patient")),
    ("pneumonia", "Unclear if pneumonia.", ("Possible", "Recent", "Patient")),
    # a pseudo-negation
    ("pneumonia", "Not only pneumonia but also sepsis.", ("Affirmed", "Recent", "Patient")),
    ("sepsis", "Not only pneumonia but also sepsis.", ("Affirmed", "Recent", "Patient")),
    # who has it: the relative tells, the patient has it
    ("cough", "The patient's wife reports that he has a cough.", ("Affirmed", "Recent",
                                                                  "Patient")),
    ("rash", "Her husband states she has a rash.", ("Affirmed", "Recent", "Patient")),
    # long ago
    ("asthma", "Childhood asthma.", ("Affirmed", "Historical", "Patient")),
    ("asthma", "Asthma as a child.", ("Affirmed", "Historical", "Patient")),
    ("asthma", "As a child, she had asthma.", ("Affirmed", "Historical", "Patient")),
    ("pneumonia", "Hospitalized for pneumonia last year.", ("Affirmed", "Historical", "Patient")),
])
def test_phrasing_a_review_found(attributor, concept, sentence, expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert (a.negation, a.temporality, a.experiencer) == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # the new rules stay narrow
    ("fever", "Patient denied fever.", ("Negated", "Recent", "Patient")),   # forward, as before
    ("cough", "Cough, denied fever.", ("Affirmed", "Recent", "Patient")),
    ("cough", "Cough present, fever denied.", ("Affirmed", "Recent", "Patient")),
    ("pneumonia", "Pneumonia unlikely to be bacterial.", ("Negated", "Recent", "Patient")),
    ("pneumonia", "Return if pneumonia.", ("Affirmed", "Hypothetical", "Patient")),
    ("cough", "Wife reports that he has no cough.", ("Negated", "Recent", "Patient")),
    ("cough", "His wife has a cough.", ("Affirmed", "Recent", "Other")),
    ("breast cancer", "His mother reports she had breast cancer.", ("Affirmed", "Recent",
                                                                    "Other")),
    ("cough", "Pneumonia last year, now with cough.", ("Affirmed", "Recent", "Patient")),
    ("pneumonia", "Pneumonia last year, now with cough.", ("Affirmed", "Historical", "Patient")),
])
def test_the_review_rules_reach_no_further_than_their_scope(attributor, concept, sentence,
                                                            expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert (a.negation, a.temporality, a.experiencer) == expected


@pytest.mark.parametrize(("note", "concept", "expected"), [
    ("Fever denied. Cough for 3 days.", "fever", ("Negated", "Recent", "Patient")),
    ("Fever denied. Cough for 3 days.", "cough", ("Affirmed", "Recent", "Patient")),
    ("Childhood asthma.\nNo fever.", "asthma", ("Affirmed", "Historical", "Patient")),
    ("The patient's wife reports that he has a cough.", "cough", ("Affirmed", "Recent",
                                                                  "Patient")),
])
def test_the_review_rules_in_notes(extractor, note, concept, expected):
    (m,) = [m for m in extractor.extract(note) if m.text.lower() == concept]
    assert (m.assertion.negation, m.assertion.temporality, m.assertion.experiencer) == expected


@pytest.mark.parametrize(("note", "allergens"), [
    # osler-concepts-5: the commonest drug allergies are in the lexicon, so they are flagged
    ("ALLERGIES: penicillin, sulfa\n\nMEDICATIONS: aspirin\n", {"penicillin", "sulfa"}),
    ("Allergic to penicillin.", {"penicillin"}),
    ("PCN allergy (hives).", {"pcn"}),
    ("Allergies: sulfa drugs, codeine, NSAIDs.", {"sulfa", "codeine", "nsaids"}),
    ("Allergies: amoxicillin (rash), cephalosporins, ibuprofen\n",
     {"amoxicillin", "cephalosporins", "ibuprofen"}),
    ("Started amoxicillin for otitis.", set()),
])
def test_common_drug_allergens_are_found_and_flagged(extractor, note, allergens):
    drugs = [m for m in extractor.extract(note) if m.category == "medication"]
    assert {m.text.lower() for m in drugs if m.allergen} == allergens
    assert all(m.assertion.negation == "Affirmed" for m in drugs)


def test_a_drug_class_carries_no_code_and_an_ingredient_its_rxnorm_code(extractor):
    codes = {m.text.lower(): m.coding and m.coding.code
             for m in extractor.extract("Allergies: penicillin, codeine, amoxicillin, ibuprofen")}
    assert codes == {"penicillin": None, "codeine": "2670", "amoxicillin": "723",
                     "ibuprofen": "5640"}
