"""Place rules of moves, arrivals and homes: where a patient moves, arrives or lives.

A move of home to a town ("Plans moving to Harrowgate next month"), an arrival from one ("PT
ARRIVED FROM QUELLMOOR"), a street where someone lives ("LIVES AT 14 BIRCHWOOD WAY") and a
pharmacy's branch named by its street ("CVS on Elm St"); and the tests that tell a move of
home from a patient moved to a bed, a diet or a drug ("Moved to Supine", "Moving to Amio
gtt"). Split out of :mod:`osler.privacy.deid.places`, which imports them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from osler.privacy.deid.clinical_terms import (abbreviation_shaped, clinical_shaped,
                                               clinical_terms, term_phrases, term_section)
from osler.privacy.deid.lexicons import (common_words, first_names, name_stopwords, place_names,
                                         us_places, us_states)
from osler.privacy.deid.names import (_NOT_NAMES, _RELATIONS, _TITLES, _any_in, _capital_signal,
                                      _inflected, _mixed_case, _title, _tokens)
from osler.privacy.deid.place_words import (_CARE_WORDS, _HOSPITAL_WORDS, _NOT_PLACES, _NOT_TOWNS,
                                           _TOWN_NAME_ENDINGS, _counted, _listed_name, _token_at,
                                           _vocabulary, everyday_compound)
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.vocab import NOTE_STREET_TYPES, alternation

# A move still to come or an arrival ("Plans moving to Harrowgate", "ARRIVED FROM QUELLMOOR"):
# a place of four letters or more, for a short word after them is a ward's abbreviation
# ("MOVING TO BSC"), and no stimulus of a neurological exam ("MOVING TO PAINFUL STIMULI").
_MOVE_CONTEXT = re.compile(r"\b(?:arriv(?:ed|es|ing)|relocat(?:e|ed|es|ing)|moving|move)\s+"
                           r"(?:back\s+)?(?:to|from|in)(?:\s+the)?\s*$", re.I)
# A move of home to a place written as a name ("Plans moving to Harrowgate next month",
# "MOVE TO QUELLMOOR NEXT WEEK"): sure, whatever the tagger says of its context.
_MOVING_TO = re.compile(r"\b(?i:moving|move|moved|relocat(?:e|ed|es|ing))[ \t]+(?i:back[ \t]+)?"
                        r"(?i:to)[ \t]+(?P<p>[A-Za-z]{4,})\b(?![-'])")
# An arrival from a place in a note typed all in capitals ("PT ARRIVED FROM QUELLMOOR"): no
# capital tells a town there, so only a word shaped as a town's name (_TOWN_NAME_ENDINGS) and
# no word, ward or procedure of any list ("ARRIVED FROM PACU", "ARRIVED FROM FLUORO").
_ARRIVED_FROM = re.compile(r"\b(?i:arriv(?:ed|es|ing))[ \t]+(?i:back[ \t]+)?"
                           r"(?i:from)[ \t]+(?P<p>[A-Z]{6,})\b(?![-'])")


# A pharmacy's branch named by its street ("CVS on Elm St", "Walgreens at 12 Larkspur Avenue"):
# the street is an address; the chain's name is none.
@lru_cache(maxsize=1)
def _pharmacy_street() -> re.Pattern[str]:
    """The chains are the ``[pharmacies]`` of ``clinical_terms.txt`` (longest first), in any
    case; "&" with or without spaces ("Stop&Shop")."""
    def chain(phrase: str) -> str:
        words = phrase.split()
        out = re.escape(words[0])
        for before, word in zip(words, words[1:]):
            out += (r"[ \t]*" if "&" in (before, word) else r"[ \t]+") + re.escape(word)
        return out

    chains = "|".join(chain(p) for p in sorted(term_phrases("pharmacies"), key=len, reverse=True))
    return re.compile(
        rf"\b(?i:{chains})(?:[ \t]+(?i:pharmacy))?[ \t]+"
        r"(?i:on|at)[ \t]+(?P<p>(?:\d{1,5}[ \t]+)?(?:[A-Z][A-Za-z']+[ \t]+){1,3}"
        rf"(?:{alternation(frozenset(w.capitalize() for w in NOTE_STREET_TYPES))}"
        rf"|{alternation(frozenset(w.upper() for w in NOTE_STREET_TYPES))})\b\.?)")


_STIMULI = frozenset("""painful pain noxious stimuli stimulus stim stimulation voice verbal
command commands touch tactile sternal deep light""".split())
# What a patient is moved to within the hospital, one or two words after the word ("Moving to
# Private room", "Relocated to Negative pressure room", "Moving to Amio gtt", "MOVED TO GERI
# CHAIR", "Moving to Nectar thick liquids"): the word says what kind, no place.
_CLINICAL_HEAD_AFTER = re.compile(
    r"(?:[ \t]+[A-Za-z-]+){0,2}?[ \t]+(?i:rooms?|rm|beds?|units?|chairs?|diet|liquids?|"
    r"precautions?|isolation|mattress|overlay|gtt|gtts|drip|infusion|nutrition|feeds?|feeding|"
    r"tube|checks|protocol|mode|mask|cannula|position|only|stretcher|cart|status|service|"
    r"monitoring|watch|sitter|settings?|trial|regimen|dose|dosing|po|iv|pump|therapy)\b")
# After the word, what says a home's move ("moving to Montreal next month", "relocating to
# Quellmoor to be near family"): a place even when the word is shaped as an English word.
_PLACE_AFTER = re.compile(r"[ \t]+(?i:next|this[ \t]+(?:week|month|year|spring|summer|fall|"
                          r"winter)|in[ \t]+(?:the[ \t]+)?(?:spring|summer|fall|autumn|winter|"
                          r"[a-z]+ber\b)|to[ \t]+(?:live|be[ \t]+near|stay[ \t]+with)|"
                          r"with[ \t]+(?:his|her|their|family)|area\b|permanently)")
# Endings of English nouns and adjectives of the ward ("Isolation", "Negative", "Airborne",
# "Overflow"); not "-ate", "-er" or "-or", which towns' names have too ("Harrowgate", "Exeter",
# "Quellmoor").
_WARD_WORD_ENDING = re.compile(r"(?:ive|ion|ing|ure|ance|ence|ment|ness|ity|ous|ful|less|able|"
                               r"ible|ed|bound|borne|flow)$")
# Endings of adjectives that towns and countries share ("Montreal", "Nepal", "Vic"): only before
# a noun they qualify ("Nasal Cannula", "Enteral nutrition", "Nocturnal Bipap").
_ADJECTIVE_ENDING = re.compile(r"(?:al|ic)$")
# A move or an arrival, where a patient is moved to a bed, a diet or a drug as often as a
# home to a town ("Moved to Supine", "Arrived from Lithotripsy").
_MOVE_BEFORE = re.compile(r"\b(?:arriv(?:ed|es|ing)|relocat(?:e|ed|es|ing)|moving|moved?)\s+"
                          r"(?:back\s+)?(?:to|from|in)(?:\s+the)?\s*$", re.I)


def _treatment_moved_to(text: str, i: int, toks: list[tuple[int, int, str]]) -> bool:
    """Whether token ``i``, after a move or an arrival, says what a patient is moved to in
    the hospital, not a town: a word shaped as a procedure, a drug or an abbreviation
    ("Kyphoplasty", "Bivalirudin", "APRV"), a therapy, diet or position ("Heliox", "Clears",
    "Supine"), an English word's ending ("Isolation", "Negative"), an adjective's before a
    noun ("Nasal Cannula"), a kind of bed, room, diet or drip one or two words on ("Private
    room", "Amio gtt", "Nectar thick liquids"), or a capitalised clinical word next ("Reverse
    Trendelenburg", "Oral Keppra"); unless a home's move follows ("moving to Montreal next
    month")."""
    if i < 0:
        return False
    _start, end, word = toks[i]
    low = word.lower()
    after = end
    if (i + 1 < len(toks) and text[end:toks[i + 1][0]] == " " and toks[i + 1][2][:1].isupper()
            and toks[i + 1][2].lower() not in _vocabulary()):
        after = toks[i + 1][1]              # "Moving to Glen Burnie next month"
    if _PLACE_AFTER.match(text, after):
        return False
    listed = low in us_places() or low in place_names()
    nxt = toks[i + 1][2] if i + 1 < len(toks) and text[end:toks[i + 1][0]] == " " else ""
    return (clinical_shaped(low) or low in term_section("treatments")
            or low in _CARE_WORDS or abbreviation_shaped(word)
            or not listed and bool(_WARD_WORD_ENDING.search(low))
            or not listed and bool(_ADJECTIVE_ENDING.search(low)) and _noun_after(nxt)
            or bool(_CLINICAL_HEAD_AFTER.match(text, end))
            or bool(nxt) and nxt[:1].isupper() and _clinical_word(nxt.lower()))


# Words after a place that go on the sentence, not a noun that the word before qualifies ("Moved
# to Montreal with family", "Arrived from Nepal last week").
_GOES_ON = frozenset("""with for on in at from to and by via last this next today tonight
yesterday tomorrow after before since when once where until per but or so as""".split())


def _noun_after(nxt: str) -> bool:
    """Whether ``nxt`` (the word right after, or "") may be a noun that the word before it
    qualifies ("Nasal Cannula", "Enteral nutrition", "Negative pressure"): an ending of an
    adjective tells nothing of a word that ends its phrase ("Moved to Montreal.")."""
    return bool(nxt) and nxt.lower() not in _GOES_ON and nxt.lower() not in name_stopwords()


def _clinical_word(low: str) -> bool:
    """A drug, an eponym, a ward word or a therapy ("Keppra", "Trendelenburg", "Bipap")."""
    from osler.privacy.deid.eponyms import eponym_surnames
    from osler.privacy.deid.lexicons import clinical_words, medication_names

    return (low in medication_names() or low in eponym_surnames() or low in clinical_words()
            or low in clinical_terms() or low in term_section("treatments"))


# Where someone lives, even an everyday or clinical word is a place ("lives in DC").
_HOME_BEFORE = re.compile(r"\b(?:lives?|living|resides?|residing|moved|born|raised)[ \t]+"
                          r"(?:to|in|at|from|near)(?:[ \t]+the)?[ \t]*$", re.I)


def _no_clinical_word(text: str, start: int, low: str) -> bool:
    """Whether a word after a move ("returned to SIMV", "returned to NSR") may name a place:
    no everyday, clinical or public word nor an everyday compound ("ARRIVED FROM CARPORT":
    :func:`everyday_compound`), unless a hospital's ("Sacred Heart") or after where someone
    lives ("lives in DC")."""
    return (low not in _vocabulary() and not everyday_compound(low) or low in _HOSPITAL_WORDS
            or bool(_HOME_BEFORE.search(text, max(0, start - 30), start)))


# A street address after where someone lives, in any case and with any street word, the
# everyday ones too ("LIVES AT 14 BIRCHWOOD WAY", "resides at 9 quellmoor drive"): the home
# says it is an address.
_HOME_STREET = re.compile(r"\b(?i:lives?|living|resides?|residing|moved|moving|address)[ \t]*"
                          r"(?::[ \t]*|(?i:at|to|on|is)[ \t]+)"
                          r"(?P<p>\d{1,5}[ \t]+(?P<w>(?:[A-Za-z]+[ \t]+){1,3})"
                          rf"(?i:{alternation(NOTE_STREET_TYPES)})\b\.?)")
# A move or an arrival in a line typed all in lower case ("moving to quellmoor next month",
# "arrived from harrowgate for treatment"): no capital tells a town there, so only a word
# shaped as an English town's name is taken (_TOWN_NAME_ENDINGS), no word of any list.
_LOWER_MOVE = re.compile(r"\b(?:moving|move|moved|relocat(?:e|ed|es|ing)|arriv(?:ed|es|ing))"
                         r"[ \t]+(?:back[ \t]+)?(?:to|from)[ \t]+(?P<p>[a-z]{6,})\b(?![-'])")


def _lower_case_moves(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """Runs of ``_LOWER_MOVE`` in a line with no capital whose word ends as a town's name
    and is no word, ward, therapy or listed name ("moving to quellmoor next month"; "moving
    to bipap", "arrived from recovery" keep theirs)."""
    for m in _LOWER_MOVE.finditer(text):
        low = m.group("p")
        start = text.rfind("\n", 0, m.start()) + 1
        stop_at = text.find("\n", m.end())
        line = text[start:stop_at if stop_at >= 0 else len(text)]
        if (any(c.isupper() for c in line) or not low.endswith(_TOWN_NAME_ENDINGS)
                or _any_in(low, stop, _NOT_NAMES, _NOT_PLACES, _TITLES, _RELATIONS, _STIMULI,
                           us_states(), _vocabulary(), term_section("treatments"),
                           term_section("words"), _NOT_TOWNS)
                or _listed_name(low) or _inflected(low) or clinical_shaped(low)):
            continue
        yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")


def _home_streets(text: str) -> Iterator[PhiSpan]:
    """Runs of ``_HOME_STREET`` whose words are no measure or count ("lives at 3 pack ..."),
    with the stop of a shortened street word ("Elm St.") but not a sentence's ("... WAY.")."""
    for m in _HOME_STREET.finditer(text):
        if not any(w.isdigit() or w.lower() in _NOT_NAMES or _counted(w, m.group("p"))
                   for w in m.group("w").split()):
            end = m.end("p")
            if text[end - 1] == "." and text[m.start("p"):end - 1].split()[-1].lower() not in (
                    "ave", "blvd", "ct", "dr", "ln", "pl", "rd", "st"):
                end -= 1
            yield PhiSpan(m.start("p"), end, "LOCATION")


def _moved_to(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """Runs of ``_MOVING_TO`` whose word is written as a name (capitalised, or in capitals in
    a note typed so) and is no word, ward, stimulus or first name of the rules here ("moving
    to Chair", "MOVING TO PAINFUL STIMULI", "moved to Mary's room")."""
    mixed, toks = _mixed_case(text), _tokens(text)
    for m in _MOVING_TO.finditer(text):
        word = m.group("p")
        low = word.lower()
        if ((_title(word) if mixed else word.isupper())
                and not _any_in(low, stop, _NOT_NAMES, _NOT_PLACES, _TITLES, _RELATIONS,
                                _STIMULI, us_states(), _vocabulary())
                and not _inflected(low) and (low not in first_names() or low in us_places())
                and not _treatment_moved_to(text, _token_at(toks, m.start("p")), toks)):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")


def _arrivals_in_capitals(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """Runs of ``_ARRIVED_FROM`` in a note typed all in capitals whose word ends as a town's
    name and is no word, ward, procedure, listed name or everyday compound ("ARRIVED FROM
    HARROWGATE"; "ARRIVED FROM PACU", "ARRIVED FROM FLUORO", "ARRIVED FROM CARDIOVERSION",
    "ARRIVED FROM CARPORT" keep theirs: :func:`everyday_compound`)."""
    if _capital_signal(text):
        return
    for m in _ARRIVED_FROM.finditer(text):
        low = m.group("p").lower()
        if (low.endswith(_TOWN_NAME_ENDINGS)
                and not _any_in(low, stop, common_words(), _NOT_NAMES, _NOT_PLACES, _TITLES, _RELATIONS,
                                _STIMULI, us_states(), _vocabulary(), term_section("treatments"),
                                term_section("words"), _NOT_TOWNS)
                and not (_listed_name(low) or _inflected(low) or clinical_shaped(low)
                         or everyday_compound(low))):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")


def _pharmacy_streets(text: str) -> Iterator[PhiSpan]:
    """Runs of :func:`_pharmacy_street`: the street, with the stop of a shortened street word
    ("Elm St.") but not a sentence's ("Larkspur Avenue.")."""
    for m in _pharmacy_street().finditer(text):
        words = m.group("p").split()
        if any(w.lower() in _NOT_NAMES for w in words[:-1]):
            continue
        end = m.end("p")
        if text[end - 1] == "." and words[-1].lower().rstrip(".") not in (
                "ave", "blvd", "ct", "dr", "ln", "pl", "rd", "st"):
            end -= 1
        yield PhiSpan(m.start("p"), end, "LOCATION")
