"""Place detectors: institutions, wards, towns and streets, from dictionaries and context.

They share the tokeniser and word tests of :mod:`osler.privacy.deid.names` ("Lochmoor" after
"transferred from", "Quartermain 2" after "transfer to", "Glen Burnie", "Lansdowne, MA").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from osler.privacy.deid.clinical_terms import (abbreviation_shaped, clinical_shaped,
                                               clinical_terms, term_phrases, term_section)
from osler.privacy.deid.lexicons import (census_names, common_words, department_words,
                                         first_names, name_stopwords, place_names, specialties,
                                         us_places, us_states)
from osler.privacy.deid.names import (_NOT_NAMES, _RELATIONS, _TITLES, _WEAK_TITLES, _any_in,
                                      _capital_signal, _gap, _inflected, _known, _mixed_case,
                                      _title, _tokens)
from osler.privacy.deid.spans import PhiSpan, cut_out, merge_spans
from osler.privacy.deid.vocab import AMBIGUOUS_STREET_TYPES, NOTE_STREET_TYPES, alternation

__all__ = ["SPECIALTIES", "context_words", "find_places", "find_sure_places",
           "with_zip_after_places", "without_drugs", "without_services"]

_INSTITUTION = re.compile(r"(?<![\w.])(?P<p>[A-Z][a-z']+(?:\s+[A-Z][a-z']+)?)\s+(?:Center|Centre|"
                          r"House|Manor|Gardens|Commons|Pavilion|Building|Bldg|ICU|MICU|SICU|CCU|"
                          r"CSRU|ED|EW|ER)\b")
_PLACE_HEADS = re.compile(r"\s+(?:hospital|hosp|medical center|med center|medical ctr|med ctr|"
                          r"campus|clinic|nursing home|nursing center|rehab|rehabilitation center|"
                          r"rehabilitation hospital|"
                          r"rehab center|manor|county|memorial hospital|university|church|"
                          r"street|avenue|ave|road|blvd|boulevard|nh|nursing facility|hospice|vna|"
                          r"health ?care|assisted living|senior center|village|heights)\b", re.I)
_PLACE_CONTEXT = re.compile(r"(?:\b(?:transferr?ed|transfered|transfer|trans|admitted|adm|admit|"
                            r"sent|came|returned|discharged?|d/c'?d?|c/o|"
                            r"moved|lives|living|live|resides|home|house|job|works?|trip|flown|"
                            r"flew|visit(?:ing)?|born|->|i'm|"
                            r"located|housing|center|hospital|ed|er|ew)\s+(?:back\s+|alone\s+)?"
                            r"(?:to|from|in|at)(?:\s+the)?|\bosh)\s*$", re.I)
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
_PHARMACY_STREET = re.compile(
    r"\b(?i:cvs|walgreens|rite[ \t]+aid|walmart|wal-mart|costco|kroger|safeway|"
    r"stop[ \t]*(?:&|and)[ \t]*shop|osco|duane[ \t]+reade)(?:[ \t]+(?i:pharmacy))?[ \t]+"
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
_BEFORE_UNIT = re.compile(r"(?:\bto|\bat|->|\bfrom|\bin)\s+(?P<p>[A-Za-z]{2,})\s+(?:ED|EW|ER|ICU|MICU|"
                          r"CCU|SICU|cath lab|clinic|rehab|hosp|hospital)\b", re.I)
# Departments before "clinic" ("seen in cardiology clinic"): a service, not a place.
SPECIALTIES = specialties()
# A lone town name needs a preposition before it ("lives in Towson", "from Dundalk").
_TOWN_BEFORE = re.compile(r"(?:\b(?:in|from|to|at|near|of|outside|around)|->|@)\s+$", re.I)
# Without capitals, "to"/"in" are too often followed by a verb or a common noun ("TO PUSH").
_TOWN_BEFORE_UNCASED = re.compile(r"\b(?:from|near|outside|(?:lives?|living|resides|home|"
                                  r"house|born|raised|moved|moving)\s+(?:in|to))\s+$", re.I)
# Hospitals written as initials: "at GH", "from BWH", "to UMMC" (Hospital, Medical Center).
_ABBREVIATED_HOSPITAL = re.compile(r"(?:\b(?:at|from|to|in)\s+|->\s*|@\s*)(?:the\s+)?"
                                   r"(?P<p>[A-Za-z]{1,2}H|[A-Za-z]{2,3}MC)\b", re.I)
_NOT_HOSPITALS = frozenset("""with each both much such high rich path bath math ugh nah bah huh ooh
aah ah oh eh uh sh th dh bh ph ch nh wh cath arch cvvh mech osh""".split())
# "at Seymour Black's house": the home of a named person is a location.
_SOMEONES_HOME = re.compile(r"\b(?:at|to|from)\s+(?P<p>(?:[A-Za-z]+\s+)?[A-Za-z]+'s)\s+"
                            r"(?:house|home|"
                            r"apartment|apt|place|farm)\b", re.I)
# A building or ward named with a floor number after a move ("transfer to Farr 2", "on Hale 5").
_WARD_AFTER = (r"(?P<p>[A-Za-z]{4,})\s+(?P<f>\d{1,2})"
               r"(?![.,]?\d)(?=\s*(?:[.,;)]|$|today|tonight|tomorrow|this|when|if|once|after|"
               r"later|at\b|for\b|in\b|on\b|with\b|bed|s/p|pending|via|\(|team|nurse|"
               r"nursing|staff|"
               r"rn\b|unit|floor|service))")
_WARD = re.compile(r"\b(?:to|from|on|onto|transfer|transferred|xfer|xfered)\s+(?:the\s+)?"
                   + _WARD_AFTER, re.I | re.M)
# The same ward opening a plan, the move left out ("Plan: Farr 2 when bed available",
# "P: ? Hale 5 today"); not a drug and its dose ("Plan: Lasix 20 today").
_PLAN_WARD = re.compile(r"(?:\bplan\b[ \t]*[:?-]*|\b(?:p|a/p|dispo(?:sition)?)[ \t]*[:-])[ \t]*"
                        r"(?:\?[ \t]*)?" + _WARD_AFTER, re.I | re.M)
# Common words that often make up a hospital's name ("Sacred Heart", "Good Samaritan").
_HOSPITAL_WORDS = frozenset("""st saint holy mercy sacred heart good samaritan memorial children's
childrens shriners""".split())
# Words before "hospital" or "rehab" that describe it without naming it ("the local hospital").
_NOT_PLACES = frozenset("""other local outside previous prior another basic same this that nearby
community their his her your rehab continue for begin acute inpatient pt's pts patient's pt
patient cool nitro home multiple several many numerous frequent recent two three rehabilitation
unit floor tcu icu ward stable good fair critical serious satisfactory guarded medical surgical
cardiac neuro trauma coronary care pediatric main cancer dialysis wound infusion imaging
emergency step down cardiothoracic thoracic vascular transplant burn white micu sicu ccu csru
pacu nicu picu ctic cvicu ct mri or ir ep cath lab ed er ew radiology dialysis hd surgery endoscopy
echo xray x-ray ultrasound us ekg eeg tee egd ercp bronch pre-op preop post-op postop holding
bedside room bed chair commode bathroom shower home hospice morgue""".split())
# "Lansdowne, MA", "hampton,ma", "Quincy, Massachusetts": a town named with its state.
_STATE_AFTER = re.compile(r"[ \t]?,[ \t]?(?:(?P<code>[A-Za-z]{2})(?![A-Za-z])|"
                          r"(?P<name>[A-Za-z]+(?:[ \t][A-Za-z]+)?))")
_POSTAL = frozenset("""al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms
mo mt ne nv nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy""".split())
# Postal codes that are also ward words ("MD", "PA", "OR", "ME", "MS" ...): a town only if listed.
_AMBIGUOUS_POSTAL = frozenset("al co de hi id in la md me mo ms mt ne oh ok or pa".split())
# (on one line, and not the end of a phone number: "Fax: 555-0143\nDear Dr. Quill" is none)
_STREET = re.compile(r"(?<!\d\d\d-)\b\d{1,5}[ \t]+(?:[A-Z][a-z]+[ \t]+){1,3}"
                     rf"(?:{alternation(frozenset(w.capitalize() for w in NOTE_STREET_TYPES))})"
                     r"\b\.?")


def find_places(text: str) -> Iterator[PhiSpan]:
    """Spans of places smaller than a state: named institutions, towns and streets."""
    stop = name_stopwords()
    places = place_names()
    toks = _tokens(text)
    cased = _capital_signal(text)
    for m in _STREET.finditer(text):
        yield PhiSpan(m.start(), m.end(), "LOCATION")
    # a note typed all in lower case says nothing by its capitals: its towns are read as in one
    # typed all in capitals
    yield from _gazetteer(text, toks, stop, cased and _mixed_case(text))
    yield from _town_with_state(text, toks, stop)
    if _mixed_case(text):
        yield from _capitalised_institutions(text, stop)
    for regex in (_ABBREVIATED_HOSPITAL, _SOMEONES_HOME):
        for m in regex.finditer(text):
            if m.group("p").lower() not in _NOT_HOSPITALS:
                yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    for m in _WARD.finditer(text):   # not a ward's own word ("came to Unit 5", "to Floor 7")
        if not _any_in(m.group("p").lower(), stop, _NOT_NAMES, _TITLES, _RELATIONS, _NOT_PLACES):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    yield from _more_places(text, toks, stop, cased)
    for m in _BEFORE_UNIT.finditer(text):
        if not _any_in(m.group("p").lower(), stop, _NOT_NAMES, _NOT_PLACES, SPECIALTIES):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    for i, (start, end, word) in enumerate(toks):
        low = word.lower()
        capital = word[:1].isupper() if cased else True
        if low in places:
            yield PhiSpan(start, end, "LOCATION")
        elif _names_a_place(low, stop) and _PLACE_HEADS.match(text, end):
            yield PhiSpan(start, end, "LOCATION")
            for j in (i - 1, i - 2):
                if (j < 0 or not _names_a_place(toks[j][2].lower(), stop)
                        or text[toks[j][1]:toks[j + 1][0]].strip()):
                    break
                yield PhiSpan(toks[j][0], toks[j][1], "LOCATION")
        elif (low not in stop and capital and not _any_in(low, _NOT_NAMES, _NOT_PLACES, us_states())
              and (_PLACE_CONTEXT.search(text[max(0, start - 30):start])
                   and not (_MOVE_BEFORE.search(text, max(0, start - 30), start)
                            and _treatment_moved_to(text, i, toks))
                   or len(word) > 3 and low not in _STIMULI
                   and _MOVE_CONTEXT.search(text, max(0, start - 30), start)
                   and not _treatment_moved_to(text, i, toks))
              and _no_clinical_word(text, start, low)):
            yield PhiSpan(start, end, "LOCATION")
            for j in (i + 1, i + 2):  # "Bel Air", "Glen Burnie": the rest of a town's name
                if (j >= len(toks) or _gap(text, toks[j - 1][1], toks, j - 1) or not cased
                        or not _title(toks[j][2]) or toks[j][2].lower() in stop
                        or text[toks[j - 1][1]:toks[j][0]].strip()  # "Springfield, Illinois"
                        or toks[j][2].lower() in us_states()):
                    break
                yield PhiSpan(toks[j][0], toks[j][1], "LOCATION")


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
    no everyday, clinical or public word, unless a hospital's ("Sacred Heart") or after where
    someone lives ("lives in DC")."""
    return (low not in _vocabulary() or low in _HOSPITAL_WORDS
            or bool(_HOME_BEFORE.search(text, max(0, start - 30), start)))


