"""First names joined from two first names ("Mary-Ann", "MaryAnn", "Jean-Luc") are names,
with or without context, whole, by the rules and the bundled tagger alike; eponyms and
hyphenated clinical words are not. All sentences are made up."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.deid.detect import rule_layers

KEY = DeidKey(b"joined names secret, 32 bytes!!!")
JOINED = ["Mary-Ann", "MaryAnn", "Jean-Luc", "JeanLuc", "Jo-Beth", "Sue-Ellen"]


@pytest.mark.parametrize("name", JOINED)
@pytest.mark.parametrize("tagger", [None, "bundled"], ids=["rules", "bundled"])
def test_a_joined_first_name_is_found_whole(name, tagger):
    text = f"Discussed the plan with {name} at the bedside today."
    spans = rule_layers(text)["rules"] if tagger is None else detect_phi(text)
    assert [text[s.start:s.end] for s in spans if s.type == "NAME"] == [name]
    out = deidentify_text(text, KEY, patient="p1", tagger=tagger).text
    assert name not in out and not any(part in out for part in ("Mary", "Luc", "Beth", "Ellen"))


@pytest.mark.parametrize("name", JOINED)
def test_a_joined_first_name_opening_a_sentence_is_found(name):
    text = f"{name} called the floor this afternoon."
    assert deidentify_text(text, KEY, patient="p1", tagger=None).text.split()[0] != name


@pytest.mark.parametrize("text", [
    "Cheyne-Stokes breathing overnight.",
    "Follow-up in clinic in two weeks.",
    "Non-Hodgkin lymphoma in remission.",
    "Well-appearing, in no distress.",
    "Uses an EpiPen and a PowerPlan order set.",
])
def test_eponyms_and_hyphenated_words_are_no_names(text):
    assert not [s for s in detect_phi(text) if s.type == "NAME"]


@pytest.mark.parametrize("word", ["Stevens-Johnson", "Cheyne-Stokes", "Guillain-Barre",
                                  "McDonald", "EpiPen", "Follow-Up", "Mary-Ann-Lou"])
def test_an_eponym_is_no_joined_first_name(word):
    from osler.privacy.deid.names import _joined_first_names

    assert not _joined_first_names(word, mixed=True)


# Names typed in capitals, in a note otherwise written in mixed case or all in capitals: the
# learned tagger, trained on notes where such names are rare, misses them, so context vouches.
@pytest.mark.parametrize("text, names", [
    ("Spoke with MARY-ANN QUIMBY about discharge.", ["MARY-ANN QUIMBY"]),
    ("Spoke with Mary-Ann Quimby about discharge.", ["Mary-Ann Quimby"]),
    ("Spoke with MARY QUIMBY about discharge.", ["MARY QUIMBY"]),
    ("Spoke with MARYANN QUIMBY about discharge.", ["MARYANN QUIMBY"]),
    ("Daughter JEAN-LUC at bedside, daughter JEAN called.", ["JEAN-LUC", "JEAN"]),
    ("SPOKE WITH MARY-ANN QUIMBY ABOUT DISCHARGE. DAUGHTER JEAN-LUC AT BEDSIDE.",
     ["MARY-ANN QUIMBY", "JEAN-LUC"]),
])
def test_names_in_capitals_are_found(text, names):
    spans = [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"]
    for name in names:
        assert any(name in found for found in spans), (name, spans)
    out = deidentify_text(text, KEY, patient="p1").text
    assert not any(word in out for name in names for word in name.replace("-", " ").split())


@pytest.mark.parametrize("text", [
    "NEURO: MAE, PERRL. RESP: LS CLEAR. CV: NSR. PLAN: MAX DOSE LASIX, BILL PAID.",
    "Mary-Ann called the floor; Mary-Ann Will be back tomorrow.",
    "Spoke with Mary-Ann about discharge.",
    "Family MAY come in tonight.",
])
def test_capitals_and_words_after_a_joined_name_are_no_names(text):
    spans = [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"]
    assert not any(w in " ".join(spans) for w in ("MAX", "BILL", "DOSE", "called", "Will",
                                                   "about", "MAY")), spans


@pytest.mark.parametrize("text", ["BILAT TED HOSE IN PLACE.", "MAE SPONT AND TO COMMAND.",
                                  "PEG TUBE FLUSHED.", "R. FEMORAL QUINTIN CATHETER PLACED."])
def test_clinical_words_in_capitals_are_no_names(text):
    from osler.privacy.deid.names import find_sure_names

    assert list(find_sure_names(text)) == []


@pytest.mark.parametrize("text, names", [
    ("Orin Smith, MD", ["Orin", "Smith"]),
    ("Signed: Orin Thistlewood, MD", ["Orin", "Thistlewood"]),
    ("Patient: DOE, JOHN A.", ["DOE", "JOHN"]),
    ("Electronically signed by THISTLEWOOD, ORIN on 03/04/2020", ["THISTLEWOOD", "ORIN"]),
    ("Dictated by: Quimby, Rosalind NP", ["Quimby", "Rosalind"]),
])
def test_signers_credentialed_and_last_comma_first_names_are_found_whole(text, names):
    out = deidentify_text(text, KEY, patient="p1").text
    assert not any(name in out for name in names), out


@pytest.mark.parametrize("text", ["LUNGS COARSE, RN TO SUCTION.", "NONSENSE WORDS MD ASSESSED.",
                                  "Discussed with cardiology fellow, MD aware.",
                                  "Signed consent on chart."])
def test_vocabulary_before_a_credential_or_after_signed_is_no_name(text):
    from osler.privacy.deid.names import find_sure_names

    assert [text[s.start:s.end] for s in find_sure_names(text)] == []


@pytest.mark.parametrize("text, kept", [
    ("Heparin Drip, RN aware of PTT.", "Heparin"),
    ("Insulin Drip, RN at bedside.", "Insulin"),
    ("Order verified by Pharmacist on 1/7/2021.", "Pharmacist"),
])
def test_drug_and_role_words_before_a_credential_or_after_verified_stay(text, kept):
    assert kept in deidentify_text(text, KEY, patient="p1").text
