"""osler-context-23: defects of a user's review of the clinical NLP (issue 5 part 1; made-up
sentences, none from the NegEx set). Each group has the reviewer's shape and guards: sentences
of a near shape whose reading must not change."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

A, N, P = "Affirmed", "Negated", "Possible"
REC, HIST, HYP = "Recent", "Historical", "Hypothetical"
PAT = "Patient"


def test_rules_carry_version_23():
    from osler.resources import load_json

    data = load_json("nlp/context_rules.json", keys={"source", "version", "context_rules"})
    assert data["version"] == "osler-context-23"
    assert "osler-context-23" in data["source"]


# ---- 4: a diagnosis considered and then ruled out is negated; 'less likely' is possible

@pytest.mark.parametrize(("concept", "sentence"), [
    ("pneumonia", "Pneumonia was considered but ruled out."),
    ("PE", "PE was considered and excluded."),
    ("pneumonia", "Pneumonia was suspected but ruled out."),
    ("MI", "MI was suspected but excluded by troponins."),
    ("appendicitis", "Appendicitis was initially suspected, but later ruled out."),
    ("pneumonia", "Initially thought to be pneumonia but CT showed atelectasis."),
    ("cellulitis", "Originally felt to be cellulitis, however ultrasound showed a DVT."),
])
def test_considered_then_ruled_out_is_negated(attributes, concept, sentence):
    assert attributes(concept, sentence)[0] == N


@pytest.mark.parametrize(("concept", "sentence", "negation"), [
    # the correction's own finding is not negated
    ("DVT", "Originally felt to be cellulitis, however ultrasound showed a DVT.", A),
    # no correction follows: an impression, possible
    ("pneumonia", "Initially thought to be pneumonia.", P),
    ("pneumonia", "Thought to be pneumonia.", P),
    # a finding before a comma is not what was considered
    ("fever", "Fever, pneumonia considered but excluded.", A),
    # a diagnosis only suspected stays possible
    ("pneumonia", "Suspected pneumonia.", P),
    ("pneumonia", "Has fever but ruled out pneumonia.", N),
    ("fever", "Has fever but ruled out pneumonia.", A),
])
def test_considered_guards(attributes, concept, sentence, negation):
    assert attributes(concept, sentence)[0] == negation


@pytest.mark.parametrize(("concept", "sentence", "negation"), [
    ("pneumonia", "Less likely pneumonia.", P),
    ("pneumonia", "Most likely viral, less likely pneumonia.", P),
    ("pneumonia", "Favor CHF over pneumonia.", P),
    ("pneumonia", "CHF favored over pneumonia.", P),
    ("pneumonia", "CHF more likely than pneumonia.", P),
    ("PE", "PE less likely.", P),
    ("PE", "PE, less likely.", P),
    # guards
    ("CHF", "CHF, less likely pneumonia.", A),
    ("crackles", "Crackles over the right base.", A),
    ("edema", "Edema over the shins, favor venous stasis.", A),
])
def test_less_likely_and_favoured_alternatives(attributes, concept, sentence, negation):
    assert attributes(concept, sentence)[0] == negation


# ---- 7: counselling, education, prevention, prophylaxis

@pytest.mark.parametrize(("concept", "sentence"), [
    ("stroke", "Patient was counseled on stroke risk."),
    ("stroke", "Discussed signs of stroke with family."),
    ("hypotension", "Educated on symptoms of hypoglycemia and hypotension."),
    ("stroke", "Counseled about the risk of stroke."),
    ("stroke", "Stroke prevention: aspirin."),
    ("DVT", "Prevention of DVT with heparin."),
    ("sepsis", "Reviewed warning signs of sepsis with the patient."),
])
def test_what_a_patient_is_taught_about_is_hypothetical(attributes, concept, sentence):
    assert attributes(concept, sentence)[1] == HYP


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("DVT", "DVT ppx: heparin subq.", (N, REC, PAT)),
    ("DVT", "DVT prophylaxis with heparin.", (N, REC, PAT)),
    ("heparin", "DVT ppx: heparin subq.", (A, REC, PAT)),
    ("aspirin", "Stroke prevention: aspirin.", (A, REC, PAT)),
    # guards: what the patient has, or had
    ("diabetes", "Educated on diabetes management.", (A, REC, PAT)),
    ("stroke", "Secondary stroke prevention: aspirin.", (A, REC, PAT)),
    ("infection", "Signs of infection at the site.", (A, REC, PAT)),
    ("infection", "No signs of infection.", (N, REC, PAT)),
    ("pneumonia", "Discussed pneumonia with the family.", (A, REC, PAT)),
])
def test_prophylaxis_and_teaching_guards(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


# ---- 2: planned procedures are hypothetical; the test that ruled a finding out was done

@pytest.mark.parametrize(("text", "procedure"), [
    ("PLAN: Cardiac catheterization.", "Cardiac catheterization"),
    ("PLAN: Cardiac catheterization tomorrow.", "Cardiac catheterization"),
    ("Will obtain chest x-ray.", "chest x-ray"),
    ("Screening colonoscopy recommended.", "colonoscopy"),
    ("Echocardiogram ordered.", "Echocardiogram"),
    ("Echocardiogram was ordered for tomorrow.", "Echocardiogram"),
    ("Patient would like to discuss colonoscopy.", "colonoscopy"),
    ("Scheduled for colonoscopy next week.", "colonoscopy"),
    ("Plan for cardiac catheterization.", "cardiac catheterization"),
])
def test_planned_procedure_is_hypothetical(extractor, text, procedure):
    (m,) = [m for m in extractor.extract(text) if m.text == procedure]
    assert (m.category, m.assertion.negation, m.assertion.temporality) == (
        "procedure", A, HYP)


@pytest.mark.parametrize(("text", "procedure"), [
    ("Pneumonia ruled out by chest x-ray.", "chest x-ray"),
    ("Colonoscopy showed polyps.", "Colonoscopy"),
    ("Assessment and Plan: Echocardiogram showed normal function.", "Echocardiogram"),
    ("Continues to receive heparin.", "heparin"),
    ("PLAN: Echocardiogram showed EF 30%, start lisinopril.", "Echocardiogram"),
])
def test_done_procedure_stays_affirmed_and_recent(extractor, text, procedure):
    (m,) = [m for m in extractor.extract(text) if m.text == procedure]
    assert (m.assertion.negation, m.assertion.temporality) == (A, REC)


def test_ruled_out_by_still_negates_the_finding(extractor):
    found = {m.text: m.assertion.negation
             for m in extractor.extract("Pneumonia ruled out by chest x-ray.")}
    assert found == {"Pneumonia": N, "chest x-ray": A}


def test_would_like_to_discuss_a_symptom_keeps_it(attributes):
    assert attributes("pain", "Patient would like to discuss her knee pain.") == (A, REC, PAT)


# ---- 5: has not recurred

@pytest.mark.parametrize(("concept", "sentence", "negation"), [
    ("fever", "Fever has not recurred.", N),
    ("chest pain", "Chest pain did not return.", N),
    ("seizures", "Seizures have not recurred since discharge.", N),
    ("creatinine", "Creatinine has not returned to baseline.", A),
    ("cough", "Cough, fever has not recurred.", A),
])
def test_has_not_recurred(attributes, concept, sentence, negation):
    assert attributes(concept, sentence)[0] == negation


# ---- 6: 'states' and 'says' end a negation's reach

@pytest.mark.parametrize(("concept", "sentence", "negation"), [
    ("cough", "Pt denies any fever, states he has had a cough for the past 3 weeks.", A),
    ("cough", "Denies fever, states cough is worse.", A),
    ("headache", "Denies fever, says she has a headache.", A),
    ("dizziness", "She denies palpitations, states she has had dizziness.", A),
    ("fever", "Denies fever, states cough is worse.", N),
    ("cough", "Patient states no cough.", N),
])
def test_states_and_says_end_a_negation(attributes, concept, sentence, negation):
    assert attributes(concept, sentence)[0] == negation


# ---- 8: as-needed indications and conditional orders

@pytest.mark.parametrize(("concept", "sentence", "temporality"), [
    ("fever", "May use acetaminophen for fever.", HYP),
    ("fever", "Tylenol prn fever.", HYP),
    ("fever", "Acetaminophen PRN for fever.", HYP),
    ("fever", "Acetaminophen as needed for fever.", HYP),
    ("metformin", "Start metformin if A1c remains elevated.", HYP),
    ("lisinopril", "Add lisinopril if BP stays high.", HYP),
    ("aspirin", "Instructed to take aspirin if chest pain occurs.", HYP),
    ("aspirin", "Take aspirin daily; stop if bleeding.", REC),
    # guards
    ("acetaminophen", "May use acetaminophen for fever.", REC),
    ("lisinopril", "Hold lisinopril if SBP < 90.", REC),
    ("pneumonia", "Admitted for pneumonia.", REC),
    ("pneumonia", "Started antibiotics for pneumonia.", REC),
    ("nausea", "Call for fever, rash, nausea or vomiting.", HYP),
])
def test_as_needed_and_conditional(attributes, concept, sentence, temporality):
    assert attributes(concept, sentence)[1] == temporality


def test_a_bare_for_cuts_no_other_trigger(attributes):
    # 'for' is no PRN trigger here, and must not end the reach of 'call'
    assert attributes("nausea", "Call the clinic for nausea or vomiting.")[1] == HYP


# ---- 9: not certain whether

@pytest.mark.parametrize("sentence", [
    "Not certain whether the patient has pneumonia.",
    "Unclear whether he has pneumonia.",
    "Not sure if pneumonia.",
])
def test_not_certain_whether_is_possible(attributes, sentence):
    assert attributes("pneumonia", sentence)[0] == P


# ---- 11: after a dash or a colon, a clause saying its concept is present

@pytest.mark.parametrize(("concept", "sentence", "negation"), [
    ("cough", "No fever - cough present.", A),
    ("cough", "No fever: cough present.", A),
    ("cough", "No fever; cough present.", A),
    ("fever", "No fever - cough present.", N),
    ("cough", "No fever, cough present.", N),   # a comma lists negatives ('No rubs, gallops')
    ("cough", "No fever - no cough present.", N),
])
def test_present_after_a_dash_or_colon(attributes, concept, sentence, negation):
    assert attributes(concept, sentence)[0] == negation


# ---- 10 (sentence part) and 3 (attribute part): now after a history trigger

@pytest.mark.parametrize(("concept", "sentence", "temporality"), [
    ("SOB", "Pt is a 70M w/ h/o HTN, DM2, CKD who p/w SOB.", REC),
    ("CKD", "Pt is a 70M w/ h/o HTN, DM2, CKD who p/w SOB.", HIST),
    ("wheezing", "History of asthma, currently with wheezing.", REC),
    ("fever", "History of diabetes, today with fever.", REC),
    ("chest pain", "Status post MI with new chest pain today.", REC),
    ("MI", "Status post MI with new chest pain today.", HIST),
    ("edema", "History of CHF with worsening edema.", REC),
    ("aspirin", "Patient previously on warfarin, now on aspirin.", REC),
    ("warfarin", "Patient previously on warfarin, now on aspirin.", HIST),
    ("warfarin", "Previous DVT, on warfarin.", REC),
    ("DVT", "Previous DVT, on warfarin.", HIST),
    ("lisinopril", "History of HTN, currently on lisinopril.", REC),
    # guards
    ("warfarin", "Previously on warfarin, stopped in 2019.", HIST),
    ("stroke", "History of stroke, on exam no deficits.", HIST),
    ("exacerbations", "History of COPD with recurrent exacerbations.", HIST),
])
def test_now_after_a_history(attributes, concept, sentence, temporality):
    assert attributes(concept, sentence)[1] == temporality


@pytest.mark.parametrize(("concept", "sentence", "negation"), [
    ("rash", "No new rash.", N),
    ("cough", "No fever, now with new cough.", A),
    ("warfarin", "No DVT, on warfarin for atrial fibrillation.", A),
])
def test_now_and_negation(attributes, concept, sentence, negation):
    assert attributes(concept, sentence)[0] == negation


# ---- 17: the null sign

def test_null_sign_negates(attributes):
    assert attributes("fever", "\u00d8 fever.")[0] == N
