"""The rest of a name the rules or the tagger found in part, in a note written in mixed case:
"Discussed plan with Ignatius [Pemberton]" (a first name no list holds, right before the surname
found) and "[Lucinda] and Bartholomew from SW" (a listed name joined to a name found). Applied
to the final name spans (:func:`~osler.privacy.deid.detect.combine`), not a rule layer, so no
tagger feature.

A neighbour is taken only when it is written as a name, outside every vocabulary (stop
lists, Faker's lorem words, the tagger's public vocabulary), no title, relation, month,
eponym's surname or place, not shaped like a verb or an adverb, and not the first word of a
sentence unless it is a listed first name ("Discussed Pemberton's plan" keeps "Discussed");
joined by "and", it must also be a listed name ("[Smith] and Lasix held" keeps the drug).
"""

from __future__ import annotations

import re
from functools import lru_cache

from osler.privacy.deid.eponyms import eponym_surnames
from osler.privacy.deid.features import public_vocabulary
from osler.privacy.deid.lexicons import (census_first_names, census_names, common_words,
                                         first_names, last_names, name_stopwords, place_names,
                                         us_places)
from osler.privacy.deid.names import (_MONTH_NAMES, _NOT_NAMES, _RELATIONS, _TITLES,
                                      _WEAK_TITLES, _any_in, _mixed_case)
from osler.privacy.deid.spans import PhiSpan

__all__ = ["with_name_neighbours"]

_NAME_WORD = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_BEFORE = re.compile(rf"(?<![\w'.&/-])({_NAME_WORD}) $")
_JOINED_BEFORE = re.compile(rf"(?<![\w'.&/-])({_NAME_WORD}) (?:and|&) $")
_JOINED_AFTER = re.compile(rf" (?:and|&) ({_NAME_WORD})(?![\w'-])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]|\n)[ \t\"'(]*$")


@lru_cache(maxsize=2)
def _vocabulary(places: bool) -> frozenset[str]:
    # US place names are full of surnames ("Bartholomew"): a listed name joined by "and"
    # to a name found counts unless it names a place outside that list too
    words = (name_stopwords() | common_words() | public_vocabulary() | eponym_surnames()
             | place_names())
    return words | us_places() if places else words


def _listed_first(low: str) -> bool:
    return low in first_names() or low in census_first_names()


def _listed(low: str) -> bool:
    return _listed_first(low) or low in last_names() or low in census_names()


def _name_word(text: str, start: int, word: str, places: bool = True) -> bool:
    """``word`` at ``start`` may be part of a person's name (see the module's docstring);
    ``places``: a place's name is none (a listed name joined by "and" may be one too)."""
    low = word.lower()
    if (len(low) < 3 or any(_any_in(p, _vocabulary(places), _NOT_NAMES, _TITLES, _WEAK_TITLES,
                                    _RELATIONS, _MONTH_NAMES) for p in low.split("-"))
            or low.endswith(("ed", "ing", "ly", "ic", "al", "ous", "ive"))):
        return False
    sentence_start = _SENTENCE_START.search(text, max(0, start - 3), start)
    return not sentence_start or _listed_first(low)


def with_name_neighbours(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with each capitalised name widened over a name word right before it on its
    line, and a listed name joined to it by "and" added. Not over the word after a name
    ("Dr. Kowal Coumadin held": a drug)."""
    if not _mixed_case(text) or not any(s.type == "NAME" for s in spans):
        return spans
    out = []
    for span in spans:
        value = text[span.start:span.end]
        if span.type != "NAME" or not value[:1].isupper() or not value[1:2].islower():
            out.append(span)
            continue
        start, end = span.start, span.end
        m = _BEFORE.search(text, max(0, start - 40), start)
        if m and _name_word(text, m.start(1), m.group(1)):
            start = m.start(1)
        out.append(PhiSpan(start, end, "NAME") if (start, end) != (span.start, span.end)
                   else span)
        for m in (_JOINED_BEFORE.search(text, max(0, start - 40), start),
                  _JOINED_AFTER.match(text, end)):
            if (m and _listed(m.group(1).lower())
                    and _name_word(text, m.start(1), m.group(1), places=False)):
                out.append(PhiSpan(m.start(1), m.end(1), "NAME"))
    return out
