"""Name detection around titles, roles and sentence ends (sentences written for these tests)."""

from __future__ import annotations

import pytest

from osler.privacy.deid import detect_phi


def _names(text: str) -> list[str]:
    return [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"]


@pytest.mark.parametrize(("text", "names"), [
    ("Daughter called, updated by RN. Family to come in tonight.", []),
    ("Lopressor per Dr. Wlodarski. Gave 5mg iv as ordered.", ["Wlodarski"]),
    ("Pain controlled, monitor MS. Restart lopressor when able.", []),
    ("Access: RIJ PA line, 2 PIV. Pt comfortable.", []),
    ("Dr. Sarah O'Dwyer spoke with the family at length.", ["Sarah O'Dwyer"]),
    ("Sputum growing normal flora. Plan to wean.", []),
    ("PLAN: 1) Follow-up: primary MD PRN. Neck supple, porta hepatis nodes small.", []),
])
def test_names_stop_at_sentence_ends_and_skip_clinical_capitals(text, names):
    assert _names(text) == names


def test_relation_joined_by_a_hyphen_is_two_words():
    text = "SOCIAL: DAUGHTER-JANET CALLED, WILL VISIT."
    assert "JANET" in _names(text)


def test_census_names_count_only_after_a_strong_relation():
    # "Treva" is a US Census first name that no Faker locale lists; "Bambenek" a census surname.
    assert _names("SOCIAL: DAUGHTER-TREVA CALLED, SON BAMBENEK VISITED.") == ["TREVA", "BAMBENEK"]
    assert _names("daughter states pt is comfortable; cont with swan and cuff.") == []


@pytest.mark.parametrize(("text", "name"), [
    ("Spoke with Marisol (daughter) about the plan.", "Marisol"),
    ("Called Treva, pt's sister, who will visit.", "Treva"),
])
def test_name_right_before_the_relation_it_explains(text, name):
    assert name in _names(text)


def test_short_foreign_list_names_need_context_but_short_english_names_do_not():
    assert _names("RESP: SEP 12 PEEP 5, UNO DOSE GIVEN.") == []
    assert "Amy" in _names("Amy called twice overnight for updates.")


def test_a_name_found_once_is_removed_everywhere_in_the_note():
    text = "Seen by Dr. Przybylo at 9am. Later Przybylo reviewed the film; przybylo aware."
    assert _names(text) == ["Przybylo", "Przybylo", "przybylo"]


def test_without_capitals_only_english_list_names_stand_alone():
    # "Rust" is a surname in a non-English Faker locale; in an all-capital note it is a colour.
    assert _names("THICK RUST COLORED SPUTUM. VISITED BY MARGARET.") == ["MARGARET"]


def _rule_names(text: str) -> list[str]:
    return [text[s.start:s.end] for s in detect_phi(text, tagger=None) if s.type == "NAME"]


@pytest.mark.parametrize(("text", "names"), [
    ("Pt resting, plan unchanged.\nirena quolby, rn\n", ["irena quolby"]),
    ("PT RESTING.\nMARIELLA TROWBIN RN\n", ["MARIELLA TROWBIN"]),
    ("Pt resting.\nPlan: continue per RN\n", []),
])
def test_a_signature_line_is_a_name_in_any_casing(text, names):
    assert _rule_names(text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("BP 88/40, NP QUILLAN AWARE.", ["QUILLAN"]),
    ("BP 88/40, MD made aware, bolus given.", []),
    ("HR 140s, Drs Vorlund and Tessaby in to see pt.", ["Vorlund", "Tessaby"]),
])
def test_a_role_before_aware_and_a_second_doctor_are_names(text, names):
    assert _rule_names(text) == names


def test_a_listed_name_after_contacts_is_a_name():
    assert "MARGARET" in _rule_names("SW CONTACTS MARGARET RE: PLACEMENT.")


def test_a_name_keeps_its_stand_in_within_a_patient_but_not_across_patients():
    from osler.privacy.deid.text import deidentify_text
    from osler.privacy.keys import DeidKey

    key = DeidKey(b"s" * 32)
    notes = [f"Seen with Mr. {n} today." for n in ("Smith", "Garcia", "Johnson", "Brown", "Lee")]

    def out(text, patient):
        return deidentify_text(text, key, patient=patient, tagger=None).text
    for text in notes:                       # one patient: the same stand-in in every note
        assert out(text, "p1") == out(text, "p1") and "Mr. " in out(text, "p1")
    across = [out(t, "p1") == out(t, "p2") for t in notes]
    assert not all(across)                   # two patients: their own stand-ins
