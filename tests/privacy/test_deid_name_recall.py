"""Names no list holds after a relation, a role, a title or before a credential, which only
the learned tagger found (and could drop): now sure names, kept whatever it says; and the
everyday words in the same places that stay. All sentences and names are made up (names of
no list: "Zelquo Quarrington"); test ids carry no name."""

from __future__ import annotations

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text
from osler.privacy.deid.names import find_sure_names

KEY = DeidKey(b"name recall deid secret 32 bytes")


def _sure(text: str) -> set[str]:
    return {text[s.start:s.end] for s in find_sure_names(text)}


def _covered(text: str, word: str) -> bool:
    """Every letter of every mention of ``word`` lies in a sure name span."""
    spans = list(find_sure_names(text))
    start = text.find(word)
    assert start >= 0
    while start >= 0:
        if not any(s.start <= start and start + len(word) <= s.end for s in spans):
            return False
        start = text.find(word, start + 1)
    return True


@pytest.mark.parametrize(("text", "names"), [
    pytest.param("Spoke with his wife, Zelquo Quarrington (555-0100), about the plan.",
                 ["Zelquo", "Quarrington"], id="relation-comma-two-words"),
    pytest.param("pt's mother and daughter (Zelquo Quarrington) called this am.",
                 ["Zelquo", "Quarrington"], id="relation-parenthesis"),
    pytest.param("social: daughter Liz Quarrington visited today.", ["Quarrington"],
                 id="surname-after-listed-first-name"),
    pytest.param("Sons Quilbo, Barnaby and Ezrath in to visit.", ["Quilbo", "Ezrath"],
                 id="plural-relation-list"),
    pytest.param("notified wound nurse, Zelquo Quarrington, of decubitus.",
                 ["Zelquo", "Quarrington"], id="role-comma-two-words"),
    pytest.param("home care nurse named Zelquo Quarrington was upset.",
                 ["Zelquo", "Quarrington"], id="named"),
])
def test_names_after_relations_and_roles_in_prose(text, names):
    for name in names:
        assert _covered(text, name), name


@pytest.mark.parametrize(("text", "names"), [
    pytest.param("SOCIAL: SISTER, ZELQUO QUARRINGTON HAS PHONED TODAY.",
                 ["ZELQUO", "QUARRINGTON"], id="capitals-relation-two-words"),
    pytest.param("COPING-SISTER ,ZELQUO HAS PHONED AND WILL VISIT.", ["ZELQUO"],
                 id="capitals-heading-joined-relation"),
    pytest.param("SOCIAL:DAUGHTER-ZELQUO---301 555-0100", ["ZELQUO"],
                 id="capitals-relation-dash-phone"),
    pytest.param("ETHICS CONSULT TODAY WITH PT'S SON QUARRINGTON. PLAN TO MEET.",
                 ["QUARRINGTON"], id="capitals-relation-sentence-end"),
])
def test_names_after_relations_in_capitals(text, names):
    for name in names:
        assert _covered(text, name), name


@pytest.mark.parametrize(("text", "name"), [
    pytest.param("Hypotensive overnight. HO Quarrington notified, bolus given.", "Quarrington",
                 id="house-officer"),
    pytest.param("PAP low 20s per md Quarrington. \nPlan: wean.", "Quarrington",
                 id="lower-case-md"),
    pytest.param("TUBE MANIPULATED SLIGHTLY PER NP QUARRINGTON.\n", "QUARRINGTON",
                 id="capitals-per-role"),
    pytest.param("CAPTOPRIL GIVEN (AS DISCUSSED WITH NP QUARRINGTON).\n", "QUARRINGTON",
                 id="capitals-with-role-parenthesis"),
    pytest.param("CO HIGHER THAN BEFORE. NP QUARRINGTON ORDERED LINES OUT.\n", "QUARRINGTON",
                 id="capitals-role-ordered"),
])
def test_surnames_after_roles(text, name):
    assert _covered(text, name)


@pytest.mark.parametrize(("text", "names"), [
    pytest.param("Social- being followed by Zelquo Quarrington, MSW. Wife called.",
                 ["Zelquo", "Quarrington"], id="two-words-before-credential"),
    pytest.param("OK TO USE LINE PER ZELQUO QUARRINGTON NP. PLAN: CONTINUE.",
                 ["ZELQUO", "QUARRINGTON"], id="capitals-per-name-credential"),
    pytest.param("BILATERAL WHEEZES. ZELQUO QUARRINGTON RRT\n", ["ZELQUO", "QUARRINGTON"],
                 id="capitals-sentence-start-credential"),
    pytest.param("plan unchanged.\n\nzelquo quarrington, rn\n", ["zelquo", "quarrington"],
                 id="lower-case-signature-line"),
    pytest.param("STABLE.\n \n ZELQUO C. QUARRINGTON, RRT \n", ["ZELQUO", "QUARRINGTON"],
                 id="capitals-signature-with-initial"),
    pytest.param("PA RISING -> B. QUARRINGTON MD AWARE-> NTG UP.", ["QUARRINGTON"],
                 id="initial-surname-credential"),
    pytest.param("UOP DROPPED, J QUARRINGTON ORDERED EPI.", ["QUARRINGTON"],
                 id="capitals-undotted-initial-ordered"),
    pytest.param("Also, I spoke with Zelquo Quarrington, who will meet the family.",
                 ["Zelquo", "Quarrington"], id="spoke-with"),
    pytest.param("pt of dr. zelquo quarrington.\nallergies: none", ["quarrington"],
                 id="lower-case-title-second-word"),
])
def test_names_by_credentials_signatures_and_cues(text, names):
    for name in names:
        assert _covered(text, name), name


@pytest.mark.parametrize("text", [
    pytest.param("Wife Aware of plan. daughter Lasix given by mistake.", id="vocabulary-after-relation"),
    pytest.param("SON CALLED. WIFE VISITING. DAUGHTER, FRIENDS IN TO VISIT.", id="capitals-doings"),
    pytest.param("GRANDDAUGHTER (SPOKESPERSON)CALLED FOR UPDATE.", id="capitals-role-noun"),
    pytest.param("PER MD BUSY. RN DUTY. PER PA LINE. WITH RN ASSISTANCE.", id="capitals-role-words"),
    pytest.param("No further N/V. Droperidol ordered but not needed.", id="drug-after-slash"),
    pytest.param("NO INCREASE D/T CONCERN RE: WHEEZE.", id="word-ending-in-credential"),
    pytest.param("Sputum grew E. coli and S. aureus, md aware.", id="species"),
    pytest.param("spoke with Renal Fellow about dialysis.", id="spoke-with-roles"),
    pytest.param("lungs clear.\n\npt stable, rn\n", id="status-line-with-credential"),
    pytest.param("BP 88/40. NP CAROL M ADE AWARE.", id="capitals-typo-initial"),
])
def test_everyday_words_in_the_same_places_stay(text):
    assert not (_sure(text) - {"CAROL"})


def test_surrogate_output_leaves_no_made_up_name():
    text = ("SOCIAL: SISTER, ZELQUO QUARRINGTON HAS PHONED TODAY.\n"
            "HYPOTENSIVE. PER NP BRAMKURTH. WILL FOLLOW.\n")
    out = deidentify_text(text, KEY, patient="p1").text
    for word in ("ZELQUO", "QUARRINGTON", "BRAMKURTH"):
        assert word.lower() not in out.lower()
