"""The whole of a name found in part, and names that open a sentence about the patient.

A rule or the tagger often finds one word of a name: "Call Marigold [Wei]", "[Donnell]" of
"O'Donnell", "[Okafor]" of "Adebayo-Okafor". Replacing that word alone leaves the rest in
clear ("Call Marigold Lester", "O'Foster"). :func:`with_completed_names` widens each name
span over the words joined to it that are written as names and are no vocabulary word:

- an "O'", "D'", "Mc" or "Mac" written onto it ("O'Donnell", "McAllister");
- a capitalised word before or after it, joined by a space or a hyphen, listed as a name or
  in no everyday, clinical, drug, eponym or place list ("Marigold Wei", "Adebayo-Okafor");
- a surname before it in "Surname, First" order at a line or sentence start ("O'Donnell,
  Chen presented").

Never over a clinical or everyday word ("Dr. Kowal Coumadin", "Smith Hospital"), a ward
word, shortened drug or lab of ``resources/deid/not_name_words.txt`` ("Marigold Wei Tte"), a
word of four letters or fewer that Faker does not list as a name, a word in
capitals in prose ("Smith ICU"), a word shaped like a verb, an adjective or a drug, nor, in a
note typed in capitals, a word no name list holds (but for a surname after a first and a
middle name that ends a line or sentence: "CALL MARIGOLD ANN QUENBY"). Applied to the final
spans (not a rule layer, so no tagger feature), before a name spreads to its other mentions.

:func:`trailing_not_name_words` cuts such a ward word off the end of a final name span
("Dr. [Quimby Cardiology] will follow" -> "[Quimby]"), but never a surname a name list holds
unless it is in the curated ward lists, nor an eponym's surname ("Dr. Marigold Foley").

:func:`find_opening_names` finds the patient named at a sentence start before what is said of
a patient ("Zorblatt Quenington seen today", "QUENINGTON, ZORBLATT, 67M,", "Pockley, Zorblatt
presented", "Spoke to Patient Fennimore re: labs"), "pt smith john" in a note typed in
lower case, and the person to call at a number ("Call Bartholomew Quenington at (617) ..."):
a sure name, kept whatever the tagger says. Two words of a medical eponym or an eponym before
a clinical head noun open no name ("Cheyne Stokes seen", "Roth Spots seen"), and after
"Patient" a word of four letters or fewer must be a name Faker lists ("Patient Lift was used").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate

from osler.privacy.deid.clinical_terms import clinical_terms
from osler.privacy.deid.eponyms import eponym_heads, eponym_surnames
from osler.privacy.deid.features import public_vocabulary
from osler.privacy.deid.lexicons import (capitals_clinical_words, census_first_names,
                                         census_names, clinical_words, common_words,
                                         first_names, last_names, medication_names,
                                         name_stopwords, place_names, resource_lines,
                                         sectioned_words, service_abbreviations, service_words,
                                         specialties)
from osler.privacy.deid.names import (_MONTH_NAMES, _NOT_NAMES, _RELATIONS, _TITLES,
                                      _WEAK_TITLES, _capital_signal, _inflected, _mixed_case)
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.vocab import WEEKDAYS

__all__ = ["find_opening_names", "not_name_words", "trailing_not_name_words",
           "with_completed_names"]

#: Endings of clinical words, drugs, adjectives and verbs that an unlisted surname seldom has
#: ("Mellitus", "Diabetes", "Saline", "Normal", "Vancomycin", "Metoprolol").
_NOT_NAME_ENDINGS = ("itis", "osis", "emia", "aemia", "ectomy", "otomy", "ostomy", "ology",
                     "pathy", "algia", "oma", "al", "ic", "ous", "ive", "ary", "ory", "ine",
                     "ing", "ed", "ly", "tion", "sion", "ment", "ness", "able", "ible", "us",
                     "es", "ia", "um", "ate", "ide", "ase", "ol", "in", "one", "il", "pam",
                     "lam", "mab", "nib", "pril", "artan", "statin", "cillin", "mycin",
                     "floxacin", "azole", "ium", "ics", "er", "ist", "ent", "ant", "ism", "sis",
                     "oid", "ure", "ax", "ea", "ema", "gram", "scopy", "plasty")
_CALENDAR = _MONTH_NAMES | frozenset(WEEKDAYS)
_NOT_NAME_FILE = "deid/not_name_words.txt"
#: Ward words written in title case at a sentence start that no list above holds
#: ("Mellitus", "Saline", "Addendum"): a section of this file.
_RULE_WORDS_FILE = "deid/name_rule_words.txt"


@lru_cache(maxsize=1)
def not_name_words() -> frozenset[str]:
    """Ward objects, clinical head nouns, shortened drugs, labs and services no other list
    holds ("Kardex", "Spots", "Vanc", "Tte"): ``resources/deid/not_name_words.txt``."""
    return frozenset().union(*(sectioned_words(_NOT_NAME_FILE, section) for section in
                               ("records", "heads", "abbreviations", "clinical")))


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    """Clinical head nouns after an eponym ("Roth Spots", "Tietze Syndrome")."""
    return sectioned_words(_NOT_NAME_FILE, "heads") | eponym_heads()


@lru_cache(maxsize=1)
def _eponym_words() -> frozenset[str]:
    """Every word of the medical eponyms' phrases ("osgood", "schlatter", "cheyne")."""
    words = (sectioned_words("deid/medical_eponyms.txt", section) for section in
             ("joined", "before"))
    return frozenset(w for ws in [*words, sectioned_words(_NOT_NAME_FILE, "eponyms")]
                     for p in ws for w in re.split(r"[-'’]+", p) if len(w) > 2
                     and w not in eponym_heads())


