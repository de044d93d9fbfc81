"""Place detection: ward names with a floor, US towns from the gazetteer, and what is not a place,
by the rules alone and with the bundled tagger.

Sentences are written for these tests (no corpus text).
"""

from __future__ import annotations

import pytest

from osler.privacy.deid import detect_phi


def _found(text: str, tagger: str | None = None) -> set[tuple[str, str]]:
    """What the rules find (``tagger=None``) or the rules with the bundled tagger."""
    return {(text[s.start:s.end], s.type) for s in detect_phi(text, tagger=tagger)}


def _covered(text: str, place: str) -> bool:
    """With the bundled tagger, a span covers the place (it may extend past it)."""
    start = text.index(place)
    return any(s.start <= start and start + len(place) <= s.end for s in detect_phi(text))


@pytest.mark.parametrize(("text", "place"), [
    ("Plan: transfer to Farrow 2 today if stable.", "Farrow"),
    ("pt came up from hollister 5 this evening.", "hollister"),
    ("She lives alone in Glen Burnie with a cat.", "Glen Burnie"),
    ("Brother drove down from Towson overnight.", "Towson"),
])
def test_wards_and_towns_are_locations(text, place):
    assert (place, "LOCATION") in _found(text)
    assert _covered(text, place)


@pytest.mark.parametrize("text", [
    "Family is moving from Florida next month.",
    "Husband was admitted to the local hospital last week.",
    "Pt to start on captopril 12.5 tonight, then lasix 20 mg.",
    "Remains on dobutamine 2.5 mcg/kg/min. Pain 5 on scale 1-10.",
    "Had a prolonged hospital stay. Begin rehab when stable.",
])
def test_states_drugs_and_descriptions_are_not_locations(text):
    for tagger in (None, "bundled"):
        assert not [s for s in detect_phi(text, tagger=tagger) if s.type == "LOCATION"]


@pytest.mark.parametrize(("text", "place"), [
    ("70 yo transferred from sacred heart hosp this afternoon.", "sacred heart"),
    ("She had two admissions at GH last year.", "GH"),
    ("He kept asking to go home to Ruth Kowal's house.", "Ruth Kowal's"),
    ("FAMILY DROVE IN FROM DUNDALK OVERNIGHT.", "DUNDALK"),
])
def test_hospital_names_initials_homes_and_capital_notes(text, place):
    # A home named after its owner may merge with the owner's NAME span: either type is removed.
    assert place in {found for found, _type in _found(text)}
    assert _covered(text, place)


@pytest.mark.parametrize("text", [
    "Pt received from OSH intubated; HCT 28 at OSH.",
    "TRIES TO PUSH CAREGIVERS AWAY. KEEP FAMILY AWARE OF PROGRESS.",
    "Wean from cvvh, advance diet to mech soft.",
    "Complex history with multiple hospital admissions; transfer to the Rehabilitation Unit.",
    "SHE WAS ADMITTED IN STABLE CONDITION TO A MONITORED BED.",
])
def test_outside_hospital_and_capital_verbs_are_not_places(text):
    for tagger in (None, "bundled"):
        assert not [s for s in detect_phi(text, tagger=tagger) if s.type == "LOCATION"]


@pytest.mark.parametrize(("text", "place", "is_place"), [
    ("Resident of Ferncliff Manor, admitted with fever.", "Ferncliff", True),
    ("Came up from the Tanglewood ED overnight.", "Tanglewood", True),
    ("Transferred from the Medical ICU, seen by the Cancer Center.", "Medical", False),
])
def test_capitalised_institutions(text, place, is_place):
    assert any(place in t and typ == "LOCATION" for t, typ in _found(text)) is is_place
    assert _covered(text, place) is is_place


def test_units_and_rooms_after_transfer_words_are_not_places():
    text = "TRANSFERRED TO MICU, THEN SENT TO CT. RETURNED FROM CATH LAB TO ROOM."
    for tagger in (None, "bundled"):
        assert not [s for s in detect_phi(text, tagger=tagger) if s.type == "LOCATION"]


@pytest.mark.parametrize(("text", "place"), [
    ("MedFlight from Vantorry Med Ctr for w/u of GI bleed.", "Vantorry"),
    ("received intubated from er quellbrook campus overnight.", "quellbrook"),
    ("PLAN: AMBULATE, TRANSFER QUARVELL 2 IF STABLE.", "QUARVELL"),
])
def test_med_ctr_campus_and_a_ward_right_after_transfer_are_places(text, place):
    assert (place, "LOCATION") in _found(text)


def test_a_department_before_clinic_is_a_service_not_a_place():
    from osler.privacy.deid import detect_phi

    text = "Seen in cardiology clinic. Follow up in Lochmoor clinic."
    found = [(text[s.start:s.end], s.type) for s in detect_phi(text)]
    assert ("Lochmoor", "LOCATION") in found
    assert not [v for v, _ in found if v.lower() == "cardiology"]


@pytest.mark.parametrize("text, place", [
    ("Seen at Brigham and Women's Hospital ED 2 days ago.", "Brigham and Women's"),
    ("PCP is at Newton-Wellesley since May.", "Newton-Wellesley"),
    ("Moved from Wilkes-Barre last year.", "Wilkes-Barre"),
    ("Referred to Dana-Farber for chemo.", "Dana-Farber"),
])
def test_joined_institutions_and_hyphenated_towns_are_places(text, place):
    from osler.privacy.deid import detect_phi

    assert place in [text[s.start:s.end] for s in detect_phi(text) if s.type == "LOCATION"]


@pytest.mark.parametrize("text", ["Hematology and Oncology Clinic follow up.",
                                  "Pain and Palliative Care Clinic consulted.",
                                  "Cheyne-Stokes breathing at night."])
def test_departments_and_eponyms_are_no_places(text):
    from osler.privacy.deid.places import find_sure_places

    assert list(find_sure_places(text)) == []


@pytest.mark.parametrize("text, city", [
    ("Patient is a 45 y/o F, born in 1979 in Guadalajara, Mexico.", "Guadalajara"),
    ("Emigrated from Kyiv, Ukraine in 2015.", "Kyiv"),
])
def test_a_foreign_city_before_its_country_is_a_place(text, city):
    from osler.privacy.deid.places import find_sure_places

    assert [text[s.start:s.end] for s in find_sure_places(text)] == [city]


def test_a_unit_before_a_country_is_no_city():
    from osler.privacy.deid.places import find_sure_places

    assert list(find_sure_places("Seen in Clinic, Mexico trip planned.")) == []


@pytest.mark.parametrize("text", ["Breathing changed to Cheyne-Stokes overnight.",
                                  "Transferred to Step-Down unit.", "Sent to Sub-Acute rehab.",
                                  "Placed on Bi-Pap at night.", "Drain changed to Jackson-Pratt.",
                                  "Switched to Swan-Ganz monitoring.",
                                  "NGT connected to Salem-Sump, draining bilious.",
                                  "Warmed in Bair-Hugger overnight."])
def test_hyphenated_clinical_words_and_eponyms_after_to_are_kept(text):
    from osler.privacy.deid import detect_phi

    assert detect_phi(text) == []
