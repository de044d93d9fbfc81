"""Names in prose that shapes vouch for, found whole past the bundled tagger: "Last, First"
after a word that introduces a person, a first name with a middle initial, and an eponym's
surname after a role. All sentences and names are made up."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi

KEY = DeidKey(b"prose names secret, 32 bytes!!!!")


def _tagged(text: str) -> str:
    return deidentify_text(text, KEY, patient="p1", profile="tag").text


@pytest.mark.parametrize(("text", "name"), [
    ("Patient QUIMBY, ROSALIND seen this morning.", "QUIMBY, ROSALIND"),
    ("Patient SMITH, JOHN seen.", "SMITH, JOHN"),
    # a surname that is also a word, after "Patient"
    ("Patient GREEN, MARY A seen.", "GREEN, MARY A"),
    # the tagger read this surname as a place
    ("Patient JOHNSON, MARY A seen.", "JOHNSON, MARY A"),
    ("Pt Thistlewood, Rosalind seen in clinic.", "Thistlewood, Rosalind"),
    ("Spoke with Mrs. PENNYWHISTLE, EDNA about the plan.", "PENNYWHISTLE, EDNA"),
])
def test_last_comma_first_in_prose_is_a_name_whole(text, name):
    spans = detect_phi(text)
    parts = name.split(", ")
    assert [(text[s.start:s.end], s.type) for s in spans] == [(p, "NAME") for p in parts]
    assert _tagged(text) == text.replace(name, "[NAME], [NAME]")


@pytest.mark.parametrize("text", [
    "Pupils PERL, MAE, purposeful.",
    "Patient alert, oriented, calm.",
    "Pt stable, Will follow up tomorrow.",
])
def test_clinical_lists_with_commas_are_no_names(text):
    assert [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"] == []


@pytest.mark.parametrize(("text", "name"), [
    ("Patient John B. Carter was seen.", "John B. Carter"),
    ("Alice B. Carter, RN", "Alice B. Carter"),
    ("Patient states Grace B. Jones visited.", "Grace B. Jones"),   # first names that are words
    ("Seen by Rose B. Hill today.", "Rose B. Hill"),
    ("Discussed with Rosalind K Foley at the bedside.", "Rosalind K Foley"),
])
def test_a_middle_initial_keeps_the_surname_in_the_name(text, name):
    spans = detect_phi(text)
    assert name in [text[s.start:s.end] for s in spans if s.type == "NAME"]
    assert _tagged(text) == text.replace(name, "[NAME]")


@pytest.mark.parametrize(("text", "name"), [
    ("Nurse Foley saw pt.", "Foley"),
    ("RN Graves updated the family.", "Graves"),
])
def test_an_eponyms_surname_after_a_role_is_a_name(text, name):
    assert _tagged(text) == text.replace(name, "[NAME]")


@pytest.mark.parametrize("text", [
    "Pt Foley draining clear urine.",
    "Nurse Foley catheter care done.",
])
def test_an_eponym_after_a_role_word_before_its_head_is_no_name(text):
    assert [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"] == []


def test_a_hyphenated_institution_is_redacted_whole():
    text = "Seen at Dana-Farber Cancer Institute last week."
    out = _tagged(text)
    assert "Farber" not in out and "Dana" not in out and "-" not in out


@pytest.mark.parametrize(("span", "whole"), [((9, 17), (9, 24)), ((18, 24), (9, 24))])
def test_half_a_capitalised_compound_widens_to_the_whole(span, whole):
    from osler.privacy.deid.eponyms import without_eponyms
    from osler.privacy.deid.spans import PhiSpan

    text = "Moved to Lochmoor-Quimby in May; Non-Hodgkin lymphoma."
    got = without_eponyms(text, [PhiSpan(*span, "LOCATION")])
    assert [(s.start, s.end) for s in got] == [whole]


def test_a_compound_is_not_widened_into_an_eponym():
    from osler.privacy.deid.eponyms import without_eponyms
    from osler.privacy.deid.spans import PhiSpan

    text = "Hx of Non-Hodgkin lymphoma."
    start = text.index("Hodgkin")
    assert without_eponyms(text, [PhiSpan(start, start + 7, "NAME")]) == []


def test_a_compound_is_not_widened_across_a_relation_word():
    from osler.privacy.deid.eponyms import without_eponyms
    from osler.privacy.deid.spans import PhiSpan

    text = "SOCIAL: DAUGHTER-QUILLA CALLED."
    start = text.index("QUILLA")
    span = PhiSpan(start, start + 6, "NAME")
    assert without_eponyms(text, [span]) == [span]


@pytest.mark.parametrize(("text", "name"), [
    ("FAMILY: PT'S HUSBAND FRANK AND DAUGHTERS UPDATED.", "FRANK"),
    ("PT SEEN. SON BILL IN TO VISIT.", "BILL"),
    ("SISTER HOPE CALLED FOR UPDATE.", "HOPE"),
])
def test_a_first_name_that_is_a_word_after_a_relation_in_capitals_is_a_name(text, name):
    """In a note typed in capitals, case cannot tell "BILL" the son from a bill: the relation
    right before it does."""
    assert name in [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"]


@pytest.mark.parametrize("text", ["SON WILL CALL TOMORROW. WIFE AT BEDSIDE.",
                                  "DAUGHTER MAY VISIT TONIGHT.", "WIFE, SON AND SISTER IN."])
def test_modals_and_relations_after_a_relation_in_capitals_stay(text):
    assert [s for s in detect_phi(text) if s.type == "NAME"] == []


@pytest.mark.parametrize("text", [
    "NEURO: A+OX3, CONVERSING WITH WIFE, MAE, PERRLA.",   # moves all extremities
    "UPDATED SON, ART LINE REMOVED.",
    "PT eval: Therapist Trendelenburg gait noted.",
    "Per RN Foley output 20 ml/hr.",
    "PT LETHARGIC, MARY (DTR) NOTIFIED.",                 # an adjective is no surname
])
def test_clinical_words_near_relations_and_roles_are_no_names(text):
    found = [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"]
    assert not {"MAE", "ART", "Trendelenburg", "Foley", "LETHARGIC"} & set(found)


def test_a_word_wrongly_vouched_for_would_spread_so_mae_stays_in_every_note():
    from osler.privacy.deid import detect_phi_notes
    notes = ["NEURO: A+OX3, CONVERSING WITH WIFE, MAE, PERRLA.", "NEURO: A+OX3, MAE."]
    assert [[n[s.start:s.end] for s in spans]
            for n, spans in zip(notes, detect_phi_notes(notes))] == [[], []]


@pytest.mark.parametrize(("text", "name"), [
    ("DAUGHTER MARY ANN AT BEDSIDE.", "MARY ANN"),
    ("WIFE MARY LOU CALLED.", "MARY LOU"),
    ("Daughter Jean Marie called.", "Jean Marie"),
    ("DAUGHTER MARY WILL CALL.", "MARY"),          # a modal is not the second name
])
def test_a_double_first_name_after_a_relation_is_one_name(text, name):
    assert name in [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"]
    assert _tagged(text) == text.replace(name, "[NAME]")


def test_a_service_joined_to_a_doctors_name_does_not_spread():
    """"Dr. Nguyen-ENT": the surname spreads to the patient's other notes, the service not."""
    from osler.privacy.deid import detect_phi_notes
    notes = ["Seen by Dr. Nguyen-ENT today.", "ENT consult placed. Cards following.",
             "Dr. Kowalski-Cards aware. Nguyen to call."]
    found = [[n[s.start:s.end] for s in spans] for n, spans in zip(notes, detect_phi_notes(notes))]
    assert found == [["Nguyen-ENT"], [], ["Kowalski-Cards", "Nguyen"]]
