"""Place detectors: institutions, wards, towns and streets, from dictionaries and context.

They share the tokeniser and word tests of :mod:`osler.privacy.deid.names` ("Lochmoor" after
"transferred from", "Quartermain 2" after "transfer to", "Glen Burnie", "Lansdowne, MA").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from osler.privacy.deid.clinical_terms import clinical_shaped, term_section
from osler.privacy.deid.lexicons import (census_names, common_words, first_names, name_stopwords,
                                         place_names, us_places, us_states)
from osler.privacy.deid.names import (_NOT_NAMES, _RELATIONS, _TITLES, _any_in,
                                      _capital_signal, _gap, _inflected, _known, _mixed_case,
                                      _title, _tokens)
from osler.privacy.deid.place_cuts import (_COURSE_HEADING, _SERVICE_WORDS, without_drugs,
                                          without_services)
from osler.privacy.deid.place_moves import (_MOVE_BEFORE, _MOVE_CONTEXT, _PLACE_AFTER, _STIMULI,
                                           _arrivals_in_capitals, _home_streets,
                                           _lower_case_moves, _moved_to, _no_clinical_word,
                                           _pharmacy_streets, _treatment_moved_to)
from osler.privacy.deid.place_words import (SPECIALTIES, _HOSPITAL_WORDS, _NOT_HOSPITALS,
                                           _NOT_PLACES, _NOT_TOWNS, _TOWN_ENDINGS, _counted,
                                           _countries, _listed_name, _vocabulary, context_words)
from osler.privacy.deid.spans import PhiSpan, merge_spans
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
_BEFORE_UNIT = re.compile(r"(?:\bto|\bat|->|\bfrom|\bin)\s+(?P<p>[A-Za-z]{2,})\s+(?:ED|EW|ER|ICU|MICU|"
                          r"CCU|SICU|cath lab|clinic|rehab|hosp|hospital)\b", re.I)
# A lone town name needs a preposition before it ("lives in Towson", "from Dundalk").
_TOWN_BEFORE = re.compile(r"(?:\b(?:in|from|to|at|near|of|outside|around)|->|@)\s+$", re.I)
# Without capitals, "to"/"in" are too often followed by a verb or a common noun ("TO PUSH").
_TOWN_BEFORE_UNCASED = re.compile(r"\b(?:from|near|outside|(?:lives?|living|resides|home|"
                                  r"house|born|raised|moved|moving)\s+(?:in|to))\s+$", re.I)
# Hospitals written as initials: "at GH", "from BWH", "to UMMC" (Hospital, Medical Center).
_ABBREVIATED_HOSPITAL = re.compile(r"(?:\b(?:at|from|to|in)\s+|->\s*|@\s*)(?:the\s+)?"
                                   r"(?P<p>[A-Za-z]{1,2}H|[A-Za-z]{2,3}MC)\b", re.I)
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
        if (not _any_in(m.group("p").lower(), stop, _NOT_NAMES, _NOT_PLACES, SPECIALTIES)
                or _state_hospital(m)):   # "sent to RI Hospital": the state's hospital
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


def _state_hospital(m: re.Match[str]) -> bool:
    """A US postal code in capitals before "Hospital" written as a name ("sent to RI Hospital",
    "from NJ Hosp") names a hospital however often the code is a title or a word ("PA", "ME",
    "OR"); in capitals ("CAME TO OR HOSPITAL") the head word tells nothing."""
    word = m.group("p")
    return (word.isupper() and word.lower() in _POSTAL
            and m.group().endswith(("Hospital", "Hosp")))


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
# An unlisted capitalised word after a preposition of place ("drove up from Quellmoor",
# "visiting family in Lochmoor"), in a note whose capitals mean something.
_AFTER_PLACE_WORD = re.compile(r"\b(?:from|in|at|near)[ \t]+(?:the[ \t]+)?(?P<p>[A-Z][a-z]{3,})\b"
                               r"(?!['-])")
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


@lru_cache(maxsize=4096)   # a fuzzy match per word: the same words recur in a long note
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
