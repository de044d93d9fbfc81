"""The word lists and word tests the place detectors share.

Split out of :mod:`osler.privacy.deid.places`, which imports them back (so the detectors
and features that read them from there still do): the words that are no place's own name
(everyday, clinical and public words, services, states, countries, languages), the words of
hospitals' and towns' names, and the tests of a word that places and moves both ask.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from osler.privacy.deid.clinical_terms import clinical_terms, term_phrases
from osler.privacy.deid.lexicons import (census_names, common_words, place_names, specialties,
                                         us_places, us_states)
from osler.privacy.deid.name_words import _NOT_NAMES, _RELATIONS, _TITLES, _WEAK_TITLES
from osler.privacy.deid.names import _inflected

# Departments before "clinic" ("seen in cardiology clinic"): a service, not a place.
SPECIALTIES = specialties()
# Words never read as a hospital's initials ("ph", "cath").
_NOT_HOSPITALS = frozenset("""with each both much such high rich path bath math ugh nah bah huh ooh
aah ah oh eh uh sh th dh bh ph ch nh wh cath arch cvvh mech osh""".split())
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
# Endings of English town names ("Hagerstown", "Abbotsford", "Annapolis"): a listed US town
# with one, that is no word and no one's name, is a town without any context.
_TOWN_ENDINGS = ("town", "ville", "burg", "burgh", "boro", "borough", "polis", "chester",
                 "caster", "ford", "field", "port", "mouth", "dale", "bury", "ton")
_NOT_TOWNS = frozenset("""airport battlefield coalfield downtown hometown midfield midtown uptown
metropolis""".split())
# Places of care that are no place's own name and that the word lists here do not hold.
_CARE_WORDS = frozenset("""angio angiography detox wheelchair stretcher tele telemetry stepdown
recovery holding dialysis hemodialysis endo endoscopy cysto lab labs""".split())
_TOWN_NAME_ENDINGS = _TOWN_ENDINGS + ("gate", "moor", "wick", "ham", "stead", "worth", "ley",
                                      "combe", "minster", "bridge", "brook", "wood", "holm")
_LANGUAGES = frozenset("""english spanish french portuguese russian chinese mandarin cantonese
haitian creole vietnamese italian greek arabic polish korean japanese hindi german cape verdean
somali amharic farsi hebrew yiddish tagalog""".split())
# A unit or a measure after a number ("40 CC AVE", "2 CM ROAD RASH", "40 CC PER RD RECS"), and
# a distance, a size or a road's lanes before an everyday street word ("lives at 1 hour drive",
# "lives on 4 lane road", "20 acre farm way", "1 way drive"): no address.
_MEASURES = frozenset("""cc cm mm ml mg mcg g kg l cm2 in inch inches ft feet lb lbs oz hr hrs h
min mins sec units u meq mmol per x times pt pts episodes areas lesions nodes ln ln's tabs
caps puffs drops gtt gtts mmhg bpm days wks weeks months yrs years
hour hours minute minutes mile miles mi km yard yards acre acres block blocks lane lanes
story stories storey floor floors flight flights step steps level levels way ways""".split())


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


def _listed_name(low: str) -> bool:
    """Whether a lower-case word is a listed first or last name."""
    from osler.privacy.deid.lexicons import first_names, last_names

    return low in census_names() or low in first_names() or low in last_names()


#: How many listed one-word places a word must begin, before a town's ending ("West-field",
#: "New-port", "Spring-ville"), to be read as a town's first element, not an everyday word.
_TOWN_FIRST_WORD_PLACES = 3


@lru_cache(maxsize=1)
def _town_first_words() -> frozenset[str]:
    """Lower-case words that begin, before a town's ending, at least
    :data:`_TOWN_FIRST_WORD_PLACES` listed one-word places ("west", "new", "spring", "stock"),
    from the public place lists (GeoNames' US places, Faker's cities)."""
    counts: Counter = Counter()
    for place in us_places() | place_names():
        if place.isalpha():
            counts.update(place[:-len(e)] for e in _TOWN_NAME_ENDINGS
                          if place.endswith(e) and len(place) > len(e))
    return frozenset(w for w, n in counts.items() if n >= _TOWN_FIRST_WORD_PLACES)


def everyday_compound(low: str) -> bool:
    """Whether lower-case ``low`` is an everyday English word (Faker's public list) joined to
    a town's ending: an English compound ("carport", "passport", "carton"), not a town, unless
    that word begins several listed places ("westport", "stockport", "springfield").

    >>> [everyday_compound(w) for w in ("carport", "passport", "harrowgate", "westport")]
    [True, True, False, False]
    """
    return any(low.endswith(e) and len(low) - len(e) >= 3
               and low[:-len(e)] in common_words()
               and low[:-len(e)] not in _town_first_words() for e in _TOWN_NAME_ENDINGS)


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Words that are no place's own name: everyday, clinical and public words, drugs,
    services, eponyms ("Trendelenburg"), states, countries, languages and pharmacy chains
    ("Walgreens": no branch named) (lower case)."""
    from osler.privacy.deid.eponyms import eponym_surnames
    from osler.privacy.deid.features import public_vocabulary   # it imports places, hence here
    from osler.privacy.deid.lexicons import clinical_words, medication_names, service_words

    return frozenset(public_vocabulary() | clinical_words() | service_words()
                     | medication_names() | eponym_surnames() | SPECIALTIES | _NOT_PLACES
                     | us_states() | _countries() | _LANGUAGES | _CARE_WORDS | context_words()
                     | clinical_terms()
                     | frozenset(w for p in term_phrases("pharmacies") for w in p.split()))


def context_words() -> frozenset[str]:
    """The titles, relation words and not-a-name/not-a-place words the place rules rely on."""
    return frozenset(_TITLES | _RELATIONS | _WEAK_TITLES | _NOT_NAMES | _NOT_PLACES
                     | _HOSPITAL_WORDS | _NOT_HOSPITALS)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    """Country names (Faker's en_US list), lower case; the United States is no country of a
    foreign city here (its places have states)."""
    from importlib import import_module

    from osler._extras import require

    require("faker", "nlp")
    provider = import_module("faker.providers.address.en_US").Provider
    return frozenset(c.lower() for c in provider.countries) - {"united states of america"}
