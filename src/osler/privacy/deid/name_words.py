"""The tokeniser, word lists and word tests the name detectors share.

Split out of :mod:`osler.privacy.deid.names`, which imports them back (so the other detectors
that read them from there still do): the words that set a name off ("Dr", "son", "RN"), the
words never taken for one, the context patterns around names, and the tests of a word's shape
and of the name lists.
"""

from __future__ import annotations

import re
from functools import lru_cache

from osler.privacy.deid.lexicons import (census_first_names, census_names, english_first_names,
                                         first_names, last_names)
from osler.privacy.deid.vocab import MONTHS, SURNAME_PARTICLES

_WORD = re.compile(r"[A-Za-z][A-Za-z']*(?:-[A-Za-z]+)?\.?")
_TITLES = {"dr", "doctor", "mr", "mrs", "ms", "miss", "mister", "rabbi", "father", "rev",
           "reverend", "drs", "msgr", "pastor"}
_RELATIONS = {"wife", "husband", "son", "sons", "daughter", "daughters", "dtr", "dtrs", "sister",
              "sisters", "brother", "brothers", "mother", "mom", "father", "dad", "friend",
              "girlfriend", "boyfriend", "niece", "nephew", "grandson", "granddaughter",
              "grandaughter", "aunt", "uncle", "cousin", "fiance", "fiancee", "spouse", "partner",
              "neighbor", "priest", "proxy", "hcp", "guardian", "sil", "dil", "stepson",
              "stepdaughter", "grandchildren", "children", "kids", "family", "nephews", "nieces",
              "granddaughters", "grandsons", "siblings", "contact", "contacts", "named", "name",
              "called",
              "lawyer", "attorney", "poa", "roommate", "companion", "caregiver",
              "law", "manager", "worker", "chaplain",   # "daughter-in-law X", "case manager X"
              "spoke", "per", "with", "by", "and", "&", "ask",
              # a step-, an ex- or a half- relation, written as one word ("Step-daughter
              # Ondine", "Ex-wife Tamsin", "stepmom Bea")
              *(f"{pre}{rel}" for pre in ("step", "step-") for rel in (
                  "son", "daughter", "mother", "father", "mom", "dad", "sister", "brother")),
              *(f"{pre}{rel}" for pre in ("ex", "ex-") for rel in (
                  "wife", "husband", "girlfriend", "boyfriend", "partner", "spouse", "fiance",
                  "fiancee")),
              "half-sister", "half-brother"}
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
_WEAK_RELATIONS = {"with", "by", "and", "&", "per", "spoke", "called", "contact", "contacts",
                   "ask", "name",
                   "named", "family", "children", "kids"}
_WEAK_TITLES = {"md", "np", "rn", "pa", "resident", "intern", "fellow", "attending", "nurse"}
_MONTH_NAMES = frozenset(MONTHS)
# Lower-case parts of surnames ("Dr. van der Berg", "Mrs. de la Cruz").
_PARTICLES = SURNAME_PARTICLES
_BEFORE_VERB = re.compile(r"(?<![\w.])(?P<n>[A-Z][a-z']+)\s+(?:made\s+)?(?:aware|paged|notified|"
                          r"informed|updated|called back|returned call|at bedside|to bedside)\b")
_BEFORE_RELATION = re.compile(
    r"(?<![\w.])(?P<n>[A-Za-z][a-z']++|[A-Z][A-Z']++)\s*+(?:,|\(|-)\s*+(?:the\s+|her\s+|his\s+|"
    r"pt'?s\s+|patient'?s\s+)?(?:ex-?|step-?|half-)?(?:wife|husband|daughter|son|sister|brother|mother|father|niece|"
    r"nephew|granddaughter|grandson|friend|fiancee?|partner|girlfriend|boyfriend|hcp|"
    r"health care proxy|proxy)\b", re.I)
#: What joins a relation into one word ("Ex-wife", "Step-son", "Half-sister").
_RELATION_PREFIXES = frozenset({"ex", "step", "half"})
# A signature: a line holding only a short name and a credential ("Jo Quimby, RN", "jo
# quimby rn"), whatever the note's casing.
_SIGNATURE = re.compile(r"^[ \t]*+(?P<n>[A-Za-z][A-Za-z'-]++(?:[ \t]++[A-Za-z]\.?)?(?:[ \t]++"
                        r"[A-Za-z][A-Za-z'-]++){0,2})[ \t]*+(?:,[ \t]*+)?(?:RN|R\.N\.|RRT|LPN|"
                        r"BSN|SN)(?:[ \t]*+[,/][ \t]*+[A-Za-z]{2,4})?[ \t.]*$", re.I | re.M)
# A role before a word and a verb of being told ("NP Jen aware", "MD KOWAL MADE AWARE").
_ROLE_BEFORE_VERB = re.compile(r"\b(?:NP|MD|RN|PA|Dr|Drs|resident|fellow|intern)\.?\s+"
                               r"(?P<n>[A-Za-z][A-Za-z'-]+)\s+(?:made\s+)?(?:aware|paged|"
                               r"notified|informed|updated)\b", re.I)
# "Drs Kowal and Quimby": the second clinician after "and".
_SECOND_DOCTOR = re.compile(r"\bDrs\.?\s+[A-Za-z][A-Za-z'-]+\s*(?:,|and|&)\s*"
                            r"(?P<n>[A-Za-z][A-Za-z'-]+)", re.I)
_VOWEL = re.compile(r"[aeiouy]")
_CREDENTIALS = re.compile(r"\s*+(?:,\s*+)?(?:RN|RRT|MD|M\.D\.|NP|PA|PA-C|LPN|CNA|LICSW|MSW|SW|"
                          r"PhD|RPh|CRNA|BSN|CCRN)\b")


@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """Word tokens of ``text`` (start, end, word); names, places and context-vouched names
    all read them, so a note is tokenised once per pass."""
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
    return tuple(out)


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
    if "-" in low:   # "Hans-Peter", "Anne-Marie": every part a listed name
        parts = low.split("-")
        return all(p in first_names() or p in last_names() for p in parts if p)
    return low in first_names() or low in last_names()


_CAMEL_PARTS = re.compile(r"[A-Z][a-z']+")


@lru_cache(maxsize=1)
def _joinable_first_names() -> frozenset[str]:
    """First names that may form part of a joined one, stop-listed ones included: "Ann",
    "Jo" or "Jean" alone are too common as words, joined ("Jo-Ann", "JeanLuc") they are not."""
    return first_names() | census_first_names(with_stopwords=True) | english_first_names()


def _joined_first_names(word: str, mixed: bool) -> bool:
    """A first name joined from two first names, by a hyphen ("Mary-Ann", "Jean-Luc") or in
    capitals ("MaryAnn", "JoBeth"); each part written as a name in a note with meaningful
    capitals. Eponyms join surnames ("Stevens-Johnson"), not first names."""
    word = word.rstrip(".").removesuffix("'s")
    if "-" in word:
        parts = word.split("-")
    else:
        parts = _CAMEL_PARTS.findall(word)
        if "".join(parts) != word:
            return False
    if len(parts) != 2 or any(len(p) < 2 for p in parts):
        return False
    if mixed and not all(_title(p) or (len(p) == 2 and p[0].isupper() and p[1].islower())
                         for p in parts):
        return False
    names = _joinable_first_names() if mixed else english_first_names()
    return all(p.lower() in names and p.lower() not in _NOT_NAMES for p in parts)
