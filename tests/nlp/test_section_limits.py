"""Where a note's section yields to its sentence (``osler.nlp.sections``), and a paediatric
note's informant (``context_rules_child.json``). Made-up sentences, none from any note or the
NegEx set.

* A family history's sentence whose subject is the patient is the patient's, and a blank line
  followed by the patient's prose ends the family history; a list of relatives, or a list
  with no relative word under its header, stays the family's.
* A past history's Historical yields to an explicit cue of the present before the concept,
  and a known header with its colon after a sentence's end in mid-line starts its section.
* A procedure in a plan is Hypothetical (to be done) unless told as done; a medication in a
  plan is not changed by the section.
* The child, baby or infant a parent tells of is the patient, in notes and in single sentences.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

PAT, OTH = "Patient", "Other"


def _found(extractor, note: str) -> dict[str, object]:
    """Mentions of ``note`` by their text in lower case (each text once)."""
    mentions = extractor.extract(note)
    got = {m.text.lower(): m for m in mentions}
    assert len(got) == len(mentions), [m.text for m in mentions]
    return got


# --- Defect 1: a family history's patient sentences --------------------------------------

@pytest.mark.parametrize(("note", "concepts"), [
    ("FH: non-contributory\n\nPt c/o chest pain and nausea.", ("chest pain", "nausea")),
    ("FAMILY HISTORY:\nMother - diabetes\n\nThe patient presents with fever and cough.",
     ("fever", "cough")),
    ("FAMILY HISTORY: Father with CAD.\n\nPatient has a cough.", ("cough",)),
    ("FAMILY HISTORY: Mother - diabetes.\nPatient has hypertension.", ("hypertension",)),
    ("FAMILY HISTORY: Mother with breast cancer. Patient has diabetes.", ("diabetes",)),
    ("Family History: unremarkable. He presents with chest pain.", ("chest pain",)),
    ("Family history: sister with asthma. She denies fever.", ("fever",)),
    ("FAMILY HISTORY:\n- Father: CAD\n- Pt has hypertension", ("hypertension",)),
    ("Family History: mother had DVT.\nCurrent: cough and fever.", ("cough", "fever")),
])
def test_the_patient_in_a_family_history_is_the_patient(extractor, note, concepts):
    got = _found(extractor, note)
    assert [got[c].assertion.experiencer for c in concepts] == [PAT] * len(concepts)


@pytest.mark.parametrize(("note", "relatives", "patients"), [
    ("FAMILY HISTORY: Mother - diabetes.\nPatient has hypertension.", ("diabetes",),
     ("hypertension",)),
    ("FAMILY HISTORY:\nMother - diabetes\n\nThe patient presents with fever.", ("diabetes",),
     ("fever",)),
    ("FAMILY HISTORY: Mother with breast cancer. Patient has diabetes.", ("breast cancer",),
     ("diabetes",)),
])
def test_the_relatives_before_the_patient_stay_the_relatives(extractor, note, relatives,
                                                             patients):
    got = _found(extractor, note)
    assert [got[c].assertion.experiencer for c in relatives] == [OTH] * len(relatives)
    assert [got[c].assertion.experiencer for c in patients] == [PAT] * len(patients)


@pytest.mark.parametrize(("note", "concepts"), [
    ("FAMILY HISTORY:\nMother - diabetes\nFather - CAD", ("diabetes", "cad")),
    ("FH: HTN, DM", ("htn", "dm")),
    ("FAMILY HISTORY:\n\nDiabetes\nHypertension", ("diabetes", "hypertension")),
    ("FAMILY HISTORY:\nMother - diabetes\n\nBreast cancer in maternal aunt.",
     ("diabetes", "breast cancer")),
    ("FAMILY HISTORY: Patient's mother had breast cancer.", ("breast cancer",)),
    ("FAMILY HISTORY: Mother had breast cancer. She had a mastectomy.", ("breast cancer",)),
    ("FAMILY HISTORY: Patient has a brother with diabetes.", ("diabetes",)),
    ("FAMILY HISTORY:\nPt reports mother with asthma\nFather with COPD", ("asthma", "copd")),
])
def test_a_family_history_of_relatives_stays_the_familys(extractor, note, concepts):
    got = _found(extractor, note)
    assert [got[c].assertion.experiencer for c in concepts] == [OTH] * len(concepts)


def test_a_blank_line_and_patient_prose_ends_the_family_history_section(extractor):
    got = _found(extractor, "FH: Mother - asthma\n\nPt c/o nausea.")
    assert got["asthma"].section == "family_history"
    assert got["nausea"].section is None and got["nausea"].assertion.experiencer == PAT


# --- Defect 10: a past history yields to the present ---------------------------------------

@pytest.mark.parametrize(("note", "recent", "historical"), [
    ("PMH: DM.\nPresents today with fever and cough.", ("fever", "cough"), ("dm",)),
    ("PAST MEDICAL HISTORY: Hypertension.\n\nToday patient complains of chest pain.",
     ("chest pain",), ("hypertension",)),
    ("PMH: DM. Now with fever and cough.", ("fever", "cough"), ("dm",)),
    ("PMH: COPD, HTN.\nPt p/w nausea.", ("nausea",), ("copd", "htn")),
    ("PMH: COPD.\nCurrently c/o nausea.", ("nausea",), ("copd",)),
    ("PMH: asthma, CAD.\nNew chest pain.", ("chest pain",), ("asthma", "cad")),
    ("PAST MEDICAL HISTORY: Diabetes. HPI: Presents with fever.", ("fever",), ("diabetes",)),
])
def test_a_cue_of_the_present_overrides_the_past_history_section(extractor, note, recent,
                                                                 historical):
    got = _found(extractor, note)
    assert [got[c].assertion.temporality for c in recent] == ["Recent"] * len(recent)
    assert [got[c].assertion.temporality for c in historical] == (
        ["Historical"] * len(historical))


def test_a_past_history_without_a_present_cue_stays_historical(extractor):
    got = _found(extractor, "PMH: HTN, DM currently on insulin, CKD.")
    assert [got[c].assertion.temporality for c in ("htn", "dm", "ckd")] == ["Historical"] * 3


def test_a_midline_header_with_its_colon_starts_its_section(extractor):
    got = _found(extractor, "PAST MEDICAL HISTORY: Diabetes. HPI: Presents with fever.")
    assert got["diabetes"].section == "past_medical_history"
    assert got["fever"].section == "history_of_present_illness"
    # the mention's offsets are the original text's
    note = "PMH: COPD. PLAN: Cardiac catheterization."
    (cath,) = [m for m in extractor.extract(note) if m.category == "procedure"]
    assert note[cath.start:cath.end] == "Cardiac catheterization"
    assert cath.section == "observation_and_plan"


def test_a_header_word_without_a_colon_in_midline_is_prose(extractor):
    got = _found(extractor, "PMH: DM. Plan was to check for asthma.")
    assert got["asthma"].section == "past_medical_history"


# --- Defect 2: a plan's procedures are to be done ------------------------------------------

@pytest.mark.parametrize(("note", "procedures"), [
    ("PLAN: Cardiac catheterization tomorrow. Will obtain chest x-ray. "
     "Screening colonoscopy recommended.", ("cardiac catheterization", "chest x-ray",
                                            "colonoscopy")),
    ("PLAN: Cardiac catheterization.", ("cardiac catheterization",)),
    ("PLAN:\n- Chest x-ray\n- Echocardiogram", ("chest x-ray", "echocardiogram")),
    ("RECOMMENDATIONS: Colonoscopy.", ("colonoscopy",)),
    ("Assessment: chest pain.\nPlan: echocardiogram.", ("echocardiogram",)),
])
def test_a_procedure_in_a_plan_is_hypothetical(extractor, note, procedures):
    got = _found(extractor, note)
    assert [got[p].assertion.temporality for p in procedures] == (
        ["Hypothetical"] * len(procedures))


@pytest.mark.parametrize(("note", "procedure"), [
    ("# Plan\nThe following procedures were conducted:\n- chest x-ray\n- intubation",
     "intubation"),
    ("# Plan\nThe following procedures were conducted:\n- chest x-ray\n- intubation",
     "chest x-ray"),
    ("PLAN: Echocardiogram showed EF 30%, start lisinopril.", "echocardiogram"),
    ("ASSESSMENT AND PLAN: Pneumonia. Chest x-ray with infiltrate.", "chest x-ray"),
    ("IMPRESSION: Pneumonia seen on chest x-ray.", "chest x-ray"),
])
def test_a_procedure_told_as_done_stays_done(extractor, note, procedure):
    got = _found(extractor, note)
    assert got[procedure].assertion.temporality == "Recent"
    assert got[procedure].assertion.negation == "Affirmed"


def test_a_plans_medications_are_not_made_hypothetical_by_the_section(extractor):
    got = _found(extractor, "PLAN: Continue metformin. Start heparin. Colonoscopy.")
    assert got["metformin"].assertion.temporality == "Recent"
    assert got["heparin"].assertion.temporality == "Recent"
    assert got["colonoscopy"].assertion.temporality == "Hypothetical"


def test_a_planned_procedure_is_not_stored_as_completed(extractor):
    from osler.nlp.timeline import mention_events
    from osler.record import Note, Procedure, Provenance

    text = "HPI: Chest x-ray done in ED.\nPLAN: Cardiac catheterization tomorrow."
    note = Note(id="n1", coding=None, provenance=Provenance("notes.jsonl", "n1"),
                time=datetime(2024, 6, 1, 10, tzinfo=timezone.utc), text=text)
    mentions = extractor.extract(text)
    xray = next(m for m in mentions if m.text.lower() == "chest x-ray")
    procedures = [e for e in mention_events(note, mentions) if isinstance(e, Procedure)]
    # the catheterization is to be done: no event; the x-ray was done
    assert [(p.coding.code, p.status) for p in procedures] == [(xray.coding.code, "completed")]


# --- Defect 12: the child a parent tells of is the patient ---------------------------------

CHILD_SENTENCES = [
    ("Mother reports the child has had fever for two days.", "fever"),
    ("Mom states baby has been vomiting.", "vomiting"),
    ("Parents report the infant has diarrhea.", "diarrhea"),
    ("The child has fever per mother.", "fever"),
    ("Mother reports that her son has had a cough.", "cough"),
    ("Dad is worried because the toddler has a rash.", "rash"),
]


@pytest.mark.parametrize(("note", "concept"), CHILD_SENTENCES)
def test_the_child_a_parent_tells_of_is_the_patient_in_a_note(extractor, note, concept):
    assert _found(extractor, note)[concept].assertion.experiencer == PAT


@pytest.mark.parametrize(("sentence", "concept"), CHILD_SENTENCES)
def test_the_child_a_parent_tells_of_is_the_patient_in_one_sentence(attributes, sentence,
                                                                    concept):
    assert attributes(concept, sentence)[2] == PAT


@pytest.mark.parametrize(("sentence", "concept"), [
    ("Patient's child has influenza.", "influenza"),
    ("Patient reports her child has influenza.", "influenza"),
    ("Mother has diabetes.", "diabetes"),
    ("Mother reports the child has fever; sister has cough.", "cough"),
])
def test_a_relative_of_the_patient_stays_a_relative(attributes, sentence, concept):
    assert attributes(concept, sentence)[2] == OTH


def test_the_child_rules_carry_their_version():
    from osler.nlp.rules import rule_dicts
    from osler.resources import load_json

    data = load_json("nlp/context_rules_child.json",
                     keys={"source", "version", "context_rules"})
    assert data["version"] == "osler-child-1"
    assert {r["category"] for r in rule_dicts("nlp/context_rules_child.json")} == {"PATIENT"}


def test_a_midline_past_history_header_does_not_run_over_the_patients_prose(extractor):
    got = _found(extractor, "Presents with fever. PMH: DM. Denies chest pain.")
    assert got["chest pain"].assertion.temporality == "Recent"
    assert got["chest pain"].assertion.negation == "Negated"
    assert got["fever"].assertion.temporality == "Recent"


def test_a_long_note_in_pieces_carries_the_plan_and_ends_the_family_history(extractor,
                                                                             monkeypatch):
    import osler.nlp.concepts as concepts

    note = ("FAMILY HISTORY:\nMother had stroke.\n\n" + "No rash.\n\n" * 20
            + "Pt c/o nausea.\n\n" + "No edema.\n\n" * 20
            + "PLAN:\nContinue aspirin.\n\n" + "Follow up in clinic.\n\n" * 20
            + "Colonoscopy.\n")
    whole = [m.to_dict() for m in extractor.extract(note)]
    monkeypatch.setattr(concepts, "CHUNK_CHARS", 150)
    assert len(concepts._chunks(note)) > 5
    pieces = [m.to_dict() for m in extractor.extract(note)]
    assert pieces == whole
    got = {m["text"].lower(): m for m in pieces}
    assert got["stroke"]["experiencer"] == OTH and got["nausea"]["experiencer"] == PAT
    assert got["colonoscopy"]["temporality"] == "Hypothetical"
    assert got["aspirin"]["temporality"] == "Recent"


@pytest.mark.parametrize(("note", "procedure"), [
    ("Pneumonia ruled out by chest x-ray.", "chest x-ray"),
    ("Pneumonia was ruled out by chest x-ray.", "chest x-ray"),
    ("Pulmonary embolism excluded by CT.", "ct"),
    ("No pleural effusion was seen on echocardiogram.", "echocardiogram"),
])
def test_a_procedure_that_ruled_a_finding_out_was_done(extractor, note, procedure):
    got = _found(extractor, note)
    assert got[procedure].assertion.negation == "Affirmed"
    assert got[procedure].assertion.temporality == "Recent"


def test_a_procedure_ruled_out_by_nothing_found_stays_negated(extractor):
    got = _found(extractor, "Colonoscopy was not done by the team.")
    assert got["colonoscopy"].assertion.negation == "Negated"
