"""osler-context-20: a fourth review's regressions of osler-context-18/-19 (made-up sentences,
none from the NegEx set), and the sentences near each fix that must keep their answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

A, N, P = "Affirmed", "Negated", "Possible"
REC, HIST, HYP = "Recent", "Historical", "Hypothetical"
PAT, OTH = "Patient", "Other"


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 1. a templated answer after the concept and a comma reaches back to it
    ("PE", "PE, unlikely.", (N, REC, PAT)),
    ("pneumonia", "Pneumonia, not likely.", (N, REC, PAT)),
    ("pneumonia", "Assessment: pneumonia, unlikely.", (N, REC, PAT)),
    ("PE", "PE, unlikely given normal D-dimer.", (N, REC, PAT)),
    ("appendicitis", "Appendicitis, doubtful.", (P, REC, PAT)),
    ("PE", "PE, excluded.", (N, REC, PAT)),
    # 2. a relative 'who has' after 'home with' is the experiencer
    ("dementia", "Lives at home with mother who has dementia.", (A, REC, OTH)),
    ("dementia", "Home with mother who has dementia.", (A, REC, OTH)),
    ("dementia", "Home with mother with dementia.", (A, REC, OTH)),
    # 3. ', he/she has' inside a relative's clause is the relative's
    ("BRCA mutation", "Sister: breast cancer at 40, she has a BRCA mutation.", (A, REC, OTH)),
    ("diabetes", "FH: Father with CAD, he has diabetes too.", (A, HIST, OTH)),  # FH: -21
    # 4. excluded from a study is no negation
    ("ESRD", "Pt with ESRD excluded from study.", (A, REC, PAT)),
    ("ESRD", "Pt with ESRD was excluded from the trial.", (A, REC, PAT)),
    # 5. 'instead of' / 'as opposed to' negate the next concept only
    ("knee pain", "Taking ibuprofen instead of acetaminophen for knee pain.", (A, REC, PAT)),
    ("asthma", "Uses albuterol as opposed to fluticasone for asthma.", (A, REC, PAT)),
    ("pneumonia", "Treated with doxycycline instead of azithromycin for pneumonia.",
     (A, REC, PAT)),
    # 6. 'due to' after a plain 'no' keeps the negation
    ("COPD exacerbation", "No hospitalizations due to COPD exacerbation.", (N, REC, PAT)),
    ("asthma", "No ED visits due to asthma.", (N, REC, PAT)),
    # 7. a screening result after a colon or a word is a result
    ("HIV", "HIV screening reactive.", (A, REC, PAT)),
    ("COVID", "COVID screening: positive.", (A, REC, PAT)),
    ("syphilis", "Syphilis screening: reactive.", (A, REC, PAT)),
    ("depression", "Depression screening: positive.", (A, REC, PAT)),
    ("hepatitis C", "Hepatitis C screening antibody positive.", (A, REC, PAT)),
    ("tuberculosis", "Tuberculosis screening: positive QuantiFERON.", (A, REC, PAT)),
    ("HIV", "HIV screening was negative.", (N, REC, PAT)),
    # 8. an infection's, neutropenia's or suicide's precautions: the patient has it
    ("neutropenia", "Neutropenia precautions.", (A, REC, PAT)),
    ("influenza", "Influenza precautions.", (A, REC, PAT)),
    ("tuberculosis", "Tuberculosis precautions.", (A, REC, PAT)),
    ("norovirus", "Norovirus precautions.", (A, REC, PAT)),
    ("pertussis", "Pertussis precautions.", (A, REC, PAT)),
    ("varicella", "Varicella precautions.", (A, REC, PAT)),
    ("scabies", "Scabies precautions.", (A, REC, PAT)),
    ("measles", "Measles precautions.", (A, REC, PAT)),
    ("covid", "Covid precautions.", (A, REC, PAT)),
    ("flu", "Flu precautions.", (A, REC, PAT)),
    ("suicidal ideation", "Suicidal ideation precautions.", (A, REC, PAT)),
    # 9. 'in the event of' ends at a comma
    ("lisinopril", "In the event of hypotension, hold lisinopril.", (A, REC, PAT)),
    # 10. a relative with nothing after her reporting verb closes a list line
    ("hypertension", "Hypertension - mother reports.", (A, REC, OTH)),
    ("diabetes", "Diabetes - mother notes.", (A, REC, OTH)),
])
def test_phrasing_the_fourth_review_found(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 1. a comma further back, or before a trigger with an object of its own, still stops
    ("pneumonia", "Pneumonia, PE excluded.", (A, REC, PAT)),
    ("PE", "Pneumonia, PE excluded.", (N, REC, PAT)),
    ("fever", "Fever and cough, pneumonia unlikely.", (A, REC, PAT)),
    ("cough", "Fever and cough, unlikely pneumonia.", (A, REC, PAT)),
    ("pneumonia", "Fever and cough, unlikely pneumonia.", (N, REC, PAT)),
    ("fever", "Fever, cough, unlikely.", (A, REC, PAT)),
    ("fever", "Fever, unlikely to recur.", (A, REC, PAT)),
    ("cancer", "Metastatic cancer, unlikely to survive.", (A, REC, PAT)),
    # 2. company at home is no experiencer
    ("asthma", "Dispo: home with mother, asthma controlled.", (A, REC, PAT)),
    ("asthma", "Discharged home with mother and asthma controlled.", (A, REC, PAT)),
    # 3. 'patient/pt has' still ends a relative's reach; ', she has' a negation's
    ("hypertension", "Family history: mother with diabetes, patient has hypertension.",
     (A, REC, PAT)),
    ("fever", "Pt: mother at bedside, pt has fever.", (A, REC, PAT)),
    ("cough", "No fever, she has cough.", (A, REC, PAT)),
    ("hypertension", "No history of diabetes, she has hypertension.", (A, REC, PAT)),
    # 4. excluded as a diagnosis is still a negation
    ("PE", "PE excluded by CTA.", (N, REC, PAT)),
    ("PE", "PE excluded from the differential.", (N, REC, PAT)),
    ("PE", "PE was excluded from the differential.", (N, REC, PAT)),
    # 5. the concept right after 'instead of' is still negated
    ("acetaminophen", "Taking ibuprofen instead of acetaminophen for knee pain.",
     (N, REC, PAT)),
    ("fluticasone", "Uses albuterol as opposed to fluticasone for asthma.", (N, REC, PAT)),
    ("clopidogrel", "Instead of aspirin and clopidogrel, gave heparin.", (N, REC, PAT)),
    # 6. the cause of what the patient cannot do is there; a denied symptom stays denied
    ("dyspnea", "Cannot lie flat due to dyspnea.", (A, REC, PAT)),
    ("dyspnea", "Not able to walk due to dyspnea.", (A, REC, PAT)),
    ("pain", "Can't walk due to pain.", (A, REC, PAT)),
    ("pain", "Patient was not able to ambulate due to pain.", (A, REC, PAT)),
    ("dyspnea", "Denies dyspnea due to exertion.", (N, REC, PAT)),
    ("bleeding", "Stopped warfarin due to bleeding.", (A, REC, PAT)),
    # 7. a screening not yet done stays hypothetical
    ("HIV", "HIV screening results pending.", (A, HYP, PAT)),
    ("colon cancer", "Colon cancer screening recommended.", (A, HYP, PAT)),
    ("colon cancer", "Colon cancer screening and HIV positive.", (A, HYP, PAT)),
    ("colon cancer", "Colon cancer screening colonoscopy showed polyps.", (A, HYP, PAT)),
    ("depression", "Depression screening showed moderate symptoms.", (A, REC, PAT)),
    # 8. a risk guarded against stays hypothetical
    ("seizure", "Seizure precautions.", (A, HYP, PAT)),
    ("fall", "Fall precautions.", (A, HYP, PAT)),
    ("bleeding", "Bleeding precautions.", (A, HYP, PAT)),
    # 9. ... and the event itself stays hypothetical
    ("hypotension", "In the event of hypotension, hold lisinopril.", (A, HYP, PAT)),
    ("chills", "In the event of fever or chills, call.", (A, HYP, PAT)),
    # 10. a relative who reports something, or worries, is an informant
    ("cough", "Cough - mother reports it started Monday.", (A, REC, PAT)),
    ("fever", "CC: fever - mother concerned.", (A, REC, PAT)),
    ("cough", "Collateral: mother reports cough.", (A, REC, PAT)),
    ("cough", "Hypertension - mother reports. Cough x2 days.", (A, REC, PAT)),
])
def test_phrasing_near_the_fourth_review_keeps_its_answer(attributes, concept, sentence,
                                                           expected):
    assert attributes(concept, sentence) == expected


def test_a_comma_is_crossed_only_right_before_a_trigger_that_closes_its_clause():
    pytest.importorskip("medspacy")
    from osler.nlp.context import build_pipeline
    from osler.nlp.rules import _backward_reach

    doc = build_pipeline(sentences=False).make_doc("pe , pneumonia , unlikely given x")
    for tok in doc:
        tok.is_sent_start = tok.i == 0
    reaches = _backward_reach(None, frozenset({","}), skips=frozenset({","}),
                              closers=frozenset({"given"}))
    assert reaches(doc[2:3], doc[4:5])        # 'pneumonia , unlikely given'
    assert not reaches(doc[0:1], doc[4:5])    # a second comma further back
    assert not _backward_reach(None, frozenset({","}))(doc[2:3], doc[4:5])  # without skips
