"""osler-context-22: a pronoun in the past tense after a relative (made-up sentences, none from
the NegEx set). ', he had' after a woman relative, ', she had' after a man, is the patient
again, as ', he has' was since osler-context-21; the same gender, or a relative of no gender,
keeps the relative's reach; a history's reach goes on."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

A, N, P = "Affirmed", "Negated", "Possible"
REC, HIST = "Recent", "Historical"
PAT, OTH = "Patient", "Other"


@pytest.mark.parametrize(("concept", "sentence"), [
    ("fever", "Mother has diabetes, he had fever last night."),
    ("fever", "Mother has diabetes, he also had fever last night."),
    ("fever", "Wife has influenza, he developed fever yesterday."),
    ("fever", "Daughter with cough, he had fever."),
    ("fever", "Mother has diabetes, he has had fever since Monday."),
    ("cough", "Father has diabetes, she had a cough yesterday."),
    ("cough", "Husband with influenza, she has had a cough."),
    ("mi", "Her father had a stroke, she had an MI last week."),
    ("fever", "Mother: diabetes, he had fever."),
    # a pronoun after a full stop starts a sentence, in lower case too
    ("fever", "Mother has diabetes. he had fever last night."),
    # a capital after the full stop was a sentence of its own before, and still is
    ("fever", "Mother has diabetes. He had fever last night."),
    ("cough", "Father has diabetes. She had a cough yesterday."),
    # the patient named again ends a relative's reach, of either gender
    ("fever", "Mother has diabetes, patient had fever last night."),
    ("fever", "Father has diabetes, pt also had fever last night."),
    ("fever", "Father has diabetes, patient has had fever."),
])
def test_a_pronoun_of_the_other_gender_is_the_patient(attributes, concept, sentence):
    assert attributes(concept, sentence)[2] == PAT


@pytest.mark.parametrize(("concept", "sentence"), [
    ("stroke", "His father had a stroke; he had it at 50."),
    ("stroke", "His father had a stroke, he had it at 50."),
    # the same gender: the pronoun may be the relative's, who keeps the reach
    ("mi", "His father had a stroke, he had an MI at 50."),
    ("mi", "Her mother had a stroke, she had an MI at 50."),
    ("fever", "Mother with cough, she had fever."),
    ("breast cancer", "Sister: ovarian cancer at 40, she had breast cancer at 45."),
    # a relative of no one gender keeps it too (as for ', he has')
    ("fever", "Sibling with influenza, he had fever."),
    # what the relative has, before the pronoun, stays hers
    ("diabetes", "Mother has diabetes, he had fever last night."),
    ("diabetes", "Father has diabetes. she had a cough yesterday."),
    ("diabetes", "Mother has diabetes, patient had fever last night."),
])
def test_the_relative_keeps_what_is_hers(attributes, concept, sentence):
    assert attributes(concept, sentence)[2] == OTH


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # a past-tense pronoun ends a negation's and a possibility's reach, as ', had' does
    ("cough", "No fever, he had cough.", (A, REC, PAT)),
    ("fever", "No fever, he had cough.", (N, REC, PAT)),
    ("cough", "Possible pneumonia, she had cough.", (A, REC, PAT)),
    ("pneumonia", "Possible pneumonia, she had cough.", (P, REC, PAT)),
    ("cough", "Denies fever, pt had cough.", (A, REC, PAT)),
    # but not a history's: the past tense is no sign of now
    ("seizure", "Years ago, he had a seizure.", (A, HIST, PAT)),
    ("seizure", "History of epilepsy, she had a seizure.", (A, HIST, PAT)),
    ("dvt", "History of DVT, pt had a filter placed.", (A, HIST, PAT)),
    # ', pt with' and ', pt developed' stay ', patient has' (PATIENT_NOW): now
    ("fever", "History of asthma, pt developed fever.", (A, REC, PAT)),
    ("cough", "History of asthma, pt with cough x 2 days.", (A, REC, PAT)),
    ("mi", "Denies any history of stroke, he has had MI.", (A, HIST, PAT)),
    # a trigger that ends at a full stop keeps it: the pronoun rules start at a comma only
    ("fever", "Fever denied. He had cough.", (N, REC, PAT)),
    ("fever", "Fever denied. he had cough.", (N, REC, PAT)),
    ("cough", "No fever. he had cough.", (A, REC, PAT)),
])
def test_a_past_tense_pronoun_ends_a_negation_not_a_history(attributes, concept, sentence,
                                                             expected):
    assert attributes(concept, sentence) == expected


def test_a_note_gives_the_relative_hers_and_the_patient_his(extractor):
    mentions = extractor.extract("Mother has diabetes, he had fever last night.")
    assert [(m.text, m.assertion.experiencer) for m in mentions] == [
        ("diabetes", OTH), ("fever", PAT)]


def test_a_pronoun_after_a_full_stop_starts_a_sentence():
    pytest.importorskip("medspacy")
    from osler.nlp.context import build_pipeline, sentence_starts

    nlp = build_pipeline(sentences=False)
    doc = nlp.make_doc("Mother has diabetes. he had fever")
    assert [doc[i].text for i in sentence_starts(doc)] == ["he"]
    doc = nlp.make_doc("Seen by pt. denies fever")   # other lower-case words: as before
    assert sentence_starts(doc) == []