@lru_cache(maxsize=1)
def _eponym_pairs() -> frozenset[tuple[str, str]]:
    """Two words in a row of a medical eponym's phrase ("cheyne", "stokes")."""
    out = set()
    lines = [*resource_lines("deid/medical_eponyms.txt"),
             *sectioned_words(_NOT_NAME_FILE, "eponyms")]
    for line in lines:
        words = [w for w in re.split(r"[\s\-'’]+", line.lower()) if w]
        out.update(zip(words, words[1:]))
    return frozenset(out)


def _calendar_plural(low: str) -> bool:
    """"Mondays", "Junes": a weekday or month written plural."""
    return low.endswith("s") and low[:-1] in _CALENDAR


@lru_cache(maxsize=2)
def _vocabulary(eponyms: bool = True) -> frozenset[str]:
    """Every word list a name word must be outside of, the eponyms' surnames included
    unless ``eponyms`` is False."""
    words = (name_stopwords() | common_words() | public_vocabulary() | clinical_terms()
             | medication_names() | service_words() | clinical_words()
             | capitals_clinical_words() | place_names() | _NOT_NAMES | _TITLES | _WEAK_TITLES
             | _RELATIONS | _CALENDAR | not_name_words()
             | sectioned_words(_RULE_WORDS_FILE, "title_case_ward_words")
             | service_abbreviations() | specialties())
    return words | eponym_surnames() if eponyms else words


def _listed(low: str) -> bool:
    return (low in first_names() or low in last_names() or low in census_names()
            or low in census_first_names())


def _parts(word: str) -> list[str]:
    """The lower-case parts of a name word, without an "O'" or "Mc" written onto it."""
    low = word.lower()
    low = re.sub(r"^(?:o'|d'|ma?c(?=[a-z]{3}))", "", low) if _PREFIXED.match(word) else low
    return [p for p in low.removesuffix("'s").split("-") if p]


_PREFIXED = re.compile(r"(?:[OD]'|Ma?c)[A-Z]")


def _name_word(word: str, *, capitals: bool) -> bool:
    """Whether ``word`` may be part of a person's name: every part (of a hyphenated word) a
    listed name or an unlisted word not shaped like a clinical word, a drug or a verb, and no
    part a vocabulary word. ``capitals``: in a note typed in capitals, listed names only."""
    parts = _parts(word)
    if not parts or any(len(p) < 2 or not re.search(r"[aeiouy]", p) for p in parts):
        return False
    prefixed = _PREFIXED.match(word) is not None   # "McAllister": the prefix vouches
    for p in parts:
        if p in _vocabulary() or _inflected(p) or _calendar_plural(p):
            return False
        if not _listed(p) and (capitals or len(p) < 3
                               or not prefixed and p.endswith(_NOT_NAME_ENDINGS)):
            return False
    return True


