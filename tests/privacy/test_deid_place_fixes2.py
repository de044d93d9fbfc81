"""Places a review with made-up text found missed (a move still to come, a nursing home "NH",
all-capital notes, a ward after "Plan:") and things taken for places (a fluid, a kind of home,
a pharmacy chain, a saint's herb or valve), by the rules alone and with the bundled tagger,
and through `osler deid text`.

Sentences and place names are made up for these tests (no corpus text); ids name the case,
never the text.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.privacy.deid import detect_phi
from osler.privacy.deid.detect import rule_layers
from osler.privacy.deid.places import find_sure_places

TAGGERS = pytest.mark.parametrize("tagger", ["bundled", None], ids=["tagger", "rules"])

# (sentence, the place in it): found as a place, over the place only
MISSED = [
    ("Plans moving to Harrowgate next month.", "Harrowgate"),
    ("Pt is moving to Quellmoor with daughter.", "Quellmoor"),
    ("D/c to Fernbrook NH.", "Fernbrook"),
    ("Will return to Ashdown NH tomorrow.", "Ashdown"),
    ("PT ARRIVED FROM QUELLMOOR VIA AMBULANCE.", "QUELLMOOR"),
    ("PT LIVES AT 14 BIRCHWOOD WAY.", "14 BIRCHWOOD WAY"),
    ("TRANSFERRED FROM ST. ODRAN'S.", "ST. ODRAN'S"),
    ("Plan: Quellmoor 6 when bed available.", "Quellmoor"),
    ("Lives at 14 birchwood way with son.", "14 birchwood way"),
    ("PLANS MOVING TO HARROWGATE NEXT MONTH.", "HARROWGATE"),
    ("D/C TO FERNBROOK NH.", "FERNBROOK"),
    ("PLAN: QUELLMOOR 6 WHEN BED AVAILABLE.", "QUELLMOOR"),
]
MISSED_IDS = ["moving-to", "moving-to-with-relative", "dc-to-nursing-home", "return-to-nursing-home",
              "all-capital-arrived-from", "all-capital-street-everyday-word",
              "all-capital-saint-possessive", "plan-ward-and-number", "lower-case-street-at-home",
              "all-capital-moving-to", "all-capital-nursing-home", "all-capital-plan-ward"]


@TAGGERS
@pytest.mark.parametrize(("text", "place"), MISSED, ids=MISSED_IDS)
def test_a_missed_place_is_found_over_the_place_only(text, place, tagger):
    spans = [(text[s.start:s.end], s.type) for s in detect_phi(text, tagger=tagger)]
    assert spans == [(place, "LOCATION")]


@pytest.mark.parametrize(("text", "place"), MISSED, ids=MISSED_IDS)
def test_the_place_rules_find_it(text, place):
    found = {text[s.start:s.end] for s in rule_layers(text)["places"]}
    assert place in found


def test_a_street_after_where_someone_lives_is_sure_whatever_the_tagger_says():
    text = "PT LIVES AT 14 BIRCHWOOD WAY."
    assert [text[s.start:s.end] for s in find_sure_places(text)] == ["14 BIRCHWOOD WAY"]
    text = "lives at 5 Quellmoor St. with son"
    assert [text[s.start:s.end] for s in find_sure_places(text)] == ["5 Quellmoor St."]


def test_a_move_of_home_is_sure_whatever_the_tagger_says():
    text = "PLANS MOVING TO HARROWGATE NEXT MONTH."
    assert [text[s.start:s.end] for s in find_sure_places(text)] == ["HARROWGATE"]
    for text in ("Moving to Chair.", "MOVING TO PAINFUL STIMULI.", "MOVING TO BSC."):
        assert list(find_sure_places(text)) == []


@TAGGERS
def test_a_town_before_the_state_new_hampshire_keeps_the_state(tagger):
    text = "Lives in Concord, NH with wife."
    spans = [(text[s.start:s.end], s.type) for s in detect_phi(text, tagger=tagger)]
    assert spans == [("Concord", "LOCATION")]


@TAGGERS
@pytest.mark.parametrize("text", [
    "Moving to chair.", "Pt moving to ICU.", "Plan moving to rehab.", "D/c to NH when stable.",
    "Plan: NPO 6 hours.", "PT CAME FROM OR VIA STRETCHER.", "PT LIVES AT HOME.",
    "Pt returned to SIMV.", "MOVING TO BSC.", "PUPILS 2MM, MOVING TO PAINFUL STIMULI.",
    "PT MOVING TO STIMULI.", "Lives at 3 pack per day history.", "Pt came to Unit 5.",
    "Pt arrived to Unit 5.", "Transfer to Floor 7 today.",
], ids=["chair", "icu", "rehab", "nursing-home-unnamed", "npo-hours", "all-capital-or",
        "all-capital-home", "vent-mode", "all-capital-abbreviation", "neuro-exam-stimulus",
        "neuro-exam-stimulus-alone", "count-not-street", "unit-number", "arrived-unit-number",
        "floor-number"])
def test_no_place_is_found_in_ward_phrases(text, tagger):
    assert detect_phi(text, tagger=tagger) == []


@TAGGERS
@pytest.mark.parametrize("text", [
    "Received normal saline bolus.", "Normal Saline at 100/hr.", "NORMAL SALINE 1L GIVEN.",
    "Pt from Normal Saline to LR.", "Plans d/c to assisted living.",
    "Plans d/c to Assisted Living next week.", "Lives at Assisted Living in town.",
    "DC TO ASSISTED LIVING.", "Rx sent to Walgreens.", "Picks up meds at Walmart.",
    "Meds from Walmart pharmacy.", "Rx called in to CVS.", "Takes St. John's wort daily.",
    "Takes St John's Wort.", "ON ST. JOHNS WORT.", "Has St. Jude valve.",
    "ST. JUDE MECHANICAL VALVE.",
], ids=["saline-lower", "saline-title", "saline-capitals", "saline-after-from",
        "assisted-living-lower", "assisted-living-title", "assisted-living-lives-at",
        "assisted-living-capitals", "pharmacy-sent-to", "pharmacy-at", "pharmacy-from",
        "pharmacy-abbreviation", "herb", "herb-title", "herb-capitals", "valve",
        "valve-capitals"])
def test_things_taken_for_places_are_not_flagged(text, tagger):
    assert [s for s in detect_phi(text, tagger=tagger) if s.type in ("LOCATION", "NAME")] == []


@TAGGERS
def test_a_named_assisted_living_keeps_its_name(tagger):
    text = "Plans d/c to Elmcrest Assisted Living."
    spans = [(text[s.start:s.end], s.type) for s in detect_phi(text, tagger=tagger)]
    assert spans in ([("Elmcrest", "LOCATION")], [("Elmcrest Assisted Living", "LOCATION")])


@TAGGERS
def test_a_pharmacy_branch_keeps_its_street_and_a_person_of_the_same_name_stays(tagger):
    text = "Rx sent to Walgreens, lives at 9 Quellmoor Road. Seen by Dr. Kroger."
    found = {text[s.start:s.end]: s.type for s in detect_phi(text, tagger=tagger)}
    assert "Walgreens" not in found
    assert found["9 Quellmoor Road"] == "LOCATION" and found["Kroger"] == "NAME"


def test_the_missed_places_do_not_survive_deid_text(tmp_path):
    notes = tmp_path / "in.jsonl"
    notes.write_text("".join(json.dumps({"id": str(i), "text": text}) + "\n"
                             for i, (text, _place) in enumerate(MISSED)))
    out, key = tmp_path / "out.jsonl", tmp_path / "key.json"
    result = CliRunner().invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                      "--key-file", str(key)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    for (text, place), line in zip(MISSED, lines):
        assert place not in line["text"], line["id"]
    kept = [json.loads(line)["text"] for line in out.read_text().splitlines()]
    assert all("NH" in t for t in kept[2:4])   # "NH" is the home's kind, no place of its own
