"""osler-context-21: five cases left over from the reviews of osler-context-18/-20 (made-up
sentences, none from the NegEx set), and the sentences near each fix that must keep their
answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

A, N, P = "Affirmed", "Negated", "Possible"
REC, HIST, HYP = "Recent", "Historical", "Hypothetical"
PAT, OTH = "Patient", "Other"


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # a finding given a duration after a comma is there: the negation stops at the comma
    ("fever", "No sick contacts, fever x2 days.", (A, REC, PAT)),
    ("sick contacts", "No sick contacts, fever x2 days.", (N, REC, PAT)),
    ("fever", "Denies sick contacts, fever x 2 days.", (A, REC, PAT)),
    ("productive cough", "No fever, productive cough x3 wks.", (A, REC, PAT)),
    ("cough", "No fever, cough x2d.", (A, REC, PAT)),
    ("fever", "No fever, cough x2d.", (N, REC, PAT)),
    ("headache", "Unlikely meningitis, headache x 3-4 days.", (A, REC, PAT)),
])
def test_a_finding_with_a_duration_after_a_negation_is_affirmed(attributes, concept, sentence,
                                                                 expected):
    assert attributes(concept, sentence) == expected


@pytest.mark.parametrize(("concept", "sentence"), [
    ("fever", "No fever, chills or cough."),
    ("chills", "No fever, chills or cough."),
    ("cough", "No fever, chills or cough."),
    # 'or' joins the list: the duration is of the whole negated list
    ("chills", "No fever, chills or cough x2 days."),
    ("cough", "No fever, chills or cough x2 days."),
    # no comma: the duration is of what is denied
    ("fever", "No fever x2 days."),
    ("fever", "Denies fever for 2 days."),
    ("rash", "No fevers, chills, sick contacts, rash."),
])
def test_negated_lists_stay_negated(attributes, concept, sentence):
    assert attributes(concept, sentence)[0] == N


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 'admitted with' ends a history's reach without a comma too
    ("pneumonia", "History of CHF admitted with pneumonia.", (A, REC, PAT)),
    ("CHF", "History of CHF admitted with pneumonia.", (A, HIST, PAT)),
    ("pneumonia", "History of CHF, admitted with pneumonia.", (A, REC, PAT)),
    ("cellulitis", "Hx of DVT now admitted for cellulitis.", (A, REC, PAT)),
    ("cough", "No fever, admitted with cough.", (A, REC, PAT)),
    # a past admission stays in the past
    ("pneumonia", "Previously admitted with pneumonia.", (A, HIST, PAT)),
    ("CHF exacerbation", "Last admitted for CHF exacerbation.", (A, HIST, PAT)),
    ("pneumonia", "History of being admitted with pneumonia.", (A, HIST, PAT)),
    ("pneumonia", "Admitted with pneumonia in 2015.", (A, HIST, PAT)),
    ("MI", "History of MI in 2010.", (A, HIST, PAT)),
    ("MI", "History of MI.", (A, HIST, PAT)),
])
def test_admitted_with_is_now(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # a pronoun of the other gender than the relative's is the patient again
    ("fever", "Daughter with cough, he has fever.", (A, REC, PAT)),
    ("cough", "Daughter with cough, he has fever.", (A, REC, OTH)),
    ("fever", "Son with cough, she has fever.", (A, REC, PAT)),
    ("fever", "HPI: Mother with cough, he also has fever.", (A, REC, PAT)),
    ("hypertension", "Family history: mother with diabetes, he has hypertension.",
     (A, REC, PAT)),
    # the same gender keeps the relative's reach (osler-context-20)
    ("fever", "Son with cough, he has fever.", (A, REC, OTH)),
    ("BRCA mutation", "Sister: breast cancer at 40, she has a BRCA mutation.", (A, REC, OTH)),
    ("hypertension", "Family history: mother with diabetes, she has hypertension.",
     (A, REC, OTH)),
    # a relative of no one gender keeps it too
    ("asthma", "Sibling with eczema, she has asthma.", (A, REC, OTH)),
    # 'patient has' always ends it; 'and he has' did before
    ("hypertension", "Family history: mother with diabetes, patient has hypertension.",
     (A, REC, PAT)),
    ("hypertension", "His mother has diabetes and he has hypertension.", (A, REC, PAT)),
    ("breast cancer", "Mother with breast cancer.", (A, REC, OTH)),
    ("breast cancer", "Mother with breast cancer, she had a mastectomy.", (A, REC, OTH)),
    # ', he has' still ends a negation's and a history's reach, as ', has' does
    ("fever", "No cough, he has fever.", (A, REC, PAT)),
    ("wheezing", "History of asthma, she has wheezing.", (A, REC, PAT)),
    ("cough", "No cough, he has fever.", (N, REC, PAT)),
])
def test_a_pronoun_of_the_other_gender_ends_a_relatives_reach(attributes, concept, sentence,
                                                              expected):
    assert attributes(concept, sentence) == expected


@pytest.mark.parametrize("sentence", [
    "FHx positive for diabetes.",
    "FH positive for diabetes.",
    "FH is positive for diabetes.",
    "Fam hx positive for diabetes.",
    "Family hx positive for diabetes.",
    "Family history positive for diabetes.",
    "Family history is positive for diabetes.",
    "FHx: diabetes.",
    "FH: diabetes.",
    "Family history: diabetes.",
    "FHx of diabetes.",
    "Family history of diabetes.",
])
def test_family_history_abbreviated_or_not_agrees(attributes, sentence):
    assert attributes("diabetes", sentence) == (A, HIST, OTH)


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("hypertension", "FHx: diabetes, patient has hypertension.", (A, REC, PAT)),
    ("diabetes", "FHx negative for diabetes.", (N, HIST, OTH)),
    ("diabetes", "No FHx of diabetes.", (N, HIST, OTH)),
])
def test_family_history_ends_where_the_patient_returns(attributes, concept, sentence,
                                                        expected):
    assert attributes(concept, sentence) == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # an organism's precautions: known colonisation or infection
    ("MRSA", "On MRSA precautions.", (A, REC, PAT)),
    ("MRSA", "MRSA precautions.", (A, REC, PAT)),
    # precautions while a diagnosis is ruled out: suspected only
    ("TB", "r/o TB, on airborne precautions.", (P, REC, PAT)),
    ("TB", "On airborne precautions to rule out TB.", (P, REC, PAT)),
    # what a precaution guards against has not happened
    ("seizure", "Seizure precautions.", (A, HYP, PAT)),
])
def test_precautions(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


def test_notes_read_the_leftover_cases_alike(extractor):
    def one(text, concept):
        (m,) = [m for m in extractor.extract(text) if m.text == concept]
        a = m.assertion
        return a.negation, a.temporality, a.experiencer

    assert one("No sick contacts, fever x2 days.", "fever") == (A, REC, PAT)
    assert one("History of CHF admitted with pneumonia.", "pneumonia") == (A, REC, PAT)
    assert one("Daughter with cough, he has fever.", "fever") == (A, REC, PAT)
    assert one("FHx positive for diabetes.", "diabetes") == (A, HIST, OTH)