def _written_as_name(word: str) -> bool:
    """"Marigold", "O'Donnell", "McAllister", "Adebayo-Okafor" (not "BP", "pt", "ICU")."""
    return bool(re.fullmatch(r"(?:[OD]'|Ma?c)?[A-Z][a-z']*[a-z](?:-(?:[OD]'|Ma?c)?[A-Z][a-z']*"
                             r"[a-z])?", word))


# the words around a span: before it (the last word, its joiner), after it (joiner, word)
_WORD_BEFORE = re.compile(r"(?<![\w'.&/-])(?P<w>[A-Za-z][A-Za-z']*(?:-[A-Za-z][A-Za-z']*)?)"
                          r"(?P<j>[ \t]|-|,[ \t])$")
_WORD_AFTER = re.compile(r"(?P<j>[ \t]|-|,[ \t])(?P<w>[A-Za-z][A-Za-z']*"
                         r"(?:-[A-Za-z][A-Za-z']*)?)(?![\w'&/-]|\.\w)")
_PREFIX_BEFORE = re.compile(r"(?<![A-Za-z'])(?:[OD]'|Ma?c)$")
_STARTS_HERE = re.compile(r"(?:^|[.!?;:]|\n)[ \t\"'(]*$")


def with_completed_names(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with each name span widened over the rest of its name (see the module's
    docstring); a surname before it in "Surname, First" order is added as a span of its own."""
    if not any(s.type == "NAME" for s in spans):
        return spans
    cased = _capital_signal(text)
    mixed = _mixed_case(text)
    # a word another span holds is left to it: a date, a place, or a name word of its own
    # ("Zebulon" and "Quixmoor" stay two names)
    taken = _overlap_test(spans)
    out = []
    for span in spans:
        if span.type != "NAME":
            out.append(span)
            continue
        start, end = span.start, span.end
        value = text[start:end]
        capitals = not cased or (mixed and value.isupper())
        m = _PREFIX_BEFORE.search(text, max(0, start - 3), start)
        if m and value[:1].isupper():
            start = m.start()
        for _ in range(2):   # up to two words before ("Mary Lou Quimby")
            m = _WORD_BEFORE.search(text, max(0, start - 60), start)
            if not m or not _joins(text, m.group("w"), m.group("j"), m.start("w"), capitals,
                                   value, before=True) or taken(m.start("w"), start):
                break
            if m.group("j").startswith(","):
                out.append(PhiSpan(m.start("w"), m.end("w"), "NAME"))
                break
            start = m.start("w")
        if capitals:   # "CALL MARIGOLD ANN QUENBY": a middle name, then the surname
            end = _middle_and_surname(text, end, value, taken) or end
        for _ in range(2):   # up to two words after ("Chen O'Donnell", "Adebayo-Okafor")
            m = _WORD_AFTER.match(text, end)
            if (not m or m.group("j").startswith(",")
                    or not _joins(text, m.group("w"), m.group("j"), m.start("w"), capitals,
                                  value, before=False) or taken(end, m.end("w"))):
                break
            end = m.end("w")
        out.append(span if (start, end) == (span.start, span.end)
                   else PhiSpan(start, end, "NAME"))
    return sorted(out)


def _middle_and_surname(text: str, end: int, value: str, taken) -> int | None:
    """In capitals, the end of "MARIGOLD ANN QUENBY" after the first name "MARIGOLD": a Census
    first name as the middle name (a stop-listed one too: "ANN", "MAE", "LEE"), then a word
    that ends the line or sentence and is a name (:func:`_name_word`) or, unlisted, no
    vocabulary, clinical or drug word and shaped like a name (five letters or more,
    :func:`_name_vowels`): "KAREN ANN FURO" keeps the drug."""
    if not value.isalpha() or value.lower() not in first_names() | census_first_names():
        return None
    middle = _WORD_AFTER.match(text, end)
    if (not middle or middle.group("j") not in (" ", "\t") or not middle.group("w").isupper()
            or middle.group("w").lower() not in census_first_names(with_stopwords=True)
            or middle.group("w").lower() in common_words() | _CALENDAR):
        return None
    last = _WORD_AFTER.match(text, middle.end())
    if (not last or last.group("j") not in (" ", "\t") or not last.group("w").isalpha()
            or not last.group("w").isupper()
            or not _LINE_OR_SENTENCE_END.match(text, last.end()) or taken(end, last.end())):
        return None
    low = last.group("w").lower()
    if _name_word(last.group("w"), capitals=True) or (
            len(low) >= 5 and _name_vowels(low) and low not in _vocabulary()
            and low not in not_name_words()
            and not _inflected(low) and low not in clinical_terms()
            and low not in capitals_clinical_words() and low not in medication_names()):
        return last.end()
    return None


_LINE_OR_SENTENCE_END = re.compile(r"[ \t]*(?:[\n.;,]|$)")


def _overlap_test(spans: list[PhiSpan]):
    """A function telling whether one of ``spans`` overlaps ``[start, end)`` (in log time:
    the spans' starts in order, and the furthest end reached up to each)."""
    ordered = sorted((s.start, s.end) for s in spans)
    starts = [a for a, _ in ordered]
    reach = list(accumulate((b for _, b in ordered), max))

    def overlaps(start: int, end: int) -> bool:
        k = bisect_left(starts, end) - 1   # the spans that start before ``end``
        return k >= 0 and reach[k] > start
    return overlaps


def _joins(text: str, word: str, joiner: str, at: int, capitals: bool, value: str, *,
           before: bool) -> bool:
    """Whether ``word`` at ``at``, joined to the name ``value`` by ``joiner``, is part of it."""
    if capitals:
        if not (word.isupper() and value.isupper()) or joiner.startswith(","):
            return False
    elif not (_written_as_name(word) and value[:1].isupper()):
        return False
    if joiner.startswith(","):
        # "O'Donnell, Chen": a surname before a first name, at a line or sentence start
        low = value.lower()
        return (before and _STARTS_HERE.search(text, max(0, at - 4), at) is not None
                and (low in first_names() or low in census_first_names())
                and _name_word(word, capitals=capitals))
    if (before and _STARTS_HERE.search(text, max(0, at - 4), at)
            and not _listed(_parts(word)[0] if _parts(word) else "")):
        # a sentence's first word before a name is a name only when listed ("Zorblatt" is
        # found by find_opening_names; "Discussed Pemberton" keeps its verb)
        return False
    # "Cheyne [Stokes]", "[Howell] Jolly": two words of a medical eponym make no one's name
    pair = (word.lower(), value.lower()) if before else (value.lower(), word.lower())
    if pair in _eponym_pairs():
        return False
    return _name_word(word, capitals=capitals) and all(_widens_over(p) for p in _parts(word))


def _widens_over(part: str) -> bool:
    """Whether a name may be widened over the word part ``part`` (besides :func:`_name_word`):
    a word of four letters or fewer only when Faker lists it as a name ("Wei", not "Tte",
    "Rue", "Levo"); a longer one when a name list holds it or its letters are shaped like a
    name's (:func:`_name_vowels`)."""
    if part in first_names() or part in last_names():
        return True
    if len(part) <= 4:
        return False
    return _listed(part) or _name_vowels(part)


def _name_vowels(part: str) -> bool:
    """Letters a name has: a vowel, and no three consonants in a row at the word's ends
    ("Bilat" passes, "Nsgy" does not)."""
    return (re.search(r"[aeiou]", part) is not None
            and not re.match(r"[^aeiouy]{3}", part) and not re.search(r"[^aeiouy]{4}$", part))


# --- names opening a sentence about the patient ---------------------------------------------

_W = r"(?:[OD]'|Ma?c)?[A-Z][a-z']*[a-z](?:-(?:[OD]'|Ma?c)?[A-Z][a-z']*[a-z])?"
_WC = r"(?:[OD]'|MA?C)?[A-Z][A-Z']*[A-Z](?:-[A-Z][A-Z']*[A-Z])?"
_OPENS = r"(?:^|(?<=[.!?;])|(?<=\n))[ \t]*"
#: What is said of a patient right after the name: a visit verb, or the age and sex.
_VISIT = r"(?:was[ \t]+|is[ \t]+)?(?:seen|presented|presents|admitted|evaluated)\b"
_AGE_SEX = r",[ \t]*\d{1,3}[ \t]*(?:y/?o|yo|yrs?|years?[ \t-]*old)?[ \t]*[MF]\b[ \t]*,"
_AGE_IS = (r"(?:is|was)[ \t]+an?[ \t]+\d{1,3}[ \t-]*(?:y/?o\b|yo\b|yr|years?\b|-year|"
           r"year-old)")
_OPENING = re.compile(
    rf"{_OPENS}(?P<n>(?P<a>{_W})(?P<sep>[ \t]+|[ \t]*,[ \t]*)(?P<b>{_W}))"
    rf"(?:[ \t]+(?:{_VISIT}|{_AGE_IS})|[ \t]*{_AGE_SEX})", re.M)
_OPENING_CAPITALS = re.compile(
    rf"{_OPENS}(?P<n>(?P<a>{_WC})(?P<sep>[ \t]+|[ \t]*,[ \t]*)(?P<b>{_WC}))"
    rf"(?:[ \t]+(?i:{_VISIT}|{_AGE_IS})|[ \t]*{_AGE_SEX})", re.M)
#: The person to call at a number: "Call Bartholomew Quenington at (617) 555-0192".
_CALL_AT = re.compile(rf"\b(?i:call|contact|page|reach|text)[ \t]+(?P<n>(?P<a>{_W})"
                      rf"(?P<sep>[ \t]+)(?P<b>{_W}))[ \t]+(?:at|on)[ \t]+(?=[(+]?\d)")
#: "Spoke to Patient Fennimore re: labs": "Patient" written as a title, a name, and what is
#: said of a patient.
_PATIENT_TITLE = re.compile(rf"\b(?:Patient|Pt)\.?[ \t]+(?P<n>(?P<a>{_W})(?:[ \t]+(?P<b>{_W}))?)"
                            r"(?=[ \t]+(?:re:|was\b|is\b|seen\b|presented\b|presents\b|"
                            r"states\b|reports\b|denies\b|called\b|aware\b))")
#: "pt smith john" in a note typed in lower case: two listed names after "pt".
_PT_LOWER = re.compile(r"\b(?:pt|patient)[ \t]+(?P<a>[a-z]{3,})[ \t]+(?P<b>[a-z]{3,})\b")


def find_opening_names(text: str) -> Iterator[PhiSpan]:
    """The patient's name opening a sentence before a visit verb or the age and sex, the
    person to call at a number, and "pt smith john" in lower case (see the module's
    docstring): both words written as names, neither a vocabulary word, each listed or
    shaped like no clinical word; in capitals, age and sex must follow."""
    for regex, capitals in ((_OPENING, False), (_OPENING_CAPITALS, True), (_CALL_AT, False)):
        if capitals and "," not in text and not re.search(r"(?i:seen|presented|admitted|"
                                                          r"evaluated|presents)", text):
            continue
        for m in regex.finditer(text):
            if regex is _OPENING_CAPITALS and not (m.group(0).rstrip().endswith(",")
                                                   or re.search(r"\d", m.group(0))):
                continue   # in capitals, the age and sex vouch ("CHEST PAIN SEEN" does not)
            a, b = m.group("a"), m.group("b")
            if not (_opening_word(a) and _opening_word(b)) or _eponym_pair(a, b):
                continue
            yield from _pair(m)
    for m in _PATIENT_TITLE.finditer(text):
        if all(_title_word(w) for w in (m.group("a"), m.group("b")) if w):
            yield PhiSpan(m.start("n"), m.end("n"), "NAME")
    if not _mixed_case(text) and _capital_signal(text):   # typed in lower case
        for m in _PT_LOWER.finditer(text):
            # both in Faker's lists or the Census first names (the Census surnames hold
            # words: "pt needs constant"), one a first name; a surname that names a sign too
            # ("smith") is still a name right after "pt"
            pair = (m.group("a"), m.group("b"))
            if (all((w in first_names() or w in last_names() or w in census_first_names())
                    and (w not in _vocabulary() or w in eponym_surnames()
                         and w not in _vocabulary(eponyms=False))
                    and not _inflected(w) for w in pair)
                    and any(w in first_names() or w in census_first_names() for w in pair)):
                yield PhiSpan(m.start("a"), m.end("b"), "NAME")


def _opening_word(word: str) -> bool:
    """A word of a name at a sentence start: a name word (see :func:`_name_word`), in
    capitals too (then judged as written in title case)."""
    return _name_word(word, capitals=False)


def _title_word(word: str) -> bool:
    """A name after "Patient" written as a title: a name word (:func:`_opening_word`, so no
    ward noun: "Patient Portal", "Patient Kardex") that Faker lists as a name or of five
    letters or more ("Patient Thistlebrook", not "Patient Lift")."""
    parts = _parts(word)
    return _opening_word(word) and all(p in first_names() or p in last_names() or len(p) >= 5
                                       for p in parts)


def _eponym_pair(a: str, b: str) -> bool:
    """"Osgood Schlatter", "Roth Spots", "Cheyne Stokes": a word of a medical eponym, or a
    clinical head noun second, never two words of a name at a sentence start."""
    low_a, low_b = a.lower(), b.lower()
    if low_b in _heads() or (low_a, low_b) in _eponym_pairs():
        return True
    return any(w in _eponym_words() and w not in first_names() and w not in last_names()
               for w in (low_a, low_b))


def trailing_not_name_words(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with each name span's trailing service, weekday, drug, clinical or
    abbreviated word cut off ("Dr. [Quimby Cardiology] will follow" -> "[Quimby]"), unless
    Faker lists the word as a name; a span of one word is kept whole."""
    out = []
    for span in spans:
        if span.type != "NAME":
            out.append(span)
            continue
        start, end = span.start, span.end
        while True:
            m = _LAST_WORD.search(text, start, end)
            if (not m or m.start("w") <= start or not _trailing_not_name(m.group("w"))
                    or _INITIALS.fullmatch(text, start, m.start())):
                break   # "Dr. [A. March]": after initials, the word is the surname
            end = m.start()
        out.append(span if end == span.end else PhiSpan(start, end, "NAME"))
    return out


_INITIALS = re.compile(r"(?:[A-Z]\.?[ \t]*)+")
_LAST_WORD = re.compile(r"[ \t]+(?P<w>[A-Za-z][A-Za-z]*)$")


def _trailing_not_name(word: str) -> bool:
    """Whether ``word`` ending a name span is a ward word, not the name's last word: a word
    of the curated ward lists (services, weekdays, this module's list) unless Faker lists it
    as a name or it is an eponym's surname ("Dr. Marigold Foley" keeps "Foley"); a word of
    the broader service, clinical and drug lists only when no name list holds it ("Pool",
    "Swan")."""
    low = word.lower()
    if low in first_names() or low in last_names() or low in eponym_surnames():
        return False
    if (low in not_name_words() or low in specialties() or low in service_abbreviations()
            or low in _CALENDAR or _calendar_plural(low)):
        return True
    return not _listed(low) and (low in service_words() or low in clinical_terms()
                                 or low in medication_names() or low in capitals_clinical_words())


def _pair(m: re.Match[str]) -> Iterator[PhiSpan]:
    if "," in m.group("sep"):   # "Pockley, Zorblatt": two spans, the comma stays
        yield PhiSpan(m.start("a"), m.end("a"), "NAME")
        yield PhiSpan(m.start("b"), m.end("b"), "NAME")
    else:
        yield PhiSpan(m.start("a"), m.end("b"), "NAME")
