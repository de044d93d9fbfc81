"""osler-context-19: a third review's regressions of osler-context-18 (made-up sentences, none
from the NegEx set), and the sentences near each fix that must keep their answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

A, N, P = "Affirmed", "Negated", "Possible"
REC, HIST, HYP = "Recent", "Historical", "Hypothetical"
PAT, OTH = "Patient", "Other"


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 1. 'but is unlikely to have' is the two-way 'unlikely to be': the finding before 'but' stays
    ("fever", "Patient has fever but is unlikely to have sepsis.", (A, REC, PAT)),
    ("sepsis", "Patient has fever but is unlikely to have sepsis.", (N, REC, PAT)),
    ("fever", "Has fever but unlikely sepsis.", (A, REC, PAT)),
    ("sepsis", "Has fever but unlikely sepsis.", (N, REC, PAT)),
    # 2. unlikely / improbable / excluded / doubtful reach the first concept only
    ("pneumonia", "Unlikely PE given pneumonia on CXR.", (A, REC, PAT)),
    ("pneumonia", "Improbable PE with pneumonia on CXR.", (A, REC, PAT)),
    ("DVT", "Excluded PE with DVT on ultrasound.", (A, REC, PAT)),
    ("pneumonia", "Unlikely PE in a patient with pneumonia.", (A, REC, PAT)),
    ("pneumonia", "Doubtful PE given pneumonia.", (A, REC, PAT)),
    # 3. ... and not back across a comma, nor forward across a dash
    ("pneumonia", "Pneumonia, PE excluded.", (A, REC, PAT)),
    ("pneumonia", "Pneumonia, PE improbable.", (A, REC, PAT)),
    ("gout", "Cellulitis unlikely - gout.", (A, REC, PAT)),
    ("fever", "Fever and cough, pneumonia unlikely.", (A, REC, PAT)),
    ("pneumonia", "Pneumonia on CXR, PE unlikely.", (A, REC, PAT)),
    # 4. 'instead of' / 'as opposed to' end at a comma
    ("clopidogrel", "Instead of aspirin, started clopidogrel.", (A, REC, PAT)),
    ("heparin", "As opposed to warfarin, heparin was used.", (A, REC, PAT)),
    # 5. screening, vaccine, precautions
    ("breast cancer", "Breast cancer detected by screening mammogram.", (A, REC, PAT)),
    ("depression", "Depression screening positive.", (A, REC, PAT)),
    ("colon cancer", "Colon cancer screening negative.", (N, REC, PAT)),
    ("fever", "Fever after flu vaccine.", (A, REC, PAT)),
    ("shingles", "Shingles despite vaccine.", (A, REC, PAT)),
    ("MRSA", "MRSA precautions.", (A, REC, PAT)),
    ("C diff", "C diff precautions.", (A, REC, PAT)),
    # 6. 'to seek' that tells what happened
    ("chest pain", "Came in to seek care for chest pain.", (A, REC, PAT)),
    ("chest pain", "Decided to seek help for chest pain.", (A, REC, PAT)),
    ("chest pain", "Drove to the ED to seek help for chest pain.", (A, REC, PAT)),
    # 7. a relative who tells or is at the bedside is an informant; 'pt has' ends a relative
    ("fever", "Pt: mother at bedside, pt has fever.", (A, REC, PAT)),
    ("cough", "HPI: Mother notes cough x2 days.", (A, REC, PAT)),
    ("cough", "Collateral: mother reports cough.", (A, REC, PAT)),
    ("fever", "HPI: Mother gave tylenol for fever.", (A, REC, PAT)),
    ("hypertension", "Family history: mother with diabetes, patient has hypertension.",
     (A, REC, PAT)),
    # 8. no contact
    ("fever", "Sick contacts: none, fever x2 days.", (A, REC, PAT)),
    # 9. a bare 'maternal' is the obstetric patient herself
    ("tachycardia", "Maternal tachycardia to 120 during labor.", (A, REC, PAT)),
    ("hypertension", "Maternal hypertension, fetal heart tracing reassuring.", (A, REC, PAT)),
    ("sepsis", "Maternal sepsis after cesarean.", (A, REC, PAT)),
    # 11. a present-tense ', has' ends a history's reach
    ("hypertension", "No history of diabetes, has hypertension.", (A, REC, PAT)),
    # 12. a family history is Historical in both phrasings (the NegEx convention)
    ("diabetes", "Family history positive for diabetes.", (A, HIST, OTH)),
    ("diabetes", "Family history is positive for diabetes.", (A, HIST, OTH)),
    # lower priority
    ("covid", "Denies testing positive for covid.", (N, REC, PAT)),
    ("dementia", "Per daughter: dementia", (A, REC, PAT)),
    ("asthma", "Dispo: home with mother, asthma controlled.", (A, REC, PAT)),
    ("tumor", "Lesion may not represent tumor.", (P, REC, PAT)),
])
def test_phrasing_the_third_review_found(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 1. 'but is unlikely' closing its clause still looks back past the 'but'
    ("appendicitis", "Appendicitis was considered but is unlikely.", (N, REC, PAT)),
    # 2-3. the concept right by the trigger is still negated, either way
    ("PE", "Unlikely PE given pneumonia on CXR.", (N, REC, PAT)),
    ("PE", "Excluded PE with DVT on ultrasound.", (N, REC, PAT)),
    ("PE", "Doubtful PE given pneumonia.", (P, REC, PAT)),
    ("PE", "Pneumonia, PE excluded.", (N, REC, PAT)),
    ("PE", "PE excluded by CTA.", (N, REC, PAT)),
    ("cellulitis", "Cellulitis unlikely - gout.", (N, REC, PAT)),
    ("DVT", "PE and DVT unlikely.", (N, REC, PAT)),
    ("pneumonia", "Pneumonia: excluded", (N, REC, PAT)),
    ("pneumonia", "Unlikely sepsis or pneumonia.", (N, REC, PAT)),
    # 4
    ("aspirin", "Instead of aspirin, started clopidogrel.", (N, REC, PAT)),
    ("pneumonia", "Bronchitis instead of pneumonia.", (N, REC, PAT)),
    # 5. what is screened for, vaccinated against or guarded against stays hypothetical
    ("colon cancer", "Colonoscopy for colon cancer screening.", (A, HYP, PAT)),
    ("pneumonia", "Pneumonia vaccine given.", (A, HYP, PAT)),
    ("seizure", "Seizure precautions.", (A, HYP, PAT)),
    # 6. 'seek' as an instruction stays hypothetical
    ("chest pain", "Seek care for worsening chest pain.", (A, HYP, PAT)),
    ("chest pain", "Advised to seek care for chest pain.", (A, HYP, PAT)),
    ("chest pain", "Told to seek care if chest pain recurs.", (A, HYP, PAT)),
    ("chest pain", "Patient should seek care for chest pain.", (A, HYP, PAT)),
    # 7. the relative's own condition stays the relative's
    ("diabetes", "HPI: Mother has diabetes.", (A, REC, OTH)),
    ("diabetes", "Family history: mother with diabetes, patient has hypertension.",
     (A, HIST, OTH)),
    ("colon cancer", "Colon cancer: father.", (A, REC, OTH)),
    # 8. a contact's illness is still the contact's; a negation list stays negated
    ("cough", "Sick contact with cough.", (A, REC, OTH)),
    ("chills", "No fever, chills.", (N, REC, PAT)),
    # 9. a relative after 'maternal', and 'maternal history' / 'side', are someone else
    ("diabetes", "Maternal grandmother with diabetes.", (A, REC, OTH)),
    ("diabetes", "Maternal aunt with diabetes.", (A, REC, OTH)),
    ("diabetes", "Maternal history of diabetes.", (A, HIST, OTH)),
    ("diabetes", "MGM with diabetes.", (A, REC, OTH)),
    ("diabetes", "Diabetes on paternal side.", (A, REC, OTH)),
    ("diabetes", "Paternal diabetes.", (A, REC, OTH)),
    ("cough", "Lives with wife who has cough.", (A, REC, OTH)),
    # 11. a perfect tense ends only the negation; the history reaches on
    ("mi", "Denies any history of stroke, has had MI.", (A, HIST, PAT)),
    ("diabetes", "No history of diabetes, has hypertension.", (N, HIST, PAT)),
    ("headache", "Denies chills, also has headache.", (A, REC, PAT)),
])
def test_phrasing_near_the_third_review_keeps_its_answer(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


def _by_text(extractor, note):
    return {m.text.lower(): m for m in extractor.extract(note)}


@pytest.mark.parametrize(("note", "expected"), [
    # 10. an exam system, a habit or the patient's header ends a family history ...
    ("FHx:\nMother - diabetes\nFather - stroke\nTobacco: 1 ppd, COPD",
     {"diabetes": "Other", "stroke": "Other", "copd": "Patient"}),
    ("FHx:\nMother - diabetes\nLungs: wheezing\nCV: murmur",
     {"diabetes": "Other", "wheezing": "Patient", "murmur": "Patient"}),
    ("Family history:\nSister - asthma\nPt: hypertension",
     {"asthma": "Other", "hypertension": "Patient"}),
    # ... a relative's line, even one opening with an organ's word, does not
    ("Family history:\nMGM: diabetes\nBro: hypertension\nLung cancer: father",
     {"diabetes": "Other", "hypertension": "Other", "lung cancer": "Other"}),
])
def test_a_family_history_ends_at_an_exam_or_habit_header(extractor, note, expected):
    got = _by_text(extractor, note)
    assert {w: got[w].assertion.experiencer for w in expected} == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 'testing positive for' after a negation is negated; without one, 'positive for' still
    # ends a negation's reach
    ("covid", "Never tested positive for covid.", (N, REC, PAT)),
    ("covid", "No fever, tested positive for covid.", (A, REC, PAT)),
    ("covid", "Tested positive for covid.", (A, REC, PAT)),
    # an informant after 'per' ends no relative's own condition
    ("diabetes", "Per mother, grandmother had diabetes.", (A, REC, OTH)),
    ("breast cancer", "Family history - mother at 45 with breast cancer.", (A, HIST, OTH)),
    # a relative who worries or tells after a dash is no experiencer of what came before
    ("fever", "CC: fever - mother concerned.", (A, REC, PAT)),
    ("cough", "Cough - mother reports it started Monday.", (A, REC, PAT)),
    ("diabetes", "Diabetes - mother.", (A, REC, OTH)),
])
def test_lower_priority_fixes_and_their_neighbours(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected
