"""Clinical text the name rules of a letter's or a form's wording took for names, from a
review: a service after a role label or under a closing ("Care team: Palliative Care",
"Thanks,\\nVasc Surg"), a complaint in a subject ("Subject: Knee Pain"), a finding before "was
seen" ("Zenker Diverticulum"), an adjective after "my name is"; and signers those rules left
("Thanks so much,\\n...", "Please advise - ..."). All sentences and names are made up; test
ids carry no name."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text
from osler.privacy.deid.cued_names import service_value
from osler.privacy.deid.name_cuts import without_false_names
from osler.privacy.deid.names import find_sure_names
from osler.privacy.deid.spans import PhiSpan

KEY = DeidKey(b"fix2 deid names secret, 32 bytes")


def _tagged(text: str) -> str:
    return deidentify_text(text, KEY, patient="p1", profile="tag").text


def _surrogated(text: str) -> str:
    return deidentify_text(text, KEY, patient="p1").text


@pytest.mark.parametrize("text", [
    pytest.param("Treating therapist: Occupational Therapy", id="therapy"),
    pytest.param("Pharmacist: Clinical Pharmacy", id="pharmacy"),
    pytest.param("Nurse practitioner: Palliative Care", id="palliative"),
    pytest.param("Requesting physician: Sleep Lab", id="sleep-lab"),
    pytest.param("Anesthesiologist: Regional Block Team", id="block-team"),
    pytest.param("Care team: Ortho Spine", id="ortho-spine"),
    pytest.param("Care team: Pulm Crit", id="pulm-crit"),
    pytest.param("Care team: Palliative Care (attending)", id="care-team-attending"),
    pytest.param("Requesting physician: Pending", id="pending"),
    pytest.param("Radiologist: Preliminary", id="preliminary"),
])
def test_a_service_after_a_role_label_stays(text):
    assert _tagged(text) == text
    assert _surrogated(text) == text   # nor spread to "Care" of "Care team"


@pytest.mark.parametrize("text", [
    pytest.param("Thanks,\nVasc Surg", id="vasc-surg"),
    pytest.param("Seen with Vasc Surg (fellow).", id="vasc-surg-fellow"),
    pytest.param("Thanks,\nPulm Onc", id="pulm-onc"),
    pytest.param("Thanks,\nHem Onc", id="hem-onc"),
    pytest.param("Thanks,\nPeds Cards", id="peds-cards"),
    pytest.param("Thanks,\nDerm Onc", id="derm-onc"),
    pytest.param("Thanks! Peds Surg", id="same-line"),
    pytest.param("Ortho Spine (fellow)", id="ortho-spine-fellow"),
])
def test_an_abbreviated_service_as_signer_or_before_a_role_stays(text):
    assert _tagged(text) == text


@pytest.mark.parametrize("text", [
    pytest.param("Subject: Knee Pain", id="knee-pain"),
    pytest.param("Subject: Dizzy Spells", id="dizzy-spells"),
    pytest.param("Fwd: Holter Results", id="holter-results"),
    pytest.param("Subject: Jury Duty", id="census-surnames-as-words"),
    pytest.param("Requesting physician: Nights", id="role-label-staffing"),
    pytest.param("Care team: Moonlighter", id="role-label-unlisted-word"),
    pytest.param("Zenker Diverticulum was seen on swallow study.", id="eponym-was-seen"),
    pytest.param("My name is fixed, thanks.", id="name-fixed"),
    pytest.param("my name is okay now", id="name-okay"),
    pytest.param("My name is correct", id="name-correct"),
    pytest.param("my name is spelled wrong", id="name-spelled"),
    pytest.param("Thanks,\nsee you soon", id="lower-case-line"),
    pytest.param("Please advise - Nursing", id="dash-role"),
])
def test_a_clinical_or_everyday_phrase_is_no_name(text):
    assert _tagged(text) == text


@pytest.mark.parametrize(("words", "expected"), [
    pytest.param(["Palliative", "Care"], True, id="palliative-care"),
    pytest.param(["Regional", "Block"], True, id="listed-surname-in-service"),
    pytest.param(["Vasc", "Surg"], True, id="abbreviations"),
    pytest.param(["Rowena", "Block"], False, id="first-name-and-surname"),
    pytest.param(["Q.", "Spine"], True, id="initial-aside"),
])
def test_a_value_is_a_service_only_when_every_word_is_a_services(words, expected):
    assert service_value(words) is expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Thanks so much,\nRowena Blackwood", "Thanks so much,\n[NAME]",
                 id="thanks-so-much"),
    pytest.param("Thanks again,\nRowena Blackwood", "Thanks again,\n[NAME]", id="again"),
    pytest.param("Thank you very much,\nRowena Blackwood", "Thank you very much,\n[NAME]",
                 id="very-much"),
    pytest.param("Many thanks,\nRowena Blackwood", "Many thanks,\n[NAME]", id="many-thanks"),
    pytest.param("Best wishes,\nRowena Blackwood", "Best wishes,\n[NAME]", id="best-wishes"),
    pytest.param("Warm regards,\nRowena Blackwood", "Warm regards,\n[NAME]", id="warm"),
    pytest.param("Respectfully,\nRowena Blackwood", "Respectfully,\n[NAME]",
                 id="respectfully"),
    pytest.param("Thanks,\nrowena blackwood", "Thanks,\n[NAME]", id="lower-case-signer"),
    pytest.param("Thanks,\nRowena Block", "Thanks,\n[NAME]", id="service-word-surname"),
    pytest.param("Please advise. -- Rowena Blackwood", "Please advise. -- [NAME]",
                 id="double-dash-full-name"),
    pytest.param("Please advise. - Thaddeus B.", "Please advise. - [NAME]",
                 id="dash-initial"),
    pytest.param("Please advise - Thaddeus", "Please advise - [NAME]", id="dash-no-stop"),
    pytest.param("Fwd: Quentin labs", "Fwd: [NAME] labs", id="forward-first-name"),
    pytest.param("Subject: Lab question for Quentin Abernathy",
                 "Subject: Lab question for [NAME]", id="subject-for-name"),
    pytest.param("Subject: Zebulon Smith", "Subject: [NAME]", id="subject-unlisted-first"),
    pytest.param("Requesting physician: Quimby", "Requesting physician: [NAME]",
                 id="role-label-one-surname"),
    pytest.param("Ophelia Petrovic was seen today.", "[NAME] was seen today.",
                 id="was-seen-surname-ending-ic"),
    pytest.param("My name is Zebulon Quaxworth", "My name is [NAME]",
                 id="my-name-is-unlisted"),
    pytest.param("MY NAME IS ROWENA BLACKWOOD", "MY NAME IS [NAME]", id="my-name-capitals"),
    pytest.param("Seen by Chidi Okafor (fellow).", "Seen by [NAME] (fellow).",
                 id="name-before-role"),
    pytest.param("Care team: Fairbanks, Imogen (attending)",
                 "Care team: [NAME], [NAME] (attending)", id="care-team-person"),
])
def test_a_signer_or_person_the_wording_vouches_for_is_redacted(text, expected):
    assert _tagged(text) == expected


def test_a_first_name_ending_a_line_mid_message_without_a_stop_stays_unvouched():
    # "- Hazel" ends a line but not the message, and no sentence ends before the dash
    text = "Eyes - Hazel\nSkin warm and dry."
    assert not [s for s in find_sure_names(text) if text[s.start:s.end] == "Hazel"]


def test_a_subject_keeps_the_complaint_after_a_first_name():
    text = "Subject: Quentin Pain"
    found = [text[s.start:s.end] for s in find_sure_names(text)]
    assert found == ["Quentin"]


@pytest.mark.parametrize("text", [
    pytest.param("Attending: Palliative Care", id="label-colon"),
    pytest.param("Care team: Palliative Care (attending)", id="care-team"),
])
def test_a_service_found_by_any_rule_is_cut_with_its_spread_mentions(text):
    service = text.index("Palliative")
    found = [PhiSpan(0, 4, "NAME"), PhiSpan(service, service + len("Palliative Care"), "NAME")]
    if not text.startswith("Care"):
        found = found[1:]
    assert without_false_names(text, found) == []


def test_a_service_word_a_title_names_stays_a_name_at_every_mention():
    text = "Dr. Block called. Block said ok."
    found = [PhiSpan(4, 9, "NAME"), PhiSpan(18, 23, "NAME")]
    assert without_false_names(text, found) == found
    assert _tagged(text) == "Dr. [NAME] called. [NAME] said ok."