def _capitalised_institutions(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """Capitalised names before "Center", "House", "ICU" ... ("Ferncliff Manor", "Finard ICU")."""
    for m in _INSTITUTION.finditer(text):
        words = [w for w in re.findall(r"[A-Za-z']+", m.group("p"))]
        if all(_names_a_place(w.lower(), stop) and w.lower() not in common_words()
               for w in words):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")


def _names_a_place(low: str, stop: frozenset[str]) -> bool:
    """Whether a word before "Hospital", "Rehab" ... can be part of the place's name."""
    if low in _HOSPITAL_WORDS:
        return True
    return not (_any_in(low, _NOT_NAMES, _NOT_PLACES, stop) or _inflected(low))


def _gazetteer(text: str, toks: list[tuple[int, int, str]], stop: frozenset[str], cased: bool
               ) -> Iterator[PhiSpan]:
    """US towns: "Glen Burnie", "lives in Towson"; in all-capital or all-lower notes only after
    a preposition ("FROM DUNDALK")."""
    towns = us_places()
    shaped = _title if cased else str.isalpha
    for i, (start, _end, word) in enumerate(toks):
        low = word.lower()
        if not shaped(word) or _any_in(low, _NOT_NAMES, _TITLES, _RELATIONS, _NOT_PLACES):
            continue
        before = _TOWN_BEFORE if cased else _TOWN_BEFORE_UNCASED
        context = bool(before.search(text, max(0, start - 20), start))
        for n in (3, 2, 1):
            window = toks[i:i + n]
            if (len(window) < n or any(not shaped(w) for _s, _e, w in window)
                    or any(_gap(text, window[k][1], toks, i + k) for k in range(n - 1))):
                continue
            name = " ".join(w.lower() for _s, _e, w in window)
            if name in towns and (n > 1 and cased or context and low not in stop
                                  and len(word) > (3 if cased else 4) and not _inflected(low)
                                  # uncased, a town that is also a word ("from central line",
                                  # "near normal", "from delta unit")
                                  and (cased or n > 1 or low not in _vocabulary()
                                       and low not in term_section("words"))):
                yield PhiSpan(start, window[-1][1], "LOCATION")
                break


def _town_with_state(text: str, toks: list[tuple[int, int, str]], stop: frozenset[str]
                     ) -> Iterator[PhiSpan]:
    """One to three words before ", <state>": a listed US town, or (state written
    unambiguously, capitals used as in prose) any capitalised name ("Quellmoor, MA")."""
    towns, mixed = us_places(), _mixed_case(text)
    for i in range(len(toks)):
        for n in (3, 2, 1):
            window = toks[i:i + n]
            if len(window) < n or any(_gap(text, window[k][1], toks, i + k) for k in range(n - 1)):
                continue
            state = _state_after(text, window[-1][1])
            if state is None:
                continue
            words = [w for _s, _e, w in window]
            listed = " ".join(w.lower() for w in words) in towns
            named = mixed and state == "clear" and all(
                _title(w) and not _any_in(w.lower(), stop, common_words(), _NOT_NAMES,
                                          _NOT_PLACES, _TITLES, _RELATIONS) for w in words)
            if (listed and (state == "clear" or not _known(words[0]))) or named:
                yield PhiSpan(window[0][0], window[-1][1], "LOCATION")
                break


def _state_after(text: str, end: int) -> str | None:
    """"clear" when a US state follows ``end`` after a comma, "ambiguous" for a postal code
    that is also a ward word written in capitals ("MD"), else None."""
    m = _STATE_AFTER.match(text, end)
    if m is None:
        return None
    if m.group("code"):
        code = m.group("code")
        if code.lower() not in _POSTAL:
            return None
        if code.lower() in _AMBIGUOUS_POSTAL:
            return "ambiguous" if code.isupper() else None
        return "clear"
    name = m.group("name").lower()
    return "clear" if name in us_states() or name.split()[0] in us_states() else None


# --- places said in ways the rules above miss: a plan's ward, a call-out in lower case, a
# region, a run of capitalised names before a head word, a town by its ending, an unlisted
# capitalised word after "from" / "in" / "at" ----------------------------------------------

# A move to a ward written in lower case in a note with capitals ("c/o to birchwood if stable",
# "call out to hale today"); capitalised or in an all-capital note, _PLACE_CONTEXT has it.
_CALLED_OUT = re.compile(r"(?i:\b(?:c/o|call(?:ed|ing)?[ -]?out)[ \t]+to[ \t]+(?:the[ \t]+)?)"
                         r"(?P<p>[a-z]{5,})\b(?=[ \t]*(?:[.,;)]|$|if\b|when\b|once\b|today|tonight|"
                         r"tomorrow|later|after\b|in[ \t]+am\b|this\b))", re.M)
# Words of a unit, however misspelt ("micua", "vicu", "pmicu"): no place's own name.
_UNIT_PART = re.compile(r"icu|ccu|csru|pacu|unit|floor|ward")
# Endings of English nouns, verbs and adjectives ("recovery", "stretcher", "transfuse",
# "extubate"), for words that the word lists here do not hold; a town's "-moor" ("Quellmoor")
# is none of them.
_WORD_ENDING = re.compile(r"(?:ery|ion|ing|ure|ance|ence|ment|ness|ity|ive|ics|ate|ise|ize|"
                          r"use|ous|ful|less|able|ible|er|(?<!o)or|ed)$")
# A part of a region, a neighbourhood or a campus ("the Eastern Shore", "the North End",
# "North Campus"): smaller than a state.
# Never a side of a unit, a room or a bed ("on the South Side of the unit").
_REGION = re.compile(r"\b(?P<p>(?i:north|south|east|west|northern|southern|eastern|western)"
                     r"[ \t]+(?i:shore|side|end|campus|valley|hills|cape))\b"
                     r"(?![ \t]+(?i:of)[ \t]+(?:(?i:the|this|that|pt'?s|his|her)[ \t]+)?"
                     r"(?i:unit|units|room|rm|bed|floor|hall|hallway|ward|building|bldg|station|"
                     r"nursing|icu|hospital|hosp|pod|corridor|body|chest|face|neck|abd|abdomen|"
                     r"head|lung|heart|wound|incision|bay|nurses?)\b)")
# Two or three capitalised words after a preposition and before a hospital's head word
# ("went to Warren Grant hosp.", "sent to Fairley Oaks EW"): the whole run is the name, even
# where a word of it is also a word or a listed name.
_NAMED_BEFORE_HEAD = re.compile(
    r"\b(?i:to|from|at|in|of|near)[ \t]+(?:the[ \t]+)?(?P<p>[A-Z][a-z']+(?:[ \t]+[A-Z][a-z']+){1,2})"
    r"[ \t]+(?:(?i:hosp|hospital|medical[ \t]+cent(?:er|re)|med[ \t]+(?:ctr|center)|"
    r"medical[ \t]+ctr|clinic|rehab|nursing[ \t]+home|hospice)\b|(?:EW|ED|ER|ICU|MICU|SICU|CCU|"
    r"NH)\b)")
# Endings of English town names ("Hagerstown", "Abbotsford", "Annapolis"): a listed US town
# with one, that is no word and no one's name, is a town without any context.
_TOWN_ENDINGS = ("town", "ville", "burg", "burgh", "boro", "borough", "polis", "chester",
                 "caster", "ford", "field", "port", "mouth", "dale", "bury", "ton")
_NOT_TOWNS = frozenset("""airport battlefield coalfield downtown hometown midfield midtown uptown
metropolis""".split())
# An unlisted capitalised word after a preposition of place ("drove up from Quellmoor",
# "visiting family in Lochmoor"), in a note whose capitals mean something.
_AFTER_PLACE_WORD = re.compile(r"\b(?:from|in|at|near)[ \t]+(?:the[ \t]+)?(?P<p>[A-Z][a-z]{3,})\b"
                               r"(?!['-])")
# Places of care that are no place's own name and that the word lists here do not hold.
_CARE_WORDS = frozenset("""angio angiography detox wheelchair stretcher tele telemetry stepdown
recovery holding dialysis hemodialysis endo endoscopy cysto lab labs""".split())
# A saint's name after "St." or "Saint" is a hospital's or a church's ("at St. Brennan's",
# "FROM ST. AGATHA'S", "transferred from Saint Quillan"): a listed name, written with a stop,
# in full or as a possessive ("ST ELEVATION", "ST changes" are none); not the herb.
_SAINT = re.compile(r"\b(?P<p>(?:(?P<st>St|ST)(?P<dot>\.)?|Saint|SAINT)[ \t]+(?P<n>[A-Z][A-Za-z]+)"
                    r"(?P<s>'[sS])?)(?![ \t]+(?i:wort)\b)(?![\w'])"
                    # a saint's name on a device, a disease or a herb ("St. Jude mechanical AVR",
                    # "St. Louis encephalitis", "St. Vitus dance")
                    r"(?![ \t]+(?:[A-Za-z-]+[ \t]+){0,2}(?i:valves?|pacemakers?|ppm|icds?|aicds?|"
                    r"avr|mvr|tavr|devices?|leads?|prosthe\w*|mechanical|bileaflet|generator|"
                    r"encephalitis|virus|dance|chorea|wort|fire|crt-?d|crt-?p|ep|defibrillator)\b)")
# A street address in a note typed all in capitals or all in lower case ("42 BIRCHWOOD LANE",
# "17 quellmoor rd"): the street words written out or shortened, but none that is also a
# doctor's, a saint's or a count's ("Dr", "St", "Ct") or an everyday word ("way", "drive").
_STREET_UNCASED = re.compile(r"(?<![\d-])\b\d{1,5}[ \t]+(?:[A-Za-z]+[ \t]+){1,3}"
                             rf"(?i:{alternation(NOTE_STREET_TYPES - AMBIGUOUS_STREET_TYPES)})"
                             r"\b\.?")
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
_TOWN_NAME_ENDINGS = _TOWN_ENDINGS + ("gate", "moor", "wick", "ham", "stead", "worth", "ley",
                                      "combe", "minster", "bridge", "brook", "wood", "holm")
_LANGUAGES = frozenset("""english spanish french portuguese russian chinese mandarin cantonese
haitian creole vietnamese italian greek arabic polish korean japanese hindi german cape verdean
somali amharic farsi hebrew yiddish tagalog""".split())


def _more_places(text: str, toks: list[tuple[int, int, str]], stop: frozenset[str],
                 cased: bool) -> Iterator[PhiSpan]:
    """The rules of this section (see the comments above their patterns)."""
    vocabulary, mixed = _vocabulary(), _mixed_case(text)
    for m in _PLAN_WARD.finditer(text):
        low = m.group("p").lower()
        if not (low in vocabulary or _WORD_ENDING.search(low)):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    if cased:
        for m in _CALLED_OUT.finditer(text):
            low = m.group("p")
            if not (low in vocabulary or _UNIT_PART.search(low) or _WORD_ENDING.search(low)
                    or _inflected(low)):
                yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    for m in _REGION.finditer(text):
        if not mixed or all(w[:1].isupper() for w in m.group("p").split()):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    if mixed:
        yield from _named_before_head(text, stop)
        for m in _AFTER_PLACE_WORD.finditer(text):
            low = m.group("p").lower()
            if not (low in vocabulary or _listed_name(low) or _inflected(low)
                    or _misspelt_region(low) or clinical_shaped(low)   # "from Lithotripsy"
                    or low in term_section("treatments")):
                yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    for m in _SAINT.finditer(text):
        name = m.group("n").lower()
        # written with a stop and as a possessive ("ST. ODRAN'S"), any saint's name is a place's
        if ((m.group("dot") or m.group("s") or not m.group("st"))
                and (name in first_names() or _listed_name(name)
                     or m.group("dot") and m.group("s") and not _inflected(name))
                and name not in _vocabulary()):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    yield from _home_streets(text)
    yield from _lower_case_moves(text, stop)
    if not mixed:
        for m in _STREET_UNCASED.finditer(text):
            words = m.group().split()[1:-1]
            if not any(w.isdigit() or w.lower() in _NOT_NAMES or _counted(w, m.group()) for w in words):
                yield PhiSpan(m.start(), m.end(), "LOCATION")
    towns = _towns_by_ending()
    for start, end, word in toks:
        if word.lower() in towns and (_title(word) if cased else len(word) > 4):
            yield PhiSpan(start, end, "LOCATION")


# A unit or a measure after a number ("40 CC AVE", "2 CM ROAD RASH", "40 CC PER RD RECS"), and
# a distance, a size or a road's lanes before an everyday street word ("lives at 1 hour drive",
# "lives on 4 lane road", "20 acre farm way", "1 way drive"): no address.
_MEASURES = frozenset("""cc cm mm ml mg mcg g kg l cm2 in inch inches ft feet lb lbs oz hr hrs h
min mins sec units u meq mmol per x times pt pts episodes areas lesions nodes ln ln's tabs
caps puffs drops gtt gtts mmhg bpm days wks weeks months yrs years
hour hours minute minutes mile miles mi km yard yards acre acres block blocks lane lanes
story stories storey floor floors flight flights step steps level levels way ways""".split())


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
    name and is no word, ward, procedure or listed name ("ARRIVED FROM HARROWGATE"; "ARRIVED
    FROM PACU", "ARRIVED FROM FLUORO", "ARRIVED FROM CARDIOVERSION" keep theirs)."""
    if _capital_signal(text):
        return
    for m in _ARRIVED_FROM.finditer(text):
        low = m.group("p").lower()
        if (low.endswith(_TOWN_NAME_ENDINGS)
                and not _any_in(low, stop, common_words(), _NOT_NAMES, _NOT_PLACES, _TITLES, _RELATIONS,
                                _STIMULI, us_states(), _vocabulary(), term_section("treatments"),
                                term_section("words"), _NOT_TOWNS)
                and not (_listed_name(low) or _inflected(low) or clinical_shaped(low))):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")


def _pharmacy_streets(text: str) -> Iterator[PhiSpan]:
    """Runs of ``_PHARMACY_STREET``: the street, with the stop of a shortened street word
    ("Elm St.") but not a sentence's ("Larkspur Avenue.")."""
    for m in _PHARMACY_STREET.finditer(text):
        words = m.group("p").split()
        if any(w.lower() in _NOT_NAMES for w in words[:-1]):
            continue
        end = m.end("p")
        if text[end - 1] == "." and words[-1].lower().rstrip(".") not in (
                "ave", "blvd", "ct", "dr", "ln", "pl", "rd", "st"):
            end -= 1
        yield PhiSpan(m.start("p"), end, "LOCATION")


def _token_at(toks: list[tuple[int, int, str]], start: int) -> int:
    """The index of the token starting at ``start`` (-1: none does)."""
    return next((k for k, t in enumerate(toks) if t[0] == start), -1)


def _counted(word: str, street: str) -> bool:
    """Whether ``word``, between a number and a street word, makes the run a measure or a
    count ("40 CC AVE", "2 ENLARGED LN", "2 CM ROAD"), not an address: a unit, a word that
    names no street (everyday or clinical, an -ed word), or, before a shortened street word
    ("LN", "AVE", "RD"), any vocabulary word."""
    low = word.lower()
    if low in _MEASURES or _inflected(low) or low.endswith("ed"):
        return True
    short = street.rstrip(". \t").split()[-1].lower() in ("ln", "ave", "rd")
    return short and (low in _vocabulary() or low in common_words()) or low in clinical_terms()


def _named_before_head(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """Runs of ``_NAMED_BEFORE_HEAD``: no word of a department, a unit or a kind of care, and
    one word at least that can name a place."""
    for m in _NAMED_BEFORE_HEAD.finditer(text):
        words = [w.lower() for w in m.group("p").split()]
        first = words[0]
        if (not any(_any_in(w, _NOT_PLACES, SPECIALTIES) and w not in _HOSPITAL_WORDS
                    or _department(w) for w in words)
                and (not _any_in(first, stop, _NOT_NAMES) or first in _HOSPITAL_WORDS)
                and any(_names_a_place(w, stop) or _listed_name(w) for w in words)):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")


def _listed_name(low: str) -> bool:
    """Whether a lower-case word is a listed first or last name."""
    from osler.privacy.deid.lexicons import first_names, last_names

    return low in census_names() or low in first_names() or low in last_names()


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Words that are no place's own name: everyday, clinical and public words, drugs,
    services, eponyms ("Trendelenburg"), states, countries, languages and pharmacy chains
    ("Walgreens": no branch named) (lower case)."""
    from osler.privacy.deid.eponyms import eponym_surnames
    from osler.privacy.deid.features import public_vocabulary   # it imports this module
    from osler.privacy.deid.lexicons import clinical_words, medication_names, service_words

    return frozenset(public_vocabulary() | clinical_words() | service_words()
                     | medication_names() | eponym_surnames() | SPECIALTIES | _NOT_PLACES
                     | us_states() | _countries() | _LANGUAGES | _CARE_WORDS | context_words()
                     | clinical_terms()
                     | frozenset(w for p in term_phrases("pharmacies") for w in p.split()))


def _misspelt_region(low: str) -> bool:
    """A state or country misspelt ("Conneticut", "Pensylvania"): no place smaller than a state."""
    from difflib import get_close_matches

    return bool(get_close_matches(low, _regions(), n=1, cutoff=0.85))


@lru_cache(maxsize=1)
def _regions() -> tuple[str, ...]:
    return tuple(sorted(us_states() | _countries()))


@lru_cache(maxsize=1)
def _towns_by_ending() -> frozenset[str]:
    """Listed one-word US towns with an English town's ending that are no word and no name."""
    return frozenset(t for t in us_places() if t.isalpha() and t.endswith(_TOWN_ENDINGS)
                     and t not in _vocabulary() and t not in _NOT_TOWNS and not _listed_name(t))


def context_words() -> frozenset[str]:
    """The titles, relation words and not-a-name/not-a-place words the rules above rely on."""
    return frozenset(_TITLES | _RELATIONS | _WEAK_TITLES | _NOT_NAMES | _NOT_PLACES
                     | _HOSPITAL_WORDS | _NOT_HOSPITALS)


# "Brigham and Women's Hospital", "Beth Israel Deaconess Medical Center": capitalised words,
# joined by "and" / "&" at most once, right before an institution's head word.
_JOINED_INSTITUTION = re.compile(
    r"(?<![\w.'])(?P<p>[A-Z][a-z']+(?:[ \t]+[A-Z][a-z']+)?[ \t]+(?:and|&)[ \t]+"
    r"[A-Z][a-z']+(?:[ \t]+[A-Z][a-z']+)?)[ \t]+(?:Hospital|Medical[ \t]+Center|Clinic|"
    r"Health(?:care)?|Rehab(?:ilitation)?|Nursing[ \t]+Home|Hospice|Infirmary)\b")
# "at Newton-Wellesley", "from Wilkes-Barre": a hyphenated pair of US places after a preposition
_HYPHENATED_TOWN = re.compile(r"\b(?:at|from|to|in|near)[ \t]+(?:the[ \t]+)?"
                              r"(?P<p>[A-Z][a-z]+-[A-Z][a-z]+)\b")


_DEPARTMENT_WORDS = frozenset("""medicine surgery care pain palliative internal family general
primary urgent emergency critical intensive physical occupational speech respiratory sleep
wound vascular plastic orthopedic orthopaedic spine sports travel behavioral mental health
women children adolescent adult geriatric infectious diseases disease transplant stroke heart
lung kidney liver diabetes endocrine rehabilitation rehab failure sickle""".split())


def _department(word: str) -> bool:
    """A word of a clinical department's name ("Hematology and Oncology Clinic", "Pain and
    Palliative Care"), which names no place."""
    low = word.lower().removesuffix("'s")
    return (low in _DEPARTMENT_WORDS and low != "women"
            or low.endswith(("ology", "iatry", "iatrics", "ics", "ery")))


_CITY_COUNTRY = re.compile(r"\b(?:in|from|to|near|of)[ \t]+(?P<p>[A-Z][a-z'-]+(?:[ \t]+[A-Z][a-z'-]+)?)"
                           r",[ \t]*(?P<c>[A-Z][A-Za-z]+(?:[ \t]+[A-Z][A-Za-z]+){0,2})\b")


_NOT_CITIES = frozenset("""clinic hospital center centre icu er ed rehab home house school church
university college office unit floor ward department dept service team nursing facility
hospice shelter""".split())


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    """Country names (Faker's en_US list), lower case; the United States is no country of a
    foreign city here (its places have states)."""
    from importlib import import_module

    from osler._extras import require

    require("faker", "nlp")
    provider = import_module("faker.providers.address.en_US").Provider
    return frozenset(c.lower() for c in provider.countries) - {"united states of america"}


def find_sure_places(text: str) -> Iterator[PhiSpan]:
    """Places that their shape alone vouches for, kept whatever the learned tagger says (not a
    rule layer, so not a tagger feature): an institution's name joined by "and" before its head
    word, a foreign city before its country, after a preposition a hyphenated pair of US
    place names or of listed names ("referred to Dana-Farber"), a street address after
    where someone lives ("LIVES AT 14 BIRCHWOOD WAY") and a move of home to a place written
    as a name ("MOVING TO HARROWGATE NEXT MONTH"), or in lower case shaped as a town's name
    before what says a home's move ("moving to quellmoor next month")."""
    stop = name_stopwords()
    for m in _JOINED_INSTITUTION.finditer(text):
        words = re.findall(r"[A-Za-z']+", m.group("p"))
        if all(w.lower() in ("and",) or w.lower().removesuffix("'s") not in common_words()
               for w in words) and not any(_department(w) for w in words):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    for m in _CITY_COUNTRY.finditer(text):   # "born in Guadalajara, Mexico": a foreign city
        words = m.group("c").lower().split()
        named = any(" ".join(words[:k]) in _countries() for k in range(1, len(words) + 1))
        city = m.group("p")
        if named and all(w.lower() not in common_words() and w.lower() not in stop
                         and w.lower() not in _NOT_CITIES and not _department(w)
                         for w in city.split()):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    for m in _HYPHENATED_TOWN.finditer(text):
        parts = m.group("p").lower().split("-")
        if all(p in us_places() and p not in stop for p in parts) or (
                all(_named_part(p, stop) for p in parts)
                and _MOVED.search(text, max(0, m.start() - 30), m.start("p"))):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    yield from _home_streets(text)   # "LIVES AT 14 BIRCHWOOD WAY", "lives at 9 elm way"
    yield from _moved_to(text, stop)
    yield from _arrivals_in_capitals(text, stop)   # "PT ARRIVED FROM QUELLMOOR"
    yield from _pharmacy_streets(text)             # "CVS on Elm St"
    for span in _lower_case_moves(text, stop):   # "moving to quellmoor next month"
        if _PLACE_AFTER.match(text, span.end):
            yield span
    for m in _GENERAL.finditer(text):   # "seen at Quellmoor General": a hospital
        if all(w.lower() not in common_words() and w.lower() not in stop
               and w.lower() not in context_words() and not _department(w)
               for w in m.group("n").split()):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    yield from _whole_towns_before_states(text)
    if _mixed_case(text):
        yield from _named_institutions(text)


# A hospital called by its name and "General" after a preposition ("seen at Quellmoor General",
# "transferred from Lochmoor General"), its head word left out.
_GENERAL = re.compile(r"\b(?:at|from|to)[ \t]+(?:the[ \t]+)?(?P<p>(?P<n>[A-Z][a-z']+(?:[ \t]+"
                      r"[A-Z][a-z']+)?)[ \t]+General)\b")


# An institution named by capitalised words before its capitalised head word, in a note whose
# capitals mean something ("Resident of Fernbrook Nursing Home", "from Quellmoor Rehab").
_NAMED_INSTITUTION = re.compile(
    r"(?<![\w.'])(?P<p>[A-Z][a-z']+(?:[ \t]+[A-Z][a-z']+){0,2})[ \t]+(?:Nursing[ \t]+(?:Home|Center|"
    r"Facility)|Rehab(?:ilitation)?(?:[ \t]+(?:Center|Hospital))?|Manor|Hospice|Assisted[ \t]+"
    r"Living|Medical[ \t]+Center|Hospital|Infirmary)\b")


def _named_institutions(text: str) -> Iterator[PhiSpan]:
    """Runs of ``_NAMED_INSTITUTION`` whose every word is no everyday, clinical or service word
    (a hospital's "St", "Sacred Heart" and a listed name that is no common word may be)."""
    for m in _NAMED_INSTITUTION.finditer(text):
        words = [w.lower().removesuffix("'s") for w in m.group("p").split()]
        if (all((w not in _vocabulary() or w in _HOSPITAL_WORDS
                 or _listed_name(w) and w not in common_words()) and not _department(w)
                for w in words) and any(w not in _HOSPITAL_WORDS for w in words)
                and not _COURSE_HEADING.match(text, m.start("p"))):   # "Brief Hospital Course"
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")


def _whole_towns_before_states(text: str) -> Iterator[PhiSpan]:
    """A listed US town of two or three capitalised words before a state written out or as a
    clear postal code ("Ann Arbor, Michigan 48104", "Glen Burnie, Maryland"): the whole town,
    where the tagger may take only its last word ("Arbor", which left "Ann")."""
    if "," not in text:
        return
    toks, towns = _tokens(text), us_places()
    for i in range(len(toks)):
        for n in (3, 2):
            window = toks[i:i + n]
            if (len(window) == n and all(_title(w) for _s, _e, w in window)
                    and not any(_gap(text, window[k][1], toks, i + k) for k in range(n - 1))
                    and " ".join(w.lower() for _s, _e, w in window) in towns
                    and _state_after(text, window[-1][1]) == "clear"):
                yield PhiSpan(window[0][0], window[-1][1], "LOCATION")
                break


# A hyphenated pair of names is a place only after a word that moves a patient to or from one
# ("referred to Dana-Farber"), never after one that attaches a device ("connected to
# Salem-Sump", "warmed in Bair-Hugger").
_MOVED = re.compile(r"\b(?:referred|transferred|transfer|admitted|sent|came|returned|"
                    r"discharged|moved|lives|living|followed|seen|treated|born|works?|went|"
                    r"going|go)[ \t]+(?:back[ \t]+)?(?:to|from|at|in)[ \t]+(?:the[ \t]+)?$", re.I)


def _named_part(word: str, stop: frozenset[str]) -> bool:
    """A part of a hyphenated institution's name ("Dana-Farber", "Johns-Hopkins"): a listed
    name or place, and no everyday or clinical word ("Step-Down", "Sub-Acute", "Bi-Pap");
    hyphenated eponyms ("Cheyne-Stokes") are taken out later, by the eponym list."""
    return ((word in census_names() or word in us_places() or word in place_names())
            and not _any_in(word, stop, common_words(), context_words()))


# A ZIP code after a place found, with at most two capitalised words between them (the rest
# of the town's name: "Kansas City 64105", "Quellmoor, 05123"), and no unit or decimal after
# it ("MICU 10000 units" is a dose).
_ZIP_AFTER = re.compile(r"(?:[ \t]+[A-Z][a-z]+){0,2},?[ \t]+\d{5}(?:-\d{4})?\b"
                        r"(?![.,/-]?\d|[ \t]*(?i:units?|u|mg|mcg|ml|cc|g|kg|l)\b)")


def with_zip_after_places(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with each place span carried on over a ZIP code right after it, and the words
    of the town's name between them (a ZIP code is a place smaller than a state)."""
    if not any(s.type == "LOCATION" for s in spans):
        return spans
    out = [PhiSpan(s.start, m.end(), "LOCATION")
           if s.type == "LOCATION" and (m := _ZIP_AFTER.match(text, s.end)) else s
           for s in spans]
    return merge_spans(out) if out != spans else spans


# --- final-span cuts: words read as places that a note's context shows are not --------------
# (applied to the final spans, so the rule layers, the tagger's features, stay as they are)

# A dose, route or frequency right after a drug's name: "Norco 10/325 mg PO q6h", "Norco 2 tabs",
# "Xanax 0.5mg", "Ambien qhs prn"; not a ZIP code ("Norco 92860").
_DOSE_AFTER = re.compile(
    r"[ \t]*(?:\(?[ \t]*\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?[ \t]*(?:mg|mcg|g|ml|cc|units?|u|tabs?|"
    r"tablets?|caps?|capsules?|puffs?|patch)\b|\d{1,3}/\d{3}\b|(?:tab|tabs|tablet|cap|caps|po|iv|"
    r"ivp|im|sc|subq|sq|pr|sl|prn|q\.?\d+h?|q\.?[hd]|qhs|qd|qod|qid|tid|bid|daily|nightly|er|xr|"
    r"sr|cr|xl|cd|ir|dose|doses|dosing)\b)", re.I)
# A word that gives or stops a drug right before it: "taking Norco", "restarted on Xanax",
# "switched from Norco", "held Lyrica", "Allergies: Norco".
_DRUG_BEFORE = re.compile(
    r"(?:\b(?:takes?|taking|took|on|start(?:s|ed|ing)?|restart(?:s|ed|ing)?|resum(?:e|ed|ing)|"
    r"continu(?:e|ed|ing)|cont|given|gave|giving|receiv(?:e|es|ed|ing)|prescribed|rx|hold|held|"
    r"holding|stop(?:ped|ping)?|d/?c'?d?|discontinu(?:e|ed|ing)|increas(?:e|ed|ing)|"
    r"decreas(?:e|ed|ing)|titrat(?:e|ed|ing)|wean(?:ed|ing)?|refill(?:s|ed)?|dose\s+of|"
    r"allerg(?:y|ies|ic)(?:\s+to)?|switch(?:ed|ing)?\s+(?:to|from)|chang(?:e|ed|ing)\s+(?:to|from)|"
    r"(?:his|her|home|prn|po|iv)\s*)[ \t]*:?[ \t]*(?:(?:from|off|on|with)[ \t]+)?"
    r"(?:(?:his|her|the|home|po|iv|prn)[ \t]+)?)$", re.I)
# The word before a drug in a list of drugs: "Lisinopril, Norco", "Tylenol/Norco", "and Norco".
_LISTED_AFTER = re.compile(r"(?P<w>[A-Za-z]+)[ \t]*(?:,|/|\+|\band\b|\bor\b)[ \t]*$", re.I)
# A heading that opens a medication list: "Discharge Medications:", "Home meds:", "Rx:".
_MED_HEADING = re.compile(r"[A-Za-z /]{0,40}?\b(?:medications?|meds|prescriptions|rx)\b"
                          r"[^\n:]{0,30}:", re.I)
# Any heading at a line's start ("Social History:"), which ends the list before it.
_HEADING = re.compile(r"(?m)^[ \t]*[A-Za-z][A-Za-z /()-]{0,50}:")
# A blank line ends a list.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A move or a home before a town: "transferred from Norco", "lives in Norco", "moved to Norco",
# "from Norco", "near Norco".
_MOVED_BEFORE = re.compile(r"(?:\b(?:from|near|outside(?:\s+of)?|(?:lives?|living|resides?|"
                           r"residing|home|house|born|raised|moved|moving|relocated)\s+(?:in|to|"
                           r"at|near))\s+(?:the\s+)?(?:city\s+of\s+|town\s+of\s+)?$)", re.I)


def without_drugs(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` without a name or place that is a drug's name used as a drug: "Norco 10/325 mg
    PO q6h PRN pain" keeps "Norco" (also a town).

    A dose, route or frequency after the word, or a word that gives or stops a drug before it
    ("switched from Norco"), makes it the drug. Else a move or a home said right before it
    ("transferred from Norco", "lives in Norco") makes it the town; failing that, a medication
    list around it or the same word used as a drug elsewhere in the note makes it the drug.
    A drug's name that is no town and no person's name ("Xanax") is a drug unless such a move
    is said."""
    from osler.privacy.deid.lexicons import medication_names

    drugs = medication_names()
    mentions = [s for s in spans if s.type in ("NAME", "LOCATION")
                and _drug_word(text, s) in drugs]
    if not mentions:
        return spans
    used = {m.group().lower() for m in _all_mentions(text, drugs)
            if _dosed(text, *m.span()) or _in_drug_list(text, *m.span())}
    gone = {s for s in mentions if _dosed(text, s.start, s.end) or (
        not _MOVED_BEFORE.search(text, max(0, s.start - 40), s.start)
        and (_drug_word(text, s) in used or not _ambiguous_drug(_drug_word(text, s))))}
    return [s for s in spans if s not in gone] if gone else spans


def _drug_word(text: str, span: PhiSpan) -> str:
    """The lower-case word of ``span`` without a possessive ("Norco's" is "norco")."""
    return text[span.start:span.end].lower().removesuffix("'s")


_ONE_WORD = re.compile(r"[A-Za-z]+")


def _all_mentions(text: str, drugs: frozenset[str]) -> list[re.Match[str]]:
    """Every mention of a drug's name in ``text``, found or not."""
    return [m for m in _ONE_WORD.finditer(text) if m.group().lower() in drugs]


def _dosed(text: str, start: int, end: int) -> bool:
    """Whether the mention ``text[start:end]`` is given as a drug: a dose, route or frequency
    after it ("Norco 10/325 mg"), or a word that gives or stops a drug before it ("taking
    Norco")."""
    return bool(_DOSE_AFTER.match(text, end)
                or _DRUG_BEFORE.search(text, max(0, start - 40), start))


def _in_drug_list(text: str, start: int, end: int) -> bool:
    """Whether the mention ``text[start:end]`` stands in a list of drugs: after another drug's
    name ("Lisinopril, Norco") or under a medication heading."""
    from osler.privacy.deid.lexicons import medication_names

    listed = _LISTED_AFTER.search(text, max(0, start - 40), start)
    if listed and listed.group("w").lower() in medication_names():
        return True
    return _in_medication_list(text, start)


def _in_medication_list(text: str, start: int) -> bool:
    """Whether ``start`` is in a list under a medication heading ("Home meds:\n1. Norco"):
    the last heading before it in its paragraph is one."""
    before = text[max(0, start - 2000):start]
    blank = list(_BLANK_LINE.finditer(before))
    paragraph = before[blank[-1].end() if blank else 0:]
    headings = list(_HEADING.finditer(paragraph))
    return bool(headings) and bool(_MED_HEADING.fullmatch(headings[-1].group().strip()))


def _ambiguous_drug(word: str) -> bool:
    """A drug's name that is also a town or a person's name ("norco", "colace")."""
    from osler.privacy.deid.lexicons import first_names, last_names

    return any(word in words for words in (us_places(), place_names(), census_names(),
                                           first_names(), last_names()))


# Words of a clinical service ("Hepatology Clinic", "Department of Oncology", "Hematology and
# Oncology Clinic"): they name a department, not a place.
_SERVICE_WORDS = SPECIALTIES | department_words()
# The service's head word after it, or its "Department of" before it.
_SERVICE_HEAD = re.compile(r"[ \t]+(?:clinic|clinics|service|services|department|dept|division|"
                           r"section|team|consult|consults|fellow|attending|office|unit|floor|"
                           r"ward|follow[- ]?up)\b", re.I)
_SERVICE_OF = re.compile(r"\b(?:department|dept\.?|division|section|service|services)[ \t]+of"
                         r"[ \t]+(?:the[ \t]+)?$", re.I)
# "Brief Hospital Course:": a discharge summary's heading, no hospital named "Brief".
_COURSE_HEADING = re.compile(r"(?:brief|concise|short|summary[ \t]+of)[ \t]+hospital[ \t]+course"
                             r"\b", re.I)
_SERVICE_JOINTS = frozenset({"and", "&", "/"})


def without_services(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with no place over a clinical service ("Hepatology Clinic", "Department of
    Oncology", "Hematology and Oncology Clinic") or the heading "Brief Hospital Course": a
    place's own name next to them stays ("Hepatology Clinic at Quellmoor General Hospital")."""
    found = []
    for span in spans:
        if span.type != "LOCATION":
            continue
        if _COURSE_HEADING.match(text, span.start):
            found.append(_COURSE_HEADING.match(text, span.start).span())
            continue
        if _only_a_service(text, span):   # "transferred to General Medicine"
            found.append((span.start, span.end))
            continue
        for a, b in _service_runs(text, span):
            head, of = _SERVICE_HEAD.match(text, b), _SERVICE_OF.search(text, max(0, a - 30), a)
            if head or of:
                found.append((of.start() if of else a, head.end() if head else b))
    return cut_out(text, spans, found, frozenset({"LOCATION"})) if found else spans


_SERVICE_TOKEN = re.compile(r"[A-Za-z]+|&|/")
# Words that name a service alone, with no head word ("transferred to Medicine", "to General
# Surgery", "Hem/Onc"); never a body part or a kind of care that a place's name may hold
# ("Sacred Heart", "Urgent Care").
_SERVICE_ALONE = frozenset("""medicine surgery general internal hem onc heme ortho neurosurgery
gyn obgyn ent micu sicu""".split())


def _only_a_service(text: str, span: PhiSpan) -> bool:
    """Whether ``span`` holds only the name of a medical service ("General Medicine",
    "Hematology/Oncology", "Neurosurgery"), with a word other than "General"."""
    words = [m.group().lower() for m in _SERVICE_TOKEN.finditer(text, span.start, span.end)]
    named = [w for w in words if w not in _SERVICE_JOINTS]
    return (bool(named) and words[0] not in _SERVICE_JOINTS and words[-1] not in _SERVICE_JOINTS
            and any(w != "general" for w in named)
            and all(w in _SERVICE_ALONE or w.endswith(("ology", "iatry", "iatrics")) and len(w) > 6
                    for w in named))


def _service_runs(text: str, span: PhiSpan) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of service words in ``span`` ("Hematology and Oncology"),
    joined by spaces, "and", "&" or "/", that starts and ends on a service word."""
    runs: list[tuple[int, int]] = []
    start = end = None
    for m in _SERVICE_TOKEN.finditer(text, span.start, span.end):
        low = m.group().lower()
        if low in _SERVICE_WORDS or low.endswith("ology") and len(low) > 6:
            start, end = (m.start() if start is None else start), m.end()
        elif low in _SERVICE_JOINTS and start is not None:
            continue
        else:
            if start is not None:
                runs.append((start, end))
            start = end = None
    if start is not None:
        runs.append((start, end))
    return runs
