"""A relative's reach carried into the next sentence by a pronoun, in the note pipeline only
(``osler.nlp.experiencer``; made-up sentences, none from the NegEx set or any note).

"Father has diabetes. He had a stroke.": the stroke is the father's. The pronoun must agree
with the relative, the sentence before must be about the relative alone, and the pronoun's
sentence must not name the patient or this visit ("He denies chest pain" is the patient's).
``osler nlp context`` (one concept in its one sentence) is unchanged.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

PAT, OTH = "Patient", "Other"


def _experiencer(extractor, note: str, concept: str) -> str:
    found = [m.assertion.experiencer for m in extractor.extract(note)
             if m.text.lower() == concept]
    assert len(found) == 1, (concept, found)
    return found[0]


@pytest.mark.parametrize(("note", "concept"), [
    ("Father has diabetes. He had a stroke.", "stroke"),
    ("Father has diabetes. he had a stroke.", "stroke"),
    ("His father has diabetes. He had a stroke at 60.", "stroke"),
    ("Patient's mother had breast cancer. She had a stroke at 70.", "stroke"),
    ("Maternal aunt had breast cancer. She had a stroke at 50.", "stroke"),
    ("Mother's sister had breast cancer. She had a stroke.", "stroke"),
    ("Wife has asthma. She had pneumonia last winter.", "pneumonia"),
    ("Mother was diagnosed with breast cancer. She had a stroke.", "stroke"),
    ("Sibling has asthma. She had pneumonia.", "pneumonia"),   # a relative of no gender
    ("Both parents have diabetes. They had strokes.", "strokes"),
    ("Mother and sister have breast cancer. They had strokes.", "strokes"),
    ("- Father: diabetes\n- He had a stroke at 60", "stroke"),
    ("Father has diabetes.\nHe had a stroke.", "stroke"),   # a line break is no paragraph
    ("FATHER HAS DIABETES. HE HAD A STROKE.", "stroke"),
    # ambiguous without a cue of the patient: read as the subject just named (documented)
    ("Mother has diabetes. She has a cough.", "cough"),
])
def test_a_pronoun_after_a_relative_is_the_relative(extractor, note, concept):
    assert _experiencer(extractor, note, concept) == OTH


def test_the_relative_keeps_what_the_sentence_before_gave_her(extractor):
    mentions = extractor.extract("Father has diabetes. He never had a stroke.")
    assert [(m.text, m.assertion.negation, m.assertion.experiencer) for m in mentions] == [
        ("diabetes", "Affirmed", OTH), ("stroke", "Negated", OTH)]


@pytest.mark.parametrize(("note", "concept"), [
    # the patient named, or a sentence of this visit: the pronoun is the person in the room
    ("Father has diabetes. Patient denies chest pain.", "chest pain"),
    ("Father has diabetes. He denies chest pain.", "chest pain"),
    ("Mother has diabetes. She denies chest pain.", "chest pain"),
    ("Mother has diabetes. She reports a cough.", "cough"),
    ("Mother has diabetes. She presents with fever.", "fever"),
    ("Father has diabetes. He has a cough today.", "cough"),
    ("Mother had an MI at 50. She has had chest pain for 3 days.", "chest pain"),
    ("Mother had an MI at 50. She has had chest pain x2 days.", "chest pain"),
    ("Father had an MI. He had fever since yesterday.", "fever"),
    # the pronoun does not agree with the relative
    ("Mother has diabetes. He had a stroke.", "stroke"),
    ("Father has diabetes. She had a stroke.", "stroke"),
    ("Brothers have diabetes. He had a stroke.", "stroke"),
    ("Father has diabetes. They did a CT for stroke.", "stroke"),   # the clinicians
    # the sentence before is not about a relative alone
    ("Father brought him in. He had a seizure.", "seizure"),   # an informant, no concept
    ("Father has diabetes, patient has asthma. He had a stroke.", "stroke"),
    ("Friend has asthma. She had pneumonia.", "pneumonia"),   # no relative
    # a relative who tells or worries is an informant (a child's note), whatever ConText gave
    ("Mother reports fever. She had a stroke.", "stroke"),
    ("Mother also reports fever. She had a stroke.", "stroke"),
    ("Mother is worried about fever. She had a stroke.", "stroke"),
    # a relative acting for the patient: the drug given is the patient's
    ("Mother has diabetes. She gave acetaminophen.", "acetaminophen"),
    ("Diabetes in father. He had a stroke.", "stroke"),   # the relative is not the subject
    # a possessive opens a new subject, whose is not said
    ("Father has diabetes. His cough is worse.", "cough"),
    # 'HE' in capitals in mixed text is hepatic encephalopathy, no pronoun
    ("Father has diabetes. HE with fever.", "fever"),
    # a blank line ends the reach
    ("Father has diabetes.\n\nHe had a stroke.", "stroke"),
])
def test_a_pronoun_that_may_be_the_patient_stays_the_patient(extractor, note, concept):
    assert _experiencer(extractor, note, concept) == PAT


def test_the_relative_before_stays_hers_when_the_pronoun_is_the_patient(extractor):
    mentions = extractor.extract("Mother has diabetes. She denies chest pain.")
    assert [(m.text, m.assertion.experiencer) for m in mentions] == [
        ("diabetes", OTH), ("chest pain", PAT)]


@pytest.mark.parametrize(("note", "expected"), [
    # a chain: a sentence with no concept still carries the relative on
    ("Mother had breast cancer. She was treated with surgery. She had a stroke. "
     "Patient denies chest pain.",
     [("breast cancer", OTH), ("stroke", OTH), ("chest pain", PAT)]),
    ("Mother had breast cancer. She had a stroke. She had an MI at 70.",
     [("breast cancer", OTH), ("stroke", OTH), ("MI", OTH)]),
    # the patient named ends the chain: a pronoun after it is the patient's
    ("Mother had breast cancer. Patient denies chest pain. She had a stroke.",
     [("breast cancer", OTH), ("chest pain", PAT), ("stroke", PAT)]),
    # so does a pronoun sentence of this visit
    ("Mother had breast cancer. She denies chest pain. She had a stroke.",
     [("breast cancer", OTH), ("chest pain", PAT), ("stroke", PAT)]),
    # and a sentence that opens otherwise
    ("Mother had breast cancer. Cough for a week. She had a stroke.",
     [("breast cancer", OTH), ("Cough", PAT), ("stroke", PAT)]),
    # a new relative takes over the chain
    ("Father had an MI. His sister had breast cancer. She had a stroke.",
     [("MI", OTH), ("breast cancer", OTH), ("stroke", OTH)]),
    ("Father had an MI. His sister had breast cancer. He had a stroke.",
     [("MI", OTH), ("breast cancer", OTH), ("stroke", PAT)]),
])
def test_a_chain_of_pronouns(extractor, note, expected):
    assert [(m.text, m.assertion.experiencer) for m in extractor.extract(note)] == expected


@pytest.mark.parametrize(("note", "expected"), [
    # a section header between ends the reach
    ("Family History: Father has diabetes.\nSocial History:\nHe had a stroke.",
     [("diabetes", OTH, "family_history"), ("stroke", PAT, "social_history")]),
    ("Mother has diabetes.\nPlan:\nShe has a cough.",
     [("diabetes", OTH, None), ("cough", PAT, "observation_and_plan")]),
    ("Mother has diabetes.\nVitals: She had a fever.",
     [("diabetes", OTH, None), ("fever", PAT, None)]),
    # inside a family history everything is someone else's already
    ("FAMILY HISTORY:\nMother had breast cancer.\nShe had a stroke.",
     [("breast cancer", OTH, "family_history"), ("stroke", OTH, "family_history")]),
    # within one section the reach goes on
    ("HPI: Mother has diabetes. She had a stroke.",
     [("diabetes", OTH, "history_of_present_illness"),
      ("stroke", OTH, "history_of_present_illness")]),
])
def test_section_boundaries(extractor, note, expected):
    assert [(m.text, m.assertion.experiencer, m.section)
            for m in extractor.extract(note)] == expected


def test_a_note_read_in_pieces_carries_the_relative_across_a_cut(extractor, monkeypatch):
    import osler.nlp.concepts as concepts

    note = "Father has diabetes.\nHe had a stroke.\nHe had an MI.\n"
    whole = [m.to_dict() for m in extractor.extract(note)]
    assert [m["experiencer"] for m in whole] == [OTH, OTH, OTH]
    monkeypatch.setattr(concepts, "CHUNK_CHARS", 20)
    assert len(concepts._chunks(note)) == 3
    assert [m.to_dict() for m in extractor.extract(note)] == whole


def test_a_note_read_in_pieces_stops_at_a_blank_line_cut(extractor, monkeypatch):
    import osler.nlp.concepts as concepts

    note = "Father has diabetes.\n\nHe had a stroke.\n"
    whole = [m.to_dict() for m in extractor.extract(note)]
    assert [m["experiencer"] for m in whole] == [OTH, PAT]
    monkeypatch.setattr(concepts, "CHUNK_CHARS", 20)
    assert len(concepts._chunks(note)) > 1
    assert [m.to_dict() for m in extractor.extract(note)] == whole


def test_each_note_starts_afresh(extractor):
    first, second = extractor.extract_many(["Father has diabetes.", "He had a stroke."])
    assert [m.assertion.experiencer for m in first] == [OTH]
    assert [m.assertion.experiencer for m in second] == [PAT]


def test_the_single_sentence_path_is_unchanged(attributes):
    # `osler nlp context` rates one concept in its sentence: ConText's reach is the sentence
    assert attributes("stroke", "Father has diabetes. He had a stroke.")[2] == PAT


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Father has diabetes.", ("father", "male")),
    ("His maternal aunt had a stroke.", ("aunt", "female")),
    ("Mother's sister had a stroke.", ("sister", "female")),
    ("Patient's father had an MI.", ("father", "male")),
    ("Both parents have diabetes.", ("parents", "plural")),
    ("Mother and sister have breast cancer.", ("mother", "plural")),
    ("Her older half-brother has asthma.", ("brother", "male")),
    ("Cousin has asthma.", ("cousin", "neutral")),
    ("Diabetes in father.", None),
    ("Mother reports fever.", None),
    ("Mother is concerned about fever.", None),
    ("Father brought him in.", None),
    ("Patient has diabetes.", None),
    ("His cough is worse.", None),
])
def test_the_relative_a_sentence_opens_with(sentence, expected):
    pytest.importorskip("medspacy")
    from osler.nlp.context import build_pipeline
    from osler.nlp.experiencer import relative_subject

    doc = build_pipeline(sentences=False).make_doc(sentence)
    found = relative_subject(doc[:])
    assert (None if found is None else (found.word, found.gender)) == expected
