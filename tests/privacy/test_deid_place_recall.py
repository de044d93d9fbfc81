"""Places the rule layer had missed: a ward opening a plan, a call-out written in lower case, a
region or campus, a run of capitalised names before a hospital's head word, a town known by its
ending, an unlisted capitalised word after "from" / "in" / "at"; and moves to clinical words
("returned to SIMV") that name no place.

Sentences are written for these tests (no corpus text); ids name the case, never the text.
"""

from __future__ import annotations

import pytest

from osler.privacy.deid import detect_phi
from osler.privacy.deid.places import find_places, find_sure_places


def _places(text: str) -> set[str]:
    """The texts of the places the rule layer finds in ``text``."""
    return {text[s.start:s.end] for s in find_places(text)}


def _covered(text: str, phrase: str) -> bool:
    """Whether the rules alone (``detect_phi`` without a tagger) redact all of ``phrase``."""
    start = text.index(phrase)
    return any(s.start <= start and start + len(phrase) <= s.end and s.type == "LOCATION"
               for s in detect_phi(text, tagger=None))


# --- a ward and its floor opening a plan --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Stable day.\nPlan: Birchwood 4 when bed available.",
    "ASSESS: STABLE.\nPLAN: BIRCHWOOD 4 WHEN BED AVAIL.",
    "plan: birchwood 4 this am, pain control.",
    "P: ? Farrowdale 5 today",
], ids=["prose", "capitals", "lower", "p-heading"])
def test_ward_opening_a_plan_is_a_place(text):
    assert any(p.lower() in ("birchwood", "farrowdale") for p in _places(text))


@pytest.mark.parametrize("text", [
    "Plan: Lasix 20 today.",
    "Plan: wean 2 today.",
    "Plan: repeat 2 sets of cultures.",
    "Plan: transfuse 2 units today.",
    "Plan: angio 2 today if stable.",
], ids=["drug-dose", "verb", "count", "verb-ending", "care-word"])
def test_drug_or_word_opening_a_plan_is_no_place(text):
    assert _places(text) == set()


# --- a call-out or transfer written in lower case -------------------------------------------

def test_lower_case_ward_after_call_out_is_a_place():
    text = "Pt more alert today. Plan: c/o to birchwood if stable overnight."
    assert "birchwood" in _places(text)


@pytest.mark.parametrize("text", [
    "Plan: c/o to floor if stable overnight.",
    "Ready for transfer to the vicu today.",
    "Patient called out to pmicu last night.",
    "Plan: c/o to stepdown when bed available.",
    "Pt transferred to recovery today.",
    "Plan: c/o to wheelchair after lunch.",
], ids=["floor", "misspelt-unit", "other-unit", "care-word", "noun-ending", "equipment"])
def test_lower_case_unit_after_call_out_is_no_place(text):
    assert _places(text) == set()


# --- a region, a neighbourhood, a campus ------------------------------------------------------

@pytest.mark.parametrize("text,region", [
    ("Family arrived from the Eastern Shore at 2 am.", "Eastern Shore"),
    ("Radiation planning on North Campus at 11:30.", "North Campus"),
    ("FAMILY DROVE IN FROM THE WESTERN SHORE OVERNIGHT.", "WESTERN SHORE"),
], ids=["shore", "campus", "capitals"])
def test_region_is_a_place(text, region):
    assert region in _places(text)
    assert _covered(text, region)


def test_side_of_the_body_is_no_region():
    assert _places("Turned to left side q2h, lower side rails up.") == set()


# --- capitalised names before a hospital's head word ------------------------------------------

@pytest.mark.parametrize("text,name", [
    ("Went to Warren Grant hosp. for rx of his shoulder.", "Warren Grant"),
    ("Sent to Fairley Oaks EW where EKG showed ST changes.", "Fairley Oaks"),
    ("In 2019 she was in St Brennan hospital for pneumonia.", "St Brennan"),
], ids=["listed-words", "word-in-name", "saint"])
def test_named_run_before_head_word_is_a_place(text, name):
    assert name in _places(text)
    assert _covered(text, name)


@pytest.mark.parametrize("text", [
    "Transferred to Cardiac Surgery ICU after the repair.",
    "Seen in General Medicine Clinic last week.",
    "Admitted to Internal Medicine ED observation.",
], ids=["unit", "service-clinic", "service-ed"])
def test_service_before_head_word_is_no_named_run(text):
    # the layer may hold the service's words (a tagger feature); the final spans do not
    assert not any(s.type == "LOCATION" for s in detect_phi(text, tagger=None))


# --- a town known by its ending ----------------------------------------------------------------

@pytest.mark.parametrize("text,town", [
    ("Husband stays overnight, home is Hagerstown.", "Hagerstown"),
    ("REFERRED BY HIS PCP. HOME: REISTERSTOWN.", "REISTERSTOWN"),
], ids=["prose", "capitals"])
def test_listed_town_with_a_town_ending_is_a_place(text, town):
    assert town in _places(text)


