"""Names a review of ``osler deid text`` found left, in part or whole, and words it took for
names: a person after a role label, a name before its role in parentheses, a message's
signer, "my name is", a subject line and a name opening "was seen"; and function words,
verbs, roles and occupations after a title or a relation. All sentences and names are made up;
test ids carry no name."""

from __future__ import annotations

from datetime import timedelta

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text
from osler.privacy.deid.name_cuts import without_false_names
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.surrogates import surrogate

KEY = DeidKey(b"fix deid names secret, 32 bytes!")


def _tagged(text: str) -> str:
    return deidentify_text(text, KEY, patient="p1", profile="tag").text


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Requesting physician: Imogen Fairbanks", "Requesting physician: [NAME]",
                 id="requesting-physician"),
    pytest.param("Reading radiologist: Imogen Fairbanks", "Reading radiologist: [NAME]",
                 id="reading-radiologist"),
    pytest.param("Pathologist: Ignatius Brown, MD", "Pathologist: [NAME], MD",
                 id="everyday-surname-before-credential"),
    pytest.param("Pathologist: Ignatius Featherstonehaugh, MD", "Pathologist: [NAME], MD",
                 id="unlisted-first-name"),
    pytest.param("Scrub tech: Dashiell Ormsby", "Scrub tech: [NAME]", id="scrub-tech"),
    pytest.param("Care team: Fairbanks, Imogen (attending)",
                 "Care team: [NAME], [NAME] (attending)", id="care-team-last-first"),
])
def test_a_person_after_a_role_label_is_redacted(text, expected):
    assert _tagged(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Seen by Chidi Okafor (fellow).", "Seen by [NAME] (fellow).",
                 id="name-before-role"),
    pytest.param("Thanks,\nRowena Blackwood", "Thanks,\n[NAME]", id="closing-line"),
    pytest.param("Kind regards,\nRowena Blackwood", "Kind regards,\n[NAME]",
                 id="regards-line"),
    pytest.param("Can I get a refill? - Thaddeus", "Can I get a refill? - [NAME]",
                 id="dash-sign-off"),
    pytest.param("Sincerely,\n\nRowena Blackwood", "Sincerely,\n\n[NAME]",
                 id="closing-blank-line"),
    pytest.param("Can I get a refill? Thanks, Rowena Blackwood",
                 "Can I get a refill? Thanks, [NAME]", id="closing-same-line"),
    pytest.param("Fwd: Quentin Abernathy labs", "Fwd: [NAME] labs", id="forward-subject"),
    pytest.param("my name is rowena blackwood and i need a refill",
                 "my name is [NAME] and i need a refill", id="my-name-is"),
    pytest.param("Subject: RE: Quentin Abernathy follow-up", "Subject: RE: [NAME] follow-up",
                 id="subject-line"),
    pytest.param("Ophelia Brackenridge was seen today in clinic.",
                 "[NAME] was seen today in clinic.", id="was-seen"),
])
def test_a_name_the_wording_vouches_for_is_redacted(text, expected):
    assert _tagged(text) == expected


@pytest.mark.parametrize("text", [
    pytest.param("Patient was seen today in clinic.", id="patient-seen"),
    pytest.param("Subject: RE: lab results", id="subject-lab"),
    pytest.param("Subject: RE: Lab Results", id="subject-capitals"),
    pytest.param("Thanks,\nNursing", id="thanks-nursing"),
    pytest.param("Requesting physician: on call", id="on-call"),
    pytest.param("Care team: nursing (primary)", id="care-team-nursing"),
    pytest.param("Will call back tomorrow. - Nursing", id="dash-role"),
    pytest.param("Seen by Cardiology (fellow).", id="service-before-role"),
    pytest.param("my name is not important here", id="my-name-is-words"),
    pytest.param("Thanks, Nursing", id="thanks-role-same-line"),
    pytest.param("Thanks!\n\nNursing Staff", id="thanks-staff"),
])
def test_similar_text_without_a_name_stays(text):
    assert _tagged(text) == text


@pytest.mark.parametrize("text", [
    pytest.param("Call your doctor if you have fever.", id="doctor-if"),
    pytest.param("Ask your doctor about the new dose.", id="doctor-about"),
    pytest.param("Daughter reports Mom fell again yesterday.", id="mom-fell"),
    pytest.param("Retired Carpenter", id="retired-occupation"),
    pytest.param("Brother - Healthy", id="relation-health"),
    pytest.param("Father - Consultant", id="relation-role"),
    pytest.param("Nurse Practitioner", id="nurse-practitioner"),
    pytest.param("Walks with a Zimmer frame.", id="walking-frame"),
    pytest.param("DAUGHTER REPORTS MOM FELL AGAIN.", id="mom-fell-capitals"),
    pytest.param("Mom fell again yesterday. She fell twice last week.", id="verb-again"),
    pytest.param("Retired Carpenter. Carpenter by trade.", id="occupation-again"),
    pytest.param("Your doctor may change the dose.", id="doctor-modal"),
    pytest.param("Father - Retired Engineer", id="relation-two-role-words"),
    pytest.param("Daughter - Nurse Practitioner", id="relation-role-title"),
])
def test_words_after_a_title_or_relation_that_name_no_one_stay(text):
    assert _tagged(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Nurse Baker saw pt.", "Nurse [NAME] saw pt.", id="occupation-surname"),
    pytest.param("Spoke with Dr. Quimbleworth today.", "Spoke with Dr. [NAME] today.",
                 id="doctor-name"),
    pytest.param("Spoke with Dr. Fell today.", "Spoke with Dr. [NAME] today.",
                 id="verb-surname-after-title"),
    pytest.param("Retired Carpenter. Dr. Carpenter called.",
                 "Retired Carpenter. Dr. [NAME] called.", id="occupation-surname-elsewhere"),
])
def test_names_after_a_role_are_still_redacted(text, expected):
    assert _tagged(text) == expected


def test_a_capitalised_function_word_that_is_a_surname_is_not_cut():
    text = "Seen by Dr. An in clinic; Dr. in the ED."
    found = [PhiSpan(12, 14, "NAME"), PhiSpan(text.index("in the"), text.index(" the"), "NAME")]
    kept = [text[s.start:s.end] for s in without_false_names(text, found)]
    assert kept == ["An"]


def test_a_relation_inside_a_name_span_parts_two_names():
    text = "Spoke with Mr. Quimbleworth's son Barnaby."
    whole = PhiSpan(text.index("Q"), text.rindex("."), "NAME")
    parts = [text[s.start:s.end] for s in without_false_names(text, [whole])]
    assert parts == ["Quimbleworth's", "Barnaby"]
    assert "son" in _tagged(text)


@pytest.mark.parametrize(("name", "particles"), [
    pytest.param("Henrietta van der Berg", ["van", "der"], id="van-der"),
    pytest.param("de la Cruz", ["de", "la"], id="de-la"),
    pytest.param("Dalia al Rashid", ["al"], id="al"),
])
def test_a_surname_keeps_its_particles_in_a_surrogate(name, particles):
    out = surrogate(KEY, "NAME", name, timedelta(0)).split()
    words = name.split()
    assert len(out) == len(words)
    for word, new in zip(words, out):
        if word in particles:
            assert new == word
        else:
            assert new != word and new[:1].isupper()
