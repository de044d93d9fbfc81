"""Names in prose that a shape vouches for, kept whatever the learned tagger says (part of
:func:`~osler.privacy.deid.names.find_sure_names`, not a rule layer, so no tagger feature):
"Last, First [I]" after a word that introduces a person ("Patient SMITH, JOHN seen"), a first
name with a middle initial and a surname ("John B. Carter"), and an eponym's surname after a
role ("Nurse Foley saw pt"). They read the word lists and tests of
:mod:`osler.privacy.deid.names`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from osler.privacy.deid.eponyms import eponym_heads, eponym_spans, eponym_surnames
from osler.privacy.deid.features import public_vocabulary
from osler.privacy.deid.lexicons import (census_first_names, census_surnames_with_stopwords,
                                         clinical_words, common_words, first_names)
from osler.privacy.deid.names import (_CLINICAL_FIRST_WORDS, _CREDENTIALS, _FIELD_NOT_NAMES,
                                      _MODALS, _MONTH_NAMES, _NOT_NAMES, _RELATIONS, _TITLES,
                                      _WEAK_TITLES, _any_in, _inflected, _known_in_context,
                                      _last_comma_first, _name_shaped, _title, _title_here)
from osler.privacy.deid.spans import PhiSpan

__all__ = ["find_prose_names"]

Tokens = tuple[tuple[int, int, str], ...]


def find_prose_names(text: str, toks: Tokens, stop: frozenset[str], cased: bool
                     ) -> Iterator[PhiSpan]:
    """The prose names of ``text`` (tokens ``toks``; ``cased``: its capitals mean something)."""
    yield from _last_first_in_prose(text, toks, stop)
    if not cased:   # "RN WINSLOW KEMBER AWARE": in capitals, a name after a role
        from osler.privacy.deid.capital_roles import find_role_names_in_capitals
        yield from find_role_names_in_capitals(text, toks, stop)
    else:
        yield from _first_initial_last(text, toks)
        yield from _role_before_eponym(text, toks)
        yield from _named_by_cue(text, stop)
    # "his wife, Zelda Quarrington", "SISTER, ZELDA HAS PHONED", "HO Quarrington notified"
    from osler.privacy.deid.kin_names import find_kin_names
    yield from find_kin_names(text, toks, stop, cased)


#: "/s/ D. Ashcombe": an electronic signature's marker, then the signer on its line.
_SIGNATURE_MARK = re.compile(r"(?<!\w)/s/[ \t]*(?P<n>[A-Za-z][A-Za-z.'-]*(?:[ \t]+[A-Za-z]"
                             r"[A-Za-z.'-]*){0,2})", re.I)
#: "Pemberton, Ignatius (MRN 4412312)": "Last, First [I]" right before a record number or a
#: birth date.
_LAST_FIRST_BEFORE_ID = re.compile(
    r"(?<![\w'-])(?P<s>[A-Z][a-z'-]{2,}),[ \t]*(?P<f>[A-Z][a-z'-]+)(?P<i>[ \t]+[A-Z]\.?)?"
    r"[ \t]*[(,]?[ \t]*(?i:mrn|mr#|med(?:ical)?[ \t]+rec|dob|d\.o\.b)\b")
#: "Zebulon Quaxworth, M.D.": a full name before a doctor's degree written with stops.
_NAME_BEFORE_DEGREE = re.compile(r"(?<![\w'.-])(?P<n>[A-Z][a-z'-]+(?:[ \t]+[A-Z]\.)?[ \t]+"
                                 r"[A-Z][a-z'-]+),?[ \t]+(?:M\.D|D\.O|Ph\.D)\.")
_NOT_NAME_ENDINGS = ("al", "ic", "ed", "ing", "ly", "ous", "ive", "ine", "ology", "ery")
#: "Ignatius Pemberton presents with chest pain", "Ophelia Brackenridge was seen today": a
#: full name opening a presentation.
_NAME_PRESENTS = re.compile(r"(?:^|(?<=[.!?][ \t])|(?<=[.!?][ \t]{2}))[ \t]*"
                            r"(?P<n>[A-Z][a-z'-]+[ \t]+[A-Z][a-z'-]+)[ \t]+"
                            r"(?:present(?:s|ed|ing)[ \t]+(?:with|to|for)|(?:is|was)[ \t]+"
                            r"(?:seen|evaluated|examined|admitted)|is[ \t]+an?)\b", re.M)


def _named_by_cue(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """A signer after "/s/", "Last, First" before "(MRN", a full name before "M.D." and one
    that opens a presentation ("Ignatius Pemberton presents with"), every word name-shaped
    and outside every vocabulary (or a listed name); but the signer's, one of them a listed
    name."""
    for m in _SIGNATURE_MARK.finditer(text):
        words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*\.?", m.group("n")))
        while words and not _name_shaped(words[-1].group(), stop):
            words.pop()
        if (words and all(_name_shaped(w.group(), stop) for w in words)
                and len(words[-1].group().rstrip(".")) > 1):
            yield PhiSpan(m.start("n") + words[0].start(), m.start("n") + words[-1].end(),
                          "NAME")
    for m in _LAST_FIRST_BEFORE_ID.finditer(text):
        if (_name_shaped(m.group("s"), stop) and _name_shaped(m.group("f"), stop)
                and (_known_in_context(m.group("s")) or _known_in_context(m.group("f")))):
            yield PhiSpan(m.start("s"), m.end("s"), "NAME")
            yield PhiSpan(m.start("f"), m.end("i") if m.group("i") else m.end("f"), "NAME")
    for m in _NAME_BEFORE_DEGREE.finditer(text):
        words = m.group("n").split()
        # "Heparin Drip, M.D. aware", "Internal Medicine, M.D." are no names
        if all(_name_shaped(w, stop) and (len(w) == 2 or w.lower() not in public_vocabulary()
                                          and not w.lower().endswith(_NOT_NAME_ENDINGS))
               for w in words):
            yield PhiSpan(m.start("n"), m.end("n"), "NAME")
    for m in _NAME_PRESENTS.finditer(text):
        words = m.group("n").split()
        if (all(_name_shaped(w, stop) for w in words)
                and any(_known_in_context(w) for w in words)
                and not _clinical_pair(m.group("n"), words[1])):
            yield PhiSpan(m.start("n"), m.end("n"), "NAME")


def _clinical_pair(pair: str, second: str) -> bool:
    """Two words that name a finding, not a person ("Zenker Diverticulum was seen"): an
    eponym, or a clinical head word or a word of the clinical vocabulary second."""
    low = second.lower()
    # no ending test: "-ic", "-ine" end surnames too ("Petrovic", "Constantine")
    return (bool(eponym_spans(pair)) or low in eponym_heads() or low in public_vocabulary()
            or low in clinical_words())


#: Words that introduce a person in "Last, First" order ("Patient SMITH, JOHN seen").
_PERSON_WORDS = frozenset({"patient", "pt", "mr", "mrs", "ms", "miss", "mister", "dr",
                           "doctor", "client"})


def _last_first_in_prose(text: str, toks: tuple[tuple[int, int, str], ...],
                         stop: frozenset[str]) -> Iterator[PhiSpan]:
    """"Last, First [I]" outside a form field ("Patient SMITH, JOHN seen", "Pt GREEN, MARY A
    seen"), every word: after a word that introduces a person (the surname may then be a word:
    "GREEN"), or when both are listed names that are no word ("SMITH, JOHN")."""
    for i in range(len(toks) - 1):
        if not _last_comma_first(text, toks, i):
            continue
        (start, _end, last), (_s, end, first) = toks[i], toks[i + 1]
        low, first_low = last.lower(), first.lower()
        if (_any_in(low, _NOT_NAMES, _FIELD_NOT_NAMES, _MONTH_NAMES, _TITLES, _WEAK_TITLES,
                    _RELATIONS)
                or _any_in(first_low, _NOT_NAMES, _MONTH_NAMES, _TITLES, _RELATIONS,
                           _CLINICAL_FIRST_WORDS)   # "PERL, MAE": pupils, moves all limbs
                or _inflected(low) or _CREDENTIALS.match(text, toks[i + 1][0])):
            continue
        before = toks[i - 1] if i else None
        introduced = (before is not None and before[2].lower().rstrip(".") in _PERSON_WORDS
                      and not text[before[1]:start].strip(" \t.:")
                      and _title_here(text, before[2], before[1])
                      # a surname that is a word ("GREEN"), never an adjective ("LETHARGIC")
                      and low in census_surnames_with_stopwords())
        listed = (_known_in_context(last) and _known_in_context(first)
                  and not _any_in(low, stop, common_words())
                  and not _any_in(first_low, stop, common_words()))
        if not (introduced or listed):
            continue
        # a capital initial right after the first name is the name's too ("MARY A"); each
        # part a span, as in a person field ("[NAME], [NAME]")
        if (i + 2 < len(toks) and len(toks[i + 2][2].rstrip(".")) == 1
                and toks[i + 2][2][:1].isupper()
                and not text[end:toks[i + 2][0]].strip(" \t")
                and "\n" not in text[end:toks[i + 2][0]]):
            end = toks[i + 2][1]
        yield PhiSpan(start, toks[i][1], "NAME")
        yield PhiSpan(toks[i + 1][0], end, "NAME")


def _first_initial_last(text: str, toks: tuple[tuple[int, int, str], ...]
                        ) -> Iterator[PhiSpan]:
    """A listed first name, a middle initial and a surname written as one ("John B. Carter",
    "Alice B. Carter, RN"), whole: the shape vouches for a surname that is also a word."""
    for i in range(len(toks) - 2):
        (start, end, first), (_a, i_end, initial), (_b, last_end, last) = toks[i:i + 3]
        # a first name that is also a word ("Grace", "Rose") counts: the initial vouches
        if not (_title(first) and (first.lower() in first_names()
                                   or first.lower() in census_first_names(with_stopwords=True))
                and len(initial.rstrip(".")) == 1 and initial[:1].isupper()
                and _title(last) and len(last) >= 2):
            continue
        if text[end:toks[i + 1][0]] != " " or text[i_end:toks[i + 2][0]] != " ":
            continue
        low, first_low = last.lower().removesuffix("'s"), first.lower()
        if (_any_in(first_low, _NOT_NAMES, _MONTH_NAMES, _TITLES, _RELATIONS, _MODALS)
                or _any_in(low, common_words(), _NOT_NAMES, _MONTH_NAMES, _TITLES,
                           _WEAK_TITLES, _RELATIONS) or _inflected(low)):
            continue
        yield PhiSpan(start, last_end, "NAME")


#: Roles whose next capitalised word is a person's name, an eponym's surname included
#: ("Nurse Foley saw pt"); not "pt" ("Pt Foley draining").
_ROLES_BEFORE_NAMES = frozenset("""nurse rn np lpn cna therapist pharmacist dietitian
dietician physician surgeon midwife chaplain interpreter aide resident fellow intern
attending""".split())


#: Words that say what a person named after a role did or is ("Nurse Foley saw pt").
_PERSON_DOINGS = frozenset("""saw sees seen called calls paged notified aware updated
informed spoke speaks said says states stated reports reported gave gives placed is was will
came comes here at to in and with who has had did does checked assessed discussed""".split())


def _role_before_eponym(text: str, toks: tuple[tuple[int, int, str], ...]
                        ) -> Iterator[PhiSpan]:
    """An eponym's surname written as a name right after a role ("Nurse Foley saw pt"): a
    person, unless a clinical head word follows ("nurse Foley catheter care")."""
    for i in range(len(toks) - 1):
        word, (start, end, nxt) = toks[i][2], toks[i + 1]
        if (word.lower().rstrip(".") not in _ROLES_BEFORE_NAMES
                or text[toks[i][1]:start].strip(" \t.:") or "\n" in text[toks[i][1]:start]
                or not _title(nxt) or nxt.lower().removesuffix("'s") not in eponym_surnames()):
            continue
        after = toks[i + 2][2].lower() if i + 2 < len(toks) else ""
        gap = text[end:toks[i + 2][0]] if i + 2 < len(toks) else ""
        # "Nurse Foley saw pt", "RN Graves, aware": a person's doing, the sentence's end or
        # a comma; not "Therapist Trendelenburg gait", "RN Foley output" (a thing's word)
        if after in eponym_heads() or not (after in _PERSON_DOINGS or after == ""
                                           or gap.strip() in (",", ".", ";", ":")):
            continue
        yield PhiSpan(start, end, "NAME")