@pytest.mark.parametrize("text", [
    "Pick up at the airport downtown, then home.",
    "Lives in midtown near the hospital.",
], ids=["airport", "midtown"])
def test_words_with_a_town_ending_are_no_place(text):
    assert _places(text) == set()


# --- an unlisted capitalised word after a preposition of place -------------------------------

@pytest.mark.parametrize("text,place", [
    ("Wife drove up from Quellmoor this am to be with him.", "Quellmoor"),
    ("She was visiting family in Lochmoor when she fell.", "Lochmoor"),
], ids=["from", "in"])
def test_unlisted_word_after_from_or_in_is_a_place(text, place):
    assert place in _places(text)


@pytest.mark.parametrize("text", [
    "Pt speaking in Spanish, interpreter called.",
    "Placed in Trendelenburg for the line.",
    "Confused, thought he was in Conneticut on vacation.",
    "Wife called from Bermuda, updated by RN.",
], ids=["language", "eponym", "misspelt-state", "country"])
def test_language_eponym_state_or_country_is_no_unlisted_place(text):
    assert _places(text) == set()


# --- a move to a clinical word ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Weaned on PS overnight. RETURNED TO SIMV FOR REST.",
    "HR returned to NSR, 70s-80s.",
], ids=["vent-mode", "rhythm"])
def test_move_to_a_clinical_word_is_no_place(text):
    assert _places(text) == set()


def test_clinical_word_where_someone_lives_is_a_place():
    text = "Health care proxy is her niece, who lives in DC."
    assert "DC" in _places(text)


# --- an institution named before its capitalised head word (kept whatever the tagger says) ----

@pytest.mark.parametrize("text,name", [
    ("Resident of Fernbrook Nursing Home, baseline ambulatory with walker.", "Fernbrook"),
    ("Screening for rehab: Quellmoor Rehab vs Lochmoor Nursing Center.", "Lochmoor"),
    ("Transferred from St Brennan Hospital for cath.", "St Brennan"),
], ids=["nursing-home", "nursing-center", "saint"])
def test_named_institution_is_a_sure_place(text, name):
    assert name in {text[s.start:s.end] for s in find_sure_places(text)}
    for tagger in ("bundled", None):
        start = text.index(name)
        assert any(s.start <= start < s.end and s.type == "LOCATION"
                   for s in detect_phi(text, tagger=tagger))


@pytest.mark.parametrize("text", [
    "Brief Hospital Course: admitted for CHF exacerbation.",
    "Pt to go to Acute Rehab when stable.",
    "Plan for Pulmonary Rehab as an outpatient.",
    "Will discuss with Home Hospice tomorrow.",
], ids=["course-heading", "kind-of-rehab", "service-rehab", "kind-of-hospice"])
def test_kind_of_care_is_no_sure_place(text):
    assert list(find_sure_places(text)) == []


# --- a saint's hospital, a street in an uncased note, a town in a lower-case note -------------

@pytest.mark.parametrize("text,place", [
    ("PT TRANSFERRED FROM ST. AGATHA'S FOR CATH.", "ST. AGATHA'S"),
    ("Pt was at St Brennan's for 3 days last month.", "St Brennan's"),
    ("Transferred from Saint Vincent for cath.", "Saint Vincent"),
], ids=["capitals-stop", "possessive", "saint"])
def test_saints_name_is_a_place(text, place):
    assert place in _places(text)


@pytest.mark.parametrize("text", [
    "ST ELEVATION IN LEADS V1-V3. ST CHANGES RESOLVED.",
    "Taking St. John's Wort at home for mood.",
], ids=["st-segment", "herb"])
def test_st_segment_or_herb_is_no_saint(text):
    assert not any(p.lower().startswith("st") for p in _places(text))


@pytest.mark.parametrize("text,street", [
    ("LIVES AT 42 BIRCHWOOD LANE WITH HUSBAND.", "42 BIRCHWOOD LANE"),
    ("lives at 17 quellmoor rd with her son.", "17 quellmoor rd"),
], ids=["capitals", "lower"])
def test_street_in_uncased_note_is_a_place(text, street):
    assert street in _places(text)


def test_dose_before_a_doctor_is_no_street():
    assert _places("gave 2 percocet per dr for pain. pain 3/10 after.") == set()


def test_listed_town_in_lower_case_note_is_a_place():
    text = "pt lives in towson with daughter. vss. afebrile. plan to cont abx."
    assert "towson" in _places(text)


def test_town_that_is_a_word_in_lower_case_note_is_no_place():
    text = "pt had blood cultures from central line, sputum and urine sent."
    assert _places(text) == set()


def test_town_after_lives_alone_in_is_a_place():
    assert "LOCHMOOR" in _places("PT LIVES ALONE IN LOCHMOOR. DAUGHTER NEARBY.")
