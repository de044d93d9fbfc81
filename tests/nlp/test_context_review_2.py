"""osler-context-18 / osler-sections-3: a second review's misread phrasing (made-up sentences,
none from the NegEx set), and the sentences near each fix that must keep their answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

A, N, P = "Affirmed", "Negated", "Possible"
REC, HIST, HYP = "Recent", "Historical", "Hypothetical"
PAT, OTH = "Patient", "Other"


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 1. a colon or dash before a relative: the relative's condition, forward as backward
    ("diabetes", "HPI: Mother has diabetes.", (A, REC, OTH)),
    ("colon cancer", "Family history: father with colon cancer.", (A, HIST, OTH)),
    ("diabetes", "Family history - mother has diabetes.", (A, HIST, OTH)),
    # 2. 'positive for' no longer ends a relative's reach
    ("diabetes", "Family history positive for diabetes.", (A, HIST, OTH)),
    # osler-context-21: 'FH'/'FHx' is Historical as the long form is
    ("diabetes", "FHx positive for diabetes.", (A, HIST, OTH)),
    ("colon polyps", "FH is +ve for a sister with colon polyps.", (A, HIST, OTH)),
    # 3. people other than the patient
    ("cough", "Sick contacts: roommate with cough", (A, REC, OTH)),
    ("pneumonia", "Her friend had pneumonia", (A, REC, OTH)),
    ("pneumonia", "Neighbor with pneumonia", (A, REC, OTH)),
    ("cough", "Exposure to coworker with cough", (A, REC, OTH)),
    ("influenza", "Co-worker with influenza", (A, REC, OTH)),
    ("influenza", "Sick contact with influenza", (A, REC, OTH)),
    ("breast cancer", "MGM with breast cancer", (A, REC, OTH)),
    # osler-context-19: a bare 'maternal' is the obstetric patient herself; 'maternal history' is not
    ("diabetes", "Maternal history of diabetes", (A, HIST, OTH)),
    # 4. unlikely, excluded (negations, as 'Pneumonia unlikely'); doubtful is possible
    ("DVT", "Unlikely DVT.", (N, REC, PAT)),
    ("pneumonia", "Pneumonia is not likely.", (N, REC, PAT)),
    ("pneumonia", "Not likely pneumonia", (N, REC, PAT)),
    ("pneumonia", "Pneumonia excluded.", (N, REC, PAT)),
    ("pneumonia", "Excluded pneumonia.", (N, REC, PAT)),
    ("PE", "PE excluded by CTA.", (N, REC, PAT)),
    ("pneumonia", "Improbable pneumonia", (N, REC, PAT)),
    ("pneumonia", "Doubtful pneumonia", (P, REC, PAT)),
    ("appendicitis", "Appendicitis was considered but is unlikely", (N, REC, PAT)),
    # 5. uncertain
    ("pneumonia", "Findings may represent pneumonia", (P, REC, PAT)),
    ("pneumonia", "could represent pneumonia", (P, REC, PAT)),
    ("pneumonia", "Pneumonia, r/o.", (P, REC, PAT)),
    ("pneumonia", "Pneumonia (r/o)", (P, REC, PAT)),
    ("pneumonia", "Pneumonia likely.", (P, REC, PAT)),
    ("pneumonia", "Pneumonia is likely.", (P, REC, PAT)),
    ("pneumonia", "Pneumonia (possible).", (P, REC, PAT)),
    ("pneumonia", "Pneumonia - possible.", (P, REC, PAT)),
    ("pneumonia", "Equivocal for pneumonia", (P, REC, PAT)),
    ("pneumonia", "Pneumonia is a consideration", (P, REC, PAT)),
    # 6. screening, vaccines, precautions, instructions
    ("colon cancer", "Colonoscopy for colon cancer screening", (A, HYP, PAT)),
    ("pneumonia", "Pneumonia vaccine given", (A, HYP, PAT)),
    ("seizure", "Seizure precautions", (A, HYP, PAT)),
    ("fever", "Should fever recur, she will return", (A, HYP, PAT)),
    ("fever", "Return to clinic, should fever recur.", (A, HYP, PAT)),
    ("fever", "In the event of fever, call", (A, HYP, PAT)),
    ("chest pain", "Seek care for worsening chest pain", (A, HYP, PAT)),
    ("chest pain", "Advised to seek care for chest pain.", (A, HYP, PAT)),
    # 7. a finding present after a negation
    ("cough", "Although she denies fever, she has a cough.", (A, REC, PAT)),
    ("headache", "Denies chills, also has headache.", (A, REC, PAT)),
    ("cough", "Denies fever or chills, notes cough.", (A, REC, PAT)),
    ("cough", "Denies fever or chills, having cough.", (A, REC, PAT)),
    ("cough", "Denies fever or chills, experiencing cough.", (A, REC, PAT)),
    ("cough", "No fever, does have cough.", (A, REC, PAT)),
    ("rash", "No complaints besides rash", (A, REC, PAT)),
    ("rash", "Denies complaints other than rash.", (A, REC, PAT)),
    ("cough", "No improvement in cough", (A, REC, PAT)),
    ("headache", "No relief from headache with Tylenol", (A, REC, PAT)),
    ("headache", "Tylenol did not help the headache.", (A, REC, PAT)),
    ("pain", "Pain not relieved by nitroglycerin.", (A, REC, PAT)),
    ("dyspnea", "Cannot lie flat due to dyspnea", (A, REC, PAT)),
    ("dyspnea", "Not able to walk due to dyspnea", (A, REC, PAT)),
    ("chest pain", "Never had chest pain like this before.", (A, REC, PAT)),
    # ... and negations missed
    ("pneumonia", "Free from pneumonia", (N, REC, PAT)),
    ("pneumonia", "Bronchitis instead of pneumonia", (N, REC, PAT)),
    ("pneumonia", "as opposed to pneumonia", (N, REC, PAT)),
    # 9. smaller
    ("pneumonia", "History of asthma, admitted with pneumonia", (A, REC, PAT)),
    ("asthma", "History of asthma, admitted with pneumonia", (A, HIST, PAT)),
    ("asthma", "No history of asthma", (N, HIST, PAT)),
    ("asthma", "No h/o asthma", (N, HIST, PAT)),
])
def test_phrasing_the_second_review_found(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 1. the relative after the concept still reaches back, and the patient again ends it
    ("diabetes", "Diabetes - mother.", (A, REC, OTH)),
    ("colon cancer", "Colon cancer: father.", (A, REC, OTH)),
    ("breast cancer", "Breast cancer (maternal aunt).", (A, REC, OTH)),
    ("hypertension", "His mother has diabetes and he has hypertension.", (A, REC, PAT)),
    ("cough", "Wife reports patient had cough.", (A, REC, PAT)),
    # 2. 'positive for' still ends a negation's and a history's reach; '-ve for' negates
    ("cough", "No fever, positive for cough.", (A, REC, PAT)),
    ("fever", "No fever, positive for cough.", (N, REC, PAT)),
    ("cough", "History of asthma, positive for cough.", (A, REC, PAT)),
    ("pneumonia", "CXR -ve for pneumonia", (N, REC, PAT)),
    # 3. a friend who saw or tells is no experiencer; a sick contact denied is no one's
    ("awake", "His coworkers saw him on the floor and when they arrived he was awake.",
     (A, REC, PAT)),
    ("confusion", "Roommate found her on the floor with confusion.", (A, REC, PAT)),
    ("fevers", "Denies sick contacts or fevers.", (N, REC, PAT)),
    ("cough", "No sick contacts, has cough.", (A, REC, PAT)),
    ("preeclampsia", "Followed by maternal-fetal medicine for preeclampsia.", (A, REC, PAT)),
    # ... nor a relative who brought or found the patient, with a colon before or not
    ("fever", "HPI: Mother brought her in for fever and cough.", (A, REC, PAT)),
    ("fever", "Mother brought her in for fever.", (A, REC, PAT)),
    ("confused", "Wife found him down, confused.", (A, REC, PAT)),
    ("diabetes", "Family history: mother and sister with diabetes.", (A, HIST, OTH)),
    ("breast cancer", "His mother reports she had breast cancer.", (A, REC, OTH)),
    # 4. the forward reach of 'unlikely' and 'excluded' stops at a mark or a preposition
    ("cellulitis", "Pneumonia unlikely, will treat cellulitis.", (A, REC, PAT)),
    ("pneumonia", "Pneumonia unlikely, will treat cellulitis.", (N, REC, PAT)),
    ("d-dimer", "PE unlikely given normal d-dimer.", (A, REC, PAT)),
    ("CTA", "PE excluded by CTA.", (A, REC, PAT)),
    ("pneumonia", "Pneumonia was excluded.", (N, REC, PAT)),
    ("pneumonia", "Pneumonia not excluded.", (P, REC, PAT)),
    ("pneumonia", "Pneumonia cannot be excluded.", (P, REC, PAT)),
    ("pneumonia", "Pneumonia doubtful.", (P, REC, PAT)),
    ("pneumonia", "Sepsis is doubtful, pneumonia present.", (A, REC, PAT)),
    ("pneumonia", "Unlikely to be pneumonia.", (N, REC, PAT)),
    # 5. 'likely' about a cause, or not closing its clause, is no uncertainty of the concept
    ("AMS", "AMS was likely secondary to opioids.", (A, REC, PAT)),
    ("meningitis", "Meningitis - likely viral.", (A, REC, PAT)),
    ("sepsis", "Fever, r/o sepsis.", (P, REC, PAT)),
    ("fever", "Fever, r/o sepsis.", (A, REC, PAT)),
    ("sepsis", "There is a concern for sepsis.", (P, REC, PAT)),
    # 6. only right before 'screening' / 'vaccine' / 'precautions'; 'should be' is advice
    ("colon polyps", "Family history of colon polyps and screening.", (A, HIST, OTH)),
    ("pneumonia", "Pneumonia and screening labs.", (A, REC, PAT)),
    ("colonoscopy", "Screening colonoscopy.", (A, REC, PAT)),
    ("DVT", "DVT prophylaxis.", (N, REC, PAT)),
    ("fever", "CT should be obtained for fever.", (A, REC, PAT)),
    ("fever", "Should be fine; fever resolved.", (N, REC, PAT)),
    ("fever", "Call, should he develop fever.", (A, HYP, PAT)),
    ("chest pain", "She sought care for chest pain.", (A, REC, PAT)),
    ("chest pain", "She did not seek care for chest pain.", (N, REC, PAT)),
    ("colon cancer", "Colon cancer surveillance.", (A, REC, PAT)),
    # 7. lists of negatives stay negated; a history stays a history after a comma
    ("cough", "No fever, chills, cough.", (N, REC, PAT)),
    ("cough", "Denies fever, chills, or cough.", (N, REC, PAT)),
    ("seizure", "Years ago, she had a seizure.", (A, HIST, PAT)),
    ("bleeding", "Denied any abnormal bleeding other than the bleeding from her vagina.",
     (N, REC, PAT)),
    ("rash", "No rash other than on arms.", (N, REC, PAT)),
    ("headache", "No headache, no relief needed.", (N, REC, PAT)),
    ("dyspnea", "Denies dyspnea due to exertion.", (N, REC, PAT)),
    ("chest pain", "Never had chest pain.", (N, REC, PAT)),
    ("dyspnea", "He has never had chest pain or dyspnea.", (N, REC, PAT)),
    ("hypotension", "Metoprolol held due to hypotension.", (A, REC, PAT)),
    ("metoprolol", "Metoprolol held due to hypotension.", (N, REC, PAT)),
    # 9. 'admitted' after a comma only: an earlier admission is a history
    ("pneumonia", "Previously admitted for pneumonia.", (A, HIST, PAT)),
    ("fever", "No fever, admitted with pneumonia.", (N, REC, PAT)),
])
def test_the_second_review_rules_reach_no_further(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


def test_a_rule_reaching_back_stops_at_its_limits():
    """backward_max_scope and backward_stops_at, on their own."""
    pytest.importorskip("medspacy")
    from osler.nlp.context import build_pipeline
    from osler.nlp.rules import _backward_reach

    doc = build_pipeline(sentences=False).make_doc("colon polyps and screening today")
    reaches = _backward_reach(2, frozenset({"and"}))
    assert not reaches(doc[0:2], doc[3:4])       # 'and' between
    assert reaches(doc[2:3], doc[3:4])
    assert not _backward_reach(1, frozenset())(doc[0:1], doc[3:4])   # too far back


def _by_text(extractor, note):
    return {m.text.lower(): m for m in extractor.extract(note)}


@pytest.mark.parametrize(("note", "expected"), [
    # 8. a header the section rules did not know had left the family history open
    ("Family History: noncontributory.\nMeds: metoprolol, aspirin.\nExam: wheezing, edema.\n",
     {"metoprolol": ("medications", PAT), "aspirin": ("medications", PAT),
      "wheezing": ("physical_exam", PAT), "edema": ("physical_exam", PAT)}),
    ("FHx: diabetes in mother.\nPSH: appendectomy.\n",
     {"diabetes": ("family_history", OTH), "appendectomy": ("past_surgical_history", PAT)}),
    ("Family Hx: breast cancer.\nAssessment: pneumonia.\n",
     {"breast cancer": ("family_history", OTH), "pneumonia": ("observation_and_plan", PAT)}),
    # a header no rule knows, naming another part of the note, ends the family history
    ("Family History: mother with diabetes.\nDiet: regular, edema noted.\n",
     {"diabetes": ("family_history", OTH), "edema": (None, PAT)}),
    # ... while a line naming a relative, or an unknown one, stays in it (the safe default)
    ("Family History:\nMother: breast cancer\nFather: MI, diabetes\nBro: asthma\n",
     {"breast cancer": ("family_history", OTH), "mi": ("family_history", OTH),
      "diabetes": ("family_history", OTH), "asthma": ("family_history", OTH)}),
])
def test_a_family_history_ends_at_the_next_part_of_the_note(extractor, note, expected):
    got = _by_text(extractor, note)
    assert {w: (got[w].section, got[w].assertion.experiencer) for w in expected} == expected


def test_a_family_history_carried_into_the_next_piece_ends_there_too(extractor, monkeypatch):
    import osler.nlp.concepts as concepts

    note = ("Family History: mother with diabetes.\n\nVitals: stable.\n\n"
            "Plan of care discussed.\n\nEdema in both legs.\n")
    monkeypatch.setattr(concepts, "CHUNK_CHARS", 30)
    got = _by_text(extractor, note)
    assert (got["diabetes"].section, got["diabetes"].assertion.experiencer) == (
        "family_history", OTH)
    assert (got["edema"].section, got["edema"].assertion.experiencer) == (None, PAT)


@pytest.mark.parametrize(("note", "word", "temporality"), [
    # 9. a reaction in an allergy list happened in the past
    ("Allergies: penicillin (rash)\nMedications: aspirin\n", "rash", HIST),
    ("Allergies:\n- aspirin (hives)\n- sulfa (rash)\n", "rash", HIST),
    # not after the list, nor after 'NKDA'
    ("Allergies: amoxicillin (hives), sulfa\nAssessment: rash on arms.\n", "rash", REC),
    ("Allergies: NKDA. Rash on arms.\n", "rash", REC),
])
def test_a_reaction_in_an_allergy_list_is_historical(extractor, note, word, temporality):
    m = _by_text(extractor, note)[word]
    assert (m.assertion.negation, m.assertion.temporality, m.allergen) == (A, temporality, False)


def test_the_allergens_of_an_allergy_list_are_unchanged(extractor):
    got = _by_text(extractor, "Allergies: penicillin (rash)\nMedications: aspirin\n")
    assert (got["penicillin"].allergen, got["aspirin"].allergen) == (True, False)
    assert got["penicillin"].assertion.temporality == REC
