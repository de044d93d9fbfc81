"""Name and place detectors: dictionaries combined with the context clinicians write around them.

Context finds names no dictionary holds ("Dr. Przybylo", "son Rob", "K. Smith, RN"); the
dictionary finds names without context ("daughters sarah and margie"). Words on the stop list
are only ever flagged by context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from osler.privacy.deid.lexicons import (census_names, common_words, english_first_names,
                                         english_names, first_names, last_names, name_stopwords,
                                         place_names, us_places, us_states)
from osler.privacy.deid.spans import PhiSpan

__all__ = ["context_words", "find_names", "find_places"]

_WORD = re.compile(r"[A-Za-z][A-Za-z']*(?:-[A-Za-z]+)?\.?")
_TITLES = {"dr", "doctor", "mr", "mrs", "ms", "miss", "mister", "rabbi", "father", "rev",
           "reverend", "drs", "msgr", "pastor"}
_RELATIONS = {"wife", "husband", "son", "sons", "daughter", "daughters", "dtr", "dtrs", "sister",
              "sisters", "brother", "brothers", "mother", "mom", "father", "dad", "friend",
              "girlfriend", "boyfriend", "niece", "nephew", "grandson", "granddaughter",
              "grandaughter", "aunt", "uncle", "cousin", "fiance", "fiancee", "spouse", "partner",
              "neighbor", "priest", "proxy", "hcp", "guardian", "sil", "dil", "stepson",
              "stepdaughter", "grandchildren", "children", "kids", "family", "nephews", "nieces",
              "granddaughters", "grandsons", "siblings", "contact", "named", "name", "called",
              "lawyer", "attorney", "poa", "roommate", "companion", "caregiver",
              "spoke", "per", "with", "by", "and", "&", "ask"}
# Words that follow "Dr." or "wife" without being a name: function words and ward jargon.
_NOT_NAMES = frozenset("""a an and are as at be but by can for from had has have he her here him
his in into is it its me my no not of on or our out she so than that the their them then there
they this to too up us was we were when where who will with you aware notified called paged
updated informed here in at to on and re regarding about team office service called spoke
said says states stated came come comes saw seen see sees wants want ordered wrote order orders
note notes following follow follows md rn np pa s notes''s during other last states brought
took takes asked asks feels felt thinks wanted visits present reports reported would could also
both all primary attending covering consulting admitting referring treating outside""".split())
_INITIAL_NAME = re.compile(r"(?<![A-Za-z.'\d/])(?P<i>[A-Za-z])(?:\.\s?|\s)(?P<n>[A-Za-z][A-Za-z']+(?:-[A-Za-z]+)?)"
                           r"(?=(?:\s*,\s*|\s+)(?:RN|RRT|MD|NP|PA|PA-C|LPN|MSW|LICSW|aware|to bedside|"
                           r"ordered|paged|notified|updated|called)\b|\s*\))", re.I)
_AFTER_INITIAL = re.compile(r"(?:(?<![A-Za-z])(?:per|by|with|nsg|to|dr)\.?\s+|w/\s*)\(?\s*"
                            r"(?P<i>[A-Za-z])\.\s?(?P<n>[A-Za-z][A-Za-z']+(?:-[A-Za-z]+)?)", re.I)
# Relation words too common to vouch for an unknown capitalised word after them.
_WEAK_RELATIONS = {"with", "by", "and", "&", "per", "spoke", "called", "contact", "ask", "name",
                   "named", "family", "children", "kids"}
_WEAK_TITLES = {"md", "np", "rn", "pa", "resident", "intern", "fellow", "attending", "nurse"}
_BEFORE_VERB = re.compile(r"(?<![\w.])(?P<n>[A-Z][a-z']+)\s+(?:made\s+)?(?:aware|paged|notified|"
                          r"informed|updated|called back|returned call|at bedside|to bedside)\b")
_BEFORE_RELATION = re.compile(
    r"(?<![\w.])(?P<n>[A-Za-z][a-z']+|[A-Z][A-Z']+)\s*(?:,|\(|-)\s*(?:the\s+|her\s+|his\s+|"
    r"pt'?s\s+|patient'?s\s+)?(?:wife|husband|daughter|son|sister|brother|mother|father|niece|"
    r"nephew|granddaughter|grandson|friend|fiancee?|partner|girlfriend|boyfriend|hcp|"
    r"health care proxy|proxy)\b", re.I)
_INSTITUTION = re.compile(r"(?<![\w.])(?P<p>[A-Z][a-z']+(?:\s+[A-Z][a-z']+)?)\s+(?:Center|Centre|"
                          r"House|Manor|Gardens|Commons|Pavilion|Building|Bldg|ICU|MICU|SICU|CCU|"
                          r"CSRU|ED|EW|ER)\b")
_CREDENTIALS = re.compile(r"\s*,?\s*(?:RN|RRT|MD|M\.D\.|NP|PA|PA-C|LPN|CNA|LICSW|MSW|SW|"
                          r"PhD|RPh|CRNA|BSN|CCRN)\b")
_PLACE_HEADS = re.compile(r"\s+(?:hospital|hosp|medical center|med center|clinic|nursing home|rehab|"
                          r"rehab center|manor|county|memorial hospital|university|church|"
                          r"street|avenue|ave|road|blvd|boulevard|nh|nursing facility|hospice|vna|"
                          r"health ?care|assisted living|senior center|village|heights)\b", re.I)
_PLACE_CONTEXT = re.compile(r"(?:\b(?:transferr?ed|transfered|transfer|trans|admitted|adm|admit|"
                            r"sent|came|returned|discharged?|d/c'?d?|c/o|"
                            r"moved|lives|living|live|resides|home|house|job|works?|trip|flown|"
                            r"flew|visit(?:ing)?|born|->|i'm|"
                            r"located|housing|center|hospital|ed|er|ew)\s+(?:back\s+)?"
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
_NOT_HOSPITALS = frozenset("""with each both much such high rich path bath math ugh nah bah huh ooh
aah ah oh eh uh sh th dh bh ph ch nh wh cath arch cvvh mech osh""".split())
# "at Seymour Black's house": the home of a named person is a location.
_SOMEONES_HOME = re.compile(r"\b(?:at|to|from)\s+(?P<p>(?:[A-Za-z]+\s+)?[A-Za-z]+'s)\s+"
                            r"(?:house|home|"
                            r"apartment|apt|place|farm)\b", re.I)
# A building or ward named with a floor number after a move ("transfer to Farr 2", "on Hale 5").
_WARD = re.compile(r"\b(?:to|from|on|onto)\s+(?:the\s+)?(?P<p>[A-Za-z]{4,})\s+(?P<f>\d{1,2})"
                   r"(?![.,]?\d)(?=\s*(?:[.,;)]|$|today|tonight|tomorrow|this|when|if|once|after|"
                   r"later|at\b|for\b|in\b|on\b|with\b|bed|s/p|pending|via|\(|team|nurse|"
                   r"nursing|staff|"
                   r"rn\b|unit|floor|service))", re.I | re.M)
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
_STREET = re.compile(r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:St|Street|Ave|Avenue|Rd|Road|Dr|"
                     r"Drive|Lane|Ln|Blvd|Boulevard|Way|Court|Ct|Place|Pl|Terrace|Circle)\b\.?")


def _tokens(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _WORD.finditer(text):
        start, end = m.span()
        if text[start - 1:start] == "[" and text[end:end + 1] == "]":
            continue  # an Osler tag such as [NAME] from an earlier pass
        word = m.group()
        if word.endswith(".") and len(word) > 2:
            end -= 1
            word = word[:-1]
        head, dash, tail = word.partition("-")
        if dash and _any_in(head.lower(), _RELATIONS, _TITLES):  # "DAUGHTER-KRISSY": two words
            out += [(start, start + len(head), head), (end - len(tail), end, tail)]
            continue
        out.append((start, end, word))
    return out


@lru_cache(maxsize=4)
def _letter_counts(text: str) -> tuple[int, int]:
    """(letters, upper-case letters) of a note; both detectors ask, so it is counted once."""
    return sum(map(str.isalpha, text)), sum(map(str.isupper, text))


def _capital_signal(text: str) -> bool:
    """Whether capital letters mean anything here: not in notes typed all in upper case."""
    letters, upper = _letter_counts(text)
    return bool(letters) and upper < 0.6 * letters


def _mixed_case(text: str) -> bool:
    """Capitals are used as in prose (neither all upper nor nearly all lower case)."""
    letters, upper = _letter_counts(text)
    return bool(letters) and 0.03 * letters <= upper < 0.6 * letters


def _any_in(word: str, *word_sets: frozenset[str] | set[str]) -> bool:
    """``word in a | b | ...`` without building the union for every token."""
    return any(word in words for words in word_sets)


def _title(word: str) -> bool:
    """Written like a name: "Janet", "O'Brien" (not "BP", not "pt")."""
    core = word[2:] if word[1:2] == "'" else word  # O'Brien, D'Angelo
    return core[:1].isupper() and not core.isupper() and core[1:2].islower()


def _known_in_context(word: str) -> bool:
    """A name in any list, including census names that are also common words ("Black")."""
    return _known(word) or word.lower().rstrip(".").removesuffix("'s") in census_names()


def _known(word: str) -> bool:
    low = word.lower().rstrip(".").removesuffix("'s")
    return low in first_names() or low in last_names()


def find_names(text: str) -> Iterator[PhiSpan]:
    """Spans of person names in ``text`` (patients, relatives, clinicians)."""
    toks = _tokens(text)
    stop = name_stopwords()
    cased = _capital_signal(text)
    mixed = _mixed_case(text)
    for i, (start, end, word) in enumerate(toks):
        low = word.lower().rstrip(".")
        if not _gap(text, end, toks, i) and _any_in(low, _TITLES, _WEAK_TITLES, _RELATIONS):
            yield from _after_context_word(text, toks, i, stop, cased)
        elif (_known(word) and not _any_in(low, stop, common_words())
              and (len(low) > 3 or low in english_first_names())
              and (_title(word) if mixed else low in english_names())):
            yield PhiSpan(start, end, "NAME")
        m = _CREDENTIALS.match(text, end)
        if (m and len(low) > 1 and (_title(word) if mixed else word[:1].isupper() or not cased)
                and not _any_in(low, _NOT_NAMES, _TITLES, stop) and not _inflected(low)):
            yield PhiSpan(start, end, "NAME")
            yield from _before(toks, i, stop)
        if (low in first_names() and i + 1 < len(toks) and not _gap(text, end, toks, i)
                and cased and _title(toks[i + 1][2]) and _title(word)
                and not text[end:toks[i + 1][0]].strip()
                and toks[i + 1][2].lower() not in _NOT_NAMES):
            yield PhiSpan(start, toks[i + 1][1], "NAME")
    if mixed:
        yield from _named_before_verb(text, stop)
    yield from _named_before_relation(text, stop, cased)
    for regex in (_INITIAL_NAME, _AFTER_INITIAL):
        for m in regex.finditer(text):
            name = m.group("n")
            if (not _any_in(name.lower(), _NOT_NAMES, _TITLES, stop)
                    and (_title(name) or not mixed)):
                yield PhiSpan(m.start("i"), m.end("n"), "NAME")


def _named_before_relation(text: str, stop: frozenset[str], cased: bool) -> Iterator[PhiSpan]:
    """A name right before the relation it explains: "Janet (daughter)", "Rob, pt's son"."""
    for m in _BEFORE_RELATION.finditer(text):
        word = m.group("n")
        low = word.lower()
        if _any_in(low, stop, _NOT_NAMES, _RELATIONS, _TITLES, common_words()):
            continue
        if (_title(word) if cased else _known_in_context(word)):
            yield PhiSpan(m.start("n"), m.end("n"), "NAME")


def _named_before_verb(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """A capitalised listed name before "aware", "paged", "notified" ("Kowal aware of K 3.1")."""
    for m in _BEFORE_VERB.finditer(text):
        word = m.group("n")
        low = word.lower()
        if (_title(word) and not _any_in(low, stop, _NOT_NAMES, _RELATIONS, _TITLES)
                and _known_in_context(word)):
            yield PhiSpan(m.start("n"), m.end("n"), "NAME")


def _after_context_word(text: str, toks: list[tuple[int, int, str]], i: int,
                        stop: frozenset[str], cased: bool) -> Iterator[PhiSpan]:
    """Names after a title ("Dr."), a role ("md") or a relation ("wife") at token ``i``."""
    word = toks[i][2]
    low = word.lower().rstrip(".")
    if low not in _TITLES and "." in text[toks[i][1]:toks[i + 1][0]]:
        return  # "updated by RN. Family to come in": a sentence ends after the role word
    if low in _TITLES:
        if _title_here(text, word, toks[i][1], cased):
            yield from _after_trigger(text, toks, i + 1, stop, cased, require_known=False)
    elif low in _WEAK_TITLES:
        nxt = toks[i + 1][2]
        if (_known(nxt) and nxt.lower() not in stop) or (
                cased and _title(nxt) and not _any_in(nxt.lower(), _NOT_NAMES, stop, _TITLES)):
            yield from _after_trigger(text, toks, i + 1, stop, cased, require_known=False)
    else:
        strong = low not in _WEAK_RELATIONS
        yield from _after_trigger(text, toks, i + 1, stop, cased and strong,
                                  require_known=True, wide=strong)


def _before(toks: list[tuple[int, int, str]], i: int, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """First name or initial before a surname that carries a credential ("K. Smith, RN")."""
    for j in (i - 1, i - 2):
        if j < 0:
            return
        word = toks[j][2]
        if (word.lower().rstrip(".") in _NOT_NAMES
                or not (_known_in_context(word) or len(word) <= 2)):
            return
        yield PhiSpan(toks[j][0], toks[j][1], "NAME")


def _title_here(text: str, word: str, end: int, cased: bool = False) -> bool:
    """"MS" (mental status) and "MR" (mitral regurgitation) are titles only as "Ms", "Mr." ..."""
    return (word.lower() not in ("ms", "mr") or word in ("Ms", "Mr")
            or (text[end:end + 1] == "." and not cased))


def _gap(text: str, end: int, toks: list[tuple[int, int, str]], i: int) -> bool:
    """True when a line break or sentence stop separates token ``i`` from the next one."""
    if i + 1 >= len(toks):
        return True
    between = text[end:toks[i + 1][0]]
    return "\n" in between or len(between) > 4


def _after_trigger(text: str, toks: list[tuple[int, int, str]], j: int, stop: frozenset[str],
                   cased: bool, *, require_known: bool, wide: bool = False
                   ) -> Iterator[PhiSpan]:
    """Up to three name-shaped tokens following a title or a relation word."""
    taken = 0
    while j < len(toks) and taken < 3:
        start, end, word = toks[j]
        low = word.lower().rstrip(".")
        if require_known:
            capital = cased and _title(word) and not _any_in(low, _NOT_NAMES, _RELATIONS, _TITLES)
            known = _known_in_context(word) if wide else _known(word)
            if (low in stop and not capital or not (known or capital)
                    or _any_in(low, _RELATIONS, _NOT_NAMES)
                    or (not cased and _inflected(low))):
                break
        elif (low in _NOT_NAMES or (len(low) < 2 and not word[:1].isalpha())
              or (not cased and _inflected(low) and not _known(word))):
            break
        if taken and not ((cased and _title(word)) or _known(word)):
            break
        yield PhiSpan(start, end, "NAME")
        taken += 1
        between = "" if _gap(text, end, toks, j) else text[end:toks[j + 1][0]].strip()
        # Only an initial carries on across a full stop ("Dr. J. Smith", not "Dr. Smith. Gave").
        if _gap(text, end, toks, j) or between not in ("", ".") or (between and len(low) > 1):
            break
        j += 1


def find_places(text: str) -> Iterator[PhiSpan]:
    """Spans of places smaller than a state: named institutions, towns and streets."""
    stop = name_stopwords()
    places = place_names()
    toks = _tokens(text)
    cased = _capital_signal(text)
    for m in _STREET.finditer(text):
        yield PhiSpan(m.start(), m.end(), "LOCATION")
    yield from _gazetteer(text, toks, stop, cased)
    yield from _town_with_state(text, toks, stop)
    if _mixed_case(text):
        yield from _capitalised_institutions(text, stop)
    for regex in (_ABBREVIATED_HOSPITAL, _SOMEONES_HOME):
        for m in regex.finditer(text):
            if m.group("p").lower() not in _NOT_HOSPITALS:
                yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    for m in _WARD.finditer(text):
        if not _any_in(m.group("p").lower(), stop, _NOT_NAMES, _TITLES, _RELATIONS):
            yield PhiSpan(m.start("p"), m.end("p"), "LOCATION")
    for m in _BEFORE_UNIT.finditer(text):
        if not _any_in(m.group("p").lower(), stop, _NOT_NAMES, _NOT_PLACES):
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
              and _PLACE_CONTEXT.search(text[max(0, start - 30):start])):
            yield PhiSpan(start, end, "LOCATION")
            for j in (i + 1, i + 2):  # "Bel Air", "Glen Burnie": the rest of a town's name
                if (j >= len(toks) or _gap(text, toks[j - 1][1], toks, j - 1) or not cased
                        or not _title(toks[j][2]) or toks[j][2].lower() in stop
                        or text[toks[j - 1][1]:toks[j][0]].strip()  # "Springfield, Illinois"
                        or toks[j][2].lower() in us_states()):
                    break
                yield PhiSpan(toks[j][0], toks[j][1], "LOCATION")


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


def _inflected(low: str) -> bool:
    """Verbs and adverbs ("prolonged", "continuing", "recently") do not name a place."""
    return low.endswith(("ed", "ing", "ly")) and len(low) > 5


def _sentence_start(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a line or a sentence (capitals mean nothing there)."""
    before = text[max(0, start - 3):start].rstrip(" \t")
    return not before or before[-1] in ".!?:;\n-*"


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
                                  and len(word) > (3 if cased else 4) and not _inflected(low)):
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


def context_words() -> frozenset[str]:
    """The titles, relation words and not-a-name/not-a-place words the rules above rely on."""
    return frozenset(_TITLES | _RELATIONS | _WEAK_TITLES | _NOT_NAMES | _NOT_PLACES
                     | _HOSPITAL_WORDS | _NOT_HOSPITALS)
