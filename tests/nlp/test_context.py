from __future__ import annotations

import pytest

from osler.nlp.rules import CATEGORY_ATTRIBUTE, FLAG_CATEGORIES, rule_dicts

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("edema", "Extremities: No clubbing, cyanosis, or EDEMA.", ("Negated", "Recent", "Patient")),
    ("pneumonia", "Chest x-ray shows pneumonia.", ("Affirmed", "Recent", "Patient")),
    ("pneumonia", "Possible pneumonia in the right lower lobe.", ("Possible", "Recent", "Patient")),
    ("breast cancer", "Her mother had breast cancer.", ("Affirmed", "Recent", "Other")),
    ("chest pain", "Return to the ED if chest pain recurs.", ("Affirmed", "Hypothetical",
                                                            "Patient")),
    ("liver transplant", "The patient is status post liver transplant.",
     ("Affirmed", "Historical", "Patient")),
    ("DVT", "Doppler of the legs negative   for DVT.", ("Negated", "Recent", "Patient")),
    ("small bowel obstruction", "Small bowel obstruction, resolved.",
     ("Negated", "Recent", "Patient")),
])
def test_assertions_of_synthetic_sentences(attributor, concept, sentence, expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert (a.negation, a.temporality, a.experiencer) == expected


def test_a_trigger_inside_the_concept_does_not_negate_it(attributor):
    (a,) = attributor.attribute([("tenderness with no rebound", "Mild tenderness with no rebound.")])
    assert a.negation == "Affirmed"


def test_concept_missing_from_sentence_uses_the_whole_sentence(attributor):
    (a,) = attributor.attribute([("fever", "Denies chills.")])
    assert a.negation == "Negated"


def test_every_bundled_rule_maps_to_an_attribute():
    for rule in rule_dicts():
        assert rule["category"] in CATEGORY_ATTRIBUTE.keys() | FLAG_CATEGORIES or rule[
            "direction"] in ("TERMINATE", "PSEUDO")
    assert any(r["origin"] == "osler" for r in rule_dicts())


@pytest.mark.parametrize(("sentence", "expected"), [
    ("No cough. Has fever.", "Affirmed"),       # the full stop ends the scope of 'No'
    ("No cough! Fever since Monday.", "Affirmed"),
    ("No cough. 😀 fever since Monday.", "Affirmed"),  # a symbol after the stop: still a new one
    ("No cough, no fever.", "Negated"),
    ("Pt. has no fever.", "Negated"),             # an abbreviation's stop does not split
])
def test_a_sentence_boundary_inside_a_row_ends_the_scope(attributor, sentence, expected):
    (a,) = attributor.attribute([("fever", sentence)])
    assert a.negation == expected


def test_sentence_starts_skip_abbreviations_and_symbols():
    pytest.importorskip("medspacy")
    from osler.nlp.context import build_pipeline, sentence_starts

    nlp = build_pipeline(sentences=False)
    doc = nlp.make_doc("Given 5 mg p.o. daily. Seen today :) then left. 2 days ago")
    assert [doc[i].text for i in sentence_starts(doc)] == ["Seen", "2"]


@pytest.mark.parametrize(("concept", "sentence"), [
    ("pneumonia", "Cannot rule out pneumonia."),
    ("pneumonia", "We can't rule out pneumonia."),
    ("PE", "Cannot exclude PE."),
    ("PE", "PE is not excluded."),
    ("PE", "PE cannot be excluded."),
    ("abscess", "An abscess could not be ruled out."),
])
def test_a_diagnosis_not_ruled_out_is_possible_not_negated(attributor, concept, sentence):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.negation == "Possible"


def test_rules_carry_their_version():
    from osler.resources import load_json

    assert load_json("nlp/context_rules.json", keys={"source", "version", "context_rules"})[
        "version"] == "osler-context-23"


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("MI", "MI ruled out.", "Negated"),
    ("MI", "MI was ruled out.", "Negated"),
    ("MI", "Ruled out for MI.", "Negated"),
    ("MRSA", "MRSA negative.", "Negated"),
    ("MRSA", "Nasal swab: MRSA-negative.", "Negated"),
    ("influenza", "Influenza is negative.", "Negated"),
    ("bacteremia", "Bacteremia with gram-negative rods.", "Affirmed"),  # a pseudo-trigger
    ("cultures", "Cultures grew gram negative rods.", "Affirmed"),
    # looking back, "negative" reaches the concept right before it only
    ("pneumonia", "Pneumonia with MRSA negative.", "Affirmed"),
    ("cultures", "Blood cultures negative.", "Negated"),
    ("fever", "No cough; fever present.", "Affirmed"),    # a semicolon ends the scope
    ("cough", "No cough; fever present.", "Negated"),
])
def test_negation_triggers_after_the_concept(attributor, concept, sentence, expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.negation == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("tumor", "No change in tumor size.", "Affirmed"),
    ("effusion", "No interval change in the left effusion.", "Affirmed"),
    ("headache", "No increase in headache since yesterday.", "Affirmed"),
    ("nodules", "No significant change in the mass, no new nodules.", "Negated"),
    ("tumor", "No tumor seen.", "Negated"),
])
def test_no_change_is_a_pseudo_negation(attributor, concept, sentence, expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.negation == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("seizure", "Seizure 3 years ago.", "Historical"),
    ("seizure", "Several years ago she had a seizure.", "Historical"),
    ("stroke", "Stroke 6 months ago, no deficits.", "Historical"),
    ("appendectomy", "Appendectomy in 2010.", "Historical"),
    ("asthma", "Asthma since March 1998.", "Historical"),
    ("fever", "Fever 3 days ago.", "Recent"),              # days are this episode
    ("hypotension", "Hypotension after fluids in 2000 mL.", "Recent"),  # an amount, not a year
])
def test_time_ago_and_a_past_year_are_historical(attributor, concept, sentence, expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.temporality == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # negations clinicians write after the concept, or as a form answer
    ("fever", "ROS: Negative for fever, chills.", ("Negated", "Recent", "Patient")),
    ("pneumonia", "Pneumonia was not seen on CXR.", ("Negated", "Recent", "Patient")),
    ("pneumonia", "Pneumonia absent.", ("Negated", "Recent", "Patient")),
    ("edema", "Edema: absent", ("Negated", "Recent", "Patient")),
    ("pneumonia", "Pneumonia was excluded.", ("Negated", "Recent", "Patient")),
    ("fever", "Fever - denies.", ("Negated", "Recent", "Patient")),
    ("fever", "(-) fever", ("Negated", "Recent", "Patient")),
    ("infection", "Infection not likely.", ("Negated", "Recent", "Patient")),
    ("tobacco", "ENT: Denies any alcohol, tobacco use.", ("Negated", "Recent", "Patient")),
    # uncertainty
    ("pneumonia", "Suspected pneumonia.", ("Possible", "Recent", "Patient")),
    ("infection", "Probable infection.", ("Possible", "Recent", "Patient")),
    ("infection", "Infection is possible.", ("Possible", "Recent", "Patient")),
    ("pneumonia", "Pneumonia vs. atelectasis.", ("Possible", "Recent", "Patient")),
    ("pneumonia", "Pneumonia?", ("Possible", "Recent", "Patient")),
    ("sepsis", "There is concern for sepsis.", ("Possible", "Recent", "Patient")),
    ("altered mental status", "Altered mental status was likely secondary to opioids.",
     ("Affirmed", "Recent", "Patient")),
    # hypothetical, family, history
    ("pneumonia", "At risk for pneumonia.", ("Affirmed", "Hypothetical", "Patient")),
    ("colon cancer", "Screening for colon cancer.", ("Affirmed", "Hypothetical", "Patient")),
    ("colon cancer", "Colon cancer in mom.", ("Affirmed", "Recent", "Other")),
    ("breast cancer", "FH: breast cancer (maternal aunt).",
     ("Affirmed", "Historical", "Other")),
    ("diabetes", "Diabetes runs in the family.", ("Affirmed", "Recent", "Other")),
    ("chest pain", "Chest pain 3 weeks ago.", ("Affirmed", "Historical", "Patient")),
    ("chest pain", "Chest pain 2 weeks ago.", ("Affirmed", "Recent", "Patient")),
])
def test_phrasing_a_second_acceptance_test_found(attributor, concept, sentence, expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert (a.negation, a.temporality, a.experiencer) == expected


def test_a_concept_is_found_as_whole_words_before_inside_another_word(attributor):
    (a,) = attributor.attribute([("MI", "Patient denies vomiting; mother had MI.")])
    assert (a.negation, a.experiencer) == ("Affirmed", "Other")
    (b,) = attributor.attribute([("pneumonia", "No pneumonias seen.")])   # no whole word
    assert b.negation == "Negated"


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("fever", "Pneumonia 3 weeks ago, now with fever.", ("Affirmed", "Recent", "Patient")),
    ("pneumonia", "At risk for falls; has pneumonia.", ("Affirmed", "Recent", "Patient")),
    ("pneumonia", "At risk for community acquired pneumonia.",
     ("Affirmed", "Hypothetical", "Patient")),
    ("pneumonia", "Suspected community acquired pneumonia.", ("Possible", "Recent", "Patient")),
])
def test_the_new_triggers_reach_no_further_than_their_scope(attributor, concept, sentence,
                                                            expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert (a.negation, a.temporality, a.experiencer) == expected


def _one_token_words(rule) -> set[str]:
    """Words a rule can match as a single token (its only required token), else empty."""
    pattern = rule.get("pattern")
    if pattern is None:
        return {rule["literal"].lower()} if " " not in rule["literal"] else set()
    required = [t for t in pattern if t.get("OP") != "?"]
    if len(required) != 1 or len(pattern) != 1:
        return set()
    low = required[0].get("LOWER")
    return set(low["IN"]) if isinstance(low, dict) else {low} if isinstance(low, str) else set()


def test_no_rule_for_some_concept_types_shares_a_one_token_span_with_a_general_rule():
    # medspaCy keeps one of two modifiers on the very same tokens: a typed one-token 'if'
    # (procedures only) once pruned the general hypothetical 'if' for every other concept.
    general = [r for r in rule_dicts() if not r.get("allowed_types")
               and r["direction"] not in ("TERMINATE", "PSEUDO")]
    for typed in (r for r in rule_dicts() if r.get("allowed_types")):
        for rule in general:
            assert not (_one_token_words(typed) & _one_token_words(rule)), (
                typed["literal"], rule["literal"])


@pytest.mark.parametrize("concept, sentence, expected", [
    # the lexicon's type lets the rules for drugs and procedures apply, as in `nlp extract`
    ("heparin", "Was not given heparin.", "Negated"),
    ("aspirin", "Not taking aspirin.", "Negated"),
    ("intubation", "Intubation was not performed.", "Negated"),
    ("aspirin", "Heparin was not given, aspirin was started.", "Affirmed"),
    ("pneumothorax", "Pneumothorax not present.", "Negated"),
    ("pneumonia", "Pneumonia, likely.", "Possible"),
    ("pneumonia", "Pneumonia, likely viral, treat.", "Affirmed"),
    # a character whose lower case is longer ("İ") does not move the concept onto other words
    ("cough", "\u0130" * 15 + " Cough; denies fever.", "Affirmed"),
    ("fever", "\u0130" * 15 + " Cough; denies fever.", "Negated"),
])
def test_typed_rules_and_offsets_in_the_pair_interface(attributor, concept, sentence, expected):
    assert attributor.attribute([(concept, sentence)])[0].negation == expected


@pytest.mark.parametrize("concept, sentence, expected", [
    # osler-context-15, a review: a conjunction right after the two-way typed rule starts
    # another clause; the trigger's object was on its left
    ("aspirin", "Heparin was not given and aspirin was started.", "Affirmed"),
    ("heparin", "Heparin was not given and aspirin was started.", "Negated"),
    ("metformin", "Lisinopril was not restarted because metformin was changed.", "Affirmed"),
    ("warfarin", "Intubation was not performed but warfarin was continued.", "Affirmed"),
    ("aspirin", "Heparin was not given due to aspirin use.", "Affirmed"),
    # the object after the trigger, one or several, is still negated
    ("heparin", "Patient was not given heparin and aspirin.", "Negated"),
    ("aspirin", "Patient was not given heparin and aspirin.", "Negated"),
    ("aspirin", "Not taking aspirin or warfarin.", "Negated"),
    ("warfarin", "Not taking aspirin or warfarin.", "Negated"),
    # a second verb of the rule after the conjunction: one object, on the right
    ("aspirin", "Patient was not given or prescribed aspirin.", "Negated"),
    # osler-context-16: words of time before the conjunction; the conjunction after a second
    # verb of the rule
    ("aspirin", "Heparin was not given today and aspirin was started.", "Affirmed"),
    ("aspirin", "Heparin was not given this morning but aspirin was started.", "Affirmed"),
    ("heparin", "Heparin was not given today and aspirin was started.", "Negated"),
    ("aspirin", "Heparin was not given or restarted and aspirin was started.", "Affirmed"),
    ("heparin", "Heparin was not given or restarted and aspirin was started.", "Negated"),
    ("aspirin", "Patient was not given today or prescribed aspirin.", "Negated"),
    ("aspirin", "Patient was not given today aspirin.", "Negated"),
])
def test_no_forward_reach_when_a_conjunction_follows_the_trigger(attributor, extractor, concept,
                                                                 sentence, expected):
    assert attributor.attribute([(concept, sentence)])[0].negation == expected
    found = [m for m in extractor.extract(sentence) if m.text.lower() == concept]
    assert found, f"{concept!r} is not found"
    assert found[0].assertion.negation == expected


def test_no_forward_after_is_read_from_the_rules():
    rules = [r for r in rule_dicts() if r.get("no_forward_after")]
    # osler-context-18: also one-way forward rules (a friend 'saw' or 'found': no experiencer)
    assert rules and all(r["direction"] in ("BIDIRECTIONAL", "FORWARD") for r in rules)
    (given,) = [r for r in rules if r["literal"] == "was not performed"]
    assert {"and", "but", "because", "due"} <= set(given["no_forward_after"])


@pytest.mark.parametrize("concept, sentence, expected", [
    # osler-context-15, a review: NegEx's pseudo-negation; what may be given is not negated
    ("heparin", "No contraindication to heparin.", "Affirmed"),
    ("heparin", "No contraindications for heparin.", "Affirmed"),
    ("heparin", "No known contraindications to heparin.", "Affirmed"),
    ("heparin", "Patient without any contraindication to heparin.", "Affirmed"),
    ("heparin", "No contra-indication to heparin.", "Affirmed"),
    ("heparin", "Not contraindicated: heparin.", "Affirmed"),
    ("heparin", "Heparin: no contraindication.", "Affirmed"),
    ("intubation", "No contraindication to intubation.", "Affirmed"),
    # a negation before it ends there; one after it, or in the next sentence, still negates
    ("heparin", "No GI bleed or contraindication to heparin.", "Affirmed"),
    ("gi bleed", "No GI bleed or contraindication to heparin.", "Negated"),
    ("gi bleed", "No contraindication to heparin, no GI bleed.", "Negated"),
    ("heparin", "No contraindication. No heparin given.", "Negated"),
    ("heparin", "Possible contraindication to heparin.", "Possible"),
])
def test_no_contraindication_is_a_pseudo_negation(attributor, extractor, concept, sentence,
                                                  expected):
    assert attributor.attribute([(concept, sentence)])[0].negation == expected
    found = [m for m in extractor.extract(sentence) if m.text.lower() == concept]
    assert found, f"{concept!r} is not found"
    assert found[0].assertion.negation == expected


@pytest.mark.parametrize("sentence", ["No heparin; aspirin given.", "No heparin. Aspirin given.",
                                      "No heparin, but aspirin given."])
def test_a_drug_given_after_a_negated_one_when_the_writing_says_so(attributor, sentence):
    # "No heparin, aspirin given" is left Negated on purpose: after a negation a comma list is
    # a list of negatives ("No heparin, aspirin given" as "neither was given"; as with "No
    # effusion, pneumothorax is seen"); a semicolon, a full stop or "but" says otherwise
    assert attributor.attribute([("aspirin", sentence)])[0].negation == "Affirmed"
