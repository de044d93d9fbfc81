"""Over-redaction of drugs, named scales and tests, services and headings read as names or
places, and towns left half found; with the real names and places near them still found, by
the rules alone and with the bundled tagger.

Sentences are written for these tests (no corpus text); ids name the case, never the text.
"""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.deid.places import without_drugs, without_services
from osler.privacy.deid.spans import PhiSpan

TAGGERS = pytest.mark.parametrize("tagger", ["bundled", None], ids=["tagger", "rules"])


def _found(text: str, tagger: str | None) -> list[tuple[str, str]]:
    return [(text[s.start:s.end], s.type) for s in detect_phi(text, tagger=tagger)]


def _at(text: str, word: str, nth: int = 0) -> int:
    """The offset of the ``nth`` mention of ``word`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start


def _covered(text: str, word: str, tagger: str | None, nth: int = 0) -> bool:
    start = _at(text, word, nth)
    return any(s.start <= start and start + len(word) <= s.end
               for s in detect_phi(text, tagger=tagger))


# --- 1. a drug's name that is also a town ----------------------------------------------------

@TAGGERS
@pytest.mark.parametrize("text", [
    "Norco 10/325 mg PO q6h PRN pain",
    "Medications: Norco, Lisinopril 10 mg daily",
    "Discharge meds:\n1. Lisinopril 10 mg daily\n2. Norco 1 tab q4h prn\n3. Dilaudid 2 mg IV q3h",
    "Pain controlled on Norco.",
    "Switched from Norco to oxycodone.",
    "Norco 5/325 given at noon. Pain better with Norco.",
], ids=["dose-route-frequency", "medication-list", "numbered-list", "drug-word-before",
        "switched-from", "used-as-drug-elsewhere"])
def test_a_drug_that_is_also_a_town_is_no_place(text, tagger):
    assert not any(w.lower() == "norco" for w, _t in _found(text, tagger))


@TAGGERS
@pytest.mark.parametrize(("text", "nth"), [
    ("She was transferred from Norco yesterday.", 0),
    ("Pt lives in Norco with her daughter.", 0),
    ("Moved to Norco last year; takes Norco 10/325 prn for pain.", 0),
    ("Home meds:\n1. Lisinopril 10 mg\n2. Norco 1 tab prn\n\nSocial: she is from Norco.", 1),
], ids=["transferred-from", "lives-in", "moved-to-then-drug", "list-then-home"])
def test_the_same_word_after_a_move_or_a_home_is_the_town(text, nth, tagger):
    assert _covered(text, "Norco", tagger, nth)
    if text.count("Norco") > 1:   # the drug's mention, with its dose or in its list, is no place
        other = 1 - nth
        assert not _covered(text, "Norco", tagger, other)


def test_a_brand_name_that_is_no_town_is_dropped_unless_a_move_is_said():
    text = "Xanax was given. Pt moved from Quellmoor."
    spans = [PhiSpan(0, 5, "LOCATION"), PhiSpan(31, 40, "LOCATION")]
    assert [text[s.start:s.end] for s in without_drugs(text, spans)] == ["Quellmoor"]


def test_the_new_brand_names_are_medications():
    from osler.privacy.deid.lexicons import medication_names

    assert {"norco", "vicodin", "dilaudid", "lyrica", "xanax", "entresto"} <= medication_names()


@TAGGERS
def test_a_zip_after_a_town_that_is_also_a_drug_is_no_dose(tagger):
    text = "Pt lives in Norco 92860 with her son."
    assert _covered(text, "Norco 92860", tagger)


# --- 2. named scales, tests, signs, operations and anatomy ------------------------------------

@TAGGERS
@pytest.mark.parametrize("text", [
    "s/p Hartmann's pouch takedown last spring.",
    "MRA shows a patent Circle of Willis.",
    "s/p Ivor Lewis esophagectomy for adenocarcinoma.",
    "Morse Fall Scale score 45, fall precautions.",
    "Weber and Rinne tests normal bilaterally.",
    "Weber test lateralizes to the left.",
    "Russell bodies seen on the biopsy.",
    "CXR with a Hampton hump on the right.",
    "Richmond Agitation-Sedation Scale -2, goal 0.",
    "Rocky Mountain spotted fever titers sent.",
    "San Francisco syncope rule negative.",
    "Hamilton Depression Rating Scale 18 at intake.",
    "Pons, medulla and cerebellum normal in signal.",
    "Known vein of Galen malformation.",
], ids=["pouch", "circle-of", "esophagectomy", "fall-scale", "tuning-fork-tests", "one-test",
        "bodies", "hump", "sedation-scale", "spotted-fever", "syncope-rule", "depression-scale",
        "brainstem-list", "vein-of"])
def test_named_scales_tests_and_anatomy_are_not_phi(text, tagger):
    assert [w for w, t in _found(text, tagger) if t in ("NAME", "LOCATION")] == []


@TAGGERS
@pytest.mark.parametrize(("text", "word", "nth"), [
    ("s/p Hartmann pouch takedown. Dr. Hartmann saw her today.", "Hartmann", 1),
    ("Weber and Rinne tests normal. Mr. Weber called back.", "Weber", 1),
    ("Hamilton Depression Rating Scale 18. She lives in Hamilton.", "Hamilton", 1),
    ("Richmond Agitation-Sedation Scale 0. Pt lives in Richmond, VA.", "Richmond", 1),
], ids=["doctor", "mister", "town", "town-with-state"])
def test_the_same_surname_or_town_elsewhere_stays_phi(text, word, nth, tagger):
    assert _covered(text, word, tagger, nth)
    assert not _covered(text, word, tagger, 0)


# --- 3. headings and services -----------------------------------------------------------------

@TAGGERS
@pytest.mark.parametrize("text", [
    "Brief Hospital Course: admitted for pain control.",
    "Follow up in Hepatology Clinic in two weeks.",
    "Department of Oncology\nDischarge summary",
    "Seen in the Hematology and Oncology Clinic today.",
    "Transferred to General Medicine overnight.",
    "Transferred to Oncology service for chemotherapy.",
], ids=["course-heading", "specialty-clinic", "department-of", "joined-specialties",
        "service-alone", "service-head"])
def test_a_heading_or_a_service_is_no_place(text, tagger):
    assert [w for w, t in _found(text, tagger) if t == "LOCATION"] == []


@TAGGERS
@pytest.mark.parametrize(("text", "place"), [
    ("Seen in Hepatology Clinic at Quellmoor General Hospital.", "Quellmoor"),
    ("Department of Oncology, seen at Fairview Hospital.", "Fairview"),
    ("Department of Oncology\nQuellmoor General Hospital", "Quellmoor"),
    ("Hematology and Oncology Clinic at Lochmoor Hospital.", "Lochmoor"),
    ("Seen at Quellmoor Cardiology Clinic.", "Quellmoor"),
    ("Department of Medicine, Lochmoor University", "Lochmoor"),
], ids=["clinic-at-hospital", "department-then-hospital", "letterhead", "joined-then-hospital",
        "named-specialty-clinic", "department-then-university"])
def test_a_hospital_next_to_a_service_stays_a_place(text, place, tagger):
    assert _covered(text, place, tagger)
    assert not any(w in ("Hepatology", "Oncology", "Hematology", "Cardiology", "Medicine")
                   for w, _t in _found(text, tagger))


def test_a_hospital_named_with_general_after_a_preposition_is_a_place():
    text = "Follow up in Hepatology Clinic at Quellmoor General."
    assert _covered(text, "Quellmoor", "bundled")
    assert not _covered(text, "Hepatology", "bundled")


def test_a_service_word_inside_a_place_name_is_cut_but_the_name_stays():
    text = "Department of Oncology\nQuellmoor General Hospital"
    spans = [PhiSpan(text.index("Oncology"), text.index(" Hospital"), "LOCATION")]
    kept = without_services(text, spans)
    assert [text[s.start:s.end] for s in kept] == ["Quellmoor General"]


def test_a_place_with_a_care_word_is_not_a_service():
    text = "Seen at Sacred Heart Hospital."
    spans = [PhiSpan(8, 20, "LOCATION")]
    assert without_services(text, spans) == spans


# --- 4. a town of two words before its state --------------------------------------------------

@TAGGERS
@pytest.mark.parametrize("text", [
    "300 N. Main Street\nAnn Arbor, Michigan 48104",
    "Quellmoor Clinic\nAnn Arbor, MI 48104",
], ids=["state-name", "postal-code"])
def test_a_two_word_town_before_its_state_is_one_place(text, tagger):
    assert _covered(text, "Ann Arbor", tagger)
    assert _covered(text, "48104", tagger)


def test_the_surrogate_replaces_the_whole_town_and_the_tags_keep_the_drug():
    key = DeidKey(b"k" * 32)
    text = "300 N. Main Street\nAnn Arbor, Michigan 48104\nNorco 10/325 mg PO q6h PRN pain"
    out = deidentify_text(text, key, profile="surrogate")
    assert "Ann" not in out.text and "Arbor" not in out.text
    assert "Michigan" in out.text   # a state is no PHI
    tagged = deidentify_text(text, key, profile="tag").text
    assert tagged.splitlines() == ["[LOCATION]", "[LOCATION], Michigan [LOCATION]",
                                   "Norco 10/325 mg PO q6h PRN pain"]
