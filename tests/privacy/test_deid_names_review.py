"""Names a review of ``osler deid text`` found left or wrongly taken: a rare name after a role
in a note typed in capitals, a known name joined by underscores or digits, and words taken for
names. All sentences and names are made up."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_notes, deidentify_text

KEY = DeidKey(b"names review secret, 32 bytes!!!")


def _tagged(text: str) -> str:
    return deidentify_text(text, KEY, patient="p1", profile="tag").text


@pytest.mark.parametrize(("text", "expected"), [
    ("VS STABLE. RN WINSLOW KEMBER.", "VS STABLE. RN [NAME]."),
    ("NURSE WINSLOW KEMBER AT BEDSIDE.", "NURSE [NAME] AT BEDSIDE."),
    ("NP WINSLOW KEMBER AWARE.", "NP [NAME] AWARE."),
    ("PER RN WINSLOW KEMBER, PT TOLERATING TF.", "PER RN [NAME], PT TOLERATING TF."),
    ("CHARGE RN WINSLOW KEMBER AWARE", "CHARGE RN [NAME] AWARE"),
    ("RN W. KEMBER", "RN [NAME]"),
    ("PT RESTING. RN KEMBER SPOKE WITH FAMILY.", "PT RESTING. RN [NAME] SPOKE WITH FAMILY."),
    ("RN SMITH.", "RN [NAME]."),
    ("NEURO INTACT.\nRN BARNABY OKONKWO-FLETT", "NEURO INTACT.\nRN [NAME]"),
])
def test_a_rare_name_after_a_role_in_capitals_is_redacted(text, expected):
    assert _tagged(text) == expected


#: Made-up sentences of an ICU nursing note typed in capitals: no name in any of them.
CAPITALS_NOTE = """\
RN AWARE OF K 3.2, REPLETED WITH 40 MEQ KCL PO.
MD PAGED RE: HYPOTENSION, SBP 80S, 500 CC NS BOLUS GIVEN.
RT SUCTIONED FOR THICK TAN SECRETIONS, LS COARSE.
FAMILY IN TO VISIT, UPDATED BY RN AND MD AT BEDSIDE.
PT TOLERATING TF AT GOAL 60 CC/HR, RESIDUALS MINIMAL.
HOFFMANN SIGN NEG, BABINSKI NEG, RN HOFFMANN SIGN NEG.
RN NOTIFIED OF CRITICAL LAB. MD AWARE. NP ORDERS NOTED.
RN TO FOLLOW UP AM LABS. RN ROSE AT 0400 TO CHECK LINES.
NP SWAB SENT FOR VIRAL PANEL. NP AIRWAY PLACED.
RT ARM SWOLLEN, RT IJ CVL DSG C/D/I. PA CATH PULLED BACK 2 CM.
PA PRESSURES 40/20, PA SYST DOWN AFTER LASIX.
MD AT BEDSIDE FOR LINE PLACEMENT. RN ASSISTING.
RN GIVEN REPORT. CHARGE RN AWARE OF BED REQUEST.
MD UPDATED RE: UO 20 CC/HR X 2 HRS, NO NEW ORDERS.
RN SPOKE WITH WIFE BY PHONE, QUESTIONS ANSWERED.
RESP: ON VENT PRVC 500 X 14, PEEP 5, FIO2 40%. RT AWARE.
GI: ABD SOFT, +BS, NO STOOL THIS SHIFT. NP AWARE, BOWEL REGIMEN ORDERED.
SKIN: STAGE II ON COCCYX, DSG CHANGED. RN REPOSITIONED Q2H.
MD IN TO SEE PT, PLAN TO EXTUBATE IN AM. RN WILL MONITOR.
SOCIAL: SW CONSULTED, NURSE MANAGER AWARE. RN CARE PLAN UPDATED.
PER MD, HOLD TF FOR OR IN AM. RN DRESSING CHANGED. MD CALLED BACK.
RN FLOAT FROM 7 NORTH. NURSE PRACTITIONER AWARE.
MD AGREES. RN ANTICIPATES. NP RECOMMENDS. MD WANTS.
RN SWAN PULLED BACK. MD HERE. RN OUT OF ROOM.
NP SIGNED OFF. MD OK. RN DOUBLE CHECKED.
RN TITRATING NEO. RN PRESENT. MD RECS NOTED.
RN EXPLAINED PLAN. RN UNAVAILABLE. MD BUSY.
MD DECIDED TO HOLD. MD STAT. RN PRN. RN AM.
MD CONSIDERING CT. RN TOLD. NURSE MANAGER. RN DUTY.
RN COVERING. RN SIGNOUT. MD SIGNOUT GIVEN. RN HANDOFF.
"""


@pytest.mark.parametrize("line", CAPITALS_NOTE.splitlines())
def test_clinical_words_after_a_role_in_capitals_stay(line):
    assert "[NAME]" not in _tagged(line)


def test_a_capitals_note_of_clinical_words_keeps_every_word():
    assert "[NAME]" not in _tagged(CAPITALS_NOTE)


def _notes(*texts: str) -> list[str]:
    return [d.text for d in deidentify_notes(list(texts), KEY, patient="p1", profile="tag")]


def test_a_known_name_joined_by_underscores_is_redacted_in_another_note():
    _, second = _notes("Patient: Zebulon Quaxworth. MRN 00483921.",
                       "Scanned consent saved as Quaxworth_Zebulon_consent.pdf.")
    assert "Quaxworth" not in second and "Zebulon" not in second
    assert second.endswith("_consent.pdf.")


@pytest.mark.parametrize("mention", ["Quaxworth2", "2Quaxworth", "ZQuaxworth"])
def test_a_known_name_joined_by_a_digit_or_after_an_initial_is_redacted(mention):
    _, second = _notes("Patient: Zebulon Quaxworth.", f"File {mention} reviewed.")
    assert "Quaxworth" not in second


def test_a_known_name_inside_a_longer_word_stays():
    # letters still bound a word: "Quaxworthy" is another word, "ABQuaxworth" no initial
    _, second = _notes("Patient: Zebulon Quaxworth.", "Quaxworthy ABQuaxworth noted.")
    assert second == "Quaxworthy ABQuaxworth noted."


@pytest.mark.parametrize("text", [
    "Pt has Parkinson's. Parkinson disease stable.",
    "Hx of Crohn's and Graves; on methimazole.",
    "Hx: Graves.",
    "Hx of Alzheimer's and Graves' disease.",
    "Hx of Crohn's, Hashimoto's, Raynaud's.",
    "Blake drain in place. Osborn waves on ECG.",
])
def test_a_disease_eponym_without_a_head_word_is_no_name(text):
    assert _tagged(text) == text


def test_an_eponym_phrase_wins_over_the_same_word_as_a_name():
    assert _tagged("Ms. Down seen. Down syndrome noted.") == (
        "Ms. [NAME] seen. Down syndrome noted.")


@pytest.mark.parametrize(("text", "expected"), [
    ("Mr. Parkinson's wife called.", "Mr. [NAME] wife called."),
    ("Spoke with Parkinson's daughter.", "Spoke with [NAME] daughter."),
    ("Nurse Graves saw pt.", "Nurse [NAME] saw pt."),
])
def test_an_eponym_surname_that_is_a_person_stays_a_name(text, expected):
    assert _tagged(text) == expected


def test_a_word_after_a_sentence_end_does_not_join_a_name_field():
    assert _tagged("Patient: Zebulon Quaxworth. Seen today.") == "Patient: [NAME]. Seen today."


@pytest.mark.parametrize(("text", "expected"), [
    ("Dr. Zebulon Quaxworth M.D. saw pt.", "Dr. [NAME] M.D. saw pt."),
    ("Dr. Quaxworth M.D.", "Dr. [NAME] M.D."),
    ("Signed by Zebulon Quaxworth, M.D.", "Signed by [NAME], M.D."),
])
def test_a_degree_written_with_stops_is_not_split_into_an_initial(text, expected):
    assert _tagged(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("/s/ D. Ashcombe", "/s/ [NAME]"),
    ("Note completed.\n/s/ Ashcombe, MD", "Note completed.\n/s/ [NAME], MD"),
    ("Pemberton, Ignatius (MRN 4412312) seen today.", "[NAME], [NAME] (MRN [ID]) seen today."),
    ("Ignatius Pemberton presents with chest pain.", "[NAME] presents with chest pain."),
])
def test_a_name_after_a_signature_mark_or_before_a_record_number_is_redacted(text, expected):
    assert _tagged(text) == expected


@pytest.mark.parametrize("text", [
    "/s/ pending",
    "Seen today. Acute Pancreatitis presented with epigastric pain.",
    "Chest Pain presents with diaphoresis.",
])
def test_clinical_words_after_those_cues_stay(text):
    assert _tagged(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("Discussed plan with Ignatius Pemberton at bedside.",
     "Discussed plan with [NAME] at bedside."),
    ("Case reviewed with Lucinda and Bartholomew from SW.",
     "Case reviewed with [NAME] and [NAME] from SW."),
])
def test_the_rest_of_a_name_found_in_part_is_redacted(text, expected):
    assert _tagged(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Discussed with Dr. Pemberton and Lasix held.", "Discussed with Dr. [NAME] and Lasix held."),
    ("Discussed Dr. Pemberton's plan.", "Discussed Dr. [NAME] plan."),
    ("Seen with Dr. Pemberton and Chicago team.", "Seen with Dr. [NAME] and Chicago team."),
])
def test_words_next_to_a_name_that_name_no_one_stay(text, expected):
    assert _tagged(text) == expected


def test_a_full_name_before_a_doctors_degree_is_redacted():
    assert _tagged("Seen by Zebulon Quaxworth, M.D. today.") == "Seen by [NAME], M.D. today."


@pytest.mark.parametrize("text", ["Heparin Drip, M.D. aware", "Internal Medicine, M.D.",
                                  "General Surgery, M.D."])
def test_clinical_words_before_a_degree_stay(text):
    assert _tagged(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("Discussed with Dr. Pemberton Tuesday and family.",
     "Discussed with Dr. [NAME] Tuesday and family."),
    ("Spoke to Dr. Kowal Monday re: plan.", "Spoke to Dr. [NAME] Monday re: plan."),
    ("DR. QUAXWORTH MONDAY.", "DR. [NAME] MONDAY."),
    # a month or day that is the name itself stays in it
    ("Dr. A. March saw pt.", "Dr. [NAME] saw pt."),
    ("Seen by Dr. April Jones.", "Seen by Dr. [NAME]."),
])
def test_a_day_or_month_after_a_doctors_name_is_not_part_of_it(text, expected):
    # taken into the name, "Tuesday" spread to every "Tuesday" of the patient's notes
    assert _tagged(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("PMH: HTN, Graves, DM.", "PMH: HTN, Graves, DM."),
    ("Hx of HTN, DM, Crohn", "Hx of HTN, DM, Crohn"),
    # the list ends at a stop or a semicolon; a title still makes a name
    ("PMH: HTN. Seen by Graves today.", "PMH: HTN. Seen by [NAME] today."),
    ("PMH: HTN; Graves aware.", "PMH: HTN; [NAME] aware."),
    ("PMH: HTN, Dr. Graves following.", "PMH: HTN, Dr. [NAME] following."),
])
def test_a_disease_eponym_further_on_in_a_history_list_is_kept(text, expected):
    assert _tagged(text) == expected
