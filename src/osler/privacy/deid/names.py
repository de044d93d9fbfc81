"""Name detectors: dictionaries combined with the context clinicians write around them.

Context finds names no dictionary holds ("Dr. Przybylo", "son Rob", "K. Smith, RN"); the
dictionary finds names without context ("daughters sarah and margie"). Words on the stop list
are only ever flagged by context.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from osler.privacy.deid.lexicons import (census_first_names, census_names, clinical_words,
                                         common_words, english_first_names, english_names,
                                         first_names, last_names, medication_names,
                                         name_stopwords)
from osler.privacy.deid.name_words import (_AFTER_INITIAL, _BEFORE_RELATION, _BEFORE_VERB,
                                           _CREDENTIALS, _INITIAL_NAME, _MONTH_NAMES, _NOT_NAMES,
                                           _PARTICLES, _RELATION_PREFIXES, _RELATIONS,
                                           _ROLE_BEFORE_VERB, _SECOND_DOCTOR, _SIGNATURE, _TITLES,
                                           _VOWEL, _WEAK_RELATIONS, _WEAK_TITLES, _any_in,
                                           _capital_signal, _joinable_first_names,
                                           _joined_first_names, _known, _known_in_context,
                                           _mixed_case, _title, _tokens)
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.vocab import WEEKDAYS

__all__ = ["find_names", "find_sure_names"]


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
        if _joined_first_names(word, mixed):
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
    yield from _signed_or_told(text, stop)
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
        if _any_in(low, stop, _NOT_NAMES, _RELATIONS, _TITLES, common_words(),
                   _RELATION_PREFIXES):
            continue   # "Ex-husband", "Step-daughter": one word, no name before a relation
        if (_title(word) if cased else _known_in_context(word)):
            yield PhiSpan(m.start("n"), m.end("n"), "NAME")


def _signed_or_told(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """Signature lines, a role before a word and "aware", and a second doctor after "Drs"."""
    for m in _SIGNATURE.finditer(text):
        words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", m.group("n")))
        if all(not _any_in(w.group().lower(), stop, common_words(), _NOT_NAMES, _RELATIONS,
                           _TITLES, _WEAK_TITLES) for w in words if len(w.group()) > 1):
            for w in words:
                yield PhiSpan(m.start("n") + w.start(), m.start("n") + w.end(), "NAME")
    for regex in (_ROLE_BEFORE_VERB, _SECOND_DOCTOR):
        for m in regex.finditer(text):
            low = m.group("n").lower()
            if low != "made" and not _any_in(low, stop, common_words(), _NOT_NAMES, _RELATIONS,
                                             _TITLES, _WEAK_TITLES):
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
        elif _capitals_surname_after(text, toks, i, stop, cased):
            yield PhiSpan(toks[i + 1][0], toks[i + 1][1], "NAME")
    elif low in _WEAK_TITLES:
        nxt = toks[i + 1][2]
        if (_known(nxt) and nxt.lower() not in stop) or (
                cased and _title(nxt) and not _any_in(nxt.lower(), _NOT_NAMES, stop, _TITLES)):
            yield from _after_trigger(text, toks, i + 1, stop, cased, require_known=False)
    else:
        strong = low not in _WEAK_RELATIONS
        yield from _after_trigger(text, toks, i + 1, stop, cased and strong,
                                  require_known=True, wide=strong)


def _capitals_surname_after(text: str, toks: list[tuple[int, int, str]], i: int,
                            stop: frozenset[str], cased: bool) -> bool:
    """"MR QUENBY RESTLESS" in a note typed in capitals: "MR" or "MS" with no stop is a title
    only before a word the Census lists as a name that no everyday, clinical or drug list
    holds ("MR MODERATE", "MS INTACT", "MR JET" stay)."""
    word, nxt = toks[i][2], toks[i + 1][2]
    low = nxt.lower()
    return (not cased and word in ("MR", "MS") and nxt.isupper() and len(nxt) > 2
            and text[toks[i][1]:toks[i + 1][0]] in (" ", "  ") and low in census_names()
            and not _any_in(low, stop, common_words(), clinical_words(), medication_names(),
                            _NOT_NAMES, _TITLES, _WEAK_TITLES, _RELATIONS))


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
        # "daughter ZENOBIA KRATZ" in a note with meaningful capitals: the upper-case word
        # after an upper-case name carries it on, unless it is a vocabulary word ("ICU").
        caps_run = (taken and cased and toks[j - 1][2].isupper() and word.isupper()
                    and len(low) >= 3 and bool(_VOWEL.search(low))
                    and _outside_vocabulary(word, stop))
        if require_known:
            capital = (cased and (_title(word) or caps_run)
                       and not _any_in(low, _NOT_NAMES, _RELATIONS, _TITLES))
            known = _known_in_context(word) if wide else _known(word)
            if (low in stop and not capital or not (known or capital)
                    or _any_in(low, _RELATIONS, _NOT_NAMES)
                    or (not cased and _inflected(low))):
                break
        elif ((low in _NOT_NAMES and not (word[:1].isupper() and word.endswith(".")
                                           and len(low) == 1))   # "Dr. A. J. Forsythe"
              or (not taken and low in _TITLES)   # "Dr. Dr. X": the second title names no one
              or (cased and word.islower() and low in stop   # "Dr. pt" where capitals mean
                  and low not in _PARTICLES)                  # (not "Dr. van der Berg")
              or (len(low) < 2 and not word[:1].isalpha())
              or (not cased and _inflected(low) and not _known(word))):
            break
        particle = (low in _PARTICLES and j + 1 < len(toks) and not _gap(text, end, toks, j)
                    and (_title(toks[j + 1][2]) or toks[j + 1][2].lower() in _PARTICLES))
        initial = len(low) == 1 and word[:1].isupper()   # "Dr. A. J. Forsythe"
        if taken and not ((cased and _title(word)) or _known(word) or caps_run or particle
                          or initial):
            break
        if (taken and (low in _CALENDAR or low in medication_names())
                and len(toks[j - 1][2].rstrip(".")) > 1):
            # "Dr. Pemberton Tuesday", "Dr. Kowal Coumadin was held": a day, a month or a drug
            # after a name (not "Dr. A. March")
            break
        yield PhiSpan(start, end, "NAME")
        taken += 1
        between = "" if _gap(text, end, toks, j) else text[end:toks[j + 1][0]].strip()
        # Only an initial carries on across a full stop ("Dr. J. Smith", not "Dr. Smith. Gave").
        if _gap(text, end, toks, j) or between not in ("", ".") or (between and len(low) > 1):
            break
        j += 1


_CALENDAR = _MONTH_NAMES | frozenset(WEEKDAYS)


def _inflected(low: str) -> bool:
    """Verbs and adverbs ("prolonged", "continuing", "recently") do not name a place."""
    return low.endswith(("ed", "ing", "ly")) and len(low) > 5


#: Titles that always introduce a person ("MS" and "MR" only as "Ms", "Mr.").
_SURE_TITLES = {"mr", "mrs", "ms", "miss", "mister", "dr", "drs", "doctor"}
#: The name that opens a history: "Zebulon Quackenbush is a 67 year old man".
_NAME_BEFORE_AGE = re.compile(r"(?P<n>\b[A-Z][a-z'-]+(?:[ \t]+[A-Z][a-z'-]+){1,2})[ \t]+(?:is|was)"
                              r"[ \t]+an?[ \t]+\d{1,3}[ \t-]*(?:y/?o\b|yr|years?\b|-year)")


#: A form field whose value is a person ("Patient Name: SMITH, JOHN A", "Signed by: jo kim"):
#: at a line start, or after a run of spaces, a bar or a semicolon (the next field on a line).
_PERSON_FIELD = re.compile(
    r"(?:^[ \t]*+|(?<=[ \t]{2})(?![ \t])|(?<=[|;])[ \t]*+)(?:"
    r"(?:(?:patient|pt|client|resident)'?s?[ \t]+)?(?:full[ \t]+|legal[ \t]+|last[ \t]+|"
    r"first[ \t]+)?name|patient|pt|"
    r"(?:attending|referring|ordering|admitting|consulting|primary[ \t]+care|covering)"
    r"(?:[ \t]+(?:physician|provider|md|doctor|clinician|surgeon|nurse))?|"
    r"physician|surgeon|pcp|"
    # a role label ("Requesting physician:", "Reading radiologist:", "Scrub tech:", "Care
    # team:"): the value after it is a person, or a word _FIELD_NOT_NAMES holds ("on call")
    r"(?P<role>(?:[A-Za-z]+[ \t]+){0,2}?(?:physician|provider|radiologist|pathologist|"
    r"surgeon|anesthesiologist|anesthetist|tech|technician|technologist|sonographer|nurse|"
    r"team|clinician|therapist|pharmacist|practitioner|midwife|hospitalist|intensivist|"
    r"scribe))|"
    r"(?:electronically[ \t]+)?(?:signed|dictated|transcribed|reviewed|verified|authored)[ \t]+by|"
    r"author|emergency[ \t]+contact(?:[ \t]+name)?|next[ \t]+of[ \t]+kin|nok|guardian|"
    r"(?:health[ \t]+care[ \t]+)?proxy|hcp|cc)"
    r"[ \t]*:[ \t]*", re.I | re.M)
#: Values of such a field that are not a person.
_FIELD_NOT_NAMES = frozenset("""unknown none na n a self same pending declined refused not no
yes on call team service services medicine surgery cardiology oncology neurology nephrology
icu micu sicu ccu nicu er ed emergency department dept staff resident fellow attending nursing
nurse physician provider doctor patient family male female man woman boy girl see above below
chart record unit floor ward clinic hospital admitted admission discharge discharged transfer
alert awake asleep stable resting sleeping comfortable oriented confused sedated intubated
calm mrn dob ssn id acct account age sex gender room bed""".split())


# Capitalised words right before a birth date ("Re: Thaddeus Quixwell, DOB 02/03/1950").
_NAME_BEFORE_DOB = re.compile(r"(?P<n>\b[A-Z][a-z'-]+(?:[ \t]+[A-Z]\.?)?"
                              r"(?:[ \t]+[A-Z][a-z'-]+){0,2})"
                              r"[ \t]*[,(][ \t]*(?i:dob|d\.o\.b\.?|date of birth|born)\b")
# A letter's salutation ("Dear Imogen,", "Dear Mr. Quixwell:").
_SALUTATION = re.compile(r"^[ \t]*Dear[ \t]+(?:(?:Dr|Mr|Mrs|Ms|Miss|Prof)\.?[ \t]+)?"
                         r"(?P<n>[A-Z][a-z'-]+(?:[ \t]+[A-Z][a-z'-]+){0,2})[ \t]*[,:]", re.M)
_NOT_ADDRESSEES = frozenset("""colleague colleagues sir madam doctor doctors team all patient
family friend friends provider physician parent parents guardian caregiver nurse""".split())
# A role, or "patient", and a first name that is also a word, written as a name ("Nurse Will
# Rose", "RN Hope Young", "Patient Mark Hamill").
_ROLE_WORDS = frozenset("""nurse np rn pa lpn cna therapist pharmacist dietitian dietician
physician provider surgeon midwife chaplain interpreter aide attending resident fellow intern
manager worker coordinator pt patient""".split())
_MODALS = frozenset({"will", "may", "can", "shall", "must"})
_VERBS_AFTER_MODALS = frozenset("""need needs return follow be have go see call take get come
continue require receive undergo start stop review check discuss monitor remain stay
benefit bring visit""".split())
# "Kowalski, Stanislaw": a surname, a comma and a listed first name.
_SURNAME_FIRST = re.compile(r"\b(?P<s>[A-Z][a-z'-]{2,})[ \t]*,[ \t]*(?P<f>[A-Z][a-z'-]+)\b")


def _more_sure_names(text: str, toks: tuple[tuple[int, int, str], ...],
                     stop: frozenset[str], cased: bool) -> Iterator[PhiSpan]:
    """Names before a birth date, after "Dear", after a role word, and "Surname, First"."""
    for regex, skip in ((_NAME_BEFORE_DOB, _NOT_ADDRESSEES), (_SALUTATION, _NOT_ADDRESSEES)):
        for m in regex.finditer(text):
            words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", m.group("n")))
            if words and all(_name_or_outside(w.group(), stop)
                             and w.group().lower() not in skip for w in words):
                yield PhiSpan(m.start("n") + words[0].start(), m.start("n") + words[-1].end(),
                              "NAME")
    if not cased:
        return
    for i, (_start, end, word) in enumerate(toks[:-1]):
        if word.lower() not in _ROLE_WORDS or _gap(text, end, toks, i):
            continue
        first = toks[i + 1]
        if not (_title(first[2]) and first[2].lower() in census_first_names(with_stopwords=True)
                and first[2].lower() not in _MONTH_NAMES
                and text[end:first[0]].strip(" \t:") == ""):
            continue
        nxt = toks[i + 2][2].lower() if i + 2 < len(toks) else ""
        if first[2].lower() in _MODALS and nxt in _VERBS_AFTER_MODALS:
            continue   # "Patient Will Need To Follow Up" (a sentence in title case)
        yield PhiSpan(first[0], first[1], "NAME")
        if i + 2 < len(toks) and not _gap(text, first[1], toks, i + 1):
            last = toks[i + 2]
            if (_title(last[2]) and not text[first[1]:last[0]].strip()
                    and not _any_in(last[2].lower(), _NOT_NAMES, _TITLES, _RELATIONS,
                                    _WEAK_TITLES) and not _inflected(last[2].lower())):
                yield PhiSpan(last[0], last[1], "NAME")
    for m in _SURNAME_FIRST.finditer(text):
        surname, first = m.group("s"), m.group("f")
        if (_listed_first_name(first, stop) and (_known(surname) or _outside_vocabulary(
                surname, stop)) and surname.lower() not in _MONTH_NAMES
                and not _CREDENTIALS.match(text, m.start("f"))):
            yield PhiSpan(m.start("s"), m.end("s"), "NAME")
            yield PhiSpan(m.start("f"), m.end("f"), "NAME")


def _field_names(text: str, toks: tuple[tuple[int, int, str], ...],
                 stop: frozenset[str], cased: bool) -> Iterator[PhiSpan]:
    """The value of a person field, in any casing: up to four name-shaped words on the
    label's line, "Last, First M." included, ending at a digit, a vocabulary word, a
    credential, a wide gap or the next "Label:"."""
    starts = {start: i for i, (start, _end, _word) in enumerate(toks)}
    for m in _PERSON_FIELD.finditer(text):
        i = starts.get(m.end())
        taken: list[tuple[int, int]] = []
        listed_any = False
        # "Pt:" may head a status ("Pt: Doing well"), a role label a remark ("Radiologist:
        # Preliminary read"): one unlisted word after them is none
        weak = m.group().strip(" \t:").lower() in ("pt", "patient") or bool(m.group("role"))
        commas = 0
        while i is not None and i < len(toks) and len(taken) < 4:
            start, end, word = toks[i]
            low = word.lower().rstrip(".")
            initial = len(low) == 1
            # "Tom", "Will" open a name field; "Turner" carries one on (stop-listed words)
            listed = bool((_known(word) or low in census_first_names(with_stopwords=True)
                           or bool(taken) and low in stop and (_title(word) or word.isupper())
                           or not taken and _last_comma_first(text, toks, i))
                          and low not in _FIELD_NOT_NAMES)
            # "Pathologist: Ignatius Brown, MD": a word written as a name right before a
            # credential carries the name on, even an everyday one
            credentialed = (bool(taken) and _CREDENTIALS.match(text, end) is not None
                            and (_title(word) or word.isupper() and len(word) > 1)
                            and low not in _FIELD_NOT_NAMES and low not in _NOT_NAMES)
            listed = listed or credentialed
            if (text[end:end + 1] == ":" or _CREDENTIALS.match(text, start)
                    or (cased and weak and not word[:1].isupper())   # "Pt: afebrile": prose
                    or taken and low in _NOT_NAMES                   # "JOHN A. Seen"
                    or not initial and (low in _FIELD_NOT_NAMES or _inflected(low)
                                        or low.endswith("ing") or not listed and (
                        low in stop or not _outside_vocabulary(word, stop)))):
                break
            listed_any = listed_any or listed
            taken.append((start, end))
            if i + 1 >= len(toks):
                break
            between = text[end:toks[i + 1][0]]
            if between.strip(" \t") == "," and commas == 0 and "\n" not in between:
                commas += 1
            elif ("\n" in between or between.strip(" \t.") or len(between) > 2
                  or "." in between and not _known(toks[i + 1][2])):   # "Quaxworth. Seen"
                break
            i += 1
        if weak and len(taken) == 1 and not listed_any and not (
                m.group("role") and _lone_surname(text[taken[0][0]:taken[0][1]], stop)):
            continue   # "Pt: Doing well": a status, unless the word is a listed name
        # "Care team: Palliative Care", "Anesthesiologist: Regional Block": a service
        from osler.privacy.deid.cued_names import service_value
        if service_value([text[a:b] for a, b in taken]):
            continue
        for start, end in taken:
            yield PhiSpan(start, end, "NAME")


#: Endings of adjectives, participles and nouns, seldom of a surname ("Preliminary",
#: "Pending", "Absent", "Portable").
_NOT_SURNAME_ENDINGS = ("al", "ic", "ed", "ing", "ly", "ous", "ive", "ary", "ory", "able",
                        "ible", "ent", "ant", "ology", "ery", "ist", "tion", "sion", "ness")


def _lone_surname(word: str, stop: frozenset[str]) -> bool:
    """One word after a person's role label that is a surname ("Requesting physician:
    Quimby"): a listed name written as one, outside every vocabulary and no service's,
    staffing or clinical word ("Care team: Nights"), nor shaped as an adjective or a
    participle ("Radiologist: Preliminary", "Pending")."""
    from osler.privacy.deid.features import public_vocabulary
    low = word.lower()
    return (_title(word) and len(low) >= 3 and _known_in_context(word)
            and _outside_vocabulary(word, stop)
            and low not in public_vocabulary() and low not in clinical_words()
            and low not in _FIELD_NOT_NAMES and not low.endswith(_NOT_SURNAME_ENDINGS))


def _last_comma_first(text: str, toks: tuple[tuple[int, int, str], ...], i: int) -> bool:
    """Token ``i`` is a surname written as one, then a comma and a listed first name ("DOE,
    JOHN A.", "Rose, Mary"): the order vouches for a surname that is also a word."""
    word = toks[i][2]
    if i + 1 >= len(toks) or not (_title(word) or word.isupper() and len(word) >= 2):
        return False
    nxt = toks[i + 1][2]
    return (text[toks[i][1]:toks[i + 1][0]].strip(" \t") == ","
            and (_title(nxt) or nxt.isupper()) and nxt.lower() not in _FIELD_NOT_NAMES
            and (nxt.lower() in first_names() or nxt.lower() in census_first_names()))


def _comma_first_name(text: str, toks: tuple[tuple[int, int, str], ...], end: int,
                      stop: frozenset[str], cased: bool) -> Iterator[PhiSpan]:
    """"Dr. Quimby, Rosalind": the first name after a surname a title vouched for, when it
    is a listed first name (an unlisted capitalised word there is as often a drug: "reported
    to Dr. X, Esmolol stopped"; never a credential: "Dr. Quimby, PhD")."""
    nxt = bisect_left(toks, (end,))   # tokens are in text order: the first at or after end
    if nxt >= len(toks) or text[end:toks[nxt][0]].strip(" \t") != ",":
        return
    start, stop_at, word = toks[nxt]
    low = word.lower().rstrip(".")
    if _CREDENTIALS.match(text, start) or len(low) < 2 or low in stop:
        return
    if (low in first_names() or low in census_first_names()) and not _any_in(
            low, common_words(), _NOT_NAMES) and (
            _title(word) or not cased or word.isupper()):
        yield PhiSpan(start, stop_at, "NAME")


def find_sure_names(text: str) -> Iterator[PhiSpan]:
    """Names that context alone vouches for, kept whatever the learned tagger says.

    The words after a personal title ("Mrs. mirabel ostrowska-fenwick", "Dr. Pemberton"), a
    full name of two capitalised words outside every vocabulary after "pt" or "patient" ("Pt
    Zebulon Quackenbush seen"), and the capitalised words that open a history ("Zebulon
    Quackenbush is a 67 year old man"), the value of a person field ("Patient Name: SMITH,
    JOHN"), a first name after a title's "Surname," ("Dr. Quimby, Rosalind"), and a first name
    joined from two ("Mary-Ann", "JeanLuc"). A name no
    dictionary holds is found by these
    contexts or not at all, and the tagger, trained on notes where most names are listed
    ones, drops many of them.
    """
    toks = _tokens(text)
    stop = name_stopwords()
    cased = _capital_signal(text)
    mixed = _mixed_case(text)
    for i, (start, end, word) in enumerate(toks):
        if _joined_first_names(word, mixed) or _joined_in_capitals(word):
            # "Mary-Ann", "JeanLuc", "MARY-ANN": the join vouches, and for the surname after
            # it ("Mary-Ann Quimby")
            yield PhiSpan(start, _surname_after(text, toks, i, stop), "NAME")
        if _gap(text, end, toks, i):
            continue
        low = word.lower().rstrip(".")
        # "SON BILL", "DAUGHTER-KRISSY" in a note typed in capitals
        capitals_relation = (not cased and low in _RELATIONS
                             and _capitals_after_capital_relation(word, toks[i + 1][2]))
        if _capitals_name_pair(word, toks[i + 1][2], stop) and not text[end:toks[i + 1][0]].strip():
            # "spoke with MARY QUIMBY": a listed English first name in capitals, then a word
            # in capitals that no vocabulary holds, in a note whose capitals mean something
            yield PhiSpan(start, toks[i + 1][1], "NAME")
        if (low in _SURE_TITLES and _title_here(text, word, end, cased)
                and toks[i + 1][2].lower() != "contin"):      # "MS Contin": morphine
            found = list(_after_trigger(text, toks, i + 1, stop, cased, require_known=False))
            yield from found
            if found:
                yield from _comma_first_name(text, toks, found[-1].end, stop, cased)
        elif (low in _RELATIONS and low not in _WEAK_RELATIONS
              and (cased or capitals_relation)
              and (_listed_first_name(toks[i + 1][2], stop) or capitals_relation or (
                  (_title(toks[i + 1][2]) or (_capitals_in_prose(toks[i + 1][2], mixed)
                                               and toks[i + 1][2].lower() not in _NOT_NAMES))
                  and toks[i + 1][2].lower() not in _MONTH_NAMES
                  and toks[i + 1][2].lower() in census_first_names(with_stopwords=True)))
              and not text[end:toks[i + 1][0]].strip(" \t:,-")):
            # "granddaughter Priyanka", "case manager Rosalind": a listed first name, written
            # as a name, right after a relation or a role that introduces a person ("Son Will
            # call tomorrow" is a modal and a verb)
            after = toks[i + 2][2].lower() if i + 2 < len(toks) else ""
            if not (toks[i + 1][2].lower() in _MODALS and after in _VERBS_AFTER_MODALS):
                yield PhiSpan(toks[i + 1][0], _second_first_name(text, toks, i + 1), "NAME")
        elif low in ("pt", "patient") and cased and i + 2 < len(toks):
            pair = toks[i + 1:i + 3]
            if (not _gap(text, pair[0][1], toks, i + 1)
                    and not text[pair[0][1]:pair[1][0]].strip()
                    and all(_title(w) and _outside_vocabulary(w, stop) for _, _, w in pair)):
                yield PhiSpan(pair[0][0], pair[1][1], "NAME")
    if mixed:
        yield from _kin_word_names(text, toks)
    yield from _field_names(text, toks, stop, cased)
    yield from _more_sure_names(text, toks, stop, cased)
    yield from _signed_or_credentialed(text, toks, stop)
    # the rules of names in prose ("Patient SMITH, JOHN", "John B. Carter", "Nurse Foley")
    # live in their own module, which reads this one's word lists (hence imported here)
    from osler.privacy.deid.prose_names import find_prose_names
    yield from find_prose_names(text, toks, stop, cased)
    # "Seen by Chidi Okafor (fellow)", "Thanks,\nRowena Blackwood", "my name is ..."
    from osler.privacy.deid.cued_names import find_cued_names
    yield from find_cued_names(text, stop, cased)
    # "Zorblatt Quenington seen today", "Call Bartholomew Quenington at (617) ..."
    from osler.privacy.deid.name_completion import find_opening_names
    yield from find_opening_names(text)
    if cased:
        for m in _NAME_BEFORE_AGE.finditer(text):
            words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", m.group("n")))
            keep = [w for w in words if w.group().lower() not in _SURE_TITLES]
            if keep and all(_name_or_outside(w.group(), stop) for w in keep):
                base = m.start("n")
                yield PhiSpan(base + keep[0].start(), base + keep[-1].end(), "NAME")


_SIGNED_BY = re.compile(r"\b(?:(?:electronically\s+)?(?:co-?)?signed|dictated|transcribed|"
                        r"authenticated|attested|verified)(?:\s+by\b|\s*:)", re.I)


def _name_shaped(word: str, stop: frozenset[str]) -> bool:
    """Written as a name ("Orin", "THISTLEWOOD", an initial "A.") and no vocabulary word."""
    core = word.rstrip(".")
    if len(core) == 1:
        return core.isupper()
    return ((_title(core) or (core.isupper() and core.isalpha() and len(core) >= 2))
            and (_outside_vocabulary(core, stop) or _known(core))
            and core.lower() not in _MONTH_NAMES)


def _signed_or_credentialed(text: str, toks: tuple[tuple[int, int, str], ...],
                            stop: frozenset[str]) -> Iterator[PhiSpan]:
    """The signer after "(electronically) signed by", "dictated by" ... ("THISTLEWOOD, ORIN
    on 03/04"), and the first name before a surname that carries a credential ("Orin Smith,
    MD"): name-shaped words outside every vocabulary, the signer's in "Last, First" order too."""
    starts = {start: i for i, (start, _end, _word) in enumerate(toks)}
    for m in _SIGNED_BY.finditer(text):
        i = next((starts[p] for p in range(m.end(), min(m.end() + 4, len(text) + 1))
                  if p in starts), None)
        taken, commas = [], 0
        while i is not None and i < len(toks) and len(taken) < 4:
            start, end, word = toks[i]
            if not _name_shaped(word, stop) or _CREDENTIALS.match(text, start):
                break
            taken.append((start, end))
            if _gap(text, end, toks, i):
                break
            between = text[end:toks[i + 1][0]]
            if between.strip(" \t") == "," and commas == 0:
                commas += 1
            elif between.strip(" \t."):
                break
            i += 1
        # a listed name among them, or "Last, First" order vouches ("verified by Pharmacist",
        # "signed by Pyxis" are no names)
        if (commas and len(taken) >= 2) or any(
                _known_in_context(text[a:b]) for a, b in taken if b - a > 1):
            for start, end in taken:
                yield PhiSpan(start, end, "NAME")
    for i, (start, end, word) in enumerate(toks):
        if i == 0 or not _CREDENTIALS.match(text, end) or not _name_shaped(word, stop):
            continue
        if word.isupper() and not _known_in_context(word):
            continue   # "ICU, RN", "LUNGS COARSE, RN TO SUCTION": in capitals, a listed name only
        j = i
        while j > 0 and i - j < 2 and not text[toks[j - 1][1]:toks[j][0]].strip(" \t") \
                and "\n" not in text[toks[j - 1][1]:toks[j][0]] \
                and _name_shaped(toks[j - 1][2], stop) \
                and (not toks[j - 1][2].isupper() or len(toks[j - 1][2].rstrip(".")) == 1
                     or _known_in_context(toks[j - 1][2])) \
                and not _any_in(toks[j - 1][2].lower().rstrip("."), _TITLES, _WEAK_TITLES,
                                _RELATIONS, _SURE_TITLES):
            j -= 1
        # a first name (or initial) before the surname: both are the name, when one of them is
        # a listed name ("Heparin Drip, RN aware" is a drug and its form)
        if j < i and any(_known_in_context(toks[k][2]) for k in range(j, i + 1)
                         if len(toks[k][2].rstrip(".")) > 1):
            for k in range(j, i + 1):
                yield PhiSpan(toks[k][0], toks[k][1], "NAME")


def _joined_in_capitals(word: str) -> bool:
    """A first name joined from two by a hyphen and typed in capitals ("MARY-ANN",
    "JEAN-LUC"), in any note: both parts first names, neither a function word."""
    word = word.rstrip(".").removesuffix("'S")
    parts = word.split("-")
    return (word.isupper() and len(parts) == 2 and all(len(p) >= 2 for p in parts)
            and all(p.lower() in _joinable_first_names() and p.lower() not in _NOT_NAMES
                    and p.lower() not in _MONTH_NAMES for p in parts))


def _surname_after(text: str, toks: tuple[tuple[int, int, str], ...], i: int,
                   stop: frozenset[str]) -> int:
    """The end of the name that starts with the first name at token ``i``: the next word too
    when it is written as the first name is (a capital, or all capitals after all capitals)
    and is no vocabulary word ("Mary-Ann Quimby", "MARY-ANN QUIMBY"; not "Mary-Ann called")."""
    end, word = toks[i][1], toks[i][2]
    if _gap(text, end, toks, i) or text[end:toks[i + 1][0]].strip():
        return end
    nxt = toks[i + 1][2]
    written = nxt.isupper() and len(nxt) >= 2 if word.isupper() else _title(nxt)
    if (written and _outside_vocabulary(nxt, stop) and nxt.lower() not in _MONTH_NAMES
            and (_known_in_context(nxt) or bool(_VOWEL.search(nxt.lower())))):
        return toks[i + 1][1]
    return end


#: Clinical abbreviations that are also first names, never a name's first word in capitals:
#: moves all extremities, TED hose, PEG tube, arterial line, CAT scan, paroxysmal atrial
#: tachycardia, lower oesophageal sphincter, systolic anterior motion.
_CLINICAL_FIRST_WORDS = frozenset({"mae", "ted", "peg", "art", "cat", "pat", "les", "sam"})


# After a first name that is also a word, what leaves it a name after "Wife is" ("Wife is
# June.", "Wife is June and ..."): the end of the clause, not a word it would qualify ("Wife
# is Frank about her concerns").
_CLAUSE_END = re.compile(r"[ \t]*(?:$|[.,;:!?()\n-]|(?:and|who|at|here|present)\b)")


def _kin_word_names(text: str, toks: tuple[tuple[int, int, str], ...]) -> Iterator[PhiSpan]:
    """A listed first name that is also an everyday word or a month, capitalised right after
    a relation of kin, or after it and "is", in a note written in mixed case ("wife June
    called", "Wife is June.", "daughter Rose at bedside"). Not a modal before its verb ("Wife
    Will call"), a month before a day or a year ("son June 3"), nor after "is" a word that
    does not end the clause ("Wife is Frank about it"); in lower case the words stay ("wife
    will call", "son bill paid")."""
    for i in range(len(toks) - 1):
        low = toks[i][2].lower()
        if low not in _RELATIONS or low in _WEAK_RELATIONS or low in _ROLE_RELATIONS:
            continue
        j, copula = i + 1, False
        if toks[j][2] == "is" and j + 1 < len(toks):
            j, copula = j + 1, True
        if any(text[toks[k][1]:toks[k + 1][0]] not in (" ", "\t") for k in range(i, j)):
            continue
        start, end, word = toks[j]
        name = word.lower()
        if not (_title(word) and word.isalpha() and len(word) >= 3
                and (name in first_names() or name in census_first_names(with_stopwords=True))
                and not _any_in(name, _NOT_NAMES, _RELATIONS, _TITLES, _CLINICAL_FIRST_WORDS,
                                _FAITHS)):
            continue
        nxt = toks[j + 1][2].lower() if j + 1 < len(toks) and not _gap(text, end, toks, j) else ""
        if name in _MODALS and (copula or nxt in _VERBS_AFTER_MODALS):
            continue   # "Wife Will call", "Son May visit"
        if name in _MONTH_NAMES and _NUMBER_AFTER.match(text, end):
            continue   # "son June 3", "wife June, 2019"
        if copula and (name in _ADJECTIVE_FIRST_NAMES or not _CLAUSE_END.match(text, end)):
            continue
        yield PhiSpan(start, end, "NAME")


# A number after a month's name ("June 3", "June, 2019"), matched where the name ends
# (not on a copy of the rest of the note, a copy as long as the note for each name).
_NUMBER_AFTER = re.compile(r"[ \t,]*\d")

# A faith or a church that a census lists as a first name too ("Wife is Sunni."): no name.
_FAITHS = frozenset("""sunni shia shiite muslim catholic christian jewish hindu buddhist sikh
baptist methodist mormon protestant orthodox lutheran episcopal episcopalian presbyterian
pentecostal adventist evangelical quaker amish""".split())
# Listed first names that say what someone is after "is" ("Wife is Young", "Husband is
# Irish"): after a relation they stay names ("wife Frank called").
_ADJECTIVE_FIRST_NAMES = frozenset("""young frank gay merry sunny noble royal major junior
lucky precious rich golden irish scottish welsh""".split())
# Relations that are roles or words of a phrase, not kin ("case manager", "social worker").
_ROLE_RELATIONS = frozenset({"law", "manager", "worker", "chaplain", "contact", "contacts",
                             "named", "name", "called", "proxy", "hcp", "poa", "lawyer",
                             "attorney", "priest", "guardian"})


def _second_first_name(text: str, toks: tuple[tuple[int, int, str], ...], k: int) -> int:
    """Where a first name at token ``k`` ends, with a second first name written the same way
    right after it ("daughter MARY ANN", "wife Mary Lou"), which is part of it."""
    end, word = toks[k][1], toks[k][2]
    if k + 1 >= len(toks) or text[end:toks[k + 1][0]] != " ":
        return end
    nxt = toks[k + 1][2]
    low = nxt.lower()
    same_shape = nxt.isupper() if word.isupper() else _title(nxt)
    if (same_shape and len(nxt) >= 2 and nxt.isalpha()
            and low in census_first_names(with_stopwords=True)
            and not _any_in(low, _MODALS, _NOT_NAMES, _MONTH_NAMES, _RELATIONS, _TITLES,
                            _CLINICAL_FIRST_WORDS)):
        return toks[k + 1][1]
    return end


def _capitals_after_capital_relation(relation: str, word: str) -> bool:
    """In a note typed in capitals, a first name that is also a word right after a relation
    typed so too ("HUSBAND FRANK", "SON BILL"): listed as a first name, three letters or more,
    not a month, a relation ("WIFE, SON AND SISTER"), a title or a clinical abbreviation
    ("WIFE, MAE, PERRLA": moves all extremities; "SON, ART LINE"); the caller leaves out a
    modal before a verb ("SON WILL CALL")."""
    return (relation.isupper() and len(word) >= 3 and word.isalpha() and word.isupper()
            and word.lower() in census_first_names(with_stopwords=True)
            and not _any_in(word.lower(), _MONTH_NAMES, _RELATIONS, _TITLES, _NOT_NAMES,
                            _CLINICAL_FIRST_WORDS))


def _capitals_in_prose(word: str, mixed: bool) -> bool:
    """A word of three or more letters typed in capitals in a note written in mixed case
    ("Daughter JEAN at bedside")."""
    return mixed and len(word) >= 3 and word.isalpha() and word.isupper()


def _capitals_name_pair(word: str, nxt: str, stop: frozenset[str]) -> bool:
    """"MARY QUIMBY": an English first name and a word, both in capitals, the first no
    vocabulary word or clinical abbreviation ("MAX DOSE", "TED HOSE" are not names), the
    second a listed surname outside every vocabulary, at least four letters."""
    low = word.lower()
    return (len(word) >= 3 and word.isalpha() and word.isupper()
            and (low in english_first_names() or low in census_first_names())
            and not _any_in(low, stop, common_words(), _NOT_NAMES, _MONTH_NAMES, _RELATIONS,
                            _TITLES, _WEAK_TITLES, _CLINICAL_FIRST_WORDS)
            and len(nxt) >= 4 and nxt.isalpha() and nxt.isupper()
            and _outside_vocabulary(nxt, stop) and nxt.lower() not in _MONTH_NAMES
            and (nxt.lower() in last_names() or nxt.lower() in census_names()))


def _listed_first_name(word: str, stop: frozenset[str]) -> bool:
    """A first name of Faker's or the Census lists, capitalised as a name, and no vocabulary
    word ("Will", "Hope" stay)."""
    low = word.lower()
    return (_title(word) and (low in first_names() or low in census_first_names())
            and not _any_in(low, stop, common_words(), _NOT_NAMES, _RELATIONS, _TITLES,
                            _MONTH_NAMES))


def _name_or_outside(word: str, stop: frozenset[str]) -> bool:
    """A listed name, or a word outside every vocabulary (:func:`_outside_vocabulary`): a
    Census first name shaped like a verb ("Winifred", "Mildred") counts too, when no
    vocabulary holds it."""
    low = word.lower().rstrip(".")
    return (_outside_vocabulary(word, stop) or _known(word)
            or low in census_first_names() and not _any_in(
                low, stop, common_words(), _NOT_NAMES, _TITLES, _WEAK_TITLES, _RELATIONS))


def _outside_vocabulary(word: str, stop: frozenset[str]) -> bool:
    """Not a function, clinical or everyday word, a title or a relation."""
    low = word.lower().rstrip(".")
    return not _any_in(low, stop, common_words(), _NOT_NAMES, _TITLES, _WEAK_TITLES,
                       _RELATIONS) and not _inflected(low)
